"""Image LoRA training killed with SIGKILL in another process resumes from its last checkpoint and
finishes with the same losses and weights as a run that was never interrupted."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from safetensors.torch import load_file

from image.tiny import caption_folder

ROOT = Path(__file__).resolve().parents[2]
STEPS, CHECKPOINT_EVERY, PAUSE_AT = 6, 2, 5

CHILD = """
import os, sys, time
sys.path.insert(0, {root!r})
import engine
from engine.api import Engine
eng = Engine.open({ws!r})
def pause(event):
    if event.type == "metric" and event.data["name"] == "loss" and event.data["step"] == {pause_at}:
        with open({flag!r} + ".tmp", "w") as handle:
            handle.write(event.job_id)
        os.replace({flag!r} + ".tmp", {flag!r})  # the parent must never see an empty flag
        time.sleep(600)
eng.jobs.subscribe(pause)
eng.jobs.run("image.train", {params!r})
"""


def losses(eng, job_id) -> dict[int, float]:
    return {m["step"]: m["value"] for m in eng.jobs.metrics(job_id) if m["name"] == "loss"}


def test_sigkill_mid_run_then_resume_matches_an_uninterrupted_run(tmp_path, tiny_sd_dir):
    from engine.api import Engine
    ws, flag = tmp_path / "ws", tmp_path / "paused"
    params = {"model": "tiny", "data": str(caption_folder(tmp_path / "data")), "resolution": 16, "max_steps": STEPS,
              "batch_size": 2, "learning_rate": 5e-3, "rank": 4, "alpha": 4, "checkpoint_every": CHECKPOINT_EVERY,
              "validation_steps": 1, "caption_dropout": 0.2, "flip": True}
    with Engine.open(ws) as eng:
        job = eng.jobs.run("models.import", {"path": str(tiny_sd_dir), "name": "tiny", "kind": "image"})
        assert job.state.value == "succeeded", job.error
        reference = eng.jobs.run("image.train", {**params, "name": "reference"})
        assert reference.state.value == "succeeded", reference.error
        reference_losses = losses(eng, reference.id)

    child = subprocess.Popen([sys.executable, "-c", CHILD.format(root=str(ROOT), ws=str(ws), flag=str(flag),
                                                                 pause_at=PAUSE_AT, params={**params, "name": "out"})],
                             cwd=ROOT, env={**os.environ, "AIGC_DEVICE": "cpu"})
    try:
        deadline = time.monotonic() + 120
        while not flag.exists() and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.05)
        assert flag.exists(), f"training never reached step {PAUSE_AT}"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
    job_id = flag.read_text()

    with Engine.open(ws) as eng:
        assert eng.jobs.get(job_id).state.value == "interrupted"
        from engine.training import runs
        run = next(r for r in runs.list_runs(eng, "image.lora") if r.get("job_id") == job_id)
        assert run["state"] == "interrupted" and run["step"] == PAUSE_AT - 1
        resumed = eng.jobs.wait(eng.jobs.resume(job_id).id)
        assert resumed.state.value == "succeeded", resumed.error
        assert resumed.result["run_id"] == run["id"] and resumed.result["steps"] == STEPS
        curve = losses(eng, resumed.id)
        assert sorted(curve) == list(range(1, STEPS + 1))  # the chart continues from the saved history
        for step in range(PAUSE_AT, STEPS + 1):
            assert curve[step] == pytest.approx(reference_losses[step], rel=1e-5, abs=1e-6), step
        assert eng.models.get("out").lineage["run_id"] == run["id"]
        a = load_file(Path(reference.result["path"]) / "pytorch_lora_weights.safetensors")
        b = load_file(Path(resumed.result["path"]) / "pytorch_lora_weights.safetensors")
        assert a.keys() == b.keys()
        for key in a:
            assert (a[key] - b[key]).abs().max() < 1e-5, key
