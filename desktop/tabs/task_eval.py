"""The Tasks tab's evaluation section: the leaderboard of stored evaluations and an Evaluate action.

The leaderboard is the engine's (``aigc task leaderboard``): each system's latest
evaluation on the newest evaluated dataset version, with 95 % bootstrap intervals
and the newest system's paired verdict. A classify task also shows the chosen
system's confusion matrix (single-label) or per-label scores (multi-label).
Evaluate starts ``task.eval`` as a job; its row shows progress and cancels it.
"""
from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QGroupBox, QHBoxLayout, QHeaderView, QLabel,
                               QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout)

from desktop import icons
from desktop.bridge import Op
from desktop.widgets.error_dialog import reason_of
from desktop.widgets.job_row import JobRow


def load_evaluations(engine, name: str) -> dict | None:
    """The leaderboard with each entry's intervals and confusion matrix (None: nothing evaluated yet)."""
    from engine.errors import UserError
    from engine.tasks.classify_metrics import confusion
    try:
        board = engine.tasks.leaderboard(name)
    except UserError:
        return None
    rows = {row["id"]: row for row in engine.tasks.evals(name)}
    for entry in board["entries"]:
        row = rows[entry["eval_id"]]
        entry["kind"] = row["kind"]
        entry["cis"] = row["metrics"].get("ci") or {}
        entry["per_class"] = row["metrics"].get("per_class") or {}
        entry["calibration"] = row["metrics"].get("calibration")
        example = row["per_example"]
        single = row["kind"] == "classify" and all(len(g) == 1 for g in example.get("gold", [])) \
            and all(len(p) == 1 for p in example.get("pred", []))
        entry["confusion"] = confusion(example["gold"], example["pred"], example["labels"]) \
            if single and example.get("gold") else None
    return board


def fit_height(table: QTableWidget) -> None:
    """A table as tall as its rows (the section scrolls with the page, not inside itself)."""
    rows = sum(table.rowHeight(r) for r in range(table.rowCount()))
    header = table.horizontalHeader().height() if table.horizontalHeader().isVisible() else 0
    wide = table.horizontalHeader().length() + table.verticalHeader().width() > table.viewport().width()
    bar = table.horizontalScrollBar().sizeHint().height() if wide else 0   # a row is never hidden under it
    table.setFixedHeight(rows + header + bar + 2 * table.frameWidth() + 2)


def with_ci(value, ci) -> str:
    if value is None:
        return "–"
    return f"{value:.1f} [{ci[0]:.1f}–{ci[1]:.1f}]" if ci else f"{value:.1f}"


