"""``aigc train`` and ``aigc generate`` for image models (called from engine/cli/models.py)."""
from __future__ import annotations

from engine.errors import UserError
from engine.i18n import tr


def _get(args, name, default=None):
    value = getattr(args, name, None)
    return default if value is None else value


def train_params(args, model) -> dict:
    precision = _get(args, "precision")
    params = {
        "model": model.name if model is not None else None, "data": _get(args, "data"),
        "data_version": _get(args, "data_version"), "output_name": _get(args, "output_name"),
        "init_adapter": _get(args, "init_adapter"),
        "resolution": _get(args, "resolution"), "max_steps": _get(args, "max_steps", _get(args, "steps")),
        "epochs": _get(args, "epochs"), "batch_size": _get(args, "batch_size"),
        "gradient_accumulation": _get(args, "grad_accum"), "learning_rate": _get(args, "learning_rate"),
        "rank": _get(args, "lora_r"), "alpha": _get(args, "lora_alpha"),
        "gradient_checkpointing": True if _get(args, "gradient_checkpointing") else None,
        "mixed_precision": {"fp32": "no"}.get(precision, precision), "seed": _get(args, "seed"),
        "checkpoint_every": _get(args, "save_every"), "keep_checkpoints": _get(args, "keep_checkpoints"),
        "validation_every": _get(args, "eval_every"),
    }
    if params["epochs"] is not None:
        params["epochs"] = max(1, int(round(params["epochs"])))
    from engine.fields import check_finite
    for flag, key in (("--resolution", "resolution"), ("--max-steps", "max_steps")):
        # 0 means "the model's size" / "use epochs" inside a config, never on the command line
        check_finite(params[key], flag, lo=1)
    return {k: v for k, v in params.items() if v is not None}


def run_train(args, out, model) -> dict:
    """Train an image LoRA in the foreground; ``--resume RUN`` continues a stopped run."""
    from engine.training.runs import get_run
    engine = out.engine or out.open_engine(args)
    if model is not None and model.role != "base":
        raise UserError(tr("model '{name}' is an adapter", name=model.name), hint=tr("train on its base model instead"))
    if (getattr(args, "nproc", None) or 1) > 1:
        raise UserError(tr("--nproc: image training runs in one process"), hint=tr("drop --nproc for image models"))
    params = train_params(args, model)
    if getattr(args, "resume", None):
        # the run continues with its stored config; options given again must agree with it (checked by the job)
        run = get_run(engine, args.resume)
        params = {**{k: v for k, v in params.items() if k != "model"}, "resume_run": run["id"]}
    elif not params.get("model") or not params.get("data"):
        raise UserError(tr("--model and --data are required (or --resume RUN)"))

    def on_event(event):
        if event.type == "partial" and event.data.get("image"):
            out.info("  " + tr("validation image (step {step}): {path}", step=event.data.get("step"),
                              path=event.data["image"]))

    job = out.run_job("image.train", params, on_event=on_event)
    result = dict(job.result)
    result["job"] = job.id
    result["_text"] = tr("run {run}: {steps} steps, final loss {loss}; LoRA '{adapter}' in {path} (kohya export "
                         "{kohya})", run=result["run_id"], steps=result["steps"], loss=result["final_loss"],
                         adapter=result["adapter"], path=result["path"], kohya=result["kohya_file"])
    return result


def generate_params(args) -> dict:
    params = {"negative_prompt": _get(args, "negative_prompt"), "steps": _get(args, "steps"),
              "guidance_scale": _get(args, "guidance_scale"), "seed": _get(args, "seed"),
              "width": _get(args, "width"), "height": _get(args, "height"),
              "batch_size": _get(args, "batch_size"), "scheduler": _get(args, "scheduler"),
              "init_image": _get(args, "init_image"), "strength": _get(args, "strength"),
              "adapter_scale": _get(args, "adapter_scale"), "memory": _get(args, "memory"),
              "backend": _get(args, "backend")}
    if _get(args, "quant") is not None:
        raise UserError(tr("--quant is for text models on the llama.cpp backend"),
                        hint=tr("drop --quant for image models"))
    return {k: v for k, v in params.items() if v is not None}


def run_generate(args, out, model) -> dict:
    """Generate images; progress per step on stderr; the PNG paths are the result."""
    engine = out.engine or out.open_engine(args)
    from engine.cli.models import read_prompts_file
    prompts = list(_get(args, "prompt", []) or []) + [p.strip() for p in read_prompts_file(_get(args, "prompts_file"))]
    if not prompts:
        raise UserError(tr("no prompt given"), hint=tr("pass --prompt TEXT"))
    adapter = _get(args, "adapter")
    base = model
    if model.role == "adapter":
        base, adapter = engine.models.get(model.base_id), adapter or model.name
    if base.demo:
        out.info(tr("note: {name} is a demo-quality starter model", name=base.name))
    params = {**generate_params(args), "model": base.name, "adapter": adapter, "prompts": prompts,
              "out_dir": _get(args, "out")}
    job = out.run_job("image.generate", params)
    result = dict(job.result)
    result["job"] = job.id
    result["_text"] = "\n".join(image["path"] + "  " + tr("(seed {seed})", seed=image["seed"])
                                for image in result["images"])
    return result
