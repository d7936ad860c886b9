"""The open draft of the shown dataset: review edits collect in one version until the reviewer commits it.

Accepting, rejecting, tagging and inline edits each amend the draft, so a review session leaves one
version with a message instead of hundreds of one-edit versions. The draft lives in the workspace, so
leaving it open loses nothing; the reviewer is asked before switching dataset or closing the window.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QInputDialog, QMessageBox, QPushButton

from desktop.bridge import Op


class DraftControl(QObject):
    """Counts the edits in the draft of one dataset and seals it with a message."""

    changed = Signal()   # the edit count changed (the page updates its version label)

    def __init__(self, page):
        super().__init__(page)
        self.page = page
        self.name: str | None = None
        self.edits = 0
        self.button = QPushButton()
        self.button.setObjectName("commitEdits")
        self.button.setShortcut(QKeySequence("Ctrl+S"))
        self.button.setToolTip(self.tr("Seal the review edits as one version with a message (Ctrl+S)"))
        self.button.clicked.connect(lambda: self.commit())
        self._show_count()

    @property
    def is_open(self) -> bool:
        return self.edits > 0

    def track(self, name: str | None) -> None:
        """Follow another dataset (its draft may be left from an earlier session)."""
        self.name, self.edits = name, 0
        self._show_count()
        self.reload()

    def reload(self) -> None:
        if self.name and self.page.engine is not None:
            name = self.name
            Op(self.page, self.page.engine.data.versions, name).success(
                lambda versions: self._show_versions(name, versions)).run_in_background()

    def _show_versions(self, name: str, versions: list[dict]) -> None:
        if name != self.name:
            return
        head = versions[-1] if versions else {}
        self.edits = int(head.get("edits") or 1) if head.get("draft") else 0
        self._show_count()

    def _show_count(self) -> None:
        self.button.setText(self.tr("Commit edits (%1)").replace("%1", str(self.edits)))
        self.button.setEnabled(self.edits > 0)
        self.changed.emit()

    def commit(self, message: str | None = None):
        """Seal the draft; without a message, ask for one first (returns the dialog then)."""
        if not self.name or not self.edits:
            return None
        if message is not None:
            self._seal(message)
            return None
        dialog = QInputDialog(self.page)
        dialog.setObjectName("commitDialog")
        dialog.setWindowTitle(self.tr("Commit edits"))
        dialog.setLabelText(self.tr("What did this review change? (%1 edit(s) in dataset '%2')")
                            .replace("%1", str(self.edits)).replace("%2", self.name))
        dialog.setTextValue(self.tr("Reviewed %1 edit(s)").replace("%1", str(self.edits)))
        dialog.textValueSelected.connect(lambda text: self._seal(text.strip() or None))
        dialog.open()
        self.dialog = dialog
        return dialog

    def _seal(self, message: str | None) -> None:
        name = self.name
        Op(self.page, self.page.engine.data.commit_draft, name, message).success(
            lambda _: self._sealed(name)).run_in_background()

    def _sealed(self, name: str) -> None:
        if name == self.name:
            self.edits = 0
            self._show_count()
        self.page.draft_committed()

    def settle(self) -> bool:
        """Before leaving the dataset: commit, keep the draft for later, or stay (returns False)."""
        if not self.name or not self.edits or self.page.engine is None:
            return True
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Uncommitted edits"),
                          self.tr("Dataset '%1' has %2 uncommitted edit(s). Commit them as one version now?")
                          .replace("%1", self.name).replace("%2", str(self.edits)), parent=self.page)
        commit = box.addButton(self.tr("Commit"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Keep as draft"), QMessageBox.ButtonRole.DestructiveRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(commit)
        box.setObjectName("draftQuestion")
        self.question = box
        box.exec()
        if box.clickedButton() is cancel:
            return False
        if box.clickedButton() is commit:
            # a seal is one small update; done here so it lands before the window closes the workspace
            self.page.engine.data.commit_draft(self.name, None)
            self.edits = 0
            self._show_count()
        return True
