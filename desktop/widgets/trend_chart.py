"""Small multiples of a task's runs over time: one panel per measure, run number along the bottom.

Each measure has its own scale (seconds, percentages, items a minute), so they are
drawn side by side rather than on one axis; a run the task's alert thresholds flag
for a measure is a red dot in that measure's panel.
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QGridLayout, QWidget

from desktop.style import current_palette

FLAG_COLOR = "#d64545"
LINE_COLOR = "#3b6fe0"


class TrendChart(QWidget):
    """``show_series({key: (title, [value or None per run])}, flagged={key: [run index, ...]})``."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(8)
        self.panels: dict[str, pg.PlotWidget] = {}
        self.values: dict[str, list] = {}
        self.flagged: dict[str, list[int]] = {}

    def _panel(self, key: str, title: str, position: int) -> pg.PlotWidget:
        panel = self.panels.get(key)
        colors = current_palette()
        if panel is None:
            panel = pg.PlotWidget(background=colors["surface"])
            panel.setMouseEnabled(x=False, y=False)
            panel.setMenuEnabled(False)
            panel.hideButtons()
            panel.setMinimumHeight(130)
            for axis in ("left", "bottom"):
                panel.getAxis(axis).setTextPen(colors["muted"])
                panel.getAxis(axis).setPen(colors["border"])
                panel.getAxis(axis).enableAutoSIPrefix(False)
            self.panels[key] = panel
            self.grid.addWidget(panel, position // 2, position % 2)
        panel.setTitle(title, color=colors["text"], size="9pt")
        return panel

    def show_series(self, series: dict[str, tuple[str, list]], flagged: dict[str, list[int]]) -> None:
        self.values = {key: list(values) for key, (_, values) in series.items()}
        self.flagged = {key: list(flagged.get(key, [])) for key in series}
        for key in list(self.panels):
            if key not in series:
                self.panels.pop(key).deleteLater()
        for position, (key, (title, values)) in enumerate(series.items()):
            panel = self._panel(key, title, position)
            panel.clear()
            points = [(i + 1, v) for i, v in enumerate(values) if v is not None]
            if not points:
                continue
            xs, ys = zip(*points)
            panel.plot(xs, ys, pen=pg.mkPen(LINE_COLOR, width=2), symbol="o", symbolSize=6,
                       symbolBrush=LINE_COLOR)
            marks = [(x, y) for x, y in points if x - 1 in self.flagged[key]]
            if marks:
                fx, fy = zip(*marks)
                panel.plot(fx, fy, pen=None, symbol="o", symbolSize=11, symbolBrush=FLAG_COLOR)
            panel.getAxis("bottom").setTicks([[(x, str(x)) for x in xs]])
            panel.setYRange(0, max(max(ys) * 1.1, 1e-3))   # every measure is >= 0: a flat line sits on its value
            panel.setXRange(0.7, max(xs) + 0.3)

    def flagged_points(self, key: str) -> int:
        """How many of a panel's points are drawn as flagged (for tests and screenshots)."""
        return sum(1 for i, v in enumerate(self.values.get(key, [])) if v is not None and i in self.flagged.get(key, []))
