"""Job kinds of the image area: ``image.train`` (resumable) and ``image.generate``."""
from __future__ import annotations

from engine.image import selfcheck, starter  # noqa: F401 - register the self-test check and the sample installer
from engine.jobs import JobContext, job_kind


@job_kind("image.train", title="Train image LoRA", resumable=True, isolated=True)
def train_image_lora(ctx: JobContext) -> dict:
    from engine.errors import UserError
    from engine.image import oom
    from engine.image.train import run_training
    try:
        return run_training(ctx)
    except Exception as exc:  # noqa: BLE001 - out of memory before the first step (loading, LoRA layers)
        if isinstance(exc, UserError) or not oom.is_oom(exc):
            raise
        from engine.image.train_config import ImageTrainConfig
        config = ImageTrainConfig.from_params(ctx.params)
        oom.release_memory()
        raise oom.training_oom(exc, config.resolution, config.batch_size, None, 0, config.gradient_checkpointing,
                               config.rank) from None


@job_kind("image.generate", title="Generate images", isolated=True)
def generate_images(ctx: JobContext) -> dict:
    from engine.errors import UserError
    params = dict(ctx.params)
    prompts = params.pop("prompts", None) or [params.pop("prompt", "")]
    params.pop("prompt", None)
    model, adapter = params.pop("model", None), params.pop("adapter", None)
    out_dir = params.pop("out_dir", None)
    scale = float(params.get("adapter_scale") or 1.0)
    if not prompts or not any(str(p).strip() for p in prompts):
        raise UserError("the prompt is empty", hint="pass --prompt TEXT")
    ctx.report(0.0, "loading the model")
    generator = ctx.engine.image.generator(model, adapter, scale)
    images = []
    for number, prompt in enumerate(prompts):
        def on_step(step, total, preview, number=number):
            ctx.check_cancelled()
            ctx.report((number + step / total) / len(prompts), f"image {number + 1}/{len(prompts)} · step {step}/{total}")
            if preview:
                ctx.partial(preview=preview, step=step, index=number)
        made = generator.generate(prompt, params, on_step=on_step, should_stop=ctx.cancelled, out_dir=out_dir)
        for item in made:
            ctx.partial(image=item["path"], seed=item["seed"], index=number)
        images.extend({"path": m["path"], "seed": m["seed"], "prompt": prompt} for m in made)
    ctx.report(1.0, f"{len(images)} image(s) written")
    return {"images": images, "model": generator.base.name,
            "adapter": generator.adapter.name if generator.adapter else None}
