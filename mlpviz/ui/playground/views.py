"""What the optimizer playground draws: the contour view and the optional 3-D view.

:class:`ContourView` shows the function's contour with every racer's path,
current point and −∇f / momentum arrows (:func:`arrow_segments`), and lets a
click move the start. :class:`SurfaceView` shows the function as a 3-D surface
when OpenGL works (:func:`opengl_problem` says why it does not). Both only draw
what the :class:`~mlpviz.ui.playground.worker.PlaygroundWorker` sends.
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtWidgets import QSizePolicy, QStackedWidget, QWidget

from mlpviz.playground.race import RaceSnapshot
from mlpviz.playground.testfunctions import TestFunction
from mlpviz.ui.playground.worker import ContourGrid
from mlpviz.ui.style import theme
from mlpviz.ui.style.plot_style import hint_label, log_ticks, value_label
from mlpviz.ui.widgets.heatmap import HeatmapPlot

ARROW_FRACTION = 0.12  # the longest arrow, as a fraction of the box diagonal
# Light and low-contrast, so the coloured racers stand out; low values are white.
CONTOUR_CMAP = pg.ColorMap(
    [0.0, 0.35, 0.7, 1.0],
    [(255, 255, 255), (222, 230, 240), (170, 186, 208), (112, 128, 156)],
)


@cache
def opengl_problem() -> str | None:
    """Why the 3-D view cannot work here, or None when it can.

    Checked once: pyqtgraph.opengl needs PyOpenGL, and a context must really be
    creatable (headless sessions and remote desktops often cannot).
    """
    try:
        import pyqtgraph.opengl  # noqa: F401
    except Exception as e:  # ImportError, or a broken GL library raising anything
        return f"pyqtgraph's 3-D module could not be loaded ({e}). Install PyOpenGL to enable it."
    if QGuiApplication.platformName() in ("offscreen", "minimal", "vnc"):
        return f"there is no OpenGL display (Qt platform “{QGuiApplication.platformName()}”)."
    try:
        from PySide6.QtGui import QOffscreenSurface, QOpenGLContext

        context = QOpenGLContext()
        if not context.create():
            return "an OpenGL context could not be created."
        surface = QOffscreenSurface()
        surface.create()
        ok = context.makeCurrent(surface)
        context.doneCurrent()
        return None if ok else "the OpenGL context could not be made current."
    except Exception as e:  # pragma: no cover - depends on the graphics driver
        return f"OpenGL failed to start ({e})."


def arrow_segments(p, v, length: float, head: float) -> np.ndarray:
    """Shaft and two barbs of an arrow from ``p`` along ``v``: (6, 2) point pairs."""
    norm = float(np.hypot(*v))
    if not math.isfinite(norm) or norm == 0 or length <= 0:
        return np.empty((0, 2))
    u = np.asarray(v, dtype=float) / norm
    tip = np.asarray(p, dtype=float) + length * u
    barbs = []
    for angle in (0.45, -0.45):  # ±26°
        c, s = math.cos(angle), math.sin(angle)
        back = -np.array([c * u[0] - s * u[1], s * u[0] + c * u[1]])
        barbs += [tip, tip + min(head, 0.45 * length) * back]
    return np.array([p, tip, *barbs])


# -- the contour view ---------------------------------------------------------------------


class ContourView(HeatmapPlot):
    """The function's contour with every racer's path, current point and arrows."""

    startPicked = Signal(float, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Contour", "Computing the contour…", parent)
        self.title_label.setToolTip(
            "Click the contour to start the race there; "
            "drag to pan, wheel to zoom, double-click to fit."
        )
        self.colorbar.setColorMap(CONTOUR_CMAP)
        self.contours.setPen(pg.mkPen(60, 72, 96, 90, width=1))
        self.plot_item.getViewBox().setAspectLocked(True)
        self.plot_item.showGrid(x=False, y=False)
        self._set_axis_names("x", "y", "x", "y")
        self._set_value_name("f(x, y)")
        self.grid: ContourGrid | None = None
        self.show_gradient = True
        self.show_momentum = True
        self._items: dict[str, tuple[pg.PlotCurveItem, ...]] = {}
        self.minima = pg.ScatterPlotItem(
            symbol="star", size=13, pen=pg.mkPen(theme.TEXT, width=1), brush=pg.mkBrush("w")
        )
        self.start_marker = pg.ScatterPlotItem(
            size=13, pen=pg.mkPen(theme.TEXT, width=2), brush=pg.mkBrush(255, 255, 255, 230)
        )
        self.current = pg.ScatterPlotItem()
        for z, item in ((4, self.minima), (5, self.start_marker), (8, self.current)):
            item.setZValue(z)
            self.plot_item.addItem(item)
        # Beside the plot, not on it: the paths must stay visible wherever they go.
        self.legend = pg.LegendItem(
            offset=None, labelTextColor=theme.TEXT, labelTextSize="9pt", verSpacing=-8,
            frame=False,
        )  # fmt: skip
        self.view.ci.addItem(self.legend, row=0, col=1)
        self.legend.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.view.ci.layout.setAlignment(self.legend, Qt.AlignmentFlag.AlignTop)
        self.view.ci.layout.setColumnStretchFactor(0, 1)
        self._legend_key: tuple = ()
        self.plot_item.scene().sigMouseClicked.connect(self._clicked)

    def set_grid(self, grid: ContourGrid, function: TestFunction) -> None:
        self.grid = grid
        self.title_label.setText(f"{function.name}   f(x, y) = {function.formula}")
        self._set_heatmap(grid.xs, grid.ys, grid.shown, grid.levels, values=grid.values)
        self.contours.setData(grid.contour_x, grid.contour_y)
        if grid.log:
            major, minor = log_ticks(grid.levels[0], grid.levels[1], 8)
            label = lambda v: value_label(max(10.0**v + grid.offset, 0.0))  # noqa: E731
            self.colorbar.axis.setTicks([[(v, label(v)) for v in major], [(v, "") for v in minor]])
            self.colorbar.axis.setLabel("f(x, y), log scale", color=theme.TEXT.name())
        else:
            self.colorbar.axis.setTicks(None)
            self.colorbar.axis.setLabel("f(x, y)", color=theme.TEXT.name())
        self.minima.setData(pos=np.array(function.minima).reshape(-1, 2))
        self.fit()

    def fit(self) -> None:
        if self.grid is not None:
            xs, ys = self.grid.xs, self.grid.ys
            rect = QRectF(xs[0], ys[0], xs[-1] - xs[0], ys[-1] - ys[0])
            self.plot_item.getViewBox().setRange(rect, padding=0.02)

    def set_race(self, snap: RaceSnapshot, colours: dict[str, QColor], inspected: str = "") -> None:
        """Draw ``snap``; the ``inspected`` racer gets no arrows here (its next
        step is drawn in full by the internals overlay instead)."""
        self.start_marker.setData(pos=[snap.start])
        names = {r.name for r in snap.racers}
        for name in list(self._items):
            if name not in names:
                for item in self._items.pop(name):
                    self.plot_item.removeItem(item)
        spots = []
        diag = self.diagonal()
        g_ref = self.grid.grad_scale if self.grid is not None else 1.0
        longest, head = ARROW_FRACTION * diag, 0.025 * diag
        for r in snap.racers:
            colour = colours.get(r.name, QColor(theme.TEXT))
            path, grad, mom = self._racer_items(r.name, colour)
            path.setData(r.path[:, 0], r.path[:, 1])
            for item, vector, on in (
                (grad, r.gradient, self.show_gradient),
                (mom, r.momentum, self.show_momentum),
            ):
                seg = np.empty((0, 2))
                if on and vector is not None and r.status != "diverged" and r.name != inspected:
                    size = float(np.hypot(*vector))
                    # Never shorter than a quarter: the direction is the point, and
                    # in a valley |∇f| is tiny next to the box's typical slope.
                    visible = math.isfinite(size) and size > 1e-9 * g_ref
                    length = longest * (0.25 + 0.75 * size / (size + g_ref)) if visible else 0.0
                    seg = arrow_segments(r.point, -np.asarray(vector), length, head)
                item.setData(seg[:, 0], seg[:, 1])
            spots.append(
                {
                    "pos": tuple(r.point),
                    "brush": pg.mkBrush(colour),
                    "pen": pg.mkPen("w", width=1.5),
                    "size": 12 if r.status != "diverged" else 14,
                    "symbol": "x" if r.status == "diverged" else "o",
                }
            )
        self.current.setData(spots)
        self._update_legend(snap, colours)

    def _racer_items(self, name: str, colour: QColor) -> tuple[pg.PlotCurveItem, ...]:
        items = self._items.get(name)
        if items is None:
            path = pg.PlotCurveItem(antialias=True)
            grad = pg.PlotCurveItem(connect="pairs", antialias=True)
            mom = pg.PlotCurveItem(connect="pairs", antialias=True)
            for z, item in ((6, path), (7, grad), (7, mom)):
                item.setZValue(z)
                self.plot_item.addItem(item)
            items = self._items[name] = (path, grad, mom)
        path, grad, mom = items
        # Pens every time: a racer keeps its name but may change colour.
        path.setPen(pg.mkPen(colour, width=2))
        grad.setPen(pg.mkPen(colour.darker(140), width=2))
        mom.setPen(pg.mkPen(colour.darker(140), width=2, style=Qt.PenStyle.DotLine))
        return items

    def _update_legend(self, snap: RaceSnapshot, colours: dict[str, QColor]) -> None:
        key = tuple((r.name, colours.get(r.name, QColor()).name()) for r in snap.racers)
        key += (self.show_gradient, self.show_momentum, bool(self.minima.data.size))
        if key == self._legend_key:
            return
        self._legend_key = key
        self.legend.clear()
        for r in snap.racers:
            self.legend.addItem(self._items[r.name][0], r.name)
        self.legend.addItem(self.start_marker, "start (click to move)")
        if self.minima.data.size:
            self.legend.addItem(self.minima, "minimum")
        sample = pg.PlotDataItem(pen=pg.mkPen(theme.TEXT, width=2))
        if self.show_gradient:
            self.legend.addItem(sample, "−∇f arrow")
        if self.show_momentum:
            dotted = pg.PlotDataItem(pen=pg.mkPen(theme.TEXT, width=2, style=Qt.PenStyle.DotLine))
            self.legend.addItem(dotted, "momentum arrow")

    def diagonal(self) -> float:
        """The function box's diagonal (1 before the first grid)."""
        if self.grid is None:
            return 1.0
        return float(np.hypot(np.ptp(self.grid.xs), np.ptp(self.grid.ys)))

    def _clicked(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton or self.grid is None:
            return
        vb = self.plot_item.getViewBox()
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        if event.double():
            self.fit()
            return
        p = vb.mapSceneToView(QPointF(event.scenePos()))
        self.pick_start(p.x(), p.y())

    def pick_start(self, x: float, y: float) -> None:
        """Move the start to (x, y) if it lies inside the box."""
        if self.grid is None:
            return
        xs, ys = self.grid.xs, self.grid.ys
        if xs[0] <= x <= xs[-1] and ys[0] <= y <= ys[-1]:
            self.startPicked.emit(float(x), float(y))


# -- the optional 3-D view ------------------------------------------------------------------


class SurfaceView(QStackedWidget):
    """The function as a 3-D surface with the racers' paths, when OpenGL works.

    Without OpenGL (PyOpenGL missing, a headless session) it shows why
    instead; the rest of the playground does not depend on it.
    """

    SPAN = 10.0  # the box is drawn as SPAN × SPAN, the height as up to SPAN / 2

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.problem = opengl_problem()
        self.hint = hint_label(f"The 3-D view needs OpenGL: {self.problem}" if self.problem else "")
        self.addWidget(self.hint)
        self.view = None
        self._grid: ContourGrid | None = None
        self._lines: dict[str, object] = {}
        if self.problem is None:
            try:
                self._build()
            except Exception as e:  # pragma: no cover - needs a GL display
                self.problem = f"OpenGL failed to start ({e})."
                self.hint.setText(f"The 3-D view needs OpenGL: {self.problem}")
                self.view = None

    @property
    def available(self) -> bool:
        return self.view is not None

    def _build(self) -> None:  # pragma: no cover - needs a GL display
        import pyqtgraph.opengl as gl

        self.gl = gl
        self.view = gl.GLViewWidget()
        self.view.setBackgroundColor("w")
        self.view.setCameraPosition(distance=24, elevation=32, azimuth=-60)
        self.surface = gl.GLSurfacePlotItem(computeNormals=False, smooth=False, glOptions="opaque")
        self.view.addItem(self.surface)
        self.addWidget(self.view)
        self.setCurrentWidget(self.view)

    def _xyz(self, x, y, shown) -> np.ndarray:
        g = self._grid
        lo, hi = g.levels
        sx = (np.asarray(x) - g.xs[0]) / np.ptp(g.xs) - 0.5
        sy = (np.asarray(y) - g.ys[0]) / np.ptp(g.ys) - 0.5
        z = (np.asarray(shown) - lo) / (hi - lo)
        return np.column_stack([sx * self.SPAN, sy * self.SPAN, z * self.SPAN / 2])

    def set_grid(self, grid: ContourGrid) -> None:
        self._grid = grid
        if self.view is None:
            return
        try:  # pragma: no cover - needs a GL display
            step = max(1, len(grid.xs) // 80)
            xs, ys, shown = grid.xs[::step], grid.ys[::step], grid.shown[::step, ::step]
            lo, hi = grid.levels
            z = np.nan_to_num((shown - lo) / (hi - lo), nan=1.0, posinf=1.0, neginf=0.0)
            colours = CONTOUR_CMAP.map(np.clip(z, 0, 1).ravel(), mode="float")
            colours = np.asarray(colours).reshape(len(xs), len(ys), 4)
            px = (xs - xs[0]) / np.ptp(xs) * self.SPAN - self.SPAN / 2
            py = (ys - ys[0]) / np.ptp(ys) * self.SPAN - self.SPAN / 2
            self.surface.setData(x=px, y=py, z=z * self.SPAN / 2, colors=colours)
        except Exception as e:
            self._fail(e)

    def set_race(self, snap: RaceSnapshot, colours: dict[str, QColor]) -> None:
        if self.view is None or self._grid is None or not self.isVisible():
            return
        try:  # pragma: no cover - needs a GL display
            g = self._grid
            for name in set(self._lines) - {r.name for r in snap.racers}:
                self.view.removeItem(self._lines.pop(name))
            for r in snap.racers:
                with np.errstate(all="ignore"):
                    floor = 10.0 ** g.levels[0]
                    shown = np.log10(np.maximum(r.values - g.offset, floor)) if g.log else r.values
                pos = self._xyz(r.path[:, 0], r.path[:, 1], shown)
                pos[:, 2] += 0.05  # just above the surface
                line = self._lines.get(r.name)
                if line is None:
                    line = self._lines[r.name] = self.gl.GLLinePlotItem(width=2.5, antialias=True)
                    self.view.addItem(line)
                line.setData(pos=pos, color=colours.get(r.name, QColor("black")).getRgbF())
        except Exception as e:
            self._fail(e)

    def _fail(self, e: Exception) -> None:  # pragma: no cover - needs a GL display
        self.problem = f"OpenGL drawing failed ({e})."
        self.hint.setText(f"The 3-D view needs OpenGL: {self.problem}")
        self.setCurrentWidget(self.hint)
        self.view = None
