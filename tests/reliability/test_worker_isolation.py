"""Heavy jobs run in a worker process: a crash, a kill or a hang there ends the job with a
clear message, and the engine that owns the workspace carries on.

The job kinds below are registered here; the worker imports this module to find them.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from engine.jobs import JobState, job_kind

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


@job_kind("test.iso.stream", title="Stream from a worker", isolated=True)
def _stream(ctx):
    for step in range(3):
        ctx.check_cancelled()
        ctx.metric("loss", 1.0 / (step + 1), step)
        ctx.report((step + 1) / 3, f"step {step + 1}")
        ctx.partial(token=f"t{step}")
    ctx.log("hello from the worker")
    return {"pid": os.getpid(), "text_loaded": ctx.engine.text.loaded()}


@job_kind("test.iso.torch", title="Use torch in a worker", isolated=True)
def _uses_torch(ctx):
    import torch
    return {"pid": os.getpid(), "sum": float(torch.ones(3).sum())}


@job_kind("test.iso.segfault", title="Crash in native code", isolated=True)
def _segfault(ctx):
    ctx.report(0.5, "about to read address 0")
    import ctypes
    ctypes.string_at(0)


@job_kind("test.iso.exit", title="Exit without a word", isolated=True)
def _exit(ctx):
    ctx.report(0.2, "leaving")
    os._exit(3)


@job_kind("test.iso.stuck", title="Stuck without checking cancel", isolated=True)
def _stuck(ctx):
    ctx.report(0.1, "sleeping without checking cancel")
    time.sleep(600)


@job_kind("test.iso.late_cancel", title="Finishes after a late cancel", isolated=True)
def _late_cancel(ctx):
    ctx.report(0.5, "working")      # the test cancels on this event; the job never checks again
    time.sleep(0.3)
    return {"done": True}


def wait_running(eng, job_id, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = eng.jobs.get(job_id)
        if job.state == JobState.RUNNING and job.progress > 0:
            return job
        time.sleep(0.02)
    raise AssertionError(f"job {job_id} never started: {eng.jobs.get(job_id)}")


def job_pid(eng, job_id) -> int:
    return eng.workspace.db().execute("SELECT pid FROM jobs WHERE id = ?", (job_id,)).fetchone()[0]


def test_worker_job_streams_progress_metrics_partials_and_log(iso):
    events = []
    iso.jobs.subscribe(events.append)
    job = iso.jobs.run("test.iso.stream")
    assert job.state == JobState.SUCCEEDED, job.error
    assert job.result["pid"] != os.getpid() and job.result["pid"] == job_pid(iso, job.id)
    assert job.progress == 1.0 and job.message == "step 3"
    assert [m["value"] for m in iso.jobs.metrics(job.id)] == [1.0, 0.5, 1 / 3]
    mine = [e for e in events if e.job_id == job.id]
    assert [e.data["token"] for e in mine if e.type == "partial"] == ["t0", "t1", "t2"]
    assert [e.data["fraction"] for e in mine if e.type == "progress"] == [1 / 3, 2 / 3, 1.0]
    assert [e.data["state"] for e in mine if e.type == "state"] == ["queued", "running", "succeeded"]
    # the order of the worker's calls is kept: metric, progress, partial for each step
    assert [e.type for e in mine if e.type in ("metric", "progress", "partial")][:3] == ["metric", "progress", "partial"]
    log = Path(job.log_path).read_text(encoding="utf-8")
    assert "hello from the worker" in log and f"in worker process {job.result['pid']}" in log and "finished" in log
    # the worker stays: the next job of the same kind runs in the same process
    again = iso.jobs.run("test.iso.stream")
    assert again.result["pid"] == job.result["pid"]


def test_torch_is_imported_in_the_worker_only(tmp_path):
    code = (f"import sys; sys.path.insert(0, {str(HERE)!r})\n"
            "import test_worker_isolation\n"
            "from engine.api import Engine\n"
            f"with Engine.open({str(tmp_path / 'ws')!r}, isolate=True) as eng:\n"
            "    job = eng.jobs.run('test.iso.torch')\n"
            "    print(job.state.value, job.result['sum'], 'torch' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["succeeded", "3.0", "False"]


def test_segfault_fails_the_job_and_the_engine_carries_on(iso):
    job = iso.jobs.run("test.iso.segfault")
    assert job.state == JobState.FAILED
    assert "signal 11 (SIGSEGV)" in job.error and "\n" not in job.error
    assert job.progress == 0.5
    log = Path(job.log_path).read_text(encoding="utf-8")
    assert "Segmentation fault" in log and "_segfault" in log   # the stack at the crash
    after = iso.jobs.run("test.iso.stream")
    assert after.state == JobState.SUCCEEDED and after.result["pid"] != job_pid(iso, job.id)


def test_silent_exit_is_named(iso):
    job = iso.jobs.run("test.iso.exit")
    assert job.state == JobState.FAILED
    assert "ended unexpectedly with exit code 3" in job.error
    assert iso.jobs.run("test.iso.stream").state == JobState.SUCCEEDED


def test_a_job_stuck_in_native_code_is_killed_after_the_grace_period(iso):
    job = iso.jobs.submit("test.iso.stuck")
    wait_running(iso, job.id)
    pid = job_pid(iso, job.id)
    asked = time.monotonic()
    iso.jobs.cancel(job.id)
    job = iso.jobs.wait(job.id, timeout=30)
    waited = time.monotonic() - asked
    assert job.state == JobState.CANCELLED
    assert "worker process was stopped" in job.message
    assert waited >= 1.0                      # the grace period was given
    assert pid not in iso.jobs.worker_pids()
    assert iso.jobs.run("test.iso.stream").state == JobState.SUCCEEDED


def test_a_job_that_returned_succeeds_even_if_a_cancel_came_late(iso):
    iso.jobs.subscribe(lambda e: iso.jobs.cancel(e.job_id) if e.type == "progress" else None)
    job = iso.jobs.run("test.iso.late_cancel")
    assert job.state == JobState.SUCCEEDED and job.result == {"done": True}


def test_a_dead_idle_worker_is_replaced(iso):
    first = iso.jobs.run("test.iso.stream")
    os.kill(first.result["pid"], signal.SIGKILL)
    deadline = time.monotonic() + 10
    while first.result["pid"] in iso.jobs.worker_pids() and time.monotonic() < deadline:
        time.sleep(0.02)
    second = iso.jobs.run("test.iso.stream")
    assert second.state == JobState.SUCCEEDED and second.result["pid"] != first.result["pid"]


def test_shutdown_stops_the_workers(workspace_dir):
    from engine.api import Engine
    eng = Engine.open(workspace_dir, isolate=True)
    pid = eng.jobs.run("test.iso.stream").result["pid"]
    eng.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        raise AssertionError(f"worker {pid} still alive after close")


TRAIN = dict(model="base", max_steps=12, batch_size=4, save_every=3, eval_every=6, learning_rate=5e-3,
             output_name="out")


def test_sigkill_during_training_fails_the_job_then_resume_finishes(iso, tiny_llama_dir, text_data):
    assert iso.jobs.run("models.import", {"path": str(tiny_llama_dir), "name": "base"}).state == JobState.SUCCEEDED
    reached, killed = threading.Event(), threading.Event()

    def hold_at_step_5(event):
        if event.type == "metric" and event.data["name"] == "loss" and event.data["step"] == 5:
            reached.set()
            killed.wait(30)   # the worker waits for this call to be carried out, like a job on a thread
    unsubscribe = iso.jobs.subscribe(hold_at_step_5)
    job = iso.jobs.submit("text.train", {"config": {**TRAIN, "data": str(text_data)}})
    assert reached.wait(180), "training never reached step 5"
    os.kill(job_pid(iso, job.id), signal.SIGKILL)   # what the out-of-memory killer does
    killed.set()
    job = iso.jobs.wait(job.id, timeout=60)
    unsubscribe()
    assert job.state == JobState.FAILED
    assert "killed by signal 9 (SIGKILL)" in job.error and "ran out of memory" in job.error
    assert "resume" in job.error and "\n" not in job.error
    run = iso.text.runs()[0]
    assert run["state"] == "interrupted" and run["step"] == 3      # the last checkpoint

    other = iso.jobs.run("test.iso.stream")                        # the engine still runs jobs
    assert other.state == JobState.SUCCEEDED

    resumed = iso.jobs.wait(iso.jobs.resume(job.id).id, timeout=300)
    assert resumed.state == JobState.SUCCEEDED, resumed.error
    assert resumed.result["run_id"] == run["id"]
    curve = {m["step"]: m["value"] for m in iso.jobs.metrics(resumed.id) if m["name"] == "loss"}
    assert sorted(curve) == list(range(1, 13))   # history up to the checkpoint, then steps 4..12
    assert iso.models.get("out").lineage["run_id"] == run["id"]


def test_generation_keeps_its_model_warm_in_the_worker(workspace_dir, tiny_llama_dir):
    from engine.api import Engine
    with Engine.open(workspace_dir, isolate=True, workers=1) as eng:
        assert eng.jobs.run("models.import", {"path": str(tiny_llama_dir), "name": "base"}).state == JobState.SUCCEEDED
        tokens = []
        eng.jobs.subscribe(lambda e: tokens.append(e.data["token"]) if e.type == "partial" else None)
        pids = []
        for prompt in ("Write a short ad for tea.", "Write a short ad for soap."):
            job = eng.text.generate("base", [prompt], {"max_new_tokens": 4, "seed": 1})
            job = eng.jobs.wait(job.id, timeout=300)
            assert job.state == JobState.SUCCEEDED, job.error
            pids.append(job_pid(eng, job.id))
        assert tokens, "no token streamed back from the worker"
        probe = eng.jobs.run("test.iso.stream")
        assert pids[0] == pids[1] == probe.result["pid"]
        assert probe.result["text_loaded"]["model"] == "base"     # still loaded for the next request
        assert eng.text.loaded() is None                          # and never in this process
