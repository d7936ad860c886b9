"""A rank that dies fails the job naming it; the 2-process checkpoint then resumes in 1 process."""
from __future__ import annotations

import json
import time

from conftest import aigc
from rank_diagnostics import describe


def _wait_for(predicate, timeout=180.0, why=None):
    """``predicate()`` once it is true; on timeout, fail with ``why()`` (what the job was doing)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:g} s\n" + (why() if why else ""))


def _ended(eng, job_id):
    """The job, if it ended before the wait did (so the failure names why)."""
    job = eng.jobs.get(job_id)
    return job if job.state.finished else None


def _rank_pid(ws, rank: int) -> int | None:
    for path in (ws / "tmp").glob(f"ranks-*/events-{rank}.jsonl"):
        for line in path.read_text().splitlines():
            event = json.loads(line)
            if event["type"] == "started":
                return event["pid"]
    return None


def test_killed_rank_is_named_and_its_checkpoint_resumes_in_one_process(capsys, tmp_path, tiny_llama, ads,
                                                                       monkeypatch):
    """Rank 0 is killed while it writes its second checkpoint (step 4), a moment fixed in advance: a test
    that kills a rank after seeing a checkpoint races a run that prunes it a few tenths of a second later."""
    from engine.api import Engine
    from engine.training import checkpoints as ck
    from engine.training.runs import get_run, list_runs
    monkeypatch.setenv("AIGC_THREADS", "1")   # the 1-process resume: one thread is much faster on busy cores
    ws = tmp_path / "ws"
    assert aigc(capsys, ws, "models", "import", str(tiny_llama), "--name", "m")[0] == 0
    monkeypatch.setenv("AIGC_FAULT_AT", "checkpoint.write@2")   # inherited by the job's worker and its ranks
    eng = Engine.open(ws)
    try:
        config = {"model": "m", "data": str(ads), "max_steps": 60, "batch_size": 2, "learning_rate": 0.01,
                  "save_every": 2, "eval_every": 1000, "val_fraction": 0, "output_name": "out"}
        job = eng.jobs.submit("text.train", {"config": config, "nproc": 2})
        why = lambda: describe(ws, eng, job.id)  # noqa: E731
        _wait_for(lambda: _ended(eng, job.id), why=why)
        job = eng.jobs.get(job.id)
        assert job.state.value == "failed", why()
        assert "rank 0 of 2 was killed by signal 9 (SIGKILL)" in job.error, why()
        run = list_runs(eng)[0]
        assert get_run(eng, run["id"])["state"] == "failed"
        assert ck.latest_checkpoint(run["dir"]).name == "step-000002"
        assert not list((ws / "tmp").glob("ranks-*")), "the exchange folder is removed"
    finally:
        eng.close()
    monkeypatch.delenv("AIGC_FAULT_AT")
    # the same run in one process keeps its effective batch (2 per device x 1 x 2 processes): 2 accumulation
    code, result, captured = aigc(capsys, ws, "train", "--resume", run["id"])
    assert code == 0, captured.err
    assert result["run_id"] == run["id"] and result["steps"] == 60
    assert result["world_size"] == 1 and result["effective_batch"] == 4
    assert "resumed at step 2" in (ws / "jobs" / f"{result['job']}.log").read_text()
    eng = Engine.open_for_reading(ws)
    try:
        losses = [m for m in eng.jobs.metrics(result["job"]) if m["name"] == "loss"]
    finally:
        eng.close()
    assert losses[0]["step"] == 1 and len(losses) == 60   # the curve of the 2-process steps is carried over
