"""First run: an empty workspace greets the user with the three ways to begin.

An installed copy opens an empty workspace (the sample content loads only when asked), so
instead of six empty tabs the window offers: load the sample workspace (starter models, example
datasets and tasks), open a workspace someone else prepared, or create a new empty one. The
greeting sits above the tabs, never blocks the window, and is not shown again for a workspace
once dismissed.
"""
from __future__ import annotations

import hashlib

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from desktop.bridge import Op


def is_empty(engine) -> bool:
    """No datasets, models or tasks, and the sample content never loaded."""
    if engine.workspace.get_setting("samples_installed") is not None:
        return False
    for area in ("data", "models", "tasks"):
        if getattr(type(engine), area, None) is not None and getattr(engine, area).list():
            return False
    return True


def settings_key(root) -> str:
    return "welcome/dismissed-" + hashlib.sha1(str(root).encode("utf-8")).hexdigest()[:16]


class Welcome(QFrame):
    def __init__(self, window):
        super().__init__()
        self.window_ = window
        self.setObjectName("banner")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        title = QLabel(self.tr("Welcome to AIGC Workbench"))
        title.setStyleSheet("font-size: 15px; font-weight: 700;")
        text = QLabel(self.tr("This workspace is empty. Load the sample workspace to try everything with "
                              "starter models, example datasets and tasks, or open the workspace your team "
                              "prepared."))
        text.setWordWrap(True)
        row = QHBoxLayout()
        self.samples_button = QPushButton(self.tr("Load the sample workspace"))
        self.samples_button.setProperty("primary", True)
        self.samples_button.clicked.connect(self.load_samples)
        self.open_button = QPushButton(self.tr("Open a workspace…"))
        self.open_button.clicked.connect(lambda: window.choose_workspace(new=False))
        self.new_button = QPushButton(self.tr("Create a new workspace…"))
        self.new_button.clicked.connect(lambda: window.choose_workspace(new=True))
        self.dismiss_button = QPushButton(self.tr("Start empty"))
        self.dismiss_button.setToolTip(self.tr("Hide this greeting for this workspace"))
        self.dismiss_button.clicked.connect(self.dismiss)
        for button in (self.samples_button, self.open_button, self.new_button):
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.dismiss_button)
        layout.addWidget(title)
        layout.addWidget(text)
        layout.addLayout(row)

    def load_samples(self) -> None:
        self.window_.load_samples()
        self.dismiss()

    def dismiss(self) -> None:
        engine = self.window_.engine
        if engine is not None:
            self.window_.settings.store.setValue(settings_key(engine.root), True)
        self.hide()


def offer(window, engine) -> None:
    """Show the greeting if this workspace is empty and it was not dismissed before."""
    if window.settings.store.value(settings_key(engine.root), False) in (True, "true"):
        return
    Op(window, is_empty, engine).success(lambda empty: window.show_welcome() if empty and
                                         window.engine is engine else None).run_in_background()
