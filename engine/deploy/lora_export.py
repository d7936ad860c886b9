"""A LoRA adapter alone as a GGUF adapter file, loaded by llama.cpp on top of the base model's GGUF.

Layout (what llama.cpp's adapter loader reads): ``general.type = adapter``,
``adapter.type = lora``, ``adapter.lora.alpha``, and for every adapted matrix
``<base tensor name>.lora_a`` with PEFT's A as stored (rows = rank, so
ggml ne = [in, rank]) and ``.lora_b`` with B (ne = [rank, out]). llama.cpp
scales by alpha / rank, as PEFT does; rsLoRA (alpha / sqrt(rank)) is written
as alpha * sqrt(rank). B's rows get the same reordering as the base matrix's
rows (Llama q/k RoPE order), A's columns are the input and never move.

The file is checked before it is moved into place: the base is written as a
temporary f16 GGUF, llama.cpp loads it with the adapter, its greedy tokens must
equal PyTorch's with the adapter merged, and its logits must stay as close to
PyTorch's as the f16 base's alone do (a weak adapter moves the top token little,
so tokens alone would not catch an adapter applied to the wrong rows).
"""
from __future__ import annotations

import json
import math
import os
from pathlib import Path

from engine.errors import UserError
from engine.i18n import tr

REFUSED_WHEN_ON = ("use_dora", "lora_bias")   # settings llama.cpp adapters have no place for


def adapter_settings(folder: Path) -> tuple[float, dict]:
    """(alpha as llama.cpp applies it, adapter_config.json) of a PEFT LoRA folder; anything else is refused."""
    path = folder / "adapter_config.json"
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserError(tr("{path}: cannot be read ({exc})", path=path, exc=exc), hint=tr("re-import the adapter")) from None
    if config.get("peft_type") != "LORA":
        raise UserError(tr("{path}: peft_type {get} is not LORA", path=path, get=config.get('peft_type')),
                        hint=tr("only LoRA adapters can be exported as GGUF adapters"))
    for key in REFUSED_WHEN_ON:
        if config.get(key):
            raise UserError(tr("{path}: {key} is on, which llama.cpp adapters cannot express", path=path, key=key),
                            hint=tr("export with the adapter merged instead"))
    if config.get("modules_to_save"):
        raise UserError(tr("{path}: modules_to_save {modules_to_save} are full weights, not LoRA", path=path, modules_to_save=config['modules_to_save']),
                        hint=tr("export with the adapter merged instead"))
    if config.get("rank_pattern") or config.get("alpha_pattern"):
        raise UserError(tr("{path}: per-layer rank_pattern/alpha_pattern cannot be expressed by one alpha", path=path),
                        hint=tr("export with the adapter merged instead"))
    rank, alpha = int(config.get("r") or 8), float(config.get("lora_alpha") or 8)
    if config.get("use_rslora"):
        alpha *= math.sqrt(rank)
    return alpha, config


def adapter_tensors(folder: Path) -> dict:
    """PEFT's saved adapter weights as numpy float32 arrays."""
    import torch
    files = sorted(folder.glob("adapter_model.safetensors")) or sorted(folder.glob("*.safetensors"))
    if files:
        from safetensors.torch import load_file
        state = load_file(str(files[0]))
    else:
        bins = sorted(folder.glob("*.bin"))
        if not bins:
            raise UserError(tr("{folder}: no adapter weights found", folder=folder), hint=tr("re-import the adapter"))
        state = torch.load(bins[0], map_location="cpu", weights_only=True)
    return {k: v.to(torch.float32).numpy() for k, v in state.items()}


def lora_pairs(family, config, state: dict, where: Path) -> list[tuple[str, object, object]]:
    """(base tensor name, A, B) for every adapted matrix, in llama.cpp's names and row order."""
    from engine.deploy.families import gguf_name
    pairs = []
    for key in sorted(state):
        if "lora_embedding" in key:
            raise UserError(tr("{where}: {key} adapts the embedding, which is not exported yet", where=where, key=key),
                            hint=tr("export with the adapter merged instead"))
        if not key.endswith(".lora_A.weight"):
            if not key.endswith(".lora_B.weight"):
                raise UserError(tr("{where}: tensor {key} is not a LoRA A/B matrix", where=where, key=key),
                                hint=tr("export with the adapter merged instead"))
            continue
        module = key[:-len(".lora_A.weight")].removeprefix("base_model.model.")
        b_key = key[:-len(".lora_A.weight")] + ".lora_B.weight"
        if b_key not in state:
            raise UserError(tr("{where}: {b_key} is missing", where=where, b_key=b_key), hint=tr("re-import the adapter"))
        target = gguf_name(family, module + ".weight")
        tied = bool(getattr(config, "tie_word_embeddings", False)) and not family.copy_tied_output
        if target is None or (target == "output.weight" and tied):
            raise UserError(tr("{where}: module {module} has no matrix of its own in the GGUF file", where=where, module=module),
                            hint=tr("export with the adapter merged instead"))
        pairs.append((target, state[key], family.rows(target, state[b_key], config)))
    if not pairs:
        raise UserError(tr("{where}: the adapter holds no LoRA matrices", where=where), hint=tr("re-import the adapter"))
    return pairs


