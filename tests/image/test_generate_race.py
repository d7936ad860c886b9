"""Two generations at once on one engine, each with its own LoRA: each image is made with the
adapter its provenance names (the shared pipeline is not swapped under a running generation)."""
from __future__ import annotations

import threading

import numpy as np
from PIL import Image

from image.tiny import caption_folder

TRAIN = {"resolution": 16, "max_steps": 3, "batch_size": 2, "rank": 4, "alpha": 4, "checkpoint_every": 3,
         "validation_steps": 1, "caption_dropout": 0.0}
GEN = {"steps": 4, "width": 16, "height": 16, "seed": 11}


def pixels(path):
    return np.asarray(Image.open(path).convert("RGB"), dtype=np.int16)


def test_concurrent_generations_use_the_adapter_their_provenance_names(eng, tiny_sd_dir, tmp_path):
    assert eng.jobs.run("models.import", {"path": str(tiny_sd_dir), "name": "tiny-sd", "kind": "image"}).state.value \
        == "succeeded"
    data = caption_folder(tmp_path / "data")
    for name, seed, rate in (("lora-a", 1, 5e-2), ("lora-b", 2, 2e-2)):
        job = eng.jobs.run("image.train", {"model": "tiny-sd", "data": str(data), "name": name, "seed": seed,
                                           "learning_rate": rate, **TRAIN})
        assert job.state.value == "succeeded", job.error
    gen_a = eng.image.generator("tiny-sd", "lora-a")
    gen_b = eng.image.generator("tiny-sd", "lora-b")
    alone_a = gen_a.generate("a red ball", GEN, out_dir=tmp_path / "alone")[0]
    alone_b = gen_b.generate("a red ball", GEN, out_dir=tmp_path / "alone")[0]
    assert not (pixels(alone_a["path"]) == pixels(alone_b["path"])).all(), "the adapters make the same image"

    a_mid_loop, b_finished = threading.Event(), threading.Event()
    made, errors = {}, []

    def hold_a(step, total, preview):
        if step == 1:
            a_mid_loop.set()
            b_finished.wait(2)   # B gets every chance to run while A is between denoising steps

    def run(key, generator, on_step=None, before=None):
        try:
            if before is not None:
                assert before.wait(30)
            made[key] = generator.generate("a red ball", GEN, on_step=on_step, out_dir=tmp_path / key)[0]
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(f"{key}: {type(exc).__name__}: {exc}")
        finally:
            if key == "b":
                b_finished.set()

    threads = [threading.Thread(target=run, args=("a", gen_a, hold_a)),
               threading.Thread(target=run, args=("b", gen_b, None, a_mid_loop))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not errors, errors
    assert made["a"]["provenance"]["adapter"] == "lora-a" and made["b"]["provenance"]["adapter"] == "lora-b"
    assert (pixels(made["a"]["path"]) == pixels(alone_a["path"])).all(), "image A was not made with lora-a alone"
    assert (pixels(made["b"]["path"]) == pixels(alone_b["path"])).all(), "image B was not made with lora-b alone"
