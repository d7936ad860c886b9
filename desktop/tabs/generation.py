"""The Generation tab."""
from __future__ import annotations

from desktop.tabs.base import Page


class GenerationPage(Page):
    facade = "text"
    icon_name = "generation"

    def __init__(self, window):
        super().__init__(window, self.tr("Generation"), self.tr("Write text and render images with a base model or a trained adapter"))
