"""Training data for text: load examples, encode them, and plan batches deterministically.

The order of batches depends only on (seed, epoch), so a resumed run rebuilds the
same plan and skips to the saved position (epoch, batch index): exact resume.
Batches are either packed (examples concatenated into full-length rows) or
grouped by length (similar lengths share a batch), so little compute is spent
on padding.
"""
from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Iterator

from engine import safe_json
from engine.errors import UserError
from engine.text.templates import IGNORE, encode_example
from engine.i18n import N_, tr

VAL_SPLITS = ("val", "validation", "dev", "valid")


def read_jsonl(path: Path) -> list[dict]:
    rows = []
    with open(safe_json.check_input_file(path, N_("training data file")), "rb") as handle:
        for number, raw in safe_json.read_lines(handle, str(path)):
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise UserError(tr("{path} line {number} (byte {start} of the line): not valid UTF-8", path=path, number=number, start=exc.start),
                                hint=tr("save the file as UTF-8")) from None
            if not line.strip():
                continue
            row = safe_json.loads(line, f"{path} line {number}", hint="fix or remove that line")
            if not isinstance(row, dict):
                raise UserError(tr("{path} line {number}: expected a JSON object per line", path=path, number=number))
            rows.append(row)
    return rows


def load_examples(engine, data: str, version: int | None = None) -> tuple[list[dict], dict]:
    """Examples plus a lineage reference: a catalog dataset by name, or a JSONL/JSON file path."""
    path = Path(str(data)).expanduser()
    if path.suffix.lower() in (".jsonl", ".json") and path.is_file():
        from engine.workspace.blobs import sha256_file
        if path.suffix.lower() == ".json":
            rows = safe_json.load_file(path, N_("training data file"))
            if not isinstance(rows, list):
                raise UserError(tr("{path}: expected a JSON list of examples", path=path))
        else:
            rows = read_jsonl(path)
        return rows, {"dataset": str(path.resolve()), "dataset_id": None, "version": None, "hash": sha256_file(path)}
    if path.suffix.lower() in (".jsonl", ".json"):
        raise UserError(tr("{path} does not exist", path=path), hint=tr("give the path of a .jsonl file or the name of a dataset"))
    data_api = getattr(engine, "data", None)
    if data_api is None:
        raise UserError(tr("dataset '{data}' not found", data=data), hint=tr("give a .jsonl file path or import the dataset first"))
    info = data_api.get(data)
    if getattr(info, "modality", "text") != "text":
        raise UserError(tr("dataset '{data}' holds {modality} examples, not text", data=data, modality=info.modality))
    rows = list(data_api.iter_examples(info.name, version=version))
    return rows, dict(data_api.version_ref(info.name, version))


def split_examples(rows: list[dict], val_fraction: float, seed: int) -> tuple[list[dict], list[dict]]:
    train = [r for r in rows if (r.get("split") or "train") not in VAL_SPLITS + ("test",)]
    val = [r for r in rows if r.get("split") in VAL_SPLITS]
    if not val and val_fraction > 0 and len(train) >= 10:
        order = list(range(len(train)))
        random.Random(seed).shuffle(order)
        count = max(1, round(len(train) * val_fraction))
        held = set(order[:count])
        val = [r for i, r in enumerate(train) if i in held]
        train = [r for i, r in enumerate(train) if i not in held]
    return train, val


def encode_all(tokenizer, rows: list[dict], max_length: int, system: str | None = None
               ) -> tuple[list[tuple[list[int], list[int]]], int]:
    encoded, dropped = [], 0
    for row in rows:
        item = encode_example(tokenizer, row, max_length, system)
        if item is None:
            dropped += 1
        else:
            encoded.append(item)
    return encoded, dropped


