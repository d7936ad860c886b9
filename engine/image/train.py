"""LoRA fine-tuning of a Stable Diffusion UNet (optionally its text encoders), as a resumable job.

Exact resume: the batch order is a function of (seed, epoch) and the step count,
and each checkpoint holds the LoRA weights, the optimizer state and every RNG
state (``engine.training.checkpoints``), so a resumed run continues bit for bit.
"""
from __future__ import annotations

import math
import time
from pathlib import Path

from engine.errors import Cancelled, UserError
from engine.image.data import ImageBatcher, load_examples
from engine.image.train_config import ImageTrainConfig
from engine.training import checkpoints, runs
from engine.i18n import tr

UNET_TARGETS = ["to_k", "to_q", "to_v", "to_out.0"]
TEXT_TARGETS = ["q_proj", "k_proj", "v_proj", "out_proj"]
RUN_KIND = "image.lora"


class TextConditioner:
    """Captions -> (encoder hidden states, pooled embeds) the way SD 1.x/2.x and SDXL pipelines do it."""

    def __init__(self, pipe, sdxl: bool):
        self.sdxl = sdxl
        self.pairs = [(pipe.tokenizer, pipe.text_encoder)]
        if sdxl:
            self.pairs.append((pipe.tokenizer_2, pipe.text_encoder_2))

    def __call__(self, captions: list[str], device):
        import torch
        states, pooled = [], None
        for tokenizer, encoder in self.pairs:
            ids = tokenizer(captions, padding="max_length", max_length=tokenizer.model_max_length, truncation=True,
                            return_tensors="pt").input_ids.to(device)
            out = encoder(ids, output_hidden_states=self.sdxl)
            if self.sdxl:
                states.append(out.hidden_states[-2])
                pooled = out[0]
            else:
                states.append(out[0])
        return torch.cat(states, dim=-1), pooled


def _resolve_run(engine, ctx):
    """(config, run, base, examples, data ref): a new run, or the stopped run this job resumes.

    A resume continues with the run's stored config; new parameters that differ are refused,
    and so is a base model or training data that changed since the run started.
    """
    from engine.image.pipeline import resolve
    wanted = ctx.params.get("resume_run")
    run = runs.get_run(engine, wanted) if wanted else None
    if run is None and ctx.resumed_from:
        run = next((r for r in runs.list_runs(engine, RUN_KIND) if r.get("job_id") == ctx.resumed_from), None)
    if run is None:
        config = ImageTrainConfig.from_params(ctx.params)
        base = resolve(engine, config.model, "base")
        examples, data_ref = load_examples(engine, config.data, config.data_version)
        config.base_sha256, config.dataset_hash = base.sha256 or "", data_ref.get("hash") or ""
        if config.data_version is None:
            config.data_version = data_ref.get("version")
        return config, runs.create_run(engine, RUN_KIND, config.to_dict(), ctx.job_id), base, examples, data_ref
    if run["kind"] != RUN_KIND:
        raise UserError(tr("run {id} is a {kind} run, not an image LoRA run", id=run['id'], kind=run['kind']))
    if run["state"] == "succeeded":
        raise UserError(tr("run {id} already finished", id=run['id']), hint=tr("start a new run instead"))
    if run.get("job_state") in ("running", "queued") and run["job_id"] != ctx.job_id:
        raise UserError(tr("run {id} is already being trained by job {job_id}", id=run['id'], job_id=run['job_id']),
                        hint=tr("wait for it, or cancel that job first"))
    config = ImageTrainConfig.from_params(run["config"])
    changed = config.conflicts({k: v for k, v in ctx.params.items() if k != "resume_run"})
    if changed:
        key, (was, now) = next(iter(changed.items()))
        raise UserError(tr("run {id} was started with {key} {was!r}, not {now!r}: a resume continues the run with its "
                           "own settings", id=run["id"], key=key, was=was, now=now)
                        + (tr(" ({count} settings differ)", count=len(changed)) if len(changed) > 1 else ""),
                        hint=tr("resume without changed options, or start a new run with the new settings"))
    base = resolve(engine, config.model, "base")
    if config.base_sha256 and base.sha256 != config.base_sha256:
        raise UserError(tr("base model '{name}' changed since run {id} started", name=base.name, id=run['id']),
                        hint=tr("re-import the original model to resume, or start a new run"))
    examples, data_ref = load_examples(engine, config.data, config.data_version)
    if config.dataset_hash and data_ref.get("hash") != config.dataset_hash:
        raise UserError(tr("training data '{data}' changed since run {id} started", data=config.data, id=run['id']),
                        hint=tr("resume needs the same images and captions; start a new run for new data"))
    return config, run, base, examples, data_ref