def write_adapter(path: Path, arch: str, name: str, alpha: float, pairs) -> int:
    import gguf
    import numpy as np
    writer = gguf.GGUFWriter(str(path), arch)
    writer.add_type("adapter")
    writer.add_name(name)
    writer.add_string("adapter.type", "lora")
    writer.add_float32("adapter.lora.alpha", alpha)
    for target, a, b in pairs:
        writer.add_tensor(f"{target}.lora_a", np.ascontiguousarray(a, dtype=np.float32))
        writer.add_tensor(f"{target}.lora_b", np.ascontiguousarray(b, dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file(progress=False)
    writer.close()
    return 2 * len(pairs)


def adapter_check(base_file: Path, lora_file: Path, probe: list[int], before, after) -> dict:
    """Largest logit differences on the probe prompt: llama.cpp's f16 base against PyTorch's base (the
    rounding floor), base + adapter against PyTorch with the adapter merged, and the adapter's own effect.

    A correctly applied adapter stays near the floor however weak it is; a misplaced one is off by a
    share of its effect."""
    import numpy as np
    from engine.deploy.compare import llama_all_logits
    from engine.deploy.runtime import open_llama
    errors = []
    for lora, reference in ((None, before), (lora_file, after)):
        llm = open_llama(base_file, n_ctx=max(64, len(probe) + 8), logits_all=True, lora_path=lora)
        try:
            errors.append(float(np.abs(llama_all_logits(llm, probe) - reference).max()))
        finally:
            llm.close()
    return {"f16_logit_error": round(errors[0], 5), "adapter_logit_error": round(errors[1], 5),
            "adapter_logit_effect": round(float(np.abs(after - before).max()), 5)}


def probe_ids(tokenizer) -> list[int]:
    """The check prompt's ids, rendered with the chat template like ``verify_file`` renders it."""
    from engine.deploy.compare import PROMPT
    from engine.text.templates import render
    text = render(tokenizer, [{"role": "user", "content": PROMPT}], add_generation_prompt=True)
    return list(tokenizer(text, add_special_tokens=False)["input_ids"])


def export_adapter(ctx, model: str, adapter: str | None, out: Path) -> dict:
    """Write, check and move into place ``out`` (the adapter as a GGUF LoRA); returns what it measured."""
    from engine.atomic import publish_file
    from engine.deploy.compare import torch_logits
    from engine.deploy.export import sha256_of, verify_file
    from engine.deploy.families import family_of
    from engine.deploy.runtime import require_llama_cpp
    from engine.deploy.writer import write_gguf
    from engine.text.loader import load_model, load_tokenizer
    from engine.text.templates import template_of
    base, adapter_info = ctx.engine.text._resolve(model, adapter)
    if adapter_info is None:
        raise UserError(tr("exporting an adapter alone needs an adapter"), hint=tr("choose the adapter to export"),
                        options=("--adapter NAME",))
    if base.info.get("format") == "gguf":
        raise UserError(tr("'{name}' is a GGUF model", name=base.name), hint=tr("adapters are trained on Hugging Face models"))
    require_llama_cpp()
    folder = Path(adapter_info.path)
    alpha, _ = adapter_settings(folder)
    ctx.report(0.05, tr("loading the model"))
    tokenizer = load_tokenizer(base.path)
    torch_model = load_model(base.path, "float32", "cpu").eval()
    family = family_of(torch_model.config)
    pairs = lora_pairs(family, torch_model.config, adapter_tensors(folder), folder)
    tag = ctx.job_id or os.getpid()
    temp = out.with_name(f".{out.name}.{tag}.partial")
    base_file = out.with_name(f".{out.name}.{tag}.base.partial")
    try:
        count = write_adapter(temp, family.gguf_arch, adapter_info.name, alpha, pairs)
        ctx.check_cancelled()
        ctx.report(0.2, tr("writing a temporary f16 base to check the adapter against"))
        write_gguf(torch_model, tokenizer, base_file, "f16", base.name, template_of(tokenizer),
                   report=lambda f, m: ctx.report(0.2 + 0.4 * f, m), check=ctx.check_cancelled)
        from peft import PeftModel
        probe = probe_ids(tokenizer)
        before = torch_logits(torch_model, probe)
        merged = PeftModel.from_pretrained(torch_model, str(folder), is_trainable=False).merge_and_unload().eval()
        after = torch_logits(merged, probe)
        ctx.check_cancelled()
        ctx.report(0.7, tr("checking {file} on the base in llama.cpp", file=out.name))
        check = verify_file(base_file, merged, tokenizer, "f16", lora_path=temp)
        check.update(adapter_check(base_file, temp, probe, before, after))
        if check["adapter_logit_error"] > 3 * check["f16_logit_error"] + 0.05 * check["adapter_logit_effect"]:
            raise UserError(tr("llama.cpp applies the exported adapter differently from PyTorch (logits differ by "
                               "{adapter_logit_error:.4f}, the f16 base alone by {f16_logit_error:.4f}; the adapter moves "
                               "them by {adapter_logit_effect:.4f})", adapter_logit_error=check['adapter_logit_error'], f16_logit_error=check['f16_logit_error'], adapter_logit_effect=check['adapter_logit_effect']),
                            hint=tr("export with the adapter merged instead; please report it"))
        ctx.check_cancelled()
        publish_file(temp, out)
    finally:
        for leftover in (temp, base_file):
            if leftover.exists():
                leftover.unlink()
    ctx.report(1.0, tr("exported {file}", file=out.name))
    return {"path": str(out), "quant": "f32", "adapter_only": True, "size": out.stat().st_size,
            "sha256": sha256_of(out), "tensor_types": {"f32": count}, "alpha": alpha,
            "rank": int(pairs[0][1].shape[0]), "check": check, "model": base.name, "model_sha256": base.sha256,
            "adapter": adapter_info.name, "adapter_sha256": adapter_info.sha256}
