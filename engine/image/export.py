"""An image model (+ a LoRA merged in) as one original-layout Stable Diffusion ``.safetensors`` file.

The file is what A1111 and ComfyUI load. It is written under a temporary name beside the
target and renamed into place only after our own single-file importer converted it back
and the re-imported pipeline drew the same picture as the source for a fixed seed; a
failed or cancelled export leaves nothing behind.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from engine.errors import UserError
from engine.i18n import tr

CHECK_PROMPT = "a red bottle on a blue table, studio light"
CHECK_SEED = 1234
CHECK_STEPS = 4
CHECK_SIZE = 256          # pixels at most: the check compares weights, not the model's full resolution
TOLERANCE = 2             # max difference of any pixel channel, out of 255
ARCHITECTURES = {"sd1": "stable-diffusion-v1", "sd2": "stable-diffusion-v2", "sdxl": "stable-diffusion-xl-v1-base"}


def resolve_models(engine, name: str, adapter_name: str | None):
    """(base, adapter or None) catalog entries; an adapter given as the model brings its base."""
    models = engine.models
    model = models.get(name)
    adapter = models.get(adapter_name) if adapter_name else None
    if model.kind != "image":
        raise UserError(f"model '{model.name}' is a {model.kind} model; a single-file checkpoint is for image "
                        f"models", hint="export text models as GGUF", options=("--format gguf",))
    if model.role == "adapter":
        if adapter is not None:
            raise UserError(f"'{model.name}' is an adapter; give its base model as the model")
        adapter, model = model, models.get(model.base_id)
    if adapter is not None:
        if adapter.kind != "image" or adapter.role != "adapter":
            raise UserError(f"'{adapter.name}' is not an image LoRA", hint="pick an adapter trained on this model")
        if adapter.base_id != model.id:
            raise UserError(f"adapter '{adapter.name}' was trained on '{models.get(adapter.base_id).name}', "
                            f"not '{model.name}'", hint="export it with its own base model")
    return model, adapter


def merged_pipeline(base, adapter, scale: float):
    """The base pipeline in float32 on the CPU, with the LoRA's weights fused in (and its layers removed)."""
    import torch

    from engine.image import lora_io
    from engine.image.pipeline import LOADING, load_pipeline
    family = (base.info or {}).get("family") or "sd1"
    pipe = load_pipeline(Path(base.path), torch.device("cpu"), torch.float32)
    if adapter is not None:
        lora_io.check_compatible(pipe, Path(adapter.path), family)
        try:
            with LOADING:
                pipe.load_lora_weights(str(lora_io.lora_file(adapter.path)), adapter_name="merge")
            pipe.fuse_lora(lora_scale=float(scale), adapter_names=["merge"])
            pipe.unload_lora_weights()
        except (ValueError, RuntimeError, KeyError) as exc:
            text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise UserError(f"{adapter.path}: cannot merge this LoRA ({text[:200]})",
                            hint="the LoRA was made for a different base architecture") from None
    return pipe, family


def draw(pipe, size: int, scheduler=None):
    """One picture at the check seed as a float array in [0, 1] (H, W, 3)."""
    import torch
    if scheduler is not None:
        pipe.scheduler = scheduler
    generator = torch.Generator("cpu").manual_seed(CHECK_SEED)
    with torch.inference_mode():
        return pipe(CHECK_PROMPT, num_inference_steps=CHECK_STEPS, width=size, height=size, guidance_scale=7.0,
                    generator=generator, output_type="np").images[0]


