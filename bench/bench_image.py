#!/usr/bin/env python3
"""Image generation and LoRA step time: AIGC Workbench vs plain diffusers, as JSON ratios.

Builds a small random SD 1.x-class pipeline (or uses --model FOLDER), then times
(1) txt2img with our ImageGenerator (provenance PNG, previews off) against a plain
``StableDiffusionPipeline`` call with the same scheduler, steps and size, and
(2) one LoRA optimisation step of our ``image.train`` loss against a hand-written
diffusers/peft step. Ratio > 1 means we are slower. Run:

    .venv/bin/python bench/bench_image.py [--model FOLDER] [--size 64] [--steps 10] [--repeat 3]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))


def timed(fn, repeat: int) -> float:
    fn()  # warm-up
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", help="a diffusers pipeline folder (default: a tiny random one)")
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    import engine  # noqa: F401 - offline switches first
    import torch
    from diffusers import StableDiffusionPipeline
    from diffusers.training_utils import compute_snr  # noqa: F401
    from peft import LoraConfig

    from engine.api import Engine
    from engine.image.train import UNET_TARGETS, TextConditioner, _loss
    from engine.image.train_config import ImageTrainConfig

    tmp = Path(tempfile.mkdtemp(prefix="aigc-bench-image-"))
    folder = Path(args.model) if args.model else None
    if folder is None:
        from image.tiny import build_tiny_sd
        folder = build_tiny_sd(tmp / "tiny", widths=(32, 64))
    eng = Engine.open(tmp / "ws")
    try:
        ours = eng.image.generator(str(folder))
        params = {"steps": args.steps, "width": args.size, "height": args.size, "seed": 1, "scheduler": "ddim",
                  "preview_every": 0}
        our_gen = timed(lambda: ours.generate("a red bottle on a blue background", params, out_dir=tmp / "out"),
                        args.repeat)

        plain = StableDiffusionPipeline.from_pretrained(str(folder), local_files_only=True, safety_checker=None)
        plain.set_progress_bar_config(disable=True)
        from diffusers import DDIMScheduler
        plain.scheduler = DDIMScheduler.from_config(plain.scheduler.config)

        def plain_gen():
            image = plain("a red bottle on a blue background", num_inference_steps=args.steps, width=args.size,
                          height=args.size, generator=torch.Generator("cpu").manual_seed(1)).images[0]
            image.save(tmp / "plain.png")
        plain_time = timed(plain_gen, args.repeat)

        # one LoRA step: our loss function vs the same maths written directly
        config = ImageTrainConfig(model="x", data="y", snr_gamma=5.0, noise_offset=0.0)
        pipe = StableDiffusionPipeline.from_pretrained(str(folder), local_files_only=True, safety_checker=None)
        pipe.unet.requires_grad_(False)
        pipe.vae.requires_grad_(False)
        pipe.text_encoder.requires_grad_(False)
        pipe.unet.add_adapter(LoraConfig(r=8, lora_alpha=8, init_lora_weights="gaussian", target_modules=UNET_TARGETS))
        from diffusers import DDPMScheduler
        noise_scheduler = DDPMScheduler.from_config(pipe.scheduler.config)
        opt = torch.optim.AdamW([p for p in pipe.unet.parameters() if p.requires_grad], lr=1e-4)
        pixels = torch.rand(2, 3, args.size, args.size) * 2 - 1
        captions = ["a red bottle", "a blue shoe"]
        conditioner = TextConditioner(pipe, sdxl=False)
        device = torch.device("cpu")
        from diffusers.training_utils import compute_snr as snr_fn

        def our_step():
            loss = _loss(pipe, pipe.unet, pipe.vae, conditioner, noise_scheduler, "epsilon", config, pixels, captions,
                         [], [], (args.size, args.size), device, None, snr_fn)
            opt.zero_grad()
            loss.backward()
            opt.step()

        def plain_step():
            with torch.no_grad():
                latents = pipe.vae.encode(pixels).latent_dist.sample() * pipe.vae.config.scaling_factor
                ids = pipe.tokenizer(captions, padding="max_length", max_length=pipe.tokenizer.model_max_length,
                                     truncation=True, return_tensors="pt").input_ids
                states = pipe.text_encoder(ids)[0]
            noise = torch.randn_like(latents)
            t = torch.randint(0, 1000, (2,))
            pred = pipe.unet(noise_scheduler.add_noise(latents, noise, t), t, states).sample
            loss = torch.nn.functional.mse_loss(pred, noise)
            opt.zero_grad()
            loss.backward()
            opt.step()

        our_train = timed(our_step, args.repeat)
        plain_train = timed(plain_step, args.repeat)
    finally:
        eng.close()
    report = {
        "model": str(folder) if args.model else "tiny random SD 1.x-class pipeline",
        "size": args.size, "steps": args.steps, "threads": torch.get_num_threads(),
        "generate_seconds": {"ours": round(our_gen, 4), "diffusers": round(plain_time, 4)},
        "generate_ratio": round(our_gen / plain_time, 3),
        "lora_step_seconds": {"ours": round(our_train, 4), "diffusers": round(plain_train, 4)},
        "lora_step_ratio": round(our_train / plain_train, 3),
    }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
