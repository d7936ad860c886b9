"""``aigc train --nproc 2``: two gloo ranks on the CPU train the same run one process would."""
from __future__ import annotations

import pytest

from conftest import aigc

# no dropout: its masks come from each process's own random stream, the one thing that differs
TRAIN = ("--max-steps", "4", "--lr", "0.01", "--batch-size", "2", "--val-fraction", "0", "--seed", "3",
         "--save-every", "2", "--eval-every", "100", "--lora-dropout", "0")


def _import(capsys, ws, path):
    code, _, captured = aigc(capsys, ws, "models", "import", str(path), "--name", "m")
    assert code == 0, captured.err


def test_two_processes_match_one_with_the_same_effective_batch(capsys, tmp_path, tiny_llama, ads, monkeypatch):
    ws = tmp_path / "ws"
    _import(capsys, ws, tiny_llama)
    # torchrun settings a cluster job or a shell profile left behind do not reach the run on this machine
    monkeypatch.setenv("PET_NNODES", "2")       # torchrun would wait for a second machine
    monkeypatch.setenv("PET_NO_PYTHON", "1")    # torchrun would refuse to run a module
    monkeypatch.setenv("TORCHELASTIC_RUN_ID", "outer-job")
    code, two, captured = aigc(capsys, ws, "train", "--model", "m", "--data", str(ads), *TRAIN,
                               "--grad-accum", "1", "--nproc", "2", "--name", "two")
    assert code == 0, captured.err
    assert two["world_size"] == 2 and two["effective_batch"] == 4 and two["steps"] == 4
    code, one, captured = aigc(capsys, ws, "train", "--model", "m", "--data", str(ads), *TRAIN,
                               "--grad-accum", "2", "--name", "one")
    assert code == 0, captured.err
    assert one["world_size"] == 1 and one["effective_batch"] == 4
    from engine.api import Engine
    eng = Engine.open_for_reading(ws)
    try:
        def losses(job):
            return [m["value"] for m in eng.jobs.metrics(job) if m["name"] == "loss"]
        a, b = losses(two["job"]), losses(one["job"])
    finally:
        eng.close()
    assert len(a) == len(b) == 4
    assert a == pytest.approx(b, rel=1e-4, abs=1e-5)
