"""The Tasks tab."""
from __future__ import annotations

from desktop.tabs.base import Page


class TasksPage(Page):
    facade = "tasks"
    icon_name = "tasks"

    def __init__(self, window):
        super().__init__(window, self.tr("Tasks"), self.tr("What each department needs done, and how to judge it"))
