"""The output-file field of the export dialogs (GGUF, checkpoint, bundle): Save as… fills it, the suffix is
added when missing, and an existing file is replaced only when the save dialog already asked about it."""
from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog, QLabel, QLayout, QLineEdit, QVBoxLayout

from desktop.widgets.dialog_parts import path_row


class SaveTarget:
    """``field`` and ``row`` go into the dialog; ``path()`` is the file to write ("" when none is given)."""

    def __init__(self, dialog: QDialog, suffix: str, placeholder: str, title: str, file_filter: str,
                 suggested: Callable[[], str]):
        self.dialog, self.suffix, self.title, self.file_filter, self.suggested = \
            dialog, suffix, title, file_filter, suggested
        self.overwrite = False   # True once the save dialog asked about replacing the chosen file
        self.field = QLineEdit()
        self.field.setPlaceholderText(placeholder)
        self.field.textEdited.connect(self._typed)
        self.row = path_row(self.field, (dialog.tr("Save as…"), self.pick))

    def _typed(self, *_) -> None:
        self.overwrite = False   # a typed path was not confirmed by anyone

    def pick(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self.dialog, self.title, self.suggested() + self.suffix,
                                              self.file_filter)
        if path:
            self.field.setText(self._with_suffix(path))
            self.overwrite = True

    def path(self) -> str:
        text = self.field.text().strip()
        return self._with_suffix(text) if text else ""

    def _with_suffix(self, path: str) -> str:
        return path if path.lower().endswith(self.suffix) else path + self.suffix


def export_layout(dialog: QDialog, top: QLayout, note: str) -> None:
    """``top`` (the dialog's form), a muted note, a message line and Cancel / Export (runs ``dialog.start``);
    sets ``dialog.note``, ``dialog.message`` and ``dialog.export_button``."""
    dialog.note = QLabel(note)
    dialog.note.setObjectName("muted")
    dialog.note.setWordWrap(True)
    dialog.message = QLabel()
    dialog.message.setWordWrap(True)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    dialog.export_button = buttons.addButton(dialog.tr("Export"), QDialogButtonBox.ButtonRole.AcceptRole)
    dialog.export_button.setProperty("primary", True)
    buttons.accepted.connect(dialog.start)
    buttons.rejected.connect(dialog.reject)
    layout = QVBoxLayout(dialog)
    layout.addLayout(top)
    layout.addWidget(dialog.note)
    layout.addWidget(dialog.message)
    layout.addStretch(1)
    layout.addWidget(buttons)
