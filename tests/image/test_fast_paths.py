"""A training step on cached VAE/text encodings computes the loss of a step that encodes again."""
from __future__ import annotations

import pytest
import torch


def plain_pipe(folder):
    from diffusers import StableDiffusionPipeline
    pipe = StableDiffusionPipeline.from_pretrained(str(folder), local_files_only=True, safety_checker=None)
    pipe.set_progress_bar_config(disable=True)
    return pipe


@pytest.fixture(scope="module")
def parts(tiny_sd_dir):
    from diffusers import DDPMScheduler

    from engine.image.train import TextConditioner
    from engine.image.train_config import ImageTrainConfig
    pipe = plain_pipe(tiny_sd_dir)
    for module in (pipe.unet, pipe.vae, pipe.text_encoder):
        module.requires_grad_(False)
    return {"pipe": pipe, "conditioner": TextConditioner(pipe, sdxl=False),
            "scheduler": DDPMScheduler.from_config(pipe.scheduler.config),
            "config": ImageTrainConfig(model="x", data="y", snr_gamma=5.0)}


def loss(parts, pixels, captions, cache, seed=3):
    from diffusers.training_utils import compute_snr

    from engine.image.train import _loss
    pipe = parts["pipe"]
    torch.manual_seed(seed)
    with torch.no_grad():
        return float(_loss(pipe, pipe.unet, pipe.vae, parts["conditioner"], parts["scheduler"], "epsilon",
                           parts["config"], pixels, captions, [], [], (16, 16), torch.device("cpu"), None,
                           compute_snr, cache))


def test_cached_encodings_give_the_loss_of_encoding_each_step(parts):
    from engine.image.encode_cache import EncodeCache
    generator = torch.Generator().manual_seed(0)
    images = torch.rand(3, 3, 16, 16, generator=generator) * 2 - 1
    captions = ["a red ball", "a blue cube", "a green cone"]
    cache = EncodeCache()
    first = images[[0, 1]], captions[:2]
    assert loss(parts, *first, cache) == pytest.approx(loss(parts, *first, None), rel=1e-6)   # all new: encoded
    assert cache.stats()["misses"] == 2 and cache.stats()["captions"] == 2
    # seen before, in another order and beside a new image: the loss of encoding them all again
    mixed = images[[1, 2, 0]], [captions[1], captions[2], captions[0]]
    for seed in (3, 4):
        assert loss(parts, *mixed, cache, seed) == pytest.approx(loss(parts, *mixed, None, seed), rel=1e-5)
    assert cache.stats()["hits"] >= 2 and cache.stats()["latents"] == 3
    # a flipped image is another image
    flipped = torch.flip(images[[0]], dims=[3]), captions[:1]
    assert loss(parts, *flipped, cache) == pytest.approx(loss(parts, *flipped, None), rel=1e-5)
    assert cache.stats()["latents"] == 4


def test_a_full_cache_keeps_nothing_more_and_stays_right(parts):
    from engine.image.encode_cache import EncodeCache
    images = torch.rand(2, 3, 16, 16, generator=torch.Generator().manual_seed(1)) * 2 - 1
    cache = EncodeCache(budget=0)
    batch = images, ["a red ball", "a blue cube"]
    assert loss(parts, *batch, cache) == pytest.approx(loss(parts, *batch, None), rel=1e-6)
    assert loss(parts, *batch, cache) == pytest.approx(loss(parts, *batch, None), rel=1e-6)
    assert cache.stats()["latents"] == cache.stats()["captions"] == 0 and cache.stats()["megabytes"] == 0
