"""A GGUF file as a new trainable base: dequantized by transformers and saved as a PyTorch model folder.

Only what transformers' GGUF reader turns back into a Hugging Face model can be
trained on; anything else is refused before any work. The file is first checked
like any GGUF import (header bounds, architecture, tokenizer, llama.cpp runs it);
the new model's weights are the dequantized tensors in float16 (float32 when the
file stores its matrices in f32), with the tokenizer and chat template the file
carries. Its lineage names the GGUF file and its SHA-256.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from engine.atomic import replace_dir
from engine.errors import UserError
from engine.i18n import tr
from engine.models.catalog import check_name, new_model_id

# transformers' GGUF names that are not causal language models (or not models at all).
NOT_CAUSAL = {"general", "tokenizer", "t5", "umt5"}
EXACT = {"F32", "F16", "BF16"}


def _readable_types() -> set[str]:
    from gguf import quants
    return EXACT | {t.name for t in getattr(quants, "_type_traits", {})}


def check_trainable(src: Path, info) -> None:
    """Refuse, in one line, a file transformers cannot turn back into a trainable model."""
    from transformers.modeling_gguf_pytorch_utils import GGUF_SUPPORTED_ARCHITECTURES
    supported = set(GGUF_SUPPORTED_ARCHITECTURES) - NOT_CAUSAL
    if info.architecture not in supported:
        raise UserError(f"{src}: a '{info.architecture}' GGUF model cannot be made trainable (transformers cannot "
                        f"read that architecture back)",
                        hint="import it as it is (not trainable) to generate with it; fine-tune the original "
                             "Hugging Face model instead")
    readable = _readable_types()
    unreadable = sorted({t.type_name for t in info.tensors if t.type_name not in readable})
    if unreadable:
        raise UserError(f"{src}: tensors of type {', '.join(unreadable)} cannot be dequantized for training",
                        hint="export or download the model as f16, q8_0 or a k-quant GGUF instead")


def _dtype(info) -> str:
    matrices = [t.type_name for t in info.tensors if len(t.shape) >= 2]
    return "float32" if matrices and all(t == "F32" for t in matrices) else "float16"


def _convert(src: Path, dest: Path, info, ctx) -> None:
    """Dequantize ``src`` into a Hugging Face model folder at ``dest``."""
    import torch
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer, GgufConfig
    where, name = str(src.parent), src.name
    try:
        config = AutoConfig.from_pretrained(where, gguf_file=name)
        if config.model_type == "gpt2":   # transformers leaves GPT-2's position table at its default size
            config.n_positions = int(info.arch_value("context_length", config.n_positions))
        ctx.report(0.35, tr("dequantizing {name}", name=name))
        model = AutoModelForCausalLM.from_pretrained(where, gguf_file=name, config=config, dtype=torch.float32,
                                                     quantization_config=GgufConfig(dequantize=True))
        if getattr(model, "hf_quantizer", None) is not None:   # dense weights now: saved as a plain model
            model.hf_quantizer.remove_quantization_config(model)
        ctx.check_cancelled()
        ctx.report(0.6, tr("reading the tokenizer of {name}", name=name))
        tokenizer = AutoTokenizer.from_pretrained(where, gguf_file=name)
    except (ValueError, RuntimeError, KeyError, NotImplementedError) as exc:
        raise UserError(tr("{file}: transformers could not turn the file into a trainable model ({reason})",
                           file=src, reason=" ".join(str(exc).split())[:160]),
                        hint=tr("import it as it is (not trainable) to generate with it")) from None
    ctx.check_cancelled()
    ctx.report(0.75, tr("saving safetensors"))
    model.to(getattr(torch, _dtype(info))).save_pretrained(dest, safe_serialization=True)
    tokenizer.save_pretrained(dest)
    _drop_invented_tokens(dest, len(info.metadata.get("tokenizer.ggml.tokens") or []))


def _drop_invented_tokens(folder: Path, listed: int) -> None:
    """Remove tokens transformers' reader adds beyond the file's own list (GPT-2's <|endoftext|>)."""
    import json
    from engine.atomic import write_json, write_text
    path = folder / "tokenizer.json"
    spec = json.loads(path.read_text(encoding="utf-8"))
    extra = {t["content"] for t in spec.get("added_tokens") or [] if int(t["id"]) >= listed}
    if not extra:
        return
    spec["added_tokens"] = [t for t in spec["added_tokens"] if t["content"] not in extra]
    write_text(path, json.dumps(spec, ensure_ascii=False))
    config_path = folder / "tokenizer_config.json"
    config = json.loads(config_path.read_text(encoding="utf-8"))
    decoder = config.get("added_tokens_decoder") or {}
    config["added_tokens_decoder"] = {k: v for k, v in decoder.items() if int(k) < listed}
    for key, value in list(config.items()):
        if isinstance(value, str) and value in extra:
            config[key] = None
    write_json(config_path, config)


def import_trainable(ctx, src: Path, params: dict) -> dict:
    """``aigc models import FILE.gguf --as-trainable``: a new PyTorch base model with lineage to the file."""
    from engine.deploy.gguf_file import read_gguf
    from engine.deploy.gguf_import import _hash, check_gguf
    from engine.devices import system_memory
    from engine.models.importer import hash_with_progress
    from engine.models.text_check import verify_text_folder
    models = ctx.engine.models
    if not src.is_file():
        raise UserError(tr("{file} is not a regular file", file=src), hint=tr("give the path of a .gguf file"))
    name = check_name(params.get("name") or src.stem)
    models.check_new_name(name)
    ctx.report(0.02, tr("checking {name}", name=src.name))
    summary = check_gguf(src)
    info = read_gguf(src)
    check_trainable(src, info)
    total, available = system_memory()
    if available and info.parameters * 6 > available:
        raise UserError(f"{src}: {info.parameters:,} parameters need about {info.parameters * 6 >> 30} GiB of memory "
                        f"to dequantize, more than is free", hint="convert it on a machine with more memory")
    digest = _hash(src, ctx, 0.05, 0.3)
    model_id = new_model_id()
    staging = ctx.workspace.folder("tmp") / f"import-{model_id}"
    final = ctx.workspace.root / "models" / model_id
    registered = False
    try:
        _convert(src, staging / "files", info, ctx)
        checked = verify_text_folder(staging / "files", available_memory=total)
        manifest = hash_with_progress(staging / "files", ctx, 0.85, 0.95)
        ctx.check_cancelled()
        replace_dir(staging, final)
        known = next((m for m in models.list(kind="text") if m.sha256 == digest), None)
        lineage = {"converted_from": "gguf", "gguf_file": src.name, "gguf_sha256": digest,
                   "gguf_quant": summary["quant"], **({"gguf_model": known.name} if known else {})}
        model_info = {**checked, "source": str(src), "copied": True, "dtype": _dtype(info)}
        model = models.register(name, "text", "base", final / "files", lineage=lineage, info=model_info,
                                model_id=model_id, manifest=manifest)
        registered = True
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if not registered:
            shutil.rmtree(final, ignore_errors=True)
    ctx.report(1.0, tr("imported {name} (trainable, from {file})", name=model.name, file=src.name))
    return {"id": model.id, "name": model.name, "kind": "text", "path": model.path, "sha256": model.sha256,
            "files": len(manifest["files"]), "info": model_info, "lineage": lineage}
