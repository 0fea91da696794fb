"""Heatmap views: the loss over two weights, over the trajectory's PCA plane,
and the network's output over two of its inputs.

All grids arrive precomputed in snapshots (the worker evaluates them); these
widgets only colour them in, draw iso-lines (a vectorised marching squares,
see :mod:`mlpviz.ui.widgets.contour`) and overlay the descent path or the data. The
worker reuses a surface object until it recomputes it, so an unchanged
surface costs nothing: :meth:`update_surface` returns early on the same
object and skips the image when only the path moved.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHBoxLayout, QWidget

from mlpviz.engine.layout import param_name
from mlpviz.ui.plots.class_map import border_grids, class_rgb, legend_html
from mlpviz.ui.plots.plane_residual_plot import PlaneResidualPlot
from mlpviz.ui.plots.slice_controls import SliceControls
from mlpviz.ui.style import theme
from mlpviz.ui.style.plot_style import AXIS_LINE, note_label
from mlpviz.ui.training.snapshot import OutputSurface, PairSurface, PcaSurface
from mlpviz.ui.widgets.contour import contour_segments, iso_levels
from mlpviz.ui.widgets.heatmap import HeatmapPlot, cell_rect, finite_range

__all__ = ["OutputSurfacePlot", "PairSurfacePlot", "PcaSurfacePlot"]

PAIR_HINT = "Select two weights in the graph (click)\nto see the loss surface over them"
PCA_HINT = "The descent path appears here once the weights have moved"
OUTPUT_HINT = "Needs at least two input columns"
PCA_NOTE = (
    "Approximation: the loss on the plane through the final weights spanned by the "
    "trajectory's two main directions (Li et al. 2018)"
)
ISO_LEVELS = 8
SHORT_PATH = 300  # path points drawn with markers and a thicker line
# Colour the loss logarithmically once it spans this ratio: a linear scale
# would spend the whole colormap on the rim and leave the valley one colour.
LOG_COLOUR_RATIO = 100.0
REGRESSION_CMAP = "CET-L17"
WHITE = QColor(255, 255, 255)
CURRENT = QColor(255, 69, 58)  # a bright red: "you are here" on any viridis shade


class LossSurfacePlot(HeatmapPlot):
    """A loss grid with the descent path: shared by the two-weight and PCA views."""

    def __init__(self, title: str, hint: str, parent: QWidget | None = None):
        super().__init__(title, hint, parent)
        self._surface = None
        self._levels: tuple[float, float, bool] | None = None  # see _steady_levels
        self._short_path = True
        self.path_curve = pg.PlotDataItem(
            pen=pg.mkPen(WHITE, width=1.6),
            symbol="o",
            symbolSize=4,
            symbolPen=None,
            symbolBrush=pg.mkBrush(WHITE),
            antialias=True,
        )
        self.start_marker = pg.ScatterPlotItem(
            size=11, pen=pg.mkPen(theme.TEXT, width=1.5), brush=pg.mkBrush(WHITE)
        )
        self.current_marker = pg.ScatterPlotItem(
            size=14, pen=pg.mkPen(WHITE, width=2), brush=pg.mkBrush(CURRENT)
        )
        for item in (self.path_curve, self.start_marker, self.current_marker):
            item.setZValue(5)
            self.plot_item.addItem(item)
        self.legend = pg.LegendItem(
            offset=(-8, 8),
            labelTextColor=theme.TEXT,
            brush=pg.mkBrush(255, 255, 255, 245),
            pen=pg.mkPen(AXIS_LINE),
            verSpacing=-4,
        )
        self.legend.setParentItem(self.plot_item.getViewBox())
        self.legend.addItem(self.start_marker, "start")
        self.legend.addItem(self.current_marker, "now")
        self._set_value_name("loss")

    def _show_surface(self, xs, ys, grid, path, same_grid: bool) -> None:
        if not same_grid:
            g = np.asarray(grid, dtype=float)
            lo, hi = finite_range(g)
            log = lo > 0 and hi / lo >= LOG_COLOUR_RATIO
            shown = np.log10(np.where(g > 0, g, np.nan)) if log else g
            levels = self._steady_levels(finite_range(shown), log)
            self._set_heatmap(xs, ys, shown, levels, values=g)
            self._set_colorbar_log_ticks(levels if log else None)
            self.contours.setData(*contour_segments(shown, iso_levels(*levels, ISO_LEVELS), xs, ys))
        else:
            self.body.setCurrentWidget(self.plot_page)
        path = np.asarray(path, dtype=float).reshape(-1, 2)
        short = len(path) <= SHORT_PATH
        if short != self._short_path:
            self._short_path = short
            # Markers on every step clutter a long path. A long path also
            # gets a 1 px pen: wider antialiased pens go through Qt's path
            # stroker, ~80 ms per frame for a few thousand points.
            self.path_curve.setSymbol("o" if short else None)
            self.path_curve.setPen(pg.mkPen(WHITE, width=1.6 if short else 1.0))
        self.path_curve.setData(path[:, 0], path[:, 1])
        self.start_marker.setData(pos=path[:1])
        self.current_marker.setData(pos=path[-1:])

    def _steady_levels(self, levels: tuple[float, float], log: bool) -> tuple[float, float]:
        """``levels``, or the previous ones while they still fit the values well.

        The colour bar's axis is regenerated whenever its levels change; while
        training, the loss range drifts a little with every refresh, and
        keeping a range that holds the values (and is not twice too wide)
        spares most of those regenerations.
        """
        old = self._levels
        if old is not None and old[2] == log:
            lo, hi = levels
            if old[0] <= lo and hi <= old[1] and (hi - lo) >= 0.5 * (old[1] - old[0]):
                return old[0], old[1]
        self._levels = (levels[0], levels[1], log)
        return levels

    @staticmethod
    def _same_grid(old, new, *axes: str) -> bool:
        if old is None:
            return False
        return all(
            np.array_equal(getattr(old, n), getattr(new, n), equal_nan=True)
            for n in ("grid", *axes)
        )


class PairSurfacePlot(LossSurfacePlot):
    """The loss over two chosen parameters (the others fixed), with their path."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Loss over two weights", PAIR_HINT, parent)

    @property
    def surface(self) -> PairSurface | None:
        return self._surface

    def update_surface(self, pair: PairSurface | None) -> None:
        """Show ``pair`` (None: the hint to pick two weights)."""
        if pair is self._surface and (pair is None) == self.showing_hint:
            return
        old, self._surface = self._surface, pair
        if pair is None:
            self._show_hint()
            return
        a, b = param_name(pair.a), param_name(pair.b)
        self._set_axis_names(a, b, a, b)
        same = self._same_grid(old, pair, "a_values", "b_values")
        self._show_surface(pair.a_values, pair.b_values, pair.grid, pair.path, same)


