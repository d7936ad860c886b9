"""The job worker process: runs isolated job kinds for the process that owns the workspace.

Started by ``engine.jobs.pool`` with the ``spawn`` start method, so it is a fresh
interpreter: torch and the model libraries are imported here, never in the owner.
It attaches to the workspace (no lock; the database and blob store as usual), keeps
one ``Engine`` for its whole life (so the models its facades cached stay loaded for
the next job) and runs one job at a time.

Messages (tuples over one ``multiprocessing`` pipe):

    owner -> worker   ("run", request)  ("cancel", job_id)  ("ack", error|None, cancelled)  ("stop",)
    worker -> owner   ("call", name, kwargs)  ("done", outcome)

Every ``ctx.report/metric/log/partial`` is a ``call`` the owner applies to its own
``JobContext`` (store, log file, publish) before it acks, so events keep their order
and a slow subscriber slows the job exactly as on a thread. A reader thread takes
``cancel`` at any time, even while the job is stuck in native code.
"""
from __future__ import annotations

import faulthandler
import os
import queue
import signal
import sys
import threading
from pathlib import Path

from engine.jobs.context import JobContext
from engine.jobs.model import JobState
from engine.jobs.outcome import Outcome, one_line_reason, run_work


class Channel:
    """The worker's end of the pipe: the job's thread sends, a reader thread receives."""

    def __init__(self, conn):
        self.conn = conn
        self.commands: queue.Queue = queue.Queue()
        self._replies: queue.Queue = queue.Queue()
        self._send_lock = threading.Lock()
        self._current: tuple[str, threading.Event] | None = None
        threading.Thread(target=self._read, name="aigc-worker-reader", daemon=True).start()

    def _read(self) -> None:
        while True:
            try:
                message = self.conn.recv()
            except (EOFError, OSError):
                os._exit(0)  # the owner is gone: nobody to report to, and the workspace is not ours
            if message[0] == "cancel":
                current = self._current
                if current is not None and current[0] == message[1]:
                    current[1].set()
            elif message[0] == "ack":
                current = self._current
                if message[2] and current is not None:
                    current[1].set()
                self._replies.put(message[1])
            elif message[0] == "run":
                event = threading.Event()  # registered here, so a cancel right behind the run is never lost
                self._current = (message[1]["job_id"], event)
                self.commands.put((message, event))
            else:
                self.commands.put((message, None))

    def call(self, method: str, /, **kwargs) -> None:
        with self._send_lock:
            self.conn.send(("call", method, kwargs))
            error = self._replies.get()
        if error:
            raise RuntimeError(error)

    def send(self, message) -> None:
        with self._send_lock:
            self.conn.send(message)


class WorkerContext(JobContext):
    """The ``JobContext`` a job sees in a worker: each call is carried out by the owner."""

    def __init__(self, channel: Channel, request: dict, workspace, engine, cancel_event: threading.Event):
        super().__init__(request["job_id"], request["params"], workspace, Path(request["log_path"]),
                         publish=None, store_progress=None, store_metric=None, cancel_event=cancel_event,
                         resumed_from=request.get("resumed_from"), engine=engine)
        self._channel = channel

    def report(self, fraction: float | None = None, message: str | None = None) -> None:
        if fraction is not None:
            self.fraction = min(1.0, max(0.0, float(fraction)))
        if message is not None:
            self.message = message
        self._channel.call("report", fraction=self.fraction, message=self.message)

    def metric(self, name: str, value: float, step: int) -> None:
        self._channel.call("metric", name=name, value=float(value), step=int(step))

    def log(self, text: str) -> None:
        self._channel.call("log", text=str(text))

    def partial(self, **data) -> None:
        self._channel.call("partial", **data)


def run_job(engine, channel: Channel, request: dict, cancel_event: threading.Event) -> Outcome:
    from engine.jobs.registry import kind_from_module
    from engine.i18n import set_language
    set_language(request.get("language"))   # the language of the program that submitted the job
    with open(request["log_path"], "a", encoding="utf-8") as crash_log:
        # a segfault or abort in native code leaves every thread's Python stack in the job log
        faulthandler.enable(file=crash_log, all_threads=True)
        try:
            try:
                spec = kind_from_module(request["kind"], request["module"])
            except BaseException as exc:  # noqa: BLE001 - reported like any job failure
                import traceback
                return Outcome(JobState.FAILED, reason=one_line_reason(exc), details=traceback.format_exc())
            return run_work(spec, WorkerContext(channel, request, engine.workspace, engine, cancel_event))
        finally:
            faulthandler.disable()


def _die_with_owner(owner_pid: int) -> None:
    """Linux: the kernel kills this process when the thread that started it ends (the owner died),
    even while a job holds the interpreter in native code."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != owner_pid:  # the owner died before the line above took effect
        os._exit(0)


def main(conn, root: str, owner_pid: int) -> None:
    """Entry point of the worker process."""
    # Ctrl-C in a terminal reaches the whole process group; the owner turns it into a cancel.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_owner(owner_pid)
    import engine  # noqa: F401 - offline switches and the network guard, before any model library
    from engine import devices
    # Every core, at a lower priority: when the CPU is short the window (the owner) goes first.
    devices.set_interactive(False)
    devices.lower_priority(5)
    from engine.api import Engine
    channel = Channel(conn)
    worker_engine = Engine.attach(root)
    try:
        while True:
            message, cancel_event = channel.commands.get()
            if message[0] != "run":
                break
            outcome = run_job(worker_engine, channel, message[1], cancel_event)
            channel.send(("done", outcome.to_dict()))
            if outcome.recycle:
                break
    finally:
        worker_engine.close()
    # Nothing is left to write: skip the interpreter's teardown (seconds with torch loaded), but
    # release what multiprocessing tracks (tqdm's lock is a named semaphore) so nothing leaks.
    try:
        from multiprocessing import util
        util._run_finalizers()
    except Exception:  # noqa: BLE001 - best effort on the way out
        pass
    for stream in (sys.stdout, sys.stderr):
        if stream is not None:
            stream.flush()
    os._exit(0)
