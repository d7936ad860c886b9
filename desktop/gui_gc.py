"""Python's cycle collector, run on the GUI thread only.

Left automatic, it may run on a job worker thread and destroy a widget there, which deadlocks
Qt against the GIL. So automatic collection is off and a timer on the GUI thread collects each
generation once it passes its usual threshold.
"""
from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer


class GuiThreadCollector(QObject):
    def __init__(self, parent=None, interval: float = 1.0):
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.check)
        self.timer.start(int(interval * 1000))

    def check(self) -> None:
        counts = gc.get_count()
        for generation in range(3):
            if counts[generation] <= self.threshold[generation]:
                return
            gc.collect(generation)
