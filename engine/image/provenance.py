"""Provenance in PNG text chunks: which model, adapter, prompt, parameters and seed made an image.

Written as iTXt (UTF-8, so Chinese prompts survive) under plain keys, plus the
one-line ``parameters`` chunk that other image tools display.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

KEY = "aigc:provenance"


def parameters_line(p: dict) -> str:
    """The human-readable summary other tools show ("Steps: 20, Sampler: ..., Seed: ...")."""
    text = p.get("prompt", "")
    if p.get("negative_prompt"):
        text += f"\nNegative prompt: {p['negative_prompt']}"
    params = p.get("params", {})
    parts = [f"Steps: {params.get('steps')}", f"Sampler: {params.get('scheduler')}",
             f"CFG scale: {params.get('guidance_scale')}", f"Seed: {p.get('seed')}",
             f"Size: {params.get('width')}x{params.get('height')}",
             f"Model: {p.get('model')}", f"Model hash: {(p.get('model_sha256') or '')[:12]}"]
    if p.get("adapter"):
        parts.append(f"Lora: {p['adapter']} ({(p.get('adapter_sha256') or '')[:12]}) x{params.get('adapter_scale')}")
    return text + "\n" + ", ".join(parts)


def save_png(image, path: str | os.PathLike, provenance: dict) -> Path:
    """Save ``image`` (PIL) with its provenance, atomically."""
    from PIL.PngImagePlugin import PngInfo

    from engine import atomic
    info = PngInfo()
    info.add_itxt(KEY, json.dumps(provenance, ensure_ascii=False, sort_keys=True, default=str))
    info.add_itxt("parameters", parameters_line(provenance))
    for key in ("prompt", "negative_prompt", "seed", "model", "model_sha256", "adapter", "adapter_sha256", "created"):
        value = provenance.get(key)
        if value not in (None, ""):
            info.add_itxt(key, str(value))
    path = Path(path)
    with atomic.atomic_open(path, "wb") as handle:
        image.save(handle, format="PNG", pnginfo=info)
    return path


def read_provenance(path: str | os.PathLike) -> dict | None:
    """The provenance dict stored in a PNG, or None when it has none."""
    from PIL import Image
    with Image.open(path) as image:
        image.load()
        text = getattr(image, "text", {}) or image.info
        raw = text.get(KEY)
    return json.loads(raw) if raw else None
