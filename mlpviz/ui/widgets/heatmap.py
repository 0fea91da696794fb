"""The shared heatmap widget behind the surface views.

A colour-mapped grid (pg.ImageItem) with iso-lines, a colour bar, a hover
readout and a hint page for "nothing to show yet". It only draws: the grids
arrive precomputed from the worker.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QFontMetrics, QPainter
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from mlpviz.ui.style import theme
from mlpviz.ui.style.numbers import format_number
from mlpviz.ui.style.plot_style import (
    AXIS_LINE,
    BACKGROUND,
    header_row,
    hint_label,
    log_ticks,
    paint_white,
    set_axis_label,
    style_plot_item,
    value_label,
)

LOSS_CMAP = "viridis"  # perceptually uniform, readable in grey and by colour-blind users


def cell_rect(xs: np.ndarray, ys: np.ndarray) -> QRectF:
    """The rectangle that centres image pixel (i, j) on the sample (xs[i], ys[j]).

    Grids are evenly spaced samples, so each pixel reaches half a step beyond
    its sample; a one-sample axis gets a unit width so the image stays visible.
    """

    def span(v: np.ndarray) -> tuple[float, float]:
        v = np.asarray(v, dtype=float)
        step = (v[-1] - v[0]) / (v.size - 1) if v.size > 1 else 1.0
        step = step if step != 0 else 1.0
        return float(v[0] - step / 2), float(v[-1] - v[0] + step)

    # Samples near ±1e308 (weights typed in at the float limit) overflow to
    # an infinite rectangle, which the caller declines to frame.
    with np.errstate(over="ignore", invalid="ignore"):
        x0, w = span(xs)
        y0, h = span(ys)
    return QRectF(x0, y0, w, h)


def finite_range(values: np.ndarray) -> tuple[float, float]:
    """(min, max) of the finite entries, widened when flat so colour levels stay valid."""
    values = np.asarray(values, dtype=float)
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return 0.0, 1.0
    lo, hi = float(finite.min()), float(finite.max())
    return (lo, hi) if hi > lo else (lo - 0.5, hi + 0.5)


class HeatmapPlot(QWidget):
    """A colour-mapped grid with iso-lines, a colour bar, a hover readout and a hint page.

    The common base of the surface views; subclasses add their overlays and
    call :meth:`_set_heatmap` / :meth:`_show_hint`.
    """

    def __init__(self, title: str, hint: str, parent: QWidget | None = None):
        super().__init__(parent)
        paint_white(self)
        row, self.title_label, self.readout = header_row(title)
        self.hint = hint_label(hint)

        self.view = pg.GraphicsLayoutWidget()
        self.view.setBackground(BACKGROUND)
        # Bilinear filtering turns the coarse grid (41×41) into a smooth field
        # that agrees with the interpolated iso-lines instead of showing blocks.
        self.view.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        self.view.ci.setContentsMargins(2, 6, 2, 2)
        self.plot_item: pg.PlotItem = self.view.addPlot()
        style_plot_item(self.plot_item)
        self.plot_item.setMenuEnabled(False)
        # Pinned to col-major so grid[i, j] lands at x = i, y = j whatever
        # global imageAxisOrder another module may have configured.
        self.image = pg.ImageItem(axisOrder="col-major")
        self.plot_item.addItem(self.image)
        self.contours = pg.PlotCurveItem(
            connect="pairs", pen=pg.mkPen(255, 255, 255, 110, width=1), antialias=True
        )
        self.plot_item.addItem(self.contours)
        self.colorbar = pg.ColorBarItem(
            colorMap=LOSS_CMAP, interactive=False, width=12, colorMapMenu=False
        )
        self.colorbar.setImageItem(self.image, insert_in=self.plot_item)
        for side in ("left", "right", "top", "bottom"):
            axis = self.colorbar.getAxis(side)
            axis.setPen(pg.mkPen(AXIS_LINE))
            axis.setTextPen(pg.mkPen(theme.TEXT))
        # ColorBarItem fixes its axis at 45 px, too narrow for tick labels such
        # as 0.002 and the title beside them: the title would cover the
        # labels. Sized by its content instead, with room for such labels from
        # the start, so the plot doesn't shift when they first appear.
        width = QFontMetrics(self.readout.font()).horizontalAdvance("0.0005") + 4
        self.colorbar.axis.setStyle(tickFont=self.readout.font(), tickTextWidth=width)
        self.colorbar.axis.setWidth(None)

        self.plot_page = QWidget()
        page = QVBoxLayout(self.plot_page)
        page.setContentsMargins(0, 0, 0, 0)
        page.setSpacing(2)
        page.addWidget(self.view, 1)
        self.body = QStackedWidget()
        self.body.addWidget(self.hint)
        self.body.addWidget(self.plot_page)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.body, 1)

        self._xs = np.empty(0)
        self._ys = np.empty(0)
        self._values = np.empty((0, 0))
        self._names = ("x", "y", "value")
        self._axis_labels: tuple[str, str] | None = None
        self._rect: QRectF | None = None
        self._mouse_proxy = pg.SignalProxy(
            self.plot_item.scene().sigMouseMoved,
            rateLimit=30,
            slot=self._on_mouse_moved,
            threadSafe=False,
        )

    @property
    def showing_hint(self) -> bool:
        return self.body.currentWidget() is self.hint

    def _show_hint(self) -> None:
        self.body.setCurrentWidget(self.hint)
        self.readout.setText("")
        self._rect = None

    def _set_heatmap(
        self,
        xs: np.ndarray,
        ys: np.ndarray,
        shown: np.ndarray,
        levels: tuple[float, float],
        values: np.ndarray | None = None,
    ) -> None:
        """Draw ``shown[i, j]`` at (xs[i], ys[j]) coloured over ``levels``.

        ``values`` (default ``shown``) is what the hover readout reports, for
        when the colours show a transform such as log₁₀.
        """
        self.body.setCurrentWidget(self.plot_page)
        self._xs = np.asarray(xs, dtype=float)
        self._ys = np.asarray(ys, dtype=float)
        self._values = np.asarray(shown if values is None else values, dtype=float)
        self.image.setImage(shown, autoLevels=False, levels=levels)
        rect = cell_rect(self._xs, self._ys)
        self.image.setRect(rect)
        self.colorbar.setLevels(levels)
        corners = (rect.left(), rect.right(), rect.top(), rect.bottom())
        if rect != self._rect and all(math.isfinite(c) for c in corners):
            # A new region (the worker re-centres its grid): frame it. An
            # unchanged one keeps whatever zoom the user chose. (A region
            # wider than the float range — weights typed in near ±1e308 —
            # cannot be framed; pyqtgraph would raise.)
            self._rect = rect
            self.plot_item.getViewBox().setRange(rect, padding=0)

    def _set_axis_names(self, x_label: str, y_label: str, x_name: str, y_name: str) -> None:
        # Setting a label, even the same one, makes pyqtgraph regenerate the
        # axis: only when it changes (surfaces arrive twice a second).
        if (x_label, y_label) != self._axis_labels:
            self._axis_labels = (x_label, y_label)
            set_axis_label(self.plot_item, "bottom", x_label)
            set_axis_label(self.plot_item, "left", y_label)
        self._names = (x_name, y_name, self._names[2])

    def _set_value_name(self, name: str) -> None:
        self._names = (self._names[0], self._names[1], name)
        self.colorbar.axis.setLabel(name, color=theme.TEXT.name())

    def _set_colorbar_log_ticks(self, levels: tuple[float, float] | None) -> None:
        """Label a log₁₀-coloured bar with loss values (0.01, 0.1 …), not exponents."""
        axis = self.colorbar.axis
        if levels is None:
            axis.setTicks(None)
            return
        major, minor = log_ticks(levels[0], levels[1], 8)
        axis.setTicks([[(v, value_label(10.0**v)) for v in major], [(v, "") for v in minor]])

    def readout_text(self, x: float, y: float) -> str:
        """ "a = … · b = … · loss …" at the grid sample nearest to (x, y)."""
        if self._values.size == 0:
            return ""
        i = int(np.abs(self._xs - x).argmin())
        j = int(np.abs(self._ys - y).argmin())
        xn, yn, vn = self._names
        x_text, y_text, v_text = (
            format_number(v, style="significant")
            for v in (self._xs[i], self._ys[j], self._values[i, j])
        )
        return f"{xn} = {x_text} · {yn} = {y_text} · {vn} {v_text}"

    def _on_mouse_moved(self, event) -> None:
        pos = event[0] if isinstance(event, (tuple, list)) else event
        vb = self.plot_item.getViewBox()
        if self._rect is None or not vb.sceneBoundingRect().contains(pos):
            self.readout.setText("")
            return
        p = vb.mapSceneToView(QPointF(pos))
        inside = self._rect.contains(p)
        self.readout.setText(self.readout_text(p.x(), p.y()) if inside else "")

    def closeEvent(self, event) -> None:
        self._mouse_proxy.timer.stop()
        super().closeEvent(event)
