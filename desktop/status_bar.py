"""The status bar: compute device, memory, and the running jobs (click to open the Jobs panel)."""
from __future__ import annotations

import os

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QStatusBar

from desktop import icons
from desktop.bridge import Op

ACTIVE = ("queued", "running")


def _gib(n: float) -> str:
    return f"{n / 2**30:.1f}"


class StatusBar(QStatusBar):
    jobs_clicked = Signal()

    def __init__(self, bridge, parent=None):
        super().__init__(parent)
        self.bridge = bridge
        self.setSizeGripEnabled(False)
        self.workspace_label = QLabel()
        self.workspace_label.setMinimumWidth(40)   # a long path must not widen the window
        self.workspace_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.device_label = QLabel(self.tr("Device: detecting…"))
        self.memory_label = QLabel()
        self.jobs_button = QPushButton()
        self.jobs_button.setFlat(True)
        self.jobs_button.setIcon(icons.icon("jobs"))
        self.jobs_button.setToolTip(self.tr("Show the jobs panel (Ctrl+J)"))
        self.jobs_button.setStyleSheet("QPushButton { border: none; background: transparent; padding: 2px 8px; }")
        self.jobs_button.clicked.connect(self.jobs_clicked)
        self.addWidget(self.workspace_label, 1)
        self.addPermanentWidget(self.device_label)
        self.addPermanentWidget(self.memory_label)
        self.addPermanentWidget(self.jobs_button)
        self.active_jobs: set[str] = set()
        self._show_jobs()
        bridge.state_changed.connect(self._on_state)
        self.timer = QTimer(self)
        self.timer.setInterval(2000)
        self.timer.timeout.connect(self.update_memory)
        self.timer.start()
        self.update_memory()

    def set_engine(self, engine) -> None:
        self.workspace_label.setText(self.tr("Workspace: %1").replace("%1", str(engine.root)))
        Op(self, lambda: [j.id for j in engine.jobs.active()]).success(self._set_active).run_in_background()
        self.detect_device()

    def detect_device(self) -> None:
        """Device detection imports torch: always in the background."""
        from engine import devices
        self.device_label.setText(self.tr("Device: detecting…"))
        Op(self, devices.detect, True).success(self._show_device).failure(self._device_failed).run_in_background()

    def _show_device(self, info) -> None:
        self.device = info
        text = f"{info.kind.upper()} · {info.name}"
        if info.kind != "cpu":
            text += f" · {_gib(info.total_memory)} GiB"
        self.device_label.setText(self.tr("Device: %1").replace("%1", text))
        self.device_label.setToolTip(self.tr("Compute dtype %1, %2 threads").replace("%1", info.dtype)
                                     .replace("%2", str(info.threads)))

    def _device_failed(self, exc, details) -> None:
        self.device_label.setText(self.tr("Device: %1").replace("%1", str(exc)))

    def update_memory(self) -> None:
        try:
            import psutil
            vm = psutil.virtual_memory()
            rss = psutil.Process(os.getpid()).memory_info().rss
        except Exception:  # noqa: BLE001 - the status bar must never fail
            return
        self.memory_label.setText(self.tr("Memory: %1 / %2 GiB · app %3 GiB")
                                  .replace("%1", _gib(vm.total - vm.available)).replace("%2", _gib(vm.total))
                                  .replace("%3", _gib(rss)))

    def _set_active(self, ids) -> None:
        self.active_jobs = set(ids)
        self._show_jobs()

    def _on_state(self, job_id: str, state: str, data: dict) -> None:
        if state in ACTIVE:
            self.active_jobs.add(job_id)
        else:
            self.active_jobs.discard(job_id)
        self._show_jobs()

    def _show_jobs(self) -> None:
        n = len(self.active_jobs)
        self.jobs_button.setText(self.tr("No jobs running") if n == 0 else
                                 self.tr("%n job(s) running", "", n))
