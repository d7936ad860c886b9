"""Aspect-ratio buckets: every batch from one bucket, batches shuffled across buckets by the seed,
images decoded only when their batch is built."""
from __future__ import annotations

from PIL import Image

from engine.image.data import ImageBatcher, folder_examples

SHAPES = {"square": (32, 32), "wide": (64, 32), "tall": (32, 64)}


def mixed_folder(folder, per_shape=3):
    folder.mkdir(parents=True, exist_ok=True)
    for shape, size in SHAPES.items():
        for index in range(per_shape):
            Image.new("RGB", size, (40 * index, 90, 200)).save(folder / f"{shape}_{index}.png")
            (folder / f"{shape}_{index}.txt").write_text(f"a {shape} picture", encoding="utf-8")
    return folder_examples(folder)


def shape_of(batcher, index):
    return batcher.examples[index]["id"].split("_")[0]


def test_each_batch_comes_from_one_bucket_and_batches_are_shuffled(tmp_path):
    examples = mixed_folder(tmp_path / "mixed")
    batcher = ImageBatcher(examples, 64, buckets=True, batch_size=2)
    orders = []
    for seed, epoch in [(1, 0), (1, 1), (2, 0), (3, 0)]:
        batches = batcher.epoch_batches(seed, epoch)
        assert sorted(i for batch in batches for i in batch) == list(range(len(examples)))
        assert len(batches) == batcher.batches_per_epoch() == 6   # 3 images per bucket: a full and a half batch
        for batch in batches:
            assert len({shape_of(batcher, i) for i in batch}) == 1, batch
            pixels, _, _, _, (w, h) = batcher.batch(batch)
            assert pixels.shape[2:] == (h, w)
            assert (w > h, w < h) == (shape_of(batcher, batch[0]) == "wide", shape_of(batcher, batch[0]) == "tall")
        orders.append([shape_of(batcher, batch[0]) for batch in batches])
        assert batcher.epoch_batches(seed, epoch) == ImageBatcher(examples, 64, buckets=True,
                                                                  batch_size=2).epoch_batches(seed, epoch)

    def grouped(order):   # all batches of a bucket next to each other
        return all(order.index(s) + order.count(s) - 1 == len(order) - 1 - order[::-1].index(s) for s in set(order))
    assert not all(grouped(order) for order in orders), orders
    assert len({tuple(order) for order in orders}) > 1


def test_images_are_decoded_when_their_batch_is_built(tmp_path):
    examples = mixed_folder(tmp_path / "mixed", per_shape=1)
    batcher = ImageBatcher(examples, 16, center_crop=True, flip=False, buckets=False, batch_size=3)
    assert not any(isinstance(value, (Image.Image, list)) and value and isinstance(value[0], Image.Image)
                   for value in vars(batcher).values())
    before = batcher.batch([0])[0]
    Image.new("RGB", SHAPES["square"], (255, 255, 255)).save(examples[0]["image_path"])
    after = batcher.batch([0])[0]
    assert float(after.min()) == 1.0 and float(before.min()) < 1.0


def test_training_with_buckets(eng, tiny_sd_dir, tmp_path):
    mixed_folder(tmp_path / "mixed", per_shape=2)
    job = eng.jobs.run("models.import", {"path": str(tiny_sd_dir), "name": "tiny-sd", "kind": "image"})
    assert job.state.value == "succeeded", job.error
    job = eng.jobs.run("image.train", {"model": "tiny-sd", "data": str(tmp_path / "mixed"), "resolution": 32,
                                       "buckets": True, "batch_size": 2, "max_steps": 3, "validation_steps": 1,
                                       "register": False, "checkpoint_every": 0})
    assert job.state.value == "succeeded", job.error
    assert job.result["steps"] == 3
