"""Job kinds of the image area: ``image.train`` (resumable) and ``image.generate``."""
from __future__ import annotations

from engine.image import selfcheck, starter  # noqa: F401 - register the self-test check and the sample installer
from engine.jobs import JobContext, job_kind
from engine.i18n import N_, tr


def check_train(engine, params: dict) -> None:
    """Ranges, names, model and data of a new image run, refused before the job starts (no run folder)."""
    from pathlib import Path

    from engine.errors import UserError
    from engine.image.train_config import ImageTrainConfig
    if params.get("resume_run"):
        return  # a resume uses the stored config; the job compares any new settings with it
    config = ImageTrainConfig.from_params(params)
    config.check_names(engine)
    if config.output_name:   # before the job exists: a queued or running training may take the name
        engine.models.check_name_not_pending(config.output_name, "--output-name")
    base = engine.models.find(config.model)
    if base is not None:
        if base.kind != "image":
            raise UserError(tr("model '{name}' is a {kind} model, not an image model", name=base.name, kind=base.kind), options=("--model",))
        if base.role != "base":
            raise UserError(tr("model '{name}' is an adapter", name=base.name), hint=tr("train on its base model instead"), options=("--model",))
    elif not Path(config.model).expanduser().is_dir():
        engine.models.get(config.model)  # the usual "no model named" refusal
    if config.init_adapter:
        check_adapter_files(engine, config.init_adapter)
    data = Path(str(config.data)).expanduser()
    if data.exists():
        from engine.input_paths import check_input_file
        check_input_file(data, N_("training data"), allow_dir=True)
    elif engine.data.get(config.data).modality != "image":
        raise UserError(tr("training data: dataset '{data}' holds text examples, not images", data=config.data),
                        hint=tr("choose an image dataset or folder"), options=("--data",))


def check_adapter_files(engine, name: str) -> None:
    from pathlib import Path

    from engine.errors import UserError
    adapter = engine.models.get(name)
    if adapter.role != "adapter" or adapter.kind != "image":
        raise UserError(tr("'{name}' is not an image adapter", name=adapter.name), hint=tr("name one from 'aigc models list'"))
    folder = Path(adapter.path)
    if not folder.is_dir() or not any(folder.glob("*.safetensors")):
        raise UserError(tr("adapter '{name}': its files are missing ({folder})", name=adapter.name, folder=folder),
                        hint=tr("run 'aigc models verify {name}', then re-import or remove the adapter", name=adapter.name))


def check_generate(engine, params: dict) -> None:
    """Prompt, adapter, numbers and the output folder of a generation, refused before the job starts."""
    from engine.errors import UserError
    from engine.image.generator import GenerateParams
    rest = dict(params)
    prompts = rest.pop("prompts", None) or [rest.pop("prompt", "")]
    rest.pop("prompt", None)
    if not prompts or not any(str(p).strip() for p in prompts):
        raise UserError(tr("the prompt is empty"), hint=tr("type a prompt"), options=("--prompt TEXT",))
    if rest.get("adapter") and engine.models.find(str(rest["adapter"])) is not None:
        check_adapter_files(engine, str(rest["adapter"]))
    out_dir = rest.get("out_dir")
    if out_dir:
        import os

        from engine.input_paths import describe
        kind = "a symbolic link" if os.path.islink(out_dir) else describe(out_dir)
        if kind not in ("missing", "a folder"):
            raise UserError(tr("output folder {out_dir} is {kind}, not a folder", out_dir=out_dir, kind=kind), hint=tr("give a folder for the images"),
                            options=("--out",))
    p = GenerateParams.from_dict(rest)
    from engine.image.backend_choice import choose, default_backend
    if (p.backend or default_backend(engine)) == "openvino":    # refused here rather than falling back later
        from engine import devices
        from engine.image.pipeline import resolve
        choose(engine, resolve(engine, rest.get("model"), "base"), p.backend, devices.detect().kind)


@job_kind("image.train", title="Train image LoRA", resumable=True, check=check_train, isolated=True)
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


@job_kind("image.generate", title="Generate images", check=check_generate, isolated=True)
def generate_images(ctx: JobContext) -> dict:
    from engine.errors import UserError
    params = dict(ctx.params)
    prompts = params.pop("prompts", None) or [params.pop("prompt", "")]
    params.pop("prompt", None)
    model, adapter = params.pop("model", None), params.pop("adapter", None)
    out_dir = params.pop("out_dir", None)
    scale = float(params.get("adapter_scale") or 1.0)
    if not prompts or not any(str(p).strip() for p in prompts):
        raise UserError(tr("the prompt is empty"), hint=tr("type a prompt"), options=("--prompt TEXT",))
    ctx.report(0.0, tr("loading the model"))
    generator = ctx.engine.image.generator(model, adapter, scale, ctx=ctx)
    images = []
    for number, prompt in enumerate(prompts):
        def on_step(step, total, preview, number=number):
            ctx.check_cancelled()
            ctx.report((number + step / total) / len(prompts), tr("image {number}/{count} · step {step}/{total}", number=number + 1, count=len(prompts), step=step, total=total))
            if preview:
                ctx.partial(preview=preview, step=step, index=number)
        made = generator.generate(prompt, params, on_step=on_step, should_stop=ctx.cancelled, out_dir=out_dir)
        for item in made:
            ctx.partial(image=item["path"], seed=item["seed"], index=number)
        images.extend({"path": m["path"], "seed": m["seed"], "prompt": prompt} for m in made)
    ctx.report(1.0, tr("{count} image(s) written", count=len(images)))
    return {"images": images, "model": generator.base.name,
            "adapter": generator.adapter.name if generator.adapter else None}
