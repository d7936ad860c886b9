"""LoRA training: a few steps on a tiny pipeline, outputs that plain diffusers loads, exact resume."""
from __future__ import annotations

import numpy as np
import pytest

from engine.errors import UserError
from image.tiny import build_tiny_sd, caption_folder

TRAIN = {"resolution": 16, "max_steps": 4, "batch_size": 2, "learning_rate": 5e-3, "rank": 4, "alpha": 4,
         "checkpoint_every": 2, "validation_every": 2, "validation_steps": 2, "caption_dropout": 0.0}


@pytest.fixture
def imported(eng, tiny_sd_dir):
    job = eng.jobs.run("models.import", {"path": str(tiny_sd_dir), "name": "tiny-sd", "kind": "image"})
    assert job.state.value == "succeeded", job.error
    return eng.models.get("tiny-sd")


def train(eng, data, **extra):
    events = []
    eng.jobs.subscribe(lambda e: events.append(e) if e.type == "partial" else None)
    job = eng.jobs.run("image.train", {"model": "tiny-sd", "data": str(data), **TRAIN, **extra})
    return job, events


def plain_image(folder, lora=None, seed=5):
    """Generate with plain diffusers, outside the product."""
    import torch
    from diffusers import StableDiffusionPipeline
    pipe = StableDiffusionPipeline.from_pretrained(str(folder), local_files_only=True, safety_checker=None)
    pipe.set_progress_bar_config(disable=True)
    if lora is not None:
        pipe.load_lora_weights(str(lora.parent), weight_name=lora.name)
    image = pipe("a white ball on a red background", num_inference_steps=3, width=16, height=16,
                 generator=torch.Generator("cpu").manual_seed(seed), output_type="np").images[0]
    return image


def test_lora_trains_registers_and_loads_in_plain_diffusers(eng, imported, tmp_path):
    job, events = train(eng, caption_folder(tmp_path / "data"), name="tiny-lora")
    assert job.state.value == "succeeded", job.error
    result = job.result
    adapter = eng.models.get("tiny-lora")
    assert adapter.role == "adapter" and adapter.kind == "image"
    assert adapter.lineage["base_sha256"] == imported.sha256
    assert adapter.lineage["run_id"] == result["run_id"]
    assert [e.data["step"] for e in events if "image" in e.data][:2] == [2, 2]  # validation streamed at step 2
    losses = [m["value"] for m in eng.jobs.metrics(job.id) if m["name"] == "loss"]
    assert len(losses) == 4
    from engine.training.tensorboard import read_events, read_scalars, read_tags
    board = eng.root / "runs" / result["run_id"] / "tensorboard"
    assert [round(v, 5) for _, v in read_scalars(board)["train/loss"]] == [round(v, 5) for v in losses]
    assert read_tags(board)["validation/0"] == "image" and read_tags(board)["config/text_summary"] == "text"
    steps = sorted({e.step for e in read_events(board) for v in e.summary.value if v.tag == "validation/0"})
    assert steps == [2, 4]

    from pathlib import Path
    final = Path(result["path"])
    base = plain_image(imported.path)
    with_lora = plain_image(imported.path, final / "pytorch_lora_weights.safetensors")
    assert np.abs(base - with_lora).mean() > 1e-4, "the LoRA did not change the image"
    with_kohya = plain_image(imported.path, Path(result["kohya_file"]))
    np.testing.assert_allclose(with_kohya, with_lora, atol=2e-3)

    made = eng.image.generator("tiny-sd", "tiny-lora").generate(
        "a white ball on a red background", {"steps": 3, "width": 16, "height": 16, "seed": 5})
    assert made[0]["provenance"]["adapter_sha256"] == adapter.sha256


def test_images_without_captions_are_refused(eng, imported, tmp_path):
    job, _ = train(eng, caption_folder(tmp_path / "bare", captions=False))
    assert job.state.value == "failed"
    assert "caption" in job.error
    assert eng.models.list(role="adapter") == []


def test_lora_for_another_architecture_is_refused(eng, imported, tmp_path):
    job, _ = train(eng, caption_folder(tmp_path / "data"), name="tiny-lora", validation_every=0)
    assert job.state.value == "succeeded", job.error
    other = build_tiny_sd(tmp_path / "wide", widths=(64, 64))
    generator = eng.image.generator(str(other), job.result["path"])
    with pytest.raises(UserError, match="different base|layer"):
        generator.generate("a ball", {"steps": 2, "width": 16, "height": 16})


def test_training_can_start_from_an_existing_adapter(eng, imported, tmp_path):
    """Retrain with feedback starts from the latest adapter: with a zero learning rate the
    new adapter equals the one it started from, and differs from a fresh start."""
    from pathlib import Path

    from safetensors.torch import load_file
    data = caption_folder(tmp_path / "data")
    first, _ = train(eng, data, name="first", validation_every=0, rank=2, alpha=2)
    assert first.state.value == "succeeded", first.error
    frozen = {"learning_rate": 0.0, "max_steps": 1, "validation_every": 0, "checkpoint_every": 0}
    warm, _ = train(eng, data, name="warm", init_adapter="first", **frozen)
    cold, _ = train(eng, data, name="cold", rank=2, alpha=2, **frozen)
    assert warm.state.value == "succeeded", warm.error
    weights = {n: load_file(str(Path(j.result["path"]) / "pytorch_lora_weights.safetensors"))
               for n, j in (("first", first), ("warm", warm), ("cold", cold))}
    assert weights["warm"].keys() == weights["first"].keys()
    for key, value in weights["first"].items():
        np.testing.assert_allclose(weights["warm"][key].float().numpy(), value.float().numpy(), atol=1e-6)
    assert any((weights["cold"][k] - v).abs().max() > 1e-4 for k, v in weights["first"].items())
    assert eng.models.get("warm").lineage.get("run_id") == warm.result["run_id"]
