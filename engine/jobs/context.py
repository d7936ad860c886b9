"""What a work function sees of its job: report, metric, log, partial, cancelled."""
from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Callable

from engine.errors import Cancelled
from engine.jobs import logfile
from engine.jobs.model import JobEvent


class NoJob:
    """Stands in for a job's context when work that reports progress runs outside a job."""

    def report(self, fraction, message=""):
        pass

    def log(self, text):
        pass

    def check_cancelled(self):
        pass


class JobContext:
    def __init__(self, job_id: str, params: dict, workspace, log_path: Path,
                 publish: Callable[[JobEvent], None], store_progress: Callable[[float, str], None],
                 store_metric: Callable[[int, str, float], None], cancel_event: threading.Event,
                 resumed_from: str | None = None, engine=None):
        self.job_id = job_id
        self.engine = engine
        self.params = params
        self.workspace = workspace
        self.log_path = log_path
        self.resumed_from = resumed_from
        self._publish = publish
        self._store_progress = store_progress
        self._store_metric = store_metric
        self._cancel = cancel_event
        self._last_store = 0.0
        self.fraction = 0.0
        self.message = ""
        self.committed = False

    def report(self, fraction: float | None = None, message: str | None = None) -> None:
        """Progress: fraction in [0, 1] (None keeps the last one) and a short status message."""
        if fraction is not None:
            self.fraction = min(1.0, max(0.0, float(fraction)))
        if message is not None:
            self.message = message
        self._publish(JobEvent(self.job_id, "progress", {"fraction": self.fraction, "message": self.message}))
        now = time.monotonic()
        if now - self._last_store > 0.5 or self.fraction >= 1.0:
            self._last_store = now
            self._store_progress(self.fraction, self.message)

    def metric(self, name: str, value: float, step: int) -> None:
        value = float(value)
        self._store_metric(int(step), name, value)
        self._publish(JobEvent(self.job_id, "metric", {"step": int(step), "name": name, "value": value}))

    def log(self, text: str) -> None:
        stamp = time.strftime("%H:%M:%S")
        logfile.append(self.log_path, f"{stamp} {text}\n")
        self._publish(JobEvent(self.job_id, "log", {"text": text}))

    def partial(self, **data) -> None:
        """Stream a partial result (a token, a preview image path, a finished row...)."""
        self._publish(JobEvent(self.job_id, "partial", data))

    def cancelled(self) -> bool:
        return self._cancel.is_set() and not self.committed

    def check_cancelled(self) -> None:
        if self.cancelled():
            raise Cancelled()

    def mark_committed(self) -> None:
        """The job's work is saved for good: a cancel arriving from now on cannot undo it, so the job
        ends as succeeded (its state must match what was left in the workspace)."""
        self.committed = True
