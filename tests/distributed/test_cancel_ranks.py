"""Cancelling a 2-process training stops every rank together, with a checkpoint of the step they reached."""
from __future__ import annotations

import os

from conftest import aigc
from rank_diagnostics import wait_while_running
from test_rank_failure import _rank_pid, _wait_for


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:   # a zombie is gone for our purpose
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def test_cancel_stops_every_rank_and_checkpoints(capsys, tmp_path, tiny_llama, ads):
    from engine.api import Engine
    from engine.training import checkpoints as ck
    from engine.training.runs import list_runs
    ws = tmp_path / "ws"
    assert aigc(capsys, ws, "models", "import", str(tiny_llama), "--name", "m")[0] == 0
    eng = Engine.open(ws)
    try:
        config = {"model": "m", "data": str(ads), "max_steps": 5000, "batch_size": 2, "save_every": 1000,
                  "eval_every": 1000, "val_fraction": 0}
        job = eng.jobs.submit("text.train", {"config": config, "nproc": 2})
        pids = [wait_while_running(eng, ws, job.id, lambda r=r: _rank_pid(ws, r)) for r in (0, 1)]
        wait_while_running(eng, ws, job.id,
                           lambda: any(m["name"] == "loss" and m["step"] >= 3 for m in eng.jobs.metrics(job.id)))
        eng.jobs.cancel(job.id)
        job = eng.jobs.wait(job.id, timeout=120)
        assert job.state.value == "cancelled", job.error
        _wait_for(lambda: not any(_alive(p) for p in pids), timeout=30)
        run = list_runs(eng)[0]
        assert run["state"] == "cancelled"
        checkpoint = ck.latest_checkpoint(run["dir"])
        assert checkpoint is not None and ck.load_state(checkpoint)["world_size"] == 2
        assert ck.load_state(checkpoint)["step"] >= 3
    finally:
        eng.close()
