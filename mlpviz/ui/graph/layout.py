"""Layout of the network graph: where columns, nodes, badges and edges go,
and the items built there once per architecture.

Each layer is a column ``COL_GAP`` apart; a small layer spaces its nodes
``NODE_GAP`` apart, a big one is squeezed into ``MAX_COLUMN``. The layer
titles sit above the columns, a bias badge at the upper left of each node
and a curve per weight between the columns.
"""

from __future__ import annotations

import itertools

import numpy as np
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QGraphicsItem

from mlpviz.engine.layout import ParamLayout
from mlpviz.ui.graph.colours import LEVELS
from mlpviz.ui.graph.items import NODE_RADIUS, BiasItem, EdgeItem, NodeItem, place_text, text_item
from mlpviz.ui.style import theme

# Layout, in scene units (≈ pixels at zoom 1).
COL_GAP = 230.0  # between layer columns
NODE_GAP = 80.0  # between node centres in a small layer
MAX_COLUMN = 560.0  # a big layer is squeezed into this height


class GraphLayoutMixin:
    """Geometry and items of the graph view (a mixin of
    :class:`~mlpviz.ui.graph.view.NetworkGraphView`).

    ``_layout`` computes, per layer, the column x (``_x``), the node heights
    (``_ys``), the node radius and spacing; the ``_build_*`` methods add the
    headers, nodes, bias badges and edges to the view's scene. Edge
    ``(l, j, i)`` is entry ``_edge_index((l, j, i))`` of the per-edge arrays.
    """

    def _layout(self) -> None:
        """Column x, node y, radius and spacing per layer: small layers get
        NODE_GAP between nodes, big ones are squeezed into MAX_COLUMN."""
        self._x, self._ys, self._radius, self._spacing = [], [], [], []
        for layer, n in enumerate(self._sizes):
            spacing = NODE_GAP if n == 1 else min(NODE_GAP, MAX_COLUMN / (n - 1))
            ys = (np.arange(n) - (n - 1) / 2) * spacing
            self._x.append(layer * COL_GAP)
            self._ys.append(ys)
            self._spacing.append(spacing)
            self._radius.append(min(NODE_RADIUS, spacing * 0.34))
        self._top = min(float(ys[0]) - r for ys, r in zip(self._ys, self._radius))

    def _layer_title(self, layer: int) -> tuple[str, str]:
        n = self._sizes[layer]
        if layer == 0:
            return "Input", f"{n} input{'s' if n != 1 else ''}"
        act = self._activations[layer - 1]
        if layer == len(self._sizes) - 1:
            return "Output", f"{n} × {act}"
        return f"Hidden {layer}", f"{n} × {act}"

    def _build_headers(self) -> None:
        for layer, x in enumerate(self._x):
            title, subtitle = self._layer_title(layer)
            head = text_item(title, 14, theme.TEXT, bold=True)
            sub = text_item(subtitle, 11, theme.MUTED)
            place_text(head, x, self._top - 44)
            place_text(sub, x, self._top - 26)
            for item in (head, sub):
                item.setZValue(12)
                # Static text: render once into a pixmap per zoom level.
                item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
                self._scene.addItem(item)
            self._headers.append(head)

    def _build_nodes(self) -> None:
        last = len(self._sizes) - 1
        for layer, (x, ys, r) in enumerate(zip(self._x, self._ys, self._radius)):
            act = None if layer == 0 else self._activations[layer - 1]
            label_scale = min(1.0, self._spacing[layer] / (NODE_GAP * 0.5))
            badge_scale = r / NODE_RADIUS
            for j, y in enumerate(ys):
                node = NodeItem(layer, j, r, act)
                node.setPos(x, float(y))
                node.setZValue(10)
                if layer == 0:
                    node.set_label(self._input_names[j], "left", label_scale)
                elif layer == last:
                    node.set_label(self._output_names[j], "right", label_scale)
                self._scene.addItem(node)
                self.node_items[(layer, j)] = node
                if layer > 0:
                    bias = BiasItem(("b", layer - 1, j), badge_scale)
                    # Upper left of the node, clear of the incoming edges,
                    # which arrive horizontally at its left side.
                    off = r * 0.78 + BiasItem.WIDTH * badge_scale * 0.42
                    bias.setPos(x - off, float(y) - off * 0.8)
                    bias.setZValue(11)
                    self._scene.addItem(bias)
                    self.bias_items[(layer - 1, j)] = bias

    def _build_edges(self) -> None:
        sizes = self._sizes
        counts = [a * b for a, b in itertools.pairwise(sizes)]
        self._reset_edge_state(sum(counts))
        self._edge_offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        # Flat parameter indices of the weights, in edge order (layer, node, input),
        # and of the biases in (layer, node) order: one fancy-index per snapshot.
        params = ParamLayout.of(sizes)
        w_index = [np.arange(w.start, w.stop) for w in params.weight_slices]
        b_index = [np.arange(b.start, b.stop) for b in params.bias_slices]
        self._w_index = np.concatenate(w_index)
        self._b_index = np.concatenate(b_index)
        # Each edge's ends, for the level of detail, picking and drawing a
        # dense network with NumPy: from the right of its input node at x
        # ``_edge_x[l][0]`` to the left of its node at ``_edge_x[l][1]``.
        layers = range(len(sizes) - 1)
        self._edge_x = [
            (self._x[l] + self._radius[l], self._x[l + 1] - self._radius[l + 1]) for l in layers
        ]
        self._edge_xa = np.repeat([xa for xa, _xb in self._edge_x], counts)
        self._edge_xb = np.repeat([xb for _xa, xb in self._edge_x], counts)
        self._edge_y0 = np.concatenate([np.tile(self._ys[l], sizes[l + 1]) for l in layers])
        self._edge_y1 = np.concatenate([np.repeat(self._ys[l + 1], sizes[l]) for l in layers])
        self._build_palette()
        self._build_edge_items()  # all now, or each on first use (graph_lod)

    def _edge_index(self, key: tuple) -> int:
        l, j, i = (int(v) for v in key)
        if not (0 <= l < len(self._sizes) - 1 and 0 <= j < self._sizes[l + 1]):
            raise KeyError(key)
        if not 0 <= i < self._sizes[l]:
            raise KeyError(key)
        return int(self._edge_offsets[l]) + j * self._sizes[l] + i

    def _edge_key(self, idx: int) -> tuple[int, int, int]:
        l = int(np.searchsorted(self._edge_offsets, idx, side="right")) - 1
        j, i = divmod(int(idx - self._edge_offsets[l]), self._sizes[l])
        return (l, j, i)

    def _create_edge(self, key: tuple) -> EdgeItem:
        idx = self._edge_index(key)
        l, j, i = (int(v) for v in key)
        start = QPointF(self._x[l] + self._radius[l], float(self._ys[l][i]))
        end = QPointF(self._x[l + 1] - self._radius[l + 1], float(self._ys[l + 1][j]))
        edge = EdgeItem(("w", l, j, i), start, end)
        edge.setZValue(0)
        if self._dense:
            edge.setVisible(False)  # the level of detail decides
        else:
            edge.setPen(self._palette[2 * LEVELS])
            self._edge_shown[idx] = True
        self._scene.addItem(edge)
        self._edge_list[idx] = edge
        dict.__setitem__(self.edge_items, (l, j, i), edge)
        return edge
