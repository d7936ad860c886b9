"""The sampler choices users know by name, mapped to diffusers schedulers."""
from __future__ import annotations

from engine.errors import UserError
from engine.i18n import tr

# name -> (label, diffusers class, extra config)
SCHEDULERS = {
    "euler_a": ("Euler a", "EulerAncestralDiscreteScheduler", {}),
    "dpmpp_2m": ("DPM++ 2M", "DPMSolverMultistepScheduler", {"algorithm_type": "dpmsolver++", "solver_order": 2}),
    "ddim": ("DDIM", "DDIMScheduler", {}),
    "lcm": ("LCM", "LCMScheduler", {}),
}
ALIASES = {"euler a": "euler_a", "euler-a": "euler_a", "euler_ancestral": "euler_a", "dpm++ 2m": "dpmpp_2m",
           "dpm++2m": "dpmpp_2m", "dpmpp-2m": "dpmpp_2m", "dpm": "dpmpp_2m", "default": "default", "": "default"}
DEFAULT = "dpmpp_2m"


def normalise(name: str | None) -> str:
    key = (name or "default").strip().lower()
    key = ALIASES.get(key, key)
    if key != "default" and key not in SCHEDULERS:
        raise UserError(tr("scheduler '{name}' is not available", name=name),
                        hint="choose one of: " + ", ".join(label for label, _, _ in SCHEDULERS.values()))
    return key


def lcm_available(pipe, adapter_names: list[str] | None = None) -> bool:
    """LCM sampling only makes sense for an LCM-distilled UNet or with an LCM LoRA loaded."""
    if getattr(pipe.unet.config, "time_cond_proj_dim", None):
        return True
    return any("lcm" in (name or "").lower() for name in adapter_names or [])


def make_scheduler(pipe, name: str | None, adapter_names: list[str] | None = None):
    """A fresh scheduler of the chosen kind, configured from the model's own scheduler config."""
    import diffusers
    key = normalise(name)
    original = getattr(pipe, "_aigc_original_scheduler", None)
    if original is None:  # remember the model's own scheduler before the first swap
        original = pipe._aigc_original_scheduler = pipe.scheduler
    base = dict(original.config)
    if key == "default":
        return type(original).from_config(base), "default"
    if key == "lcm" and not lcm_available(pipe, adapter_names):
        raise UserError(tr("LCM sampling needs LCM weights (an LCM-distilled model or an LCM LoRA)"),
                        hint=tr("choose Euler a, DPM++ 2M or DDIM"))
    _, cls_name, extra = SCHEDULERS[key]
    return getattr(diffusers, cls_name).from_config(base, **extra), key
