"""Level of detail of the network graph, so big networks stay fast.

Networks with more than ``DENSE_EDGES`` weights draw only the strongest
edges of each layer that are on screen, ``EDGE_BUDGET`` in all: zooming in
shows more detail at the same paint cost. Past ``LAZY_EDGES`` weights the
edge items themselves are created on first use. Node labels, values and
bias badges appear once they are big enough on screen to read.

:class:`GraphLodMixin` is a part of
:class:`~mlpviz.ui.graph_view.NetworkGraphView`, kept in its own module so
the view stays readable; the constants are importable from
:mod:`mlpviz.ui.graph_view` as before.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence

import numpy as np

from .graph_items import NODE_RADIUS, EdgeItem
from .graph_layout import NODE_GAP

# Level of detail.
DENSE_EDGES = 1500  # above this many weights, draw only the strongest ones
EDGE_BUDGET = 1500  # edges drawn *on screen* in a dense network, at any zoom
FAINT = 0.04  # in a dense network, hide edges below this fraction of the max
LAZY_EDGES = 8000  # above this many weights, create edge items on first use
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
    """``edge_items`` for huge networks: an item is created when first drawn
    or first looked up, so 100,000 weights do not cost 100,000 items."""

    def __init__(self, factory: Callable[[tuple], EdgeItem]) -> None:
        super().__init__()
        self._factory = factory

    def __missing__(self, key: tuple) -> EdgeItem:
        return self._factory(key)  # the factory stores it (or raises KeyError)


class GraphLodMixin:
    """Which edges and texts the graph view draws (a mixin of
    :class:`~mlpviz.ui.graph_view.NetworkGraphView`).

    Per edge, in edge order, the view keeps the palette index applied
    (``_edge_keys``), whether it is drawn (``_edge_shown``) and its item once
    created (``_edge_list``); ``_dense`` says the level of detail is on.
    """

    def _reset_edge_state(self, n_edges: int) -> None:
        self._n_edges = n_edges
        self._edge_keys = np.full(n_edges, -1, dtype=np.int16)  # palette index applied
        self._edge_shown = np.zeros(n_edges, dtype=bool)
        self._edge_list: list[EdgeItem | None] = [None] * n_edges
        self._dense = n_edges > DENSE_EDGES

    def _build_edge_items(self) -> None:
        """Create every edge item now or, past ``LAZY_EDGES`` weights, each
        on first use (``edge_items`` then creates the ones looked up)."""
        if self._n_edges > LAZY_EDGES:
            self.edge_items = _LazyEdges(self._create_edge)
            return
        self.edge_items = {}
        for l, (n_in, n_out) in enumerate(itertools.pairwise(self._sizes)):
            for j in range(n_out):
                for i in range(n_in):
                    self._create_edge((l, j, i))

    def _on_screen(self) -> np.ndarray:
        """Edges whose bounding box meets the visible part of the scene."""
        area = self.mapToScene(self.viewport().rect()).boundingRect()
        on = (self._edge_bottom >= area.top()) & (self._edge_top <= area.bottom())
        for l in range(len(self._sizes) - 1):
            if self._x[l + 1] < area.left() or self._x[l] > area.right():
                on[self._edge_offsets[l] : self._edge_offsets[l + 1]] = False
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

    def visible_edge_count(self) -> int:
        """How many weight edges are drawn now (the level of detail hides some)."""
        return int(self._edge_shown.sum())