def _precision(config: ImageTrainConfig, device_info):
    """(autocast dtype or None, needs GradScaler) per device and request."""
    import torch
    mode = config.mixed_precision
    if mode == "no" or (mode == "auto" and device_info.kind != "cuda"):
        return None, False
    if mode == "auto":
        mode = "bf16" if device_info.bf16_supported else "fp16"
    if mode == "fp16" and device_info.kind == "cpu":
        raise UserError(tr("fp16 mixed precision needs a GPU"), hint=tr("use bf16 or no mixed precision on the CPU"), options=("--mixed-precision",))
    return (torch.bfloat16 if mode == "bf16" else torch.float16), mode == "fp16" and device_info.kind == "cuda"


def _optimizer(config: ImageTrainConfig, groups, device_info, log):
    import torch
    if config.use_8bit_adam:
        if device_info.kind == "cuda":
            try:
                import bitsandbytes as bnb
                return bnb.optim.AdamW8bit(groups)
            except ImportError:
                log("8-bit Adam needs bitsandbytes, which is not installed: using AdamW")
        else:
            log("8-bit Adam needs a CUDA GPU: using AdamW")
    return torch.optim.AdamW(groups, weight_decay=1e-2)


def run_training(ctx) -> dict:
    import torch
    from diffusers import DDPMScheduler
    from diffusers.training_utils import compute_snr
    from peft import LoraConfig, inject_adapter_in_model
    from peft.utils import get_peft_model_state_dict, set_peft_model_state_dict
    from safetensors.torch import load_file, save_file

    from engine import devices
    from engine.image import lora_io
    from engine.image.pipeline import load_pipeline

    engine = ctx.engine
    config, run, base, examples, data_ref = _resolve_run(engine, ctx)
    family = base.family or base.info.get("family") or "sd1"
    run_dir = Path(run["dir"])
    runs.update_run(engine, run["id"], state="running", job_id=ctx.job_id)
    ctx.log(tr("run {id} in {run_dir}", id=run['id'], run_dir=run_dir))

    device_info = devices.detect()
    device = devices.torch_device(device_info)
    autocast_dtype, use_scaler = _precision(config, device_info)
    ctx.report(0.01, tr("loading the base model"))
    pipe = load_pipeline(base.path, device, torch.float32)
    unet, vae = pipe.unet, pipe.vae
    sdxl = family == "sdxl"
    encoders = [pipe.text_encoder] + ([pipe.text_encoder_2] if sdxl else [])
    for module in [unet, vae, *encoders]:
        module.requires_grad_(False)
    resolution = config.resolution or int(base.info.get("resolution") or unet.config.sample_size * pipe.vae_scale_factor)
    factor = pipe.vae_scale_factor
    if resolution % factor:
        raise UserError(tr("resolution {resolution} is not a multiple of the VAE factor {factor}", resolution=resolution, factor=factor))
    import random

    import numpy as np
    random.seed(config.seed)
    np.random.seed(config.seed % 2**32)
    torch.manual_seed(config.seed)
    start_weights = None
    if config.init_adapter:
        start_weights = _init_adapter_weights(engine, config, ctx.log)
    unet.add_adapter(LoraConfig(r=config.rank, lora_alpha=config.alpha, init_lora_weights="gaussian",
                                target_modules=UNET_TARGETS))
    if start_weights is not None:
        result = set_peft_model_state_dict(unet, start_weights)
        missing = [k for k in getattr(result, "missing_keys", []) if "lora" in k]
        if missing:
            raise UserError(tr("adapter {init_adapter} does not fit this model's UNet ({count} LoRA weights missing)", init_adapter=config.init_adapter, count=len(missing)), hint=tr("start without an adapter"))
    groups = [{"params": [p for p in unet.parameters() if p.requires_grad], "lr": config.learning_rate}]
    if config.train_text_encoder:
        for encoder in encoders:
            # peft directly, as diffusers' own training examples do: transformers' add_adapter
            # would tie this path to the peft release each transformers release demands.
            inject_adapter_in_model(LoraConfig(r=config.rank, lora_alpha=config.alpha, init_lora_weights="gaussian",
                                               target_modules=TEXT_TARGETS), encoder)
            groups.append({"params": [p for p in encoder.parameters() if p.requires_grad],
                           "lr": config.text_encoder_lr})
    if config.gradient_checkpointing:
        unet.enable_gradient_checkpointing()
    optimizer = _optimizer(config, groups, device_info, ctx.log)
    scaler = torch.amp.GradScaler("cuda") if use_scaler else None
    noise_scheduler = DDPMScheduler.from_config(pipe.scheduler.config)
    prediction = noise_scheduler.config.prediction_type
    ctx.log(tr("{family} model, prediction type {prediction}", family=family, prediction=prediction))
    conditioner = TextConditioner(pipe, sdxl)
    from engine.image.encode_cache import EncodeCache
    cache = EncodeCache()

    ctx.report(0.02, tr("reading {count} images", count=len(examples)))
    batcher = ImageBatcher(examples, resolution, config.center_crop, config.flip, config.caption_dropout,
                           config.buckets, config.batch_size)
    per_epoch = batcher.batches_per_epoch()
    total = config.max_steps or math.ceil(config.epochs * per_epoch / config.gradient_accumulation)
    runs.update_run(engine, run["id"], total_steps=total)

    def lora_states() -> dict:
        states = {"unet": get_peft_model_state_dict(unet)}
        if config.train_text_encoder:
            for index, encoder in enumerate(encoders):
                states[f"text_encoder{'_2' if index else ''}"] = get_peft_model_state_dict(encoder)
        return states

    def write_checkpoint(folder: Path) -> None:
        for name, state in lora_states().items():
            save_file({k: v.detach().contiguous().cpu() for k, v in state.items()}, str(folder / f"{name}_lora.safetensors"))
        torch.save(optimizer.state_dict(), folder / "optimizer.pt")
        if scaler is not None:
            torch.save(scaler.state_dict(), folder / "scaler.pt")

    def save(step: int) -> None:
        nonlocal saved
        checkpoints.save_checkpoint(run_dir, step, write_checkpoint, {"losses": losses}, keep=config.keep_checkpoints)
        runs.update_run(engine, run["id"], step=step)
        saved = step

    step, losses = 0, []
    latest = checkpoints.latest_checkpoint(run_dir)
    if latest is not None:
        state = checkpoints.load_state(latest)
        step = int(state["step"])
        losses = list(state.get("losses", []))
        set_peft_model_state_dict(unet, load_file(str(latest / "unet_lora.safetensors")))
        if config.train_text_encoder:
            for index, encoder in enumerate(encoders):
                name = f"text_encoder{'_2' if index else ''}"
                set_peft_model_state_dict(encoder, load_file(str(latest / f"{name}_lora.safetensors")))
        optimizer.load_state_dict(torch.load(latest / "optimizer.pt", weights_only=True))
        if scaler is not None and (latest / "scaler.pt").is_file():
            scaler.load_state_dict(torch.load(latest / "scaler.pt", weights_only=True))
        checkpoints.restore_checkpoint_rng(latest)
        ctx.log(tr("resumed from {name}", name=latest.name))
        for number, value in enumerate(losses, 1):  # the new job's chart shows the whole curve
            ctx.metric("loss", value, number)

    saved = step
    prompts = config.validation_prompts or [e["caption"] for e in examples[:2]]
    from engine.training.tensorboard import TrainingEvents
    events = TrainingEvents(run_dir, ctx.log)
    events.config(config.to_dict(), step)
    unet.train()
    started = time.monotonic()
    try:
        while step < total:
            ctx.check_cancelled()
            optimizer.zero_grad(set_to_none=True)
            step_loss = 0.0
            for micro in range(config.gradient_accumulation):
                index = step * config.gradient_accumulation + micro
                epoch, position = divmod(index, per_epoch)
                chosen = batcher.epoch_batches(config.seed, epoch)[position]
                pixels, captions, originals, crops, size = batcher.batch(chosen)
                loss = _loss(pipe, unet, vae, conditioner, noise_scheduler, prediction, config, pixels, captions,
                             originals, crops, size, device, autocast_dtype, compute_snr, cache)
                loss = loss / config.gradient_accumulation
                (scaler.scale(loss) if scaler else loss).backward()
                step_loss += float(loss.detach())
            if scaler:
                scaler.step(optimizer)
                scaler.update()
            else:
                optimizer.step()
            step += 1
            losses.append(round(step_loss, 6))
            ctx.metric("loss", step_loss, step)
            events.scalar("loss", step_loss, step)
            elapsed = time.monotonic() - started
            ctx.report(0.03 + 0.9 * step / total, tr("step {step}/{total} · loss {loss} · {seconds}s", step=step, total=total, loss=f"{step_loss:.4f}", seconds=f"{elapsed:.0f}"))
            if config.validation_every and step % config.validation_every == 0 and step < total:
                _validate(ctx, pipe, unet, prompts, config, resolution, run_dir, step, base, events)
            if config.checkpoint_every and (step % config.checkpoint_every == 0 or step == total):
                save(step)
        unet.eval()
        stats = cache.stats()
        ctx.log(tr("encodings computed once and reused: {latents} latents, {captions} captions, {hits} hits, "
                   "{misses} misses, {megabytes} MB", **stats))
        images = _validate(ctx, pipe, unet, prompts, config, resolution, run_dir, step, base, events)
    except Cancelled:
        if step > saved:   # like text training: a cancelled run keeps its progress for --resume
            save(step)
            ctx.log(tr("cancelled: checkpoint at step {step}", step=step))
        events.close()
        runs.update_run(engine, run["id"], state="cancelled", step=step)
        raise
    except BaseException as exc:
        events.close()
        runs.update_run(engine, run["id"], state="failed", step=step)
        from engine.image import oom
        if isinstance(exc, Exception) and oom.is_oom(exc):
            del pipe, unet, vae, encoders, optimizer
            oom.release_memory()
            last = checkpoints.latest_checkpoint(run_dir)
            raise oom.training_oom(exc, resolution, config.batch_size, min(step + 1, total),
                                   checkpoints.load_state(last)["step"] if last else 0,
                                   config.gradient_checkpointing, config.rank) from None
        raise

    events.close()
    ctx.report(0.96, tr("saving the LoRA"))
    name = config.output_name or f"{base.name}-lora-{run['id'][-6:]}"
    lineage = {"base_sha256": base.sha256, "base": base.name, "dataset": data_ref.get("dataset"),
               "dataset_version": data_ref.get("version"), "dataset_hash": data_ref.get("hash"), "run_id": run["id"]}
    final = run_dir / "final"
    import shutil
    shutil.rmtree(final, ignore_errors=True)
    text_states = {}
    if config.train_text_encoder:
        text_states = {("text_encoder" if i == 0 else "text_encoder_2"): enc for i, enc in enumerate(encoders)}
    info = lora_io.save_adapter(final, type(pipe), unet, text_states,
                                {"name": name, "base_family": family, "base_sha256": base.sha256, "rank": config.rank,
                                 "alpha": config.alpha, "resolution": resolution, "steps": step,
                                 "targets": UNET_TARGETS, "lineage": lineage})
    from engine import atomic
    atomic.write_json(final / "train_config.json", config.to_dict())
    model_id = None
    if config.register and getattr(engine, "models", None) is not None and base.id:
        model = engine.models.register(name, "image", "adapter", final, base=base.id, lineage=lineage,
                                       info={**info, "family": family})
        model_id = model.id
    result = {"run_id": run["id"], "adapter": name, "adapter_id": model_id, "path": str(final), "steps": step,
              "final_loss": losses[-1] if losses else None, "validation_images": images,
              "kohya_file": str(final / info["files"]["kohya"]), "seconds": round(time.monotonic() - started, 2)}
    runs.update_run(engine, run["id"], state="succeeded", step=step, model_id=model_id, result=result)
    return result


