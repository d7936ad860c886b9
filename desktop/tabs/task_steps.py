"""The ordered steps of a composite task, edited in place: name, output kind, model and template.

Each row keeps the step it was loaded from, so what the table does not show (adapter, parameters,
constraints, dataset) is saved back unchanged.
"""
from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QComboBox, QGroupBox, QHBoxLayout, QLabel, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout)


class StepsEditor(QGroupBox):
    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTitle(self.tr("Steps (composite task)"))
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("stepsTable")
        self.table.setHorizontalHeaderLabels([self.tr("Step"), self.tr("Output"), self.tr("Model"),
                                              self.tr("Template")])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setMaximumHeight(160)
        self.table.itemChanged.connect(lambda *_: self.changed.emit())
        buttons = QHBoxLayout()
        self.add_button = QPushButton(self.tr("Add step"))
        self.add_button.clicked.connect(lambda: self.add_step())
        self.remove_button = QPushButton(self.tr("Remove step"))
        self.remove_button.clicked.connect(self.remove_step)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        self.hint = QLabel(self.tr("A single-step task uses the template above. Steps run in order; a "
                                   "step can use an earlier one as {steps.NAME.output}."))
        self.hint.setObjectName("muted")
        self.hint.setWordWrap(True)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.hint)
        self.models: list[str] = []
        self._steps: list[dict] = []   # the full step each row was loaded from

    def set_models(self, names: list[str]) -> None:
        self.models = names

    def load(self, steps: list[dict]) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        self._steps = []
        for step in steps:
            self._append(step)
        self.table.blockSignals(False)

    def add_step(self, step: dict | None = None) -> None:
        self._append(step or {"name": f"step{self.table.rowCount() + 1}", "modality": "text", "model": None,
                              "template": ""})
        self.changed.emit()

    def remove_step(self) -> None:
        row = self.table.currentRow()
        if 0 <= row < self.table.rowCount():
            self.table.removeRow(row)
            del self._steps[row]
            self.changed.emit()

    def _append(self, step: dict) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        self._steps.append(dict(step))
        self.table.setItem(row, 0, QTableWidgetItem(step.get("name") or ""))
        output = QComboBox()
        output.addItem(self.tr("Text"), "text")
        output.addItem(self.tr("Image"), "image")
        output.setCurrentIndex(max(0, output.findData(step.get("modality") or "text")))
        output.currentIndexChanged.connect(lambda *_: self.changed.emit())
        self.table.setCellWidget(row, 1, output)
        model = QComboBox()
        model.addItem(self.tr("template only"), None)
        for name in self.models:
            model.addItem(name, name)
        if step.get("model") and model.findData(step["model"]) < 0:
            model.addItem(step["model"], step["model"])
        model.setCurrentIndex(max(0, model.findData(step.get("model"))))
        model.currentIndexChanged.connect(lambda *_: self.changed.emit())
        self.table.setCellWidget(row, 2, model)
        self.table.setItem(row, 3, QTableWidgetItem(step.get("template") or ""))

    def steps(self) -> list[dict]:
        """The steps as shown, over what each row was loaded from."""
        result = []
        for row in range(self.table.rowCount()):
            name, template = self.table.item(row, 0), self.table.item(row, 3)
            result.append({**self._steps[row], "name": name.text().strip() if name else "",
                           "modality": self.table.cellWidget(row, 1).currentData(),
                           "model": self.table.cellWidget(row, 2).currentData(),
                           "template": template.text() if template else ""})
        return result
