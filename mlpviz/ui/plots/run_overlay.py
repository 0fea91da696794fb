"""Kept runs drawn over the live loss curve: faded, one colour per run.

Each overlaid run gets a train curve (solid) and a test curve (dashed) in a
faded colour of its own, and one legend entry naming what sets it apart from
the live run and the other overlaid runs ("η 0.1"). Its losses sit in a
:class:`~mlpviz.ui.plots.loss_store.LossStore` of their own, so a redraw
hands pyqtgraph only the bins covering the view, like the live curve's.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

from mlpviz.engine.run_record import KEPT_RECENT, RunRecord
from mlpviz.ui.plots.loss_store import LossStore
from mlpviz.ui.style import theme

FADE_ALPHA = 150  # of 255: clearly behind the live curve, still readable
# The live run's colours are the theme's train blue and test orange; runs take
# the Okabe-Ito colours that stand apart from both (green first, then pink …).
_PALETTE = [theme.SERIES[i] for i in (2, 3, 4, 7, 1)]


def run_colour(index: int) -> QColor:
    """The faded colour of the ``index``-th overlaid run."""
    c = QColor(_PALETTE[index % len(_PALETTE)])
    c.setAlpha(FADE_ALPHA)
    return c


class RunOverlay:
    """The overlaid runs' curves on ``plot_item``, listed in ``legend``."""

    def __init__(self, plot_item: pg.PlotItem, legend: pg.LegendItem) -> None:
        self.plot_item, self.legend = plot_item, legend
        self._runs: list[RunRecord] = []
        self._stores: list[LossStore] = []
        self.curves: list[tuple[pg.PlotDataItem, pg.PlotDataItem]] = []
        self.labels: list[str] = []

    def __len__(self) -> int:
        return len(self._runs)

    @property
    def runs(self) -> list[RunRecord]:
        return list(self._runs)

    @property
    def extent(self) -> int:
        """The most epochs of any overlaid run (0 with none)."""
        return max((r.epochs for r in self._runs), default=0)

    def set_runs(self, runs: Sequence[RunRecord], labels: Sequence[str]) -> None:
        """Overlay ``runs`` (replacing the previous ones), named ``labels`` in the legend."""
        for train, test in self.curves:
            self.legend.removeItem(train)
            self.plot_item.removeItem(train)
            self.plot_item.removeItem(test)
        self._runs, self.labels, self._stores, self.curves = list(runs), list(labels), [], []
        for i, (run, label) in enumerate(zip(self._runs, self.labels, strict=True)):
            store = LossStore(recent=KEPT_RECENT)
            test = np.full(run.train.size, np.nan)
            test[: run.test.size] = run.test
            store.write(run.archive.end, run.train, test, run.archive)
            self._stores.append(store)
            colour = run_colour(i)
            train_item = pg.PlotDataItem(
                pen=pg.mkPen(colour, width=1), connect="finite", antialias=True
            )
            dashed = pg.mkPen(colour, width=1)
            dashed.setDashPattern([6, 3])
            test_item = pg.PlotDataItem(pen=dashed, connect="finite", antialias=True)
            for item in (train_item, test_item):
                item.setZValue(-1)  # behind the live curves
                self.plot_item.addItem(item)
            self.legend.addItem(train_item, label or run.label)
            self.curves.append((train_item, test_item))

    def redraw(self, x0: float, x1: float, budget: int) -> np.ndarray:
        """Hand each curve the bins covering epochs [x0, x1]; returns every y drawn
        (for the range to follow)."""
        ys = [np.empty(0)]
        for store, (train_item, test_item) in zip(self._stores, self.curves, strict=True):
            for name, item in (("train", train_item), ("test", test_item)):
                x, y = store.view(name, x0, x1, budget)
                item.setData(x, y)
                ys.append(y)
        return np.concatenate(ys)
