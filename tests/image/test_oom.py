"""Running out of memory gives one line naming the size asked for and what to change, never a hang."""
from __future__ import annotations

import json

import pytest
import torch

from engine.errors import UserError
from engine.image import oom

ABSURD = 16384  # the largest width the options allow: far more than any machine holds, refused before allocating


def cpu_allocator_error() -> RuntimeError:
    """The real error PyTorch's CPU allocator raises (2**62 bytes can never be reserved, so this is instant)."""
    try:
        torch.empty(2**62, dtype=torch.uint8)
    except RuntimeError as exc:
        return exc
    pytest.fail("a 4 EiB allocation succeeded")


def test_every_pytorch_out_of_memory_shape_is_recognised():
    allocator = cpu_allocator_error()
    assert oom.CPU_ALLOCATOR in str(allocator)
    cuda = torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 7.79 GiB total)")
    assert isinstance(cuda, torch.OutOfMemoryError)
    for exc in (allocator, cuda, RuntimeError("MPS backend out of memory"), MemoryError()):
        assert oom.is_oom(exc), exc
    for exc in (RuntimeError("mat1 and mat2 shapes cannot be multiplied"), ValueError("out of memory"),
                KeyboardInterrupt()):
        assert not oom.is_oom(exc), exc
    assert oom.requested_bytes(allocator) == 2**62
    assert oom.requested_bytes(cuda) == 2 * 2**30


def test_training_message_is_one_line_with_what_to_change():
    error = oom.training_oom(cpu_allocator_error(), 1024, 4, 7, 6, gradient_checkpointing=False)
    text = str(error)
    assert "\n" not in text
    assert text.startswith("out of memory at training step 7 at 1024x1024, batch 4 (RAM; one allocation needed")
    assert "the step-6 checkpoint is intact" in text
    for tip in ("a smaller resolution (now 1024)", "a smaller batch size (now 4)", "gradient checkpointing"):
        assert tip in error.hint
    assert "--" not in error.hint   # words the window shows too; the command line adds the options
    cuda = torch.cuda.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 MiB")
    already = oom.training_oom(cuda, 512, 1, 1, 0, gradient_checkpointing=True)
    assert "(GPU; one allocation needed 21.0 MB)" in str(already) and "no checkpoint was written yet" in str(already)
    assert "gradient checkpointing" not in already.hint and "batch size" not in already.hint


def test_generation_message_suggests_attention_slicing_only_when_off():
    off = oom.generation_oom(MemoryError(), 1024, 1024, 2, {"attention_slicing": False})
    assert str(off).startswith("out of memory generating 2 image(s) at 1024x1024 (RAM)")
    assert "low memory mode (attention slicing" in off.hint and "a smaller batch size (now 2)" in off.hint
    on = oom.generation_oom(MemoryError(), 1024, 1024, 1, {"attention_slicing": True})
    assert "attention slicing" not in on.hint and "a smaller width and height (now 1024x1024)" in on.hint


def test_absurd_size_fails_fast_with_the_message_and_the_model_stays_usable(eng, tiny_sd_dir, tmp_path):
    import time
    generator = eng.image.generator(str(tiny_sd_dir))
    started = time.monotonic()
    with pytest.raises(UserError) as caught:
        generator.generate("a red bottle", {"steps": 2, "width": ABSURD, "height": ABSURD}, out_dir=tmp_path)
    assert time.monotonic() - started < 20
    text = str(caught.value)
    assert text.startswith(f"out of memory generating 1 image(s) at {ABSURD}x{ABSURD}: needs at least")
    assert "\n" not in text and "a width and height of" in caught.value.hint
    assert not list(tmp_path.glob("*.png"))
    made = generator.generate("a red bottle", {"steps": 2, "width": 16, "height": 16, "seed": 1}, out_dir=tmp_path)
    assert made[0]["provenance"]["memory"]["attention_slicing"] is False  # auto: the small size needs no savers
    job = eng.jobs.run("image.generate", {"model": str(tiny_sd_dir), "prompt": "x", "steps": 2, "width": ABSURD,
                                          "height": ABSURD, "out_dir": str(tmp_path)})
    assert job.state.value == "failed" and job.error.startswith("out of memory generating")


def test_cli_memory_low_turns_on_attention_slicing(workspace_dir, tiny_sd_dir, tmp_path, capsys):
    from engine.api import Engine
    from engine.cli import main
    with Engine.open(workspace_dir) as eng:
        job = eng.jobs.run("models.import", {"path": str(tiny_sd_dir), "name": "tiny", "kind": "image"})
        assert job.state.value == "succeeded", job.error
    code = main(["--workspace", str(workspace_dir), "--json", "generate", "--model", "tiny", "--prompt", "a ball",
                 "--steps", "2", "--width", "16", "--height", "16", "--memory", "low", "--out", str(tmp_path)])
    assert code == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    from engine.image.provenance import read_provenance
    memory = read_provenance(result["images"][0]["path"])["memory"]
    assert memory["attention_slicing"] is True and memory["vae_tiling"] is True


def test_training_that_cannot_allocate_its_lora_layers_fails_with_the_message(eng, tiny_sd_dir, tmp_path):
    from image.tiny import caption_folder
    job = eng.jobs.run("models.import", {"path": str(tiny_sd_dir), "name": "tiny", "kind": "image"})
    assert job.state.value == "succeeded", job.error
    rank = 2**45  # one LoRA matrix of this rank needs petabytes: the allocator refuses at once
    job = eng.jobs.run("image.train", {"model": "tiny", "data": str(caption_folder(tmp_path / "data")),
                                       "resolution": 16, "max_steps": 1, "rank": rank, "name": "huge"})
    assert job.state.value == "failed"
    assert job.error.startswith("out of memory while setting up training at 16x16, batch 1 (RAM; one allocation"), \
        job.error
    assert f"a lower LoRA rank (now {rank})" in job.error and "\n" not in job.error
    assert eng.models.list(role="adapter") == []
