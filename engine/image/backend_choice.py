"""Which backend runs an image pipeline's UNet and VAE decoder: PyTorch, or OpenVINO through a cached copy.

``auto`` (the default) picks OpenVINO when the pipeline runs on the CPU, openvino is installed and the
model is a Stable Diffusion 1.x/2.x pipeline whose UNet takes no added conditioning; otherwise PyTorch.
``openvino`` asks for it and is refused in one line when it cannot be had; ``torch`` keeps PyTorch.
The workspace setting ``image.backend`` sets the default, else the environment variable
``AIGC_IMAGE_BACKEND``, else ``auto``. The tokenizer, text encoder, scheduler, random generators and
latents stay in PyTorch on either backend, so a seed means the same image on both.
"""
from __future__ import annotations

from engine.errors import UserError
from engine.i18n import tr

BACKENDS = ("auto", "torch", "openvino")
SETTING = "image.backend"


def default_backend(engine) -> str:
    import os
    value = engine.workspace.get_setting(SETTING) or os.environ.get("AIGC_IMAGE_BACKEND") or "auto"
    return value if value in BACKENDS else "auto"


def check_backend(backend: str | None) -> None:
    if backend is not None and backend not in BACKENDS:
        raise UserError(tr("image backend {backend} is not one of {choices}", backend=backend,
                           choices=", ".join(BACKENDS)), hint=tr("use auto, torch or openvino"), options=("--backend",))


def openvino_missing() -> bool:
    """Whether openvino is absent (found without importing it: the window's process never loads it)."""
    import importlib.util
    import sys
    if "openvino" in sys.modules:
        return sys.modules["openvino"] is None
    return importlib.util.find_spec("openvino") is None


def unsupported(base) -> str | None:
    """Why the OpenVINO copy cannot stand in for this pipeline's UNet (None when it can), from its configs."""
    from pathlib import Path

    from engine.image.verify import read_json
    folder = Path(base.path)
    try:
        index = read_json(folder / "model_index.json", "model_index.json")
        unet = read_json(folder / "unet" / "config.json", "unet/config.json")
    except UserError:
        return tr("its configuration cannot be read")
    if index.get("_class_name") != "StableDiffusionPipeline" or base.family not in (None, "sd1", "sd2"):
        return tr("OpenVINO runs Stable Diffusion 1.x and 2.x pipelines only")
    extra = [key for key in ("addition_embed_type", "class_embed_type", "time_cond_proj_dim", "encoder_hid_dim_type")
             if unet.get(key) is not None]
    if extra:
        return tr("its UNet takes added conditioning ({keys})", keys=", ".join(extra))
    return None


def choose(engine, base, backend: str | None, device_kind: str) -> tuple[str, str]:
    """("openvino" | "torch", why); raises UserError when openvino is asked for and cannot be had."""
    check_backend(backend)
    backend = backend or default_backend(engine)
    if backend == "torch":
        return "torch", "the torch backend was chosen"
    asked = backend == "openvino"
    if openvino_missing():
        if asked:
            raise UserError(tr("the OpenVINO backend needs openvino, which is not installed in this build"),
                            hint=tr("install the 'openvino' extra, or use the auto or torch backend"),
                            options=("--backend",))
        return "torch", "openvino is not installed"
    if device_kind != "cpu":
        if asked:
            raise UserError(tr("the OpenVINO backend runs on the CPU; this model runs on the {device}",
                               device=device_kind.upper()), hint=tr("use the auto or torch backend"),
                            options=("--backend",))
        return "torch", f"the model runs on the {device_kind.upper()}"
    reason = unsupported(base)
    if reason:
        if asked:
            raise UserError(tr("model '{name}': {reason}", name=base.name, reason=reason),
                            hint=tr("use the auto or torch backend for this model"), options=("--backend",))
        return "torch", reason
    return "openvino", "OpenVINO on the CPU"
