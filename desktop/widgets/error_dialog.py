"""Errors in the window: the one-line reason first, the technical details folded away."""
from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget


def reason_of(exc: BaseException | str) -> str:
    """The line a person reads: a UserError's own message, else the type and first line."""
    if isinstance(exc, str):
        return exc
    try:
        from engine.errors import UserError
        if isinstance(exc, UserError):
            return str(exc)
    except ImportError:  # pragma: no cover - the engine is always importable here
        pass
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class ErrorDialog(QMessageBox):
    """A warning box with the reason, an optional hint and a "Show details" section."""

    def __init__(self, parent: QWidget | None, reason: str, details: str = "", title: str | None = None):
        super().__init__(parent)
        self.setObjectName("errorDialog")
        self.setIcon(QMessageBox.Icon.Warning)
        self.setWindowTitle(title or self.tr("Something went wrong"))
        self.setText(reason)
        self.setInformativeText(self.tr("Nothing was changed. Fix the cause above and try again."))
        if details:
            self.setDetailedText(details)
        self.setStandardButtons(QMessageBox.StandardButton.Ok)


# The dialogs currently open (tests read them; a second error does not stack a modal loop).
open_dialogs: list[ErrorDialog] = []


def show_error(parent: QWidget | None, exc: BaseException | str, details: str = "",
               title: str | None = None) -> ErrorDialog:
    """Show the error without blocking the caller (the dialog is window-modal)."""
    dialog = ErrorDialog(parent if isinstance(parent, QWidget) else None, reason_of(exc), details, title)
    open_dialogs.append(dialog)
    forget = lambda *_: open_dialogs.remove(dialog) if dialog in open_dialogs else None  # noqa: E731
    dialog.finished.connect(forget)
    dialog.destroyed.connect(forget)  # its parent window closed before anyone answered it
    dialog.open()
    return dialog
