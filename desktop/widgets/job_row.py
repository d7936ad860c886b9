"""One job as a row: title, progress bar, latest message, Cancel (and Resume when it stopped)."""
from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

FINISHED = ("succeeded", "failed", "cancelled", "interrupted")


class JobRow(QWidget):
    """Follows one job through the bridge; never talks to the engine on the GUI thread."""

    finished = Signal(str, str)   # job id, final state
    resume_requested = Signal(str)
    dismissed = Signal()   # the close button of a finished row was clicked

    def __init__(self, bridge, job, parent: QWidget | None = None, compact: bool = False, closable: bool = False):
        super().__init__(parent)
        self.bridge = bridge
        self.job_id = job.id
        self.kind = job.kind
        self.resumable = bool(job.resumable)
        self.state = job.state.value
        self.setObjectName("jobRow")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.setSpacing(4)
        top = QHBoxLayout()
        from desktop.job_titles import job_title
        self.title = QLabel(job_title(job.title))
        self.title.setStyleSheet("font-weight: 600;")
        self.state_label = QLabel()
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop this job (it can be resumed if it supports it)"))
        self.cancel_button.clicked.connect(self.cancel)
        self.resume_button = QPushButton(self.tr("Resume"))
        self.resume_button.clicked.connect(lambda: self.resume_requested.emit(self.job_id))
        top.addWidget(self.title, 1)
        top.addWidget(self.state_label)
        top.addWidget(self.resume_button)
        top.addWidget(self.cancel_button)
        self.closable = closable
        self.close_button = QPushButton("✕")
        self.close_button.setObjectName("closeButton")
        self.close_button.setFlat(True)
        self.close_button.setToolTip(self.tr("Close"))
        self.close_button.setAccessibleName(self.tr("Close"))
        self.close_button.clicked.connect(self.dismissed.emit)
        self.close_button.hide()
        top.addWidget(self.close_button)
        self.bar = QProgressBar()
        self.bar.setRange(0, 1000)
        self.bar.setTextVisible(False)
        self.message = QLabel(job.message or "")
        self.message.setObjectName("muted")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setWordWrap(True)
        layout.addLayout(top)
        layout.addWidget(self.bar)
        if not compact:
            layout.addWidget(self.message)
        signals = bridge.for_job(job.id)
        signals.progress.connect(self._on_progress)
        signals.state.connect(self._on_state)
        self._on_progress(job.progress, job.message or "")
        self._on_state(self.state, {"message": job.message, "error": job.error})
        latest = bridge.latest_state(job.id)
        if latest and latest.get("state") and latest["state"] != self.state and self.state not in FINISHED:
            # the state changed between the read that gave us ``job`` and this row connecting
            self._on_state(latest["state"], latest)
        if self.state not in FINISHED and bridge.engine is not None:
            # Events sent before this row existed are caught up with one fresh read.
            from desktop.bridge import Op
            Op(self, bridge.engine.jobs.get, job.id).success(self._sync).run_in_background()

    def _sync(self, job) -> None:
        if self.state in FINISHED:
            return
        self._on_progress(job.progress, job.message or "")
        if job.state.value != self.state:
            self._on_state(job.state.value, {"message": job.message, "error": job.error})

    def cancel(self) -> None:
        from desktop.bridge import Op
        self.cancel_button.setEnabled(False)
        self.message.setText(self.tr("Stopping…"))
        engine = self.bridge.engine
        if engine is not None:
            Op(self, engine.jobs.cancel, self.job_id).run_in_background()

    def _on_progress(self, fraction: float, message: str) -> None:
        self.bar.setValue(int(fraction * 1000))
        if message:
            self.message.setText(message)

    def _on_state(self, state: str, data: dict) -> None:
        self.state = state
        names = {"queued": self.tr("Queued"), "running": self.tr("Running"), "succeeded": self.tr("Done"),
                 "failed": self.tr("Failed"), "cancelled": self.tr("Cancelled"),
                 "interrupted": self.tr("Interrupted")}
        chip = {"succeeded": "chipSuccess", "failed": "chipDanger", "cancelled": "chipMuted",
                "interrupted": "chipDanger"}.get(state, "chip")
        self.state_label.setText(names.get(state, state))
        self.state_label.setObjectName(chip)
        self.state_label.style().unpolish(self.state_label)
        self.state_label.style().polish(self.state_label)
        done = state in FINISHED
        self.cancel_button.setVisible(not done)
        self.resume_button.setVisible(done and self.resumable and state != "succeeded")
        self.close_button.setVisible(done and self.closable)
        if state == "succeeded":
            self.bar.setValue(1000)
        if data.get("error"):
            self.message.setText(str(data["error"]))
        elif data.get("message") and done:
            self.message.setText(str(data["message"]))
        if done:
            self.finished.emit(self.job_id, state)
