"""Text-to-image and image-to-image generation with provenance, previews and prompt cancel.

``ImageAPI.generator(model, adapter, adapter_scale)`` returns an ``ImageGenerator``;
the API keeps the last base pipeline loaded and swaps adapters without reloading.
"""
from __future__ import annotations

import secrets
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

from engine.errors import Cancelled, UserError
from engine.fields import check_fields, number, seed as seed_field
from engine.image import provenance
from engine.image.pipeline import ModelRef
from engine.jobs.context import NoJob
from engine.i18n import N_, tr

# SD 1.x/2.x latent -> RGB (a well-known linear fit); used when decoding every step would be too slow
LATENT_RGB = {"sd": [[0.298, 0.207, 0.208], [0.187, 0.286, 0.173], [-0.158, 0.189, 0.264], [-0.184, -0.271, -0.473]],
              "sdxl": [[0.3651, 0.4232, 0.4341], [-0.2533, -0.0042, 0.1068], [0.1076, 0.1111, -0.0362],
                       [-0.3165, -0.2492, -0.2188]]}
SMALL_VAE = 5_000_000  # parameters: below this a real decode per step is cheaper than it is worth fretting over


@dataclass
class GenerateParams:
    negative_prompt: str = ""
    steps: int = number(20, lo=1, hi=500, integer=True, flag="--steps")
    guidance_scale: float = number(7.0, lo=0, hi=100, flag="--guidance-scale")
    seed: int | None = seed_field(None)
    width: int | None = number(None, lo=8, hi=16_384, integer=True, flag="--width")     # None: the model's size
    height: int | None = number(None, lo=8, hi=16_384, integer=True, flag="--height")
    batch_size: int = number(1, lo=1, hi=64, integer=True, flag="--batch-size")
    scheduler: str = "default"
    init_image: str | None = None
    strength: float = number(0.6, lo=0, hi=1, lo_open=True, flag="--strength")
    adapter_scale: float = number(1.0, lo=-10, hi=10, flag="--adapter-scale")
    memory: str = "auto"
    preview_every: int = number(1, lo=0, hi=10_000, integer=True)
    backend: str | None = None       # auto | torch | openvino; None: the workspace's default

    @classmethod
    def from_dict(cls, params: dict) -> "GenerateParams":
        known = {k: v for k, v in (params or {}).items() if k in cls.__dataclass_fields__ and v is not None}
        unknown = sorted(set(params or {}) - set(cls.__dataclass_fields__) - {"prompt", "model", "adapter", "out_dir"})
        if unknown:
            raise UserError(tr("unknown generation parameter '{unknown}'", unknown=unknown[0]))
        p = check_fields(cls(**known))
        from engine.image.backend_choice import check_backend
        check_backend(p.backend)
        if p.init_image:
            from engine.data.images import verify_image
            from engine.input_paths import check_input_file
            problem = verify_image(check_input_file(p.init_image, N_("starting image")))
            if problem:
                raise UserError(tr("starting image {init_image}: the image {problem}", init_image=p.init_image, problem=problem), hint=tr("give a PNG or JPEG file"),
                                options=("--init-image",))
        p.steps, p.batch_size, p.guidance_scale = int(p.steps), int(p.batch_size), float(p.guidance_scale)
        return p


