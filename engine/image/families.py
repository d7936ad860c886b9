"""Which Stable Diffusion family a pipeline or checkpoint belongs to, and what that implies.

A family fixes the pipeline class, the text encoders and the default resolution;
LoRAs and bundled configs are matched against it.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Family:
    name: str                 # "sd1" | "sd2" | "sdxl"
    label: str
    pipeline_class: str
    img2img_class: str
    resolution: int
    text_encoders: tuple[str, ...]
    config_folder: str        # resources/image_configs/<folder>


FAMILIES = {
    "sd1": Family("sd1", "Stable Diffusion 1.x", "StableDiffusionPipeline", "StableDiffusionImg2ImgPipeline",
                  512, ("text_encoder",), "sd1"),
    "sd2": Family("sd2", "Stable Diffusion 2.x", "StableDiffusionPipeline", "StableDiffusionImg2ImgPipeline",
                  768, ("text_encoder",), "sd2"),
    "sdxl": Family("sdxl", "Stable Diffusion XL", "StableDiffusionXLPipeline", "StableDiffusionXLImg2ImgPipeline",
                   1024, ("text_encoder", "text_encoder_2"), "sdxl"),
}

SUPPORTED_PIPELINES = {"StableDiffusionPipeline", "StableDiffusionXLPipeline", "StableDiffusionImg2ImgPipeline",
                       "StableDiffusionXLImg2ImgPipeline"}


def family_of_folder(model_index: dict, text_encoder_config: dict | None) -> Family:
    """SDXL by pipeline class; SD 2.x by its OpenCLIP text encoder (GELU), else SD 1.x."""
    cls = model_index.get("_class_name", "")
    if "XL" in cls:
        return FAMILIES["sdxl"]
    act = (text_encoder_config or {}).get("hidden_act", "quick_gelu")
    return FAMILIES["sd2"] if act == "gelu" else FAMILIES["sd1"]


def family_of_checkpoint(keys) -> Family | None:
    """Family of an original (LDM/SGM) single-file checkpoint from its key names, or None."""
    keys = set(keys)
    if any(k.startswith("conditioner.embedders.") for k in keys):
        return FAMILIES["sdxl"]
    if not any(k.startswith("model.diffusion_model.") for k in keys):
        return None
    if any(k.startswith("cond_stage_model.model.") for k in keys):
        return FAMILIES["sd2"]
    if any(k.startswith("cond_stage_model.transformer.") for k in keys):
        return FAMILIES["sd1"]
    return None
