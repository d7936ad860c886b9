"""Augment a text dataset: pick the operations, run the ``data.augment`` job with progress and
cancel, then read its report (new version, examples added per operation)."""
from __future__ import annotations

from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QGroupBox, QLabel, QSpinBox,
                               QTreeWidget, QTreeWidgetItem, QVBoxLayout)

from desktop.bridge import Op
from desktop.widgets.error_dialog import reason_of
from desktop.widgets.job_row import JobRow

OPS = ("synonym", "swap", "delete", "template")


class AugmentDialog(QDialog):
    def __init__(self, page, dataset: str):
        super().__init__(page)
        self.setObjectName("augmentDialog")
        self.setWindowTitle(self.tr("Augment %1").replace("%1", dataset))
        self.resize(560, 480)
        self.page = page
        self.engine = page.engine
        self.dataset = dataset
        self.job_id: str | None = None
        self.result: dict | None = None
        intro = QLabel(self.tr("Adds reworded copies of the training examples as a new version. Only the prompt "
                               "side changes, so every answer stays correct; validation and test examples are "
                               "never touched."))
        intro.setWordWrap(True)
        ops = QGroupBox(self.tr("Operations"))
        ops_layout = QVBoxLayout(ops)
        labels = {"synonym": self.tr("Synonyms: swap words for ones with the same meaning"),
                  "swap": self.tr("Swap: change the order of two words or clauses"),
                  "delete": self.tr("Delete: drop a word or clause"),
                  "template": self.tr("Rephrase: wrap the request in another polite form")}
        self.op_boxes: dict[str, QCheckBox] = {}
        for op in OPS:
            box = QCheckBox(labels[op])
            box.setChecked(True)
            box.toggled.connect(self._validate)
            ops_layout.addWidget(box)
            self.op_boxes[op] = box
        form = QFormLayout()
        self.per_example = QSpinBox()
        self.per_example.setRange(1, 10)
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        form.addRow(self.tr("Copies per example"), self.per_example)
        form.addRow(self.tr("Seed"), self.seed)
        self.progress_holder = QVBoxLayout()
        self.report_label = QLabel()
        self.report_label.setWordWrap(True)
        self.report = QTreeWidget()
        self.report.setHeaderLabels([self.tr("Operation"), self.tr("Examples added")])
        self.report.setRootIsDecorated(False)
        self.report.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.start_button = self.buttons.addButton(self.tr("Augment"), QDialogButtonBox.ButtonRole.ActionRole)
        self.start_button.setProperty("primary", True)
        self.start_button.clicked.connect(self.start)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(ops)
        layout.addLayout(form)
        layout.addLayout(self.progress_holder)
        layout.addWidget(self.report_label)
        layout.addWidget(self.report, 1)
        layout.addWidget(self.buttons)
        self.names = {"synonym": self.tr("Synonyms"), "swap": self.tr("Swap"), "delete": self.tr("Delete"),
                      "template": self.tr("Rephrase")}

    def chosen_ops(self) -> list[str]:
        return [op for op, box in self.op_boxes.items() if box.isChecked()]

    def _validate(self) -> None:
        self.start_button.setEnabled(bool(self.chosen_ops()) and self.job_id is None)

    def start(self) -> None:
        ops = self.chosen_ops()
        if not ops:
            return
        self.start_button.setEnabled(False)
        self.report.hide()
        self.report_label.clear()
        Op(self, self.engine.data.augment, self.dataset, ops, self.per_example.value(), self.seed.value()) \
            .success(self._started).failure(self._failed).run_in_background()

    def _started(self, job) -> None:
        self.job_id = job.id
        row = JobRow(self.page.bridge, job, compact=True)
        row.finished.connect(self._finished)
        self.progress_holder.addWidget(row)
        self.row = row

    def _failed(self, exc, details) -> None:
        self.job_id = None
        self._validate()
        self.report_label.setText("✕ " + reason_of(exc))

    def _finished(self, job_id: str, state: str) -> None:
        if state != "succeeded":
            self.job_id = None
            self._validate()
            self.report_label.setText(self.tr("The augmentation was %1; the dataset is unchanged.")
                                      .replace("%1", self._state_name(state)))
            return
        Op(self, self.engine.jobs.get, job_id).success(self._show_report).run_in_background()

    def _state_name(self, state: str) -> str:
        return {"cancelled": self.tr("cancelled"), "failed": self.tr("failed"),
                "interrupted": self.tr("interrupted")}.get(state, state)

    def _show_report(self, job) -> None:
        self.result = job.result or {}
        self.job_id = None
        self._validate()
        added = int(self.result.get("added", 0))
        self.report_label.setText("✓ " + self.tr("Version %1: %2 augmented example(s) added, tagged aug:… so "
                                                 "they are easy to filter.")
                                  .replace("%1", str(self.result.get("version", "?"))).replace("%2", str(added)))
        self.report.clear()
        for op, count in (self.result.get("per_op") or {}).items():
            self.report.addTopLevelItem(QTreeWidgetItem([self.names.get(op, op), str(count)]))
        self.report.show()
        self.page.refresh()
