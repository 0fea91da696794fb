"""Layout of the network graph: where columns, nodes, badges and edges go,
computed once per architecture with NumPy.

Each layer is a column ``COL_GAP`` apart; a small layer spaces its nodes
``NODE_GAP`` apart, a bigger one is squeezed into ``MAX_COLUMN`` but never
closer than ``MIN_SPACING``: its column grows instead, and the view scrolls
rather than shrink its nodes below a legible size. A network with a layer of
more than ``LEGIBLE_NODES`` nodes (784 pixels of an image) cannot be legible
node by node: it is drawn as an overview, every layer squeezed into
``MAX_COLUMN`` and fitted whole. The layer titles sit above the columns, a bias badge
at the upper left of each node and a curve per weight between the columns.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from mlpviz.engine.layout import ParamLayout
from mlpviz.ui.graph.items import NODE_RADIUS, BiasItem

# Layout, in scene units (≈ pixels at zoom 1).
COL_GAP = 230.0  # between layer columns
NODE_GAP = 80.0  # between node centres in a small layer
MAX_COLUMN = 560.0  # a big layer is squeezed into this height, down to MIN_SPACING
MIN_SPACING = 20.0  # node centres of a layer of up to LEGIBLE_NODES are never closer
LEGIBLE_NODES = 128  # layers up to this size keep legible nodes and labels
MIN_NODE_PX = 10.0  # fitted, a node is at least this wide on screen (not in an overview)
LABEL_PITCH = 18.0  # label lines this far apart take their full 12-unit font (overview: 40)


class GraphLayout:
    """The geometry of a network with ``sizes`` nodes per layer (input first).

    Per layer: the column x (``x``), the node heights (``ys``), the node
    ``radius`` and ``spacing``, and the scales of its labels
    (``label_scale``) and of the texts in and under its nodes
    (``text_scale``). Per edge, in edge order (layer, node, input): edge
    ``(l, j, i)`` is entry ``edge_index((l, j, i))`` of ``edge_xa``,
    ``edge_y0`` (its input node's end) and ``edge_xb``, ``edge_y1`` (its
    node's end); ``offsets[l]:offsets[l + 1]`` are layer ``l``'s edges, all
    from ``x = edge_x[l][0]`` to ``x = edge_x[l][1]``. ``w_index`` and
    ``b_index`` are the flat parameter indices of the weights in edge order
    and of the biases in (layer, node) order: one fancy-index per snapshot.
    """

    def __init__(self, sizes: Sequence[int]) -> None:
        self.sizes = tuple(int(n) for n in sizes)
        self.x: list[float] = []
        self.ys: list[np.ndarray] = []
        self.radius: list[float] = []
        self.spacing: list[float] = []
        self.overview = max(self.sizes) > LEGIBLE_NODES
        for layer, n in enumerate(self.sizes):
            spacing = NODE_GAP if n == 1 else layer_spacing(n, self.overview)
            self.x.append(layer * COL_GAP)
            self.ys.append((np.arange(n) - (n - 1) / 2) * spacing)
            self.spacing.append(spacing)
            self.radius.append(min(NODE_RADIUS, spacing * 0.34))
        self.top = min(float(ys[0]) - r for ys, r in zip(self.ys, self.radius))
        pitch = NODE_GAP * 0.5 if self.overview else LABEL_PITCH
        self.label_scale = [min(1.0, s / pitch) for s in self.spacing]
        self.text_scale = [r / NODE_RADIUS for r in self.radius]
        self._edges()

    def legible_scale(self) -> float:
        """The least zoom at which every node is ``MIN_NODE_PX`` wide on
        screen, which a fitted view keeps; 0 for an overview (fitted whole)."""
        return 0.0 if self.overview else MIN_NODE_PX / (2 * min(self.radius))

    def _edges(self) -> None:
        sizes = self.sizes
        counts = [a * b for a, b in itertools.pairwise(sizes)]
        self.n_edges = sum(counts)
        self.offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        # Flat parameter indices of the weights, in edge order (layer, node, input),
        # and of the biases in (layer, node) order: one fancy-index per snapshot.
        params = ParamLayout.of(sizes)
        self.w_index = np.concatenate([np.arange(w.start, w.stop) for w in params.weight_slices])
        self.b_index = np.concatenate([np.arange(b.start, b.stop) for b in params.bias_slices])
        # From the right of its input node to the left of its node.
        layers = range(len(sizes) - 1)
        self.edge_x = [
            (self.x[l] + self.radius[l], self.x[l + 1] - self.radius[l + 1]) for l in layers
        ]
        self.edge_xa = np.repeat([xa for xa, _xb in self.edge_x], counts)
        self.edge_xb = np.repeat([xb for _xa, xb in self.edge_x], counts)
        self.edge_y0 = np.concatenate([np.tile(self.ys[l], sizes[l + 1]) for l in layers])
        self.edge_y1 = np.concatenate([np.repeat(self.ys[l + 1], sizes[l]) for l in layers])

    def edge_index(self, key: tuple) -> int:
        """The position of weight ``(layer, node, input)`` in edge order;
        KeyError for a weight this network does not have."""
        l, j, i = (int(v) for v in key)
        if not (0 <= l < len(self.sizes) - 1 and 0 <= j < self.sizes[l + 1]):
            raise KeyError(key)
        if not 0 <= i < self.sizes[l]:
            raise KeyError(key)
        return int(self.offsets[l]) + j * self.sizes[l] + i

    def edge_key(self, idx: int) -> tuple[int, int, int]:
        """The ``(layer, node, input)`` of the edge at position ``idx``."""
        l = int(np.searchsorted(self.offsets, idx, side="right")) - 1
        j, i = divmod(int(idx - self.offsets[l]), self.sizes[l])
        return (l, j, i)

    def edge_ends(self, key: tuple) -> tuple[float, float, float, float]:
        """Start x, y and end x, y of weight ``(layer, node, input)``."""
        l, j, i = (int(v) for v in key)
        xa, xb = self.edge_x[l]
        return xa, float(self.ys[l][i]), xb, float(self.ys[l + 1][j])

    def bias_pos(self, layer: int, j: int) -> tuple[float, float]:
        """Where the badge of node ``j`` of ``layer`` (≥ 1) goes: upper left
        of the node, clear of the incoming edges, which arrive horizontally
        at its left side."""
        r, y = self.radius[layer], float(self.ys[layer][j])
        off = r * 0.78 + BiasItem.WIDTH * self.text_scale[layer] * 0.42
        return self.x[layer] - off, y - off * 0.8

    def valid_param(self, param: object) -> bool:
        """Whether ``param`` names a weight ``("w", l, j, i)`` or a bias
        ``("b", l, j)`` of this network."""
        sizes = self.sizes
        try:
            kind, l, j, *rest = param  # type: ignore[misc]
            l, j = int(l), int(j)
            if not (0 <= l < len(sizes) - 1 and 0 <= j < sizes[l + 1]):
                return False
            if kind == "w" and len(rest) == 1:
                return 0 <= int(rest[0]) < sizes[l]
            return kind == "b" and not rest
        except (TypeError, ValueError):
            return False

    def layer_title(self, layer: int, activations: Sequence[str]) -> tuple[str, str]:
        """The column's title and subtitle ("Hidden 1", "3 × sigmoid")."""
        n = self.sizes[layer]
        if layer == 0:
            return "Input", f"{n} input{'s' if n != 1 else ''}"
        act = activations[layer - 1]
        if layer == len(self.sizes) - 1:
            return "Output", f"{n} × {act}"
        return f"Hidden {layer}", f"{n} × {act}"


def layer_spacing(n: int, overview: bool = False) -> float:
    """The distance between the node centres of a layer of ``n`` ≥ 2 nodes:
    ``NODE_GAP`` while the column fits ``MAX_COLUMN``, then squeezed, down to
    ``MIN_SPACING`` unless the network is an ``overview``."""
    squeezed = min(NODE_GAP, MAX_COLUMN / (n - 1))
    return squeezed if overview else max(squeezed, MIN_SPACING)