class EvalPanel(QGroupBox):
    """Shows one task's evaluations; ``show_task(task)`` switches, ``reload()`` reads them again."""

    COLUMNS = 7

    def __init__(self, page):
        super().__init__()
        self.setTitle(self.tr("Evaluation"))
        self.page = page
        self.task_name: str | None = None
        self.board: dict | None = None
        self.job_row: JobRow | None = None
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.adapter = QComboBox()
        self.adapter.setObjectName("evalAdapter")
        self.adapter.setToolTip(self.tr("Evaluate the base model alone, or the base model and this adapter "
                                        "on the test split"))
        self.evaluate_button = QPushButton(icons.icon("play"), self.tr("Evaluate"))
        self.evaluate_button.setObjectName("evaluateButton")
        self.evaluate_button.clicked.connect(self.evaluate)
        top.addWidget(QLabel(self.tr("Adapter")))
        top.addWidget(self.adapter, 1)
        top.addWidget(self.evaluate_button)
        layout.addLayout(top)
        self.jobs = QVBoxLayout()
        layout.addLayout(self.jobs)
        self.message = QLabel()
        self.message.setObjectName("muted")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.message)
        self.table = QTableWidget(0, self.COLUMNS)
        self.table.setObjectName("leaderboard")
        self.table.setHorizontalHeaderLabels([
            self.tr("System"), self.tr("Method"), self.tr("Examples"), self.tr("Macro-F1 [95% CI]"),
            self.tr("Accuracy [95% CI]"), self.tr("Calibration error"), self.tr("Evaluated")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.currentCellChanged.connect(lambda row, *_: self._show_entry(row))
        layout.addWidget(self.table)
        self.verdict = QLabel()
        self.verdict.setWordWrap(True)
        layout.addWidget(self.verdict)
        self.detail_title = QLabel()
        self.detail_title.setStyleSheet("font-weight: 600;")
        layout.addWidget(self.detail_title)
        self.matrix = QTableWidget()
        self.matrix.setObjectName("confusionMatrix")
        self.matrix.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        layout.addWidget(self.matrix)

    # -- data -----------------------------------------------------------------------
    def set_adapters(self, names: list[str]) -> None:
        keep = self.adapter.currentData()
        self.adapter.clear()
        self.adapter.addItem(self.tr("(base model only)"), None)
        for name in names:
            self.adapter.addItem(name, name)
        self.adapter.setCurrentIndex(max(0, self.adapter.findData(keep)))

    def show_task(self, task) -> None:
        self.task_name = task.name if task is not None else None
        if task is not None and task.adapter and self.adapter.findData(task.adapter) >= 0:
            self.adapter.setCurrentIndex(self.adapter.findData(task.adapter))
        self.evaluate_button.setEnabled(task is not None and bool(task.dataset))
        self.evaluate_button.setToolTip("" if task is None or task.dataset else
                                        self.tr("Link a dataset with a test split to evaluate the task"))
        self.reload()

    def reload(self) -> None:
        engine = self.page.engine
        if engine is None or not self.task_name:
            self._show(None)
            return
        Op(self, load_evaluations, engine, self.task_name).success(self.page.newest("evals", self._show)) \
            .failure(lambda exc, details: self.message.setText("⚠ " + reason_of(exc))).run_in_background()

    def evaluate(self) -> None:
        engine = self.page.engine
        if engine is None or not self.task_name:
            return
        self.evaluate_button.setEnabled(False)
        self.message.setText(self.tr("Starting the evaluation…"))
        Op(self, engine.tasks.evaluate, self.task_name, adapter=self.adapter.currentData()) \
            .success(self._started).failure(self._not_started).run_in_background()

    def _not_started(self, exc, details) -> None:
        self.evaluate_button.setEnabled(True)
        self.message.setText("⚠ " + reason_of(exc))

    def _started(self, job) -> None:
        self.message.clear()
        if self.job_row is not None:
            self.job_row.deleteLater()
        self.job_row = JobRow(self.page.bridge, job, compact=False)
        self.job_row.finished.connect(self._finished)
        self.jobs.addWidget(self.job_row)
        self.page.window_.jobs_panel.add_job(job)

    def _finished(self, job_id: str, state: str) -> None:
        self.evaluate_button.setEnabled(bool(self.task_name))
        self.reload()

    def running(self) -> bool:
        return self.job_row is not None and self.job_row.state in ("queued", "running")

    # -- showing --------------------------------------------------------------------
    def system_name(self, entry: dict) -> str:
        """What was evaluated: the base model alone, or the base model with an adapter."""
        if entry.get("adapter"):
            return f"{entry['model']} + {entry['adapter']}"
        return self.tr("%1 (base model)").replace("%1", str(entry.get("model") or entry["system"]))

    def method_name(self, method: str) -> str:
        """How the answers were scored, in words (the id is what the evaluation report records)."""
        return {"scored": self.tr("label likelihood"), "free": self.tr("free generation"),
                "head": self.tr("classification head"), "generate": self.tr("generation")}.get(method, method)

    def split_name(self, split: str) -> str:
        return {"train": self.tr("training"), "val": self.tr("validation"), "test": self.tr("test")}.get(split, split)

    def _show(self, board: dict | None) -> None:
        self.board = board
        entries = board["entries"] if board else []
        self.table.setRowCount(len(entries))
        self.verdict.setText(board["comparison"]["text"] if board and len(entries) > 1 else "")
        if not board:
            self.message.setText(self.tr("No evaluations yet: Evaluate scores the task on its test split.")
                                 if self.task_name else "")
        elif not self.running() and not self.message.text().startswith("⚠"):
            self.message.setText(self.tr("%1 version %2, %3 split").replace("%1", board["dataset"])
                                 .replace("%2", str(board["dataset_version"])).replace("%3", self.split_name(board["split"])))
        for row, entry in enumerate(entries):
            metrics, cis = entry["metrics"], entry["cis"]
            main = entry["metric"]
            f1 = with_ci(metrics.get("macro_f1"), cis.get("macro_f1") or (entry["ci"] if main == "macro_f1" else None))
            if entry["kind"] != "classify":
                f1 = f"{main} {with_ci(entry['value'], entry['ci'])}"
            calibration = entry.get("calibration") or {}
            ece = "–" if not calibration else f"{calibration['ece_before']:.3f} → {calibration['ece_after']:.3f}"
            cells = [self.system_name(entry), self.method_name(entry["method"]), str(entry["examples"]), f1,
                     with_ci(metrics.get("accuracy"), cis.get("accuracy")), ece,
                     datetime.fromtimestamp(entry["created_at"]).strftime("%Y-%m-%d %H:%M")]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 0 and entry["system"] == board["newest"]:
                    item.setToolTip(self.tr("The newest evaluated system"))
                if column == 0 and entry["warnings"]:
                    item.setIcon(icons.icon("warning", "#c0392b"))
                    item.setToolTip("\n".join(entry["warnings"]))
                self.table.setItem(row, column, item)
        fit_height(self.table)
        if entries:
            self.table.selectRow(0)
            self._show_entry(0)
        else:
            self._show_entry(-1)

    def _show_entry(self, row: int) -> None:
        entries = self.board["entries"] if self.board else []
        self.matrix.clear()
        self.matrix.setRowCount(0)
        self.matrix.setColumnCount(0)
        if not 0 <= row < len(entries):
            self.detail_title.clear()
            self.matrix.hide()
            return
        entry = entries[row]
        if entry.get("confusion"):
            self._confusion(entry)
        elif entry["per_class"]:
            self._per_label(entry)
        else:
            self.detail_title.clear()
            self.matrix.hide()
            return
        self.matrix.show()

    def _confusion(self, entry: dict) -> None:
        matrix = entry["confusion"]
        self.detail_title.setText(self.tr("Confusion matrix of %1 (rows: true label, columns: predicted)")
                                  .replace("%1", self.system_name(entry)))
        self.matrix.setRowCount(len(matrix["rows"]))
        self.matrix.setColumnCount(len(matrix["columns"]))
        self.matrix.setVerticalHeaderLabels(matrix["rows"])
        self.matrix.setHorizontalHeaderLabels(matrix["columns"])
        top = max((max(r) for r in matrix["matrix"] if r), default=0) or 1
        for i, counts in enumerate(matrix["matrix"]):
            for j, count in enumerate(counts):
                item = QTableWidgetItem(str(count))
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if count:
                    color = QColor("#1f9d55" if matrix["rows"][i] == matrix["columns"][j] else "#d64545")
                    color.setAlpha(40 + int(160 * count / top))
                    item.setBackground(color)
                self.matrix.setItem(i, j, item)
        self.matrix.resizeColumnsToContents()
        fit_height(self.matrix)

    def _per_label(self, entry: dict) -> None:
        table = entry["per_class"]
        self.detail_title.setText(self.tr("Per-label scores of %1").replace("%1", self.system_name(entry)))
        headers = [self.tr("Precision"), self.tr("Recall"), self.tr("F1"), self.tr("Support")]
        self.matrix.setRowCount(len(table))
        self.matrix.setColumnCount(len(headers))
        self.matrix.setVerticalHeaderLabels(list(table))
        self.matrix.setHorizontalHeaderLabels(headers)
        for i, scores in enumerate(table.values()):
            for j, key in enumerate(("precision", "recall", "f1", "support")):
                value = scores.get(key)
                item = QTableWidgetItem("–" if value is None else f"{value:g}")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.matrix.setItem(i, j, item)
        self.matrix.resizeColumnsToContents()
        fit_height(self.matrix)
