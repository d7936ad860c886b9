"""Worker processes for isolated job kinds, seen from the process that owns the workspace.

A ``WorkerPool`` keeps at most ``size`` long-lived worker processes (one per runner
thread). Each runs one job at a time and keeps what it loaded between jobs, so a job
goes preferably to the idle worker that last ran the same kind (its model is warm).
A worker that died is replaced by a fresh one on the next job; ``close`` stops them all.

Cancel is cooperative first (the worker sets the job's cancel event), then the worker
is killed when the job has not ended ``grace`` seconds later. A worker that dies in
the middle of a job (out-of-memory kill, segfault, abort) fails that job with a line
naming the cause; the owner carries on.
"""
from __future__ import annotations

import atexit
import multiprocessing
import os
import threading
import time
import weakref
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import wait

from engine.jobs.model import JobState
from engine.jobs.outcome import Outcome, death_reason, one_line_reason
from engine.i18n import tr

CALLS = ("report", "metric", "log", "partial")
_pools: weakref.WeakSet = weakref.WeakSet()
_start_lock = threading.Lock()


def _start_without_main(process) -> None:
    """Start a spawned process without re-running the program's main script in it (the
    desktop's would load Qt there); the worker needs nothing from it."""
    from multiprocessing import spawn
    original = spawn.get_preparation_data

    def preparation(name):
        data = original(name)
        data.pop("init_main_from_path", None)
        data.pop("init_main_from_name", None)
        return data
    with _start_lock:
        spawn.get_preparation_data = preparation
        try:
            process.start()
        finally:
            spawn.get_preparation_data = original


class WorkerProcess:
    def __init__(self, root: str):
        from engine.jobs.worker import main
        context = multiprocessing.get_context("spawn")
        self.conn, child_end = context.Pipe(duplex=True)
        self.process = context.Process(target=main, args=(child_end, str(root), os.getpid()),
                                       name="aigc-job-worker", daemon=False)
        _start_without_main(self.process)
        child_end.close()
        self.last_kind: str | None = None
        self.jobs_run = 0
        self.retired = False

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def alive(self) -> bool:
        return not self.retired and self.process.is_alive()

    def run(self, request: dict, ctx, cancel_event: threading.Event, grace: float, resumable: bool) -> Outcome:
        """Run one job; every call the job makes on its context is applied to ``ctx`` here."""
        self.last_kind = request["kind"]
        self.jobs_run += 1
        cancel_sent: float | None = None
        try:
            self.conn.send(("run", request))
        except OSError:
            return self._died(cancel_sent, resumable)
        while True:
            ready = wait([self.conn, self.process.sentinel], timeout=0.1)
            if self.conn in ready:
                try:
                    message = self.conn.recv()
                except (EOFError, OSError):
                    return self._died(cancel_sent, resumable)
                if message[0] == "done":
                    outcome = Outcome.from_dict(message[1])
                    if outcome.recycle:
                        self.stop()
                    return outcome
                if message[0] == "call":
                    error = None
                    try:
                        if message[1] not in CALLS:
                            raise ValueError(f"unknown job context call '{message[1]}'")
                        getattr(ctx, message[1])(**message[2])
                    except Exception as exc:  # noqa: BLE001 - the job sees it as its own error
                        error = one_line_reason(exc)
                    try:
                        # the cancel travels with the ack: a subscriber that cancels on an event
                        # stops the job at that very call, as it would on a thread
                        self.conn.send(("ack", error, cancel_event.is_set()))
                        if cancel_event.is_set() and cancel_sent is None:
                            cancel_sent = time.monotonic()
                    except OSError:
                        return self._died(cancel_sent, resumable)
            elif self.process.sentinel in ready:
                return self._died(cancel_sent, resumable)
            if cancel_event.is_set():
                now = time.monotonic()
                if cancel_sent is None:
                    cancel_sent = now
                    try:
                        self.conn.send(("cancel", request["job_id"]))
                    except OSError:
                        pass
                elif now - cancel_sent > grace:
                    self.kill()
                    return Outcome(JobState.CANCELLED,
                                   reason=f"cancelled (the job did not stop within {grace:g} s of the request, "
                                          f"so its worker process was stopped)")

    def _died(self, cancel_sent: float | None, resumable: bool) -> Outcome:
        self.retired = True
        self.process.join(5)
        code = self.process.exitcode
        if code is None:
            self.kill()
        if cancel_sent is not None:
            return Outcome(JobState.CANCELLED, reason=tr("cancelled (the worker process ended while stopping)"))
        reason = death_reason(code, resumable)
        return Outcome(JobState.FAILED, reason=reason,
                       details=f"worker process {self.pid} ended with exit code {code}: {reason}\n")

    def kill(self) -> None:
        self.retired = True
        if self.process.is_alive():
            self.process.kill()
        self.process.join(10)
        self._close_conn()

    def request_stop(self) -> None:
        self.retired = True
        try:
            self.conn.send(("stop",))
        except (OSError, ValueError):
            pass

    def stop(self, timeout: float = 5.0) -> None:
        """Ask the worker to finish (it closes its engine), then kill it if it does not."""
        self.request_stop()
        self.process.join(timeout)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(10)
        self._close_conn()

    def _close_conn(self) -> None:
        try:
            self.conn.close()
        except OSError:
            pass


