"""LoRA files: diffusers layout (plain ``pipeline.load_lora_weights``), kohya-style export, compatibility.

An adapter folder holds ``pytorch_lora_weights.safetensors`` (diffusers),
``kohya/<name>.safetensors`` (the ``lora_unet_...lora_down/lora_up/alpha``
layout other tools read) and ``adapter_info.json`` (base family and hash).
"""
from __future__ import annotations

import json
import os
from pathlib import Path

from engine import atomic
from engine.errors import UserError
from engine.i18n import tr

DIFFUSERS_FILE = "pytorch_lora_weights.safetensors"
INFO_FILE = "adapter_info.json"


def lora_file(path: str | os.PathLike) -> Path:
    """The LoRA weights file of an adapter folder (or the file itself)."""
    path = Path(path)
    if path.is_file():
        if path.suffix != ".safetensors":
            raise UserError(tr("{path}: LoRA weights must be .safetensors (pickle files are refused)", path=path))
        return path
    if (path / DIFFUSERS_FILE).is_file():
        return path / DIFFUSERS_FILE
    found = sorted(path.glob("*.safetensors"))
    if not found:
        raise UserError(tr("{path}: no LoRA .safetensors file in this folder", path=path), hint=tr("give the adapter folder or file"))
    return found[0]


def adapter_info(path: str | os.PathLike) -> dict:
    path = Path(path)
    info = path / INFO_FILE if path.is_dir() else path.parent / INFO_FILE
    return json.loads(info.read_text(encoding="utf-8")) if info.is_file() else {}


def save_adapter(folder: Path, pipeline_class, unet, text_encoders: dict, info: dict) -> dict:
    """Write the diffusers-format LoRA, the kohya export and adapter_info.json into ``folder``."""
    from diffusers.utils import convert_state_dict_to_diffusers
    from peft.utils import get_peft_model_state_dict
    folder.mkdir(parents=True, exist_ok=True)
    layers = {"unet_lora_layers": convert_state_dict_to_diffusers(get_peft_model_state_dict(unet))}
    for name, encoder in text_encoders.items():
        layers[f"{name}_lora_layers"] = convert_state_dict_to_diffusers(get_peft_model_state_dict(encoder))
    pipeline_class.save_lora_weights(str(folder), safe_serialization=True, **layers)
    kohya = export_kohya(folder / DIFFUSERS_FILE, folder / "kohya" / f"{info.get('name', 'lora')}.safetensors",
                         alpha=info.get("alpha"), rank=info.get("rank"))
    info = {**info, "files": {"diffusers": DIFFUSERS_FILE, "kohya": str(kohya.relative_to(folder))}}
    atomic.write_json(folder / INFO_FILE, info)
    return info


def export_kohya(diffusers_file: Path, target: Path, alpha: float | None = None, rank: int | None = None) -> Path:
    """kohya layout: ``lora_unet_<module>.lora_down.weight`` / ``lora_up.weight`` / ``alpha`` per module."""
    import torch
    from diffusers.utils.state_dict_utils import convert_state_dict_to_kohya, convert_unet_state_dict_to_peft
    from safetensors.torch import load_file, save_file
    state = load_file(str(diffusers_file))
    peft_state = {}
    for key, value in state.items():
        prefix, _, rest = key.partition(".")
        module = {"unet": "unet", "text_encoder": "text_encoder", "text_encoder_2": "text_encoder_2"}.get(prefix)
        if module is None:
            continue
        peft_state[f"{module}.{rest}"] = value
    peft_state = convert_unet_state_dict_to_peft(peft_state)
    kohya = convert_state_dict_to_kohya(peft_state)
    if alpha is not None:  # the converter leaves alpha at the rank; record the real one
        for key in [k for k in kohya if k.endswith(".alpha")]:
            kohya[key] = torch.tensor(float(alpha))
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".tmp")
    save_file({k: v.contiguous() for k, v in kohya.items()}, str(tmp), metadata={"ss_network_dim": str(rank or ""),
                                                                                "ss_network_alpha": str(alpha or "")})
    os.replace(tmp, target)
    return target


def check_compatible(pipe, path: Path, family: str | None) -> None:
    """Refuse a LoRA made for another base architecture, with a one-line reason."""
    from safetensors import safe_open
    info = adapter_info(path)
    made_for = info.get("base_family")
    if made_for and family and made_for != family:
        raise UserError(tr("{path}: this LoRA was trained for a {made_for} model, the selected model is {family}", path=path, made_for=made_for, family=family),
                        hint=tr("pick a base model of the same family"))
    file = lora_file(path)
    try:
        with safe_open(str(file), framework="pt") as handle:
            shapes = {k: tuple(handle.get_slice(k).get_shape()) for k in handle.keys()}
    except Exception as exc:  # noqa: BLE001
        raise UserError(tr("{file}: not a readable LoRA file ({exc})", file=file, exc=exc)) from None
    modules = dict(pipe.unet.named_modules())
    checked = 0
    for key, shape in shapes.items():
        if not key.startswith("unet.") or ".lora_A." not in key and ".lora.down." not in key:
            continue
        name = key[len("unet."):].split(".lora_A.")[0].split(".lora.down.")[0]
        module = modules.get(name)
        if module is None or not hasattr(module, "in_features" if len(shape) == 2 else "in_channels"):
            raise UserError(tr("{file}: layer '{name}' does not exist in this model", file=file, name=name),
                            hint=tr("the LoRA was made for a different base architecture"))
        width = module.in_features if len(shape) == 2 else module.in_channels
        if shape[1] != width:
            raise UserError(tr("{file}: layer '{name}' takes {shape} inputs in the LoRA, {width} in this model", file=file, name=name, shape=shape[1], width=width),
                            hint=tr("the LoRA was made for a different base architecture"))
        checked += 1
    if checked == 0 and not any(k.startswith("lora_unet_") or k.startswith("lora_te") for k in shapes):
        raise UserError(tr("{file}: no UNet LoRA layers found", file=file), hint=tr("is this a LoRA file?"))
