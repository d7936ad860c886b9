"""What can be done to runs in the Training tab's list: rename one, delete one (not while it trains; its
adapter stays in Models), and compare the loss curves of several on one chart."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QInputDialog, QMessageBox, QPushButton, QWidget

from desktop.bridge import Op


def run_label(run: dict) -> str:
    return run.get("name") or run["id"]


class RunActions(QWidget):
    def __init__(self, page):
        super().__init__()
        self.page = page
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.rename_button = QPushButton(self.tr("Rename…"))
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.setToolTip(self.tr("Delete the run's checkpoints and logs; its adapter stays in Models"))
        self.compare_button = QPushButton(self.tr("Compare…"))
        self.compare_button.setToolTip(self.tr("Select several runs (Ctrl+click) to draw their loss curves together"))
        for button in (self.rename_button, self.delete_button, self.compare_button):
            layout.addWidget(button)
        self.rename_button.clicked.connect(lambda: self.rename())
        self.delete_button.clicked.connect(lambda: self.delete())
        self.compare_button.clicked.connect(self.compare)
        self.dialog = None
        page.runs_list.itemSelectionChanged.connect(self.update_buttons)
        self.update_buttons()

    def selected(self) -> list[dict]:
        return [item.data(Qt.ItemDataRole.UserRole) for item in self.page.runs_list.selectedItems()
                if item.data(Qt.ItemDataRole.UserRole)]

    def update_buttons(self) -> None:
        runs = self.selected()
        one = len(runs) == 1
        self.rename_button.setEnabled(one)
        training = one and (runs[0].get("job_state") in ("queued", "running"))
        self.delete_button.setEnabled(one and not training)
        self.delete_button.setToolTip(self.tr("Stop the run before deleting it") if training else
                                      self.tr("Delete the run's checkpoints and logs; its adapter stays in Models"))
        self.compare_button.setEnabled(len(runs) >= 2)

    def _failed(self, exc, details) -> None:
        from desktop.widgets.error_dialog import show_error
        show_error(self, exc, details)

    def rename(self, name: str | None = None) -> None:
        runs = self.selected()
        if len(runs) != 1:
            return
        run = runs[0]
        if name is None:
            name, ok = QInputDialog.getText(self, self.tr("Rename run"), self.tr("Run name (empty: its id):"),
                                            text=run.get("name") or "")
            if not ok:
                return
        from engine.training.runs import rename_run
        Op(self, rename_run, self.page.engine, run["id"], name).success(lambda _: self.page.refresh()) \
            .failure(self._failed).run_in_background()

    def delete(self) -> None:
        runs = self.selected()
        if len(runs) != 1:
            return
        run = runs[0]
        answer = QMessageBox.question(
            self, self.tr("Delete run"),
            self.tr("Delete run %1 with its checkpoints and logs? The adapter it trained stays in Models.")
            .replace("%1", run_label(run)))
        if answer != QMessageBox.StandardButton.Yes:
            return
        from engine.training.runs import remove_run
        Op(self, remove_run, self.page.engine, run["id"]).success(lambda _: self.page.refresh()) \
            .failure(self._failed).run_in_background()

    def compare(self) -> None:
        from desktop.tabs.training_compare import CompareDialog
        runs = self.selected()
        if len(runs) < 2:
            return
        if self.dialog is None:
            self.dialog = CompareDialog(self)
        self.dialog.show_runs(self.page.engine, runs)
        self.dialog.show()
        self.dialog.raise_()
