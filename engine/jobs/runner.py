"""Runs jobs on background threads, records them in the workspace, publishes events.

Subscribers are plain callables taking a ``JobEvent``; they are called on the
runner's thread, so a GUI must hop to its own thread (the desktop bridge does).

A kind declared ``isolated`` runs in a worker process (``engine.jobs.pool``); its
runner thread carries the job's calls over, so events, storage and this API are
the same either way. ``AIGC_INPROCESS_JOBS=1`` (or ``isolate=False``) runs every
job on its thread instead.
"""
from __future__ import annotations

import json
import os
import threading
import time
import traceback
import uuid
from collections import deque
from typing import Callable

from engine import i18n
from engine.errors import NotFound, UserError
from engine.jobs import logfile
from engine.jobs.context import JobContext
from engine.jobs.model import Job, JobEvent, JobState
from engine.jobs.outcome import Outcome, one_line_reason, run_work  # noqa: F401 - one_line_reason is public here
from engine.jobs.registry import get_kind
from engine.i18n import tr

Subscriber = Callable[[JobEvent], None]
DEFAULT_KILL_GRACE = 10.0


def isolate_by_default() -> bool:
    return os.environ.get("AIGC_INPROCESS_JOBS", "").strip().lower() not in ("1", "true", "yes", "on")


def kill_grace_default() -> float:
    try:
        return max(0.0, float(os.environ.get("AIGC_JOB_KILL_GRACE", DEFAULT_KILL_GRACE)))
    except ValueError:
        return DEFAULT_KILL_GRACE


