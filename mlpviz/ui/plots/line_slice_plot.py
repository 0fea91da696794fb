"""The "Line slice" tab: the loss on the straight line from the initial to the current weights.

Goodfellow, Vinyals & Saxe (2015): w(α) = w₀ + α·(w₁ − w₀), α from −0.5 to
1.5, evaluated exactly (no projection). The path's own recorded points are
drawn as dots at the α of their projection onto the line, with their own
losses: where the dots sit above the curve, training took a detour the line
does not. The worker computes everything (a
:class:`~mlpviz.ui.training.snapshot.LineSlice`); this widget only draws it.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from mlpviz.ui.style import theme
from mlpviz.ui.style.numbers import format_number
from mlpviz.ui.style.plot_style import (
    AXIS_LINE,
    BACKGROUND,
    header_row,
    hint_label,
    note_label,
    paint_white,
    set_axis_label,
    style_plot_item,
)
from mlpviz.ui.training.snapshot import LineSlice

__all__ = ["LineSlicePlot"]

HINT = "The line from the initial to the current weights appears here once the weights have moved"
NOTE = (
    "Exact, no projection: the loss at w₀ + α·(w₁ − w₀), w₀ the initial and w₁ the current "
    "weights (Goodfellow et al. 2015). Dots: the recorded path at its projection onto the line."
)
LOG_RATIO = 100.0  # a loss spanning this ratio is drawn on a log axis
LINE = theme.SERIES[0]
DOTS = theme.SERIES[1]
_LABEL = {"position": 0.92, "color": theme.MUTED, "movable": False}


class LineSlicePlot(QWidget):
    """The loss along the line, with the path's own losses as dots."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        paint_white(self)
        self._surface: LineSlice | None = None
        row, self.title_label, self.readout = header_row("Loss along the straight line")
        self.view = pg.PlotWidget(background=BACKGROUND)
        self.plot_item = self.view.getPlotItem()
        style_plot_item(self.plot_item)
        self.plot_item.setMenuEnabled(False)
        self.plot_item.showGrid(x=True, y=True, alpha=0.18)
        set_axis_label(self.plot_item, "bottom", "α   (0 = initial weights, 1 = now)")
        set_axis_label(self.plot_item, "left", "loss")
        self.curve = self.plot_item.plot(pen=pg.mkPen(LINE, width=2), antialias=True)
        # A PlotDataItem, not a bare ScatterPlotItem: only the former follows
        # the plot's log axis (a bare scatter would put 0.04 at 10^0.04).
        self.dots = self.plot_item.plot(
            pen=None,
            symbol="o",
            symbolSize=7,
            symbolPen=pg.mkPen("w", width=1),
            symbolBrush=pg.mkBrush(DOTS),
            antialias=True,
        )
        self.dots.setZValue(5)
        dashed = pg.mkPen(AXIS_LINE.darker(130), width=1, style=Qt.PenStyle.DashLine)
        self.marks = [
            pg.InfiniteLine(pos=a, angle=90, pen=dashed, label=text, labelOpts=_LABEL)
            for a, text in ((0.0, "start"), (1.0, "now"))
        ]
        for mark in self.marks:
            self.plot_item.addItem(mark, ignoreBounds=True)
        self.legend = self.plot_item.addLegend(
            offset=(-8, 8), labelTextColor=theme.TEXT, brush=pg.mkBrush(255, 255, 255, 235)
        )
        self.legend.addItem(self.curve, "loss on the line")
        self.legend.addItem(self.dots, "path's own loss")
        self.hint = hint_label(HINT)
        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addWidget(self.view, 1)
        page_layout.addWidget(note_label(NOTE))
        self.body = QStackedWidget()
        self.body.addWidget(self.hint)
        self.body.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.body, 1)
        self.log = False

    @property
    def surface(self) -> LineSlice | None:
        return self._surface

    @property
    def showing_hint(self) -> bool:
        return self.body.currentWidget() is self.hint

    def update_surface(self, line: LineSlice | None) -> None:
        """Show ``line`` (None: the hint that the weights have not moved yet)."""
        if line is self._surface and (line is None) == self.showing_hint:
            return
        self._surface = line
        if line is None:
            self.body.setCurrentWidget(self.hint)
            self.readout.setText("")
            return
        self.body.setCurrentIndex(1)
        losses = np.asarray(line.losses, dtype=float)
        both = np.concatenate([losses, np.asarray(line.path_losses, dtype=float)])
        finite = both[np.isfinite(both)]
        log = bool(finite.size and finite.min() > 0 and finite.max() / finite.min() >= LOG_RATIO)
        if log != self.log:
            self.log = log
            self.plot_item.setLogMode(y=log)
        self.curve.setData(line.alphas, losses)
        self.dots.setData(line.path_alphas, line.path_losses)
        low = int(np.nanargmin(losses)) if np.isfinite(losses).any() else 0
        self.readout.setText(
            f"‖w₁ − w₀‖ = {format_number(line.distance, style='significant')} · "
            f"lowest on the line at α = {line.alphas[low]:.2f} · "
            f"{len(line.path_alphas)} path points"
        )
        self.plot_item.enableAutoRange()
