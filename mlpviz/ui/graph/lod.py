"""Level of detail of the network graph, so big networks stay fast.

Networks with more than ``DENSE_EDGES`` weights draw only the strongest
edges of each layer that are on screen, ``EDGE_BUDGET`` in all: zooming in
shows more detail at the same paint cost, and once every edge on screen
fits the budget all of them are drawn. Their edges are drawn together by
one cached :class:`~mlpviz.ui.graph.bundle.EdgeBundleItem`; an edge item
exists only for an edge that is looked up (selected, hovered, edited,
labelled), and is shown only while selected or hovered. Node labels, values
and bias badges appear once they are big enough on screen to read.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import numpy as np
from PySide6.QtCore import QPoint, QRectF

from mlpviz.ui.graph.bundle import EdgeBundleItem, curve_rise, curve_slope, curve_t, curves_path
from mlpviz.ui.graph.colours import LEVELS
from mlpviz.ui.graph.items import NODE_RADIUS, EdgeItem
from mlpviz.ui.graph.layout import NODE_GAP

# Level of detail.
DENSE_EDGES = 1500  # above this many weights, draw only the strongest ones
EDGE_BUDGET = 1500  # edges drawn *on screen* in a dense network, at any zoom
FAINT = 0.04  # in a dense network, hide edges below this fraction of the max
# Edge items of a dense network are only made on first use (they are not
# what draws its edges); kept as a name for code that imported it.
LAZY_EDGES = DENSE_EDGES
HIT_PIXELS = 8.0  # an edge can be picked this many pixels wide on screen


def _water_fill(counts: Sequence[int], budget: int) -> list[int]:
    """Split ``budget`` over layers so small layers are drawn whole and the
    rest is shared evenly by the big ones."""
    allot = [0] * len(counts)
    remaining = budget
    order = sorted(range(len(counts)), key=lambda l: counts[l])
    for pos, l in enumerate(order):
        share = remaining // (len(order) - pos)
        allot[l] = min(counts[l], share)
        remaining -= allot[l]
    return allot


class _LazyEdges(dict):
    """``edge_items`` of a dense network: an item is created when first
    looked up, so 100,000 weights do not cost 100,000 items."""

    def __init__(self, factory: Callable[[tuple], EdgeItem]) -> None:
        super().__init__()
        self._factory = factory

    def __missing__(self, key: tuple) -> EdgeItem:
        return self._factory(key)  # the factory stores it (or raises KeyError)


class GraphLodMixin:
    """Which edges and texts the graph view draws, and how a dense network's
    edges are drawn and picked (a mixin of
    :class:`~mlpviz.ui.graph.view.NetworkGraphView`).

    Per edge, in edge order, the view keeps the palette index applied
    (``_edge_keys``, -1 when not drawn), the palette index of its current
    value (``_edge_pens``), whether it is drawn (``_edge_shown``) and its
    item once created (``_edge_list``); ``_dense`` says the level of detail
    is on, and then ``_bundle`` draws the edges.
    """

    def _reset_edge_state(self, n_edges: int) -> None:
        self._n_edges = n_edges
        self._edge_keys = np.full(n_edges, -1, dtype=np.int16)  # palette index applied
        self._edge_pens = np.full(n_edges, 2 * LEVELS, dtype=np.int16)  # grey: no values
        self._edge_shown = np.zeros(n_edges, dtype=bool)
        self._edge_list: list[EdgeItem | None] = [None] * n_edges
        self._dense = n_edges > DENSE_EDGES
        self._bundle: EdgeBundleItem | None = None

    def _build_edge_items(self) -> None:
        """A small network gets an item per edge now; a dense one a bundle
        that draws the edges, and items made on first use."""
        if not self._dense:
            self.edge_items = {}
            for l, (n_in, n_out) in enumerate(itertools.pairwise(self._sizes)):
                for j in range(n_out):
                    for i in range(n_in):
                        self._create_edge((l, j, i))
            return
        self.edge_items = _LazyEdges(self._create_edge)
        top = min(float(ys[0]) for ys in self._ys)
        bottom = max(float(ys[-1]) for ys in self._ys)
        left, right = self._edge_x[0][0], self._edge_x[-1][1]
        # 2 units of room for the (≤ 1 px) cosmetic pens' antialiasing.
        self._bundle = EdgeBundleItem(
            QRectF(left, top, right - left, bottom - top).adjusted(-2, -2, 2, 2)
        )
        self._scene.addItem(self._bundle)

    def _on_screen(self) -> np.ndarray:
        """Edges of which some part is in the visible part of the scene.

        A curve's height is monotone in x, so the part of it inside the
        view's columns spans the heights at the view's left and right edges.
        """
        area = self.mapToScene(self.viewport().rect()).boundingRect()
        on = np.zeros(self._n_edges, dtype=bool)
        for l, (xa, xb) in enumerate(self._edge_x):
            left, right = max(area.left(), xa), min(area.right(), xb)
            if left > right:
                continue
            lo, hi = int(self._edge_offsets[l]), int(self._edge_offsets[l + 1])
            y0 = self._edge_y0[lo:hi]
            rise = self._edge_y1[lo:hi] - y0
            at_left = y0 + rise * curve_rise(curve_t((left - xa) / (xb - xa)))
            at_right = y0 + rise * curve_rise(curve_t((right - xa) / (xb - xa)))
            on[lo:hi] = (np.maximum(at_left, at_right) >= area.top()) & (
                np.minimum(at_left, at_right) <= area.bottom()
            )
        return on

    def _edge_mask(self, mags: np.ndarray | None, vmax: float) -> np.ndarray:
        """Which edges to draw: all in a small network. In a dense one, the
        strongest on-screen edges of each layer, EDGE_BUDGET in all: zooming
        in narrows what is on screen, so the same budget shows more detail,
        and the paint cost stays the same at any zoom."""
        n = self._n_edges
        if not self._dense:
            return np.ones(n, dtype=bool)
        shown = np.zeros(n, dtype=bool)
        if mags is not None:
            on = self._on_screen() & (mags >= FAINT * vmax)
            ranked = np.where(on, mags, -1.0)  # off-screen edges sort last
            offsets = self._edge_offsets
            counts = [int(on[offsets[l] : offsets[l + 1]].sum()) for l in range(len(offsets) - 1)]
            for l, k in enumerate(_water_fill(counts, EDGE_BUDGET)):
                lo, hi = int(offsets[l]), int(offsets[l + 1])
                if k >= counts[l]:
                    shown[lo:hi] = on[lo:hi]
                elif k > 0:
                    seg = ranked[lo:hi]
                    shown[lo + np.argpartition(seg, seg.size - k)[seg.size - k :]] = True
        for p in self.selected_params:  # a selected weight is always drawn
            if p[0] == "w":
                shown[self._edge_index(p[1:])] = True
        return shown

    def _refresh_lod(self, force: bool = False) -> None:
        """Show labels, values and badges once they are big enough on screen,
        and give a dense network more edges as the user zooms in."""
        if not self._sizes:
            return
        s = self._scale()
        self._scene.hit_width = HIT_PIXELS / s  # read by EdgeItem.shape()
        texts_appeared = False
        for layer, n in enumerate(self._sizes):
            r, spacing = self._radius[layer], self._spacing[layer]
            label_px = 12 * min(1.0, spacing / (NODE_GAP * 0.5)) * s
            k = r / NODE_RADIUS
            state = (label_px >= 7, 10 * k * s >= 7, 9 * k * s >= 7, r * s >= 8)
            if not force and self._lod_state.get(layer) == state:
                continue
            old = self._lod_state.get(layer)
            texts_appeared |= state[1] and not (old is not None and old[1])
            self._lod_state[layer] = state
            show_label, show_value, show_act, show_bias = state
            for j in range(n):
                node = self.node_items[(layer, j)]
                if node.label is not None:
                    node.label.setVisible(show_label)
                node.value_text.setVisible(show_value)
                if node.activation_text is not None:
                    node.activation_text.setVisible(show_act)
                if layer > 0:
                    self.bias_items[(layer - 1, j)].setVisible(show_bias)
        if texts_appeared:
            self._update_nodes()
        if self._dense:
            self._refresh_edges()  # what is on screen changed
            self._bundle.sharpen(s)  # the zoom rests: no more scaled pixels

    def visible_edge_count(self) -> int:
        """How many weight edges are drawn now (the level of detail hides some)."""
        return int(self._edge_shown.sum())

    def edge_drawn(self, key: tuple) -> bool:
        """Whether weight ``(layer, node, input)`` is drawn now."""
        return bool(self._edge_shown[self._edge_index(key)])

    # -- a dense network's edges ---------------------------------------------------------

    def _draw_bundle(self, shown: np.ndarray, keys: np.ndarray) -> None:
        """Give the bundle one path per pen for the ``shown`` edges, weakest
        level first so the strongest edges are drawn on top; nothing is
        redrawn when neither the edges nor their pens changed."""
        self._edge_pens = keys
        for edge in self._live_edges():
            self._raise_edge(edge, edge.zValue())  # its pen follows the value
        if np.array_equal(np.where(shown, keys, -1), self._edge_keys):
            return
        idx = np.flatnonzero(shown)
        k = keys[idx]
        # Weakest level first; within a level the signs take turns on top, so
        # neither colour covers the other everywhere.
        level, sign = k % LEVELS, k // LEVELS
        order = np.argsort(level * 3 + np.where(level % 2, 2 - sign, sign), kind="stable")
        idx, k = idx[order], k[order]
        cuts = np.flatnonzero(np.diff(k)) + 1
        strokes = []
        for group, group_keys in zip(np.split(idx, cuts), np.split(k, cuts)):
            if group.size:
                ends = (self._edge_xa, self._edge_y0, self._edge_xb, self._edge_y1)
                path = curves_path(*(a[group] for a in ends))
                strokes.append((self._palette[int(group_keys[0])], path))
        self._bundle.set_strokes(strokes)

    def _live_edges(self) -> list[EdgeItem]:
        """The edge items on show in a dense network: selected or hovered."""
        hover = [self._hover] if isinstance(self._hover, EdgeItem) else []
        return [*self._raised, *(e for e in hover if e not in self._raised)]

    def _raise_edge(self, edge: EdgeItem, z: float) -> None:
        """Draw ``edge`` above the others (selected or hovered); in a dense
        network its item is shown only then, with its value's pen."""
        if self._dense:
            edge.setPen(self._palette[int(self._edge_pens[self._edge_index(edge.param[1:])])])
            edge.setVisible(True)
        edge.setZValue(z)

    def _lower_edge(self, edge: EdgeItem) -> None:
        edge.setZValue(0)
        if self._dense:
            edge.setVisible(False)  # the bundle draws it, if it is drawn

    def _pick_dense_edge(self, pos: QPoint) -> EdgeItem | None:
        """The drawn edge of a dense network nearest to viewport point
        ``pos``, within HIT_PIXELS / 2 on screen (None in a small network,
        whose edges are items the scene finds)."""
        if self._bundle is None:
            return None
        p = self.mapToScene(pos)
        for l, (xa, xb) in enumerate(self._edge_x):
            if not xa <= p.x() <= xb:
                continue
            lo, hi = int(self._edge_offsets[l]), int(self._edge_offsets[l + 1])
            idx = lo + np.flatnonzero(self._edge_shown[lo:hi])
            if idx.size == 0:
                return None
            t = float(curve_t((p.x() - xa) / (xb - xa)))
            rise = self._edge_y1[idx] - self._edge_y0[idx]
            y = self._edge_y0[idx] + rise * curve_rise(t)
            # Distance across the curve, not straight down: steep edges too.
            dist = np.abs(p.y() - y) / np.hypot(1.0, curve_slope(t, xb - xa, rise))
            k = int(np.argmin(dist))
            if dist[k] * self._scale() > HIT_PIXELS / 2:
                return None
            return self.edge_items[self._edge_key(int(idx[k]))]
        return None
