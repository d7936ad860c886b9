"""SHA-256 manifests: what every file of a model folder should hash to.

The manifest lives beside the model folder (``models/<id>/manifest.json``), never
inside it, so a referenced folder on read-only media stays untouched. Its
digest (SHA-256 of the canonical file list) is the model's identity in lineage.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Callable

from engine import atomic
from engine.workspace.blobs import sha256_file

SKIP_NAMES = {".DS_Store", "Thumbs.db"}


def model_files(folder: str | os.PathLike) -> list[Path]:
    """Every regular file under ``folder`` except hidden files and OS litter, sorted."""
    root = Path(folder)
    files = []
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts) or path.name in SKIP_NAMES:
            continue
        if path.is_file():
            files.append(path)
    return sorted(files)


def build_manifest(folder: str | os.PathLike, progress: Callable[[int, int, str], None] | None = None,
                   check: Callable[[], None] | None = None) -> dict:
    """``{"files": {relpath: {"sha256", "size"}}, "sha256": digest}`` for every file in ``folder``."""
    root = Path(folder)
    files = model_files(root)
    entries = {}
    for index, path in enumerate(files):
        if check:
            check()
        rel = path.relative_to(root).as_posix()
        if progress:
            progress(index, len(files), rel)
        entries[rel] = {"sha256": sha256_file(path), "size": path.stat().st_size}
    return {"files": entries, "sha256": manifest_digest(entries)}


def manifest_digest(entries: dict) -> str:
    canonical = json.dumps({k: v["sha256"] for k, v in sorted(entries.items())}, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def write_manifest(path: str | os.PathLike, manifest: dict) -> None:
    atomic.write_json(path, manifest)


def read_manifest(path: str | os.PathLike) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def compare(folder: str | os.PathLike, manifest: dict, check: Callable[[], None] | None = None,
            progress: Callable[[float, str], None] | None = None) -> dict:
    """Re-hash ``folder`` against ``manifest``: lists of missing, changed and extra files.

    ``check`` runs before each file and each 1 MiB read (a job's cancel check); ``progress(fraction,
    file)`` follows the bytes read. Nothing is written."""
    root = Path(folder)
    expected = manifest.get("files", {})
    present = {p.relative_to(root).as_posix(): p for p in model_files(root)} if root.is_dir() else {}
    missing = sorted(set(expected) - set(present))
    extra = sorted(set(present) - set(expected))
    common = sorted(set(expected) & set(present))
    total = max(1, sum(int(expected[rel].get("size") or 0) for rel in common))
    done = 0
    changed = []
    for rel in common:
        if check:
            check()
        entry = expected[rel]
        path = present[rel]
        if path.stat().st_size != entry["size"]:
            changed.append(rel)
            done += int(entry["size"] or 0)
            continue
        digest = hashlib.sha256()
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
                done += len(block)
                if progress:
                    progress(min(1.0, done / total), rel)
                if check:
                    check()
        if digest.hexdigest() != entry["sha256"]:
            changed.append(rel)
    return {"ok": not (missing or changed), "files": len(expected), "missing": missing, "changed": changed,
            "extra": extra}
