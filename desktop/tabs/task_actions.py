"""What the Tasks tab does to the selected task: duplicate it, archive or restore it, run it on a file of
inputs. Each says how it went in the page's message line; a run that could be started clears an older error."""
from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog

from desktop.bridge import Op
from desktop.widgets.error_dialog import reason_of


class TaskActions(QObject):
    def __init__(self, page):
        super().__init__(page)
        self.page = page

    def duplicate(self) -> None:
        page = self.page
        if page.current is None:
            return
        names = {t.name for t in page.tasks}
        number = 2
        while f"{page.current.name}-{number}" in names:
            number += 1
        definition = {**page.current.to_dict(), "name": f"{page.current.name}-{number}"}
        Op(page, page.engine.tasks.create, definition).success(page._saved).run_in_background()

    def toggle_archived(self) -> None:
        """Archive the selected task (it leaves the list) or restore an archived one."""
        page = self.page
        if page.current is None:
            return
        name = page.current.name
        call = page.engine.tasks.unarchive if name in page.archived else page.engine.tasks.archive
        Op(page, call, name).success(self._archived_changed).failure(
            lambda exc, details: page.message.setText("⚠ " + reason_of(exc))).run_in_background()

    def _archived_changed(self, result: dict) -> None:
        text = self.tr("Archived %1") if result["archived"] else self.tr("Restored %1")
        self.page.refresh()
        self.page.message.setText("✓ " + text.replace("%1", result["task"]))

    def run_on_file(self, path: str | None = None) -> None:
        page = self.page
        if page.current is None:
            return
        if not path:
            path, _ = QFileDialog.getOpenFileName(page, self.tr("Inputs for %1").replace("%1", page.current.name), "",
                                                  self.tr("Tables (*.csv *.xlsx *.jsonl);;All files (*)"))
        if path:
            name = page.current.name
            Op(page, page.engine.tasks.run, name, path).success(lambda job: self._started(job, name)) \
                .failure(lambda exc, details: page.message.setText("⚠ " + reason_of(exc))).run_in_background()

    def _started(self, job, name: str) -> None:
        """The run is under way: its progress is in the banner, and an earlier refusal is no longer news."""
        self.page.window_.show_banner_job(job)
        self.page.message.setText("✓ " + self.tr("Running %1 on the inputs").replace("%1", name))
