"""The one bridge between the engine and Qt.

* ``JobBridge`` subscribes once to the engine's job events (delivered on worker
  threads) and re-emits them as Qt signals, which Qt queues onto the GUI thread.
  Widgets listen to the bridge, never to the engine, so no widget is ever touched
  from another thread.
* ``Op`` runs a short engine call (anything that may take more than ~50 ms:
  opening the engine, a database query, device detection that imports torch) on a
  thread pool and hands the result back on the GUI thread::

      Op(self, engine.data.list).success(self.show_rows).failure(show_error).run_in_background()
"""
from __future__ import annotations

import threading
import time
import traceback
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot
from shiboken6 import isValid

from engine.errors import WorkspaceClosed


class JobSignals(QObject):
    """Signals of one job, for widgets that follow a single job (progress row, chart)."""

    state = Signal(str, dict)           # state name, data {"state","message","error"}
    progress = Signal(float, str)       # fraction, message
    metric = Signal(str, int, float)    # name, step, value
    log = Signal(str)
    partial = Signal(dict)


class JobBridge(QObject):
    """Engine job events as Qt signals, emitted on the GUI thread."""

    event = Signal(str, str, dict)           # job id, type, data (every event)
    state_changed = Signal(str, str, dict)   # job id, state, data
    progress = Signal(str, float, str)       # job id, fraction, message
    metric = Signal(str, str, int, float)    # job id, name, step, value
    log = Signal(str, str)                   # job id, text
    partial = Signal(str, dict)              # job id, data
    _incoming = Signal(str, str, dict)       # worker thread -> GUI thread hop

    # Progress events may arrive thousands of times a second (a token each); the
    # GUI needs at most a few dozen a second, so they are coalesced per job.
    PROGRESS_INTERVAL_MS = 50
    REMEMBERED_STATES = 256

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._per_job: dict[str, JobSignals] = {}
        # the latest state event of recent jobs, so a view opened after the event still sees it
        self._latest_state: dict[str, dict] = {}
        self._unsubscribe: Callable[[], None] | None = None
        self._pending_progress: dict[str, dict] = {}
        self._pending_lock = threading.Lock()
        self._flush = QTimer(self)
        self._flush.setInterval(self.PROGRESS_INTERVAL_MS)
        self._flush.setSingleShot(True)
        self._flush.timeout.connect(self._flush_progress)
        self._incoming.connect(self._dispatch)  # queued: emitted from worker threads
        self.engine = None

    def attach(self, engine) -> None:
        """Subscribe to ``engine.jobs`` (once); detaches from a previous engine."""
        self.detach()
        self.engine = engine
        self._unsubscribe = engine.jobs.subscribe(self._on_engine_event)

    def detach(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.engine = None

    def for_job(self, job_id: str) -> JobSignals:
        """The signals of one job (created on first use, dropped when the job ends)."""
        signals = self._per_job.get(job_id)
        if signals is None:
            signals = self._per_job[job_id] = JobSignals(self)
        return signals

    def latest_state(self, job_id: str) -> dict | None:
        """The last state event this bridge delivered for a job, if it saw one."""
        return self._latest_state.get(job_id)

    # -- worker thread side ---------------------------------------------------
    def _on_engine_event(self, event) -> None:
        if event.type == "progress":
            with self._pending_lock:
                first = not self._pending_progress
                self._pending_progress[event.job_id] = dict(event.data)
            if first:
                self._incoming.emit(event.job_id, "_flush", {})
            return
        if event.type == "state":
            self._flush_progress_from_worker()
        self._incoming.emit(event.job_id, event.type, dict(event.data))

    def _flush_progress_from_worker(self) -> None:
        with self._pending_lock:
            pending, self._pending_progress = self._pending_progress, {}
        for job_id, data in pending.items():
            self._incoming.emit(job_id, "progress", data)

    # -- GUI thread side --------------------------------------------------------
    @Slot(str, str, dict)
    def _dispatch(self, job_id: str, kind: str, data: dict) -> None:
        if kind == "_flush":
            if not self._flush.isActive():
                self._flush.start()
            return
        self.event.emit(job_id, kind, data)
        signals = self._per_job.get(job_id)
        if kind == "state":
            self._latest_state.pop(job_id, None)
            self._latest_state[job_id] = dict(data)
            while len(self._latest_state) > self.REMEMBERED_STATES:
                self._latest_state.pop(next(iter(self._latest_state)))
            self.state_changed.emit(job_id, data.get("state", ""), data)
            if signals:
                signals.state.emit(data.get("state", ""), data)
            if data.get("state") in ("succeeded", "failed", "cancelled", "interrupted"):
                dropped = self._per_job.pop(job_id, None)
                if dropped is not None:
                    dropped.deleteLater()
        elif kind == "progress":
            fraction, message = float(data.get("fraction", 0.0)), str(data.get("message", ""))
            self.progress.emit(job_id, fraction, message)
            if signals:
                signals.progress.emit(fraction, message)
        elif kind == "metric":
            name, step, value = str(data["name"]), int(data["step"]), float(data["value"])
            self.metric.emit(job_id, name, step, value)
            if signals:
                signals.metric.emit(name, step, value)
        elif kind == "log":
            self.log.emit(job_id, str(data.get("text", "")))
            if signals:
                signals.log.emit(str(data.get("text", "")))
        elif kind == "partial":
            self.partial.emit(job_id, data)
            if signals:
                signals.partial.emit(data)

    @Slot()
    def _flush_progress(self) -> None:
        with self._pending_lock:
            pending, self._pending_progress = self._pending_progress, {}
        for job_id, data in pending.items():
            self._dispatch(job_id, "progress", data)


class _OpSignals(QObject):
    done = Signal(object, object, str)  # result, exception, traceback text


class _OpRunnable(QRunnable):
    def __init__(self, fn: Callable, args: tuple, kwargs: dict, signals: _OpSignals):
        super().__init__()
        self.fn, self.args, self.kwargs, self.signals = fn, args, kwargs, signals
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self.fn(*self.args, **self.kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed to the failure callback
            self.signals.done.emit(None, exc, traceback.format_exc())
        else:
            self.signals.done.emit(result, None, "")


class Op:
    """A short engine call off the GUI thread, with callbacks back on it.

    ``parent`` is the widget that wants the answer; if it is gone by the time the
    call returns, the callbacks are skipped. A failure without a failure callback
    shows the standard error dialog.
    """

    _pool: QThreadPool | None = None
    _running: set["Op"] = set()
    slowest_ms = 0.0

    def __init__(self, parent: QObject | None, fn: Callable, *args: Any, **kwargs: Any):
        self.parent = parent
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self._success: Callable[[Any], None] | None = None
        self._failure: Callable[[BaseException, str], None] | None = None
        self._signals: _OpSignals | None = None
        self._started = 0.0

    @classmethod
    def pool(cls) -> QThreadPool:
        if cls._pool is None:
            cls._pool = QThreadPool()
            cls._pool.setMaxThreadCount(4)
        return cls._pool

    @classmethod
    def pending(cls) -> int:
        """Calls still in flight (tests wait for this to reach 0)."""
        return len(cls._running)

    def success(self, callback: Callable[[Any], None]) -> "Op":
        self._success = callback
        return self

    def failure(self, callback: Callable[[BaseException, str], None]) -> "Op":
        self._failure = callback
        return self

    def run_in_background(self) -> "Op":
        self._signals = _OpSignals()
        self._signals.done.connect(self._finished)
        Op._running.add(self)
        self._started = time.monotonic()
        self.pool().start(_OpRunnable(self.fn, self.args, self.kwargs, self._signals))
        return self

    def _finished(self, result, exc, details: str) -> None:
        Op._running.discard(self)
        Op.slowest_ms = max(Op.slowest_ms, (time.monotonic() - self._started) * 1000)
        if self._signals is not None:
            self._signals.deleteLater()
            self._signals = None
        if self.parent is not None and not isValid(self.parent):
            return
        if exc is None:
            if self._success is not None:
                self._success(result)
            return
        if self._failure is not None:
            self._failure(exc, details)
            return
        if isinstance(exc, WorkspaceClosed):   # the window closed its workspace meanwhile: nobody waits
            return
        from desktop.widgets.error_dialog import show_error
        show_error(self.parent if isinstance(self.parent, QObject) else None, exc, details)