def _loss(pipe, unet, vae, conditioner, noise_scheduler, prediction, config, pixels, captions, originals, crops,
          size, device, autocast_dtype, compute_snr, cache=None):
    """The denoising loss of one batch. With ``cache`` (an ``EncodeCache``) the frozen VAE and text
    encoders run only on images and captions not seen before in this run."""
    import contextlib

    import torch
    import torch.nn.functional as F
    pixels = pixels.to(device)
    with torch.no_grad():
        dist = cache.latent_dist(vae, pixels) if cache is not None else \
            vae.encode(pixels.to(vae.dtype)).latent_dist
        latents = dist.sample() * vae.config.scaling_factor
    # drawn in the logical order whatever memory layout the VAE chose, so cached and fresh latents get the same noise
    noise = torch.randn_like(latents, memory_format=torch.contiguous_format)
    if config.noise_offset:
        noise = noise + config.noise_offset * torch.randn(latents.shape[0], latents.shape[1], 1, 1, device=device)
    timesteps = torch.randint(0, noise_scheduler.config.num_train_timesteps, (latents.shape[0],), device=device)
    noisy = noise_scheduler.add_noise(latents, noise, timesteps)
    target = noise if prediction == "epsilon" else noise_scheduler.get_velocity(latents, noise, timesteps)
    autocast = torch.autocast(device.type, dtype=autocast_dtype) if autocast_dtype else contextlib.nullcontext()
    with autocast:
        if cache is not None and not config.train_text_encoder:
            states, pooled = cache.text(conditioner, captions, device)
        else:
            grad = torch.enable_grad() if config.train_text_encoder else torch.no_grad()
            with grad:
                states, pooled = conditioner(captions, device)
        extra = {}
        if conditioner.sdxl:
            w, h = size
            ids = [list(o) + list(c) + [h, w] for o, c in zip(originals, crops)]
            extra["added_cond_kwargs"] = {"text_embeds": pooled,
                                          "time_ids": torch.tensor(ids, dtype=states.dtype, device=device)}
        pred = unet(noisy, timesteps, states, **extra).sample
    per_sample = F.mse_loss(pred.float(), target.float(), reduction="none").mean(dim=[1, 2, 3])
    if config.snr_gamma:
        snr = compute_snr(noise_scheduler, timesteps)
        weights = torch.clamp(snr, max=config.snr_gamma) / (snr + 1 if prediction == "v_prediction" else snr)
        per_sample = per_sample * weights
    return per_sample.mean()


