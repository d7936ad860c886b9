"""Memory preflight for text training and generation: estimate, then refuse with suggestions."""
from __future__ import annotations

import json
from pathlib import Path

from engine.errors import UserError
from engine.training import memory
from engine.i18n import tr


def model_shape(path: str, info: dict) -> dict:
    """Parameter count and sizes of a text model, from the catalog info or its config.json."""
    try:
        config = json.loads((Path(path) / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        config = {}
    hidden = info.get("hidden_size") or config.get("hidden_size") or config.get("n_embd") or 0
    layers = info.get("layers") or config.get("num_hidden_layers") or config.get("n_layer") or 0
    heads = config.get("num_attention_heads") or config.get("n_head") or 1
    # without the catalog's count, assume 16-bit weights on disk
    params = info.get("parameters") or sum(p.stat().st_size for p in Path(path).glob("*.safetensors")) // 2
    return {"parameters": int(params), "hidden": int(hidden), "layers": int(layers), "heads": int(heads),
            "vocab": int(info.get("vocab_size") or config.get("vocab_size") or 0),
            "context": info.get("context_length") or config.get("max_position_embeddings") or config.get("n_positions")}


def lora_trainable(shape: dict, r: int, targets_per_layer: int = 4) -> int:
    return 2 * r * shape["hidden"] * targets_per_layer * shape["layers"]


def weight_dtype_for(method: str, device) -> str:
    if method == "full":
        return "float32"
    return device.dtype if device.kind != "cpu" else "float32"


def preflight_training(engine, config, device=None, nproc: int = 1) -> dict:
    """Raise a one-line UserError if the run cannot fit; otherwise return the estimate.

    Per device: with DDP every process holds a whole copy of the model and its own batch, so each
    GPU must fit what one process needs; on the CPU the ``nproc`` processes share the machine's
    memory, so each gets a ``nproc``-th of it.
    """
    from engine import devices
    device = device or devices.detect()
    where = ""
    if nproc > 1:
        from dataclasses import replace

        from engine.distributed.shard import check_world
        check_world(nproc, device.kind, devices.gpu_count())
        if device.kind != "cuda":
            device = replace(device, free_memory=device.free_memory // nproc)
        where = f", per process of {nproc}"
    model = engine.models.get(config.model)
    shape = model_shape(model.path, model.info)
    if shape["context"] and config.max_length > int(shape["context"]):
        raise UserError(tr("the maximum length {max_length} is longer than the model's context of {context} tokens", max_length=config.max_length, context=shape['context']), hint=tr("use a maximum length of {context} or less", context=shape['context']))
    trainable = shape["parameters"] if config.method == "full" else lora_trainable(shape, config.lora_r)
    est = memory.estimate_training(
        shape["parameters"], trainable, weight_dtype_for(config.method, device), batch=config.batch_size,
        seq_len=config.max_length, hidden=shape["hidden"], layers=shape["layers"], heads=shape["heads"],
        vocab=shape["vocab"], checkpointing=config.gradient_checkpointing, available=device.free_memory,
        device=device.kind)
    suggestions = []
    if config.method == "full":
        suggestions.append(tr("use the LoRA method (trains about 1% of the weights)"))
    if config.batch_size > 1:
        suggestions.append(tr("use a batch size of {batch} with gradient accumulation {accum}",
                              batch=max(1, config.batch_size // 2), accum=config.grad_accum * 2))
    if not config.gradient_checkpointing:
        suggestions.append(tr("turn on gradient checkpointing"))
    if config.max_length > 256:
        suggestions.append(tr("use a maximum length of {length}", length=config.max_length // 2))
    memory.refuse_if_too_big(est, tr("training {model} ({method}, batch {batch}, length {length}{where})",
                                     model=model.name, method=config.method, batch=config.batch_size,
                                     length=config.max_length, where=where), suggestions)
    return est.to_dict()


def preflight_inference(engine, model_name: str, device=None, batch: int = 1, seq_len: int = 1024) -> dict:
    from engine import devices
    device = device or devices.detect()
    model = engine.models.get(model_name)
    shape = model_shape(model.path, model.info)
    est = memory.estimate_inference(shape["parameters"], device.dtype if device.kind != "cpu" else "float32",
                                    device.free_memory, device.kind, batch, seq_len, shape["hidden"],
                                    shape["layers"], shape["vocab"])
    memory.refuse_if_too_big(est, f"loading {model.name}", ["use a smaller model", "close other programs"])
    return est.to_dict()
