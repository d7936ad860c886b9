"""The Generation tab: a text panel (streamed tokens, side-by-side comparison on the same seed) and an
image panel (per-step progress, a gallery with provenance); both send finished outputs to review."""
from __future__ import annotations

from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout

from desktop import icons
from desktop.bridge import Op
from desktop.tabs.base import Page, has_facade
from desktop.tabs.generation_image import SCHEDULERS, ImagePanel, image_provenance
from desktop.tabs.generation_text import TextPanel

__all__ = ["GenerationPage", "ImagePanel", "SCHEDULERS", "TextPanel", "image_provenance"]


class GenerationPage(Page):
    facade = "models"

    def __init__(self, window):
        super().__init__(window)
        layout = QVBoxLayout(self.content)
        layout.setContentsMargins(0, 0, 0, 0)
        self.modes = QTabWidget()
        self.text = TextPanel(self)
        self.image = ImagePanel(self)
        self.modes.addTab(self.text, icons.icon("text"), self.tr("Text"))
        self.modes.addTab(self.image, icons.icon("image"), self.tr("Image"))
        layout.addWidget(self.modes)
        self.bridge.partial.connect(self.text.on_partial)
        self.bridge.partial.connect(self.image.on_partial)
        self.bridge.state_changed.connect(self.text.on_state)
        self.bridge.state_changed.connect(self.image.on_state)
        self.bridge.progress.connect(self.image.on_progress)

    def stop_running_job(self) -> bool:
        """Esc: stop what the visible panel is generating."""
        panel = self.modes.currentWidget()
        if panel.running():
            panel.stop()
            return True
        return False

    def refresh(self) -> None:
        if self.available():
            Op(self, self.engine.models.list).success(self.newest("_show", self._show)).run_in_background()
            self.refresh_tasks()
            self.text.presets.reload()
            self.image.presets.reload()

    def refresh_tasks(self) -> None:
        """Reload the task choices (tasks are made in another tab, so also on every visit)."""
        engine = self.engine
        if engine is None or not has_facade(engine, "tasks"):
            return
        Op(self, lambda: [t.name for t in engine.tasks.list()]) \
            .success(self.newest("_show_tasks", self._show_tasks)).run_in_background()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.available():
            self.refresh_tasks()

    def on_job_finished(self, job_id: str, kind: str, state: str) -> None:
        if kind in ("models.import", "samples.install", "text.train", "image.train") and state == "succeeded":
            self.refresh()

    def use_model(self, base: str, kind: str, adapter: str | None = None) -> None:
        """Show the panel of ``kind`` with this base model (and adapter) chosen, once the models are loaded."""
        self._wanted = (base, kind, adapter)
        self.modes.setCurrentWidget(self.text if kind == "text" else self.image)
        self.refresh()

    def _show(self, models) -> None:
        self.text.set_models(models)
        self.image.set_models(models)
        wanted, self._wanted = getattr(self, "_wanted", None), None
        if wanted is not None:
            base, kind, adapter = wanted
            panel = self.text if kind == "text" else self.image
            panel.model.setCurrentIndex(max(0, panel.model.findData(base)))
            if adapter is not None:
                panel.adapter.setCurrentIndex(max(0, panel.adapter.findData(adapter)))

    def _show_tasks(self, names: list[str]) -> None:
        self.text.set_tasks(names)
        self.image.set_tasks(names)

    def sent_to_review(self, added, label: QLabel) -> None:
        count = len(added) if isinstance(added, list) else 1
        label.setText(self.tr("%n output(s) sent to review", "", count))
        review = self.window_.pages.loaded("review")
        if review is not None and review.available():
            review.refresh()