def check_size(pipe) -> int:
    factor = pipe.vae_scale_factor
    native = pipe.unet.config.sample_size * factor
    step = 8 * factor
    return max(step, min(native, CHECK_SIZE) // step * step)


def verify_file(path: Path, pipe, family: str, workdir: Path) -> dict:
    """Re-import ``path`` through the single-file importer and compare a fixed-seed picture with ``pipe``."""
    import numpy as np
    import torch

    from engine.image.pipeline import load_pipeline
    from engine.image.single_file import convert_single_file
    folder = workdir / "reimported"
    found = convert_single_file(path, folder)
    if found.name != family:
        raise UserError(f"the written file reads back as {found.label}, not as the source's family",
                        hint="this model cannot be exported as a single file; please report it")
    again = load_pipeline(folder, torch.device("cpu"), torch.float32)
    ours, theirs = (p.scheduler.config.get("prediction_type", "epsilon") for p in (pipe, again))
    if ours != theirs:
        raise UserError(f"the written file reads back as a {theirs} model, the source predicts {ours}",
                        hint="single files cannot say that this model predicts " + ours)
    size = check_size(pipe)
    # the sampler is the user's choice in every tool; the file carries weights and prediction type
    same_scheduler = type(pipe.scheduler).from_config(pipe.scheduler.config)
    before = draw(pipe, size)
    after = draw(again, size, same_scheduler)
    diff = int(np.abs(np.round(before * 255) - np.round(after * 255)).max())
    return {"prompt": CHECK_PROMPT, "seed": CHECK_SEED, "steps": CHECK_STEPS, "size": size,
            "max_pixel_diff": diff, "tolerance": TOLERANCE, "scheduler": type(pipe.scheduler).__name__}


def export_single_file(ctx, params: dict, out: Path) -> dict:
    """Merge, convert, write under a temporary name, verify, then move into place."""
    from safetensors.torch import save_file

    from engine.atomic import publish_file
    from engine.deploy.export import sha256_of
    from engine.image.sd_layout import original_state
    engine = ctx.engine
    base, adapter = resolve_models(engine, params["model"], params.get("adapter"))
    scale = float(params.get("adapter_scale") if params.get("adapter_scale") is not None else 1.0)
    ctx.report(0.05, tr("loading the model and merging {adapter}", adapter=adapter.name) if adapter
               else tr("loading the model"))
    pipe, family = merged_pipeline(base, adapter, scale)
    ctx.check_cancelled()
    ctx.report(0.3, tr("converting to the original Stable Diffusion layout"))
    state = original_state(pipe, family)
    name = f"{base.name}+{adapter.name}" if adapter else base.name
    metadata = {"format": "pt", "modelspec.sai_model_spec": "1.0.0", "modelspec.architecture": ARCHITECTURES[family],
                "modelspec.title": name, "aigc.base": base.name, "aigc.base_sha256": base.sha256 or "",
                "aigc.adapter": adapter.name if adapter else "", "aigc.adapter_scale": f"{scale:g}" if adapter else ""}
    temp = out.with_name(f".{out.stem}.{ctx.job_id or os.getpid()}.partial.safetensors")
    try:
        save_file(state, str(temp), metadata=metadata)
        del state
        ctx.check_cancelled()
        ctx.report(0.5, tr("checking the file: re-importing it and drawing the same seed"))
        with tempfile.TemporaryDirectory(prefix="export-check-", dir=engine.workspace.folder("tmp")) as work:
            check = verify_file(temp, pipe, family, Path(work))
        ctx.check_cancelled()
        if check["max_pixel_diff"] > TOLERANCE:
            raise UserError(tr("the re-imported file draws a different picture for seed {seed} (max pixel difference "
                               "{diff} > {tolerance}); nothing was written", seed=CHECK_SEED,
                               diff=check["max_pixel_diff"], tolerance=TOLERANCE),
                            hint=tr("this model cannot be exported faithfully as a single file; please report it"))
        publish_file(temp, out)
    finally:
        if temp.exists():
            temp.unlink()
    ctx.report(1.0, tr("exported {name}", name=out.name))
    return {"path": str(out), "format": "sd-single-file", "family": family, "size": out.stat().st_size,
            "sha256": sha256_of(out), "model": base.name, "model_sha256": base.sha256,
            "adapter": adapter.name if adapter else None, "adapter_sha256": adapter.sha256 if adapter else None,
            "adapter_scale": scale if adapter else None, "check": check}
