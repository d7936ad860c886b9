"""What the text and image generation panels share: the controls-beside-output layout, the model and
task pickers (a picked task fills the prompt from its template), failure handling, and sending finished
outputs to the Review tab."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QScrollArea, QSplitter, QVBoxLayout, QWidget

from desktop.bridge import Op
from desktop.widgets.model_combo import adapters_of, fill_base_models
from desktop.widgets.task_combo import TaskCombo

DONE_STATES = ("succeeded", "failed", "cancelled", "interrupted")


class GenerationPanel(QWidget):
    """Controls on the left (``self.controls_layout``), prompt and outputs on the right (``self.column``).

    Subclasses create ``self.model``, ``self.adapter``, ``self.generate_button`` and ``self.stop_button``.
    """

    kind = "text"   # the model kind the panel lists

    def __init__(self, page):
        super().__init__()
        self.page = page
        self.models: list = []
        self.model = QComboBox()
        self.adapter = QComboBox()
        self.task = TaskCombo()
        splitter = QSplitter()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        controls = QWidget()
        self.controls_layout = QVBoxLayout(controls)
        self.controls_layout.setContentsMargins(0, 0, 8, 0)
        scroll = QScrollArea()   # the settings scroll on a small screen instead of squeezing the output
        scroll.setWidgetResizable(True)
        scroll.setWidget(controls)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(370)
        scroll.setMaximumWidth(400)
        splitter.addWidget(scroll)
        right = QWidget()
        self.column = QVBoxLayout(right)
        self.column.setContentsMargins(12, 0, 0, 0)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        self.model.currentIndexChanged.connect(self._fill_adapters)
        self._submitting = 0                             # submits whose job id has not come back yet
        self._early: dict[str, list[tuple[str, dict]]] = {}
        page.bridge.event.connect(self._hold_early)
        self.task_info: dict | None = None       # the chosen task's prompt, system prompt and rules
        self._filled: dict[str, str] = {}        # what a task last wrote into each field
        self.task.currentIndexChanged.connect(self._task_changed)

    # -- the chosen task ----------------------------------------------------------------
    def _task_changed(self) -> None:
        from desktop.tabs.generation_rules import task_prompt
        name = self.task.task()
        if name is None or self.page.engine is None:
            self.task_info = None
            self.task_loaded(None)
            return
        Op(self, task_prompt, self.page.engine, name).success(self._task_loaded).failure(self._failed) \
            .run_in_background()

    def _task_loaded(self, info: dict) -> None:
        if info["task"].name != self.task.task():
            return   # another task was picked meanwhile
        self.task_info = info
        self.fill_field(self.prompt, "prompt", info["prompt"])
        self.task_loaded(info)

    def fill_field(self, edit, key: str, text: str) -> None:
        """Write a task's text into an empty field, or one still holding what a task wrote: never over
        something the user typed."""
        current = edit.toPlainText()
        if text and (not current.strip() or current == self._filled.get(key)):
            edit.setPlainText(text)
            self._filled[key] = text

    def task_loaded(self, info: dict | None) -> None:
        """The chosen task's details arrived (None: no task)."""

    # -- following jobs from their first event ----------------------------------------
    def owns(self, job_id: str) -> bool:
        """Whether the panel already follows this job; the text and image panes say which ids they follow.
        Until one does, every early event of a submit in flight is held."""
        return False

    def submit(self, fn, *args, started) -> None:
        """Submit a job off the GUI thread. A job starts before ``submit`` returns its id, so its first
        tokens, or its failure, may come first: they are held and replayed once ``started(job)`` ran."""
        self._submitting += 1
        Op(self, fn, *args).success(lambda job: self._claim(job, started)) \
            .failure(self._submit_failed).run_in_background()

    def _hold_early(self, job_id: str, kind: str, data: dict) -> None:
        if self._submitting and kind in ("partial", "state", "progress") and not self.owns(job_id):
            self._early.setdefault(job_id, []).append((kind, data))

    def _claim(self, job, started) -> None:
        self._submitting -= 1
        started(job)
        for kind, data in self._early.pop(job.id, []):
            if kind == "partial":
                self.on_partial(job.id, data)
            elif kind == "progress":
                self.on_progress(job.id, float(data.get("fraction", 0.0)), str(data.get("message", "")))
            elif kind == "state":
                self.on_state(job.id, data.get("state", ""), data)
        if not self._submitting:
            self._early.clear()   # events of jobs that belong to someone else

    def _submit_failed(self, exc, details) -> None:
        self._submitting -= 1
        if not self._submitting:
            self._early.clear()
        self._failed(exc, details)

    def on_partial(self, job_id: str, data: dict) -> None:
        """A streamed piece of an output."""

    def on_progress(self, job_id: str, fraction: float, message: str) -> None:
        """How far a job is."""

    def on_state(self, job_id: str, state: str, data: dict) -> None:
        """A job changed state."""

    def set_models(self, models) -> None:
        self.models = models
        fill_base_models(self.model, models, self.kind)
        self._fill_adapters()

    def set_tasks(self, names: list[str]) -> None:
        self.task.set_tasks(names)

    def adapters(self) -> list:
        """The trained adapters of the chosen base model."""
        return adapters_of(self.models, self.model.currentData())

    def _fill_adapters(self) -> None:
        """Refill the adapter choices after the base model changed."""

    def _failed(self, exc, details) -> None:
        from desktop.widgets.error_dialog import show_error
        if not self._submitting and not self.running():
            self.generate_button.setEnabled(True)
            self.stop_button.setEnabled(False)
        show_error(self, exc, details)

    def running(self) -> bool:
        """Whether a job of this panel is still under way."""
        return False

    def queue_for_review(self, add, label, restore) -> None:
        """Run ``add`` (engine.review.add calls) off the GUI thread; then report on ``label`` and refresh
        the Review tab, or call ``restore`` (the button comes back) and show the error."""
        def failed(exc, details) -> None:
            from desktop.widgets.error_dialog import show_error
            restore()
            show_error(self, exc, details)
        Op(self, add).success(lambda added: self.page.sent_to_review(added, label)).failure(
            failed).run_in_background()
