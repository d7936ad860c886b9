"""The one primary (filled, accent-coloured) button style a pane uses for its main action."""
from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from desktop import icons


def primary_button(icon: str, text: str, slot=None) -> QPushButton:
    """A primary button with a white icon (it sits on the accent colour); ``slot`` runs on click."""
    button = QPushButton(icons.icon(icon, "#ffffff"), text)
    button.setProperty("primary", True)
    if slot is not None:
        button.clicked.connect(slot)
    return button