class ImageGenerator:
    def __init__(self, api, base: ModelRef, adapter: ModelRef | None, adapter_scale: float, ctx=None):
        self.api = api
        self.base = base
        self.adapter = adapter
        self.adapter_scale = float(adapter_scale)
        self.ctx = ctx if ctx is not None else NoJob()

    def generate(self, prompt: str, params: dict | None = None, on_step: Callable | None = None,
                 should_stop: Callable[[], bool] | None = None, out_dir=None) -> list[dict]:
        """Make ``batch_size`` images; returns [{path, seed, provenance}]. ``on_step(step, total, preview)``.

        The shared pipeline is this call's from the adapter swap to the last saved PNG: another
        generation waits, so it cannot change the adapter or the scheduler under this one, and
        the provenance names exactly what made the pixels."""
        with self.api._lock:
            return self._generate(prompt, params, on_step, should_stop, out_dir)

    def _generate(self, prompt, params, on_step, should_stop, out_dir) -> list[dict]:
        import torch
        if not isinstance(prompt, str) or not prompt.strip():
            raise UserError(tr("the prompt is empty"), hint=tr("describe the image to make"))
        p = GenerateParams.from_dict(params or {})
        if "adapter_scale" not in (params or {}):
            p.adapter_scale = self.adapter_scale
        pipe, device, device_info = self.api._pipeline_for(self.base, self.adapter, p.adapter_scale)
        resolution = int(self.base.info.get("resolution") or 0) or pipe.unet.config.sample_size * pipe.vae_scale_factor
        p.width, p.height = int(p.width or resolution), int(p.height or resolution)
        from engine.image.pipeline import apply_memory_options, check_size, preflight_generation
        check_size(p.width, p.height, pipe)
        preflight_generation(pipe, device_info, p.width, p.height, p.batch_size)
        memory = apply_memory_options(pipe, device_info, p.width, p.height, p.batch_size, p.memory)
        from engine.image.backend_choice import choose
        backend, _ = choose(self.api.engine, self.base, p.backend, device_info.kind)
        parts = self.api._openvino_for(self.base, self.adapter, p.adapter_scale, pipe, self.ctx) \
            if backend == "openvino" else None
        from engine.image.schedulers import make_scheduler
        adapters = [self.adapter.name] if self.adapter else []
        pipe.scheduler, p.scheduler = make_scheduler(pipe, p.scheduler, adapters)
        scheduler_class = type(pipe.scheduler).__name__
        prediction_type = pipe.scheduler.config.get("prediction_type", "epsilon")  # from the model's own config
        seed = int(p.seed) if p.seed is not None else secrets.randbelow(2**31 - 1)
        p.seed = seed
        seeds = [seed + i for i in range(p.batch_size)]
        generators = [torch.Generator("cpu").manual_seed(s) for s in seeds]
        out = Path(out_dir) if out_dir else self.api.default_out_dir()
        out.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S-") + secrets.token_hex(2)
        kwargs = dict(prompt=prompt, negative_prompt=p.negative_prompt or None, num_inference_steps=p.steps,
                      guidance_scale=p.guidance_scale, num_images_per_prompt=p.batch_size, generator=generators,
                      output_type="pil")
        run = pipe
        if p.init_image:
            run = self.api._img2img(pipe)
            kwargs.update(image=load_init_image(p.init_image, p.width, p.height), strength=p.strength)
        else:
            kwargs.update(width=p.width, height=p.height)
        total = max(1, int(p.steps * p.strength)) if p.init_image else p.steps
        preview_dir = out / ".preview"

        def step_end(pipeline, step, timestep, callback_kwargs):
            if should_stop and should_stop():
                raise Cancelled()
            if on_step:
                path = None
                if p.preview_every and (step + 1) % p.preview_every == 0:
                    path = write_preview(pipeline, callback_kwargs["latents"], preview_dir / f"{stamp}-{seed}.png",
                                         self.base.family)
                on_step(step + 1, total, path)
            return callback_kwargs

        from contextlib import nullcontext

        from engine.image.openvino_run import attached
        started = time.time()
        try:
            with torch.inference_mode(), attached(pipe, parts, decode=not memory["vae_tiling"]) if parts else nullcontext():
                images = run(callback_on_step_end=step_end, **kwargs).images
        except Exception as exc:  # noqa: BLE001 - only out-of-memory is translated, the rest passes on
            from engine.image import oom
            if not oom.is_oom(exc):
                raise
            oom.release_memory()
            raise oom.generation_oom(exc, p.width, p.height, p.batch_size, memory) from None
        seconds = round(time.time() - started, 3)
        ran = {"backend": "openvino", "openvino_parts": sorted(parts.used)} if parts and parts.used else {"backend": "torch"}
        results = []
        for index, (image, image_seed) in enumerate(zip(images, seeds)):
            prov = {"prompt": prompt, "negative_prompt": p.negative_prompt, "seed": image_seed,
                    "model": self.base.name, "model_sha256": self.base.sha256, "model_family": self.base.family,
                    "adapter": self.adapter.name if self.adapter else None,
                    "adapter_sha256": self.adapter.sha256 if self.adapter else None,
                    "params": {**asdict(p), "seed": image_seed, "batch_index": index, "batch_seed": seed},
                    "scheduler_class": scheduler_class, "prediction_type": prediction_type, "memory": memory, "device": device_info.kind, "seconds": seconds,
                    **ran, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "software": _software(parts)}
            path = provenance.save_png(image, out / f"{stamp}-{image_seed}-{index}.png", prov)
            results.append({"path": str(path), "seed": image_seed, "provenance": prov})
        return results


def _software(parts=None) -> str:
    import diffusers

    from engine import __version__
    extra = ""
    if parts is not None and parts.used:
        import openvino
        extra = f", OpenVINO {openvino.__version__.split('-')[0]}"
    return f"AIGC Workbench {__version__} (diffusers {diffusers.__version__}{extra})"


def load_init_image(path, width: int, height: int):
    from PIL import Image, UnidentifiedImageError
    try:
        with Image.open(path) as image:
            from engine.data.images import to_rgb
            return to_rgb(image).resize((width, height), Image.Resampling.LANCZOS)
    except FileNotFoundError:
        raise UserError(tr("{path}: init image not found", path=path)) from None
    except (UnidentifiedImageError, OSError) as exc:
        raise UserError(tr("{path}: not a readable image ({exc})", path=path, exc=exc)) from None


def write_preview(pipe, latents, path: Path, family: str | None) -> str:
    """A small RGB picture of the current latents: an exact decode for tiny VAEs, a linear fit otherwise."""
    import torch
    from PIL import Image

    from engine import atomic
    lat = latents[:1].detach()
    if sum(p.numel() for p in pipe.vae.parameters()) < SMALL_VAE:
        scale = getattr(pipe.vae.config, "scaling_factor", 1.0)
        rgb = pipe.vae.decode(lat.to(pipe.vae.dtype) / scale).sample[0]
        rgb = ((rgb.float().clamp(-1, 1) + 1) * 127.5)
    else:
        matrix = torch.tensor(LATENT_RGB["sdxl" if family == "sdxl" else "sd"], dtype=torch.float32)
        rgb = torch.einsum("chw,cr->rhw", lat[0].float().cpu()[:4], matrix)
        rgb = ((rgb.clamp(-1, 1) + 1) * 127.5)
    array = rgb.permute(1, 2, 0).byte().cpu().numpy()
    image = Image.fromarray(array)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic.atomic_open(path, "wb") as handle:
        image.save(handle, format="PNG")
    return str(path)
