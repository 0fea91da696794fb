"""The live loss curve: train and test loss per epoch.

Snapshots arrive far more often than a screen can show them, and a run can
last 10⁶ epochs, so this widget separates *storing* from *drawing*:
:meth:`LossPlot.append` only copies the new values into growing arrays and
marks the plot dirty; :meth:`LossPlot.refresh` (the app's 30 Hz timer, or the
widget's own via :meth:`LossPlot.start_refresh`) redraws at most once per
tick. Each redraw hands pyqtgraph only the bins that cover the visible range
(see :mod:`mlpviz.ui.plots.series`), so its cost does not grow with the run.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QColor
from PySide6.QtWidgets import QCheckBox, QVBoxLayout, QWidget

from mlpviz.ui.plots.follow import follow_range
from mlpviz.ui.plots.loss_store import LossStore
from mlpviz.ui.plots.run_overlay import RunOverlay
from mlpviz.ui.style import theme
from mlpviz.ui.style.numbers import format_number
from mlpviz.ui.style.plot_style import (
    AXIS_LINE,
    BACKGROUND,
    GRID_ALPHA,
    ValueAxis,
    header_row,
    paint_white,
    set_axis_label,
    style_plot_item,
)
from mlpviz.ui.widgets.steady import set_steady_text

DEFAULT_LOSS_NAME = "loss ½Σ(y−z)²"
# Bins per visible pixel handed to pyqtgraph: two keeps the envelope exact
# at screen resolution while a redraw stays a few thousand points.
_BINS_PER_PIXEL = 2


class LossPlot(QWidget):
    """Train (solid) and test (dashed) loss per epoch, with log scale and a hover readout.

    Feed it with :meth:`append` (a :class:`~mlpviz.ui.training.snapshot.Snapshot` or the
    raw ``loss_start, new_losses, new_test_losses``); call :meth:`refresh`
    periodically or let :meth:`start_refresh` do it.
    """

    def __init__(self, parent: QWidget | None = None, loss_name: str = DEFAULT_LOSS_NAME):
        super().__init__(parent)
        paint_white(self)
        self._store = LossStore()
        self._has_test = False
        self._dirty = False
        self._hover_epoch: int | None = None

        row, self.title_label, self.readout = header_row("Loss")
        self.log_check = QCheckBox("Log scale")
        self.log_check.setToolTip("Logarithmic loss axis: shows progress once the loss is small")
        self.follow_check = QCheckBox("Follow")
        self.follow_check.setChecked(True)
        self.follow_check.setToolTip(
            "Keep the whole curve in view as it grows (panning or zooming turns this off)"
        )
        row.addWidget(self.log_check)
        row.addWidget(self.follow_check)

        self.plot_widget = pg.PlotWidget(
            background=BACKGROUND, axisItems={"left": ValueAxis("left")}
        )
        self.plot_item: pg.PlotItem = self.plot_widget.getPlotItem()
        style_plot_item(self.plot_item)
        self.plot_item.showGrid(x=True, y=True, alpha=GRID_ALPHA)
        # We already hand over about two bins per pixel; these stay on as a
        # safety net for the moment between a zoom and the next redraw.
        self.plot_item.setDownsampling(auto=True, mode="peak")
        self.plot_item.setClipToView(True)
        set_axis_label(self.plot_item, "bottom", "epoch")
        self.legend = self.plot_item.addLegend(
            offset=(-10, 10),
            labelTextColor=theme.TEXT,
            brush=pg.mkBrush(255, 255, 255, 220),
            pen=pg.mkPen(AXIS_LINE),
        )
        # 1 px (cosmetic) pens on purpose: Qt strokes wider antialiased pens
        # through its path stroker, which costs 100 ms to over a second per
        # frame once a noisy curve's min/max envelope zigzags densely; 1 px
        # lines take the fast path and stay a few milliseconds.
        self.train_curve = self.plot_item.plot(
            name="train", pen=pg.mkPen(theme.TRAIN, width=1), connect="finite", antialias=True
        )
        # The test curve joins the legend only once a test loss exists.
        test_pen = pg.mkPen(theme.TEST, width=1)
        test_pen.setDashPattern([6, 3])  # Qt's DashLine (4, 2) reads as dotted at 1 px
        self.test_curve = pg.PlotDataItem(pen=test_pen, connect="finite", antialias=True)
        self.plot_item.addItem(self.test_curve)
        self.overlay = RunOverlay(self.plot_item, self.legend)  # kept runs, faded

        self._cursor = pg.InfiniteLine(
            angle=90, movable=False, pen=pg.mkPen(theme.MUTED, width=1, style=Qt.PenStyle.DotLine)
        )
        self._cursor.hide()
        self.plot_item.addItem(self._cursor, ignoreBounds=True)
        self._hover_dots = pg.PlotDataItem(pen=None, symbol="o", symbolSize=8, antialias=True)
        self._hover_dots.setZValue(10)
        self.plot_item.addItem(self._hover_dots, ignoreBounds=True)
        # Rate-limit hover handling; threadSafe=False gives a plain QTimer we can stop.
        self._mouse_proxy = pg.SignalProxy(
            self.plot_item.scene().sigMouseMoved,
            rateLimit=60,
            slot=self._on_mouse_moved,
            threadSafe=False,
        )

        # Periodic redraw, owned by the widget so it dies with it.
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.refresh)
        # Pans and zooms need other bins; coalesce a burst of them into one redraw.
        self._view_timer = QTimer(self)
        self._view_timer.setSingleShot(True)
        self._view_timer.setInterval(15)
        self._view_timer.timeout.connect(self._redraw)

        vb = self.plot_item.getViewBox()
        vb.sigXRangeChanged.connect(self._on_x_range_changed)
        vb.sigResized.connect(self._view_timer.start)
        vb.sigRangeChangedManually.connect(self._on_manual_range)
        self.log_check.toggled.connect(self._on_log_toggled)
        self.follow_check.toggled.connect(self._on_follow_toggled)

        self._frame_empty()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.plot_widget, 1)
        self.set_loss_name(loss_name)

    # ------------------------------------------------------------------ data

    def __len__(self) -> int:
        """Epochs shown (those folded into envelopes included)."""
        return len(self._store)

    @property
    def train_losses(self) -> np.ndarray:
        """The train losses held exactly, from epoch :attr:`exact_from` on
        (read-only view; NaN where non-finite)."""
        return self._store.values("train")

    @property
    def test_losses(self) -> np.ndarray:
        """The test losses, aligned with :attr:`train_losses` (NaN = none)."""
        return self._store.values("test")

    @property
    def exact_from(self) -> int:
        """The first epoch held exactly; earlier ones are min/max envelopes."""
        return self._store.offset + 1

    @property
    def store(self) -> LossStore:
        return self._store

    def append(self, start, new_losses=None, new_test_losses=None, archive=None) -> None:
        """Store a block of losses; the block's first is the loss after epoch ``start + 1``.

        Accepts a snapshot (uses its ``loss_start``, ``new_losses`` and
        ``new_test_losses``) or the three values. A ``start`` below the current
        length means the history was rewound or reset: the curve is cut back
        to ``start`` first. An ``archive`` (the trainer's envelopes of epochs
        1..start) replaces what is shown before ``start``. Only marks the plot
        dirty; drawing waits for :meth:`refresh`.
        """
        if not isinstance(start, (int, np.integer)):
            snap = start
            start, new_losses, new_test_losses, archive = (
                snap.loss_start,
                snap.new_losses,
                snap.new_test_losses,
                snap.loss_archive,
            )
        start = int(start)
        train = np.asarray(new_losses if new_losses is not None else (), dtype=float).ravel()
        if train.size == 0 and start >= len(self._store) and archive is None:
            return
        # Keep both series the same length: a missing test value is a NaN gap.
        test = np.full(train.size, np.nan)
        if new_test_losses is not None:
            given = np.asarray(new_test_losses, dtype=float).ravel()[: train.size]
            test[: given.size] = given
        self._store.write(start, train, test, archive)
        if not self._has_test and (
            np.isfinite(test).any() or np.isfinite(self._store.archive.mins["tests"]).any()
        ):
            self._has_test = True
            self.legend.addItem(self.test_curve, "test")
        self._dirty = True

    def clear(self) -> None:
        """Forget every loss (new run or reset) and show an empty plot."""
        self._store.clear()
        if self._has_test:
            self.legend.removeItem(self.test_curve)
            self._has_test = False
        self._set_hover(None)
        self.set_follow(True)
        self._dirty = True
        self.refresh()
        self._frame_empty()

    def show_runs(self, runs, labels, live_label: str = "") -> None:
        """Overlay kept ``runs`` named ``labels``; ``live_label`` tells the live run apart."""
        self.overlay.set_runs(runs, labels)
        self.legend.getLabel(self.train_curve).setText(
            f"train · {live_label}" if live_label else "train"
        )
        self._dirty = True
        self.refresh()

    # ------------------------------------------------------------ drawing

    @property
    def dirty(self) -> bool:
        """True while stored data has not been drawn yet."""
        return self._dirty

    def refresh(self) -> bool:
        """Redraw if new data arrived since the last redraw; returns whether it drew."""
        if not self._dirty:
            return False
        self._redraw()
        return True

    def start_refresh(self, hz: float = 30.0) -> None:
        """Redraw from the widget's own timer at ``hz`` (instead of the app's timer)."""
        self._timer.start(max(1, round(1000.0 / hz)))

    def stop_refresh(self) -> None:
        self._timer.stop()

    @property
    def refreshing(self) -> bool:
        return self._timer.isActive()

    def _redraw(self) -> None:
        self._dirty = False
        n = max(len(self._store), self.overlay.extent)
        vb = self.plot_item.getViewBox()
        if self.following:
            # Autorange is about to show everything; the current range is stale.
            x0, x1 = 0.0, float(n)
        else:
            lo, hi = vb.viewRange()[0]
            # One extra view width on each side keeps a pan smooth until the
            # follow-up redraw (triggered by the range change) arrives.
            span = hi - lo
            x0, x1 = lo - span, hi + span
        width = vb.width() if vb.width() > 50 else 800.0
        budget = int(width * _BINS_PER_PIXEL)
        # The view range is the visible part, (x0, x1) adds margins: scale the budget.
        if not self.following:
            budget *= 3
        # The loss after epoch e is drawn at x = e, so the plot, its readout
        # and the status bar name the same epoch.
        tx, ty = self._store.view("train", x0, x1, budget)
        self.train_curve.setData(tx, ty)
        if self._has_test:
            sx, sy = self._store.view("test", x0, x1, budget)
            self.test_curve.setData(sx, sy)
        else:
            sy = np.empty(0)
            self.test_curve.setData(np.empty(0), np.empty(0))
        oy = self.overlay.redraw(x0, x1, budget)
        if self.following and n:
            self._follow(n, np.concatenate([ty, sy, oy]))
        self._update_readout()

    def _follow(self, n: int, ys: np.ndarray) -> None:
        """Keep everything in view, moving the range only when the data leave it
        (see :func:`mlpviz.ui.plots.follow.follow_range`)."""
        vb = self.plot_item.getViewBox()
        ranges = follow_range(n, ys, self.log_scale, tuple(map(tuple, vb.viewRange())))
        if ranges is not None:
            vb.setRange(xRange=ranges[0], yRange=ranges[1], padding=0)

    def _frame_empty(self) -> None:
        # With no data auto-range has nothing to fit and pyqtgraph would show
        # fractional epochs (0.2, 0.4 …); a whole-number frame looks intended.
        self.plot_item.getViewBox().setRange(
            xRange=(0, 10), yRange=(0, 1), padding=0, disableAutoRange=True
        )

    def _on_x_range_changed(self, *_args) -> None:
        # Under Follow the data already spans everything (and the range
        # changes *because* we drew); only other ranges need other bins.
        if not self.following:
            self._view_timer.start()

    # ---------------------------------------------------------- options

    def set_loss_name(self, name: str) -> None:
        """Label of the loss axis, e.g. "loss ½Σ(y−z)²" or "cross-entropy"."""
        self._loss_name = name
        set_axis_label(self.plot_item, "left", name)

    @property
    def loss_name(self) -> str:
        return self._loss_name

    def set_log_scale(self, on: bool) -> None:
        self.log_check.setChecked(on)

    @property
    def log_scale(self) -> bool:
        return self.log_check.isChecked()

    def _on_log_toggled(self, on: bool) -> None:
        self.plot_item.setLogMode(x=False, y=on)
        # A y range picked in linear units means nothing in log units: refit.
        self.set_follow(True)
        self._dirty = True

    def set_follow(self, on: bool) -> None:
        """Keep the whole curve in view (auto-range) as it grows."""
        if self.follow_check.isChecked() != on:
            self.follow_check.setChecked(on)  # its toggled signal applies it
        else:
            self._on_follow_toggled(on)  # re-apply: refit even if already following

    @property
    def following(self) -> bool:
        return self.follow_check.isChecked()

    def _on_follow_toggled(self, on: bool) -> None:
        vb = self.plot_item.getViewBox()
        # Following sets the range itself (see _follow), never pyqtgraph's auto-range.
        vb.disableAutoRange()
        self._dirty = True

    def _on_manual_range(self, *_args) -> None:
        # pyqtgraph already turned auto-range off; mirror that in the toggle.
        self.follow_check.blockSignals(True)
        self.follow_check.setChecked(False)
        self.follow_check.blockSignals(False)
        self._view_timer.start()

    # ------------------------------------------------------------- hover

    def readout_text(self, epoch: int | None = None) -> str:
        """ "epoch N · train … · test …": the losses after ``epoch`` epochs (default: latest)."""
        n = len(self._store)
        if n == 0:
            return ""
        epoch = n if epoch is None else min(max(int(epoch), 1), n)
        names = ("train", "test") if self._has_test else ("train",)
        parts = [f"{name} {self._value_text(name, epoch)}" for name in names]
        return " · ".join([f"epoch {epoch:,}", *parts])

    def _value_text(self, name: str, epoch: int) -> str:
        spread = self._store.spread(name, epoch)
        if spread is None:
            return _loss_text(self._store.value(name, epoch))
        # An archived epoch: only its bucket's range is known.
        return f"{_loss_text(spread[0])}–{_loss_text(spread[1])}"

    def _on_mouse_moved(self, event) -> None:
        """Hover handler (via SignalProxy, which passes a one-tuple of the scene point)."""
        pos = event[0] if isinstance(event, (tuple, list)) else event
        vb = self.plot_item.getViewBox()
        n = len(self._store)
        if n == 0 or not vb.sceneBoundingRect().contains(pos):
            self._set_hover(None)
            return
        x = vb.mapSceneToView(QPointF(pos)).x()
        self._set_hover(min(max(round(x), 1), n))

    def _set_hover(self, epoch: int | None) -> None:
        self._hover_epoch = epoch
        if epoch is None:
            self._cursor.hide()
            self._hover_dots.setData(np.empty(0), np.empty(0))
        else:
            self._cursor.setValue(epoch)
            self._cursor.show()
            ys = [self._store.value("train", epoch)]
            brushes = [pg.mkBrush(theme.TRAIN)]
            if self._has_test:
                ys.append(self._store.value("test", epoch))
                brushes.append(pg.mkBrush(theme.TEST))
            keep = [i for i, y in enumerate(ys) if math.isfinite(y)]
            self._hover_dots.setData(
                np.full(len(keep), float(epoch)),
                np.array([ys[i] for i in keep]),
                symbolBrush=[brushes[i] for i in keep],
                symbolPen=pg.mkPen(QColor(255, 255, 255), width=1.5),
            )
        self._update_readout()

    def _update_readout(self) -> None:
        set_steady_text(self.readout, self.readout_text(self._hover_epoch))

    def leaveEvent(self, event) -> None:
        # The scene reports no "mouse left"; without this the cursor would stay.
        self._set_hover(None)
        super().leaveEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.stop_refresh()
        self._view_timer.stop()
        self._mouse_proxy.timer.stop()
        super().closeEvent(event)


def _loss_text(value: float) -> str:
    """A stored loss for the readout; the series store gaps and non-finite losses as NaN,
    which reads as missing ("—")."""
    return format_number(None if np.isnan(value) else value, style="significant")
