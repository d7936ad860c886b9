"""A task's prompt template: the text, one example value per {variable} found in it, and a live preview
rendered by the engine's own template code (so what is shown is what a run will send)."""
from __future__ import annotations

import re

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QGroupBox, QLabel, QPlainTextEdit, QTableWidget, QTableWidgetItem, QVBoxLayout

from desktop.bridge import Op
from desktop.widgets.error_dialog import reason_of

VARIABLE = re.compile(r"\{([A-Za-z_\u4e00-\u9fff][\w\u4e00-\u9fff]*)\}")


def render_preview(template: str, values: dict) -> str:
    from engine.tasks.template import render
    return render(template, values, {}, where="template")


class TemplateEditor(QGroupBox):
    """``template`` (the text), ``variables`` (name, example value) and ``preview``, refreshed 200 ms
    after the last edit."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTitle(self.tr("Prompt template"))
        layout = QVBoxLayout(self)
        self.template = QPlainTextEdit()
        self.template.setPlaceholderText(self.tr("e.g. Write a one-line ad for {product} aimed at {audience}, "
                                                 "tone: {tone}."))
        self.template.setMaximumHeight(90)
        self.variables = QTableWidget(0, 2)
        self.variables.setHorizontalHeaderLabels([self.tr("Variable"), self.tr("Example value")])
        self.variables.horizontalHeader().setStretchLastSection(True)
        self.variables.verticalHeader().setVisible(False)
        self.variables.setMaximumHeight(150)
        self.preview = QLabel()
        self.preview.setObjectName("muted")
        self.preview.setWordWrap(True)
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.template)
        layout.addWidget(self.variables)
        layout.addWidget(self.preview)
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(200)
        self._preview_timer.timeout.connect(self.update_preview)
        self.template.textChanged.connect(self._template_changed)
        self.variables.itemChanged.connect(lambda *_: self._preview_timer.start())

    def _template_changed(self) -> None:
        names = list(dict.fromkeys(VARIABLE.findall(self.template.toPlainText())))
        current = {self.variables.item(r, 0).text(): (self.variables.item(r, 1).text()
                                                      if self.variables.item(r, 1) else "")
                   for r in range(self.variables.rowCount()) if self.variables.item(r, 0)}
        self.variables.blockSignals(True)
        self.variables.setRowCount(len(names))
        for row, name in enumerate(names):
            key = QTableWidgetItem(name)
            key.setFlags(key.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.variables.setItem(row, 0, key)
            self.variables.setItem(row, 1, QTableWidgetItem(current.get(name, "")))
        self.variables.blockSignals(False)
        self._preview_timer.start()

    def load(self, template: str, examples: dict) -> None:
        """Show a saved task: its template with the example value of each variable."""
        self.variables.blockSignals(True)
        self.variables.setRowCount(0)
        for name, value in examples.items():
            row = self.variables.rowCount()
            self.variables.insertRow(row)
            self.variables.setItem(row, 0, QTableWidgetItem(name))
            self.variables.setItem(row, 1, QTableWidgetItem(value))
        self.variables.blockSignals(False)
        self.template.setPlainText(template)
        self._template_changed()

    def examples(self) -> dict:
        """The example values typed so far (saved with the task)."""
        values = {}
        for row in range(self.variables.rowCount()):
            key, value = self.variables.item(row, 0), self.variables.item(row, 1)
            if key is not None and value is not None and value.text().strip():
                values[key.text()] = value.text()
        return values

    def variable_values(self) -> dict:
        return {self.variables.item(r, 0).text(): (self.variables.item(r, 1).text() or "{" +
                                                    self.variables.item(r, 0).text() + "}")
                for r in range(self.variables.rowCount()) if self.variables.item(r, 0)}

    def update_preview(self) -> None:
        template = self.template.toPlainText()
        if not template.strip():
            self.preview.setText(self.tr("Preview: write a template with {variables}."))
            return
        self._generation = getattr(self, "_generation", 0) + 1
        generation = self._generation

        def show(text: str) -> None:
            if generation == self._generation:   # an older preview never replaces a newer one
                self.preview.setText(text)
        Op(self, render_preview, template, self.variable_values()).success(
            lambda text: show(self.tr("Preview: %1").replace("%1", text))).failure(
            lambda exc, details: show("⚠ " + reason_of(exc))).run_in_background()
