"""Atomic file writes: temp file in the same folder, fsync, rename.

A crash leaves either the old file or the new one, never half of one.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterator

from engine.faults import fault_point


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":  # directories cannot be opened for fsync on Windows
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def atomic_open(path: str | os.PathLike, mode: str = "wb", encoding: str | None = None) -> Iterator[IO]:
    """Open a temporary sibling of ``path``; on clean exit it replaces ``path``."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, mode, encoding=encoding if "b" not in mode else None,
                       newline="" if "b" not in mode else None) as handle:
            yield handle
            fault_point("atomic.write")   # where a full or failing disk shows itself (no file named, like write())
            handle.flush()
            os.fsync(handle.fileno())
        fault_point("atomic.replace", tmp)
        os.replace(tmp, target)
        _fsync_dir(target.parent)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        if isinstance(exc, OSError) and exc.errno and not exc.filename:   # a file object's write names no file
            raise OSError(exc.errno, exc.strerror or os.strerror(exc.errno), str(target)) from exc
        raise


def write_bytes(path: str | os.PathLike, data: bytes) -> None:
    with atomic_open(path, "wb") as handle:
        handle.write(data)


def write_text(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> None:
    with atomic_open(path, "w", encoding=encoding) as handle:
        handle.write(text)


def write_json(path: str | os.PathLike, obj, indent: int = 2) -> None:
    write_text(path, json.dumps(obj, ensure_ascii=False, indent=indent, sort_keys=True, default=str) + "\n")


def copy_file(src: str | os.PathLike, dst: str | os.PathLike, chunk: int = 1 << 20) -> None:
    """Copy ``src`` to ``dst`` atomically (the destination appears complete or not at all)."""
    with open(src, "rb") as reader, atomic_open(dst, "wb") as writer:
        shutil.copyfileobj(reader, writer, chunk)


def publish_file(temp: Path, final: Path) -> None:
    """Move a file written elsewhere (e.g. by llama.cpp) into place: flushed to disk first, so the
    name never points at a half-written file."""
    with open(temp, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(temp, final)
    _fsync_dir(Path(final).parent)


def replace_dir(tmp_dir: Path, final_dir: Path) -> None:
    """Move a fully written temporary folder into place, replacing any previous one."""
    final_dir.parent.mkdir(parents=True, exist_ok=True)
    if final_dir.exists():
        old = final_dir.with_name(final_dir.name + ".old")
        if old.exists():
            shutil.rmtree(old)
        os.replace(final_dir, old)
        fault_point("atomic.replace_dir")
        os.replace(tmp_dir, final_dir)
        shutil.rmtree(old, ignore_errors=True)
    else:
        fault_point("atomic.replace_dir")
        os.replace(tmp_dir, final_dir)
    _fsync_dir(final_dir.parent)
