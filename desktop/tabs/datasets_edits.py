"""Review edits of the shown dataset: shown at once, saved in order through one queue.

A key press applies to the rows selected when it was pressed and moves the selection on straight
away, so a reviewer can go A, R, A down a list as fast as they read; the saves follow one after
another behind them. An edit that cannot be saved is taken back on screen, with one message.
"""
from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QInputDialog

from desktop.bridge import Op
from desktop.widgets.serial_queue import SerialQueue


class RecordEdits(QObject):
    def __init__(self, page):
        super().__init__(page)
        self.page = page
        self.queue = SerialQueue(self)
        self.queue.drained.connect(self._drained)
        self.queue.failed.connect(self._failed)

    @property
    def model(self):
        return self.page.model

    def pending(self) -> int:
        return self.queue.pending()

    def _rows(self) -> list[dict]:
        table = self.page.table
        numbers = sorted({index.row() for index in table.selectionModel().selectedRows()})
        if not numbers and table.currentIndex().isValid():
            numbers = [table.currentIndex().row()]
        return [self.model.rows[n] for n in numbers if n < len(self.model.rows)]

    def _show(self, name: str, changes: dict[int, dict]) -> None:
        """Show per-record changes if that dataset is still the one on screen."""
        if name == self.page.current:
            for item_id, values in changes.items():
                self.model.update_row(item_id, values)

    def _put(self, name: str, fn, *args, before: dict[int, dict], done=None, **kwargs) -> None:
        self.page.draft.edited()
        self.queue.put(fn, *args, done=done, undo=lambda: self._show(name, before), **kwargs)

    # -- the edits ------------------------------------------------------------
    def set_status(self, status: str) -> None:
        rows = self._rows()
        if not rows or not self.page.current:
            return
        name, ids = self.page.current, [r["id"] for r in rows]
        before = {r["id"]: {"status": r.get("status")} for r in rows}
        self._show(name, {i: {"status": status} for i in ids})
        self._advance()
        self._put(name, self.page.engine.data.set_status, name, ids, status, draft=True, before=before)

    def edit(self, row: dict, key: str, value: str) -> None:
        name = self.page.current
        if not name:
            return
        before = {row["id"]: {key: row.get(key)}}
        self._show(name, {row["id"]: {key: value}})
        self._put(name, self.page.engine.data.update_record, name, row["id"], draft=True, before=before,
                  **{key: value})

    def tag(self) -> None:
        rows = self._rows()
        if not rows or not self.page.current:
            return
        tag, ok = QInputDialog.getText(self.page, self.tr("Add a tag"),
                                       self.tr("Tag for %n record(s):", "", len(rows)))
        if not ok or not tag.strip():
            return
        name, ids, tag = self.page.current, [r["id"] for r in rows], tag.strip()
        before = {r["id"]: {"tags": list(r.get("tags") or [])} for r in rows}
        self._show(name, {r["id"]: {"tags": sorted({*(r.get("tags") or []), tag})} for r in rows})
        self._put(name, self.page.engine.data.add_tags, name, ids, [tag], draft=True, before=before)

    def seal(self, name: str, message: str | None, done) -> None:
        """Commit the draft after every edit queued before it."""
        self.queue.put(self.page.engine.data.commit_draft, name, message, done=done)

    def _advance(self) -> None:
        """Select the row after the last one edited, at once (the save follows behind)."""
        table = self.page.table
        numbers = [index.row() for index in table.selectionModel().selectedRows()]
        last = max(numbers) if numbers else table.currentIndex().row()
        if 0 <= last and last + 1 < self.model.rowCount():
            table.selectRow(last + 1)

    # -- after the queue ran --------------------------------------------------------
    def _drained(self) -> None:
        page = self.page
        page.draft.reload()
        if page.current and page.engine is not None:
            name = page.current
            Op(page, page.engine.data.get, name).success(
                lambda info: page._refresh_info(info) if name == page.current else None) \
                .failure(lambda *_: None).run_in_background()   # a refresh only: the next one catches up

    def _failed(self, exc, details: str, dropped: int) -> None:
        from desktop.widgets.error_dialog import show_error
        title = self.tr("%n edit(s) could not be saved and were taken back", "", dropped)
        show_error(self.page, exc, details, title)
