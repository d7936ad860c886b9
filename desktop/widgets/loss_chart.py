"""Live training curves with pyqtgraph: training and validation loss, learning rate beneath.

Per-step training loss is noisy with small batches, so it is drawn faint with a smoothed
line on top (an exponential moving average, bias-corrected like TensorBoard's), kept up
to date point by point so a long run costs nothing extra per redraw.
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QVBoxLayout, QWidget

from desktop.style import current_palette

LOSS_COLORS = {"loss": "#3b6fe0", "val_loss": "#e0783b"}
SMOOTHING = 0.85
SMOOTHED = "loss_smoothed"


class LossChart(QWidget):
    """Feed it ``add(name, step, value)``; names with "loss" go on top, the learning rate below."""

    # Each redraw costs the GUI thread 10-30 ms of mostly Python work (longer while a training
    # thread competes for the GIL), so the chart redraws twice a second, only while it is on
    # screen, without grid lines (they were more than half of every paint) and without mouse
    # interaction, and draws long runs downsampled to the pixels it has.
    REDRAW_MS = 500

    def __init__(self, parent=None):
        super().__init__(parent)
        colors = current_palette()
        pg.setConfigOptions(antialias=False)  # software-rendered antialiasing costs whole frames
        self.plot = pg.PlotWidget(background=colors["surface"])
        self.plot.setLabel("left", self.tr("Loss"))
        self.plot.addLegend(offset=(-10, 10), labelTextColor=colors["text"])
        self.lr_plot = pg.PlotWidget(background=colors["surface"])
        self.lr_plot.setMinimumHeight(120)
        self.lr_plot.setMaximumHeight(140)
        self.lr_plot.setLabel("left", self.tr("LR"))
        self.lr_plot.setLabel("bottom", self.tr("Step"))
        self.lr_plot.setXLink(self.plot)
        for widget in (self.plot, self.lr_plot):
            widget.setMouseEnabled(x=False, y=False)
            widget.setMenuEnabled(False)
            widget.hideButtons()
            widget.setClipToView(True)
            widget.setDownsampling(auto=True, mode="peak")
            for axis in ("left", "bottom"):
                widget.getAxis(axis).setTextPen(colors["muted"])
                widget.getAxis(axis).setPen(colors["border"])
                # "Loss (x0.001)" over ticks of 400-800 reads wrong: the ticks show the values themselves
                widget.getAxis(axis).enableAutoSIPrefix(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.lr_plot)
        self.lr_plot.hide()       # until a run reports a learning rate
        self.series: dict[str, tuple[list[int], list[float]]] = {}
        self._dirty: set[str] = set()
        # Redrawing on every metric would keep the GUI thread busy during fast runs; a few
        # redraws a second look just as live.
        self._redraw = QTimer(self)
        self._redraw.setInterval(self.REDRAW_MS)
        self._redraw.setSingleShot(True)
        self._redraw.timeout.connect(self.flush)
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.titles = {"loss": self.tr("training loss"), "val_loss": self.tr("validation loss"),
                       SMOOTHED: self.tr("training loss (smoothed)")}

    def clear(self) -> None:
        # PlotItem.clear() takes every curve (and its legend entry) off the plot; removing them
        # one by one first made Qt remove the same items twice.
        self.plot.clear()
        self.lr_plot.clear()
        self.lr_plot.hide()       # shown once the run reports a learning rate (image runs do not)
        self.series.clear()
        self.curves.clear()
        self._dirty.clear()

    def points(self, name: str = "loss") -> int:
        return len(self.series.get(name, ([], []))[0])

    def add(self, name: str, step: int, value: float) -> None:
        if "loss" not in name and name not in ("learning_rate", "lr"):
            return
        if name in ("learning_rate", "lr") and self.lr_plot.isHidden():
            self.lr_plot.show()
        xs, ys = self.series.setdefault(name, ([], []))
        if xs and step <= xs[-1]:          # a resumed run replays its history: keep the curve monotonic
            while xs and xs[-1] >= step:
                xs.pop()
                ys.pop()
        xs.append(step)
        ys.append(value)
        self._dirty.add(name)
        if name == "loss":
            self._smooth()
        if not self._redraw.isActive():
            self._redraw.start()

    def _smooth(self) -> None:
        """Extend the smoothed curve by the new point (or rebuild it after a resumed run's replay)."""
        xs, ys = self.series["loss"]
        sx, sy = self.series.setdefault(SMOOTHED, ([], []))
        if not sx or len(sx) != len(xs) - 1:
            sx.clear()
            sy.clear()
            self._ema = 0.0
        for index in range(len(sx), len(xs)):
            self._ema = SMOOTHING * self._ema + (1 - SMOOTHING) * ys[index]
            sx.append(xs[index])
            sy.append(self._ema / (1 - SMOOTHING ** (index + 1)))
        self._dirty.add(SMOOTHED)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._dirty:
            self.flush()

    def flush(self) -> None:
        """Draw the points that arrived since the last redraw (later, if the chart is not on screen)."""
        if not self.isVisible():
            return
        for name in sorted(self._dirty):
            self._curve(name).setData(*self.series[name])
        self._dirty.clear()

    def _curve(self, name: str):
        curve = self.curves.get(name)
        if curve is None:
            if name in ("learning_rate", "lr"):
                curve = self.lr_plot.plot(pen=pg.mkPen("#1f9d55", width=2))
            elif name == "loss":   # the raw points: faint, behind the smoothed line
                color = pg.mkColor(LOSS_COLORS["loss"])
                color.setAlpha(70)
                curve = self.plot.plot(pen=pg.mkPen(color, width=1))
                curve.setZValue(-1)
            else:
                color = LOSS_COLORS.get("loss" if name == SMOOTHED else name, "#8a63d2")
                symbol = "o" if name == "val_loss" else None
                curve = self.plot.plot(pen=pg.mkPen(color, width=2), symbol=symbol, symbolSize=6,
                                       symbolBrush=color, name=self.titles.get(name, name))
            self.curves[name] = curve
        return curve

    def load(self, metrics: list[dict]) -> None:
        self.clear()
        for metric in metrics:
            self.add(metric["name"], metric["step"], metric["value"])
        self.flush()
