"""The starter image model: a tiny real diffusers pipeline trained by our own code on the sample posters.

Recipe: ``resources/starter/image/recipe.json``. ``build_starter`` trains, from
scratch, a CLIP BPE tokenizer on the captions, a VAE (a random VAE decodes
noise), then a UNet together with a small CLIP text encoder, and writes an fp16
diffusers folder to ``resources/starter/image/pipeline``. Demo quality: 32 px
posters with the right background colour and object blob.
"""
from __future__ import annotations

import json
import math
import os
import shutil
import time
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from engine import atomic
from engine.samples import installer, resources_dir

NAME = "starter-image"


@dataclass
class StarterRecipe:
    name: str = NAME
    dataset: str = "samples/datasets/posters"
    resolution: int = 32
    seed: int = 20240611
    tokenizer_vocab: int = 600
    max_length: int = 40
    vae_channels: list = field(default_factory=lambda: [32, 64, 64])
    vae_steps: int = 800
    vae_batch: int = 16
    vae_lr: float = 1e-3
    vae_kl_weight: float = 1e-6
    unet_channels: list = field(default_factory=lambda: [64, 128])
    text_hidden: int = 64
    text_layers: int = 2
    unet_steps: int = 1600
    unet_batch: int = 32
    unet_lr: float = 5e-4
    caption_dropout: float = 0.1
    sample_steps: int = 25
    guidance_scale: float = 4.0

    @classmethod
    def load(cls, path: Path | None = None) -> "StarterRecipe":
        path = path or starter_dir() / "recipe.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


def starter_dir() -> Path:
    return resources_dir() / "starter" / "image"


def pipeline_dir() -> Path:
    return starter_dir() / "pipeline"


def _pixels(examples, size: int):
    import numpy as np
    import torch
    from PIL import Image

    from engine.data.images import to_rgb
    arrays = []
    for example in examples:
        with Image.open(example["image_path"]) as image:
            small = to_rgb(image).resize((size, size), Image.Resampling.LANCZOS)
        arrays.append(np.asarray(small, dtype=np.float32) / 127.5 - 1.0)
    return torch.from_numpy(np.stack(arrays)).permute(0, 3, 1, 2).contiguous()


def _flip(batch, generator):
    import torch
    mask = torch.rand(batch.shape[0], generator=generator) < 0.5
    batch = batch.clone()
    batch[mask] = batch[mask].flip(-1)
    return batch, mask


def _flip_caption(caption: str) -> str:
    """A mirrored poster has its corners mirrored too."""
    return caption.replace("left", "\0").replace("right", "left").replace("\0", "right")


