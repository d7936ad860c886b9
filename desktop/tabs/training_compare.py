"""Loss curves of several runs on one chart: each run one colour, training loss smoothed (solid) and
validation loss (dashed, with points), so runs with different settings can be compared."""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout

from desktop.bridge import Op
from desktop.style import current_palette
from desktop.widgets.loss_chart import SMOOTHING

COLORS = ("#3b6fe0", "#e0783b", "#1f9d55", "#8a63d2", "#d23f6f", "#0f9bb0", "#b08a0f", "#5b6472")


def smoothed(values: list[float]) -> list[float]:
    """The same bias-corrected moving average the live chart draws."""
    out, average = [], 0.0
    for index, value in enumerate(values, start=1):
        average = SMOOTHING * average + (1 - SMOOTHING) * value
        out.append(average / (1 - SMOOTHING ** index))
    return out


class CompareDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Compare runs"))
        self.resize(820, 520)
        colors = current_palette()
        self.plot = pg.PlotWidget(background=colors["surface"])
        self.plot.setLabel("left", self.tr("Loss"))
        self.plot.setLabel("bottom", self.tr("Step"))
        self.plot.addLegend(offset=(-10, 10), labelTextColor=colors["text"])
        for axis in ("left", "bottom"):
            self.plot.getAxis(axis).setTextPen(colors["muted"])
            self.plot.getAxis(axis).enableAutoSIPrefix(False)
        self.note = QLabel(self.tr("Solid: training loss (smoothed). Dashed: validation loss."))
        self.note.setObjectName("muted")
        layout = QVBoxLayout(self)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.note)
        self.series: dict[tuple[str, str], tuple[list[int], list[float]]] = {}
        self._generation = 0

    def show_runs(self, engine, runs: list[dict]) -> None:
        from desktop.tabs.training_runs import run_label
        self._generation += 1
        generation = self._generation
        wanted = [(run_label(run), run.get("job_id")) for run in runs]

        def load():
            return [(label, engine.jobs.metrics(job_id) if job_id else []) for label, job_id in wanted]
        Op(self, load).success(lambda loaded: self._draw(loaded) if generation == self._generation else None) \
            .run_in_background()

    def _draw(self, loaded: list[tuple[str, list[dict]]]) -> None:
        self.plot.clear()
        self.series.clear()
        for index, (label, metrics) in enumerate(loaded):
            color = COLORS[index % len(COLORS)]
            for name, style in (("loss", None), ("val_loss", pg.QtCore.Qt.PenStyle.DashLine)):
                points = sorted((m["step"], m["value"]) for m in metrics if m["name"] == name)
                if not points:
                    continue
                steps, values = [p[0] for p in points], [p[1] for p in points]
                if name == "loss":
                    values = smoothed(values)
                pen = pg.mkPen(color, width=2, style=style) if style else pg.mkPen(color, width=2)
                title = label if name == "loss" else self.tr("%1 (validation)").replace("%1", label)
                self.plot.plot(steps, values, pen=pen, name=title,
                               symbol="o" if name == "val_loss" else None, symbolSize=5, symbolBrush=color)
                self.series[(label, name)] = (steps, values)
