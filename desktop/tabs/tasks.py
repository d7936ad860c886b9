"""The Tasks tab: tasks by department; edit name, department, modality, prompt template with a
live preview, output constraints, linked dataset and model, and the ordered steps of a
composite task; duplicate, archive (hidden behind "Show archived", never deleted), and run a
task on a file of inputs. The template editor is task_template.py."""
from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel,
                               QLineEdit, QMessageBox, QPushButton, QScrollArea, QSpinBox, QSplitter, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from desktop import icons
from desktop.bridge import Op
from desktop.tabs.base import Page
from desktop.tabs.task_actions import TaskActions
from desktop.tabs.task_eval import EvalPanel
from desktop.tabs.task_steps import StepsEditor
from desktop.tabs.task_template import TemplateEditor
from desktop.widgets.buttons import primary_button
from desktop.widgets.empty_state import EmptyState, empty_stack
from desktop.widgets.error_dialog import reason_of

def terms(text: str) -> list[str]:
    return [t.strip() for t in re.split(r"[,，;；]", text) if t.strip()]


class TasksPage(Page):
    facade = "tasks"

    def __init__(self, window):
        super().__init__(window)
        self.tasks = []
        self.archived: set[str] = set()
        self.current = None
        self._shown: dict | None = None   # the definition as loaded or saved: anything else is unsaved
        self.new_button = primary_button("add", self.tr("New task"), self.new_task)
        self.add_action_button(self.new_button)
        self.task_actions = TaskActions(self)
        self._build()

    def _build(self) -> None:
        self.empty = EmptyState("tasks", self.tr("No tasks yet"),
                                self.tr("A task says what a department needs written or drawn, with a prompt "
                                        "template and the rules a good result follows."), self.tr("Create a task"))
        self.inner = empty_stack(self.content, self.empty, self.new_task)
        splitter = QSplitter()
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        self.tree = QTreeWidget()
        self.tree.setObjectName("tasksTree")
        self.tree.setHeaderHidden(True)
        self.tree.currentItemChanged.connect(self._select)
        self.show_archived = QCheckBox(self.tr("Show archived"))
        self.show_archived.setToolTip(self.tr("Archived tasks keep their runs and reviewed outputs"))
        self.show_archived.toggled.connect(lambda *_: self._fill_tree())
        side_layout.addWidget(self.tree, 1)
        side_layout.addWidget(self.show_archived)
        side.setMinimumWidth(230)
        side.setMaximumWidth(320)
        splitter.addWidget(side)

        editor = QWidget()
        column = QVBoxLayout(editor)
        column.setContentsMargins(12, 0, 8, 0)
        basics = QGroupBox(self.tr("Task"))
        form = QFormLayout(basics)
        self.name = QLineEdit()
        self.title_edit = QLineEdit()
        self.department = QComboBox()
        self.department.setEditable(True)
        self.modality = QComboBox()
        self.modality.addItem(self.tr("Text"), "text")
        self.modality.addItem(self.tr("Image"), "image")
        self.dataset = QComboBox()
        self.model = QComboBox()
        self.adapter = QComboBox()
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Title"), self.title_edit)
        form.addRow(self.tr("Department"), self.department)
        form.addRow(self.tr("Output"), self.modality)
        form.addRow(self.tr("Dataset"), self.dataset)
        form.addRow(self.tr("Model"), self.model)
        form.addRow(self.tr("Adapter"), self.adapter)
        column.addWidget(basics)

        self.template_editor = TemplateEditor()
        self.template = self.template_editor.template
        self.variables = self.template_editor.variables
        self.preview = self.template_editor.preview
        column.addWidget(self.template_editor)

        rules = QGroupBox(self.tr("Output rules"))
        form = QFormLayout(rules)
        self.min_chars = QSpinBox()
        self.max_chars = QSpinBox()
        for box in (self.min_chars, self.max_chars):
            box.setRange(0, 100_000)
            box.setSpecialValueText(self.tr("no limit"))
        lengths = QHBoxLayout()
        lengths.addWidget(self.min_chars)
        lengths.addWidget(QLabel("–"))
        lengths.addWidget(self.max_chars)
        self.required = QLineEdit()
        self.required.setPlaceholderText(self.tr("comma-separated"))
        self.banned = QLineEdit()
        self.banned.setPlaceholderText(self.tr("comma-separated"))
        form.addRow(self.tr("Length (characters)"), lengths)
        form.addRow(self.tr("Must mention"), self.required)
        form.addRow(self.tr("Must not mention"), self.banned)
        column.addWidget(rules)

        self.steps_editor = StepsEditor()
        self.steps = self.steps_editor.table
        column.addWidget(self.steps_editor)
        self.eval_panel = EvalPanel(self)
        column.addWidget(self.eval_panel)

        buttons = QHBoxLayout()
        self.save_button = QPushButton(self.tr("Save"))
        self.save_button.setProperty("primary", True)
        self.save_button.setShortcut("Ctrl+S")
        self.save_button.clicked.connect(lambda: self.save())
        self.duplicate_button = QPushButton(icons.icon("copy"), self.tr("Duplicate"))
        self.duplicate_button.clicked.connect(self.task_actions.duplicate)
        self.archive_button = QPushButton(icons.icon("archive"), self.tr("Archive"))
        self.archive_button.setToolTip(self.tr("Hide the task from the list; its runs and outputs stay"))
        self.archive_button.clicked.connect(self.task_actions.toggle_archived)
        self.run_button = QPushButton(icons.icon("play"), self.tr("Run on a file…"))
        self.run_button.clicked.connect(lambda: self.task_actions.run_on_file())
        self.monitor_button = QPushButton(icons.icon("monitor"), self.tr("Monitor runs"))
        self.monitor_button.setToolTip(self.tr("Time, error rate, quality and throughput of this task's runs"))
        self.monitor_button.clicked.connect(self.open_monitor)
        self.message = QLabel()
        self.message.setObjectName("muted")
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.duplicate_button)
        buttons.addWidget(self.archive_button)
        buttons.addStretch(1)
        buttons.addWidget(self.message)
        buttons.addWidget(self.monitor_button)
        buttons.addWidget(self.run_button)
        column.addLayout(buttons)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidgetResizable(True)
        scroll.setWidget(editor)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(1, 1)
        self.inner.addWidget(splitter)
        self.detail = splitter

    # -- loading ----------------------------------------------------------------
    def refresh(self) -> None:
        if not self.available():
            return
        engine = self.engine

        def load():
            models = engine.models.list() if hasattr(type(engine), "models") else []
            datasets = engine.data.list() if hasattr(type(engine), "data") else []
            return engine.tasks.list(), models, datasets, engine.tasks.archived()
        Op(self, load).success(self.newest("_show", self._show)).run_in_background()

    def on_job_finished(self, job_id: str, kind: str, state: str) -> None:
        if kind in ("samples.install", "models.import", "data.import", "text.train", "image.train"):
            self.refresh()

    def _show(self, loaded) -> None:
        self.tasks, models, datasets, self.archived = loaded
        for box, names in ((self.dataset, [d.name for d in datasets]),
                           (self.model, [m.name for m in models if m.role == "base"]),
                           (self.adapter, [m.name for m in models if m.role == "adapter"])):
            keep = box.currentData()
            box.blockSignals(True)
            box.clear()
            # no adapter reads as in Generation; no dataset or model is just "(none)"
            box.addItem(self.tr("None (base model)") if box is self.adapter else self.tr("(none)"), None)
            for name in names:
                box.addItem(name, name)
            box.setCurrentIndex(max(0, box.findData(keep)))
            box.blockSignals(False)
        self.steps_editor.set_models([m.name for m in models if m.role == "base"])
        self.eval_panel.set_adapters([m.name for m in models if m.role == "adapter"])
        department = self.department.currentText()
        self.department.clear()
        self.department.addItems(sorted({t.department for t in self.tasks if t.department}))
        self.department.setCurrentText(department)
        self.show_archived.setText(self.tr("Show archived (%1)").replace("%1", str(len(self.archived)))
                                   if self.archived else self.tr("Show archived"))
        self._fill_tree()

    def visible_tasks(self) -> list:
        show = self.show_archived.isChecked()
        return [t for t in self.tasks if show or t.name not in self.archived]

    def _fill_tree(self) -> None:
        keep = self.current.name if self.current else None
        self.tree.blockSignals(True)
        self.tree.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        select = None
        visible = self.visible_tasks()
        for task in sorted(visible, key=lambda t: (t.department or "~", t.name)):
            department = task.department or self.tr("Other")
            group = groups.get(department)
            if group is None:
                group = groups[department] = QTreeWidgetItem([department])
                group.setFlags(group.flags() & ~Qt.ItemFlag.ItemIsSelectable)
                font = group.font(0)
                font.setBold(True)
                group.setFont(0, font)
                self.tree.addTopLevelItem(group)
            item = QTreeWidgetItem([task.title_zh if self._chinese() and task.title_zh else (task.title or task.name)])
            item.setIcon(0, icons.icon("image" if task.modality == "image" else "text"))
            item.setToolTip(0, task.name)
            if task.name in self.archived:
                item.setText(0, self.tr("%1 (archived)").replace("%1", item.text(0)))
                item.setForeground(0, self.palette().placeholderText())
            item.setData(0, Qt.ItemDataRole.UserRole, task)
            group.addChild(item)
            if task.name == keep or select is None:
                select = item if task.name == keep or select is None else select
        self.tree.expandAll()
        self.tree.blockSignals(False)
        self.inner.setCurrentWidget(self.detail if visible or self.archived else self.empty)
        if self.current is None and self.has_unsaved_edits():
            pass   # a new task being written stays on screen
        elif select is not None:
            self.tree.setCurrentItem(select)
        elif self.current is not None and self.current.name not in {t.name for t in visible}:
            self.new_task()
            self.message.setText(self.tr("Select a task, or create a new one."))

    def _chinese(self) -> bool:
        from PySide6.QtCore import QLocale
        return QLocale().name().startswith("zh")

    def has_unsaved_edits(self) -> bool:
        return self._shown is not None and self.definition() != self._shown

    def _select(self, item, _previous=None) -> None:
        task = item.data(0, Qt.ItemDataRole.UserRole) if item else None
        if task is None:
            return
        if self.current is not None and task.name == self.current.name and self.has_unsaved_edits():
            return   # the list was refilled: the edits on screen stay
        if self.has_unsaved_edits():
            self._set_tree_item(_previous)
            self.ask_to_save(lambda: self._go_to(task.name))
            return
        self._load(task)

    def _set_tree_item(self, item) -> None:
        self.tree.blockSignals(True)
        self.tree.setCurrentItem(item)
        self.tree.blockSignals(False)

    def _go_to(self, name: str | None) -> None:
        """Show task ``name`` (None: a new task) after the edits on screen were saved or discarded."""
        if name is None:
            self._shown = None
            self.new_task()
            return
        for index in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(index)
            for child in range(group.childCount()):
                item = group.child(child)
                task = item.data(0, Qt.ItemDataRole.UserRole)
                if task is not None and task.name == name:
                    self._set_tree_item(item)
                    self._load(task)
                    return

    def ask_to_save(self, then) -> QMessageBox:
        """Unsaved edits: save them, discard them, or stay (the question does not block the window)."""
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Unsaved changes"),
                          self.tr("Task '%1' has changes that are not saved. Save them first?")
                          .replace("%1", self.name.text().strip() or self.tr("(new task)")), parent=self)
        save = box.addButton(self.tr("Save"), QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton(self.tr("Discard changes"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(save)
        box.setObjectName("taskQuestion")
        box.setWindowModality(Qt.WindowModality.WindowModal)
        self.question = box

        def answered(_code) -> None:
            if box.clickedButton() is save:
                self.save(then)
            elif box.clickedButton() is discard:
                self._shown = None
                then()
        box.finished.connect(answered)
        box.open()
        return box

    def _load(self, task) -> None:
        self.current = task
        archived = task.name in self.archived
        self.archive_button.setText(self.tr("Restore") if archived else self.tr("Archive"))
        self.archive_button.setToolTip(self.tr("Bring the task back into the list") if archived else
                                       self.tr("Hide the task from the list; its runs and outputs stay"))
        hint = self.tr("Archived: restore it to use it again.")
        if archived:
            self.message.setText(hint)
        elif self.message.text() == hint:
            self.message.clear()
        self.name.setText(task.name)
        self.title_edit.setText(task.title_zh if self._chinese() and task.title_zh else task.title)
        self.department.setCurrentText(task.department)
        self.modality.setCurrentIndex(max(0, self.modality.findData(task.modality)))
        for box, value in ((self.dataset, task.dataset), (self.model, task.model), (self.adapter, task.adapter)):
            index = box.findData(value)
            if index < 0 and value:
                box.addItem(value, value)
                index = box.count() - 1
            box.setCurrentIndex(max(0, index))
        self.template_editor.load(task.template, dict(task.examples or {}))
        c = task.constraints
        self.min_chars.setValue(c.min_chars or 0)
        self.max_chars.setValue(c.max_chars or 0)
        self.required.setText(", ".join(c.required_terms))
        self.banned.setText(", ".join(c.banned_terms))
        self.steps_editor.load([step_dict for step_dict in task.to_dict()["steps"]])
        self._shown = self.definition()
        self.eval_panel.show_task(task)

    def variable_values(self) -> dict:
        return self.template_editor.variable_values()

    def update_preview(self) -> None:
        self.template_editor.update_preview()

    # -- editing ------------------------------------------------------------------------
    def definition(self) -> dict:
        base = self.current.to_dict() if self.current else {}   # what the form does not show is kept
        constraints = dict(base.get("constraints") or {})
        constraints.update(min_chars=self.min_chars.value() or None, max_chars=self.max_chars.value() or None,
                           required_terms=terms(self.required.text()), banned_terms=terms(self.banned.text()))
        title_key = "title_zh" if self._chinese() else "title"
        return {**base, "name": self.name.text().strip(), title_key: self.title_edit.text().strip(),
                "department": self.department.currentText().strip(), "modality": self.modality.currentData(),
                "template": self.template.toPlainText(), "dataset": self.dataset.currentData(),
                "model": self.model.currentData(), "adapter": self.adapter.currentData(),
                "constraints": constraints, "steps": self.steps_editor.steps(),
                "examples": self.template_editor.examples()}

    def new_task(self) -> None:
        if self.has_unsaved_edits():
            self.ask_to_save(lambda: self._go_to(None))
            return
        self.current = None
        self._shown = None
        self.inner.setCurrentWidget(self.detail)
        for widget in (self.name, self.title_edit, self.required, self.banned):
            widget.clear()
        self.template_editor.load("", {})
        self.steps_editor.load([])
        self.eval_panel.show_task(None)
        self.min_chars.setValue(0)
        self.max_chars.setValue(0)
        self.name.setFocus()
        self.message.setText(self.tr("New task: fill in the name and the template, then Save."))
        self._shown = self.definition()

    def save(self, then=None) -> None:
        """Save the task on screen; a changed name renames it (its runs and outputs follow), not a copy."""
        definition = self.definition()
        if not definition["name"]:
            self.message.setText("⚠ " + self.tr("Give the task a name."))
            return
        if self.current is None:
            call = (self.engine.tasks.create, definition)
        elif self.current.name == definition["name"]:
            call = (self.engine.tasks.create, definition, True)
        else:
            call = (self.engine.tasks.rename, self.current.name, definition)
        Op(self, *call).success(lambda task: self._saved(task, then)).failure(
            lambda exc, details: self.message.setText("⚠ " + reason_of(exc))).run_in_background()

    def _saved(self, task, then=None) -> None:
        self.current = task
        self._shown = self.definition()
        self.message.setText("✓ " + self.tr("Saved %1").replace("%1", task.name))
        if then is not None:
            then()
        self.refresh()

    def open_monitor(self) -> None:
        monitor = self.window_.show_page("monitor")
        if self.current is not None:
            monitor.select_task(self.current.name)

    def run_on_file(self, path: str | None = None) -> None:
        self.task_actions.run_on_file(path)