def build_starter(out_dir: Path | None = None, progress=print, recipe: StarterRecipe | None = None,
                  should_stop=lambda: False) -> dict:
    """Train the starter pipeline from scratch and write it (fp16 safetensors) to ``out_dir``."""
    import torch
    import torch.nn.functional as F
    from diffusers import AutoencoderKL, DDIMScheduler, DDPMScheduler, StableDiffusionPipeline, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer

    from engine.errors import Cancelled
    from engine.image import clip_tokenizer
    from engine.image.data import folder_examples

    recipe = recipe or StarterRecipe.load()
    out_dir = Path(out_dir or pipeline_dir())
    torch.set_num_threads(max(1, int(os.environ.get("AIGC_THREADS") or os.cpu_count() or 1)))
    torch.manual_seed(recipe.seed)
    gen = torch.Generator().manual_seed(recipe.seed)
    started = time.monotonic()
    examples = folder_examples(resources_dir() / recipe.dataset)
    captions = [e["caption"] for e in examples]
    pixels = _pixels(examples, recipe.resolution)
    progress(f"{len(examples)} posters at {recipe.resolution} px")

    work = out_dir.parent / f".{out_dir.name}.building"
    shutil.rmtree(work, ignore_errors=True)
    merges = clip_tokenizer.train_merges(captions + [_flip_caption(c) for c in captions], recipe.tokenizer_vocab)
    clip_tokenizer.write_tokenizer(work / "tokenizer", merges, max_length=recipe.max_length)
    tokenizer = CLIPTokenizer.from_pretrained(work / "tokenizer", local_files_only=True)

    # 1. the VAE: reconstruction plus a whisper of KL so the latent space stays smooth
    levels = len(recipe.vae_channels)
    vae = AutoencoderKL(in_channels=3, out_channels=3, block_out_channels=tuple(recipe.vae_channels),
                        down_block_types=("DownEncoderBlock2D",) * levels, up_block_types=("UpDecoderBlock2D",) * levels,
                        layers_per_block=1, latent_channels=4, norm_num_groups=32, sample_size=recipe.resolution)
    optimizer = torch.optim.AdamW(vae.parameters(), lr=recipe.vae_lr)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, recipe.vae_lr, total_steps=recipe.vae_steps)
    for step in range(recipe.vae_steps):
        if should_stop():
            raise Cancelled()
        index = torch.randint(0, len(pixels), (recipe.vae_batch,), generator=gen)
        batch, _ = _flip(pixels[index], gen)
        posterior = vae.encode(batch).latent_dist
        recon = vae.decode(posterior.sample(gen)).sample
        loss = F.l1_loss(recon, batch) + F.mse_loss(recon, batch) + recipe.vae_kl_weight * posterior.kl().mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        schedule.step()
        if step % 100 == 0 or step == recipe.vae_steps - 1:
            progress(f"vae step {step + 1}/{recipe.vae_steps} loss {loss.item():.4f} ({time.monotonic() - started:.0f}s)")
    vae.eval().requires_grad_(False)
    with torch.no_grad():
        latents_all = torch.cat([vae.encode(pixels[i:i + 64]).latent_dist.mean for i in range(0, len(pixels), 64)])
        flipped_all = torch.cat([vae.encode(pixels[i:i + 64].flip(-1)).latent_dist.mean
                                 for i in range(0, len(pixels), 64)])
    scaling = float(1.0 / latents_all.std())
    vae.register_to_config(scaling_factor=scaling)

    # 2. UNet and text encoder, trained together on the latents
    text_encoder = CLIPTextModel(CLIPTextConfig(
        hidden_size=recipe.text_hidden, intermediate_size=recipe.text_hidden * 4, num_hidden_layers=recipe.text_layers,
        num_attention_heads=max(1, recipe.text_hidden // 64), vocab_size=len(tokenizer),
        max_position_embeddings=recipe.max_length, projection_dim=recipe.text_hidden, hidden_act="quick_gelu",
        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id))
    ulevels = len(recipe.unet_channels)
    latent_size = recipe.resolution // (2 ** (levels - 1))
    unet = UNet2DConditionModel(sample_size=latent_size, in_channels=4, out_channels=4,
                                block_out_channels=tuple(recipe.unet_channels), layers_per_block=1,
                                down_block_types=("CrossAttnDownBlock2D",) * ulevels,
                                up_block_types=("CrossAttnUpBlock2D",) * ulevels,
                                cross_attention_dim=recipe.text_hidden, attention_head_dim=8, norm_num_groups=32)
    noise_scheduler = DDPMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear",
                                    num_train_timesteps=1000)
    ids_all = tokenizer(captions, padding="max_length", max_length=recipe.max_length, truncation=True,
                        return_tensors="pt").input_ids
    ids_flipped = tokenizer([_flip_caption(c) for c in captions], padding="max_length", max_length=recipe.max_length,
                            truncation=True, return_tensors="pt").input_ids
    ids_empty = tokenizer([""], padding="max_length", max_length=recipe.max_length, return_tensors="pt").input_ids
    params = list(unet.parameters()) + list(text_encoder.parameters())
    optimizer = torch.optim.AdamW(params, lr=recipe.unet_lr, weight_decay=1e-2)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, recipe.unet_lr, total_steps=recipe.unet_steps,
                                                   pct_start=0.05)
    unet.train()
    text_encoder.train()
    for step in range(recipe.unet_steps):
        if should_stop():
            raise Cancelled()
        index = torch.randint(0, len(latents_all), (recipe.unet_batch,), generator=gen)
        flip = torch.rand(recipe.unet_batch, generator=gen) < 0.5
        latents = torch.where(flip[:, None, None, None], flipped_all[index], latents_all[index]) * scaling
        ids = torch.where(flip[:, None], ids_flipped[index], ids_all[index])
        drop = torch.rand(recipe.unet_batch, generator=gen) < recipe.caption_dropout
        ids = torch.where(drop[:, None], ids_empty.expand_as(ids), ids)
        noise = torch.randn(latents.shape, generator=gen)
        timesteps = torch.randint(0, 1000, (recipe.unet_batch,), generator=gen)
        noisy = noise_scheduler.add_noise(latents, noise, timesteps)
        states = text_encoder(ids)[0]
        pred = unet(noisy, timesteps, states).sample
        loss = F.mse_loss(pred, noise)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        schedule.step()
        if step % 100 == 0 or step == recipe.unet_steps - 1:
            progress(f"unet step {step + 1}/{recipe.unet_steps} loss {loss.item():.4f} ({time.monotonic() - started:.0f}s)")

    scheduler = DDIMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", clip_sample=False,
                              set_alpha_to_one=False, steps_offset=1)
    pipe = StableDiffusionPipeline(unet=unet.eval(), vae=vae, text_encoder=text_encoder.eval(), tokenizer=tokenizer,
                                   scheduler=scheduler, safety_checker=None, feature_extractor=None,
                                   requires_safety_checker=False)
    pipe.to(torch.float16)
    pipe.save_pretrained(work, safe_serialization=True)
    seconds = round(time.monotonic() - started, 1)
    card = {"name": recipe.name, "demo": True, "quality": "demo", "family": "sd1", "resolution": recipe.resolution,
            "recipe": asdict(recipe), "train_seconds": seconds, "torch_threads": torch.get_num_threads(),
            "note": "Demo quality: a tiny model trained on the sample posters; good for trying the workflow."}
    atomic.write_json(work / "starter.json", card)
    atomic.replace_dir(work, out_dir)
    progress(f"starter image model written to {out_dir} in {seconds}s")
    return card


