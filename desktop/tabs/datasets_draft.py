"""The open draft of the shown dataset: review edits collect in one version until the reviewer commits it.

Accepting, rejecting, tagging and inline edits each amend the draft, so a review session leaves one
version with a message instead of hundreds of one-edit versions. The draft lives in the workspace, so
leaving it open loses nothing; the reviewer is asked before switching dataset or closing the window.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
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
        self._answered = False   # the reviewer chose commit or keep for the edits so far
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
        self.name, self.edits, self._answered = name, 0, False
        self._show_count()
        self.reload()

    def edited(self) -> None:
        """An edit was queued: a later leave asks again."""
        self._answered = False

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
        if not self.name or not (self.edits or self.page.edits.pending()):
            return None
        if message is not None:
            self._seal(message)
            return None
        dialog = QInputDialog(self.page)
        dialog.setObjectName("commitDialog")
        dialog.setWindowTitle(self.tr("Commit edits"))
        dialog.setLabelText(self.tr("What did this review change? (%1 edit(s) in dataset '%2')")
                            .replace("%1", str(self.edits + self.page.edits.pending())).replace("%2", self.name))
        dialog.setTextValue(self.tr("Reviewed %1 edit(s)").replace("%1", str(self.edits)))
        dialog.textValueSelected.connect(lambda text: self._seal(text.strip() or None))
        dialog.open()
        self.dialog = dialog
        return dialog

    def _seal(self, message: str | None, then=None) -> None:
        name = self.name

        def sealed(_result) -> None:
            self._sealed(name)
            if then is not None:
                then()
        self.page.edits.seal(name, message, sealed)

    def _sealed(self, name: str) -> None:
        if name == self.name:
            self.edits = 0
            self._show_count()
        self.page.draft_committed()

    def needs_answer(self) -> bool:
        """Whether leaving the dataset now would leave edits behind that the reviewer has not decided on."""
        return bool(self.name and (self.edits or self.page.edits.pending()) and self.page.engine is not None
                    and not self._answered)

    def settle(self, then) -> bool:
        """Before leaving the dataset: True when nothing needs asking; otherwise ask (without blocking)
        to commit, keep the draft for later or stay, call ``then()`` once the draft is settled, and
        return False."""
        if not self.needs_answer():
            return True
        count = self.edits + self.page.edits.pending()
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Uncommitted edits"),
                          self.tr("Dataset '%1' has %2 uncommitted edit(s). Commit them as one version now?")
                          .replace("%1", self.name).replace("%2", str(count)), parent=self.page)
        commit = box.addButton(self.tr("Commit"), QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton(self.tr("Keep as draft"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(commit)
        box.setObjectName("draftQuestion")
        box.setWindowModality(Qt.WindowModality.WindowModal)
        self.question = box

        def answered(_code) -> None:
            clicked = box.clickedButton()
            if clicked is commit:
                self._answered = True
                self._seal(None, then)
            elif clicked is keep:
                self._answered = True
                then()
        box.finished.connect(answered)
        box.open()
        return False
