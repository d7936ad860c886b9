"""The ``models.import`` job: verify a model folder, copy (or reference) it, hash it, register it.

Everything is written under ``tmp/`` first and moved into ``models/<id>/`` only
after verification and hashing succeeded, so a failed or cancelled import
registers nothing and leaves nothing behind.
"""
from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from engine.atomic import replace_dir
from engine.errors import UserError
from engine.faults import fault_point
from engine.jobs import JobContext, job_kind
from engine.models import manifest as mf
from engine.models.catalog import new_model_id
from engine.models.text_check import PICKLE_SUFFIXES
from engine.i18n import N_, tr


def detect_kind(src: Path) -> str:
    if src.is_file():
        return "image"  # single-file checkpoints are diffusion models
    if (src / "model_index.json").is_file():
        return "image"
    if (src / "config.json").is_file():
        return "text"
    raise UserError(tr("{src}: neither config.json (text model) nor model_index.json (image pipeline) found", src=src),
                    hint=tr("give the model's top folder, or say whether it is a text or an image model"), options=("--kind text|image",))


def copy_with_manifest(src: Path, dest: Path, ctx: JobContext, start: float, end: float,
                       skip_pickles: bool) -> dict:
    """Copy every model file from ``src`` to ``dest``, hashing while copying; returns the manifest."""
    files = mf.model_files(src)
    if skip_pickles and any(p.suffix == ".safetensors" for p in files):
        files = [p for p in files if p.suffix not in PICKLE_SUFFIXES]
    total = sum(p.stat().st_size for p in files) or 1
    done, entries = 0, {}
    for path in files:
        rel = path.relative_to(src).as_posix()
        target = dest / rel

        def progress(copied: int, rel=rel, before=done) -> None:
            ctx.report(start + (end - start) * (before + copied) / total, tr("copying {file}", file=rel))
        digest = copy_hashed(path, target, ctx, progress)
        done += target.stat().st_size
        entries[rel] = {"sha256": digest, "size": target.stat().st_size}
    return {"files": entries, "sha256": mf.manifest_digest(entries)}


def copy_hashed(path: Path, target: Path, ctx: JobContext, progress) -> str:
    """Copy one file, hashing it on the way (one read), cancellable; ``progress(bytes copied)``; returns SHA-256."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    copied = 0
    with open(path, "rb") as reader, open(target, "wb") as writer:
        for block in iter(lambda: reader.read(1 << 22), b""):
            ctx.check_cancelled()
            digest.update(block)
            fault_point("model.copy", target)
            writer.write(block)
            copied += len(block)
            progress(copied)
        writer.flush()
        os.fsync(writer.fileno())
    return digest.hexdigest()


def hash_with_progress(folder: Path, ctx: JobContext, start: float, end: float) -> dict:
    def progress(index, count, rel):
        ctx.report(start + (end - start) * index / max(1, count), tr("hashing {file}", file=rel))
    return mf.build_manifest(folder, progress=progress, check=ctx.check_cancelled)


def check_import(engine, params: dict) -> tuple[Path, str]:
    """The source path and the model name, refused before the job starts when unusable."""
    from engine.input_paths import check_input_file
    src = check_input_file(str(params.get("path") or ""), N_("model path"), allow_dir=True).resolve()
    name = engine.models.check_new_name(params.get("name") or (src.stem if src.is_file() else src.name), "--name")
    kind = params.get("kind")
    if src.suffix.lower() == ".gguf" and src.is_file():
        return src, name
    if params.get("trainable"):
        raise UserError(f"model path {src}: only a .gguf file is converted into a trainable model",
                        hint="a model folder is trainable as it is; import it as it is", options=("--as-trainable",))
    if src.is_dir() and not kind:
        detect_kind(src)  # neither a text model nor an image pipeline: said now
    elif src.is_dir() and kind == "text" and not (src / "config.json").is_file():
        raise UserError(tr("model path {src}: no config.json, so it is not a text model folder", src=src),
                        hint=tr("give the model's top folder (the one with config.json)"))
    elif src.is_dir() and kind == "image" and not (src / "model_index.json").is_file():
        raise UserError(tr("model path {src}: no model_index.json, so it is not a diffusers pipeline folder", src=src),
                        hint=tr("give the pipeline's top folder, or a single .safetensors checkpoint file"))
    elif src.is_file() and src.suffix.lower() not in (".safetensors", ".ckpt", ".gguf"):
        raise UserError(tr("model path {src}: a single-file model must be a .safetensors checkpoint or a .gguf file", src=src),
                        hint=tr("give a model folder, a .safetensors file or a .gguf file"))
    return src, name


@job_kind("models.import", title="Import model", check=check_import)
def import_model(ctx: JobContext) -> dict:
    params = ctx.params
    models = ctx.engine.models
    src, name = check_import(ctx.engine, params)
    if src.suffix.lower() == ".gguf" and params.get("trainable"):
        from engine.deploy.gguf_trainable import import_trainable
        return import_trainable(ctx, src, {**params, "name": name})
    if src.suffix.lower() == ".gguf":
        from engine.deploy.gguf_import import import_gguf
        return import_gguf(ctx, src, {**params, "name": name})
    kind = params.get("kind") or detect_kind(src)
    if kind not in ("text", "image"):
        raise UserError(tr("model kind {kind} is not text or image", kind=kind), options=("--kind",))
    copy = bool(params.get("copy", True))
    model_id = new_model_id()
    staging = ctx.workspace.folder("tmp") / f"import-{model_id}"
    final = ctx.workspace.root / "models" / model_id
    registered = False
    try:
        ctx.report(0.02, tr("checking {file}", file=src.name))
        if kind == "text":
            from engine.devices import system_memory
            from engine.models.text_check import verify_text_folder
            info = verify_text_folder(src, available_memory=system_memory()[0])
            ctx.log(tr("verified {architecture} with {parameters:,} parameters", architecture=info['architecture'], parameters=info['parameters']))
            if copy:
                manifest = copy_with_manifest(src, staging / "files", ctx, 0.1, 0.95, skip_pickles=True)
            else:
                manifest = hash_with_progress(src, ctx, 0.1, 0.95)
                staging.mkdir(parents=True, exist_ok=True)
        else:
            from engine.image.importer import prepare_image_model
            info = prepare_image_model(src, staging / "files", ctx) or {}
            manifest = hash_with_progress(staging / "files", ctx, 0.8, 0.95)
            copy = True
        ctx.check_cancelled()
        replace_dir(staging, final)
        fault_point("model.register")
        model_path = final / "files" if copy else src
        info = {**info, "source": str(src), "copied": copy}
        model = models.register(name, kind, "base", model_path, info=info, model_id=model_id, manifest=manifest)
        registered = True
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if not registered:
            shutil.rmtree(final, ignore_errors=True)
    ctx.report(1.0, tr("imported {name}", name=model.name))
    return {"id": model.id, "name": model.name, "kind": kind, "path": model.path, "sha256": model.sha256,
            "files": len(manifest["files"]), "info": info}
