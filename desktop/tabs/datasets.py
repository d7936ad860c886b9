"""The Datasets tab."""
from __future__ import annotations

from desktop.tabs.base import Page


class DatasetsPage(Page):
    facade = "data"
    icon_name = "datasets"

    def __init__(self, window):
        super().__init__(window, self.tr("Datasets"), self.tr("Examples imported from your files, cleaned, split and versioned"))