def _validate(ctx, pipe, unet, prompts, config, resolution, run_dir, step, base, events=None) -> list[str]:
    """Fixed prompts and seeds, so images from step to step are comparable; streamed to the job."""
    import torch

    from engine.image import provenance
    was_training = unet.training
    unet.eval()
    paths = []
    folder = run_dir / "validation"
    for index, prompt in enumerate(prompts):
        ctx.check_cancelled()
        seed = config.validation_seed + index
        generator = torch.Generator("cpu").manual_seed(seed)
        with torch.inference_mode():
            image = pipe(prompt, num_inference_steps=config.validation_steps, generator=generator,
                         width=resolution, height=resolution).images[0]
        prov = {"prompt": prompt, "seed": seed, "model": base.name, "model_sha256": base.sha256,
                "adapter": f"run step {step}", "params": {"steps": config.validation_steps, "width": resolution,
                                                          "height": resolution}, "created": time.strftime("%Y-%m-%dT%H:%M:%S")}
        path = provenance.save_png(image, folder / f"step-{step:06d}-{index}.png", prov)
        paths.append(str(path))
        ctx.partial(image=str(path), step=step, prompt=prompt)
        if events is not None:
            events.image(f"validation/{index}", path, step)
    if was_training:
        unet.train()
    return paths


def _init_adapter_weights(engine, config: ImageTrainConfig, log) -> dict:
    """The UNet LoRA weights of ``config.init_adapter`` in peft layout; adopts its rank and alpha."""
    from diffusers.utils.state_dict_utils import convert_unet_state_dict_to_peft
    from safetensors.torch import load_file

    from engine.image import lora_io
    from engine.image.pipeline import resolve

    adapter = resolve(engine, config.init_adapter, "adapter")
    meta = lora_io.adapter_info(adapter.path)
    state = load_file(str(lora_io.lora_file(adapter.path)))
    unet_state = {k[len("unet."):]: v for k, v in state.items() if k.startswith("unet.")}
    if not unet_state:
        raise UserError(tr("adapter {init_adapter} has no UNet LoRA weights to start from", init_adapter=config.init_adapter))
    if meta.get("rank"):
        config.rank = int(meta["rank"])
    if meta.get("alpha"):
        config.alpha = float(meta["alpha"])
    log(f"starting from adapter {adapter.name} (rank {config.rank})")
    return convert_unet_state_dict_to_peft(unet_state)