class WorkerPool:
    def __init__(self, root, size: int):
        self.root = str(root)
        self.size = max(1, int(size))
        self._idle: list[WorkerProcess] = []
        self._busy: list[WorkerProcess] = []
        self._lock = threading.Lock()
        self._closed = False
        # Workers are started from this one long-lived thread: on Linux a worker dies with the
        # thread that started it (see engine.jobs.worker), which must not be a runner thread
        # that could end while another thread's job still uses that worker.
        self._launcher = ThreadPoolExecutor(1, thread_name_prefix="aigc-worker-launcher")
        _pools.add(self)

    def checkout(self, kind: str) -> WorkerProcess:
        """An idle worker for ``kind``: the one that ran that kind last, else a new one while
        there is room, else the idle one with the fewest jobs."""
        with self._lock:
            if self._closed:
                raise RuntimeError("the job runner is shutting down")
            for worker in [w for w in self._idle if not w.alive()]:
                self._idle.remove(worker)
                worker.kill()
            chosen = next((w for w in self._idle if w.last_kind == kind), None)
            if chosen is None and len(self._idle) + len(self._busy) >= self.size and self._idle:
                chosen = min(self._idle, key=lambda w: w.jobs_run)
            if chosen is not None:
                self._idle.remove(chosen)
            else:
                chosen = self._launcher.submit(WorkerProcess, self.root).result()
            self._busy.append(chosen)
            return chosen

    def checkin(self, worker: WorkerProcess) -> None:
        with self._lock:
            if worker in self._busy:
                self._busy.remove(worker)
            if worker.alive() and not self._closed:
                self._idle.append(worker)
                return
        if not worker.retired or worker.process.is_alive():
            worker.stop()

    def workers(self) -> list[WorkerProcess]:
        with self._lock:
            return self._idle + self._busy

    def close(self) -> None:
        """Stop idle workers; kill those still busy (their runner thread did not finish in time)."""
        with self._lock:
            self._closed = True
            idle, busy = self._idle, self._busy
            self._idle, self._busy = [], []
        for worker in idle:
            worker.request_stop()
        for worker in idle:
            worker.stop()
        for worker in busy:
            worker.kill()
        self._launcher.shutdown(wait=True)


@atexit.register
def _close_all() -> None:
    """An owner that exits without closing its engine must not leave workers behind (or hang
    in multiprocessing's own exit handler, which joins every child)."""
    for pool in list(_pools):
        pool.close()
