"""Import a base image model: a diffusers pipeline folder or a single-file .safetensors checkpoint.

``prepare_image_model`` is what the ``models.import`` job calls for ``kind="image"``:
it verifies the source and writes a clean diffusers folder (safetensors only,
no safety checker unless one is present locally, SHA-256 manifest) into
``dest_dir``. Anything wrong raises ``UserError`` before the catalog is touched.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from engine import atomic
from engine.errors import UserError
from engine.image import verify
from engine.image.verify import PICKLE_SUFFIXES
from engine.i18n import tr

SKIP_NAMES = {".gitattributes", "README.md", ".DS_Store"}


def _report(ctx, fraction: float, message: str) -> None:
    if ctx is not None:
        ctx.check_cancelled()
        ctx.report(fraction, message)


def copy_pipeline(src: Path, dest: Path, ctx=None) -> None:
    """Copy the parts of a verified pipeline folder that loading needs; never pickle weights."""
    model_index = verify.read_json(src / "model_index.json", "model_index.json")
    parts = verify.components(model_index)
    for name in list(model_index):
        value = model_index[name]
        if name in ("safety_checker", "feature_extractor") and isinstance(value, list) and value[0] is not None:
            if not (src / name).is_dir():  # listed but absent: never fetched, simply left out
                model_index[name] = [None, None]
                model_index["requires_safety_checker"] = False
                parts.pop(name, None)
    dest.mkdir(parents=True, exist_ok=True)
    atomic.write_json(dest / "model_index.json", model_index)
    files = [p for name in parts for p in sorted((src / name).rglob("*")) if p.is_file()]
    for index, path in enumerate(files):
        if path.name in SKIP_NAMES or path.suffix in PICKLE_SUFFIXES:
            continue
        if path.suffix == ".safetensors" and ".fp16." in path.name and (path.parent / path.name.replace(".fp16", "")).exists():
            continue  # the full-precision file is there; the variant is redundant
        _report(ctx, 0.3 + 0.5 * index / max(1, len(files)), tr("copying {file}", file=path.relative_to(src)))
        atomic.copy_file(path, dest / path.relative_to(src))


def prepare_image_model(src, dest_dir, ctx=None) -> dict:
    """Verify ``src`` and write an importable diffusers pipeline into ``dest_dir``; returns info for the catalog."""
    src, dest = Path(src).expanduser(), Path(dest_dir)
    if not src.exists():
        raise UserError(tr("{src}: no such file or folder", src=src), hint=tr("check the path"))
    _report(ctx, 0.05, tr("checking the source"))
    source_kind = "diffusers-folder"
    if src.is_dir():
        if not (src / "model_index.json").is_file():
            singles = sorted(src.glob("*.safetensors"))
            if len(singles) == 1:
                src = singles[0]
            else:
                raise UserError(tr("{src}: model_index.json is missing, so this is not a diffusers pipeline folder", src=src),
                                hint=tr("give the pipeline folder, or the .safetensors checkpoint file itself"))
    if src.is_file():
        from engine.image.single_file import convert_single_file
        if src.suffix.lower() in PICKLE_SUFFIXES:
            raise UserError(tr("{src}: pickle checkpoints ({suffix}) are refused (they can run code when loaded)", src=src, suffix=src.suffix),
                            hint=tr("convert it to .safetensors on a trusted machine first"))
        if src.suffix.lower() != ".safetensors":
            raise UserError(tr("{src}: not a .safetensors checkpoint", src=src), hint=tr("give a .safetensors file or a pipeline folder"))
        source_kind = "single-file"
        if dest.exists() and any(dest.iterdir()):
            raise UserError(tr("{dest}: destination folder is not empty", dest=dest))
        convert_single_file(src, dest, progress=lambda m: _report(ctx, 0.3, m))
    else:
        verify.verify_pipeline_folder(src, check_tensors=False,
                                      progress=lambda m: _report(ctx, 0.1, m))
        copy_pipeline(src, dest, ctx)
    _report(ctx, 0.85, tr("verifying the imported pipeline"))
    try:
        report = verify.verify_pipeline_folder(dest, check_tensors=True, progress=lambda m: _report(ctx, 0.9, m))
    except UserError as exc:  # name the source, not our copy
        raise UserError(str(exc.message).replace(str(dest), str(src)), hint=exc.hint) from None
    manifest = verify.file_manifest(dest)
    atomic.write_json(dest / "manifest.json", manifest)
    digest = verify.manifest_digest(manifest)
    _report(ctx, 1.0, tr("verified"))
    return {"family": report["family"], "family_label": report["family_label"],
            "pipeline_class": report["pipeline_class"], "resolution": report["resolution"],
            "components": report["components"], "parameters": report["parameters"],
            "source": str(src), "source_kind": source_kind, "sha256": digest, "files": len(manifest),
            "size_bytes": sum(p.stat().st_size for p in dest.rglob("*") if p.is_file())}


def pipeline_digest(folder: str | os.PathLike) -> str:
    """The manifest digest recorded at import (computed now if the folder has no manifest)."""
    folder = Path(folder)
    path = folder / "manifest.json"
    if path.is_file():
        return verify.manifest_digest(json.loads(path.read_text(encoding="utf-8")))
    return verify.manifest_digest(verify.file_manifest(folder))


def discard(dest_dir) -> None:
    shutil.rmtree(dest_dir, ignore_errors=True)
