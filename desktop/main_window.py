"""The main window: a sidebar of tabs, the pages, a Jobs panel and the status bar.

The window appears before the workspace is open (and before torch is imported);
the engine opens in the background and each tab fills in when it is ready.
"""
from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QFrame, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QMainWindow,
                               QMessageBox, QPushButton, QStackedWidget, QVBoxLayout, QWidget)

from desktop import icons
from desktop.bridge import JobBridge, Op
from desktop.jobs_panel import JobsPanel
from desktop.status_bar import StatusBar
from desktop.widgets.error_dialog import reason_of, show_error
from desktop.widgets.job_row import JobRow


class MainWindow(QMainWindow):
    engine_ready = Signal(object)
    engine_failed = Signal(str)

    def __init__(self, settings, workspace: str | None = None, samples: bool = False):
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle(self.tr("AIGC Workbench"))
        self.settings = settings
        self.workspace_path = workspace
        self.install_samples = samples
        self.engine = None
        self.bridge = JobBridge(self)
        self._closing = False
        self._job_kinds: dict[str, str] = {}

        self.status = StatusBar(self.bridge, self)
        self.setStatusBar(self.status)
        self.jobs_panel = JobsPanel(self.bridge, self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.jobs_panel)
        self.jobs_panel.hide()
        self.status.jobs_clicked.connect(self.toggle_jobs)

        self.pages = {}
        self._build()
        self._shortcuts()
        self.bridge.state_changed.connect(self._on_job_state)
        geometry = settings.geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 820)

    # -- layout ---------------------------------------------------------------
    def _build(self) -> None:
        from desktop.tabs.datasets import DatasetsPage
        from desktop.tabs.generation import GenerationPage
        from desktop.tabs.models import ModelsPage
        from desktop.tabs.review import ReviewPage
        from desktop.tabs.tasks import TasksPage
        from desktop.tabs.training import TrainingPage

        central = QWidget()
        row = QHBoxLayout(central)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(0)

        sidebar = QWidget()
        sidebar.setObjectName("sidebar")
        sidebar.setFixedWidth(212)
        side = QVBoxLayout(sidebar)
        side.setContentsMargins(0, 0, 0, 10)
        side.setSpacing(0)
        brand = QLabel(self.tr("AIGC Workbench"))
        brand.setObjectName("brand")
        sub = QLabel(self.tr("Offline content studio"))
        sub.setObjectName("brandSub")
        self.nav = QListWidget()
        self.nav.setObjectName("nav")
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        side.addWidget(brand)
        side.addWidget(sub)
        side.addWidget(self.nav, 1)
        self.settings_button = QPushButton(self.tr("Settings"))
        self.settings_button.setIcon(icons.icon("settings"))
        self.settings_button.setFlat(True)
        self.settings_button.setStyleSheet("QPushButton { border: none; background: transparent; text-align: left;"
                                           " padding: 8px 18px; } QPushButton:hover { text-decoration: underline; }")
        self.settings_button.clicked.connect(self.open_settings)
        side.addWidget(self.settings_button)

        main = QWidget()
        column = QVBoxLayout(main)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.banner = QFrame()
        self.banner.setObjectName("banner")
        self.banner_layout = QVBoxLayout(self.banner)
        self.banner_layout.setContentsMargins(14, 8, 14, 8)
        self.banner.hide()
        banner_wrap = QVBoxLayout()
        banner_wrap.setContentsMargins(24, 12, 24, 0)
        banner_wrap.addWidget(self.banner)
        column.addLayout(banner_wrap)
        self.stack = QStackedWidget()
        column.addWidget(self.stack, 1)

        row.addWidget(sidebar)
        row.addWidget(main, 1)
        self.setCentralWidget(central)

        for key, cls in (("tasks", TasksPage), ("datasets", DatasetsPage), ("training", TrainingPage),
                         ("generation", GenerationPage), ("review", ReviewPage), ("models", ModelsPage)):
            page = cls(self)
            self.pages[key] = page
            self.stack.addWidget(page)
            item = QListWidgetItem(icons.icon(page.icon_name), page.title_label.text())
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setSizeHint(QSize(180, 40))
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.nav.setCurrentRow(0)

    def _shortcuts(self) -> None:
        for index, key in enumerate(self.pages):
            action = QAction(self)
            action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda checked=False, k=key: self.show_page(k))
            self.addAction(action)
        for sequence, slot in ((QKeySequence("Ctrl+J"), self.toggle_jobs),
                               (QKeySequence("Ctrl+,"), self.open_settings),
                               (QKeySequence(QKeySequence.StandardKey.Refresh), self.refresh_all),
                               (QKeySequence(QKeySequence.StandardKey.Quit), self.close)):
            action = QAction(self)
            action.setShortcut(sequence)
            action.triggered.connect(slot)
            self.addAction(action)

    def show_page(self, key: str):
        page = self.pages[key]
        self.nav.setCurrentRow(list(self.pages).index(key))
        return page

    def toggle_jobs(self) -> None:
        self.jobs_panel.setVisible(not self.jobs_panel.isVisible())

    # -- workspace ----------------------------------------------------------
    def open_workspace(self, path: str | None = None) -> None:
        """Open the engine in the background; the pages show "opening" until it is ready."""
        from engine.api import Engine
        if path is not None:
            self.workspace_path = path
        for page in self.pages.values():
            page.stack.setCurrentWidget(page.loading)
        self.status.workspace_label.setText(self.tr("Opening the workspace…"))
        Op(self, Engine.open, self.workspace_path or None).success(self._engine_opened) \
            .failure(self._engine_failed).run_in_background()

    def _engine_opened(self, engine) -> None:
        self.engine = engine
        self.bridge.attach(engine)
        self.settings.workspace = str(engine.root)
        self.status.set_engine(engine)
        self.jobs_panel.set_engine(engine)
        for page in self.pages.values():
            page.set_engine(engine)
        self.engine_ready.emit(engine)
        if self.install_samples:
            Op(self, lambda: engine.workspace.get_setting("samples_installed")) \
                .success(self._maybe_install_samples).run_in_background()

    def _engine_failed(self, exc, details) -> None:
        reason = reason_of(exc)
        for page in self.pages.values():
            page.loading.title.setText(self.tr("The workspace could not be opened"))
            page.loading.text.setText(reason + "\n" + self.tr("Choose another folder in Settings (Ctrl+,)."))
        self.status.workspace_label.setText(reason)
        self.engine_failed.emit(reason)
        show_error(self, exc, details, self.tr("The workspace could not be opened"))

    def _maybe_install_samples(self, installed) -> None:
        if installed:
            return
        Op(self, self.engine.samples.install).success(self.show_banner_job).run_in_background()

    def show_banner_job(self, job) -> JobRow:
        """A job the whole window cares about (sample content, first start) shown above the tabs."""
        row = JobRow(self.bridge, job, compact=False)
        self.banner_layout.addWidget(row)
        self.banner.show()
        self.jobs_panel.add_job(job)

        def done(job_id, state):
            if state == "succeeded":
                QTimer.singleShot(1500, row, lambda: self._drop_banner_row(row))  # skipped if the row is gone
            self.refresh_all()
        row.finished.connect(done)
        return row

    def _drop_banner_row(self, row) -> None:
        from shiboken6 import isValid
        if not isValid(row) or not isValid(self):
            return
        row.deleteLater()
        if self.banner_layout.count() <= 1:
            self.banner.hide()

    def refresh_all(self) -> None:
        for page in self.pages.values():
            if page.available():
                page.refresh()

    def _on_job_state(self, job_id: str, state: str, data: dict) -> None:
        if state not in ("succeeded", "failed", "cancelled", "interrupted") or self.engine is None:
            return
        kind = self._job_kinds.pop(job_id, None)
        if kind is None:
            Op(self, self.engine.jobs.get, job_id).success(
                lambda job: self._notify_pages(job.id, job.kind, job.state.value)).run_in_background()
        else:
            self._notify_pages(job_id, kind, state)

    def _notify_pages(self, job_id: str, kind: str, state: str) -> None:
        for page in self.pages.values():
            if page.available():
                page.on_job_finished(job_id, kind, state)

    # -- settings -------------------------------------------------------------
    def open_settings(self) -> None:
        from desktop.settings_dialog import SettingsDialog
        dialog = SettingsDialog(self.settings, self, engine=self.engine)
        dialog.workspace_changed.connect(self.switch_workspace)
        dialog.device_changed.connect(self.status.detect_device)
        dialog.open()
        self._settings_dialog = dialog

    def switch_workspace(self, path: str) -> None:
        old = self.engine
        self.engine = None
        self.bridge.detach()
        if old is None:
            self.open_workspace(path)
            return
        Op(self, old.close, False).success(lambda _: self.open_workspace(path)).run_in_background()

    # -- closing ----------------------------------------------------------------
    def closeEvent(self, event) -> None:
        self.settings.save_window(self.saveGeometry(), self.saveState())
        if self._closing or self.engine is None:
            event.accept()
            return
        if not all(page.ready_to_close() for page in self.pages.values() if hasattr(page, "ready_to_close")):
            event.ignore()
            return
        active = self.engine.jobs.active()
        if active:
            answer = QMessageBox.question(
                self, self.tr("Jobs are still running"),
                self.tr("%n job(s) are still running. Stop them and quit? "
                        "Training runs can be resumed from their last checkpoint next time.", "", len(active)),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        event.ignore()
        self._closing = True
        self.setEnabled(False)
        self.status.workspace_label.setText(self.tr("Stopping jobs and closing the workspace…"))
        engine, self.engine = self.engine, None
        self.bridge.detach()
        Op(self, engine.close, True).success(lambda _: self.close()).failure(lambda *_: self.close()) \
            .run_in_background()
