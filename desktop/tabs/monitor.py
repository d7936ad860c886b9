"""The Monitor tab: how a task's runs go over time.

For the chosen task, every run with its time per item, error rate, quality
(accuracy and macro-F1 against reviewed labels for a classify task, the review
approval rate otherwise) and throughput; after three runs a trend chart; runs the
task's alert thresholds flag are marked, with the reason. The numbers are the
engine's run statistics (``aigc task runs TASK --stats``), read off the GUI thread.
"""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QHeaderView, QLabel, QPushButton,
                               QSplitter, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from desktop import icons
from desktop.bridge import Op
from desktop.tabs.base import Page
from desktop.widgets.empty_state import EmptyState
from desktop.widgets.error_dialog import reason_of
from desktop.widgets.trend_chart import TrendChart

TREND_AFTER = 3   # runs before a trend means anything
# which chart panel a flagged measure (the run statistics' key) is about
FLAG_PANELS = {"seconds_per_item": "seconds_per_item", "error_rate": "error_rate", "accuracy": "quality",
               "approval_rate": "quality"}


def flagged_panels(runs: list[dict]) -> dict[str, list[int]]:
    """Per chart panel, the runs flagged for its measure; a flag about another measure (pass, retry rate,
    confidence) marks the run in every panel."""
    marks: dict[str, list[int]] = {key: [] for key in ("seconds_per_item", "error_rate", "quality",
                                                       "items_per_minute")}
    for index, run in enumerate(runs):
        for measure in run.get("flagged", []):
            panel = FLAG_PANELS.get(measure)
            for key in ([panel] if panel else list(marks)):
                if index not in marks[key]:
                    marks[key].append(index)
    return marks


def quality_of(run: dict, classify: bool) -> float | None:
    """A classify run's accuracy against the labels reviewers approved; any other run's approval rate."""
    return run.get("accuracy") if classify else run.get("approval_rate")


def number(value, unit: str = "", digits: int = 1) -> str:
    return "–" if value is None else f"{value:.{digits}f}{unit}"


