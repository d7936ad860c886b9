"""Image-caption examples for training: a catalog dataset or an image folder.

A folder may carry captions as ``metadata.jsonl`` (``file_name`` + ``text`` or
``caption``) or as kohya-style ``<image>.txt`` files beside each image.
"""
from __future__ import annotations

import json
from pathlib import Path

from engine import safe_json
from engine.data.images import to_rgb
from engine.errors import UserError
from engine.i18n import tr

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".bmp"}


def folder_examples(folder: Path) -> list[dict]:
    meta = folder / "metadata.jsonl"
    examples = []
    if meta.is_file():
        for number, line in enumerate(meta.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = safe_json.loads(line, f"{meta} line {number}", hint="fix or remove the line")
            if not isinstance(row, dict):
                raise UserError(tr("{meta} line {number}: expected a JSON object", meta=meta, number=number), hint=tr("fix or remove the line"))
            name = row.get("file_name") or row.get("image")
            if not name:
                raise UserError(tr("{meta}:{number}: field 'file_name' is missing", meta=meta, number=number))
            path = folder / name
            if not path.is_file():
                raise UserError(tr("{meta}:{number}: image {name} does not exist", meta=meta, number=number, name=name))
            examples.append({"id": name, "image_path": str(path),
                             "caption": str(row.get("text") or row.get("caption") or "").strip(), "split": "train"})
        return examples
    for path in sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES):
        caption_file = path.with_suffix(".txt")
        caption = caption_file.read_text(encoding="utf-8").strip() if caption_file.is_file() else ""
        examples.append({"id": path.name, "image_path": str(path), "caption": caption, "split": "train"})
    return examples


def load_examples(engine, data, version=None, split: str | None = "train") -> tuple[list[dict], dict]:
    """(examples, lineage ref) for a dataset name or an image folder; refuses uncaptioned data."""
    path = Path(str(data)).expanduser()
    if path.is_dir():
        examples = folder_examples(path)
        ref = {"dataset": str(path), "dataset_id": None, "version": None,
               "hash": dataset_digest(examples) if examples else None}
        where = str(path)
    else:
        api = getattr(engine, "data", None)
        if api is None:
            raise UserError(tr("no image folder or dataset '{data}'", data=data), hint=tr("give a dataset name or an image folder"))
        info = api.get(data)
        if info.modality != "image":
            raise UserError(tr("dataset '{data}' holds {modality}, not images", data=data, modality=info.modality), hint=tr("choose an image dataset"))
        examples = [e for e in api.iter_examples(data, version) if split is None or e.get("split") in (split, None, "")]
        if not examples and split:
            examples = list(api.iter_examples(data, version))
        ref = api.version_ref(data, version)
        where = f"dataset '{data}'"
    if not examples:
        raise UserError(tr("{where}: no images found", where=where), hint=tr("add .png/.jpg images with captions"))
    uncaptioned = [e for e in examples if not (e.get("caption") or "").strip()]
    if len(uncaptioned) == len(examples):
        raise UserError(tr("{where}: none of the {count} images has a caption", where=where, count=len(examples)),
                        hint=tr("add metadata.jsonl (file_name, text) or a .txt caption beside each image"))
    if uncaptioned:
        raise UserError(tr("{where}: image {id} has no caption ({count} of {count2} lack one)", where=where, id=uncaptioned[0]['id'], count=len(uncaptioned), count2=len(examples)), hint=tr("caption every image or remove the uncaptioned ones"))
    return examples, ref


def image_size(path: Path) -> tuple[int, int]:
    """(width, height) from the file header, without decoding the pixels."""
    from PIL import Image
    try:
        with Image.open(path) as image:
            return image.size
    except (OSError, ValueError) as exc:
        raise UserError(tr("{path}: not a readable image ({exc})", path=path, exc=exc), hint=tr("remove or replace that file")) from None


def dataset_digest(examples: list[dict]) -> str:
    """SHA-256 over every image's bytes and caption: what a resume checks the data against."""
    import hashlib

    from engine.workspace.blobs import sha256_file
    digest = hashlib.sha256()
    for example in examples:
        digest.update(f"{example['id']}\0{example.get('caption', '')}\0".encode("utf-8"))
        digest.update(sha256_file(Path(example["image_path"])).encode())
    return digest.hexdigest()


