"""The optimizer playground: optimizers race on a 2-D function you can see.

Pick a test function (or type one), click the contour to choose the start,
and watch SGD, momentum, Adam and friends — and the tutorial's trial and
error — find their way down, with the −∇f and momentum arrows at each
racer and a table of what each one paid to get within the tolerance.

The race and the contour grid are computed by a :class:`PlaygroundWorker` in
its own thread; this module only draws what it sends.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import cache

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt, QThread, Signal
from PySide6.QtGui import QAction, QColor, QGuiApplication, QIcon, QKeySequence, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QSlider,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ..engine.expr import ExpressionError
from ..engine.optimizers import OPTIMIZERS
from ..engine.race import RacerSpec, RaceSnapshot
from ..engine.testfunctions import FUNCTIONS, TestFunction, from_expression
from . import theme
from .heatmap import HeatmapPlot
from .playground_worker import (
    Configure,
    ContourGrid,
    Pause,
    Play,
    PlaygroundWorker,
    Reset,
    Speed,
    Step,
)
from .playground_worker import Quit as QuitWorker
from .plot_style import fmt, hint_label, log_ticks, note_label, value_label

OPTIMIZER_LABELS = {
    "sgd": "SGD",
    "momentum": "Momentum",
    "nesterov": "Nesterov",
    "adagrad": "Adagrad",
    "rmsprop": "RMSProp",
    "adam": "Adam",
    "trial-and-error": "Trial & error",
}
OPTION_LABELS = {
    "beta": "β",
    "beta1": "β₁",
    "beta2": "β₂",
    "rho": "ρ",
    "eps": "ε",
    "step": "step h",
}
OPTION_TIPS = {
    "beta": "How much of the previous velocity is kept each step (0 = plain gradient descent).",
    "beta1": "Decay of Adam's running mean of gradients (its momentum).",
    "beta2": "Decay of Adam's running mean of squared gradients (its step-size scaling).",
    "rho": "Decay of RMSProp's running mean of squared gradients.",
    "eps": "Added to the denominator so a zero gradient never divides by zero.",
    "step": "How far trial and error tries each coordinate (+h, then −h); 0 means use η.",
}
# Okabe-Ito without the yellow, which vanishes on the light contour; it comes last.
RACER_COLOURS = [theme.SERIES[i] for i in (0, 1, 2, 3, 4, 5, 7, 6)]
SPEEDS: list[float | None] = [1, 2, 5, 10, 20, 50, 100, 200, 500, None]
DEFAULT_SPEED = 4  # 20 steps a second: a 100-step race takes five seconds to watch
TOLERANCES = ["1e-1", "1e-2", "1e-3", "1e-4", "1e-6", "1e-8"]
HELP = (
    "Click the contour to move the start; drag to pan, scroll to zoom, double-click to fit. "
    "Solid arrows point down the slope (−∇f), dotted ones where momentum carries a racer. "
    "Gradient methods pay one gradient evaluation per step; trial and error pays up to "
    "1 + 2 × 2 function evaluations per step and never sees a gradient."
)
TOLERANCE_TIP = (
    "A racer has reached the goal when f − f_min ≤ tol (or |∇f| < tol without a known minimum)."
)
ARROW_FRACTION = 0.12  # the longest arrow, as a fraction of the box diagonal
# Light and low-contrast, so the coloured racers stand out; low values are white.
CONTOUR_CMAP = pg.ColorMap(
    [0.0, 0.35, 0.7, 1.0],
    [(255, 255, 255), (222, 230, 240), (170, 186, 208), (112, 128, 156)],
)
COLUMNS = [
    "Racer",
    "Status",
    "Steps",
    "f(x, y)",
    "Loss evals",
    "Grad evals",
    "Steps to tol",
    "Evals to tol",
    "x",
    "y",
]
COLUMN_TIPS = {
    "Loss evals": "Function evaluations the method needed (trial and error: 1 + up to 2 "
    "per coordinate per step). The f shown for gradient methods is not charged.",
    "Grad evals": "Gradient evaluations (one per step for gradient methods).",
    "Steps to tol": "First step at which f − f_min ≤ tol (known minimum) or |∇f| < tol "
    "(no known minimum). — : not yet.",
    "Evals to tol": "Loss + gradient evaluations spent up to that step.",
}


@dataclass(frozen=True)
class RacerConfig:
    """A racer as the user set it up (the GUI's side of a RacerSpec)."""

    name: str
    optimizer: str
    lr: float
    options: dict[str, float] = field(default_factory=dict)
    enabled: bool = True
    colour: QColor = field(default_factory=lambda: QColor(RACER_COLOURS[0]))

    def spec(self) -> RacerSpec:
        return RacerSpec(self.name, self.optimizer, self.lr, dict(self.options))

    def summary(self) -> str:
        opts = OPTIMIZERS[self.optimizer].defaults
        extra = [
            f"{OPTION_LABELS.get(k, k)} {v:g}"
            for k, v in self.options.items()
            if k != "eps" and v != opts.get(k)
        ]
        return " · ".join([f"{self.name}", f"η {self.lr:g}", *extra])


def default_racers(function: TestFunction) -> list[RacerConfig]:
    """One racer per optimizer, at the function's suggested learning rates."""
    return [
        RacerConfig(
            label,
            key,
            function.learning_rates.get(key, 0.01),
            {},
            True,
            QColor(RACER_COLOURS[i % len(RACER_COLOURS)]),
        )
        for i, (key, label) in enumerate(OPTIMIZER_LABELS.items())
    ]


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


def swatch(colour: QColor, size: int = 14) -> QIcon:
    """A round colour chip for lists and tables."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(colour.darker(130))
    painter.setBrush(colour)
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return QIcon(pixmap)


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

    def set_race(self, snap: RaceSnapshot, colours: dict[str, QColor]) -> None:
        self.start_marker.setData(pos=[snap.start])
        names = {r.name for r in snap.racers}
        for name in list(self._items):
            if name not in names:
                for item in self._items.pop(name):
                    self.plot_item.removeItem(item)
        spots = []
        diag = self._diagonal()
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
                if on and vector is not None and r.status != "diverged":
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

    def _diagonal(self) -> float:
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


# -- racers: the list and the editor ----------------------------------------------------------


class NumberEdit(QLineEdit):
    """A float typed as text (1e-8 reads better than 0.00000001 in a spin box)."""

    valueChanged = Signal(float)

    def __init__(self, value: float, low: float, high: float, tip: str) -> None:
        super().__init__(f"{value:g}")
        self.low, self.high = low, high
        self.setToolTip(f"{tip}\nA number from {low:g} to {high:g}.")
        self.editingFinished.connect(self._commit)

    def value(self) -> float | None:
        try:
            v = float(self.text().replace("−", "-"))  # float(), never eval
        except ValueError:
            return None
        return v if math.isfinite(v) and self.low <= v <= self.high else None

    def _commit(self) -> None:
        v = self.value()
        self.setStyleSheet("" if v is not None else "border: 1px solid #d62728;")
        if v is not None:
            self.valueChanged.emit(v)


class RacersPanel(QWidget):
    """The racers: a checkable list with colours, and an editor for the selected one."""

    changed = Signal()

    def __init__(self, racers: list[RacerConfig], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.racers = list(racers)
        self.list = QListWidget()
        self.list.setToolTip("Tick the racers that run; select one to edit it below.")
        self.list.itemChanged.connect(self._ticked)
        self.list.currentRowChanged.connect(self._show_editor)
        add, remove = QPushButton("Add"), QPushButton("Remove")
        add.setToolTip("Add a copy of the selected racer (to race, say, two learning rates).")
        remove.setToolTip("Remove the selected racer.")
        add.clicked.connect(self._add)
        remove.clicked.connect(self._remove)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)

        self.optimizer = QComboBox()
        for key, label in OPTIMIZER_LABELS.items():
            self.optimizer.addItem(label, key)
        self.optimizer.setToolTip("The update rule this racer uses.")
        self.optimizer.currentIndexChanged.connect(self._edited)
        self.lr = QDoubleSpinBox()
        self.lr.setDecimals(5)
        self.lr.setRange(1e-5, 10.0)
        self.lr.setStepType(QDoubleSpinBox.StepType.AdaptiveDecimalStepType)
        self.lr.setKeyboardTracking(False)  # restart the race on Enter, not on every digit
        self.lr.setToolTip("Learning rate η: the step is −η × (the method's direction).")
        self.lr.valueChanged.connect(self._edited)
        self.form = QFormLayout()
        self.form.addRow("Optimizer", self.optimizer)
        self.form.addRow("Learning rate η", self.lr)
        self.option_edits: dict[str, NumberEdit] = {}
        self.editor = QGroupBox("Selected racer")
        self.editor.setLayout(self.form)
        self.editor.setToolTip("Changes restart the race from the start point.")

        racers = QGroupBox("Racers")
        racers_layout = QVBoxLayout(racers)
        racers_layout.addWidget(self.list)
        racers_layout.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(racers)
        layout.addWidget(self.editor)
        self._loading = False
        self._fill()
        self.list.setCurrentRow(0)

    def specs(self) -> tuple[RacerSpec, ...]:
        return tuple(r.spec() for r in self.racers if r.enabled)

    def colours(self) -> dict[str, QColor]:
        return {r.name: r.colour for r in self.racers}

    def set_racer(self, row: int, **changes) -> None:
        """Change racer ``row`` (e.g. ``lr=1.5``) as if edited by hand."""
        self.racers[row] = replace(self.racers[row], **changes)
        self._fill()
        self.changed.emit()

    def apply_learning_rates(self, rates: dict[str, float]) -> None:
        self.racers = [replace(r, lr=rates.get(r.optimizer, r.lr)) for r in self.racers]
        self._fill()

    def _fill(self) -> None:
        self._loading = True
        row = self.list.currentRow()
        self.list.clear()
        for r in self.racers:
            item = QListWidgetItem(swatch(r.colour), r.summary())
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if r.enabled else Qt.CheckState.Unchecked)
            item.setToolTip(f"{OPTIMIZER_LABELS[r.optimizer]}: untick to sit this race out.")
            self.list.addItem(item)
        self._loading = False
        # As tall as its rows: the space below belongs to the editor.
        rows = max(len(self.racers), 4)
        self.list.setFixedHeight(
            rows * self.list.sizeHintForRow(0) + 2 * self.list.frameWidth() + 4
        )
        self.list.setCurrentRow(min(max(row, 0), len(self.racers) - 1))
        self._show_editor(self.list.currentRow())

    def _ticked(self, item: QListWidgetItem) -> None:
        if self._loading:
            return
        row = self.list.row(item)
        enabled = item.checkState() == Qt.CheckState.Checked
        if self.racers[row].enabled != enabled:
            self.racers[row] = replace(self.racers[row], enabled=enabled)
            self.changed.emit()

    def _show_editor(self, row: int) -> None:
        if row < 0 or row >= len(self.racers):
            self.editor.setEnabled(False)
            return
        self.editor.setEnabled(True)
        r = self.racers[row]
        self._loading = True
        self.optimizer.setCurrentIndex(self.optimizer.findData(r.optimizer))
        self.lr.setValue(r.lr)
        for key in list(self.option_edits):
            self.form.removeRow(self.option_edits.pop(key))
        defaults = OPTIMIZERS[r.optimizer].defaults
        for key, default in defaults.items():
            high = 1e3 if key in ("step", "eps") else 0.9999
            edit = NumberEdit(r.options.get(key, default), 0.0, high, OPTION_TIPS.get(key, key))
            edit.valueChanged.connect(self._edited)
            self.option_edits[key] = edit
            self.form.addRow(OPTION_LABELS.get(key, key), edit)
        self._loading = False

    def _edited(self, *_args) -> None:
        row = self.list.currentRow()
        if self._loading or row < 0:
            return
        r = self.racers[row]
        optimizer = self.optimizer.currentData()
        options = {}
        if optimizer == r.optimizer:
            options = {k: e.value() for k, e in self.option_edits.items() if e.value() is not None}
        name = r.name
        if optimizer != r.optimizer and r.name.startswith(OPTIMIZER_LABELS[r.optimizer]):
            name = self._unique(OPTIMIZER_LABELS[optimizer])
        self.racers[row] = replace(
            r, optimizer=optimizer, lr=self.lr.value(), options=options, name=name
        )
        self._fill()
        self.changed.emit()

    def _unique(self, base: str) -> str:
        names = {r.name for r in self.racers}
        if base not in names:
            return base
        return next(f"{base} {k}" for k in range(2, 100) if f"{base} {k}" not in names)

    def _add(self) -> None:
        row = max(self.list.currentRow(), 0)
        source = self.racers[row] if self.racers else default_racers(FUNCTIONS["bowl"])[0]
        used = {r.colour.name() for r in self.racers}
        free = [c for c in RACER_COLOURS if c.name() not in used] or RACER_COLOURS
        base = OPTIMIZER_LABELS[source.optimizer]
        self.racers.append(
            replace(source, name=self._unique(base), colour=QColor(free[0]), enabled=True)
        )
        self._fill()
        self.list.setCurrentRow(len(self.racers) - 1)
        self.changed.emit()

    def _remove(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.racers):
            del self.racers[row]
            self._fill()
            self.changed.emit()


class ResultsTable(QTableWidget):
    """Per racer: status, costs, and what it took to get within the tolerance."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels(COLUMNS)
        for col, name in enumerate(COLUMNS):
            self.horizontalHeaderItem(col).setToolTip(COLUMN_TIPS.get(name, ""))
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAlternatingRowColors(True)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)

    def show_race(self, snap: RaceSnapshot, colours: dict[str, QColor]) -> None:
        self.setRowCount(len(snap.racers))
        for row, r in enumerate(snap.racers):
            status = r.note or "running"
            reached = r.reached
            cells = [
                r.name,
                status,
                f"{r.steps:,}",
                fmt(r.value),
                f"{r.loss_evals:,}",
                f"{r.grad_evals:,}",
                "—" if reached is None else f"{reached.step:,}",
                "—" if reached is None else f"{reached.evals:,}",
                fmt(r.point[0]),
                fmt(r.point[1]),
            ]
            for col, text in enumerate(cells):
                item = self.item(row, col)
                if item is None:
                    item = QTableWidgetItem()
                    self.setItem(row, col, item)
                    if col >= 2:
                        item.setTextAlignment(
                            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                        )
                item.setText(text)
            self.item(row, 0).setIcon(swatch(colours.get(r.name, QColor(theme.TEXT))))
            tone = {"converged": theme.ACCENT, "diverged": theme.NEGATIVE}.get(r.status, theme.TEXT)
            self.item(row, 1).setForeground(tone)
            self.item(row, 1).setToolTip(status)


