"""The ``models.export`` job: a text model (+ adapter merged in) as a checked GGUF file
(image models go out as one Stable Diffusion checkpoint: ``engine.image.export``).

The file is written under a temporary name beside the target and renamed into
place only after llama.cpp loaded it, tokenized the probe texts exactly as our
tokenizer does and (f16) reproduced our greedy tokens; a cancelled or failed
export leaves nothing behind. A wider text set (code, emoji, whitespace runs,
special tokens) is tokenized too and any difference is stored with the result.
"""
from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from engine.errors import UserError
from engine.jobs import JobContext, job_kind
from engine.i18n import tr

CHECK_TOKENS = 16
FORMATS = ("gguf", "sd-single-file")


def check_output_path(out: str, force: bool, suffix: str = ".gguf") -> Path:
    """Where the export goes: an existing file needs ``force``; anything but a regular file is refused."""
    if not out:
        raise UserError(tr("no output file given"), hint=tr("pass OUT.gguf").replace(".gguf", suffix))
    path = Path(out).expanduser()
    if path.suffix.lower() != suffix:
        raise UserError(tr("{path}: the output file must end in {suffix}", path=path, suffix=suffix), hint=tr("name it like model{suffix}", suffix=suffix))
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    if info is not None:
        if not stat.S_ISREG(info.st_mode):
            what = "a symbolic link" if stat.S_ISLNK(info.st_mode) else \
                "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise UserError(tr("{path} is {what}; an export only replaces a regular file", path=path, what=what), hint=tr("choose another path"))
        if not force:
            raise UserError(tr("{path} already exists", path=path), hint=tr("choose to replace it, or choose another path"), options=("--force",))
    if not path.parent.is_dir():
        raise UserError(tr("{parent} is not a folder", parent=path.parent), hint=tr("create the folder first"))
    return path.absolute()


def load_merged(engine, model: str, adapter: str | None):
    """(PyTorch model in float32 on the CPU with the adapter merged, tokenizer, base info, adapter info)."""
    from engine.text.loader import load_model, load_tokenizer
    base, adapter_info = engine.text._resolve(model, adapter)
    if base.info.get("format") == "gguf":
        raise UserError(tr("'{name}' is already a GGUF model", name=base.name), hint=tr("copy its file instead of exporting it"))
    tokenizer = load_tokenizer(base.path)
    torch_model = load_model(base.path, "float32", "cpu")
    if adapter_info is not None:
        from peft import PeftModel
        torch_model = PeftModel.from_pretrained(torch_model, adapter_info.path, is_trainable=False).merge_and_unload()
    torch_model.eval()
    return torch_model, tokenizer, base, adapter_info


def verify_file(path: Path, torch_model, tokenizer, quant: str, n: int = CHECK_TOKENS, strict: bool = True,
                examples=None, lora_path: Path | None = None) -> dict:
    """Load ``path`` in llama.cpp and compare it with ``torch_model``; raises UserError when f16 disagrees.

    ``strict=False`` (the compression report) measures an f16 difference instead of refusing the file.
    """
    from engine.deploy.compare import (PROBE_TEXTS, PROMPT, compare, tokenizer_differences, tokenizer_mismatch,
                                       tokenizer_texts)
    from engine.deploy.gguf_file import check_model, read_gguf
    from engine.deploy.runtime import open_llama
    from engine.text.templates import render
    info = check_model(read_gguf(path))
    llm = open_llama(path, n_ctx=min(512, int(info.arch_value("context_length"))), logits_all=True,
                     lora_path=lora_path)
    try:
        prompt = render(tokenizer, [{"role": "user", "content": PROMPT}], add_generation_prompt=True)
        mismatch = tokenizer_mismatch(tokenizer, llm, PROBE_TEXTS + [prompt])
        if mismatch:
            raise UserError(tr("llama.cpp tokenizes the exported file differently: {mismatch}", mismatch=mismatch),
                            hint=tr("this tokenizer cannot be exported faithfully yet"))
        result = compare(torch_model, tokenizer, llm, prompt, n, examples)
        result["tokenizer_differences"] = tokenizer_differences(tokenizer, llm, tokenizer_texts(tokenizer))
    finally:
        llm.close()
    if strict and quant == "f16" and result["greedy_prefix"] < n:
        raise UserError(tr("the f16 file's greedy tokens differ from PyTorch at token {value} of {n}", value=result['greedy_prefix'] + 1, n=n), hint=tr("the export is wrong for this model; please report it"))
    return result


