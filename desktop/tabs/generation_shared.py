"""What the text and image generation panels share: the controls-beside-output layout, the model and
task pickers, failure handling, and sending finished outputs to the Review tab."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QSplitter, QVBoxLayout, QWidget

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
        controls.setMaximumWidth(380)
        splitter.addWidget(controls)
        right = QWidget()
        self.column = QVBoxLayout(right)
        self.column.setContentsMargins(12, 0, 0, 0)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        self.model.currentIndexChanged.connect(self._fill_adapters)

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
        self.generate_button.setEnabled(True)
        self.stop_button.setEnabled(False)
        show_error(self, exc, details)

    def queue_for_review(self, add, label, restore) -> None:
        """Run ``add`` (engine.review.add calls) off the GUI thread; then report on ``label`` and refresh
        the Review tab, or call ``restore`` (the button comes back) and show the error."""
        def failed(exc, details) -> None:
            from desktop.widgets.error_dialog import show_error
            restore()
            show_error(self, exc, details)
        Op(self, add).success(lambda added: self.page.sent_to_review(added, label)).failure(
            failed).run_in_background()
