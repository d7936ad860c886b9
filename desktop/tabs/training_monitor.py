"""One training run followed live: its job row, loss curves, log, validation images and checkpoints;
a run picked from the list shows its history and, once finished, what it came to."""
from __future__ import annotations

import re
import time

from PySide6.QtWidgets import QLabel, QListWidget, QPlainTextEdit, QStackedWidget, QTabWidget, QVBoxLayout, QWidget

from desktop.bridge import Op
from desktop.tabs.training_samples import TextSamples
from desktop.widgets.gallery import Gallery
from desktop.widgets.job_row import JobRow
from desktop.widgets.loss_chart import LossChart

ACTIVE = ("queued", "running")


class RunMonitor(QWidget):
    """The right side of the Training tab. ``page`` gives the engine, the bridge and the Start button."""

    def __init__(self, page):
        super().__init__()
        self.page = page
        self.current_job: str | None = None
        self.current_row: JobRow | None = None
        self._anchor: tuple[float, int] | None = None   # (time, step) the remaining time is counted from
        self._job_started = 0.0
        self._speed = ""
        self._kind = ""
        self._generation = 0
        column = QVBoxLayout(self)
        column.setContentsMargins(12, 0, 0, 0)
        self.run_title = QLabel(self.tr("No run selected"))
        self.run_title.setStyleSheet("font-size: 16px; font-weight: 600;")
        self.stats = QLabel(self.tr("Start a run to see its loss curve here."))
        self.stats.setObjectName("muted")
        self.kept = QLabel()   # which checkpoint became the output, and why
        self.kept.setObjectName("keptCheckpoint")
        self.kept.setWordWrap(True)
        self.kept.hide()
        self.row_holder = QVBoxLayout()
        column.addWidget(self.run_title)
        column.addWidget(self.stats)
        column.addWidget(self.kept)
        column.addLayout(self.row_holder)
        self.chart = LossChart()
        column.addWidget(self.chart, 3)
        self.details = QTabWidget()
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(2000)
        self.samples = Gallery()
        self.text_samples = TextSamples(self)
        self.sample_stack = QStackedWidget()
        self.sample_stack.addWidget(self.samples)
        self.sample_stack.addWidget(self.text_samples)
        self.checkpoints = QListWidget()
        self.details.addTab(self.log, self.tr("Log"))
        self.details.addTab(self.sample_stack, self.tr("Validation samples"))
        self.details.addTab(self.checkpoints, self.tr("Checkpoints"))
        column.addWidget(self.details, 2)
        bridge = page.bridge
        bridge.metric.connect(self._on_metric)
        bridge.log.connect(self._on_log)
        bridge.partial.connect(self._on_partial)
        bridge.progress.connect(self._on_progress)

    def follow(self, job) -> None:
        """Show this job's progress, curves and log."""
        page = self.page
        self.current_job = job.id
        self._generation += 1
        generation = self._generation
        # A fresh run is timed from its own start (also when opened midway); a resumed one from the
        # first step seen, since its step count began before this job did.
        self._job_started = float(job.started_at or 0.0)
        self._anchor = (self._job_started, 0) if job.started_at and not job.resumed_from else None
        self._speed = ""
        self._kind = job.kind
        self.chart.clear()
        self.show_kept(None)
        self.log.clear()
        self.samples.clear()
        from desktop.job_titles import job_title
        self.run_title.setText(job_title(job.title))
        if self.current_row is not None:
            self.current_row.deleteLater()
        self.current_row = JobRow(page.bridge, job, compact=True)
        self.current_row.resume_requested.connect(page.resume_job)
        self.current_row.finished.connect(self._run_ended)
        self.row_holder.addWidget(self.current_row)
        self.sample_stack.setCurrentWidget(self.text_samples if job.kind == "text.train" else self.samples)
        if job.state.value in ACTIVE and job.kind in ("text.train", "image.train"):
            page.active_runs.add(job.id)
        page._update_start()
        Op(self, page.engine.jobs.metrics, job.id).success(
            lambda metrics, job=job: self._history(generation, job, metrics)).run_in_background()
        if job.log_path:
            Op(self, log_tail, job.log_path).success(
                lambda text: self._show_log(generation, text)).run_in_background()
        self.text_samples.follow(job)

    def _run_ended(self, job_id: str, state: str) -> None:
        """The run followed live ended: say what it came to in words, as for a run picked from the list
        (its last progress line was the engine's)."""
        if job_id == self.current_job and self.page.engine is not None:
            jobs, generation = self.page.engine.jobs, self._generation
            Op(self, lambda: (jobs.get(job_id), jobs.metrics(job_id))).success(
                lambda loaded: self._ended(generation, *loaded)).run_in_background()

    def _ended(self, generation: int, job, metrics: list[dict]) -> None:
        if generation != self._generation:
            return
        self.text_samples.finished(job)
        self._summarise(job, metrics)

    def _history(self, generation: int, job, metrics: list[dict]) -> None:
        """A run picked from the list: its curves so far, and for a finished one what it came to."""
        if generation != self._generation:
            return
        for m in metrics:
            self.chart.add(m["name"], m["step"], m["value"])
        if job.state.value in ACTIVE:
            return
        self._summarise(job, metrics)

    def _summarise(self, job, metrics: list[dict]) -> None:
        last = {m["name"]: m for m in metrics}
        parts = [{"succeeded": self.tr("Finished"), "failed": self.tr("Failed"), "cancelled": self.tr("Cancelled"),
                  "interrupted": self.tr("Interrupted")}.get(job.state.value, job.state.value)]
        if "loss" in last:
            parts.append(self.tr("%1 steps").replace("%1", str(last["loss"]["step"])))
            parts.append(self.tr("final loss %1").replace("%1", f"{last['loss']['value']:.3f}"))
        if "val_loss" in last:
            best = min(m["value"] for m in metrics if m["name"] == "val_loss")
            parts.append(self.tr("best validation loss %1").replace("%1", f"{best:.3f}"))
        if job.started_at and job.finished_at:
            parts.append(duration(job.finished_at - job.started_at))
        self.stats.setText(" · ".join(parts))
        self.show_kept(job)

    def show_kept(self, job) -> None:
        """Name the checkpoint the run kept as its output and why; warn when validation never improved."""
        kept = ((job.result or {}).get("kept") if job is not None and isinstance(job.result, dict) else None)
        if job is not None and job.id != self.current_job or not kept:
            self.kept.hide()
            return
        step = str(kept.get("step"))
        if kept.get("weights") == "best":
            text = self.tr("Kept: the weights of step %1, the lowest validation loss (%2) of %3 evaluations.") \
                .replace("%1", step).replace("%2", f"{kept.get('val_loss', 0):.3f}") \
                .replace("%3", str(kept.get("evaluations")))
        elif kept.get("reason") == "no_validation":
            text = self.tr("Kept: the last weights (step %1); the run had no validation examples to choose "
                           "by.").replace("%1", step)
        else:
            text = self.tr("Kept: the last weights (step %1), as asked.").replace("%1", step)
        if kept.get("never_improved"):
            text += "\n⚠ " + self.tr("Validation loss never went below its first value (%1 at step %2), so the "
                                     "output is close to the base model. Try a higher learning rate or more "
                                     "examples, or check that the validation examples are like the training "
                                     "ones.").replace("%1", f"{kept.get('first_val_loss', 0):.3f}").replace("%2", step)
        self.kept.setText(text)
        self.kept.setProperty("warning", bool(kept.get("never_improved")))
        self.kept.setStyleSheet("color: #b9770e;" if kept.get("never_improved") else "")
        self.kept.show()

    def _show_log(self, generation: int, text: str) -> None:
        if generation == self._generation and text and not self.log.toPlainText():
            self.log.setPlainText(text)

    def show_checkpoints(self, run_dir: str) -> None:
        self.checkpoints.clear()
        self._checkpoints_for = run_dir

        def show(names) -> None:
            if run_dir == self._checkpoints_for:
                self.checkpoints.clear()
                self.checkpoints.addItems(names or [self.tr("No checkpoints yet")])
        Op(self, checkpoints_of, run_dir).success(show).run_in_background()

    # -- live updates ---------------------------------------------------------------
    def _on_metric(self, job_id: str, name: str, step: int, value: float) -> None:
        if job_id != self.current_job:
            return
        self.chart.add(name, step, value)
        if name == "tokens_per_second" and self._kind != "text.train":
            return
        if name in ("tokens_per_second", "steps_per_second"):
            unit = self.tr("tokens/s") if name == "tokens_per_second" else self.tr("steps/s")
            self._speed = f"{value:,.0f} {unit}" if value >= 10 else f"{value:.2f} {unit}"

    def _on_progress(self, job_id: str, fraction: float, message: str) -> None:
        if job_id != self.current_job:
            return
        parts = [message]
        if self._speed:
            parts.append(self._speed)
        remaining = self.time_left(fraction, message, time.time())
        if remaining is not None:
            parts.append(self.tr("about %1 left").replace("%1", duration(remaining)))
        self.stats.setText(" · ".join(p for p in parts if p))

    def time_left(self, fraction: float, message: str, now: float) -> float | None:
        """Seconds left, from the run's own steps ("step 120/400") and its start, not from when the
        window began watching; None while there is too little to go on."""
        found = STEP.search(message or "")
        if found:
            step, total = int(found.group(1)), int(found.group(2))
            if self._anchor is None:
                self._anchor = (now, step)
            started, first = self._anchor
            if step > first and now > started and step < total:
                return (now - started) / (step - first) * (total - step)
            return None
        if self._job_started and 0.05 < fraction < 1.0:
            return (now - self._job_started) * (1 - fraction) / fraction
        return None

    def _on_log(self, job_id: str, text: str) -> None:
        if job_id == self.current_job:
            self.log.appendPlainText(text)
            if text.startswith("checkpoint "):
                self.checkpoints.addItem(text.split(" ", 1)[1])

    def _on_partial(self, job_id: str, data: dict) -> None:
        if job_id == self.current_job and data.get("image"):
            self.samples.add_image(data["image"], data.get("prompt") or f"step {data.get('step', '')}")


STEP = re.compile(r"step (\d+)/(\d+)")


def checkpoints_of(run_dir: str) -> list[str]:
    from pathlib import Path
    folder = Path(run_dir)
    return sorted(p.name for p in folder.glob("step-*") if p.is_dir()) if folder.is_dir() else []


def log_tail(path: str, limit: int = 400) -> str:
    """The last lines of a job's log file (a run picked from the list shows what it wrote)."""
    from collections import deque
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return "".join(deque(handle, maxlen=limit)).rstrip("\n")
    except OSError:
        return ""


def duration(seconds: float) -> str:
    """A span in the interface language ("1m 05s", "1 分 05 秒")."""
    from PySide6.QtCore import QCoreApplication
    seconds = int(seconds)
    if seconds < 60:
        return QCoreApplication.translate("RunMonitor", "%1s").replace("%1", str(seconds))
    if seconds < 3600:
        return QCoreApplication.translate("RunMonitor", "%1m %2s").replace("%1", str(seconds // 60)) \
            .replace("%2", f"{seconds % 60:02d}")
    return QCoreApplication.translate("RunMonitor", "%1h %2m").replace("%1", str(seconds // 3600)) \
        .replace("%2", f"{seconds % 3600 // 60:02d}")
