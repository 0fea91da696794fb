"""The large neuron map: one node's activation over the plane of the two
plotted inputs, a tab of the descent-path dock ("Neuron map").

The node is chosen by clicking it in the graph (:meth:`NeuronMapPlot.set_node`);
its map comes from the snapshot's :class:`~mlpviz.ui.training.neuron_maps.
NeuronMaps`, the same numbers and colours as the node's small map in the
graph, with the data on top and the iso-line halfway through the colour
range (for a sigmoid or tanh unit, where it switches).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

from mlpviz.ui.graph.node_maps import (
    REGRESSION_CMAP,
    class_colormap,
    map_levels,
    uses_regression_colours,
)
from mlpviz.ui.style import theme
from mlpviz.ui.training.neuron_maps import NeuronMaps
from mlpviz.ui.widgets.contour import contour_segments
from mlpviz.ui.widgets.heatmap import HeatmapPlot

PICK_HINT = "Click a hidden or output node in the network graph\nto see what it computes here"
NO_PLANE_HINT = "Neuron maps need at least two input columns"
WHITE = QColor(255, 255, 255)


class NeuronMapPlot(HeatmapPlot):
    """One node's map, large (see the module docstring)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Neuron map", PICK_HINT, parent)
        self.node: tuple[int, int] | None = None
        self._maps: NeuronMaps | None = None
        self._cmaps = {False: class_colormap(), True: pg.colormap.get(REGRESSION_CMAP)}
        self._regression: bool | None = None
        self.scatter = pg.ScatterPlotItem(size=6, antialias=True)
        self.scatter.setZValue(5)
        self.plot_item.addItem(self.scatter)
        self.contours.setPen(pg.mkPen(theme.TEXT, width=1.5))
        self._points_of: NeuronMaps | None = None
        self._set_value_name("activation")

    @property
    def maps(self) -> NeuronMaps | None:
        return self._maps

    def set_node(self, key: tuple[int, int] | None) -> None:
        """Show node ``(layer, node)`` (layer ≥ 1) from now on; None: the hint."""
        self.node = None if key is None else (int(key[0]), int(key[1]))
        self._draw()

    def update_surface(self, maps: NeuronMaps | None) -> None:
        """Show the chosen node's map from ``maps`` (the snapshot's ``maps``)."""
        if maps is self._maps and maps is not None:
            return
        self._maps = maps
        self._draw()

    def shown_grid(self) -> np.ndarray | None:
        """The map drawn now ((nx, ny), activations), None while a hint shows."""
        return None if self.showing_hint else self._values

    def _valid(self) -> bool:
        maps, key = self._maps, self.node
        if maps is None or key is None or not 1 <= key[0] <= len(maps.layers):
            return False
        return key[1] < len(maps.layers[key[0] - 1])

    def _draw(self) -> None:
        maps, key = self._maps, self.node
        if not self._valid():
            self.hint.setText(NO_PLANE_HINT if key is not None and maps is None else PICK_HINT)
            self._show_hint()
            return
        layer, j = key
        grid = maps.map_of(layer, j)
        levels = map_levels(maps, layer)
        regression = uses_regression_colours(maps, layer)
        if regression != self._regression:
            self._regression = regression
            self.colorbar.setColorMap(self._cmaps[regression])
        output = layer == len(maps.layers)
        what = "output" if output else f"hidden layer {layer}"
        act = maps.activation_names[layer - 1]
        self.title_label.setText(f"Neuron map · {what}, node {j + 1} · {act}")
        self._set_axis_names(maps.x_name, maps.y_name, maps.x_name, maps.y_name)
        self._set_heatmap(maps.xs, maps.ys, grid, levels)
        mid = 0.5 * (levels[0] + levels[1])
        self.contours.setData(*contour_segments(grid, [mid], maps.xs, maps.ys))
        if self._points_of is None or not np.array_equal(self._points_of.points, maps.points):
            self._set_points(maps)

    def _set_points(self, maps: NeuronMaps) -> None:
        self._points_of = maps
        targets = np.asarray(maps.targets, dtype=float)
        if maps.classification:
            # As in "Output over inputs": the first class blue, the others orange.
            first = targets >= 0.5
            brushes = np.where(first, pg.mkBrush(theme.POSITIVE), pg.mkBrush(theme.NEGATIVE))
            pen = pg.mkPen(WHITE, width=1.0)
        else:
            brushes = np.full(len(targets), pg.mkBrush(60, 60, 60, 170), dtype=object)
            pen = pg.mkPen(WHITE, width=0.6)
        self.scatter.setData(pos=maps.points, brush=list(brushes), pen=pen)
