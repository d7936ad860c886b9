"""Which task an output belongs to, so review can check it against the task's rules and feed it back."""
from __future__ import annotations

from PySide6.QtWidgets import QComboBox


class TaskCombo(QComboBox):
    """'No task' first (a one-off output), then the workspace's tasks by name; ``task()`` is the choice."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setToolTip(self.tr("The task this output belongs to: review checks it against the task's rules "
                                "and approved outputs can be fed back into the task's dataset"))
        self.set_tasks([])

    def set_tasks(self, names: list[str]) -> None:
        """Replace the list, keeping the chosen task when it is still there."""
        keep = self.task()
        self.blockSignals(True)
        self.clear()
        self.addItem(self.tr("No task"), None)
        for name in names:
            self.addItem(name, name)
        index = self.findData(keep) if keep else -1
        self.setCurrentIndex(max(0, index))
        self.blockSignals(False)

    def task(self) -> str | None:
        return self.currentData() or None