def tensor_types(path: Path) -> dict:
    """How many tensors of each stored type a GGUF file holds."""
    from engine.deploy.gguf_file import read_gguf
    counts: dict[str, int] = {}
    for tensor in read_gguf(path).tensors:
        counts[tensor.type_name.lower()] = counts.get(tensor.type_name.lower(), 0) + 1
    return counts


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


def export_gguf(ctx: JobContext, torch_model, tokenizer, out: Path, quant: str, name: str,
                start: float = 0.2, end: float = 1.0, tokens: int = CHECK_TOKENS, strict: bool = True,
                examples=None) -> dict:
    """Write, verify and move into place one GGUF file; returns what it measured."""
    from engine.atomic import publish_file
    from engine.deploy.writer import write_gguf
    from engine.text.templates import template_of
    from engine.deploy.kquant import K_QUANTS, quantize_file
    temp = out.with_name(f".{out.name}.{ctx.job_id or os.getpid()}.partial")
    source = out.with_name(f".{out.name}.{ctx.job_id or os.getpid()}.f16.partial")
    span = end - start
    try:
        counts = write_gguf(torch_model, tokenizer, source if quant in K_QUANTS else temp,
                            "f16" if quant in K_QUANTS else quant, name, template_of(tokenizer),
                            report=lambda f, m: ctx.report(start + span * 0.6 * f, m), check=ctx.check_cancelled)
        ctx.check_cancelled()
        if quant in K_QUANTS:
            ctx.report(start + span * 0.6, tr("quantizing to {quant} with llama.cpp", quant=quant))
            quantize_file(source, temp, quant)
            source.unlink()
            ctx.check_cancelled()
            counts = tensor_types(temp)
        ctx.report(start + span * 0.65, tr("checking {file} in llama.cpp", file=out.name))
        check = verify_file(temp, torch_model, tokenizer, quant, tokens, strict, examples)
        ctx.check_cancelled()
        publish_file(temp, out)
    finally:
        for leftover in (temp, source):
            if leftover.exists():
                leftover.unlink()
    return {"path": str(out), "quant": quant, "size": out.stat().st_size, "sha256": sha256_of(out),
            "tensor_types": counts, "check": check}


@job_kind("models.export", title="Export model")
def export_model(ctx: JobContext) -> dict:
    """params: model, adapter, format (gguf | sd-single-file), quant, out, force, adapter_only, adapter_scale."""
    from engine.deploy.kquant import K_QUANTS
    from engine.deploy.writer import QUANTS
    params = ctx.params
    fmt = params.get("format") or "gguf"
    if fmt not in FORMATS:
        raise UserError(tr("export format {get} is not available", get=fmt), hint=" or ".join(FORMATS),
                        options=("--format",))
    kind = ctx.engine.models.get(params["model"]).kind
    if fmt == "sd-single-file":
        if params.get("adapter_only"):
            raise UserError("an adapter-only export is a GGUF file", hint="an image LoRA's kohya file is in its "
                                                                          "adapter folder already",
                            options=("--adapter-only",))
        from engine.image.export import export_single_file
        out = check_output_path(params.get("out") or "", bool(params.get("force")), ".safetensors")
        return export_single_file(ctx, params, out)
    if kind == "image":
        raise UserError(f"model '{params['model']}' is an image model; GGUF export is for text models",
                        hint="export it as a single Stable Diffusion checkpoint (.safetensors) instead",
                        options=("--format sd-single-file OUT.safetensors",))
    quant = params.get("quant") or "f16"
    if quant not in QUANTS + tuple(K_QUANTS):
        raise UserError(tr("quantization {quant} is not one of {items}", quant=quant, items=', '.join(QUANTS + tuple(K_QUANTS))), options=("--quant",))
    out = check_output_path(params.get("out") or "", bool(params.get("force")))
    if params.get("adapter_only"):
        from engine.deploy.lora_export import export_adapter
        return export_adapter(ctx, params["model"], params.get("adapter"), out)
    from engine.deploy.runtime import require_llama_cpp
    require_llama_cpp()
    ctx.report(0.02, tr("loading the model"))
    torch_model, tokenizer, base, adapter = load_merged(ctx.engine, params["model"], params.get("adapter"))
    ctx.check_cancelled()
    name = f"{base.name}+{adapter.name}" if adapter else base.name
    result = export_gguf(ctx, torch_model, tokenizer, out, quant, name)
    result.update(model=base.name, model_sha256=base.sha256, adapter=adapter.name if adapter else None,
                  adapter_sha256=adapter.sha256 if adapter else None)
    ctx.report(1.0, tr("exported {file}", file=out.name))
    return result
