"""Image generation and one image-LoRA step: ours vs plain diffusers, alternately (generation: each side in
its own process, started as its user would start it; the LoRA step: both in this process).

The model: a random-weight SD 1.x pipeline at 256 px whose UNet has SD 1.5's channel widths
(320, 640, 1280, 1280), cross-attention width 768 and one layer per block (SD 1.5 has two; one
keeps the run short); the VAE and the CLIP text encoder have SD 1.5's own shapes (VAE 128..512
channels, two layers per block; text encoder 12 layers, 768 wide), since what they cost is part
of what separates the two sides (the LoRA step's cached encodings, the VAE decode).

Ours generates on the workspace's default ``auto`` backend, as a user's ``aigc generate`` does (OpenVINO for
the UNet and VAE decoder on the CPU when it is installed); ``details.backend`` says which ran and
``details.conversion_s`` what the one-off OpenVINO conversion took, before the timed images.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from bench.common import alternate

PROMPT = "a red bottle on a blue background, studio light"
MODEL_FOLDER = "sd15-shape-v2"   # v2: SD 1.5's own VAE and text encoder (v1 had a quarter-width VAE, 2 text layers)


def build_sd15_shape(folder: Path) -> Path:
    if (folder / "model_index.json").is_file():
        return folder
    import torch
    from diffusers import AutoencoderKL, DDIMScheduler, StableDiffusionPipeline, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTokenizer
    from engine.image import clip_tokenizer
    torch.manual_seed(0)
    tok_dir = folder.parent / "clip-tokenizer"
    if not (tok_dir / "tokenizer.json").is_file():
        clip_tokenizer.write_openclip_tokenizer(tok_dir)
    tokenizer = CLIPTokenizer.from_pretrained(tok_dir, local_files_only=True)
    unet = UNet2DConditionModel(sample_size=32, in_channels=4, out_channels=4, layers_per_block=1,
                                block_out_channels=(320, 640, 1280, 1280), cross_attention_dim=768,
                                attention_head_dim=8,
                                down_block_types=("CrossAttnDownBlock2D",) * 3 + ("DownBlock2D",),
                                up_block_types=("UpBlock2D",) + ("CrossAttnUpBlock2D",) * 3)
    vae = AutoencoderKL(in_channels=3, out_channels=3, block_out_channels=(128, 256, 512, 512), layers_per_block=2,
                        down_block_types=("DownEncoderBlock2D",) * 4, up_block_types=("UpDecoderBlock2D",) * 4,
                        latent_channels=4, norm_num_groups=32, sample_size=256)
    text = CLIPTextModel(CLIPTextConfig(hidden_size=768, intermediate_size=3072, num_hidden_layers=12,
                                        num_attention_heads=12, vocab_size=len(tokenizer), max_position_embeddings=77,
                                        projection_dim=768, hidden_act="quick_gelu",
                                        bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id,
                                        pad_token_id=1))
    scheduler = DDIMScheduler(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", clip_sample=False,
                              set_alpha_to_one=False, steps_offset=1)
    StableDiffusionPipeline(unet=unet, vae=vae, text_encoder=text, tokenizer=tokenizer, scheduler=scheduler,
                            safety_checker=None, feature_extractor=None, requires_safety_checker=False
                            ).save_pretrained(folder, safe_serialization=True)
    return folder


def _plain_pipe(folder: Path):
    from diffusers import DDIMScheduler, StableDiffusionPipeline
    pipe = StableDiffusionPipeline.from_pretrained(str(folder), safety_checker=None)
    pipe.set_progress_bar_config(disable=True)
    pipe.scheduler = DDIMScheduler.from_config(pipe.scheduler.config)
    return pipe


class _Side:
    """A side of ``image_generate_256`` in its own process (``bench/image_side.py``), one image per call."""

    def __init__(self, kind: str, folder: Path, out: Path, threads: int, steps: int, env: dict, log: Path):
        import subprocess
        import sys
        from bench.common import ROOT
        self.log = log
        self.proc = subprocess.Popen([sys.executable, "-m", "bench.image_side", kind, str(folder), str(out),
                                      str(threads), str(steps)], cwd=ROOT, env=env, text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log.open("w"))
        self.info = self._reply()

    def _reply(self) -> dict:
        import json
        for line in self.proc.stdout:
            if line.startswith("{"):
                return json.loads(line)
        raise RuntimeError(f"an image_generate_256 side died:\n{self.log.read_text(errors='replace')[-3000:]}")

    def __call__(self) -> dict:
        self.proc.stdin.write("run\n")
        self.proc.stdin.flush()
        return self._reply()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait(timeout=120)


def bench_generate(quick: bool, workdir: Path) -> dict:
    """Each side in its own process, started as its user would start it: ours imports ``engine`` first
    (as ``aigc`` and the job workers do), plain is a script that never does. Images alternate between
    the two processes after a warm-up image each, so both see the same load."""
    import os
    import numpy as np
    import torch
    from PIL import Image
    from engine import omp_wait
    folder = build_sd15_shape(workdir / MODEL_FOLDER)
    steps = 3 if quick else 20
    threads = torch.get_num_threads()
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent))
    plain_env = dict(env)
    if omp_wait.set_here:            # the engine's choice, not the plain script's
        plain_env.pop("OMP_WAIT_POLICY", None)
    with tempfile.TemporaryDirectory(prefix="aigc-bench-") as tmp:
        tmp = Path(tmp)
        ours = _Side("ours", folder, tmp / "ours", threads, steps, env, tmp / "ours.log")
        try:
            plain = _Side("plain", folder, tmp / "plain", threads, steps, plain_env, tmp / "plain.log")
            try:
                _, _, ours_out, base_out = alternate(ours, plain, 2)
            finally:
                plain.close()
        finally:
            ours.close()
        a = np.asarray(Image.open(ours_out[-1]["path"]).convert("RGB"), dtype=np.int16)
        b = np.asarray(Image.open(base_out[-1]["path"]).convert("RGB"), dtype=np.int16)
        same_seed_same_image = bool(np.array_equal(a, np.asarray(Image.open(ours_out[0]["path"]).convert("RGB"),
                                                                  dtype=np.int16)))
    ours_t = [r["seconds"] for r in ours_out]
    base_t = [r["seconds"] for r in base_out]
    o, bl = min(ours_t), min(base_t)
    return {"name": "image_generate_256", "unit": "s/image", "ours": o, "baseline": bl, "ratio": bl / o,
            "higher_is_better": False,
            "details": {"steps": steps, "size": 256, "cfg": True, "runs_s": {"ours": [round(t, 2) for t in ours_t],
                                                                           "baseline": [round(t, 2) for t in base_t]},
                        "cpu_s": {"ours": [round(r["cpu_s"], 2) for r in ours_out],
                                  "baseline": [round(r["cpu_s"], 2) for r in base_out]},
                        "max_pixel_diff_vs_plain": int(np.abs(a - b).max()),
                        "same_seed_same_image": same_seed_same_image, "threads": threads,
                        "backend": ours.info.get("backend"), "openvino_parts": ours.info.get("openvino_parts"),
                        "conversion_s": ours.info.get("conversion_s"),
                        "ours_first_image_s": ours.info.get("first_image_s"),
                        "omp_wait_policy": {"ours": ours.info.get("omp_wait_policy"),
                                            "baseline": plain.info.get("omp_wait_policy")},
                        "baseline_is": "StableDiffusionPipeline defaults in a plain Python process, DDIM, same seed"}}


def bench_lora_step(quick: bool, workdir: Path) -> dict:
    import torch
    from diffusers import DDPMScheduler
    from diffusers.training_utils import compute_snr
    from peft import LoraConfig
    from bench.common import Timer
    from engine.image.encode_cache import EncodeCache
    from engine.image.train import TextConditioner, _loss
    from engine.image.train_config import ImageTrainConfig
    folder = build_sd15_shape(workdir / MODEL_FOLDER)
    size, batch = 256, 1
    pixels = torch.rand(batch, 3, size, size) * 2 - 1
    captions = ["a red bottle"] * batch

    def setup():
        pipe = _plain_pipe(folder)
        for part in (pipe.unet, pipe.vae, pipe.text_encoder):
            part.requires_grad_(False)
        pipe.unet.add_adapter(LoraConfig(r=8, lora_alpha=8, init_lora_weights="gaussian",
                                         target_modules=["to_k", "to_q", "to_v", "to_out.0"]))
        params = [p for p in pipe.unet.parameters() if p.requires_grad]
        return pipe, params, torch.optim.AdamW(params, lr=1e-4)

    plain, plain_params, plain_opt = setup()
    noise_scheduler = DDPMScheduler.from_config(plain.scheduler.config)

    def baseline():
        """One step of diffusers' examples/text_to_image/train_text_to_image_lora.py (fp32 on CPU)."""
        latents = plain.vae.encode(pixels).latent_dist.sample() * plain.vae.config.scaling_factor
        noise = torch.randn_like(latents)
        t = torch.randint(0, noise_scheduler.config.num_train_timesteps, (batch,)).long()
        noisy = noise_scheduler.add_noise(latents, noise, t)
        ids = plain.tokenizer(captions, padding="max_length", max_length=plain.tokenizer.model_max_length,
                              truncation=True, return_tensors="pt").input_ids
        states = plain.text_encoder(ids, return_dict=False)[0]
        pred = plain.unet(noisy, t, states, return_dict=False)[0]
        loss = torch.nn.functional.mse_loss(pred.float(), noise.float(), reduction="mean")
        loss.backward()
        torch.nn.utils.clip_grad_norm_(plain_params, 1.0)
        plain_opt.step()
        plain_opt.zero_grad()
        return float(loss)

    ours_pipe, ours_params, ours_opt = setup()
    device = torch.device("cpu")
    config = ImageTrainConfig(model="x", data="y")
    conditioner = TextConditioner(ours_pipe, sdxl=False)
    cache = EncodeCache()                                  # one per run, as run_training does

    def ours_step(use_cache):
        loss = _loss(ours_pipe, ours_pipe.unet, ours_pipe.vae, conditioner, noise_scheduler, "epsilon", config, pixels,
                     captions, [], [], (size, size), device, None, compute_snr, cache if use_cache else None)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(ours_params, 1.0)
        ours_opt.step()
        ours_opt.zero_grad(set_to_none=True)
        return float(loss)

    with Timer() as first:  # the run's first sight of this image and caption: encodes them
        ours_step(True)
    repeat = 1 if quick else 3
    # a step on an image seen before (every epoch after the first): no VAE or text encoder pass
    ours_t, base_t, _, _ = alternate(lambda: ours_step(True), baseline, repeat, warm=(lambda: None, baseline))
    encoding_t = []
    for _ in range(repeat):  # the same step encoding every time, as the diffusers example does
        with Timer() as t:
            ours_step(False)
        encoding_t.append(t.seconds)
    o, b = min(ours_t), min(base_t)
    return {"name": "image_lora_step_256", "unit": "s/step", "ours": o, "baseline": b, "ratio": b / o,
            "higher_is_better": False,
            "details": {"batch": batch, "size": size, "runs_s": {"ours": [round(t, 2) for t in ours_t],
                                                                 "baseline": [round(t, 2) for t in base_t]},
                        "ours_is": "a step on an image and caption seen before in the run (cached VAE latent "
                                   "distribution and text embeddings)",
                        "ours_first_sight_step_s": round(first.seconds, 2),
                        "ours_encoding_each_step_s": round(min(encoding_t), 2),
                        "ratio_encoding_each_step": round(b / min(encoding_t), 3), "cache": cache.stats(),
                        "threads": torch.get_num_threads(),
                        "baseline_is": "diffusers train_text_to_image_lora.py step, fp32 (encodes every step)"}}
