"""Job log files: owner-only, and rotated so a chatty job cannot fill the disk.

``JOB.log`` grows to ``MAX_BYTES``; then it becomes ``JOB.log.1`` (older ones move
up to ``JOB.log.KEEP`` and the oldest is dropped) and a fresh ``JOB.log`` starts.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path

MAX_BYTES = 5 << 20   # per file
KEEP = 3              # rotated files kept beside the current one

_lock = threading.Lock()


def rotated(path: Path, index: int) -> Path:
    return path.with_name(f"{path.name}.{index}")


def _rotate(path: Path, keep: int) -> None:
    rotated(path, keep).unlink(missing_ok=True)
    for index in range(keep - 1, 0, -1):
        if rotated(path, index).exists():
            os.replace(rotated(path, index), rotated(path, index + 1))
    if keep > 0:
        os.replace(path, rotated(path, 1))
    else:
        path.unlink(missing_ok=True)


def append(path, text: str, max_bytes: int | None = None, keep: int | None = None) -> None:
    """Append ``text`` to the log at ``path`` (created 0600), rotating it first if it would pass the cap."""
    path = Path(path)
    max_bytes = MAX_BYTES if max_bytes is None else max_bytes
    keep = KEEP if keep is None else keep
    data = text.encode("utf-8")
    with _lock:
        try:
            size = path.stat().st_size
        except FileNotFoundError:
            size = 0
        if size and size + len(data) > max_bytes:
            _rotate(path, keep)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, data[-max_bytes:] if len(data) > max_bytes else data)
        finally:
            os.close(fd)
