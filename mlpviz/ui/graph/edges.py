"""The weight edges of the network graph: an item per edge in a small
network; in a dense one (more than ``DENSE_EDGES`` weights) one cached
:class:`~mlpviz.ui.graph.bundle.EdgeBundleItem` draws them, and an edge item
exists only for an edge that is looked up (selected, hovered, edited,
labelled) and is shown only while selected or hovered.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtWidgets import QGraphicsScene

from mlpviz.ui.graph.bundle import EdgeBundleItem, curves_path
from mlpviz.ui.graph.colours import GREY_KEY, LEVELS, GraphPalette
from mlpviz.ui.graph.items import EdgeItem
from mlpviz.ui.graph.layout import GraphLayout
from mlpviz.ui.graph.lod import is_dense, nearest_edge, stroke_groups


class LazyEdges(dict):
    """``edge_items`` of a dense network: an item is created when first
    looked up, so 100,000 weights do not cost 100,000 items."""

    def __init__(self, factory: Callable[[tuple], EdgeItem]) -> None:
        super().__init__()
        self._factory = factory

    def __missing__(self, key: tuple) -> EdgeItem:
        return self._factory(key)  # the factory stores it (or raises KeyError)


class EdgeSet:
    """The edges of one architecture in ``scene``, drawn with ``palette``.

    Per edge, in edge order, it keeps the pen index applied (``_keys``, -1
    when not drawn), the pen index of its current value (``_pens``), whether
    it is drawn (``shown``) and its item once created (``_list``); ``items``
    maps ``(layer, node, input)`` to the item. ``dense`` says the level of
    detail is on, and then ``bundle`` draws the edges.
    """

    def __init__(self, scene: QGraphicsScene, layout: GraphLayout, palette: GraphPalette) -> None:
        self._scene, self._layout, self._palette = scene, layout, palette
        n = layout.n_edges
        self.dense = is_dense(n)
        self._keys = np.full(n, -1, dtype=np.int16)
        self._pens = np.full(n, GREY_KEY, dtype=np.int16)  # grey: no values
        self.shown = np.zeros(n, dtype=bool)
        self._list: list[EdgeItem | None] = [None] * n
        self.bundle: EdgeBundleItem | None = None
        if not self.dense:
            self.items: dict = {}
            for l, (n_in, n_out) in enumerate(itertools.pairwise(layout.sizes)):
                for j in range(n_out):
                    for i in range(n_in):
                        self._create((l, j, i))
            return
        self.items = LazyEdges(self._create)
        top = min(float(ys[0]) for ys in layout.ys)
        bottom = max(float(ys[-1]) for ys in layout.ys)
        left, right = layout.edge_x[0][0], layout.edge_x[-1][1]
        # 2 units of room for the (≤ 1 px) cosmetic pens' antialiasing.
        self.bundle = EdgeBundleItem(
            QRectF(left, top, right - left, bottom - top).adjusted(-2, -2, 2, 2)
        )
        scene.addItem(self.bundle)

    def _create(self, key: tuple) -> EdgeItem:
        idx = self._layout.edge_index(key)
        l, j, i = (int(v) for v in key)
        xa, ya, xb, yb = self._layout.edge_ends((l, j, i))
        edge = EdgeItem(("w", l, j, i), QPointF(xa, ya), QPointF(xb, yb))
        edge.setZValue(0)
        if self.dense:
            edge.setVisible(False)  # the level of detail decides
        else:
            edge.setPen(self._palette.pens[GREY_KEY])
            self.shown[idx] = True
        self._scene.addItem(edge)
        self._list[idx] = edge
        dict.__setitem__(self.items, (l, j, i), edge)
        return edge

    def apply(self, keys: np.ndarray, shown: np.ndarray, live: list[EdgeItem]) -> None:
        """Draw the ``shown`` edges with pens ``keys``. In a small network only
        items whose pen changed are touched; a dense one gives the bundle one
        path per pen, and its ``live`` (selected or hovered) items follow
        their values' pens."""
        if self.dense:
            self._draw_bundle(shown, keys, live)
        else:
            # Plain ints: NumPy scalars are slow to index lists with, and
            # this loop runs per frame.
            edges, pens = self._list, self._palette.pens
            changed = np.flatnonzero(keys != self._keys)
            for idx, key in zip(changed.tolist(), keys[changed].tolist()):
                edges[idx].setPen(pens[key])
        self._keys = np.where(shown, keys, -1).astype(np.int16)
        self.shown = shown

    def _draw_bundle(self, shown: np.ndarray, keys: np.ndarray, live: list[EdgeItem]) -> None:
        """Nothing is redrawn when neither the edges nor their pens changed."""
        self._pens = keys
        for edge in live:
            self.raise_edge(edge, edge.zValue())  # its pen follows the value
        if np.array_equal(np.where(shown, keys, -1), self._keys):
            return
        lay = self._layout
        ends = (lay.edge_xa, lay.edge_y0, lay.edge_xb, lay.edge_y1)
        strokes = [
            (self._palette.pens[key], curves_path(*(a[group] for a in ends)))
            for key, group in stroke_groups(shown, keys, LEVELS)
        ]
        self.bundle.set_strokes(strokes)

    def raise_edge(self, edge: EdgeItem, z: float) -> None:
        """Draw ``edge`` above the others (selected or hovered); in a dense
        network its item is shown only then, with its value's pen."""
        if self.dense:
            idx = self._layout.edge_index(edge.param[1:])
            edge.setPen(self._palette.pens[int(self._pens[idx])])
            edge.setVisible(True)
        edge.setZValue(z)

    def lower_edge(self, edge: EdgeItem) -> None:
        edge.setZValue(0)
        if self.dense:
            edge.setVisible(False)  # the bundle draws it, if it is drawn

    def nearest(self, x: float, y: float, scale: float) -> EdgeItem | None:
        """The drawn edge of a dense network nearest to scene point (x, y)
        within a few pixels at zoom ``scale`` (None in a small network, whose
        edges are items the scene finds)."""
        if self.bundle is None:
            return None
        lay = self._layout
        idx = nearest_edge(
            x, y, scale, lay.edge_x, lay.offsets, self.shown, lay.edge_y0, lay.edge_y1
        )
        return None if idx is None else self.items[lay.edge_key(idx)]

    def sharpen(self, scale: float) -> None:
        """The zoom rests at ``scale``: a dense network's cached pixels are
        drawn again at it."""
        if self.bundle is not None:
            self.bundle.sharpen(scale)

    def drawn_count(self) -> int:
        return int(self.shown.sum())

    def drawn(self, key: tuple) -> bool:
        return bool(self.shown[self._layout.edge_index(key)])
