"""Batch runs of a template-only composite task: every step kept, constraints checked, cancel and resume."""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from engine.errors import UserError
from engine.jobs import JobState

from .helpers import TEMPLATE_TASK, product_rows, write_csv


def test_composite_run_keeps_every_step_and_flags_failures(eng, tmp_path):
    eng.tasks.create(TEMPLATE_TASK)
    rows = [["product", "audience"], ["mug", "students"], ["MegaMart bag", "kids"], ["a very long product name", "x"]]
    job = eng.jobs.wait(eng.tasks.run("slogans", write_csv(tmp_path / "in.csv", rows)).id)
    assert job.state == JobState.SUCCEEDED, job.error
    assert job.result["rows"] == 3 and job.result["outputs"] == 6 and job.result["failed"] == 2
    copies = eng.review.list(task="slogans", step="copy")
    captions = eng.review.list(task="slogans", step="caption")
    assert [c.output_text for c in copies] == ["mug: made for students", "MegaMart bag: made for kids",
                                               "a very long product name: made for x"]
    assert captions[0].output_text == "poster of mug: made for students"
    assert copies[1].failures == ["banned_terms: 'MegaMart' present"]
    assert copies[2].failures == ["max_chars: 29 > 24"]  # whitespace does not count
    assert all(c.passed for c in captions)  # task constraints belong to the first text step
    assert copies[0].input_row == {"product": "mug", "audience": "students"}
    assert copies[0].created_by and copies[0].status == "pending" and copies[0].model is None
    assert [i.id for i in eng.review.list(task="slogans", failed_check="max_chars")] == [copies[2].id]
    run = eng.tasks.runs("slogans")[0]
    assert run["state"] == "finished" and run["total_items"] == 3
    assert (Path(job.result["folder"]) / "run.json").is_file()


def test_limit_and_candidates(eng, tmp_path):
    eng.tasks.create(TEMPLATE_TASK)
    job = eng.jobs.wait(eng.tasks.run("slogans", write_csv(tmp_path / "in.csv", product_rows(10)),
                                      limit=3, candidates=2).id)
    assert job.result["items"] == 6 and job.result["outputs"] == 12


def test_bad_inputs_are_refused_before_a_job_starts(eng, tmp_path):
    eng.tasks.create(TEMPLATE_TASK)
    with pytest.raises(UserError, match=r"missing column\(s\) audience"):
        eng.tasks.run("slogans", write_csv(tmp_path / "in.csv", [["product"], ["mug"]]))
    assert eng.jobs.list() == []


def test_a_step_model_that_was_removed_fails_with_a_clear_message(eng, tmp_path):
    eng.tasks.create({**TEMPLATE_TASK, "name": "with-model",
                      "steps": [{"name": "copy", "model": "gone-model", "template": "{product}"}]})
    job = eng.jobs.wait(eng.tasks.run("with-model", write_csv(tmp_path / "in.csv", product_rows(2))).id)
    assert job.state == JobState.FAILED
    assert "model 'gone-model' is not in the model catalog" in job.error


def test_cancelled_run_resumes_without_redoing_rows(eng, tmp_path):
    eng.tasks.create(TEMPLATE_TASK)
    inputs = write_csv(tmp_path / "in.csv", product_rows(400))
    job = eng.tasks.run("slogans", inputs, batch_size=1)
    con = eng.workspace.db()
    deadline = time.time() + 60
    while con.execute("SELECT count(*) FROM task_outputs").fetchone()[0] < 20 and time.time() < deadline:
        time.sleep(0.01)
    eng.jobs.cancel(job.id)
    job = eng.jobs.wait(job.id)
    assert job.state == JobState.CANCELLED
    before = {r[0]: r[1] for r in con.execute("SELECT id, created_at FROM task_outputs")}
    assert 0 < len(before) < 800
    eng.tasks.create({**TEMPLATE_TASK, "department": "edited meanwhile"}, replace=True)
    resumed = eng.jobs.wait(eng.jobs.resume(job.id).id)
    assert resumed.state == JobState.SUCCEEDED, resumed.error
    assert resumed.result["run_id"] == job.id and resumed.result["reused"] == len(before)
    after = {r[0]: r[1] for r in con.execute("SELECT id, created_at FROM task_outputs")}
    assert len(after) == 800
    # the resumed run used the definition it started with (saved beside the run)
    saved = json.loads((Path(resumed.result["folder"]) / "run.json").read_text(encoding="utf-8"))
    assert saved["task"]["department"] == "Marketing"
    assert all(after[i] == t for i, t in before.items())  # nothing done before was redone


def test_killed_process_run_resumes_where_it_stopped(workspace_dir, tmp_path):
    """SIGKILL the process mid-run; the next process resumes the interrupted job."""
    from engine.api import Engine
    inputs = write_csv(tmp_path / "in.csv", product_rows(800))
    with Engine.open(workspace_dir) as engine_:
        engine_.tasks.create(TEMPLATE_TASK)
    code = textwrap.dedent(f"""
        import time
        from engine.api import Engine
        engine = Engine.open({str(workspace_dir)!r})
        job = engine.tasks.run("slogans", {str(inputs)!r}, batch_size=1)
        print(job.id, flush=True)
        time.sleep(600)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                            cwd=Path(__file__).resolve().parents[2])
    try:
        job_id = proc.stdout.readline().strip()
        import sqlite3
        con = sqlite3.connect(workspace_dir / "workspace.db", timeout=30)
        deadline = time.time() + 60
        while time.time() < deadline:
            if con.execute("SELECT count(*) FROM task_outputs").fetchone()[0] >= 100:
                break
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        con.close()
    finally:
        if proc.poll() is None:
            proc.kill()
    with Engine.open(workspace_dir) as engine_:
        job = engine_.jobs.get(job_id)
        assert job.state == JobState.INTERRUPTED
        con = engine_.workspace.db()
        before = {r[0]: r[1] for r in con.execute("SELECT id, created_at FROM task_outputs")}
        assert 100 <= len(before) < 1600
        resumed = engine_.jobs.wait(engine_.jobs.resume(job_id).id)
        assert resumed.state == JobState.SUCCEEDED, resumed.error
        assert resumed.result["reused"] == len(before)
        after = {r[0]: r[1] for r in con.execute("SELECT id, created_at FROM task_outputs")}
        assert len(after) == 1600
        assert all(after[i] == t for i, t in before.items())
