"""Import a GGUF file into the catalog, after checking it cannot hurt anything that reads it.

The header is bound-checked by our own reader first (a truncated file or absurd
sizes never reach llama.cpp), then the model is checked for a supported
architecture and a tokenizer, then llama.cpp loads it and evaluates one token.
Only then is it copied (hashing as it goes) and registered; the catalog digest
of a GGUF model is the SHA-256 of its file, so provenance names the exact file.
"""
from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from engine.atomic import replace_dir
from engine.errors import UserError
from engine.models.catalog import check_name, new_model_id
from engine.deploy.runtime import GGUF_FILE
from engine.i18n import tr


def check_gguf(path: Path) -> dict:
    """Everything we know about a GGUF file once it passed every check; raises UserError otherwise."""
    from engine.deploy.gguf_file import check_model, read_gguf
    from engine.deploy.runtime import open_llama
    info = check_model(read_gguf(path))
    llm = open_llama(path, n_ctx=64)
    try:
        ids = llm.tokenize(b"Hello", add_bos=True, special=False)
        llm.eval(ids[:8] or [0])
    except Exception as exc:  # noqa: BLE001 - anything llama.cpp raises means the file does not run
        raise UserError(tr("{path}: llama.cpp loaded the model but could not run it ({value})", path=path, value=' '.join(str(exc).split())[:120]), hint=tr("the file is damaged")) from None
    finally:
        llm.close()
    return info.summary()


def _copy(src: Path, dest: Path, ctx, start: float, end: float) -> str:
    from engine.models.importer import copy_hashed
    total = max(1, src.stat().st_size)
    return copy_hashed(src, dest, ctx,
                       lambda copied: ctx.report(start + (end - start) * copied / total, tr("copying {file}", file=src.name)))


def _hash(src: Path, ctx, start: float, end: float) -> str:
    digest = hashlib.sha256()
    total, done = max(1, src.stat().st_size), 0
    with open(src, "rb") as reader:
        for block in iter(lambda: reader.read(1 << 22), b""):
            ctx.check_cancelled()
            digest.update(block)
            done += len(block)
            ctx.report(start + (end - start) * done / total, tr("hashing {file}", file=src.name))
    return digest.hexdigest()


def import_gguf(ctx, src: Path, params: dict) -> dict:
    """The GGUF branch of the ``models.import`` job."""
    models = ctx.engine.models
    if not src.is_file():
        raise UserError(tr("{src} is not a regular file", src=src), hint=tr("give the path of a .gguf file"))
    name = check_name(params.get("name") or src.stem)
    if models.find(name) is not None and models.find(name).name == name:
        raise UserError(tr("a model named '{name}' already exists", name=name), hint=tr("choose another name or remove it first"))
    if params.get("kind") not in (None, "text"):
        raise UserError(tr("{src}: a GGUF file is a text model, not {get}", src=src, get=params.get('kind')), options=("--kind text",))
    ctx.report(0.02, tr("checking {file}", file=src.name))
    info = check_gguf(src)
    ctx.log(tr("verified {architecture} GGUF ({quant}, {parameters:,} parameters)", architecture=info['architecture'], quant=info['quant'], parameters=info['parameters']))
    copy = bool(params.get("copy", True))
    model_id = new_model_id()
    staging = ctx.workspace.folder("tmp") / f"import-{model_id}"
    final = ctx.workspace.root / "models" / model_id
    registered = False
    try:
        if copy:
            file_name = GGUF_FILE
            digest = _copy(src, staging / "files" / file_name, ctx, 0.1, 0.95)
        else:
            file_name = src.name
            digest = _hash(src, ctx, 0.1, 0.95)
            staging.mkdir(parents=True, exist_ok=True)
        ctx.check_cancelled()
        replace_dir(staging, final)
        folder = final / "files" if copy else src.parent
        size = (folder / file_name).stat().st_size
        manifest = {"files": {file_name: {"sha256": digest, "size": size}}, "sha256": digest}
        info = {**info, "file": file_name, "file_sha256": digest, "size": size, "source": str(src), "copied": copy}
        model = models.register(name, "text", "base", folder, info=info, model_id=model_id, manifest=manifest)
        registered = True
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if not registered:
            shutil.rmtree(final, ignore_errors=True)
    ctx.report(1.0, tr("imported {name}", name=model.name))
    return {"id": model.id, "name": model.name, "kind": "text", "path": model.path, "sha256": model.sha256,
            "files": 1, "info": info}
