"""The Jobs panel: every recent job with its progress, Cancel, and Resume for stopped runs."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from desktop.bridge import Op
from desktop.widgets.job_row import JobRow


class JobsPanel(QDockWidget):
    MAX_ROWS = 30

    def __init__(self, bridge, parent=None):
        super().__init__(self.tr("Jobs"), parent)
        self.setObjectName("jobsPanel")
        self.bridge = bridge
        self.engine = None
        self.rows: dict[str, JobRow] = {}
        body = QWidget()
        self.list_layout = QVBoxLayout(body)
        self.list_layout.setContentsMargins(12, 8, 12, 8)
        self.list_layout.setSpacing(6)
        self.empty = QLabel(self.tr("No jobs yet. Imports, training runs and generations appear here."))
        self.empty.setObjectName("muted")
        self.empty.setWordWrap(True)
        self.list_layout.addWidget(self.empty)
        self.list_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)
        self.setWidget(scroll)
        self.setMinimumWidth(340)
        self.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable |
                         QDockWidget.DockWidgetFeature.DockWidgetMovable)
        bridge.state_changed.connect(self._on_state)

    def set_engine(self, engine) -> None:
        self.engine = engine
        for row in list(self.rows.values()):
            row.deleteLater()
        self.rows.clear()
        Op(self, engine.jobs.list, 15).success(self._show_jobs).run_in_background()

    def _show_jobs(self, jobs) -> None:
        for job in reversed(jobs):
            self.add_job(job)

    def add_job(self, job) -> JobRow:
        if job.id in self.rows:
            return self.rows[job.id]
        row = JobRow(self.bridge, job)
        row.resume_requested.connect(self.resume)
        separator = QFrame()
        separator.setFrameShape(QFrame.Shape.HLine)
        separator.setStyleSheet("color: palette(mid);")
        self.list_layout.insertWidget(0, row)
        self.rows[job.id] = row
        self.empty.setVisible(False)
        while len(self.rows) > self.MAX_ROWS:
            oldest = next(iter(self.rows))
            self.rows.pop(oldest).deleteLater()
        return row

    def _on_state(self, job_id: str, state: str, data: dict) -> None:
        if job_id not in self.rows and self.engine is not None and state == "queued":
            Op(self, self.engine.jobs.get, job_id).success(self.add_job).run_in_background()

    def resume(self, job_id: str) -> None:
        if self.engine is not None:
            Op(self, self.engine.jobs.resume, job_id).success(self.add_job).run_in_background()
