"""Loading diffusers pipelines from local folders, with memory options chosen for the device."""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from engine.errors import NotFound, UserError
from engine.i18n import tr


@dataclass
class ModelRef:
    """What generation and training need to know about a base model or adapter."""
    name: str
    path: Path
    sha256: str
    family: str | None = None
    id: str | None = None
    info: dict = field(default_factory=dict)


def resolve(engine, model, role: str = "base") -> ModelRef:
    """A catalog name/id, a ModelInfo, or a folder/file path -> ModelRef."""
    if model is None:
        raise UserError(tr("no model given"), hint=tr("choose a model"), options=("--model NAME",))
    if hasattr(model, "path") and hasattr(model, "name"):
        info = dict(getattr(model, "info", {}) or {})
        return ModelRef(model.name, Path(model.path), getattr(model, "sha256", "") or "", info.get("family"),
                        getattr(model, "id", None), info)
    text = str(model)
    path = Path(text).expanduser()
    if path.exists():
        if role == "adapter":
            from engine.image import lora_io
            from engine.workspace.blobs import sha256_file
            meta = lora_io.adapter_info(path)
            return ModelRef(meta.get("name") or path.stem, path, sha256_file(lora_io.lora_file(path)),
                            meta.get("base_family"), None, meta)
        if not (path / "model_index.json").is_file():
            raise UserError(tr("{path}: not an imported diffusers pipeline folder", path=path),
                            hint=tr("import it as an image model first"))
        # a folder outside the catalog passes the same checks as an import (no code, no pickles,
        # weights that fit their configs), and its digest is of the files as they are now
        from engine.image.verify import file_manifest, manifest_digest, verify_pipeline_folder
        report = verify_pipeline_folder(path, check_tensors=True)
        return ModelRef(path.name, path, manifest_digest(file_manifest(path)), report["family"], None,
                        {"family": report["family"], "resolution": report["resolution"]})
    models = getattr(engine, "models", None) if engine is not None else None
    if models is None:
        raise NotFound(tr("no model '{text}'", text=text), hint=tr("give a model name from 'aigc models list' or a folder"))
    found = models.get(text)
    if getattr(found, "kind", "image") != "image":
        raise UserError(tr("model '{text}' is a {kind} model, not an image model", text=text, kind=found.kind))
    ref = resolve(engine, found, role)
    if role == "adapter" and not ref.family:
        ref.family = (ref.info or {}).get("base_family")
    return ref


def torch_setup():
    """(device, dtype) for inference on this machine."""
    from engine import devices
    info = devices.detect()
    return devices.torch_device(info), devices.torch_dtype(info.dtype), info


# diffusers, transformers and peft build models on the meta device under process-wide switches: two loads
# in two job threads at once leave one with weights that have no data. Every image load holds this.
LOADING = threading.RLock()


@contextmanager
def _libraries_quiet():
    """Progress goes through the job: no loading bars from diffusers or transformers on stderr, and none of
    transformers' notes about optional image processors the pipeline never uses (torchvision is not shipped)."""
    from diffusers.utils import logging as diffusers_logging
    from transformers.utils import logging as hf_logging
    diffusers_logging.disable_progress_bar()
    hf_logging.disable_progress_bar()
    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()
    try:
        yield
    finally:
        hf_logging.set_verbosity(verbosity)


def load_pipeline(folder: Path, device=None, dtype=None):
    import diffusers
    from engine.image.verify import read_json
    index = read_json(folder / "model_index.json", "model_index.json")
    with _libraries_quiet():    # the pipeline's modules are imported on first use: their notes come here
        cls = getattr(diffusers, index.get("_class_name", "StableDiffusionPipeline"))
    kwargs = {}
    if "safety_checker" in index:
        kwargs.update(safety_checker=None, requires_safety_checker=False)
        if (folder / "safety_checker").is_dir():
            kwargs = {}  # a local one is used when the model ships it
    try:
        with LOADING, _libraries_quiet():
            pipe = cls.from_pretrained(str(folder), local_files_only=True, dtype=dtype, use_safetensors=True,
                                       **kwargs)
    except (OSError, ValueError) as exc:
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UserError(tr("{folder}: cannot load the pipeline ({text})", folder=folder, text=text[:200]),
                        hint=tr("run 'aigc models verify NAME'")) from None
    pipe.set_progress_bar_config(disable=True)
    if device is not None:
        pipe.to(device)
    return pipe