# -- the window -------------------------------------------------------------------------------


class PlaygroundWindow(QMainWindow):
    """Race optimizers on a 2-D function. Closing the window stops its worker thread."""

    CUSTOM = "custom"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Optimizer playground — mlpviz")
        self.setObjectName("mlpviz-playground")
        self.resize(1320, 860)
        self.function: TestFunction = FUNCTIONS["bowl"]
        self.start: tuple[float, float] = self.function.start
        self.latest: RaceSnapshot | None = None
        self.grid: ContourGrid | None = None
        self.running = False

        self._build_toolbar()
        self.contour = ContourView()
        self.contour.startPicked.connect(self.set_start)
        self.surface = SurfaceView()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.contour, "Contour")
        self.tabs.addTab(self.surface, "3-D")
        tip = "The function as a surface." if self.surface.available else self.surface.hint.text()
        self.tabs.setTabToolTip(1, tip)
        self.tabs.currentChanged.connect(lambda _i: self._redraw())

        self.racers_panel = RacersPanel(default_racers(self.function))
        self.racers_panel.changed.connect(self._racers_changed)
        show_gradient = QCheckBox("−∇f arrows")
        show_gradient.setToolTip(
            "At each racer, the steepest-descent direction −∇f (length grows with |∇f|)."
        )
        show_momentum = QCheckBox("Momentum arrows")
        show_momentum.setToolTip(
            "Where the accumulated velocity pushes: −v for momentum "
            "and Nesterov, −m (first moment) for Adam."
        )
        for box, attr in ((show_gradient, "show_gradient"), (show_momentum, "show_momentum")):
            box.setChecked(True)
            box.toggled.connect(lambda on, a=attr: self._toggle_overlay(a, on))
        suggest = QPushButton("Suggested learning rates")
        suggest.setToolTip("Set every racer's η to a value that works on this function.")
        suggest.clicked.connect(self._suggest_rates)
        show = QGroupBox("Show")
        show_layout = QVBoxLayout(show)
        row = QHBoxLayout()
        row.addWidget(show_gradient)
        row.addWidget(show_momentum)
        row.addStretch(1)
        show_layout.addLayout(row)
        show_layout.addWidget(suggest)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(6, 0, 0, 0)
        side_layout.addWidget(self.racers_panel)
        side_layout.addWidget(show)
        side_layout.addWidget(note_label(HELP))
        side_layout.addStretch(1)
        side.setMinimumWidth(300)

        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.tabs)
        top.addWidget(side)
        top.setStretchFactor(0, 1)
        top.setStretchFactor(1, 0)
        top.setSizes([1000, 330])

        self.table = ResultsTable()
        self.tolerance = QComboBox()
        self.tolerance.setEditable(True)
        self.tolerance.addItems(TOLERANCES)
        self.tolerance.setCurrentText("1e-3")
        self.tolerance.setToolTip(TOLERANCE_TIP)
        self.tolerance.currentTextChanged.connect(self._tolerance_changed)
        self.step_label = QLabel("")
        self.step_label.setStyleSheet(f"color: {theme.MUTED.name()};")
        results = QWidget()
        results_layout = QVBoxLayout(results)
        results_layout.setContentsMargins(0, 4, 0, 0)
        header = QHBoxLayout()
        title = QLabel("<b>Results</b>")
        header.addWidget(title)
        header.addSpacing(12)
        header.addWidget(QLabel("Tolerance"))
        header.addWidget(self.tolerance)
        header.addSpacing(12)
        header.addWidget(self.step_label, 1)
        results_layout.addLayout(header)
        results_layout.addWidget(self.table, 1)

        body = QSplitter(Qt.Orientation.Vertical)
        body.addWidget(top)
        body.addWidget(results)
        body.setStretchFactor(0, 3)
        body.setStretchFactor(1, 1)
        body.setSizes([600, 230])

        self.error = QLabel("")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c0392b; padding: 2px 4px;")
        self.error.hide()
        self.description = note_label(self.function.description)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 4, 8, 6)
        layout.setSpacing(4)
        layout.addWidget(self.error)
        layout.addWidget(self.description)
        layout.addWidget(body, 1)
        self.setCentralWidget(central)

        self._start_worker()
        # A safety net for a window that is never closed (its parent deleted it,
        # the app quit): a QThread destroyed while running aborts the process.
        QCoreApplication.instance().aboutToQuit.connect(self.shutdown)
        self._configure(function=self.function, start=self.start)

    # -- building -------------------------------------------------------------------------

    def _build_toolbar(self) -> None:
        bar = QToolBar("Playground")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.addToolBar(bar)
        bar.addWidget(QLabel(" Function "))
        self.chooser = QComboBox()
        for key, tf in FUNCTIONS.items():
            self.chooser.addItem(tf.name, key)
            self.chooser.setItemData(
                self.chooser.count() - 1, f"f(x, y) = {tf.formula}", Qt.ItemDataRole.ToolTipRole
            )
        self.chooser.addItem("Custom…", self.CUSTOM)
        self.chooser.setToolTip("The function the optimizers race on.")
        self.chooser.currentIndexChanged.connect(self._chosen)
        bar.addWidget(self.chooser)
        self.custom = QLineEdit()
        self.custom.setPlaceholderText(
            "f(x, y) =  e.g.  x^2 + 3*y^2   or   sin(x)*cos(y) + 0.1*x^2"
        )
        self.custom.setToolTip(
            "A function of x and y: numbers, x, y, pi, e, + − * / ^, "
            "parentheses, and sin cos tan exp log sqrt abs tanh sinh cosh. "
            "Press Enter to use it."
        )
        self.custom.setMinimumWidth(320)
        self.custom.returnPressed.connect(self.apply_custom)
        self.custom_action = bar.addWidget(self.custom)
        self.custom_action.setVisible(False)
        bar.addSeparator()
        style = self.style()
        self.play_action = QAction(
            style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay), "Play", self
        )
        self.play_action.setShortcut(QKeySequence(Qt.Key.Key_Space))
        self.play_action.setToolTip(
            "Run the race (Space); pauses by itself when every racer has converged or diverged."
        )
        self.play_action.triggered.connect(self.toggle_play)
        step = QAction(style.standardIcon(QStyle.StandardPixmap.SP_MediaSkipForward), "Step", self)
        step.setShortcut(QKeySequence(Qt.Key.Key_Right))
        step.setToolTip("One step for every racer (→).")
        step.triggered.connect(lambda: self.step())
        reset = QAction(style.standardIcon(QStyle.StandardPixmap.SP_BrowserReload), "Reset", self)
        reset.setShortcut(QKeySequence("Ctrl+R"))
        reset.setToolTip("Back to the start point with fresh optimizer state (Ctrl+R).")
        reset.triggered.connect(self.reset)
        for action in (self.play_action, step, reset):
            bar.addAction(action)
        bar.addSeparator()
        bar.addWidget(QLabel(" Speed "))
        self.speed = QSlider(Qt.Orientation.Horizontal)
        self.speed.setRange(0, len(SPEEDS) - 1)
        self.speed.setValue(DEFAULT_SPEED)
        self.speed.setFixedWidth(140)
        self.speed.setToolTip(
            "Steps per second while playing; the far right is as fast as possible."
        )
        self.speed.valueChanged.connect(self._speed_changed)
        bar.addWidget(self.speed)
        self.speed_label = QLabel()
        self.speed_label.setMinimumWidth(80)
        bar.addWidget(self.speed_label)
        self._speed_changed(self.speed.value(), post=False)

    def _start_worker(self) -> None:
        self._thread = QThread()
        self._thread.setObjectName("mlpviz-playground")
        self.worker = PlaygroundWorker()
        self.worker.moveToThread(self._thread)
        self._thread.started.connect(self.worker.work)
        self.worker.finished.connect(self._thread.quit)
        self.worker.finished.connect(self.worker.deleteLater)
        # Queued explicitly, and to bound methods only: PySide calls a lambda in the
        # emitting (worker) thread, where touching a widget is undefined behaviour.
        queued = Qt.ConnectionType.QueuedConnection
        self.worker.raceUpdated.connect(self._race_updated, queued)
        self.worker.gridReady.connect(self._grid_ready, queued)
        self.worker.runStateChanged.connect(self._run_state, queued)
        self.worker.stopped.connect(self._message, queued)
        self.worker.failed.connect(self._message, queued)
        self.worker.post(Speed(SPEEDS[self.speed.value()]))
        self._thread.start()

    # -- commands -------------------------------------------------------------------------

    def play(self) -> None:
        self.worker.post(Play())

    def pause(self) -> None:
        self.worker.post(Pause())

    def toggle_play(self) -> None:
        self.pause() if self.running else self.play()

    def step(self, n: int = 1) -> None:
        """``n`` steps for every running racer, then pause."""
        self.worker.post(Step(int(n)))

    def reset(self) -> None:
        self.worker.post(Reset())

    def set_speed(self, steps_per_second: float | None) -> None:
        """Choose the nearest speed on the slider (None: as fast as possible)."""
        if steps_per_second is None:
            self.speed.setValue(len(SPEEDS) - 1)
        else:
            finite = [s for s in SPEEDS if s is not None]
            self.speed.setValue(
                int(np.argmin([abs(math.log(s / steps_per_second)) for s in finite]))
            )

    def set_start(self, x: float, y: float) -> None:
        self.start = (float(x), float(y))
        self._configure(start=self.start)
        self.statusBar().showMessage(f"Start moved to ({fmt(x)}, {fmt(y)}).", 4000)

    def set_function(self, key: str) -> None:
        """Select a built-in function by key, or "custom" to type one."""
        self.chooser.setCurrentIndex(self.chooser.findData(key))

    def apply_custom(self, text: str | None = None) -> bool:
        """Use the typed function; on an error, show it and keep the current function."""
        if text is not None:
            self.custom.setText(text)
        try:
            function = from_expression(self.custom.text())
        except ExpressionError as e:
            self.error.setText(f"Cannot use this function: {e}")
            self.error.show()
            self.custom.setStyleSheet("border: 1px solid #c0392b;")
            return False
        self.error.hide()
        self.custom.setStyleSheet("")
        self._use_function(function)
        return True

    def shutdown(self, timeout_ms: int = 2000) -> bool:
        """Stop the worker thread; True if it ended within the timeout."""
        if not self._thread.isRunning():
            return True
        self.worker.post(QuitWorker())
        self._thread.quit()
        return self._thread.wait(timeout_ms)

    # -- reacting -------------------------------------------------------------------------

    def _configure(self, **changes) -> None:
        self.worker.post(Configure(racers=self.racers_panel.specs(), tol=self._tol(), **changes))

    def _use_function(self, function: TestFunction) -> None:
        self.function = function
        self.start = function.start
        if function.learning_rates:
            self.racers_panel.apply_learning_rates(function.learning_rates)
        self.description.setText(function.description)
        self._configure(function=function, start=self.start)

    def _chosen(self, index: int) -> None:
        key = self.chooser.itemData(index)
        custom = key == self.CUSTOM
        self.custom_action.setVisible(custom)
        if custom:
            self.custom.setFocus()
            self.description.setText(
                "Type a function of x and y and press Enter; its gradient "
                "is worked out symbolically."
            )
            return
        self.error.hide()
        self._use_function(FUNCTIONS[key])

    def _racers_changed(self) -> None:
        self._configure()

    def _suggest_rates(self) -> None:
        if self.function.learning_rates:
            self.racers_panel.apply_learning_rates(self.function.learning_rates)
            self._configure()
        else:
            self.statusBar().showMessage("No suggestions for a custom function.", 4000)

    def _tol(self) -> float:
        try:
            tol = float(self.tolerance.currentText().replace("−", "-"))
        except ValueError:
            tol = math.nan
        return tol if math.isfinite(tol) and tol > 0 else 1e-3

    def _tolerance_changed(self, text: str) -> None:
        try:
            valid = float(text.replace("−", "-")) > 0
        except ValueError:
            valid = False
        self.tolerance.setStyleSheet("" if valid else "border: 1px solid #c0392b;")
        self.tolerance.setToolTip(TOLERANCE_TIP if valid else "Not a positive number; using 1e-3.")
        self.worker.post(Configure(tol=self._tol()))

    def _speed_changed(self, index: int, post: bool = True) -> None:
        speed = SPEEDS[index]
        self.speed_label.setText(" max" if speed is None else f" {speed:g} steps/s")
        if post:
            self.worker.post(Speed(speed))

    def _toggle_overlay(self, attr: str, on: bool) -> None:
        setattr(self.contour, attr, on)
        self._redraw()

    def _message(self, text: str) -> None:
        self.statusBar().showMessage(text, 10000)

    def _run_state(self, running: bool) -> None:
        self.running = running
        icon = (
            QStyle.StandardPixmap.SP_MediaPause if running else QStyle.StandardPixmap.SP_MediaPlay
        )
        self.play_action.setIcon(self.style().standardIcon(icon))
        self.play_action.setText("Pause" if running else "Play")

    def _grid_ready(self, grid: ContourGrid) -> None:
        self.grid = grid
        self.contour.set_grid(grid, self.function)
        self.surface.set_grid(grid)

    def _race_updated(self, snap: RaceSnapshot) -> None:
        self.latest = snap
        self._redraw()

    def _redraw(self) -> None:
        snap = self.latest
        if snap is None:
            return
        colours = self.racers_panel.colours()
        self.contour.set_race(snap, colours)
        self.surface.set_race(snap, colours)
        self.table.show_race(snap, colours)
        counts = {
            s: sum(r.status == s for r in snap.racers) for s in ("running", "converged", "diverged")
        }
        summary = ", ".join(f"{n} {s}" for s, n in counts.items() if n)
        self.step_label.setText(f"Step {snap.step:,}" + (f" · {summary}" if summary else ""))

    def showEvent(self, event) -> None:
        # Closing stops the worker; a window shown again gets a fresh one, so the
        # owner can keep one instance and just show() it.
        if not self._thread.isRunning():
            self._start_worker()
            self.running = False
            self._run_state(False)
            self._configure(function=self.function, start=self.start)
        super().showEvent(event)

    def closeEvent(self, event) -> None:
        self.shutdown()
        self.contour.close()  # stops its hover-readout timer
        super().closeEvent(event)
