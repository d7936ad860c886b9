"""The Models tab."""
from __future__ import annotations

from desktop.tabs.base import Page


class ModelsPage(Page):
    facade = "models"
    icon_name = "models"

    def __init__(self, window):
        super().__init__(window, self.tr("Models"), self.tr("Base models and trained adapters on this machine"))
