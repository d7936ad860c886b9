import subprocess
import sys
import textwrap
import threading
import time

from engine.jobs import JobState, job_kind


@job_kind("test.sleepy", title="Sleepy", resumable=True)
def _sleepy(ctx):
    for step in range(int(ctx.params.get("steps", 100))):
        ctx.check_cancelled()
        ctx.metric("loss", 1.0 / (step + 1), step)
        ctx.report((step + 1) / ctx.params.get("steps", 100), f"step {step + 1}")
        time.sleep(ctx.params.get("delay", 0.01))
    return {"steps": ctx.params.get("steps", 100)}


@job_kind("test.boom", title="Boom")
def _boom(ctx):
    ctx.log("about to fail")
    raise ValueError("the input had no rows")


@job_kind("test.late_cancel", title="Late cancel")
def _late_cancel(ctx):
    ctx.check_cancelled()
    (ctx.workspace.root / "written.txt").write_text("done", encoding="utf-8")   # the work's side effect
    ctx.engine.jobs.cancel(ctx.job_id)   # the cancel arrives after the work, before the job is recorded
    return {"written": True}


def test_a_job_whose_work_returned_succeeds_despite_a_late_cancel(eng):
    job = eng.jobs.run("test.late_cancel")
    assert job.state == JobState.SUCCEEDED and job.result == {"written": True}
    assert (eng.workspace.root / "written.txt").read_text(encoding="utf-8") == "done"


def test_job_succeeds_with_progress_metrics_log_and_events(eng):
    events = []
    eng.jobs.subscribe(events.append)
    job = eng.jobs.run("test.sleepy", {"steps": 5, "delay": 0})
    assert job.state == JobState.SUCCEEDED
    assert job.result == {"steps": 5}
    assert job.progress == 1.0
    assert [m["value"] for m in eng.jobs.metrics(job.id)] == [1.0, 0.5, 1 / 3, 0.25, 0.2]
    types = {e.type for e in events if e.job_id == job.id}
    assert {"state", "progress", "metric", "log"} <= types
    assert "finished" in open(job.log_path, encoding="utf-8").read()


def test_failure_keeps_traceback_in_log_and_one_line_message(eng):
    job = eng.jobs.run("test.boom")
    assert job.state == JobState.FAILED
    assert job.error.startswith("ValueError: the input had no rows")
    assert "\n" not in job.error
    log = open(job.log_path, encoding="utf-8").read()
    assert "Traceback" in log and "about to fail" in log


def test_cancel_is_prompt(eng):
    job = eng.jobs.submit("test.sleepy", {"steps": 100000, "delay": 0.01})
    deadline = time.time() + 10
    while eng.jobs.get(job.id).state != JobState.RUNNING and time.time() < deadline:
        time.sleep(0.01)
    started = time.monotonic()
    eng.jobs.cancel(job.id)
    job = eng.jobs.wait(job.id, timeout=10)
    assert job.state == JobState.CANCELLED
    assert time.monotonic() - started < 2


def test_queued_job_can_be_cancelled_before_it_starts(workspace_dir):
    from engine.api import Engine
    with Engine.open(workspace_dir, workers=1) as engine_:
        first = engine_.jobs.submit("test.sleepy", {"steps": 50, "delay": 0.02})
        second = engine_.jobs.submit("test.sleepy", {"steps": 5})
        assert engine_.jobs.cancel(second.id).state == JobState.CANCELLED
        engine_.jobs.wait(first.id)


def test_subscriber_errors_do_not_kill_jobs(eng):
    def broken(event):
        raise RuntimeError("listener bug")
    eng.jobs.subscribe(broken)
    assert eng.jobs.run("test.sleepy", {"steps": 2, "delay": 0}).state == JobState.SUCCEEDED


def test_killed_process_leaves_job_interrupted_and_resumable(workspace_dir):
    code = textwrap.dedent(f"""
        import os, signal, time, sys
        sys.path.insert(0, {str(__import__('pathlib').Path(__file__).parent)!r})
        import test_jobs
        from engine.api import Engine
        eng = Engine.open({str(workspace_dir)!r})
        job = eng.jobs.submit("test.sleepy", {{"steps": 300, "delay": 0.01}})
        while eng.jobs.get(job.id).progress == 0:
            time.sleep(0.05)
        time.sleep(0.6)
        print(job.id, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    job_id = proc.stdout.strip()
    assert proc.returncode == -9, proc.stderr
    from engine.api import Engine
    with Engine.open(workspace_dir) as engine_:
        job = engine_.jobs.get(job_id)
        assert job.state == JobState.INTERRUPTED
        assert job.progress > 0
        resumed = engine_.jobs.wait(engine_.jobs.resume(job_id).id)
        assert resumed.state == JobState.SUCCEEDED
        assert resumed.resumed_from == job_id


def test_events_arrive_on_worker_threads_not_caller(eng):
    threads = set()
    eng.jobs.subscribe(lambda e: threads.add(threading.current_thread().name))
    eng.jobs.run("test.sleepy", {"steps": 1, "delay": 0})
    assert any(name.startswith("aigc-job-worker") for name in threads)


@job_kind("test.finishes_after_cancel", title="Finishes after a late cancel")
def _finishes_after_cancel(ctx):
    ctx.report(0.5, "last check done")   # the test cancels on this event; the job never checks again
    return {"complete": True}


def test_a_job_that_returned_succeeds_even_if_cancelled_after_its_last_check(eng):
    eng.jobs.subscribe(lambda e: eng.jobs.cancel(e.job_id) if e.type == "progress" else None)
    job = eng.jobs.run("test.finishes_after_cancel")
    assert job.state == JobState.SUCCEEDED and job.result == {"complete": True}


def test_isolated_kind_runs_in_a_worker_unless_in_process_is_asked(workspace_dir, monkeypatch):
    import os
    from pathlib import Path
    monkeypatch.syspath_prepend(str(Path(__file__).parent / "reliability"))
    import test_worker_isolation  # noqa: F401 - registers the test.iso.* kinds
    from engine.api import Engine
    with Engine.open(workspace_dir) as engine_:
        assert engine_.jobs.isolate
        assert engine_.jobs.run("test.iso.stream").result["pid"] != os.getpid()
    monkeypatch.setenv("AIGC_INPROCESS_JOBS", "1")
    with Engine.open(workspace_dir) as engine_:
        assert not engine_.jobs.isolate
        assert engine_.jobs.run("test.iso.stream").result["pid"] == os.getpid()
