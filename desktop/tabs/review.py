"""The Review tab: the queue of outputs with their provenance; approve, edit or reject with a
comment from the keyboard; export approved ones or feed them back into the task's dataset."""
from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QImageReader
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QFileDialog, QFrame, QHBoxLayout, QLabel, QLineEdit,
                               QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton, QScrollArea, QSplitter,
                               QStackedWidget, QVBoxLayout, QWidget)

from desktop import icons
from desktop.bridge import Op
from desktop.tabs.base import Page
from desktop.tabs.review_parts import ChangesView, ImageViewer
from desktop.widgets.empty_state import EmptyState
from desktop.widgets.error_dialog import reason_of, show_error
from desktop.widgets.serial_queue import SerialQueue
from desktop.widgets.thumbnails import Thumbnails

IMAGE_SIZE = 640   # the review picture is first decoded no larger than this, off the GUI thread
PAGE = 500         # the queue reads this many outputs at a time, more as the reviewer scrolls down


class ReviewPage(Page):
    facade = "review"

    def __init__(self, window):
        super().__init__(window)
        self.items = []
        self.total = 0           # outputs matching the filters (the queue may show fewer: it reads by page)
        self._generation = 0   # only the newest list answer is shown
        self._more_loading = False
        self.thumbnails = Thumbnails(self, limit=64)
        self.thumbnails.ready.connect(self._image_ready)
        self.saves = SerialQueue(self)   # decisions reach the workspace one after another, in order
        self.saves.failed.connect(lambda exc, details, dropped: show_error(
            self, exc, details, self.tr("%n decision(s) could not be saved", "", dropped)))
        self.saves.failed.connect(lambda *_: self.load_items())
        self.export_button = QPushButton(icons.icon("export"), self.tr("Export approved…"))
        self.export_button.clicked.connect(self.export_approved)
        self.feedback_button = QPushButton(self.tr("Add approved to dataset"))
        self.feedback_button.setToolTip(self.tr("Approved and edited outputs become new training examples of the "
                                                "task's dataset"))
        self.feedback_button.clicked.connect(self.feed_back)
        self.add_action_button(self.export_button)
        self.add_action_button(self.feedback_button)
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self.content)
        layout.setContentsMargins(0, 0, 0, 0)
        filters = QHBoxLayout()
        self.task_filter = QComboBox()   # its items arrive later: it widens to them instead of clipping
        self.task_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.status_filter = QComboBox()
        for value, label in (("pending", self.tr("To review")), ("approved", self.tr("Approved")),
                             ("rejected", self.tr("Rejected")), ("", self.tr("All"))):
            self.status_filter.addItem(label, value)
        self.counts = QLabel()
        self.counts.setObjectName("muted")
        filters.addWidget(QLabel(self.tr("Task")))
        filters.addWidget(self.task_filter)
        filters.addWidget(QLabel(self.tr("Show")))
        filters.addWidget(self.status_filter)
        filters.addStretch(1)
        filters.addWidget(self.counts)
        layout.addLayout(filters)
        self.message = QLabel()   # what the last export or "Add approved" did; reloads leave it alone
        self.message.setWordWrap(True)
        self.message.hide()
        layout.addWidget(self.message)
        exporting = QVBoxLayout()   # an export runs as a job: its row (progress, Cancel) shows here
        layout.addLayout(exporting)
        from desktop.widgets.job_slot import JobSlot
        self.export_slot = JobSlot(self, self.window_, exporting, self._exported,
                                   lambda exc, _details: self.say("✕ " + reason_of(exc)))
        self.export_slot.busy_changed.connect(lambda busy: self.export_button.setEnabled(not busy))
        self.task_filter.currentIndexChanged.connect(self.load_items)
        self.task_filter.currentIndexChanged.connect(self._update_feedback_button)
        self.status_filter.currentIndexChanged.connect(self.load_items)

        self.inner = QStackedWidget()
        layout.addWidget(self.inner, 1)
        self.empty = EmptyState("review", self.tr("Nothing to review"),
                                self.tr("Run a task on a batch of inputs (Tasks tab) and its outputs "
                                        "queue up here for approval."))
        self.inner.addWidget(self.empty)
        splitter = QSplitter()
        self.queue = QListWidget()
        self.queue.setObjectName("reviewQueue")
        self.queue.setMinimumWidth(280)
        self.queue.setMaximumWidth(380)
        self.queue.setIconSize(QSize(16, 16))
        self.queue.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.queue.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.queue.setSpacing(2)
        self.queue.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.queue.currentItemChanged.connect(self._show_item)
        self.queue.currentItemChanged.connect(self._update_feedback_button)
        self.queue.itemSelectionChanged.connect(self._update_decision_buttons)
        self.queue.verticalScrollBar().valueChanged.connect(self._maybe_load_more)
        self.shown = QLabel()    # "Showing 500 of 2,345": the queue reads by page, never silently stops
        self.shown.setObjectName("muted")
        self.more_button = QPushButton(self.tr("Show more"))
        self.more_button.clicked.connect(self.load_more)
        queue_box = QWidget()
        queue_column = QVBoxLayout(queue_box)
        queue_column.setContentsMargins(0, 0, 0, 0)
        queue_column.addWidget(self.queue, 1)
        more_row = QHBoxLayout()
        more_row.addWidget(self.shown, 1)
        more_row.addWidget(self.more_button)
        queue_column.addLayout(more_row)
        queue_box.setMinimumWidth(280)
        queue_box.setMaximumWidth(380)
        splitter.addWidget(queue_box)
        detail = QWidget()
        column = QVBoxLayout(detail)
        column.setContentsMargins(12, 0, 0, 0)
        self.prompt = QLabel()
        self.prompt.setWordWrap(True)
        self.prompt.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.image = ImageViewer()
        self.image.wants.connect(self._sharper_image)
        self.output = QPlainTextEdit()
        self.output.setPlaceholderText(self.tr("The output; edit it to correct it before approving."))
        self.changes = ChangesView()
        self.output.textChanged.connect(self._compare)
        self.checks = QLabel()
        self.checks.setWordWrap(True)
        self.provenance = QLabel()
        self.provenance.setObjectName("muted")
        self.provenance.setWordWrap(True)
        self.comment = QLineEdit()
        self.comment.setPlaceholderText(self.tr("Comment (optional), e.g. too long, wrong tone"))
        buttons = QHBoxLayout()
        self.approve_button = QPushButton(self.tr("Approve (Ctrl+Enter)"))
        self.approve_button.setProperty("primary", True)
        self.reject_button = QPushButton(icons.icon("reject"), self.tr("Reject (Ctrl+R)"))
        self.reject_button.setProperty("danger", True)
        self.approve_button.clicked.connect(self.approve)
        self.reject_button.clicked.connect(self.reject)
        buttons.addWidget(self.approve_button)
        buttons.addWidget(self.reject_button)
        buttons.addStretch(1)
        for title, widget in ((self.tr("Prompt"), self.prompt), (None, self.image), (self.tr("Output"), self.output),
                              (None, self.changes), (None, self.checks), (None, self.provenance),
                              (None, self.comment)):
            if title:
                label = QLabel(title)
                label.setObjectName("sectionTitle")
                column.addWidget(label)
                if widget is self.output:
                    self.output_title = label
                if widget is self.prompt:
                    self.prompt_title = label
            # the text box or the picture takes the free height (only one of them shows)
            column.addWidget(widget, 1 if widget in (self.output, self.image) else 0)
        column.addLayout(buttons)
        scroller = QScrollArea()   # a low screen (1366×768) scrolls the item instead of growing the window
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setWidget(detail)
        splitter.addWidget(scroller)
        splitter.setStretchFactor(1, 1)
        self.inner.addWidget(splitter)
        self.detail = splitter
        for widget in (self.queue, self.output, self.comment):
            widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:
        """Keyboard review wherever the focus is: Ctrl+Enter approve, Ctrl+R reject, Alt+Up/Down move."""
        if event.type() == QEvent.Type.KeyPress:
            key, mods = event.key(), event.modifiers()
            ctrl = mods & Qt.KeyboardModifier.ControlModifier
            if ctrl and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.approve()
                return True
            if ctrl and key == Qt.Key.Key_R:
                self.reject()
                return True
            if mods & Qt.KeyboardModifier.AltModifier and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                self._move(1 if key == Qt.Key.Key_Down else -1)
                return True
        return super().eventFilter(watched, event)

    # -- loading ---------------------------------------------------------------
    def refresh(self) -> None:
        if not self.available():
            return
        engine = self.engine

        def tasks():
            return [t.name for t in engine.tasks.list()] if hasattr(type(engine), "tasks") else []
        Op(self, tasks).success(self.newest("_show_tasks", self._show_tasks)).run_in_background()

    def on_job_finished(self, job_id: str, kind: str, state: str) -> None:
        if kind in ("task.run", "samples.install"):
            self.refresh()

    def _show_tasks(self, names: list[str]) -> None:
        keep = self.task_filter.currentData()
        self.task_filter.blockSignals(True)
        self.task_filter.clear()
        self.task_filter.addItem(self.tr("All tasks"), None)
        for name in names:
            self.task_filter.addItem(name, name)
        index = self.task_filter.findData(keep)
        self.task_filter.setCurrentIndex(max(0, index))
        self.task_filter.blockSignals(False)
        self.load_items()

    def load_items(self) -> None:
        if not self.available():
            return
        review, task, status = self.engine.review, self.task_filter.currentData(), self.status_filter.currentData()
        self._generation += 1
        generation = self._generation
        self._more_loading = False
        Op(self, lambda: (review.list(task=task, status=status or None, limit=PAGE), review.counts(task))) \
            .success(lambda loaded: self._show_items(loaded) if generation == self._generation else None) \
            .run_in_background()

    def _show_items(self, loaded) -> None:
        self.items, counts = loaded
        status = self.status_filter.currentData()
        counts = counts or {}
        self.total = counts.get(status, 0) if status else sum(v for v in counts.values() if isinstance(v, int))
        keep = self.current().id if self.current() else None
        self.queue.blockSignals(True)
        self.queue.clear()
        self._add_entries(self.items)
        self.queue.blockSignals(False)
        self._show_counts(counts)
        self.inner.setCurrentWidget(self.detail if self.items else self.empty)
        self._update_feedback_button()
        ids = [i.id for i in self.items]
        if self.items:
            self.queue.setCurrentRow(ids.index(keep) if keep in ids else 0)
        self._update_decision_buttons()

    def _add_entries(self, items) -> None:
        for item in items:
            entry = QListWidgetItem(self._entry_text(item))
            if item.modality == "image":
                entry.setIcon(icons.icon("image"))
            entry.setData(Qt.ItemDataRole.UserRole, item)
            self.queue.addItem(entry)
        self._show_shown()

    def _show_shown(self) -> None:
        count = self.queue.count()
        self.total = max(self.total, count)
        self.shown.setText(self.tr("Showing %1 of %2").replace("%1", f"{count:,}").replace("%2", f"{self.total:,}"))
        self.more_button.setVisible(count < self.total)

    def _show_counts(self, counts: dict) -> None:
        self.counts.setText(" · ".join(f"{self._status_name(k)} {v}" for k, v in counts.items() if isinstance(v, int)))

    def _maybe_load_more(self, value: int) -> None:
        bar = self.queue.verticalScrollBar()
        if value >= bar.maximum() - 2 and bar.maximum() > 0:
            self.load_more()

    def load_more(self) -> None:
        """Read the next page of the queue (scrolling to the end does the same)."""
        if self._more_loading or self.queue.count() >= self.total or not self.available():
            return
        self._more_loading = True
        review, task, status = self.engine.review, self.task_filter.currentData(), self.status_filter.currentData()
        generation, offset = self._generation, self.queue.count()

        def arrived(items) -> None:
            if generation != self._generation:
                return
            self._more_loading = False
            self.items = self.items + items
            self._add_entries(items)
        Op(self, lambda: review.list(task=task, status=status or None, limit=PAGE, offset=offset)) \
            .success(arrived).run_in_background()

    def _entry_text(self, item) -> str:
        """The queue line: status mark and word, where the output came from, and its current text (an edit
        wins)."""
        mark = {"approved": "✓", "rejected": "✕"}.get(item.status, "•")
        status = self.status_word(item.status) + (" · " + self.tr("edited") if item.edited_text else "")
        text = (item.edited_text or item.output_text or item.prompt or "").replace("\n", " ")
        origin = f"{item.task} · {self.step_name(item.step)}" if item.task else self.tr("Generation")
        return f"{mark} {status} · {origin}\n{text[:70]}"

    def status_word(self, status: str) -> str:
        return {"pending": self.tr("To review"), "approved": self.tr("Approved"),
                "rejected": self.tr("Rejected")}.get(status, status)

    def step_name(self, step: str) -> str:
        """A task's own step names are the author's words; the implicit single step is "output"."""
        return self.tr("output") if step == "output" else step

    def _status_name(self, key: str) -> str:
        return {"pending": self.tr("to review"), "approved": self.tr("approved"),
                "rejected": self.tr("rejected")}.get(key, key)

    def current(self):
        entry = self.queue.currentItem()
        return entry.data(Qt.ItemDataRole.UserRole) if entry else None

    def _show_item(self, entry, _previous=None) -> None:
        item = entry.data(Qt.ItemDataRole.UserRole) if entry else None
        if item is None:
            return
        self.prompt_title.setText(self.tr("Conversation") if item.history else self.tr("Prompt"))
        self.prompt.setText(self.conversation(item) if item.history else item.prompt or "")
        self.output.setPlainText(item.edited_text or item.output_text or "")
        self.output.setVisible(item.modality != "image")
        self.output_title.setVisible(item.modality != "image")
        self._compare()
        if item.image_path:
            self.image.reset()
            self.image.natural_width = QImageReader(item.image_path).size().width()   # the header only
            pixmap = self.thumbnails.get(item.image_path, IMAGE_SIZE)
            if pixmap is None:
                self.image.show_message(self.tr("Loading the image…"))
            else:
                self._set_image(pixmap)
            self.image.show()
        else:
            self.image.hide()
        if item.failures:
            self.checks.setText("⚠ " + "; ".join(item.failures))
        else:
            self.checks.setText("✓ " + self.tr("Passes the task's checks"))
        parts = [self.tr("Model: %1").replace("%1", str(item.model or "-")),
                 self.tr("Adapter: %1").replace("%1", str(item.adapter or "-")),
                 self.tr("Seed: %1").replace("%1", "-" if item.seed is None else str(item.seed)),
                 (self.tr("Run: %1").replace("%1", str(item.run_id)) if item.run_id
                  else self.tr("Sent from Generation"))]
        if item.reviewed_by:
            parts.append(self.tr("Reviewed by %1").replace("%1", item.reviewed_by))
        self.provenance.setText(" · ".join(parts))
        self.comment.setText(item.comment or "")

    def conversation(self, item) -> str:
        """A chat answer's system prompt and earlier turns, then the prompt the output answers."""
        lines = [self.tr("System: %1").replace("%1", item.system_prompt)] if item.system_prompt else []
        for turn in [*item.history, {"role": "user", "content": item.prompt or ""}]:
            label = self.tr("User: %1") if turn["role"] == "user" else self.tr("Assistant: %1")
            lines.append(label.replace("%1", turn["content"]))
        return "\n\n".join(lines)

    def _image_ready(self, path: str) -> None:
        item = self.current()
        if item is not None and item.image_path == path:
            size = getattr(self, "_image_size", IMAGE_SIZE)
            pixmap = self.thumbnails.get(path, size) or self.thumbnails.get(path, IMAGE_SIZE)
            if pixmap is not None:
                self._set_image(pixmap)

    def _sharper_image(self, width: int) -> None:
        """Zoomed past the first decode: decode once more at the size the zoom needs (off the GUI thread)."""
        item = self.current()
        if item is None or not item.image_path:
            return
        self._image_size = max(IMAGE_SIZE, min(4096, width))
        pixmap = self.thumbnails.get(item.image_path, self._image_size)
        if pixmap is not None and not pixmap.isNull() and pixmap.width() > self.image.item.pixmap().width():
            self._set_image(pixmap)

    def _set_image(self, pixmap) -> None:
        if pixmap.isNull():
            self.image.show_message(self.tr("The image file cannot be read."))
        else:
            self.image.set_pixmap(pixmap)

    def _compare(self) -> None:
        """While the output differs from what the model wrote, show what the edit changed."""
        item = self.current()
        if item is None or item.modality == "image":
            self.changes.hide()
            return
        self.changes.compare(item.output_text or "", self.output.toPlainText())

    # -- actions ------------------------------------------------------------------
    def selected_items(self) -> list:
        return [entry.data(Qt.ItemDataRole.UserRole) for entry in self.queue.selectedItems()]

    def _update_decision_buttons(self) -> None:
        """With several outputs selected, Approve and Reject decide them all at once."""
        count = len(self.queue.selectedItems())
        if count > 1:
            self.approve_button.setText(self.tr("Approve %n selected (Ctrl+Enter)", "", count))
            self.reject_button.setText(self.tr("Reject %n selected (Ctrl+R)", "", count))
        else:
            self.approve_button.setText(self.tr("Approve (Ctrl+Enter)"))
            self.reject_button.setText(self.tr("Reject (Ctrl+R)"))

    def _decide_selected(self, fn) -> bool:
        """Decide every selected output as they are (no edit), in order; False with one or none selected."""
        entries = [e for e in self.queue.selectedItems()]
        if len(entries) < 2:
            return False
        comment = self.comment.text().strip() or None
        entries.sort(key=self.queue.row)
        for entry in entries:
            item = entry.data(Qt.ItemDataRole.UserRole)
            self.saves.put(fn, item.id, comment, done=lambda updated, entry=entry: self._acted(entry, updated))
        return True

    def approve(self) -> None:
        if self._decide_selected(self.engine.review.approve):
            return
        item = self.current()
        if item is None:
            return
        text = self.output.toPlainText()
        comment = self.comment.text().strip() or None
        original = item.edited_text or item.output_text or ""
        if item.modality != "image" and text != original:
            self._decide(self.engine.review.edit, item.id, text, comment)
        else:
            self._decide(self.engine.review.approve, item.id, comment)

    def reject(self) -> None:
        if self._decide_selected(self.engine.review.reject):
            return
        item = self.current()
        if item is not None:
            self._decide(self.engine.review.reject, item.id, self.comment.text().strip() or None)

    def _decide(self, fn, *args) -> None:
        """Save the decision behind the reviewer, in order, and move on to the next output at once."""
        entry = self.queue.currentItem()
        row = self.queue.currentRow()
        if row + 1 < self.queue.count():
            self.queue.setCurrentRow(row + 1)
        self.saves.put(fn, *args, done=lambda updated: self._acted(entry, updated))

    def _acted(self, entry, updated) -> None:
        """Mark the entry decided on (the list may have been reloaded meanwhile)."""
        from shiboken6 import isValid
        if entry is not None and isValid(entry) and self.queue.row(entry) >= 0:
            entry.setData(Qt.ItemDataRole.UserRole, updated)
            entry.setText(self._entry_text(updated))
        task = self.task_filter.currentData()
        Op(self, self.engine.review.counts, task).success(self.newest("counts", self._show_counts)) \
            .run_in_background()

    def _move(self, delta: int) -> None:
        row = self.queue.currentRow() + delta
        if 0 <= row < self.queue.count():
            self.queue.setCurrentRow(row)

    def export_approved(self, path: str | None = None) -> None:
        """Write the approved outputs (of the chosen task) as a job: progress and Cancel beneath the filters."""
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Export approved outputs"), "approved.xlsx",
                                                  "Excel (*.xlsx);;CSV (*.csv);;JSON Lines (*.jsonl);;ZIP (*.zip)")
        if path and not self.export_slot.busy():
            self.export_slot.start(self.engine.review.start_export, path, self.task_filter.currentData(),
                                   force=True)

    def _exported(self, job) -> None:
        result = job.result if isinstance(job.result, dict) else {}
        if job.state.value == "succeeded":
            self.say(self.tr("%1 output(s) exported to %2").replace("%1", str(result.get("items", 0)))
                                .replace("%2", str(result.get("path", ""))))
        elif job.state.value == "cancelled":
            self.say(self.tr("The export was cancelled; no file was written."))
        else:
            self.say("✕ " + str(job.error or job.state.value))

    def stop_running_job(self) -> bool:
        """Esc: stop the export."""
        return self.export_slot.cancel()

    def feedback_task(self) -> str | None:
        """The task whose dataset "Add approved to dataset" feeds: the task filter, else the selected item's."""
        item = self.current()
        return self.task_filter.currentData() or (item.task if item is not None else None)

    def _update_feedback_button(self, *_) -> None:
        task = self.feedback_task()
        if task:
            self.feedback_button.setText(self.tr("Add approved to dataset of “%1”").replace("%1", task))
            self.feedback_button.setToolTip(self.tr("Approved and edited outputs of task “%1” become new training "
                                                    "examples of its dataset").replace("%1", task))
        else:
            self.feedback_button.setText(self.tr("Add approved to dataset"))
            self.feedback_button.setToolTip(self.tr("Choose a task first: outputs sent from Generation without a "
                                                    "task have no dataset to go to"))

    def feed_back(self) -> None:
        task = self.feedback_task()
        if not task:
            self.say(self.tr("Choose a task in the Task list: outputs sent from Generation without a "
                             "task have no dataset to go to."))
            return
        if self.saves.pending():   # an approval just made is still being saved: feed back after it
            self.say(self.tr("Saving your decisions first…"))
            self.saves.drained.connect(self.feed_back, Qt.ConnectionType.SingleShotConnection)
            return
        Op(self, self.engine.review.feedback, task).success(self._fed_back).run_in_background()

    def _fed_back(self, result: dict) -> None:
        """Name the task and each dataset with the number of examples it gained (the engine answers per dataset)."""
        parts = [self.tr("%1 example(s) added to “%2” (version %3)").replace("%1", str(d.get("added", 0)))
                 .replace("%2", str(d.get("dataset"))).replace("%3", str(d.get("version")))
                 for d in result.get("datasets", [])]
        self.say(self.tr("Task “%1”: ").replace("%1", str(result.get("task"))) + "; ".join(parts))
        datasets = self.window_.pages.loaded("datasets")   # a page built later loads fresh anyway
        if datasets is not None and datasets.available():
            datasets.refresh()

    def say(self, text: str) -> None:
        """Report what an action did on its own line, which list reloads do not overwrite."""
        self.message.setText(text)
        self.message.show()
