"""About: the version, the libraries and whether they match the lock file, and a self-test button.

The self-test is the same one the installer and ``aigc selftest`` run: every area's checks in a
throwaway workspace. It runs off the GUI thread and reports check by check.
"""
from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout)

from desktop.bridge import Op
from desktop.settings_dialog import environment_report, lock_text


class _Progress(QObject):
    line = Signal(str)   # emitted on the self-test's thread, shown on the GUI thread


def run_selftest(progress: _Progress, only: list[str] | None = None) -> dict:
    from engine.selftest import run_selftest as run
    return run(progress=progress.line.emit, only=only)


class AboutDialog(QDialog):
    def __init__(self, parent=None, workspace: str = ""):
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(self.tr("About AIGC Workbench"))
        self.setMinimumWidth(560)
        from engine import __version__
        title = QLabel(f"<b>{self.tr('AIGC Workbench')}</b> {__version__}")
        title.setStyleSheet("font-size: 16px;")
        blurb = QLabel(self.tr("Offline content studio: fine-tune, generate and review on this computer; "
                               "nothing is sent over the network."))
        blurb.setWordWrap(True)
        self.workspace = QLabel(self.tr("Workspace: %1").replace("%1", workspace or "-"))
        self.workspace.setObjectName("muted")
        self.workspace.setWordWrap(True)
        self.versions = QLabel(self.tr("Reading library versions…"))
        self.versions.setObjectName("versionsLabel")
        self.versions.setWordWrap(True)
        self.versions.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.selftest_button = QPushButton(self.tr("Run self-test"))
        self.selftest_button.setToolTip(self.tr("Check the installation offline in a temporary workspace"))
        self.selftest_button.clicked.connect(lambda: self.run_selftest())
        self.result = QLabel()
        self.result.setObjectName("selftestResult")
        self.result.setWordWrap(True)
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setMaximumHeight(140)
        self.log.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 20, 20, 16)
        for widget in (title, blurb, self.workspace, self.versions, self.selftest_button, self.result, self.log):
            layout.addWidget(widget)
        layout.addWidget(buttons)
        self.report: dict | None = None
        Op(self, environment_report).success(self._show_versions).run_in_background()

    def _show_versions(self, report: dict) -> None:
        names = ", ".join(f"{name} {version or '-'}" for name, version in report["libraries"].items())
        self.versions.setText(f"{names}\n{lock_text(self, report['lock'])}")

    def run_selftest(self, only: list[str] | None = None) -> None:
        """Every check (``only``: just the named ones)."""
        self.selftest_button.setEnabled(False)
        self.result.setText(self.tr("Running the self-test…"))
        self.log.clear()
        self.log.show()
        self._progress = _Progress(self)
        self._progress.line.connect(self.log.appendPlainText)
        Op(self, run_selftest, self._progress, only).success(self._finished).failure(self._failed).run_in_background()

    def _finished(self, report: dict) -> None:
        self.report = report
        self.selftest_button.setEnabled(True)
        checks = report.get("checks") or []
        failed = [c for c in checks if not c.get("ok")]
        if report.get("ok"):
            self.result.setText("✓ " + self.tr("All %1 checks passed.").replace("%1", str(len(checks))))
        else:
            self.result.setText("⚠ " + self.tr("%1 of %2 checks failed: %3").replace("%1", str(len(failed)))
                                .replace("%2", str(len(checks)))
                                .replace("%3", "; ".join(f"{c['name']}: {c.get('error', '')}" for c in failed)))

    def _failed(self, exc, details) -> None:
        from desktop.widgets.error_dialog import reason_of
        self.selftest_button.setEnabled(True)
        self.result.setText("⚠ " + reason_of(exc))
