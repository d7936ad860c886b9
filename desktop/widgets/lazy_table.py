"""A table model that loads rows page by page, off the GUI thread, as the view scrolls.

The view asks ``canFetchMore``/``fetchMore`` when it nears the end of what is
loaded; the next page is read in the background and appended when it arrives,
so a million-row dataset opens at once and scrolls smoothly.
"""
from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from desktop.bridge import Op


class Column:
    def __init__(self, key: str, title: str, width: int = 160, editable: bool = False,
                 render: Callable[[dict], str] | None = None):
        self.key, self.title, self.width, self.editable = key, title, width, editable
        self.render = render or (lambda row: _plain(row.get(key)))


def _plain(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    text = str(value)
    return text if len(text) <= 300 else text[:300] + "…"


class LazyTableModel(QAbstractTableModel):
    """Rows come from ``fetch(offset, limit) -> list[dict]``; ``count() -> int`` gives the total."""

    PAGE = 200
    loaded = Signal(int, int)                # rows loaded, total
    edit_requested = Signal(dict, str, str)  # row, key, new text

    def __init__(self, columns: list[Column], parent=None):
        super().__init__(parent)
        self.columns = columns
        self.rows: list[dict] = []
        self.total = 0
        self._fetch: Callable[[int, int], list[dict]] | None = None
        self._count: Callable[[], int] | None = None
        self._loading = False
        self._generation = 0
        self.decorate: Callable[[dict, int], object] | None = None   # optional icon per row/column

    # -- source -----------------------------------------------------------
    def set_source(self, fetch: Callable[[int, int], list[dict]] | None, count: Callable[[], int] | None) -> None:
        """Point at a new query: clears the table and loads the first page in the background."""
        self._generation += 1
        self.beginResetModel()
        self.rows = []
        self.total = 0
        self._fetch, self._count = fetch, count
        self._loading = False
        self.endResetModel()
        if fetch is None or count is None:
            self.loaded.emit(0, 0)
            return
        generation = self._generation
        self._loading = True
        Op(self, lambda: (count(), fetch(0, self.PAGE))).success(
            lambda result: self._first_page(generation, *result)).failure(
            lambda exc, details: self._failed(generation, exc, details)).run_in_background()

    def reload(self) -> None:
        self.set_source(self._fetch, self._count)

    def _first_page(self, generation: int, total: int, rows: list[dict]) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self.total = total
        self._append(rows)

    def _failed(self, generation: int, exc, details) -> None:
        if generation == self._generation:
            self._loading = False
            from desktop.widgets.error_dialog import show_error
            show_error(None, exc, details)

    def _append(self, rows: list[dict]) -> None:
        if rows:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(rows) - 1)
            self.rows.extend(rows)
            self.endInsertRows()
        if len(rows) < self.PAGE:
            self.total = len(self.rows)  # the source ran out early (rows removed meanwhile)
        self.loaded.emit(len(self.rows), self.total)

    # -- lazy fetching ---------------------------------------------------------
    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and not self._loading and self._fetch is not None and \
            len(self.rows) < self.total

    def fetchMore(self, parent=QModelIndex()) -> None:
        if not self.canFetchMore(parent):
            return
        self._loading = True
        generation, offset, fetch = self._generation, len(self.rows), self._fetch
        Op(self, fetch, offset, self.PAGE).success(lambda rows: self._more(generation, rows)).failure(
            lambda exc, details: self._failed(generation, exc, details)).run_in_background()

    def _more(self, generation: int, rows: list[dict]) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self._append(rows)

    def is_loading(self) -> bool:
        return self._loading

    # -- Qt model -------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section].title
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        column = self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = column.render(row)
            return text.replace("\n", " ⏎ ") if role == Qt.ItemDataRole.DisplayRole else text
        if role == Qt.ItemDataRole.EditRole:
            return _plain(row.get(column.key)) if not isinstance(row.get(column.key), str) else row.get(column.key)
        if role == Qt.ItemDataRole.DecorationRole and self.decorate is not None:
            return self.decorate(row, index.column())
        if role == Qt.ItemDataRole.UserRole:
            return row
        return None

    def flags(self, index):
        base = super().flags(index)
        if index.isValid() and self.columns[index.column()].editable:
            base |= Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        row = self.rows[index.row()]
        key = self.columns[index.column()].key
        if str(row.get(key) or "") == str(value):
            return False
        self.edit_requested.emit(row, key, str(value))
        return True

    def update_row(self, item_id, changes: dict) -> None:
        """Show a change the engine accepted without reloading the page."""
        for number, row in enumerate(self.rows):
            if row.get("id") == item_id:
                row.update(changes)
                self.dataChanged.emit(self.index(number, 0), self.index(number, len(self.columns) - 1))
                return
