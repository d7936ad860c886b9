"""Version history of a dataset, and the diff between two versions."""
from __future__ import annotations

import time

from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QSplitter,
                               QTableWidget, QTableWidgetItem, QVBoxLayout)

from desktop.bridge import Op


class VersionsDialog(QDialog):
    def __init__(self, engine, name: str, parent=None):
        super().__init__(parent)
        self.setObjectName("versionsDialog")
        self.setWindowTitle(self.tr("History of %1").replace("%1", name))
        self.resize(860, 560)
        self.engine, self.name = engine, name
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([self.tr("Version"), self.tr("Examples"), self.tr("Change"),
                                              self.tr("When")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(2, 360)
        self.table.itemSelectionChanged.connect(self._show_diff)
        self.hint = QLabel(self.tr("Select a version to see what changed since the one before it."))
        self.hint.setObjectName("muted")
        self.diff = QPlainTextEdit()
        self.diff.setReadOnly(True)
        splitter = QSplitter()
        splitter.setOrientation(splitter.orientation().Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.diff)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.hint)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)
        Op(self, engine.data.versions, name).success(self._show_versions).run_in_background()

    def _show_versions(self, versions: list[dict]) -> None:
        self.versions = versions
        self.table.setRowCount(len(versions))
        for row, version in enumerate(reversed(versions)):
            values = [f"v{version['version']}" + (" ●" if version.get("head") else ""), str(version["count"]),
                      version.get("message") or "",
                      time.strftime("%Y-%m-%d %H:%M", time.localtime(version.get("created_at") or 0))]
            for column, value in enumerate(values):
                self.table.setItem(row, column, QTableWidgetItem(value))

    def _show_diff(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return
        version = list(reversed(self.versions))[rows[0].row()]["version"]
        if version <= 1:
            self.diff.setPlainText(self.tr("The first version: everything was added."))
            return
        Op(self, self.engine.data.diff, self.name, version - 1, version, 200).success(self._render) \
            .run_in_background()

    def _render(self, diff: dict) -> None:
        counts = diff["counts"]
        lines = [self.tr("v%1 → v%2: %3 added, %4 removed, %5 changed")
                 .replace("%1", str(diff["from"])).replace("%2", str(diff["to"]))
                 .replace("%3", str(counts["added"])).replace("%4", str(counts["removed"]))
                 .replace("%5", str(counts["changed"])), ""]
        for entry in diff["added"][:50]:
            lines.append(f"+ #{entry['id']} {_short(entry)}")
        for entry in diff["removed"][:50]:
            lines.append(f"- #{entry['id']} {_short(entry)}")
        for entry in diff["changed"][:100]:
            parts = [f"{key}: {entry['before'].get(key)!r} → {entry['after'].get(key)!r}" for key in entry["fields"]]
            lines.append(f"~ #{entry['id']} " + "; ".join(parts))
        self.diff.setPlainText("\n".join(lines))


def _short(entry: dict) -> str:
    text = entry.get("instruction") or entry.get("caption") or entry.get("output") or ""
    return str(text)[:120]
