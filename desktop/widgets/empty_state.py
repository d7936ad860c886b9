"""A friendly empty view: an icon, what is missing, and what to do about it."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from desktop import icons
from desktop.style import current_palette


class EmptyState(QWidget):
    def __init__(self, icon: str, title: str, text: str, action: str | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("emptyState")
        layout = QVBoxLayout(self)
        layout.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.setSpacing(10)
        picture = QLabel()
        picture.setPixmap(icons.pixmap(icon, current_palette()["disabled"], 56))
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = QLabel(title)
        self.title.setObjectName("emptyTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text = QLabel(text)
        self.text.setObjectName("emptyText")
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text.setMaximumWidth(460)
        layout.addWidget(picture)
        layout.addWidget(self.title)
        layout.addWidget(self.text, 0, Qt.AlignmentFlag.AlignHCenter)
        self.button: QPushButton | None = None
        if action:
            self.button = QPushButton(action)
            self.button.setProperty("primary", True)
            layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)


def empty_stack(host: QWidget, empty: EmptyState, on_action=None) -> QStackedWidget:
    """Fill ``host`` with a stack that starts on ``empty`` (its button runs ``on_action``); the tab adds
    its real view to the stack and switches to it once there is something to show."""
    layout = QVBoxLayout(host)
    layout.setContentsMargins(0, 0, 0, 0)
    stack = QStackedWidget()
    layout.addWidget(stack)
    if on_action is not None and empty.button is not None:
        empty.button.clicked.connect(on_action)
    stack.addWidget(empty)
    return stack
