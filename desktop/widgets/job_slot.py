"""One job a tab or dialog starts and follows in place: a compact row (Cancel included) where the job
runs, the same job in the Jobs panel, and the finished job handed back with its result.

Reading the result and submitting run off the GUI thread (``Op``); the row catches up on events sent
before it existed (``JobRow``), so a job that ends at once is still seen to end."""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, Signal

from desktop.bridge import Op
from desktop.widgets.job_row import FINISHED, JobRow


class JobSlot(QObject):
    busy_changed = Signal(bool)

    def __init__(self, owner, window, layout, done: Callable, refused: Callable | None = None):
        """``done(job)`` gets the finished job (any end state); ``refused(exc, details)`` a submit the engine
        refused before a job existed."""
        super().__init__(owner)
        self.owner = owner
        self.window_ = window
        self.layout = layout
        self.done = done
        self.refused = refused
        self.row: JobRow | None = None
        self._starting = False
        self._reported: str | None = None   # the job whose end was handed to ``done``

    def busy(self) -> bool:
        return self._starting or (self.row is not None and self.row.state not in FINISHED)

    def start(self, submit: Callable, *args, **kwargs) -> None:
        if self.busy():
            return
        self._drop_row()
        self._starting = True
        self.busy_changed.emit(True)
        Op(self.owner, submit, *args, **kwargs).success(self._started).failure(self._failed).run_in_background()

    def cancel(self) -> bool:
        """Stop the job (Esc, closing a dialog); False when nothing is running."""
        if self.row is not None and self.row.state not in FINISHED:
            self.row.cancel()
            return True
        return False

    def _started(self, job) -> None:
        self._starting = False
        self.row = JobRow(self.window_.bridge, job, compact=True)
        self.layout.addWidget(self.row)
        self.window_.jobs_panel.add_job(job)
        self.row.finished.connect(self._finished)
        if self.row.state in FINISHED:   # it ended before the row existed
            self._finished(job.id, self.row.state)

    def _failed(self, exc, details) -> None:
        self._starting = False
        self.busy_changed.emit(False)
        if self.refused is not None:
            self.refused(exc, details)

    def _finished(self, job_id: str, state: str) -> None:
        engine = self.window_.engine
        if engine is None or self._reported == job_id:
            return
        self._reported = job_id
        Op(self.owner, engine.jobs.get, job_id).success(self._read).run_in_background()

    def _read(self, job) -> None:
        if self.row is not None and self.row.job_id == job.id:
            self.row.hide()
        self.busy_changed.emit(False)
        self.done(job)

    def _drop_row(self) -> None:
        if self.row is not None:
            self.layout.removeWidget(self.row)
            self.row.deleteLater()
            self.row = None
