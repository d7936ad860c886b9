"""The Datasets tab: every dataset, its records in a lazy table with filters, inline editing,
accept/reject/tag by keyboard, thumbnails for images, and the clean/split/export jobs."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QIcon, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QLabel,
                               QListWidget, QListWidgetItem, QMenu, QPushButton, QSplitter,
                               QTableView, QVBoxLayout, QWidget)

from desktop import icons
from desktop.bridge import Op
from desktop.tabs.base import Page
from desktop.tabs.dataset_filters import RecordFilters
from desktop.tabs.datasets_detail import RecordDetail, fit_columns, row_changed
from desktop.tabs.datasets_draft import DraftControl
from desktop.tabs.datasets_edits import RecordEdits
from desktop.widgets.buttons import primary_button
from desktop.widgets.empty_state import EmptyState, empty_stack
from desktop.widgets.lazy_table import Column, LazyTableModel
from desktop.widgets.thumbnails import Thumbnails


class DatasetsPage(Page):
    facade = "data"

    def __init__(self, window):
        super().__init__(window)
        self.current: str | None = None
        self.current_info = None
        self.import_button = primary_button("import", self.tr("Import…"), lambda: self.open_import())
        self.import_button.setShortcut(QKeySequence("Ctrl+I"))
        self.import_button.setToolTip(self.tr("Import a file or folder (Ctrl+I)"))
        self.add_action_button(self.import_button)
        self._build()

    def _build(self) -> None:
        self.empty = EmptyState("datasets", self.tr("No datasets yet"),
                                self.tr("Import the examples you already have: a spreadsheet, a JSON Lines "
                                        "file, a text file or a folder of images."), self.tr("Import a dataset"))
        self.inner = empty_stack(self.content, self.empty, lambda: self.open_import())

        splitter = QSplitter()
        self.list = QListWidget()
        self.list.setObjectName("datasetList")
        self.list.setMinimumWidth(220)
        self.list.setMaximumWidth(300)
        self.list.setIconSize(QSize(18, 18))
        self.list.currentItemChanged.connect(self._select)
        splitter.addWidget(self.list)

        detail = QWidget()
        column = QVBoxLayout(detail)
        column.setContentsMargins(12, 0, 0, 0)
        column.setSpacing(8)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 16px; font-weight: 600;")
        self.summary = QLabel()
        self.summary.setObjectName("muted")
        self.notice = QLabel()   # what the last clean or split came to, when it made no new version
        self.notice.setWordWrap(True)
        self.notice.hide()
        heading_row = QHBoxLayout()   # the dataset's own actions sit by its name, the records' below the table
        heading_row.addWidget(self.heading)
        heading_row.addStretch(1)
        column.addLayout(heading_row)
        column.addWidget(self.summary)
        column.addWidget(self.notice)

        self.record_filters = RecordFilters()
        self.search = self.record_filters.search
        self.status_filter = self.record_filters.status_filter
        self.record_filters.changed.connect(self.load_records)
        column.addWidget(self.record_filters)

        self.model = LazyTableModel([], self)
        self.model.loaded.connect(self._loaded)
        self.model.edit_requested.connect(self._edit)
        self.model.decorate = self._decorate
        self.thumbnails = Thumbnails(self)
        self.thumbnails.ready.connect(lambda _path: self.table.viewport().update())
        self.table = QTableView()
        self.table.setObjectName("recordsTable")
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked |
                                   QAbstractItemView.EditTrigger.EditKeyPressed)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(30)
        self.table.setWordWrap(False)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.detail_pane = RecordDetail(self)
        self.table.selectionModel().currentRowChanged.connect(lambda current, previous: row_changed(self, current))
        self.model.dataChanged.connect(self._row_data_changed)
        self.model.modelReset.connect(lambda: self.detail_pane.show_row(None))
        self.table_split = QSplitter()
        self.table_split.setChildrenCollapsible(False)
        self.table_split.addWidget(self.table)
        self.table_split.addWidget(self.detail_pane)
        self.table_split.setStretchFactor(0, 3)
        self.table_split.setStretchFactor(1, 1)
        self.table_split.setSizes([900, 320])
        column.addWidget(self.table_split, 1)

        actions = QHBoxLayout()
        self.accept_button = QPushButton(self.tr("Accept (A)"))
        self.reject_button = QPushButton(self.tr("Reject (R)"))
        self.reject_button.setProperty("danger", True)
        self.tag_button = QPushButton(self.tr("Tag… (T)"))
        self.accept_button.clicked.connect(lambda: self.set_status("accepted"))
        self.reject_button.clicked.connect(lambda: self.set_status("rejected"))
        self.tag_button.clicked.connect(self.tag_selected)
        self.edits = RecordEdits(self)
        self.draft = DraftControl(self)
        self.draft.changed.connect(lambda: self._loaded(self.model.rowCount(), self.model.total))
        self.commit_button = self.draft.button
        for button in (self.accept_button, self.reject_button, self.tag_button, self.commit_button):
            actions.addWidget(button)
        actions.addStretch(1)
        self.clean_button = QPushButton(self.tr("Clean…"))
        self.split_button = QPushButton(self.tr("Split…"))
        self.augment_button = QPushButton(self.tr("Augment…"))
        self.augment_button.setToolTip(self.tr("Add reworded copies of the training examples (text datasets)"))
        self.augment_button.clicked.connect(self.augment)
        self.export_button = QPushButton(icons.icon("export"), self.tr("Export…"))
        self.history_button = QPushButton(self.tr("History"))
        self.clean_button.clicked.connect(self.clean)
        self.split_button.clicked.connect(self.split)
        self.export_button.clicked.connect(self.export)
        self.history_button.clicked.connect(self.show_history)
        for button in (self.clean_button, self.split_button, self.augment_button, self.export_button,
                       self.history_button):
            heading_row.addWidget(button)
        column.addLayout(actions)
        splitter.addWidget(detail)
        splitter.setStretchFactor(1, 1)
        self.inner.addWidget(splitter)
        self.detail = splitter

        self.table.installEventFilter(self)
        self.table.viewport().installEventFilter(self)

    def _row_data_changed(self, top_left, bottom_right) -> None:
        """A saved edit or a review key changed the row shown beside the table: show it, unless being edited."""
        row = self.detail_pane.row
        if row is None or self.detail_pane.changed_fields():
            return
        for number in range(top_left.row(), bottom_right.row() + 1):
            if number < len(self.model.rows) and self.model.rows[number].get("id") == row.get("id"):
                self.detail_pane.show_row(self.model.rows[number])

    def eventFilter(self, watched, event) -> bool:
        """Single keys review the selected records: A accept, R reject, U unreviewed, T tag."""
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize and self.model.columns:
            fit_columns(self.table, self.model.columns, self.column_samples())
        if watched is self.table and event.type() == QEvent.Type.KeyPress and \
                event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier) and \
                self.table.state() != QAbstractItemView.State.EditingState:
            handlers = {Qt.Key.Key_A: lambda: self.set_status("accepted"),
                        Qt.Key.Key_R: lambda: self.set_status("rejected"),
                        Qt.Key.Key_U: lambda: self.set_status("unreviewed"), Qt.Key.Key_T: self.tag_selected}
            handler = handlers.get(event.key())
            if handler is not None:
                handler()
                return True
        return super().eventFilter(watched, event)

    # -- loading ------------------------------------------------------------
    def refresh(self) -> None:
        if self.available():
            self._list_generation = getattr(self, "_list_generation", 0) + 1
            generation = self._list_generation
            Op(self, self.engine.data.list).success(
                lambda datasets: self._show_datasets(datasets) if generation == self._list_generation else None
            ).run_in_background()

    def on_job_finished(self, job_id: str, kind: str, state: str) -> None:
        if kind.startswith("data.") or kind == "samples.install" or kind.startswith("review."):
            self.refresh()
        if kind == "data.split" and state == "succeeded" and self.engine is not None:
            Op(self, self.engine.jobs.get, job_id).success(self._split_done).run_in_background()

    def _split_done(self, job) -> None:
        """A split that moved no record makes no version: say so, and why, where the dataset is shown."""
        result = job.result if isinstance(job.result, dict) else {}
        if result.get("created", True):
            self.notice.hide()
            return
        counts = result.get("split") or {}
        self.notice.setText("⚠ " + self.tr("Split made no new version of %1: with %2 record(s), the validation and "
                                           "test shares give %3 validation and %4 test record(s), so no record "
                                           "changes its split. Add records or raise the shares.")
                            .replace("%1", str(result.get("dataset"))).replace("%2", str(sum(counts.values())))
                            .replace("%3", str(counts.get("val", 0))).replace("%4", str(counts.get("test", 0))))
        self.notice.setProperty("dataset", result.get("dataset"))
        self.notice.show()

    def _show_datasets(self, datasets) -> None:
        keep = self.current
        self.list.blockSignals(True)
        self.list.clear()
        for info in datasets:
            kind = self.tr("images") if info.modality == "image" else self.tr("text")
            line = self.tr("v%1 · %2 examples · %3").replace("%1", str(info.version)) \
                .replace("%2", str(info.count)).replace("%3", kind)
            item = QListWidgetItem(icons.icon("image" if info.modality == "image" else "text"), f"{info.name}\n{line}")
            item.setData(Qt.ItemDataRole.UserRole, info)
            item.setSizeHint(QSize(200, 50))
            self.list.addItem(item)
        self.list.blockSignals(False)
        self.inner.setCurrentWidget(self.detail if datasets else self.empty)
        names = [info.name for info in datasets]
        if datasets:
            self.list.setCurrentRow(names.index(keep) if keep in names else 0)

    def _select(self, item, _previous=None) -> None:
        if item is None:
            return
        info = item.data(Qt.ItemDataRole.UserRole)
        if info.name != self.notice.property("dataset"):
            self.notice.hide()   # the notice is about another dataset
        if info.name != self.current and not self.draft.settle(lambda name=info.name: self._go_to(name)):
            self._set_list_item(_previous)
            return
        self._show_dataset(info)

    def _set_list_item(self, item) -> None:
        self.list.blockSignals(True)
        self.list.setCurrentItem(item)
        self.list.blockSignals(False)

    def _go_to(self, name: str) -> None:
        """Show dataset ``name`` after its predecessor's draft was settled."""
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(Qt.ItemDataRole.UserRole).name == name:
                self._set_list_item(item)
                self._show_dataset(item.data(Qt.ItemDataRole.UserRole))
                return

    def _show_dataset(self, info) -> None:
        if info.name != self.draft.name:
            self.draft.track(info.name)
        changed = info.name != self.current or self.current_info is None or \
            info.version != self.current_info.version
        self.current, self.current_info = info.name, info
        self.heading.setText(info.name)
        self.augment_button.setEnabled(info.modality == "text")
        counts = info.counts or {}
        details = ", ".join(f"{k} {v}" for k, v in counts.items() if isinstance(v, int) and k != "total")
        self.summary.setText(self._version_text(info) + (f" · {details}" if details else ""))
        if changed:
            self._set_columns(info.modality)
            self.load_records()

    def _set_columns(self, modality: str) -> None:
        if modality == "image":
            columns = [Column("id", "#", 60), Column("image_path", self.tr("Image"), 90, render=lambda r: ""),
                       Column("caption", self.tr("Caption"), 420, editable=True)]
            self.table.verticalHeader().setDefaultSectionSize(54)
            self.table.setIconSize(QSize(48, 48))
        else:
            columns = [Column("id", "#", 60), Column("instruction", self.tr("Instruction"), 320, editable=True),
                       Column("input", self.tr("Input"), 160, editable=True),
                       Column("output", self.tr("Output"), 320, editable=True)]
            self.table.verticalHeader().setDefaultSectionSize(30)
        columns += [Column("label", self.tr("Label"), 100, editable=True), Column("tags", self.tr("Tags"), 110),
                    Column("status", self.tr("Status"), 100, render=self._status_text),
                    Column("split", self.tr("Split"), 70, render=lambda r: self.split_name(r.get("split")))]
        self.model.columns = columns
        self.model.set_source(None, None)
        fit_columns(self.table, columns, self.column_samples())
        self.detail_pane.set_modality(modality)

    def column_samples(self) -> dict[str, list[str]]:
        """The words short columns show, so each is wide enough for all of them."""
        return {"status": [self._status_text({"status": s}) for s in ("accepted", "rejected", "unreviewed")],
                "split": [self.split_name(s) for s in ("train", "val", "test")]}

    def split_name(self, split) -> str:
        return {"train": self.tr("Train"), "val": self.tr("Validation"), "test": self.tr("Test")}.get(split, split or "")

    def _status_text(self, row: dict) -> str:
        return {"accepted": "✓ " + self.tr("Accepted"), "rejected": "✕ " + self.tr("Rejected"),
                "unreviewed": self.tr("Unreviewed")}.get(row.get("status"), row.get("status") or "")

    def _decorate(self, row: dict, column: int):
        if self.model.columns[column].key == "image_path" and row.get("image_path"):
            pixmap = self.thumbnails.get(row["image_path"], 48)
            return QIcon(pixmap) if pixmap is not None and not pixmap.isNull() else None
        return None

    def filters(self) -> dict:
        return self.record_filters.values()

    def load_records(self) -> None:
        if not self.current:
            return
        data, name, filters = self.engine.data, self.current, self.filters()
        self.model.set_source(lambda offset, limit: data.records(name, offset=offset, limit=limit, **filters),
                              lambda: data.count(name, **filters))

    def _loaded(self, loaded: int, total: int) -> None:
        if self.current_info is not None:
            base = self._version_text(self.current_info)
            self.summary.setText(base + " · " + self.tr("%1 shown of %2 matching").replace("%1", str(loaded))
                                 .replace("%2", str(total)))

    def _version_text(self, info) -> str:
        """The version line; "draft" while review edits wait to be committed."""
        version = str(info.version) + (" " + self.tr("(draft)") if self.draft.is_open else "")
        return self.tr("Version %1 · %2 examples").replace("%1", version).replace("%2", str(info.count))

    # -- editing (each edit amends the dataset's open draft, in order, through one queue) ---------
    def selected_rows(self) -> list[dict]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.rows[r] for r in rows]

    def _edit(self, row: dict, key: str, value: str) -> None:
        self.edits.edit(row, key, value)

    def set_status(self, status: str) -> None:
        self.edits.set_status(status)

    def tag_selected(self) -> None:
        self.edits.tag()

    def commit_edits(self, message: str | None = None):
        """Seal the review edits as one version (asks for a message when none is given)."""
        return self.draft.commit(message)

    def draft_committed(self) -> None:
        self.refresh()

    def ready_to_close(self, then) -> bool:
        """Asked by the window before it closes: True, or the reviewer is asked (commit, keep or stay)
        and ``then()`` runs once the draft is settled."""
        return self.draft.settle(then)

    def _refresh_info(self, info) -> None:
        self.current_info = info
        item = self.list.currentItem()
        if item is not None:
            item.setData(Qt.ItemDataRole.UserRole, info)
        self._loaded(self.model.rowCount(), self.model.total)

    def _context_menu(self, position) -> None:
        menu = QMenu(self)
        menu.addAction(self.tr("Accept"), lambda: self.set_status("accepted"))
        menu.addAction(self.tr("Reject"), lambda: self.set_status("rejected"))
        menu.addAction(self.tr("Mark unreviewed"), lambda: self.set_status("unreviewed"))
        menu.addAction(self.tr("Add tag…"), self.tag_selected)
        menu.exec(self.table.viewport().mapToGlobal(position))

    # -- jobs ---------------------------------------------------------------------
    def open_import(self, path: str | None = None):
        from desktop.tabs.dataset_import import ImportDialog
        dialog = ImportDialog(self.engine, self, path)
        dialog.job_started.connect(self.window_.show_banner_job)
        dialog.open()
        self.import_dialog = dialog
        return dialog

    def _submit(self, fn, *args, **kwargs) -> None:
        Op(self, fn, *args, **kwargs).success(self.window_.show_banner_job).run_in_background()

    def clean(self):
        """The Clean dialog: the rules, and what they would remove and keep, before anything starts."""
        if not self.current:
            return None
        from desktop.tabs.datasets_jobs import CleanDialog
        self.clean_dialog = CleanDialog(self, self.current)
        self.clean_dialog.open()
        return self.clean_dialog

    def split(self):
        """The Split dialog: the shares and seed, and the per split sizes they give, before anything starts."""
        if not self.current:
            return None
        from desktop.tabs.datasets_jobs import SplitDialog
        self.split_dialog = SplitDialog(self, self.current)
        self.split_dialog.open()
        return self.split_dialog

    def augment(self):
        """The augment dialog (text datasets; images are augmented on the fly during training)."""
        if not self.current:
            return None
        from desktop.tabs.dataset_augment import AugmentDialog
        dialog = AugmentDialog(self, self.current)
        dialog.open()
        self.augment_dialog = dialog
        return dialog

    def export(self) -> None:
        if not self.current:
            return
        from PySide6.QtWidgets import QFileDialog
        path, chosen = QFileDialog.getSaveFileName(self, self.tr("Export dataset"), f"{self.current}.jsonl",
                                                   "JSON Lines (*.jsonl);;CSV (*.csv);;Excel (*.xlsx)")
        if path:
            fmt = "csv" if path.endswith(".csv") else "xlsx" if path.endswith(".xlsx") else "jsonl"
            self._submit(self.engine.data.export, self.current, fmt, path, force=True)  # the dialog asked

    def show_history(self) -> None:
        if not self.current:
            return
        from desktop.tabs.dataset_versions import VersionsDialog
        dialog = VersionsDialog(self.engine, self.current, self)
        dialog.open()
        self.versions_dialog = dialog
