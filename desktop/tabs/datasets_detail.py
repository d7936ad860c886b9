"""The record beside the Datasets table: every text field in a multi-line editor (a table cell shows one
line of a long answer), saved as one edit of the dataset's draft, and column widths that fit the window."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QHBoxLayout, QHeaderView, QLabel, QPlainTextEdit, QPushButton, QScrollArea,
                               QVBoxLayout, QWidget)

TEXT_FIELDS = ("instruction", "input", "output")
IMAGE_FIELDS = ("caption",)
WIDE = {"instruction": 3, "input": 2, "output": 3, "caption": 4}   # share of the free width per text column


class RecordDetail(QWidget):
    """Shows the current row of ``page.table``; Save sends each changed field through ``page._edit``."""

    def __init__(self, page):
        super().__init__()
        self.page = page
        self.row: dict | None = None
        self.setMinimumWidth(280)
        self.title = QLabel(self.tr("No record selected"))
        self.title.setObjectName("sectionTitle")
        self.meta = QLabel()
        self.meta.setObjectName("muted")
        self.meta.setWordWrap(True)
        self.editors: dict[str, QPlainTextEdit] = {}
        self.labels: dict[str, QLabel] = {}
        fields = QWidget()
        self.fields_layout = QVBoxLayout(fields)
        self.fields_layout.setContentsMargins(0, 0, 0, 0)
        for key in TEXT_FIELDS + IMAGE_FIELDS:
            label = QLabel(self.field_name(key))
            editor = QPlainTextEdit()
            editor.setObjectName("recordField_" + key)
            editor.setTabChangesFocus(True)
            editor.textChanged.connect(self._changed)
            self.fields_layout.addWidget(label)
            self.fields_layout.addWidget(editor, 2 if key in ("output", "caption") else 1)
            self.editors[key], self.labels[key] = editor, label
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(fields)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.save_button = QPushButton(self.tr("Save changes"))
        self.save_button.setProperty("primary", True)
        self.save_button.setToolTip(self.tr("Save the edited fields into the dataset's draft (Ctrl+S)"))
        self.save_button.setShortcut("Ctrl+S")
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton(self.tr("Undo changes"))
        self.revert_button.clicked.connect(lambda: self.show_row(self.row))
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.revert_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.meta)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self.show_row(None)

    def field_name(self, key: str) -> str:
        return {"instruction": self.tr("Instruction"), "input": self.tr("Input"), "output": self.tr("Output"),
                "caption": self.tr("Caption")}.get(key, key)

    def set_modality(self, modality: str) -> None:
        shown = IMAGE_FIELDS if modality == "image" else TEXT_FIELDS
        for key in self.editors:
            self.editors[key].setVisible(key in shown)
            self.labels[key].setVisible(key in shown)

    def show_row(self, row: dict | None) -> None:
        self.row = dict(row) if row else None
        for key, editor in self.editors.items():
            editor.blockSignals(True)
            editor.setPlainText(str((row or {}).get(key) or ""))
            editor.setEnabled(row is not None)
            editor.blockSignals(False)
        if row is None:
            self.title.setText(self.tr("No record selected"))
            self.meta.clear()
        else:
            self.title.setText(self.tr("Record #%1").replace("%1", str(row.get("id"))))
            parts = [self.page._status_text(row)]
            if row.get("label"):
                parts.append(self.tr("Label: %1").replace("%1", str(row["label"])))
            if row.get("tags"):
                parts.append(self.tr("Tags: %1").replace("%1", ", ".join(row["tags"])))
            if row.get("split"):
                parts.append(self.tr("Split: %1").replace("%1", self.page.split_name(row["split"])))
            self.meta.setText(" · ".join(p for p in parts if p))
        self._changed()

    def changed_fields(self) -> dict[str, str]:
        if self.row is None:
            return {}
        return {key: editor.toPlainText() for key, editor in self.editors.items()
                if editor.isVisibleTo(self) and editor.toPlainText() != str(self.row.get(key) or "")}

    def _changed(self) -> None:
        dirty = bool(self.changed_fields())
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)

    def save(self) -> None:
        row = self.row
        changes = self.changed_fields()
        if row is None or not changes:
            return
        for key, value in changes.items():
            self.page._edit(row, key, value)
            row[key] = value
        self._changed()


def fit_columns(table, columns, samples: dict[str, list[str]] | None = None) -> None:
    """Short columns as wide as their title and values need; the text columns share what is left of the
    table's width by their weight, so nothing is cut off and nothing runs past the edge."""
    header = table.horizontalHeader()
    metrics = header.fontMetrics()
    pad = 22
    free = table.viewport().width()
    fixed = []
    for index, column in enumerate(columns):
        if column.key in WIDE:
            continue
        words = [column.title] + list((samples or {}).get(column.key, []))
        width = max(max(metrics.horizontalAdvance(w) for w in words) + pad, 44)
        if column.key == "image_path":
            width = max(width, table.iconSize().width() + 16)
        header.setSectionResizeMode(index, QHeaderView.ResizeMode.Interactive)
        table.setColumnWidth(index, width)
        fixed.append(width)
    weights = {index: WIDE[c.key] for index, c in enumerate(columns) if c.key in WIDE}
    least = {index: metrics.horizontalAdvance(columns[index].title) + pad for index in weights}
    left = max(sum(least.values()), free - sum(fixed))
    total = sum(weights.values()) or 1
    for index, weight in weights.items():
        header.setSectionResizeMode(index, QHeaderView.ResizeMode.Interactive)
        table.setColumnWidth(index, max(least[index], int(left * weight / total)))
    header.setStretchLastSection(False)


def row_changed(page, current, _previous=None) -> None:
    """The table's current row moved: show it beside the table."""
    row = page.model.rows[current.row()] if current.isValid() and current.row() < len(page.model.rows) else None
    page.detail_pane.show_row(row)


