"""A killed rank of a task run fails the job naming it; resuming redoes only its unfinished rows."""
from __future__ import annotations

import csv
import json
import os
import signal

import pytest

from conftest import aigc
from rank_diagnostics import wait_while_running
from test_rank_failure import _rank_pid
from test_task_ranks import TASK


@pytest.mark.slow   # over a minute on 2 shared cores
def test_killed_task_rank_rows_are_redone_on_resume(capsys, tmp_path, tiny_llama):
    from engine.api import Engine
    ws = tmp_path / "ws"
    assert aigc(capsys, ws, "models", "import", str(tiny_llama), "--name", "m")[0] == 0
    (tmp_path / "task.json").write_text(json.dumps(TASK), encoding="utf-8")
    assert aigc(capsys, ws, "task", "create", "--from", str(tmp_path / "task.json"))[0] == 0
    inputs = tmp_path / "in.csv"
    with open(inputs, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["product", "audience"]] + [[f"item {i}", "students"] for i in range(40)])
    eng = Engine.open(ws)
    try:
        def outputs(run_id):
            return [(r["row_index"], r["output_text"], r["seed"]) for r in eng.workspace.db().execute(
                "SELECT * FROM task_outputs WHERE run_id = ? ORDER BY row_index", (run_id,))]
        job = eng.tasks.run("ads", inputs, batch_size=1, max_retries=0, nproc=2)
        wait_while_running(eng, ws, job.id, lambda: len(outputs(job.id)) >= 4)
        os.kill(wait_while_running(eng, ws, job.id, lambda: _rank_pid(ws, 1)), signal.SIGKILL)
        failed = eng.jobs.wait(job.id, timeout=120)
        assert failed.state.value == "failed" and "rank 1 of 2" in failed.error, failed.error
        kept = outputs(job.id)
        assert 4 <= len(kept) < 40
        resumed = eng.jobs.wait(eng.jobs.resume(job.id).id, timeout=300)
        assert resumed.state.value == "succeeded", resumed.error
        assert resumed.result["run_id"] == job.id and resumed.result["reused"] == len(kept)
        two = outputs(job.id)
        one_job = eng.jobs.wait(eng.tasks.run("ads", inputs, batch_size=1, max_retries=0).id, timeout=300)
        assert two == outputs(one_job.result["run_id"])
        assert [r[0] for r in two] == list(range(40))
    finally:
        eng.close()