class BatchPlan:
    """Deterministic batches per epoch; ``iterate(epoch, index)`` continues from any position."""

    def __init__(self, encoded: list, batch_size: int, max_length: int, seed: int, packing: bool,
                 group_by_length: bool, eos_id: int | None):
        self.encoded = encoded
        self.batch_size = batch_size
        self.max_length = max_length
        self.seed = seed
        self.packing = packing
        self.group_by_length = group_by_length
        self.eos_id = eos_id
        self._cache: tuple[int, list] | None = None

    def _rng(self, epoch: int) -> random.Random:
        return random.Random(self.seed * 100_003 + epoch)

    def _packed_rows(self, order: list[int]) -> list[tuple[list[int], list[int], list[int]]]:
        """Examples concatenated into rows of at most max_length, each with its own positions from 0.

        The restarting position_ids let the model keep the examples apart (block-diagonal attention),
        and the first token of each example is not a target: it is never predicted from the one before.
        """
        rows, ids, labels, positions = [], [], [], []
        for index in order:
            e_ids, e_labels = self.encoded[index]
            if ids and len(ids) + len(e_ids) > self.max_length:
                rows.append((ids, labels, positions))
                ids, labels, positions = [], [], []
            ids = ids + list(e_ids)
            labels = labels + [IGNORE] + list(e_labels[1:])
            positions = positions + list(range(len(e_ids)))
            ids, labels, positions = ids[:self.max_length], labels[:self.max_length], positions[:self.max_length]
        if ids:
            rows.append((ids, labels, positions))
        return rows

    def epoch_batches(self, epoch: int) -> list[list[tuple[list[int], list[int]]]]:
        if self._cache and self._cache[0] == epoch:
            return self._cache[1]
        rng = self._rng(epoch)
        order = list(range(len(self.encoded)))
        rng.shuffle(order)
        size = self.batch_size
        if self.packing:
            rows = self._packed_rows(order)
            batches = [rows[i:i + size] for i in range(0, len(rows), size)]
        elif self.group_by_length:
            mega = size * 16
            batches = []
            for start in range(0, len(order), mega):
                chunk = sorted(order[start:start + mega], key=lambda i: -len(self.encoded[i][0]))
                batches += [[self.encoded[i] for i in chunk[j:j + size]] for j in range(0, len(chunk), size)]
            rng.shuffle(batches)
        else:
            batches = [[self.encoded[i] for i in order[j:j + size]] for j in range(0, len(order), size)]
        self._cache = (epoch, batches)
        return batches

    def batches_per_epoch(self) -> int:
        return len(self.epoch_batches(0))

    def iterate(self, epoch: int = 0, index: int = 0) -> Iterator[tuple[int, int, list]]:
        """Yields (epoch, index, batch) forever, starting at the given position."""
        while True:
            batches = self.epoch_batches(epoch)
            while index < len(batches):
                yield epoch, index, batches[index]
                index += 1
            epoch, index = epoch + 1, 0


def collate(batch: list[tuple], pad_id: int):
    """Right-padded tensors: input_ids, labels (-100 on padding) and attention_mask.

    Packed rows ``(ids, labels, positions)`` give position_ids instead of an attention_mask: from
    restarting positions transformers builds the block-diagonal causal mask, so the examples in a row
    do not see each other. The padding is its own segment (positions from 0) and carries no labels.
    """
    import torch
    width = max(len(item[0]) for item in batch)
    packed = any(len(item) == 3 for item in batch)
    input_ids = torch.full((len(batch), width), pad_id, dtype=torch.long)
    labels = torch.full((len(batch), width), IGNORE, dtype=torch.long)
    mask = torch.zeros((len(batch), width), dtype=torch.long)
    positions = torch.zeros((len(batch), width), dtype=torch.long)
    for row, item in enumerate(batch):
        ids, labs = item[0], item[1]
        input_ids[row, :len(ids)] = torch.tensor(ids)
        labels[row, :len(labs)] = torch.tensor(labs)
        mask[row, :len(ids)] = 1
        pos = item[2] if len(item) == 3 else range(len(ids))
        positions[row, :len(ids)] = torch.tensor(list(pos))
        positions[row, len(ids):] = torch.arange(width - len(ids))
    if packed:
        return {"input_ids": input_ids, "position_ids": positions, "labels": labels}
    return {"input_ids": input_ids, "attention_mask": mask, "labels": labels}


def check_packing(model, device: str) -> bool:
    """True when the model keeps packed examples apart: the second of two packed pieces gives the
    same logits as on its own. Architectures that ignore restarting position_ids fail this.

    "The same" is judged against how far the logits move when the pieces do see each other, so
    half-precision rounding on a GPU does not count as a leak.
    """
    import torch
    vocab = int(model.get_input_embeddings().weight.shape[0])
    generator = torch.Generator().manual_seed(0)
    first, second = (torch.randint(1, max(2, vocab), (1, 6), generator=generator) for _ in range(2))
    joined = torch.cat([first, second], 1).to(device)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            alone = model(input_ids=second.to(device), use_cache=False).logits[0].float()
            packed = model(input_ids=joined, use_cache=False,
                           position_ids=torch.arange(6).repeat(2).unsqueeze(0).to(device)).logits[0, 6:].float()
            mixed = model(input_ids=joined, use_cache=False,
                          position_ids=torch.arange(12).unsqueeze(0).to(device)).logits[0, 6:].float()
    finally:
        model.train(was_training)
    leak, contact = float((packed - alone).abs().max()), float((mixed - alone).abs().max())
    return leak <= max(1e-3, 0.05 * contact)
