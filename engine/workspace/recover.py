"""Tidy what a killed process left half-written, when the workspace is opened by its owner.

Every writer works on a temporary name first (``engine.atomic``, the blob store, staging
folders under ``tmp/``, a model folder that is moved in before its row is added), so a
process killed at any moment leaves only such leftovers. The owner holds the workspace
lock when this runs: no other process of the program is writing.
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

_ATOMIC_TMP = re.compile(r"^\..+\.[A-Za-z0-9_]{6,}\.tmp$")   # engine.atomic's temporary siblings
_SKIP = {"blobs", "jobs", "tmp", "keys"}


def _remove(path: Path, removed: list[str]) -> None:
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
        removed.append(str(path))
    except FileNotFoundError:
        pass


def _restore_replaced(folder: Path, removed: list[str]) -> None:
    """``replace_dir`` moves the old folder to ``NAME.old`` before the new one comes in: a kill between the
    two renames leaves only ``NAME.old``, which is the last complete version."""
    for old in folder.glob("*.old"):
        final = old.with_name(old.name[:-4])
        if old.is_dir() and not final.exists():
            os.replace(old, final)
        else:
            _remove(old, removed)


def recover(ws) -> list[str]:
    """Remove leftovers of interrupted writes; returns what was removed (for the log)."""
    root: Path = ws.root
    removed: list[str] = []
    for child in (root / "tmp").iterdir():
        _remove(child, removed)
    for child in (root / "blobs").glob("*.tmp"):
        _remove(child, removed)
    models = root / "models"
    _restore_replaced(models, removed)
    known = {row[0] for row in ws.db().execute("SELECT id FROM models")}
    for child in models.iterdir():
        if child.is_dir() and child.name not in known:   # moved in, killed before its row was added
            _remove(child, removed)
    for run in (root / "runs").glob("*"):   # a checkpoint or best-weights folder written when the process died
        for partial in [*(run / "checkpoints").glob(".tmp-*"), run / ".best-tmp"]:
            if partial.exists():
                _remove(partial, removed)
        _restore_replaced(run, removed)
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        if here == root:
            dirs[:] = [d for d in dirs if d not in _SKIP]
        for name in files:
            if _ATOMIC_TMP.match(name):
                _remove(here / name, removed)
    return removed