def estimate_bytes(pipe, width: int, height: int, batch: int) -> int:
    """Weights plus a rough attention/activation allowance for one denoising step."""
    modules = [pipe.unet, pipe.vae, pipe.text_encoder, getattr(pipe, "text_encoder_2", None)]  # SDXL has two
    weights = sum(p.numel() * p.element_size() for m in modules if m is not None for p in m.parameters())
    factor = getattr(pipe, "vae_scale_factor", 8)
    tokens = (width // factor) * (height // factor)
    attention = 2 * batch * 8 * tokens * tokens * 4  # one self-attention map, CFG doubles the batch
    return int(weights * 1.2 + attention + batch * width * height * 3 * 4 * 16)


def least_bytes(pipe, width: int, height: int, batch: int) -> int:
    """What a generation needs even with every memory saver on: weights, latents, one sliced attention
    map and the VAE decode of the batch."""
    modules = [pipe.unet, pipe.vae, pipe.text_encoder, getattr(pipe, "text_encoder_2", None)]
    weights = sum(p.numel() * p.element_size() for m in modules if m is not None for p in m.parameters())
    factor = getattr(pipe, "vae_scale_factor", 8)
    tokens = (width // factor) * (height // factor)
    return int(weights + 2 * batch * tokens * tokens * 4 + batch * width * height * 3 * 4 * 4)


def preflight_generation(pipe, device_info, width: int, height: int, batch: int) -> None:
    """Refuse a size or batch that cannot fit before anything is allocated (a 100,000-pixel-wide image
    would otherwise grow the process until the machine swaps), naming what would fit."""
    from engine.training.memory import human
    available = int(device_info.free_memory or device_info.total_memory or 0)
    need = least_bytes(pipe, width, height, batch)
    if not available or need <= available * 0.9:
        return
    factor = max(8, getattr(pipe, "vae_scale_factor", 8))
    side = max(width, height)
    fit = None
    while side > factor:
        side = max(factor, (side // 2) // factor * factor)
        if least_bytes(pipe, side, side, 1) <= available * 0.9:
            fit = side
            break
    tips = []
    if fit and fit < max(width, height):
        tips.append(tr("a width and height of {size} or less", size=fit))
    if batch > 1:
        tips.append(tr("a batch size of 1 (now {batch})", batch=batch))
    raise UserError(tr("out of memory generating {batch} image(s) at {width}x{height}: needs at least {need}, "
                       "{free} is free", batch=batch, width=width, height=height, need=human(need),
                       free=human(available)),
                    hint=tr("try {tips}", tips=tr(", ").join(tips) if tips else tr("closing other programs")))


def apply_memory_options(pipe, device_info, width: int, height: int, batch: int, options: str | dict = "auto") -> dict:
    """Attention slicing, VAE tiling and sequential CPU offload: on request, or when memory is short."""
    if isinstance(options, dict):
        wanted = dict(options)
    else:
        mode = (options or "auto").lower()
        if mode not in ("auto", "none", "low"):
            raise UserError(tr("memory option '{options}' is unknown", options=options), hint=tr("use auto, none or low"))
        need = estimate_bytes(pipe, width, height, batch)
        short = need > device_info.free_memory * 0.8 or mode == "low"
        wanted = {"attention_slicing": short, "vae_tiling": short and max(width, height) > 1024 or mode == "low",
                  "cpu_offload": short and device_info.kind == "cuda"}
        if mode == "none":
            wanted = {"attention_slicing": False, "vae_tiling": False, "cpu_offload": False}
    if wanted.get("attention_slicing"):
        pipe.enable_attention_slicing()
    else:
        pipe.disable_attention_slicing()
    if wanted.get("vae_tiling"):
        pipe.vae.enable_tiling()
    else:
        pipe.vae.disable_tiling()
    if wanted.get("cpu_offload") and device_info.kind == "cuda":
        pipe.enable_sequential_cpu_offload()
    return {k: bool(v) for k, v in wanted.items()}


def check_size(width: int, height: int, pipe=None) -> None:
    factor = max(8, getattr(pipe, "vae_scale_factor", 8) if pipe is not None else 8)
    for label, value in (("width", width), ("height", height)):
        if not isinstance(value, int) or value <= 0:
            raise UserError(tr("{label} {value!r} is not a positive whole number of pixels", label=label, value=value))
        if value % 8 or value % factor:
            lower, upper = value - value % factor, value - value % factor + factor
            raise UserError(tr("{label} {value} is not a multiple of {factor}", label=label, value=value, factor=factor),
                            hint=tr("use {max} or {upper}", max=max(lower, factor), upper=upper))


def clear_cuda() -> None:
    import torch
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def env_flag(name: str) -> bool:
    return os.environ.get(name, "").lower() in ("1", "true", "yes")