class PcaSurfacePlot(LossSurfacePlot):
    """The loss on the plane of the trajectory's two principal directions."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Loss along the whole path (PCA)", PCA_HINT, parent)
        # Beside the plane, not under it: the dock is wide and short.
        self.residual = PlaneResidualPlot()
        page = self.plot_page.layout()
        page.removeWidget(self.view)
        beside = QHBoxLayout()
        beside.addWidget(self.view, 3)
        beside.addWidget(self.residual, 1)
        page.insertLayout(0, beside, 1)
        self.note = note_label(PCA_NOTE)
        self.plot_page.layout().addWidget(self.note)

    @property
    def surface(self) -> PcaSurface | None:
        return self._surface

    def update_surface(self, pca: PcaSurface | None) -> None:
        """Show ``pca`` (None: a hint that the weights have not moved yet)."""
        if pca is self._surface and (pca is None) == self.showing_hint:
            return
        old, self._surface = self._surface, pca
        if pca is None:
            self._show_hint()
            return
        e1, e2 = (100.0 * float(e) for e in pca.explained)
        self._set_axis_names(f"PC1 ({e1:.1f} % of variance)", f"PC2 ({e2:.1f} %)", "PC1", "PC2")
        same = self._same_grid(old, pca, "alphas", "betas")
        self._show_surface(pca.alphas, pca.betas, pca.grid, pca.path, same)
        self.residual.update_residual(pca)


class OutputSurfacePlot(HeatmapPlot):
    """The network's output over the plane of two inputs, with the data on top.

    With more than two inputs, :attr:`controls` choose the two and the values
    the others are held at; each choice is reported as :attr:`sliceChosen`
    (a :class:`~mlpviz.ui.training.worker_commands.SliceOutput` for the
    worker). Several class outputs are drawn as a class map: the winning
    class's colour, its probability as the intensity (:mod:`.class_map`).

    Clicks on the plane are reported as :attr:`planeClicked` (x, y in the
    inputs' raw units, and the keyboard modifiers) — the draw-your-own-data
    mode adds and removes points with them.
    """

    planeClicked = Signal(float, float, object)
    sliceChosen = Signal(object)
    marker: pg.ScatterPlotItem | None = None  # the ring of mark_point, made on first use

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Network output over the inputs", OUTPUT_HINT, parent)
        self._surface: OutputSurface | None = None
        self._axis_names = ("x₁", "x₂")
        self.scatter = pg.ScatterPlotItem(size=8, antialias=True)
        self.scatter.setZValue(5)
        self.plot_item.addItem(self.scatter)
        # The class map: an RGB image over the (hidden) value image.
        self.class_image = pg.ImageItem(axisOrder="col-major")
        self.class_image.hide()
        self.plot_item.addItem(self.class_image)
        self.contours.setZValue(1)
        self.controls = SliceControls()
        self.controls.hide()
        self.controls.sliceChosen.connect(self.sliceChosen)
        self.plot_page.layout().insertWidget(0, self.controls)
        self.legend_label = note_label("")
        self.legend_label.setTextFormat(Qt.TextFormat.RichText)
        self.legend_label.hide()
        self.plot_page.layout().addWidget(self.legend_label)
        self._class_cmap = pg.ColorMap(
            [0.0, 0.5, 1.0],
            [_tint(theme.NEGATIVE, 0.45), QColor(250, 250, 250), _tint(theme.POSITIVE, 0.45)],
        )
        self._regression_cmap = pg.colormap.get(REGRESSION_CMAP)
        self._probability_cmap = pg.ColorMap([0.0, 1.0], [QColor(250, 250, 250), theme.TEXT])
        self._mode: str | None = None  # "regression", "binary" or "classes"
        self._classes: tuple[str, ...] = ()
        self._point_levels: tuple[float, float] | None = None
        self.set_axis_names(*self._axis_names)
        self._set_value_name("output")
        self.plot_item.scene().sigMouseClicked.connect(self._clicked)

    def _clicked(self, event) -> None:
        vb = self.plot_item.getViewBox()
        pos = event.scenePos()
        if event.button() != Qt.MouseButton.LeftButton or not vb.sceneBoundingRect().contains(pos):
            return
        p = vb.mapSceneToView(pos)
        self.planeClicked.emit(float(p.x()), float(p.y()), event.modifiers())

    @property
    def surface(self) -> OutputSurface | None:
        return self._surface

    @property
    def axis_labels(self) -> tuple[str, str]:
        """The names on the horizontal and vertical axes."""
        return self._axis_names

    def set_axis_names(self, x_name: str, y_name: str) -> None:
        """Names of the two input columns (blank names fall back to x₁, x₂)."""
        x_name, y_name = x_name or "x₁", y_name or "x₂"
        self._axis_names = (x_name, y_name)
        self._set_axis_names(x_name, y_name, x_name, y_name)

    def update_surface(self, output: OutputSurface | None) -> None:
        """Show ``output`` (None: the data have fewer than two inputs)."""
        if output is self._surface and (output is None) == self.showing_hint:
            return
        old, self._surface = self._surface, output
        if output is None:
            self.controls.hide()
            self._show_hint()
            return
        names = tuple(output.names)
        if len(names) >= 2:
            a, b = output.axes
            self.set_axis_names(names[a], names[b])
        self.controls.setVisible(len(names) > 2)
        if len(names) > 2:
            self.controls.show_surface(output)
        grid = np.asarray(output.grid, dtype=float)
        targets = np.asarray(output.targets, dtype=float).ravel()
        mode = "classes" if output.classes else "binary" if output.classification else "regression"
        self._set_mode(mode, output.classes)
        if mode == "classes":
            k = len(output.classes)
            levels = (1.0 / k, 1.0)
            self._set_heatmap(output.xs, output.ys, grid, levels)
            self.image.hide()
            self.class_image.setImage(
                class_rgb(output.winner, grid, k), autoLevels=False, levels=(0, 255)
            )
            self.class_image.setRect(cell_rect(output.xs, output.ys))
            xs, ys = [], []
            probabilities = output.probabilities
            for g in border_grids(probabilities) if probabilities is not None else []:
                x, y = contour_segments(g, [0.0], output.xs, output.ys)
                xs.append(x)
                ys.append(y)
            self.contours.setData(
                np.concatenate(xs) if xs else np.empty(0), np.concatenate(ys) if ys else np.empty(0)
            )
            iso = [0.5]
        else:
            if output.classification:
                # The classes' own values (0/1, or −1/1 for tanh) anchor the colours;
                # the decision boundary lies halfway between them.
                levels = finite_range(targets) if targets.size else (0.0, 1.0)
                iso = [0.5 * (levels[0] + levels[1])]
            else:
                levels = finite_range(np.concatenate([grid.ravel(), targets]))
                iso = iso_levels(*levels, 6)
            self._set_heatmap(output.xs, output.ys, grid, levels)
            self.contours.setData(*contour_segments(grid, iso, output.xs, output.ys))
        same_points = (
            old is not None
            and old.classification == output.classification
            and old.classes == output.classes
            and np.array_equal(old.points, output.points)
            and np.array_equal(old.targets, output.targets)
            and levels == self._point_levels
        )
        if not same_points:
            self._set_points(np.asarray(output.points, dtype=float), targets, levels, iso)

    def _set_mode(self, mode: str, classes: tuple[str, ...]) -> None:
        if mode == self._mode and classes == self._classes:
            return
        self._mode, self._classes = mode, classes
        cmap = {
            "classes": self._probability_cmap,
            "binary": self._class_cmap,
            "regression": self._regression_cmap,
        }[mode]
        self.colorbar.setColorMap(cmap)
        self._set_value_name("p(winner)" if mode == "classes" else "output")
        pen = (
            pg.mkPen(255, 255, 255, 120, width=1)
            if mode == "regression"
            else pg.mkPen(theme.TEXT, width=2 if mode == "binary" else 1.2)
        )
        self.contours.setPen(pen)
        self.image.setVisible(mode != "classes")
        self.class_image.setVisible(mode == "classes")
        self.legend_label.setVisible(mode == "classes")
        self.legend_label.setText(legend_html(classes))

    def readout_text(self, x: float, y: float) -> str:
        text = super().readout_text(x, y)
        s = self._surface
        if text and s is not None and s.classes and s.winner is not None:
            i = int(np.abs(self._xs - x).argmin())
            j = int(np.abs(self._ys - y).argmin())
            text = f"{text} · class {s.classes[int(s.winner[i, j])]}"
        return text

    def _set_points(self, points, targets, levels, iso) -> None:
        # Regression colours depend on the levels, which follow the grid.
        self._point_levels = levels
        brushes = np.empty(len(targets), dtype=object)
        if self._mode == "classes":
            n = len(self._surface.classes) if self._surface is not None else 0
            brushes[:] = [pg.mkBrush(theme.class_colour(int(t), n)) for t in targets]
        elif self._mode == "binary":
            high = targets >= iso[0]
            brushes[high] = pg.mkBrush(theme.POSITIVE)
            brushes[~high] = pg.mkBrush(theme.NEGATIVE)
        else:
            span = levels[1] - levels[0]
            colours = self._regression_cmap.map((targets - levels[0]) / span, mode="qcolor")
            brushes[:] = [pg.mkBrush(c) for c in colours]
        # Class points get a white rim against the pale class tints; regression
        # points share the map's colours, so a dark rim keeps them findable
        # where prediction and target agree.
        regression = self._mode == "regression"
        rim = pg.mkPen(60, 60, 60, 200) if regression else pg.mkPen(WHITE, width=1.2)
        self.scatter.setData(pos=points.reshape(-1, 2), brush=list(brushes), pen=rim)

    def mark_point(self, xy) -> None:
        """Ring the point at raw inputs ``xy`` (x, y), e.g. one hovered in another
        view; None removes the ring."""
        marker = self.marker
        if marker is None:
            if xy is None:
                return
            marker = self.marker = pg.ScatterPlotItem(
                size=17, pen=pg.mkPen(theme.TEXT, width=2.2), brush=pg.mkBrush(0, 0, 0, 0)
            )
            marker.setZValue(6)
            self.plot_item.addItem(marker)
        if xy is None:
            marker.setData([], [])
        else:
            marker.setData(pos=np.asarray(xy, dtype=float).reshape(1, 2))


def _tint(colour: QColor, strength: float) -> QColor:
    """``colour`` mixed with white: pale backgrounds keep the full-colour points readable."""
    return QColor(
        round(255 + (colour.red() - 255) * strength),
        round(255 + (colour.green() - 255) * strength),
        round(255 + (colour.blue() - 255) * strength),
    )
