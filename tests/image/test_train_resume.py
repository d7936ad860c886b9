"""Image LoRA resume: cancel keeps a checkpoint, a resume uses the run's own config and refuses
changed settings, a changed base model or changed training data."""
from __future__ import annotations

import json

import pytest
from safetensors.torch import load_file

from engine.cli import main
from image.tiny import build_tiny_sd, caption_folder

PARAMS = {"model": "tiny-sd", "resolution": 16, "max_steps": 4, "batch_size": 2, "learning_rate": 5e-3, "rank": 4,
          "alpha": 4, "checkpoint_every": 0, "validation_every": 0, "validation_steps": 1, "caption_dropout": 0.2,
          "register": False}


def weights(job):
    return load_file(f"{job.result['path']}/pytorch_lora_weights.safetensors")


def cancelled_at_step_two(eng, params):
    """Start a run and cancel it once step 2 is reported; returns (job, run)."""
    from engine.training import runs
    holder = {}

    def on_event(event):
        if (event.job_id == holder.get("id") and event.type == "metric" and event.data["name"] == "loss"
                and event.data["step"] == 2):
            eng.jobs.cancel(event.job_id)
    eng.jobs.subscribe(on_event)
    job = eng.jobs.submit("image.train", params)
    holder["id"] = job.id
    job = eng.jobs.wait(job.id)
    assert job.state.value == "cancelled", job.error
    run = next(r for r in runs.list_runs(eng, "image.lora") if r.get("job_id") == job.id)
    return job, run


@pytest.fixture
def setup(eng, tiny_sd_dir, tmp_path):
    job = eng.jobs.run("models.import", {"path": str(tiny_sd_dir), "name": "tiny-sd", "kind": "image"})
    assert job.state.value == "succeeded", job.error
    return {**PARAMS, "data": str(caption_folder(tmp_path / "data"))}


def test_cancel_writes_a_checkpoint_and_the_resume_matches_a_straight_run(eng, setup):
    from engine.training import checkpoints
    straight = eng.jobs.run("image.train", setup)
    assert straight.state.value == "succeeded", straight.error
    job, run = cancelled_at_step_two(eng, setup)
    assert 2 <= run["step"] < 4 and run["state"] == "cancelled"
    saved = checkpoints.latest_checkpoint(run["dir"])   # checkpoint_every=0: only the cancel wrote one
    assert saved is not None and checkpoints.load_state(saved)["step"] == run["step"]
    resumed = eng.jobs.wait(eng.jobs.resume(job.id).id)
    assert resumed.state.value == "succeeded", resumed.error
    assert resumed.result["run_id"] == run["id"] and resumed.result["steps"] == 4
    a, b = weights(straight), weights(resumed)
    assert a.keys() == b.keys()
    for key in a:
        assert (a[key] - b[key]).abs().max() < 1e-6, key


def test_resume_refuses_changed_settings_data_and_base(eng, setup, tmp_path):
    from pathlib import Path
    _, run = cancelled_at_step_two(eng, setup)
    changed = eng.jobs.run("image.train", {"resume_run": run["id"], "max_steps": 9, "learning_rate": 1e-3})
    assert changed.state.value == "failed"
    assert "max_steps 4, not 9" in changed.error and "2 settings differ" in changed.error
    caption = Path(setup["data"]) / "img_0.txt"
    original = caption.read_text(encoding="utf-8")
    caption.write_text("a black ball", encoding="utf-8")
    moved = eng.jobs.run("image.train", {"resume_run": run["id"]})
    assert moved.state.value == "failed" and "changed since run" in moved.error, moved.error
    caption.write_text(original, encoding="utf-8")
    eng.models.remove("tiny-sd")
    other = eng.jobs.run("models.import", {"path": str(build_tiny_sd(tmp_path / "other", seed=1)),
                                           "name": "tiny-sd", "kind": "image"})
    assert other.state.value == "succeeded", other.error
    rebased = eng.jobs.run("image.train", {"resume_run": run["id"]})
    assert rebased.state.value == "failed" and "base model 'tiny-sd' changed" in rebased.error, rebased.error


def test_cli_resume_uses_the_stored_config(workspace_dir, tiny_sd_dir, tmp_path, capsys):
    from engine.api import Engine
    with Engine.open(workspace_dir) as eng:
        job = eng.jobs.run("models.import", {"path": str(tiny_sd_dir), "name": "tiny-sd", "kind": "image"})
        assert job.state.value == "succeeded", job.error
        _, run = cancelled_at_step_two(eng, {**PARAMS, "data": str(caption_folder(tmp_path / "data"))})
    code = main(["--workspace", str(workspace_dir), "--json", "train", "--resume", run["id"], "--max-steps", "3"])
    captured = capsys.readouterr()
    assert code != 0 and "max_steps 4, not 3" in captured.err
    code = main(["--workspace", str(workspace_dir), "--json", "train", "--resume", run["id"]])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    result = json.loads(captured.out.strip().splitlines()[-1])
    assert result["run_id"] == run["id"] and result["steps"] == 4