class ImageBatcher:
    """Deterministic batches: order from (seed, epoch); crops/flips/dropout from the global RNG (checkpointed).

    Images are decoded when their batch is built and dropped after, so memory does not grow with the
    dataset; only the sizes are read up front (from the file headers) to place images in buckets.
    """

    def __init__(self, examples: list[dict], resolution: int, center_crop: bool = True, flip: bool = True,
                 caption_dropout: float = 0.0, buckets: bool = False, batch_size: int = 1):
        self.examples = examples
        self.resolution = resolution
        self.batch_size = batch_size
        self.center_crop, self.flip, self.caption_dropout = center_crop, flip, caption_dropout
        self.buckets = self._buckets(resolution) if buckets else None
        self.sizes = [image_size(Path(e["image_path"])) for e in examples] if buckets else None
        self._plan: tuple[tuple[int, int], list[list[int]]] | None = None

    @staticmethod
    def _buckets(resolution: int) -> list[tuple[int, int]]:
        """Width/height pairs of about resolution^2 pixels, multiples of 8 (aspect-ratio buckets)."""
        area, found = resolution * resolution, []
        for w in range(max(8, resolution // 2), resolution * 2 + 1, 8):
            h = int(area / w) // 8 * 8
            if h >= 8 and 0.5 <= w / h <= 2:
                found.append((w, h))
        return sorted(set(found))

    def epoch_batches(self, seed: int, epoch: int) -> list[list[int]]:
        """The batches of one epoch, as example indexes: each from one bucket, in an order shuffled by the seed."""
        if self._plan and self._plan[0] == (seed, epoch):
            return self._plan[1]
        import random
        rng = random.Random(f"{seed}:{epoch}")
        indices = list(range(len(self.examples)))
        rng.shuffle(indices)
        size = self.batch_size
        if not self.buckets:
            batches = [indices[i:i + size] for i in range(0, len(indices), size)]
        else:
            groups: dict[tuple[int, int], list[int]] = {}
            for index in indices:
                groups.setdefault(self.bucket_for(index), []).append(index)
            batches = [members[i:i + size] for _, members in sorted(groups.items())
                       for i in range(0, len(members), size)]
            rng.shuffle(batches)
        self._plan = ((seed, epoch), batches)
        return batches

    def batches_per_epoch(self) -> int:
        """The same for every epoch: the bucket sizes do not change, only the order."""
        return len(self.epoch_batches(0, 0))

    def bucket_for(self, index: int) -> tuple[int, int]:
        if not self.buckets:
            return (self.resolution, self.resolution)
        w, h = self.sizes[index]
        return min(self.buckets, key=lambda b: abs(b[0] / b[1] - w / h))

    def tensor(self, index: int, size: tuple[int, int]):
        import random

        import numpy as np
        import torch
        from PIL import Image
        path = self.examples[index]["image_path"]
        try:
            with Image.open(path) as source:
                image = to_rgb(source)
        except (OSError, ValueError) as exc:
            raise UserError(tr("{path}: not a readable image ({exc})", path=path, exc=exc), hint=tr("remove or replace that file")) from None
        tw, th = size
        scale = max(tw / image.width, th / image.height)
        resized = image.resize((max(tw, round(image.width * scale)), max(th, round(image.height * scale))),
                               Image.Resampling.BICUBIC)
        if self.center_crop:
            left, top = (resized.width - tw) // 2, (resized.height - th) // 2
        else:
            left, top = random.randint(0, resized.width - tw), random.randint(0, resized.height - th)
        crop = resized.crop((left, top, left + tw, top + th))
        if self.flip and random.random() < 0.5:
            crop = crop.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        array = np.asarray(crop, dtype=np.float32) / 127.5 - 1.0
        return torch.from_numpy(array).permute(2, 0, 1), (image.height, image.width), (top, left)

    def batch(self, indices: list[int]):
        import random

        import torch
        sizes = {self.bucket_for(index) for index in indices}
        if len(sizes) != 1:
            raise ValueError(f"a batch spans buckets {sorted(sizes)}")
        size = sizes.pop()
        pixels, captions, originals, crops = [], [], [], []
        for index in indices:
            tensor, original, crop = self.tensor(index, size)
            pixels.append(tensor)
            originals.append(original)
            crops.append(crop)
            caption = self.examples[index]["caption"]
            captions.append("" if self.caption_dropout and random.random() < self.caption_dropout else caption)
        return torch.stack(pixels), captions, originals, crops, size