class JobRunner:
    def __init__(self, workspace, workers: int = 2, engine=None, isolate: bool | None = None,
                 kill_grace: float | None = None, attached: bool = False):
        """``isolate``: run isolated kinds in worker processes (default: yes, unless
        ``AIGC_INPROCESS_JOBS=1``). ``kill_grace``: seconds a cancelled worker job gets to stop
        before its process is killed. ``attached``: this runner lives in a worker process and
        must leave the owner's jobs alone."""
        self.workspace = workspace
        self.engine = engine
        self.isolate = (isolate_by_default() if isolate is None else bool(isolate)) and not attached
        self.kill_grace = kill_grace_default() if kill_grace is None else float(kill_grace)
        self._pool = None
        if self.isolate:
            from engine.jobs.pool import WorkerPool
            self._pool = WorkerPool(workspace.root, workers)
        self._subscribers: list[Subscriber] = []
        self._sub_lock = threading.Lock()
        self._queue: deque[str] = deque()
        self._cv = threading.Condition()
        self._cancel_events: dict[str, threading.Event] = {}
        self._done_events: dict[str, threading.Event] = {}
        self._stopping = False
        self._threads = [threading.Thread(target=self._worker, name=f"aigc-job-worker-{i}", daemon=True)
                         for i in range(workers)]
        self.interrupted_at_start = [] if attached else self._mark_interrupted()
        for thread in self._threads:
            thread.start()

    # -- bookkeeping -------------------------------------------------------
    def _mark_interrupted(self) -> list[str]:
        """Jobs left running or queued by a process that died are now interrupted."""
        if getattr(self.workspace, "read_only", False):  # another process owns these jobs
            return []
        con = self.workspace.db()
        ids = [r[0] for r in con.execute("SELECT id FROM jobs WHERE state IN ('running','queued')")]
        if ids:
            con.execute("UPDATE jobs SET state='interrupted', message='the program stopped while this job was running',"
                        " finished_at=? WHERE state IN ('running','queued')", (time.time(),))
        return ids

    def log_path(self, job_id: str):
        return self.workspace.folder("jobs") / f"{job_id}.log"

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        with self._sub_lock:
            self._subscribers.append(callback)

        def unsubscribe():
            with self._sub_lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)
        return unsubscribe

    def _publish(self, event: JobEvent) -> None:
        with self._sub_lock:
            subscribers = list(self._subscribers)
        for callback in subscribers:
            try:
                callback(event)
            except Exception:  # a broken listener must not kill the job
                traceback.print_exc()

    def _set_state(self, job_id: str, state: JobState, **fields) -> None:
        sets = ["state = ?"]
        values: list = [state.value]
        for key, value in fields.items():
            sets.append(f"{key} = ?")
            values.append(value)
        values.append(job_id)
        self.workspace.db().execute(f"UPDATE jobs SET {', '.join(sets)} WHERE id = ?", values)
        self._publish(JobEvent(job_id, "state", {"state": state.value, "message": fields.get("message", ""),
                                                 "error": fields.get("error")}))

    # -- public API ----------------------------------------------------------
    def submit(self, kind: str, params: dict | None = None, title: str | None = None,
               resumed_from: str | None = None) -> Job:
        spec = get_kind(kind)
        params = dict(params or {})
        if spec.check is not None and self.engine is not None:
            spec.check(self.engine, params)  # bad input is refused here: no job row, no folder
        if spec.resumable:
            self._refuse_twin(kind, params)
        job_id = time.strftime("%Y%m%d-%H%M%S-") + uuid.uuid4().hex[:6]
        self.workspace.db().execute(
            "INSERT INTO jobs(id, kind, title, state, params, resumable, resumed_from, created_at) "
            "VALUES (?, ?, ?, 'queued', ?, ?, ?, ?)",
            (job_id, kind, title or spec.title, json.dumps(params, ensure_ascii=False, default=str),
             int(spec.resumable), resumed_from, time.time()))
        self._cancel_events[job_id] = threading.Event()
        self._done_events[job_id] = threading.Event()
        self._publish(JobEvent(job_id, "state", {"state": "queued", "message": "", "error": None}))
        with self._cv:
            self._queue.append(job_id)
            self._cv.notify()
        return self.get(job_id)

    def _refuse_twin(self, kind: str, params: dict) -> None:
        """A training or task run that is already queued or running with the same settings (a double click
        on Start or Resume) would write the same run folder twice at once."""
        text = json.dumps(params, ensure_ascii=False, default=str)
        row = self.workspace.db().execute(
            "SELECT id, state FROM jobs WHERE kind = ? AND params = ? AND state IN ('queued','running') "
            "ORDER BY created_at LIMIT 1", (kind, text)).fetchone()
        if row is not None:
            raise UserError(tr("job {id} with the same settings is already {state}", id=row['id'], state=row['state']),
                            hint=tr("wait for it to finish, or cancel it first"))

    def get(self, job_id: str) -> Job:
        row = self.workspace.db().execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            row = self.workspace.db().execute("SELECT * FROM jobs WHERE id LIKE ? ORDER BY created_at DESC",
                                              (job_id + "%",)).fetchone()
        if row is None:
            raise NotFound(tr("no job with id {job_id}", job_id=job_id), hint=tr("'aigc jobs list' shows the jobs"))
        return Job.from_row(row, str(self.log_path(row["id"])))

    def list(self, limit: int = 200, states: list[str] | None = None) -> list[Job]:
        sql, args = "SELECT * FROM jobs", []
        if states:
            sql += f" WHERE state IN ({','.join('?' * len(states))})"
            args += states
        sql += " ORDER BY created_at DESC LIMIT ?"
        args.append(limit)
        return [Job.from_row(r, str(self.log_path(r["id"]))) for r in self.workspace.db().execute(sql, args)]

    def metrics(self, job_id: str) -> list[dict]:
        rows = self.workspace.db().execute(
            "SELECT step, name, value FROM job_metrics WHERE job_id = ? ORDER BY step", (job_id,))
        return [dict(r) for r in rows]

    def cancel(self, job_id: str) -> Job:
        job = self.get(job_id)
        event = self._cancel_events.get(job.id)
        if job.state.finished:
            return job
        if event is None:
            raise UserError(tr("job {id} belongs to another process and cannot be cancelled from here", id=job.id))
        event.set()
        with self._cv:
            if job.id in self._queue:
                self._queue.remove(job.id)
                self._set_state(job.id, JobState.CANCELLED, message=tr("cancelled before it started"),
                                finished_at=time.time())
                self._done_events[job.id].set()
        return self.get(job.id)

    def resume(self, job_id: str) -> Job:
        """Start a new job that continues an interrupted, cancelled or failed resumable one."""
        job = self.get(job_id)
        if not job.resumable:
            from engine.jobs.registry import resumable_kinds
            raise UserError(tr("job {id} ({kind}) cannot be resumed: a {kind} job keeps nothing when it stops, so it "
                               "starts over (only {items} jobs continue)", id=job.id, kind=job.kind, items=', '.join(resumable_kinds())),
                            hint=tr("run the same command again"))
        if not job.state.finished or job.state == JobState.SUCCEEDED:
            raise UserError(tr("job {id} is {value}; only a stopped job can be resumed", id=job.id, value=job.state.value))
        return self.submit(job.kind, job.params, title=job.title, resumed_from=job.id)

    def wait(self, job_id: str, timeout: float | None = None) -> Job:
        job = self.get(job_id)
        done = self._done_events.get(job.id)
        if done is not None:
            done.wait(timeout)
        return self.get(job.id)

    def run(self, kind: str, params: dict | None = None, title: str | None = None) -> Job:
        """Submit and wait: for scripts and tests."""
        return self.wait(self.submit(kind, params, title).id)

    def active(self) -> list[Job]:
        return self.list(states=["queued", "running"])

    def shutdown(self, cancel: bool = True, timeout: float = 30) -> None:
        if cancel:
            for job in self.active():
                event = self._cancel_events.get(job.id)
                if event:
                    event.set()
        with self._cv:
            self._stopping = True
            self._queue.clear()
            self._cv.notify_all()
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        if self._pool is not None:
            self._pool.close()

    def worker_pids(self) -> list[int]:
        """Process ids of the live worker processes (diagnostics and tests)."""
        return [w.pid for w in self._pool.workers() if w.alive()] if self._pool is not None else []

    # -- worker --------------------------------------------------------------
    def _worker(self) -> None:
        while True:
            with self._cv:
                while not self._queue and not self._stopping:
                    self._cv.wait()
                if self._stopping:
                    return
                job_id = self._queue.popleft()
            self._execute(job_id)

    def _execute(self, job_id: str) -> None:
        try:
            self._run_and_record(job_id)
        finally:
            self._done_events[job_id].set()

    def _run_and_record(self, job_id: str) -> None:
        job = self.get(job_id)
        spec = get_kind(job.kind)
        log_path = self.log_path(job_id)
        con = self.workspace.db()

        def store_progress(fraction: float, message: str) -> None:
            con.execute("UPDATE jobs SET progress = ?, message = ? WHERE id = ?", (fraction, message, job_id))

        def store_metric(step: int, name: str, value: float) -> None:
            con.execute("INSERT INTO job_metrics(job_id, step, name, value, at) VALUES (?, ?, ?, ?, ?)",
                        (job_id, step, name, value, time.time()))

        cancel_event = self._cancel_events[job_id]
        ctx = JobContext(job_id, job.params, self.workspace, log_path, self._publish, store_progress,
                         store_metric, cancel_event, job.resumed_from, self.engine)
        # a kind defined in a script's __main__ cannot be imported by a worker: it runs here
        isolated = self._pool is not None and spec.isolated and spec.module != "__main__"
        worker = None
        try:
            worker = self._pool.checkout(job.kind) if isolated else None
            self._set_state(job_id, JobState.RUNNING, started_at=time.time(), message=tr("started"),
                            pid=worker.pid if worker else os.getpid())
            ctx.log(tr("job {id} ({kind}) started", id=job_id, kind=job.kind)
                    + (tr(", resuming {id}", id=job.resumed_from) if job.resumed_from else "")
                    + (tr(" in worker process {pid}", pid=worker.pid) if worker else ""))
            if worker is None:
                outcome = run_work(spec, ctx)
            else:
                request = {"job_id": job_id, "kind": job.kind, "module": spec.module, "params": job.params,
                           "resumed_from": job.resumed_from, "log_path": str(log_path),
                           "language": i18n.language()}
                outcome = worker.run(request, ctx, cancel_event, self.kill_grace, spec.resumable)
        except BaseException as exc:  # noqa: BLE001 - the runner itself failed (database, worker start)
            outcome = Outcome(JobState.FAILED, reason=one_line_reason(exc), details=traceback.format_exc(),
                              options=tuple(getattr(exc, "options", ())))
        finally:
            if worker is not None:
                self._pool.checkin(worker)
        self._record(job_id, ctx, outcome)

    def _record(self, job_id: str, ctx: JobContext, outcome: Outcome) -> None:
        if outcome.state == JobState.SUCCEEDED:
            ctx.log(tr("finished"))
            self._set_state(job_id, JobState.SUCCEEDED, message=ctx.message or tr("done"), progress=1.0,
                            result=outcome.result_json, finished_at=time.time())
            return
        if outcome.state == JobState.CANCELLED:
            ctx.log(outcome.reason or tr("cancelled"))
            self._set_state(job_id, JobState.CANCELLED, message=outcome.reason or tr("cancelled"),
                            finished_at=time.time(), progress=ctx.fraction)
            return
        logfile.append(ctx.log_path, outcome.details)
        self._set_state(job_id, JobState.FAILED, message=outcome.reason, error=outcome.reason,
                        error_options=json.dumps(list(outcome.options)) if outcome.options else None,
                        finished_at=time.time(), progress=ctx.fraction)
