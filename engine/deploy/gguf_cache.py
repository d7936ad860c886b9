"""GGUF copies of catalog models for fast CPU generation, kept in ``cache/gguf/`` of the workspace.

An entry is named by the SHA-256 digests of the model and of the adapter merged
into it, and by its quantization, so an edited or re-trained model never reuses
a stale file. ``NAME.json`` beside ``NAME.gguf`` records the file's size,
modification time and SHA-256 (for provenance) and whether llama.cpp's greedy
tokens matched PyTorch's on a short probe when it was built. An entry whose
file changed size or time, or whose header no longer reads, is built again.
The file is written under ``tmp/`` (tidied when the workspace is opened) and
moved into place only when complete. Removing a model or adapter drops its
entries.
"""
from __future__ import annotations

import logging
import os
import time
from pathlib import Path

from engine.errors import UserError
from engine.i18n import tr

log = logging.getLogger(__name__)
PROBE_TOKENS = 16
DIGITS = 32      # hex digits of each digest in an entry's name


def cache_dir(ws) -> Path:
    return ws.root / "cache" / "gguf"


def entry_name(base, adapter, quant: str) -> str:
    return f"{base.sha256[:DIGITS]}-{adapter.sha256[:DIGITS] if adapter is not None else 'base'}-{quant}"


def read_entry(ws, name: str) -> dict | None:
    """The entry's record when it is whole and its file unchanged; None when it must be (re)built."""
    from engine import safe_json
    folder = cache_dir(ws)
    try:
        record = safe_json.load_file(folder / f"{name}.json")
    except (OSError, ValueError, UserError):
        return None
    if not isinstance(record, dict) or "verified" not in record:
        return None
    if not record["verified"]:
        return record           # a refused conversion is remembered, not retried on every generation
    path = folder / f"{name}.gguf"
    try:
        info = path.stat()
        if info.st_size != record.get("size") or info.st_mtime_ns != record.get("mtime_ns"):
            return None
        from engine.deploy.gguf_file import check_model, read_gguf
        check_model(read_gguf(path))
    except (OSError, UserError, ValueError):
        return None
    record["path"] = str(path)
    return record


def ensure(engine, base, adapter, quant: str, ctx) -> dict:
    """The cache entry for ``base`` (+ ``adapter``) at ``quant``, built now when missing or damaged."""
    name = entry_name(base, adapter, quant)
    record = read_entry(engine.workspace, name)
    if record is not None:
        return record
    return build(engine, base, adapter, quant, name, ctx)


def build(engine, base, adapter, quant: str, name: str, ctx) -> dict:
    """Convert, probe and publish one entry; cancellable between tensors. Returns its record."""
    from engine import atomic
    from engine.deploy.export import load_merged, sha256_of
    from engine.faults import fault_point
    from engine.deploy.kquant import K_QUANTS, quantize_file
    from engine.deploy.writer import write_gguf
    from engine.text.templates import template_of
    ws = engine.workspace
    folder = cache_dir(ws)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    for old in (folder / f"{name}.gguf", folder / f"{name}.json"):
        old.unlink(missing_ok=True)
    label = f"{base.name}+{adapter.name}" if adapter is not None else base.name
    ctx.report(0.0, tr("converting {name} for llama.cpp ({quant}, once)", name=label, quant=quant))
    torch_model, tokenizer, _, _ = load_merged(engine, base, adapter)
    tmp = ws.folder("tmp")
    temp = tmp / f"gguf-{name}.{os.getpid()}.partial"
    source = tmp / f"gguf-{name}.{os.getpid()}.f16.partial"
    started = time.perf_counter()
    try:
        write_gguf(torch_model, tokenizer, source if quant in K_QUANTS else temp, "f16" if quant in K_QUANTS else quant,
                   label, template_of(tokenizer), report=lambda f, m: ctx.report(0.8 * f, m),
                   check=ctx.check_cancelled)
        if quant in K_QUANTS:
            ctx.report(0.8, tr("quantizing to {quant} with llama.cpp", quant=quant))
            quantize_file(source, temp, quant)
            source.unlink()
        ctx.check_cancelled()
        ctx.report(0.85, tr("checking llama.cpp against PyTorch"))
        probe = probe_agreement(temp, torch_model, tokenizer)
        ctx.check_cancelled()
        verified = quant != "f16" or probe["greedy_prefix"] == probe["tokens"]
        record = {"verified": verified, "quant": quant, "model": base.name, "model_sha256": base.sha256,
                  "adapter": adapter.name if adapter is not None else None,
                  "adapter_sha256": adapter.sha256 if adapter is not None else None, "probe": probe,
                  "built_s": round(time.perf_counter() - started, 2)}
        if verified:
            final = folder / f"{name}.gguf"
            record["sha256"] = sha256_of(temp)
            fault_point("gguf_cache.publish")      # killed here: tmp/ holds the partial copy, tidied on open
            atomic.publish_file(temp, final)
            info = final.stat()
            record.update(size=info.st_size, mtime_ns=info.st_mtime_ns)
        else:
            record["reason"] = tr("llama.cpp's greedy tokens differ from PyTorch's at token {token} of {tokens}",
                                  token=probe["greedy_prefix"] + 1, tokens=probe["tokens"])
        atomic.write_json(folder / f"{name}.json", record)
    finally:
        for leftover in (temp, source):
            leftover.unlink(missing_ok=True)
        del torch_model
        import gc
        gc.collect()
    if verified:
        record["path"] = str(folder / f"{name}.gguf")
    ctx.report(0.9, tr("converted") if verified else tr("conversion disagrees with PyTorch"))
    return record


def probe_agreement(path: Path, torch_model, tokenizer) -> dict:
    """Free-running greedy tokens of PyTorch and llama.cpp on the chat-rendered probe prompt."""
    from engine.deploy.compare import PROMPT, llama_greedy, torch_greedy
    from engine.deploy.runtime import open_llama
    from engine.text.templates import render
    prompt = render(tokenizer, [{"role": "user", "content": PROMPT}], add_generation_prompt=True)
    ids = list(tokenizer(prompt, add_special_tokens=False)["input_ids"])
    ours, torch_speed = torch_greedy(torch_model, ids, PROBE_TOKENS)
    from engine.deploy.fast_generate import llama_threads
    llm = open_llama(path, n_ctx=len(ids) + PROBE_TOKENS + 16, threads=llama_threads())
    try:
        theirs, llama_speed = llama_greedy(llm, ids, PROBE_TOKENS)
    finally:
        llm.close()
    prefix = next((i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b), PROBE_TOKENS)
    return {"tokens": PROBE_TOKENS, "greedy_prefix": prefix, "torch_tokens_per_s": round(torch_speed, 1),
            "llama_tokens_per_s": round(llama_speed, 1)}


def drop(ws, sha256: str | None) -> list[str]:
    """Remove every entry made from a model or adapter with this digest (unless another catalog entry shares it)."""
    from engine.models.derived_copies import drop_made_from
    return drop_made_from(ws, cache_dir(ws), sha256, DIGITS)
