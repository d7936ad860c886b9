"""The Training tab."""
from __future__ import annotations

from desktop.tabs.base import Page


class TrainingPage(Page):
    facade = "text"
    icon_name = "training"

    def __init__(self, window):
        super().__init__(window, self.tr("Training"), self.tr("Fine-tune a text or image model on a dataset version"))