class MonitorPage(Page):
    facade = "tasks"

    def __init__(self, window):
        super().__init__(window)
        self.trends: dict | None = None
        self.refresh_button = QPushButton(icons.icon("refresh"), self.tr("Refresh"))
        self.refresh_button.clicked.connect(self.load_task)
        self.add_action_button(self.refresh_button)
        layout = QVBoxLayout(self.content)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.task = QComboBox()
        self.task.setObjectName("monitorTask")
        self.task.setMinimumWidth(240)
        self.task.currentIndexChanged.connect(lambda *_: self.load_task())
        top.addWidget(QLabel(self.tr("Task")))
        top.addWidget(self.task)
        self.summary = QLabel()
        self.summary.setObjectName("muted")
        self.summary.setWordWrap(True)
        top.addWidget(self.summary, 1)
        layout.addLayout(top)
        self.flags = QLabel()
        self.flags.setObjectName("monitorFlags")
        self.flags.setWordWrap(True)
        self.flags.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.flags)
        self.empty = EmptyState("monitor", self.tr("No runs yet"),
                                self.tr("Run the task on a file of inputs (Tasks tab) and its numbers appear here."))
        layout.addWidget(self.empty, 1)   # the spare height goes to the empty state: the task row stays on top
        self.body = QSplitter(Qt.Orientation.Vertical)
        self.chart = TrendChart()
        self.chart_hint = QLabel()
        self.chart_hint.setObjectName("muted")
        self.chart_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        chart_box = QWidget()
        chart_layout = QVBoxLayout(chart_box)
        chart_layout.setContentsMargins(0, 0, 0, 0)
        chart_layout.addWidget(self.chart, 1)
        chart_layout.addWidget(self.chart_hint)
        self.table = QTableWidget(0, 9)
        self.table.setObjectName("monitorRuns")
        self.table.setHorizontalHeaderLabels([
            self.tr("#"), self.tr("Started"), self.tr("State"), self.tr("Items"), self.tr("Seconds per item"),
            self.tr("Items per minute"), self.tr("Error rate"), self.tr("Quality"), self.tr("Flags")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(8, QHeaderView.ResizeMode.Stretch)
        self.body.addWidget(chart_box)
        self.body.addWidget(self.table)
        self.table.setMinimumHeight(150)
        self.body.setStretchFactor(0, 3)
        self.body.setStretchFactor(1, 2)
        self.body.setSizes([480, 260])
        layout.addWidget(self.body, 1)
        self.body.hide()

    # -- loading ----------------------------------------------------------------
    def refresh(self) -> None:
        if not self.available():
            return
        engine = self.engine
        Op(self, lambda: [t.name for t in engine.tasks.list(archived=False)]) \
            .success(self.newest("tasks", self._set_tasks)).run_in_background()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.available() and self.task.count():
            self.load_task()   # reviews done elsewhere change the quality column

    def on_job_finished(self, job_id: str, kind: str, state: str) -> None:
        if kind in ("task.run", "samples.install"):
            self.refresh()

    def _set_tasks(self, names: list[str]) -> None:
        keep = self.task.currentData()
        self.task.blockSignals(True)
        self.task.clear()
        for name in names:
            self.task.addItem(name, name)
        self.task.setCurrentIndex(max(0, self.task.findData(keep)))
        self.task.blockSignals(False)
        self.load_task()

    def select_task(self, name: str) -> None:
        index = self.task.findData(name)
        if index >= 0:
            self.task.setCurrentIndex(index)

    def load_task(self) -> None:
        name = self.task.currentData()
        if not self.available() or not name:
            self._show(None)
            return
        Op(self, self.engine.tasks.trends, name).success(self.newest("trends", self._show)) \
            .failure(lambda exc, details: self.summary.setText("⚠ " + reason_of(exc))).run_in_background()

    # -- showing ----------------------------------------------------------------
    def _show(self, trends: dict | None) -> None:
        self.trends = trends
        runs = trends["runs"] if trends else []
        self.empty.setVisible(not runs)
        self.body.setVisible(bool(runs))
        self.flags.setVisible(bool(trends and trends["flagged_runs"]))
        if not runs:
            self.summary.setText("")
            return
        classify = trends.get("classify", False)
        self._fill_table(runs, classify)
        flagged = [i for i, r in enumerate(runs) if r["flags"]]
        alerts = ", ".join(self.threshold_text(k, v) for k, v in trends["alerts"].items())
        self.summary.setText(self.tr("%1 run(s); alert thresholds: %2").replace("%1", str(len(runs)))
                             .replace("%2", alerts or self.tr("none set")))
        if flagged:
            lines = [self.tr("Run %1: %2").replace("%1", str(i + 1)).replace("%2", "; ".join(runs[i]["flags"]))
                     for i in flagged]
            self.flags.setText("⚠ " + self.tr("%n run(s) need attention", "", len(flagged)) + "\n" + "\n".join(lines))
        if len(runs) >= TREND_AFTER:
            quality = self.tr("Accuracy (%)") if classify else self.tr("Approval rate (%)")
            self.chart.show_series({
                "seconds_per_item": (self.tr("Seconds per item"), [r.get("seconds_per_item") for r in runs]),
                "error_rate": (self.tr("Error rate (%)"), [r.get("error_rate") for r in runs]),
                "quality": (quality, [quality_of(r, classify) for r in runs]),
                "items_per_minute": (self.tr("Items per minute"), [r.get("items_per_minute") for r in runs]),
            }, flagged_panels(runs))
            self.chart.show()
            self.chart_hint.setText(self.tr("Red dots: runs outside the task's alert thresholds"))
        else:
            self.chart.hide()
            self.chart_hint.setText(self.tr("A trend chart appears after %1 runs (%2 so far).")
                                    .replace("%1", str(TREND_AFTER)).replace("%2", str(len(runs))))

    def threshold_text(self, key: str, value: float) -> str:
        """One of the task's alert thresholds in words (the key is the task file's field)."""
        words = {"min_pass_rate": (self.tr("pass rate"), "≥", "%"), "max_error_rate": (self.tr("error rate"), "≤", "%"),
                 "max_retry_rate": (self.tr("retry rate"), "≤", "%"),
                 "min_confidence": (self.tr("mean confidence"), "≥", ""),
                 "max_seconds_per_item": (self.tr("seconds per item"), "≤", " s"),
                 "min_approval_rate": (self.tr("approval rate"), "≥", "%"),
                 "min_accuracy": (self.tr("accuracy"), "≥", "%")}
        if key not in words:
            return f"{key}={value:g}"
        name, op, unit = words[key]
        return f"{name} {op} {value:g}{unit}"

    def _fill_table(self, runs: list[dict], classify: bool) -> None:
        self.table.setRowCount(len(runs))
        states = {"finished": self.tr("Finished"), "stopped": self.tr("Stopped"), "failed": self.tr("Failed"),
                  "running": self.tr("Running"), "interrupted": self.tr("Interrupted")}
        for row, run in enumerate(reversed(runs)):   # newest on top
            number_ = len(runs) - row
            quality = quality_of(run, classify)
            if classify and quality is not None:
                quality_text = self.tr("accuracy %1%, F1 %2").replace("%1", number(run["accuracy"])) \
                    .replace("%2", number(run.get("macro_f1")))
            elif quality is not None:
                quality_text = self.tr("%1% approved").replace("%1", number(quality))
            else:
                quality_text = self.tr("not reviewed")
            cells = [str(number_), datetime.fromtimestamp(run["created_at"]).strftime("%Y-%m-%d %H:%M"),
                     states.get(run["state"], run["state"]), f"{run['finished_items']}/{run['items']}",
                     number(run.get("seconds_per_item"), " s", 2), number(run.get("items_per_minute")),
                     number(run.get("error_rate"), "%"), quality_text, "; ".join(run["flags"])]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 0:
                    item.setData(Qt.ItemDataRole.UserRole, run["run_id"])
                    item.setToolTip(run["run_id"])
                if run["flags"]:
                    item.setForeground(QColor("#c0392b"))
                    if column == 0:
                        item.setIcon(icons.icon("warning", "#c0392b"))
                self.table.setItem(row, column, item)
            if run.get("reviewed"):
                self.table.item(row, 7).setToolTip(self.tr("%1 output(s) reviewed").replace("%1", str(run["reviewed"])))
