"""The main window: a sidebar of tabs, the pages, a Jobs panel and the status bar.

The window appears before the workspace is open (and before torch is imported);
the engine opens in the background and each tab fills in when it is ready.
"""
from __future__ import annotations


from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QFileDialog, QFrame, QHBoxLayout, QLabel, QListWidget, QListWidgetItem,
                               QMainWindow, QMessageBox, QPushButton, QSplitter, QStackedWidget, QVBoxLayout,
                               QWidget)

from desktop import icons
from desktop.bridge import JobBridge, Op
from desktop.jobs_panel import JobsPanel
from desktop.status_bar import StatusBar
from desktop.tabs import TABS, Pages
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
        self._close_pending = False   # a close waits for the list of running jobs
        self._job_kinds: dict[str, str] = {}

        self.status = StatusBar(self.bridge, self)
        self.setStatusBar(self.status)
        self.jobs_panel = JobsPanel(self.bridge, self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.jobs_panel)
        self.jobs_panel.hide()
        self.status.jobs_clicked.connect(self.toggle_jobs)

        self.pages = Pages(self)
        self._engine_error: str | None = None   # why the workspace did not open, for pages built later
        self.welcome = None
        self._restart_after_close = False
        self._build()
        self._shortcuts()
        from desktop.menus import Menus
        self.menus = Menus(self)
        self.bridge.state_changed.connect(self._on_job_state)
        geometry = settings.geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 820)
        self._restore_layout()

    # -- layout ---------------------------------------------------------------
    def _build(self) -> None:
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
        self.nav.setAccessibleName(self.tr("Sections"))
        side.addWidget(brand)
        side.addWidget(sub)
        side.addWidget(self.nav, 1)
        self.settings_button = QPushButton(self.tr("Settings"))
        self.settings_button.setIcon(icons.icon("settings"))
        self.settings_button.setFlat(True)
        self.settings_button.setStyleSheet("QPushButton { border: none; background: transparent; text-align: left;"
                                           " padding: 8px 18px; } QPushButton:hover { text-decoration: underline; }")
        self.settings_button.clicked.connect(self.open_settings)
        self.settings_button.setToolTip(self.tr("Workspace, device, language and theme (Ctrl+,)"))
        self.settings_button.setAccessibleName(self.tr("Settings"))
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
        self.banner_wrap = banner_wrap
        self.stack = QStackedWidget()
        column.addWidget(self.stack, 1)

        row.addWidget(sidebar)
        row.addWidget(main, 1)
        self.setCentralWidget(central)

        for number, tab in enumerate(TABS, 1):
            self.stack.addWidget(QWidget())   # stands in for the page until it is first shown
            item = QListWidgetItem(icons.icon(tab.icon), tab.title)
            item.setData(Qt.ItemDataRole.UserRole, tab.key)
            item.setToolTip(f"{tab.subtitle} (Ctrl+{number})")
            item.setData(Qt.ItemDataRole.AccessibleTextRole, tab.title)
            item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, tab.subtitle)
            item.setSizeHint(QSize(180, 40))
            self.nav.addItem(item)
        self.nav.currentRowChanged.connect(self._row_chosen)
        self.nav.setCurrentRow(0)

    def _row_chosen(self, row: int) -> None:
        if 0 <= row < len(TABS):
            self.stack.setCurrentWidget(self.pages[TABS[row].key])   # built here on the first visit

    def _build_page(self, tab):
        """Build a tab's page where its stand-in was, and bring it up to date with the window: the
        workspace (open, opening or failed), its saved splitter positions."""
        index = TABS.index(tab)
        page = tab.page_class()(self)
        stand_in = self.stack.widget(index)
        self.stack.insertWidget(index, page)
        if self.stack.currentWidget() is stand_in:
            self.stack.setCurrentWidget(page)
        self.stack.removeWidget(stand_in)
        stand_in.deleteLater()
        for name, splitter in self._splitters({tab.key: page}).items():
            saved = self.settings.store.value(f"window/splitters/{name}")
            if saved is not None:
                splitter.restoreState(saved)
        if self.engine is not None:
            page.set_engine(self.engine)
        elif self._engine_error is not None:
            self._show_engine_error(page, self._engine_error)
        return page

    def _shortcuts(self) -> None:
        """The tab, panel and quit shortcuts belong to the menu bar (menus.py); Esc stops a job."""
        self.stop_shortcut = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        self.stop_shortcut.activated.connect(self.stop_focused_job)

    def stop_focused_job(self) -> bool:
        """Esc: stop the job row that has the focus, else the job the current tab is running."""
        from desktop.widgets.job_row import JobRow
        widget = self.focusWidget()
        while widget is not None and not isinstance(widget, JobRow):
            widget = widget.parentWidget()
        if widget is not None and widget.state in ("queued", "running"):
            widget.cancel()
            return True
        page = self.current_page()
        stop = getattr(page, "stop_running_job", None)
        return bool(stop()) if stop is not None else False

    # -- layout memory: window, docks and splitters --------------------------------
    def _splitters(self, pages: dict | None = None) -> dict[str, QSplitter]:
        found = {}
        for key, page in (self.pages.built() if pages is None else pages).items():
            for index, splitter in enumerate(page.findChildren(QSplitter)):
                found[f"{key}-{index}"] = splitter
        return found

    def _restore_layout(self) -> None:
        state = self.settings.window_state()
        if state is not None:
            self.restoreState(state)
        for name, splitter in self._splitters().items():
            saved = self.settings.store.value(f"window/splitters/{name}")
            if saved is not None:
                splitter.restoreState(saved)   # pages built later restore theirs when built

    def save_layout(self) -> None:
        self.settings.save_window(self.saveGeometry(), self.saveState())
        for name, splitter in self._splitters().items():
            self.settings.store.setValue(f"window/splitters/{name}", splitter.saveState())

    def show_page(self, key: str):
        page = self.pages[key]
        self.nav.setCurrentRow(list(self.pages).index(key))
        return page

    def current_page(self):
        """The page on screen, or None while a stand-in is (never for long)."""
        widget = self.stack.currentWidget()
        return widget if widget in self.pages.built().values() else None

    def toggle_jobs(self) -> None:
        self.jobs_panel.setVisible(not self.jobs_panel.isVisible())

    # -- workspace ----------------------------------------------------------
    def open_workspace(self, path: str | None = None) -> None:
        """Open the engine in the background; the pages show "opening" until it is ready."""
        from engine.api import Engine
        if path is not None:
            self.workspace_path = path
        self._engine_error = None
        for page in self.pages.built().values():
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
        for page in self.pages.built().values():
            page.set_engine(engine)
        self.engine_ready.emit(engine)
        if self.install_samples:
            Op(self, lambda: engine.workspace.get_setting("samples_installed")) \
                .success(self._maybe_install_samples).run_in_background()
        else:
            from desktop import welcome
            welcome.offer(self, engine)

    # -- first run and choosing a workspace ------------------------------------------
    def show_welcome(self):
        from desktop.welcome import Welcome
        if self.welcome is None:
            self.welcome = Welcome(self)
            self.banner_wrap.insertWidget(0, self.welcome)
        self.welcome.show()
        return self.welcome

    def load_samples(self) -> None:
        """Load the sample content (starter models, example datasets and tasks) into this workspace."""
        if self.engine is not None:
            Op(self, self.engine.samples.install).success(self.show_banner_job).run_in_background()

    def choose_workspace(self, new: bool = False, folder: str | None = None) -> None:
        """Open another workspace folder, or create one in an empty folder."""
        if folder is None:
            title = self.tr("Choose an empty folder for the new workspace") if new else \
                self.tr("Open a workspace folder")
            folder = QFileDialog.getExistingDirectory(self, title, self.workspace_path or "")
        if not folder:
            return
        if self.welcome is not None:
            self.welcome.hide()
        self.settings.workspace = folder
        self.switch_workspace(folder)

    def open_about(self):
        from desktop.about_dialog import AboutDialog
        dialog = AboutDialog(self, str(self.engine.root) if self.engine is not None else "")
        dialog.open()
        self._about_dialog = dialog
        return dialog

    def offer_restart(self, language: str) -> QMessageBox:
        """A new language shows after a restart: offer it now (closing asks about drafts and jobs first)."""
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Restart to change the language"),
                          self.tr("The new language is used after a restart. Restart AIGC Workbench now?"),
                          parent=self)
        now = box.addButton(self.tr("Restart now"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("Later"), QMessageBox.ButtonRole.RejectRole)
        box.setObjectName("restartQuestion")

        def answered(_code) -> None:
            if box.clickedButton() is now:
                self._restart_after_close = True
                self.close()
        box.finished.connect(answered)
        box.open()
        self._restart_question = box
        return box

    def _engine_failed(self, exc, details) -> None:
        reason = reason_of(exc)
        self._engine_error = reason
        for page in self.pages.built().values():
            self._show_engine_error(page, reason)
        self.status.workspace_label.setText(reason)
        self.engine_failed.emit(reason)
        show_error(self, exc, details, self.tr("The workspace could not be opened"))

    def _show_engine_error(self, page, reason: str) -> None:
        page.loading.title.setText(self.tr("The workspace could not be opened"))
        page.loading.text.setText(reason + "\n" + self.tr("Choose another folder in Settings (Ctrl+,)."))

    def _maybe_install_samples(self, installed) -> None:
        if installed:
            return
        Op(self, self.engine.samples.install).success(self.show_banner_job).run_in_background()

    def show_banner_job(self, job) -> JobRow:
        """A job the whole window cares about (sample content, first start) shown above the tabs."""
        row = JobRow(self.bridge, job, compact=False, closable=True)
        row.dismissed.connect(lambda: self._drop_banner_row(row))
        self.banner_layout.addWidget(row)
        self.banner.show()
        self.jobs_panel.add_job(job)

        def done(job_id, state):
            if state == "succeeded":
                QTimer.singleShot(1500, row, lambda: self._drop_banner_row(row))  # skipped if the row is gone
                for other in self.banner_rows():   # an earlier failure of the same work is old news now
                    if other is not row and other.kind == row.kind and other.state in ("failed", "cancelled",
                                                                                       "interrupted"):
                        self._drop_banner_row(other)
            self.refresh_all()
        row.finished.connect(done)
        return row

    def banner_rows(self) -> list:
        return [w for w in (self.banner_layout.itemAt(i).widget() for i in range(self.banner_layout.count()))
                if isinstance(w, JobRow)]

    def _drop_banner_row(self, row) -> None:
        from shiboken6 import isValid
        if not isValid(row) or not isValid(self):
            return
        self.banner_layout.removeWidget(row)
        row.hide()
        row.deleteLater()
        if self.banner_layout.count() == 0:
            self.banner.hide()

    def refresh_all(self) -> None:
        for page in self.pages.built().values():
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
        for page in self.pages.built().values():
            if page.available():
                page.on_job_finished(job_id, kind, state)

    # -- settings -------------------------------------------------------------
    def open_settings(self) -> None:
        from desktop.settings_dialog import SettingsDialog
        dialog = SettingsDialog(self.settings, self, engine=self.engine)
        dialog.workspace_changed.connect(self.switch_workspace)
        dialog.device_changed.connect(self.status.detect_device)
        dialog.language_changed.connect(self.offer_restart)
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
        """Closing never blocks the window: pages settle their unsaved work and the running jobs are
        looked up in the background; the window closes itself again once everything agreed."""
        self.save_layout()
        if self._closing or self.engine is None:
            event.accept()
            if self._restart_after_close:
                self._restart_after_close = False
                from desktop.menus import start_again
                start_again()
            return
        event.ignore()
        if self._close_pending:
            return
        for page in self.pages.built().values():   # a page never built has nothing unsaved
            if hasattr(page, "ready_to_close") and not page.ready_to_close(self.close):
                return
        self._close_pending = True
        Op(self, self.engine.jobs.active).success(self._ask_about_jobs) \
            .failure(lambda *_: self._ask_about_jobs([])).run_in_background()

    def _ask_about_jobs(self, active) -> None:
        self._close_pending = False
        if self.engine is None or self._closing:   # closed meanwhile by other means
            return
        if not active:
            self._shut_down()
            return
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Jobs are still running"),
                          self.tr("%n job(s) are still running. Stop them and quit? "
                                  "Training runs can be resumed from their last checkpoint next time.", "",
                                  len(active)),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        box.setDefaultButton(QMessageBox.StandardButton.No)
        box.setObjectName("jobsQuestion")
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.finished.connect(lambda *_: self._shut_down() if box.clickedButton() is
                             box.button(QMessageBox.StandardButton.Yes) else None)
        box.open()
        self.jobs_question = box

    def _shut_down(self) -> None:
        """Stop the jobs and close the workspace off the GUI thread, then close for good."""
        if self.engine is None or self._closing:
            return
        self._closing = True
        self.setEnabled(False)
        self.status.workspace_label.setText(self.tr("Stopping jobs and closing the workspace…"))
        engine, self.engine = self.engine, None
        self.bridge.detach()
        Op(self, engine.close, True).success(lambda _: self.close()).failure(lambda *_: self.close()) \
            .run_in_background()