def install_into(engine, ctx=None) -> dict:
    """Copy the shipped starter pipeline into the workspace and register it (demo); idempotent."""
    models = engine.models
    existing = models.find(NAME)
    if existing is not None and existing.name == NAME:
        return {"skipped": NAME}
    source = pipeline_dir()
    if not (source / "model_index.json").is_file():
        return {"skipped": NAME, "reason": "starter image weights are not in this build (rebuild the starter models)"}
    job = engine.jobs.run  # the import job verifies and hashes; run inline through the importer instead
    del job
    from engine.image.importer import prepare_image_model
    from engine.models.catalog import new_model_id
    model_id = new_model_id()
    staging = engine.workspace.folder("tmp") / f"starter-{model_id}"
    final = engine.workspace.root / "models" / model_id
    try:
        info = prepare_image_model(source, staging / "files", None)
        atomic.replace_dir(staging, final)
        card = json.loads((source / "starter.json").read_text(encoding="utf-8"))
        model = models.register(NAME, "image", "base", final / "files", info={**info, "starter": card,
                                                                            "quality": "demo"},
                                demo=True, model_id=model_id)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(final, ignore_errors=True)
        raise
    return {"added": model.name, "id": model.id}


@installer(NAME)
def _install_starter_image(engine, ctx) -> dict:
    return install_into(engine, ctx)


def _ceil(x: float) -> int:
    return int(math.ceil(x))
