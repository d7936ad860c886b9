"""The menu bar (File, View, Help), the keyboard shortcut list and restarting in another language."""
from __future__ import annotations

import sys

from PySide6.QtCore import QObject, QProcess
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout


class Menus(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window_ = window
        bar = window.menuBar()
        self.file_menu = bar.addMenu(self.tr("&File"))
        self._add(self.file_menu, self.tr("Open workspace…"), lambda: window.choose_workspace(new=False),
                  "Ctrl+O")
        self._add(self.file_menu, self.tr("New workspace…"), lambda: window.choose_workspace(new=True),
                  "Ctrl+Shift+N")
        self._add(self.file_menu, self.tr("Load sample content"), window.load_samples)
        self.file_menu.addSeparator()
        self._add(self.file_menu, self.tr("Settings…"), window.open_settings, "Ctrl+,")
        self.file_menu.addSeparator()
        self._add(self.file_menu, self.tr("Quit"), window.close, QKeySequence.StandardKey.Quit)

        self.view_menu = bar.addMenu(self.tr("&View"))
        from desktop.tabs import TABS
        for index, tab in enumerate(TABS):
            self._add(self.view_menu, tab.title, lambda checked=False, k=tab.key: window.show_page(k),
                      f"Ctrl+{index + 1}")
        self.view_menu.addSeparator()
        self._add(self.view_menu, self.tr("Jobs panel"), window.toggle_jobs, "Ctrl+J")
        self._add(self.view_menu, self.tr("Refresh"), window.refresh_all, QKeySequence.StandardKey.Refresh)

        self.help_menu = bar.addMenu(self.tr("&Help"))
        self._add(self.help_menu, self.tr("Keyboard shortcuts"), self.show_shortcuts, "F1")
        self._add(self.help_menu, self.tr("About AIGC Workbench"), window.open_about)

    def _add(self, menu, text: str, slot, shortcut=None) -> QAction:
        action = menu.addAction(text)
        action.triggered.connect(lambda checked=False: slot())
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        return action

    def shortcuts(self) -> list[tuple[str, str]]:
        return [("Ctrl+1 … Ctrl+7", self.tr("Go to a tab")), ("Ctrl+J", self.tr("Show or hide the Jobs panel")),
                ("Ctrl+O", self.tr("Open a workspace")), ("Ctrl+,", self.tr("Settings")),
                ("F5", self.tr("Refresh")), ("Esc", self.tr("Stop the job of this tab")),
                ("Ctrl+I", self.tr("Datasets: import a file")),
                ("A / R / U / T", self.tr("Datasets: accept, reject, mark unreviewed, tag the selected records")),
                ("Ctrl+S", self.tr("Datasets: commit the review edits · Tasks: save the task")),
                ("Ctrl+Enter", self.tr("Generation: generate · Review: approve")),
                ("Ctrl+R", self.tr("Review: reject")), ("Alt+↑ / Alt+↓", self.tr("Review: previous / next output")),
                ("F1", self.tr("This list"))]

    def show_shortcuts(self) -> QDialog:
        dialog = QDialog(self.window_)
        dialog.setObjectName("shortcutsDialog")
        dialog.setWindowTitle(self.tr("Keyboard shortcuts"))
        layout = QVBoxLayout(dialog)
        rows = "".join(f"<tr><td style='padding:3px 16px 3px 0'><b>{keys}</b></td><td>{what}</td></tr>"
                       for keys, what in self.shortcuts())
        label = QLabel(f"<table>{rows}</table>")
        layout.addWidget(label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout.addWidget(buttons)
        dialog.open()
        self.dialog = dialog
        return dialog


def restart_command(argv: list[str] | None = None) -> tuple[str, list[str]]:
    """How to start the workbench again the way it was started, minus a --lang that would override the
    new language."""
    argv = list(sys.argv if argv is None else argv)
    args, skip = [], False
    for arg in argv[1:]:
        if skip:
            skip = False
            continue
        if arg == "--lang":
            skip = True
            continue
        if not arg.startswith("--lang="):
            args.append(arg)
    if getattr(sys, "frozen", False):
        return sys.executable, args
    return sys.executable, ["-m", "desktop", *args]


def start_again() -> bool:
    program, args = restart_command()
    result = QProcess.startDetached(program, args)
    return bool(result[0] if isinstance(result, tuple) else result)
