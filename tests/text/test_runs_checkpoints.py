"""Training runs and atomic checkpoints (shared by text and image training)."""
import json
import random

import pytest

from engine.errors import NotFound
from engine.training import checkpoints as ck
from engine.training import runs


def test_run_lifecycle(eng):
    run = runs.create_run(eng, "text", {"lr": 1e-3, "steps": 5}, job_id=None)
    assert run["state"] == "created" and run["config"]["lr"] == 1e-3
    assert json.loads((eng.root / "runs" / run["id"] / "config.json").read_text())["steps"] == 5
    runs.update_run(eng, run["id"], state="running", step=3, result={"loss": 1.5})
    again = runs.get_run(eng, run["id"][:-2])
    assert again["step"] == 3 and again["result"] == {"loss": 1.5} and again["state"] == "running"
    assert [r["id"] for r in runs.list_runs(eng, kind="text")] == [run["id"]]
    assert runs.list_runs(eng, kind="image") == []
    with pytest.raises(NotFound):
        runs.get_run(eng, "run-nope")
    with pytest.raises(ValueError):
        runs.update_run(eng, run["id"], state="exploded")


def test_checkpoints_atomic_keep_and_rng(tmp_path):
    import numpy as np
    import torch
    run_dir = tmp_path / "run"

    def writer(value):
        return lambda folder: (folder / "weights.bin").write_bytes(bytes([value]))

    for step in (10, 20, 30, 40):
        ck.save_checkpoint(run_dir, step, writer(step), {"position": step * 2}, keep=2,
                           protect=[ck.checkpoints_dir(run_dir) / "step-000010"])
    names = [p.name for p in ck.list_checkpoints(run_dir)]
    assert names == ["step-000010", "step-000030", "step-000040"]
    latest = ck.latest_checkpoint(run_dir)
    assert ck.load_state(latest) == {"position": 80, "step": 40}

    # a half-written checkpoint (killed mid-write) is ignored and cleaned up
    partial = ck.checkpoints_dir(run_dir) / ".tmp-step-000050-abc123"
    partial.mkdir()
    (partial / "weights.bin").write_bytes(b"x")
    assert ck.latest_checkpoint(run_dir).name == "step-000040"
    assert not partial.exists()

    # a failing writer leaves nothing behind
    def broken(folder):
        raise RuntimeError("disk full")
    with pytest.raises(RuntimeError):
        ck.save_checkpoint(run_dir, 60, broken, {}, keep=2)
    assert ck.latest_checkpoint(run_dir).name == "step-000040"
    assert not any(p.name.startswith(".tmp-") for p in ck.checkpoints_dir(run_dir).iterdir())

    # RNG states round-trip exactly
    random.seed(1); np.random.seed(2); torch.manual_seed(3)
    ck.save_checkpoint(run_dir, 70, writer(1), {}, keep=5)
    expected = (random.random(), float(np.random.rand()), float(torch.rand(1)))
    random.seed(9); np.random.seed(9); torch.manual_seed(9)
    assert ck.restore_checkpoint_rng(ck.latest_checkpoint(run_dir))
    assert (random.random(), float(np.random.rand()), float(torch.rand(1))) == expected
