"""TensorBoard event files beside a training run's checkpoints: ``runs/<id>/tensorboard/``.

Every training run (text and image) writes its scalars (loss, validation loss,
perplexity, learning rate, tokens per second), its config as text and, for
image runs, its validation images, through tensorboardX. Point TensorBoard at
the folder ``aigc runs logdir RUN`` prints. Event files are append-only logs
written by tensorboardX's own writer (a resumed run adds a new file; TensorBoard
merges them), so they do not go through ``engine.atomic``.

``read_events`` parses the files back (TFRecord framing, CRC-checked, with
tensorboardX's protobufs), so no TensorBoard installation is needed to check them.
"""
from __future__ import annotations

import json
import struct
from pathlib import Path

FOLDER = "tensorboard"
TAGS = {"loss": "train/loss", "learning_rate": "train/learning_rate", "tokens_per_second": "train/tokens_per_second",
        "val_loss": "val/loss", "perplexity": "val/perplexity"}


def logdir(run_dir) -> Path:
    return Path(run_dir) / FOLDER


class TrainingEvents:
    """A run's event writer; without tensorboardX it says so once in the job log and writes nothing."""

    def __init__(self, run_dir, log=None):
        self.folder = logdir(run_dir)
        self.writer = None
        try:
            from tensorboardX import SummaryWriter
        except ImportError:
            if log is not None:
                log("tensorboardX is not installed: this run writes no TensorBoard events")
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        self.writer = SummaryWriter(logdir=str(self.folder), flush_secs=20)

    def scalar(self, name: str, value: float, step: int) -> None:
        if self.writer is not None:
            self.writer.add_scalar(TAGS.get(name, name), float(value), int(step))

    def text(self, name: str, text: str, step: int = 0) -> None:
        if self.writer is not None:
            self.writer.add_text(name, text, int(step))

    def config(self, config: dict, step: int = 0) -> None:
        """The run's config as a Markdown code block (TensorBoard's text tab renders Markdown)."""
        body = json.dumps(config, ensure_ascii=False, indent=2, default=str)
        self.text("config", "    " + body.replace("\n", "\n    "), step)

    def image(self, name: str, path, step: int) -> None:
        if self.writer is None:
            return
        import numpy as np
        from PIL import Image
        with Image.open(path) as picture:
            array = np.asarray(picture.convert("RGB"))
        self.writer.add_image(name, array, int(step), dataformats="HWC")

    def flush(self) -> None:
        if self.writer is not None:
            self.writer.flush()

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


def _masked_crc(data: bytes) -> int | None:
    try:
        from tensorboardX.crc32c import crc32c
    except ImportError:
        return None
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def read_events(folder) -> list:
    """Every ``Event`` protobuf in a folder's event files, file by file in name order."""
    from tensorboardX.proto import event_pb2
    events = []
    for path in sorted(Path(folder).glob("events.out.tfevents.*")):
        data = path.read_bytes()
        pos = 0
        while pos + 12 <= len(data):
            header = data[pos:pos + 8]
            (length,) = struct.unpack("<Q", header)
            (header_crc,) = struct.unpack("<I", data[pos + 8:pos + 12])
            body = data[pos + 12:pos + 12 + length]
            (body_crc,) = struct.unpack("<I", data[pos + 12 + length:pos + 16 + length])
            expected = _masked_crc(header), _masked_crc(body)
            if expected[0] is not None and (expected[0] != header_crc or expected[1] != body_crc):
                raise ValueError(f"{path}: damaged record at byte {pos}")
            events.append(event_pb2.Event.FromString(body))
            pos += 16 + length
    return events


def read_scalars(folder) -> dict[str, list[tuple[int, float]]]:
    """{tag: [(step, value), ...]} of the scalar summaries in a folder."""
    found: dict[str, list[tuple[int, float]]] = {}
    for event in read_events(folder):
        for value in event.summary.value:
            if value.HasField("simple_value"):
                found.setdefault(value.tag, []).append((int(event.step), float(value.simple_value)))
    return found


def read_tags(folder) -> dict[str, str]:
    """{tag: kind} for every summary in a folder: scalar, image, text (tensor) or other."""
    kinds = {}
    for event in read_events(folder):
        for value in event.summary.value:
            kind = value.WhichOneof("value") or "other"
            if kind == "tensor":
                kind = "text" if value.metadata.plugin_data.plugin_name == "text" else "tensor"
            elif kind == "simple_value":
                kind = "scalar"
            kinds[value.tag] = kind
    return kinds
