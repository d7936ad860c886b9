"""The Review tab."""
from __future__ import annotations

from desktop.tabs.base import Page


class ReviewPage(Page):
    facade = "review"
    icon_name = "review"

    def __init__(self, window):
        super().__init__(window, self.tr("Review"), self.tr("Approve, edit or reject outputs before they are used"))
