"""Pieces the import dialogs share: a path box with its browse buttons, and Cancel / Check / Import,
where Import stays off until Check has verified what would be imported."""
from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHBoxLayout, QLineEdit, QPushButton


def path_row(path: QLineEdit, *buttons: tuple[str, object]) -> QHBoxLayout:
    """The path box, then one button per (label, slot), e.g. ("File…", pick_file)."""
    row = QHBoxLayout()
    row.addWidget(path, 1)
    for label, slot in buttons:
        button = QPushButton(label)
        button.clicked.connect(slot)
        row.addWidget(button)
    return row


def check_import_buttons(dialog: QDialog, check_label: str, import_label: str) -> QDialogButtonBox:
    """Cancel, Check (runs ``dialog.check``) and Import (runs ``dialog.start``, off until enabled); sets
    ``dialog.check_button`` and ``dialog.import_button``."""
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
    dialog.check_button = buttons.addButton(check_label, QDialogButtonBox.ButtonRole.ActionRole)
    dialog.import_button = buttons.addButton(import_label, QDialogButtonBox.ButtonRole.AcceptRole)
    dialog.import_button.setProperty("primary", True)
    dialog.import_button.setEnabled(False)
    dialog.check_button.clicked.connect(dialog.check)
    buttons.accepted.connect(dialog.start)
    buttons.rejected.connect(dialog.reject)
    return buttons
