"""The filter bar above a dataset's records: text search, review status, split and tag. Typing waits
a quarter second before reloading, so a long dataset is not queried on every key."""
from __future__ import annotations

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QWidget

from desktop import icons


class RecordFilters(QWidget):
    """Emits ``changed`` when the records to show change; ``values()`` is what ``data.records`` takes."""

    changed = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search text…"))
        self.search.addAction(icons.icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.search.setClearButtonEnabled(True)
        self.status_filter = QComboBox()
        for value, label in (("", self.tr("Any status")), ("unreviewed", self.tr("Unreviewed")),
                             ("accepted", self.tr("Accepted")), ("rejected", self.tr("Rejected"))):
            self.status_filter.addItem(label, value)
        self.split_filter = QComboBox()
        for value, label in (("", self.tr("Any split")), ("train", self.tr("Train")),
                             ("val", self.tr("Validation")), ("test", self.tr("Test"))):
            self.split_filter.addItem(label, value)
        self.tag_filter = QLineEdit()
        self.tag_filter.setPlaceholderText(self.tr("Tag"))
        self.tag_filter.setMaximumWidth(140)
        row.addWidget(self.search, 1)
        row.addWidget(self.status_filter)
        row.addWidget(self.split_filter)
        row.addWidget(self.tag_filter)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.changed)
        self.search.textChanged.connect(self._debounce.start)
        self.tag_filter.textChanged.connect(self._debounce.start)
        self.status_filter.currentIndexChanged.connect(self.changed)
        self.split_filter.currentIndexChanged.connect(self.changed)

    def values(self) -> dict:
        return {"search": self.search.text().strip() or None, "tag": self.tag_filter.text().strip() or None,
                "status": self.status_filter.currentData() or None, "split": self.split_filter.currentData() or None}
