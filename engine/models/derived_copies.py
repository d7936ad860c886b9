"""Copies the workspace derives from a catalog model (llama.cpp's GGUF, OpenVINO's IR), removed with it.

Both caches name an entry ``<base digest>-<adapter digest or 'base'>-...``, so the entries made from a
model, as a base or as an adapter, are found by name.
"""
from __future__ import annotations

import shutil
from pathlib import Path


def drop_made_from(ws, folder: Path, sha256: str | None, digits: int, keep: tuple[str, ...] = ()) -> list[str]:
    """Remove the entries of ``folder`` made from the model with this digest (files or folders, not those
    named in ``keep``), unless another catalog entry still has that digest; returns the names removed."""
    if not sha256:
        return []
    if ws.db().execute("SELECT 1 FROM models WHERE sha256 = ? LIMIT 1", (sha256,)).fetchone() is not None:
        return []
    if not folder.is_dir():
        return []
    prefix = sha256[:digits]
    removed = []
    for path in sorted(folder.iterdir()):
        if path.name not in keep and prefix in path.name.split("-")[:2]:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path.name)
    return removed
