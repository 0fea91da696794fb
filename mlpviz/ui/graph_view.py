"""The network graph: neurons in columns, every weight an edge, every bias a
badge, all coloured live from the latest :class:`~mlpviz.ui.snapshot.Snapshot`.

The view mirrors the model and never owns the weights: clicks select
parameters (``parameterSelected``), inline edits are only *requested*
(``editRequested``) and show up when the next snapshot arrives.

Scale: the scene is built once per architecture (``set_architecture``) and
each snapshot only changes pens, brushes and texts of existing items, and
only those whose quantized look changed. Networks with more than
``DENSE_EDGES`` weights switch to a level of detail that draws the strongest
edges of each layer (more when zoomed in); past ``LAZY_EDGES`` weights the
edge items themselves are created on first use.
"""

from __future__ import annotations

import contextlib
import itertools
import math
from collections.abc import Callable, Sequence

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPainter, QPen
from PySide6.QtWidgets import (
    QFrame,
    QGraphicsItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from . import theme
from .graph_items import (
    NODE_PEN,
    NODE_RADIUS,
    BiasItem,
    EdgeItem,
    HaloItem,
    MarkerItem,
    NodeItem,
    Param,
    StepOverlay,
    fmt,
    param_name,
    place_text,
    short_value,
    text_item,
)
from .snapshot import Snapshot, param_index

# Layout, in scene units (≈ pixels at zoom 1).
COL_GAP = 230.0  # between layer columns
NODE_GAP = 80.0  # between node centres in a small layer
MAX_COLUMN = 560.0  # a big layer is squeezed into this height
# Level of detail.
DENSE_EDGES = 1500  # above this many weights, draw only the strongest ones
EDGE_BUDGET = 1500  # edges drawn *on screen* in a dense network, at any zoom
FAINT = 0.04  # in a dense network, hide edges below this fraction of the max
LAZY_EDGES = 8000  # above this many weights, create edge items on first use
LEVELS = 32  # quantized widths; a pen is only replaced when its level changes
HIT_PIXELS = 8.0  # an edge can be picked this many pixels wide on screen
MAX_FIT_SCALE = 2.0  # a tiny network should not fill a big window with huge circles

EDGE_MODES = ("weight", "gradient", "update")
_GREY = QColor(theme.MUTED)
_BACKGROUND = QColor(250, 250, 251)
# A dynamic "invalid" property on the line edit switches on the red border.
_EDITOR_STYLE = """
#inlineEditor { background: white; border: 1px solid ACCENT; border-radius: 6px; }
QLabel { color: #333; }
QLabel#error { color: #c62828; font-size: 11px; }
QLineEdit { border: 1px solid #bbb; border-radius: 3px; padding: 2px 4px; }
QLineEdit[invalid="true"] { border: 2px solid #c62828; background: #fff5f5; }
""".replace("ACCENT", theme.ACCENT.name())


def parse_value(text: str) -> float:
    """The number typed in an editor, or ValueError with a message for people.

    Accepts a typographic minus and a decimal comma; refuses NaN and ±∞
    because a network with one non-finite weight only produces NaN.
    """
    cleaned = text.strip().replace("\u2212", "-")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    if not cleaned:
        raise ValueError("Type a number, e.g. 0.25 (Esc cancels).")
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError(
            f"“{text.strip()}” is not a number. Type e.g. 0.25, or Esc to cancel."
        ) from None
    if not math.isfinite(value):
        raise ValueError("The value must be a finite number (not NaN or infinity).")
    return value


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


class _LineEdit(QLineEdit):
    """A line edit that reports Escape instead of swallowing it."""

    escaped = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.escaped.emit()
            return
        super().keyPressEvent(event)


class InlineEditor(QFrame):
    """A small popup over the graph to type a parameter's new value.

    Enter submits a valid number (``submitted``), refuses anything else with
    a red border and a message (``rejected``) and stays open; Esc cancels.
    """

    submitted = Signal(object, float)
    rejected = Signal(str)
    cancelled = Signal()

    def __init__(self, parent: QWidget, param: Param, value: float) -> None:
        super().__init__(parent)
        self.param = param
        self.error = ""
        self.setObjectName("inlineEditor")
        self.setStyleSheet(_EDITOR_STYLE)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 6, 8, 6)
        outer.setSpacing(3)
        row = QHBoxLayout()
        row.setSpacing(6)
        self.label = QLabel(f"{param_name(param)} =")
        self.line_edit = _LineEdit(repr(float(value)))  # the shortest exact form
        self.line_edit.setMinimumWidth(96)
        self.line_edit.setToolTip("Enter applies · Esc cancels")
        row.addWidget(self.label)
        row.addWidget(self.line_edit)
        outer.addLayout(row)
        self.error_label = QLabel()
        self.error_label.setObjectName("error")
        self.error_label.setWordWrap(True)
        self.setFixedWidth(250)  # room for the messages without reflowing the popup
        self.error_label.setVisible(False)
        outer.addWidget(self.error_label)
        self.line_edit.returnPressed.connect(self._submit)
        self.line_edit.escaped.connect(self.cancelled.emit)
        self.line_edit.textEdited.connect(self._clear_error)

    def _submit(self) -> None:
        try:
            value = parse_value(self.line_edit.text())
        except ValueError as e:
            self._show_error(str(e))
            return
        self.submitted.emit(self.param, value)

    def _show_error(self, text: str) -> None:
        self.error = text
        self.line_edit.setProperty("invalid", True)
        self.line_edit.setToolTip(text)
        self.error_label.setText(text)
        self.error_label.setVisible(True)
        self._restyle()
        self.rejected.emit(text)

    def _clear_error(self) -> None:
        if not self.error:
            return
        self.error = ""
        self.line_edit.setProperty("invalid", False)
        self.line_edit.setToolTip("Enter applies · Esc cancels")
        self.error_label.setVisible(False)
        self._restyle()

    def _restyle(self) -> None:
        # A dynamic property only restyles after an unpolish/polish cycle.
        self.line_edit.style().unpolish(self.line_edit)
        self.line_edit.style().polish(self.line_edit)
        self.adjustSize()

    def open_at(self, point: QPoint) -> None:
        """Show with the top-left near ``point``, kept inside the parent."""
        self.adjustSize()
        parent = self.parentWidget()
        x = min(max(4, point.x() + 10), max(4, parent.width() - self.width() - 4))
        y = min(max(4, point.y() - self.height() - 8), max(4, parent.height() - self.height() - 4))
        self.move(x, y)
        self.show()
        self.raise_()
        self.line_edit.setFocus()
        self.line_edit.selectAll()


class _LazyEdges(dict):
    """``edge_items`` for huge networks: an item is created when first drawn
    or first looked up, so 100,000 weights do not cost 100,000 items."""

    def __init__(self, factory: Callable[[tuple], EdgeItem]) -> None:
        super().__init__()
        self._factory = factory

    def __missing__(self, key: tuple) -> EdgeItem:
        return self._factory(key)  # the factory stores it (or raises KeyError)


class NetworkGraphView(QGraphicsView):
    """The MLP as a graph that updates live.

    Signals: ``parameterSelected(param)`` on a click on an edge or bias,
    ``editRequested(param, value)`` when an inline edit is confirmed, and
    ``message(text)`` for refused input.
    """

    parameterSelected = Signal(object)
    editRequested = Signal(object, float)
    message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._scene = QGraphicsScene(self)
        # Items never move, but their bounding rects change with every pen
        # width; a BSP index would be re-sorted on each snapshot.
        self._scene.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.setScene(self._scene)
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setBackgroundBrush(_BACKGROUND)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.BoundingRectViewportUpdate)
        self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMouseTracking(True)
        self.setMinimumSize(200, 150)

        self.node_items: dict[tuple[int, int], NodeItem] = {}
        self.edge_items: dict[tuple[int, int, int], EdgeItem] = {}
        self.bias_items: dict[tuple[int, int], BiasItem] = {}
        self.selected_params: list[Param] = []
        self.edge_mode = "weight"
        self.highlighted_layer: int | None = None
        self.editor: InlineEditor | None = None

        self._sizes: tuple[int, ...] = ()
        self._activations: tuple[str, ...] = ()
        self._input_names: list[str] = []
        self._output_names: list[str] = []
        self._snap: Snapshot | None = None
        self._user_zoomed = False
        self._fit_scale = 1.0
        self._pan_from: QPointF | None = None
        self._hover: QGraphicsItem | None = None
        self._raised: list[EdgeItem] = []
        self._headers: list[QGraphicsItem] = []
        self._lod_state: dict[int, tuple[bool, ...]] = {}
        self._vmax, self._fallback = 0.0, True
        self._reset_edge_state(0)

        self._lod_timer = QTimer(self)
        self._lod_timer.setSingleShot(True)
        self._lod_timer.setInterval(60)  # coalesce a burst of wheel steps
        self._lod_timer.timeout.connect(self._refresh_lod)

        self._legend = QLabel(self)
        self._legend.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self._legend.setStyleSheet(
            "QLabel { background: rgba(255,255,255,225); color: #555; border: 1px solid #e4e4e4;"
            " border-radius: 4px; padding: 3px 8px; font-size: 12px; }"
        )
        self._legend.setText("w")  # a real line height for fit() before any snapshot
        self._legend.setVisible(False)
        self._legend_text = ""
        self._overlay = StepOverlay()  # the step-through's labels (step_through.py)

    # -- building --------------------------------------------------------------------

    def _reset_edge_state(self, n_edges: int) -> None:
        self._n_edges = n_edges
        self._edge_keys = np.full(n_edges, -1, dtype=np.int16)  # palette index applied
        self._edge_shown = np.zeros(n_edges, dtype=bool)
        self._edge_list: list[EdgeItem | None] = [None] * n_edges
        self._dense = n_edges > DENSE_EDGES

    def set_architecture(
        self,
        layer_sizes: Sequence[int],
        input_names: Sequence[str] = (),
        output_names: Sequence[str] = (),
        activation_names: Sequence[str] = (),
    ) -> None:
        """(Re)build the scene for a network with ``layer_sizes`` (input first).

        ``activation_names`` has one name per layer after the input. Missing
        column names fall back to x0, x1, … and y0, y1, ….
        """
        sizes = tuple(int(n) for n in layer_sizes)
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"a network needs ≥ 2 layers of ≥ 1 node, got {tuple(layer_sizes)}")
        acts = tuple(activation_names) or ("sigmoid",) * (len(sizes) - 1)
        if len(acts) != len(sizes) - 1:
            raise ValueError(f"{len(acts)} activation names for {len(sizes) - 1} layers")
        self._close_editor()
        self._set_hover(None)
        self._scene.clear()  # deletes every item; forget the wrappers too
        self._overlay.forget()
        self._raised, self._headers, self._lod_state = [], [], {}
        self._sizes, self._activations = sizes, acts
        self._input_names = [*input_names, *(f"x{i}" for i in range(len(input_names), sizes[0]))]
        self._output_names = [
            *output_names,
            *(f"y{j}" for j in range(len(output_names), sizes[-1])),
        ]
        self.node_items, self.bias_items = {}, {}
        self._layout()
        self._build_headers()
        self._build_nodes()
        self._build_edges()
        rect = self._scene.itemsBoundingRect()
        self._scene.setSceneRect(rect.adjusted(-24, -16, 24, 16))
        glow = QColor(theme.ACCENT)
        glow.setAlpha(170)  # a glow, not a second edge
        self._halos = [HaloItem(glow, 6.0), HaloItem(glow, 6.0)]
        hover = QColor(theme.ACCENT)
        hover.setAlpha(90)
        self._hover_halo = HaloItem(hover, 5.0)
        self._markers = [MarkerItem(1), MarkerItem(2)]
        for item in (*self._halos, self._hover_halo, *self._markers):
            self._scene.addItem(item)
        # Keep a selection that still names a parameter of the new network.
        self.selected_params = [p for p in self.selected_params if self._valid_param(p)]
        if self._snap is not None and self._snap.layer_sizes != sizes:
            self._snap = None
        self._user_zoomed = False
        self.fit()
        self._refresh_lod(force=True)
        self._refresh_all()
        if self.highlighted_layer is not None:
            self.highlight_layer(self.highlighted_layer)

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
        w_index, b_index = [], []
        for l, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
            start = param_index(sizes, ("w", l, 0, 0))
            w_index.append(np.arange(start, start + n_in * n_out))
            b_start = param_index(sizes, ("b", l, 0))
            b_index.append(np.arange(b_start, b_start + n_out))
        self._w_index = np.concatenate(w_index)
        self._b_index = np.concatenate(b_index)
        # Each edge's vertical extent (a curve with horizontal tangents stays
        # between its end heights), to find the edges on screen with NumPy.
        y0 = [np.tile(self._ys[l], sizes[l + 1]) for l in range(len(sizes) - 1)]
        y1 = [np.repeat(self._ys[l + 1], sizes[l]) for l in range(len(sizes) - 1)]
        self._edge_top = np.minimum(np.concatenate(y0), np.concatenate(y1))
        self._edge_bottom = np.maximum(np.concatenate(y0), np.concatenate(y1))
        self._build_palette()
        if self._n_edges > LAZY_EDGES:
            self.edge_items = _LazyEdges(self._create_edge)
            return
        self.edge_items = {}
        for l, (n_in, n_out) in enumerate(itertools.pairwise(sizes)):
            for j in range(n_out):
                for i in range(n_in):
                    self._create_edge((l, j, i))

    def _edge_index(self, key: tuple) -> int:
        l, j, i = (int(v) for v in key)
        if not (0 <= l < len(self._sizes) - 1 and 0 <= j < self._sizes[l + 1]):
            raise KeyError(key)
        if not 0 <= i < self._sizes[l]:
            raise KeyError(key)
        return int(self._edge_offsets[l]) + j * self._sizes[l] + i

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

    def _build_palette(self) -> None:
        """Pens for (sign or grey) × LEVELS widths, built once: a snapshot only
        picks indices. Dense networks get thinner, more transparent pens so
        hundreds of crossing edges stay readable."""
        if self._dense:
            # Cosmetic pens of at most 1 px take the raster engine's fast
            # path (several times cheaper than wide strokes); magnitude
            # shows mostly as opacity.
            w_lo, w_hi, a_lo, a_hi = 0.4, 1.0, 35, 235
        else:
            # Wide antialiased strokes are costly and hide each other: the
            # more edges, the thinner the widest one.
            w_lo, a_lo, a_hi = 0.5, 90, 235
            w_hi = max(2.0, min(6.0, 6.0 * math.sqrt(60 / max(self._n_edges, 1))))
        self._palette: list[QPen] = []
        for base in (theme.POSITIVE, theme.NEGATIVE, _GREY):
            for level in range(LEVELS):
                t = level / (LEVELS - 1)
                color = QColor(base)
                color.setAlpha(round(a_lo + (a_hi - a_lo) * t))
                pen = QPen(color, w_lo + (w_hi - w_lo) * t)
                pen.setCapStyle(Qt.PenCapStyle.RoundCap)
                pen.setCosmetic(self._dense)
                self._palette.append(pen)
        # Node fills: the theme's white → teal ramp in 64 steps, plus NaN.
        self._fill_palette = [theme.activation_fill(k / 63) for k in range(64)]
        self._fill_palette.append(theme.activation_fill(math.nan))
        # Bias badges: (fill, border) for + and − in LEVELS steps, plus NaN.
        self._bias_palette = [
            (
                theme.diverging(sign * k / (LEVELS - 1), 1.0),
                theme.sign_color(sign) if k else NODE_PEN,
            )
            for sign in (1.0, -1.0)
            for k in range(LEVELS)
        ]
        self._bias_palette.append((theme.diverging(math.nan, 1.0), NODE_PEN))

    # -- snapshots -------------------------------------------------------------------

    def update_snapshot(self, snap: Snapshot) -> None:
        """Show ``snap``: recolour edges, nodes and biases in place."""
        if tuple(snap.layer_sizes) != self._sizes:
            # A snapshot of another architecture can still be in flight just
            # after a rebuild; set_architecture comes first, so drop it.
            return
        self._snap = snap
        self._refresh_all()

    def _refresh_all(self) -> None:
        if not self._sizes:
            return
        self._update_nodes()
        self._update_biases()
        self._refresh_edges()

    def _refresh_edges(self) -> None:
        self._update_edges()
        self._sync_selection()
        self._update_legend()

    def _mode_values(self, index: np.ndarray) -> tuple[np.ndarray | None, bool]:
        """Values driving the edges (or biases) at ``index`` in the current
        mode, and whether they fell back to the parameters (drawn grey)."""
        snap = self._snap
        if snap is None:
            return None, True
        params = snap.params[index]
        if self.edge_mode == "weight":
            return params, False
        source = snap.gradient if self.edge_mode == "gradient" else snap.update
        # Before the first step there is no gradient and every Δ is 0: show
        # the parameters instead of an empty graph, greyed to say "no data".
        # Decided on the whole vector so edges and badges agree.
        if source is None or not np.any(source):
            return params, True
        return source[index], False

    def _update_edges(self) -> None:
        n = self._n_edges
        values, fallback = self._mode_values(self._w_index)
        if values is None:
            keys = np.full(n, 2 * LEVELS, dtype=np.int16)
            mags, vmax = None, 0.0
        else:
            mags = np.abs(values)
            finite = np.isfinite(mags)
            mags = np.where(finite, mags, 0.0)
            vmax = float(mags.max()) if n else 0.0
            levels = (
                np.rint(mags / vmax * (LEVELS - 1)).astype(np.int16)
                if vmax > 0
                else np.zeros(n, np.int16)
            )
            sign = np.where(values < 0, 1, 0).astype(np.int16)
            if fallback:
                sign[:] = 2
            sign[~finite] = 2
            keys = sign * LEVELS + levels
        self._vmax, self._fallback = vmax, fallback
        shown = self._edge_mask(mags, vmax)
        # Only touch items whose look or visibility changed (plain ints: NumPy
        # scalars are slow to index lists with, and this loop runs per frame).
        edges, palette = self._edge_list, self._palette
        changed = np.flatnonzero(shown & (keys != self._edge_keys))
        for idx, key in zip(changed.tolist(), keys[changed].tolist()):
            edge = edges[idx] or self._create_edge(self._edge_key(idx))
            edge.setPen(palette[key])
        toggled = np.flatnonzero(shown != self._edge_shown)
        for idx, show in zip(toggled.tolist(), shown[toggled].tolist()):
            edge = edges[idx] or self._create_edge(self._edge_key(idx))
            edge.setVisible(show)
        self._edge_keys = np.where(shown, keys, -1).astype(np.int16)
        self._edge_shown = shown

    def _edge_key(self, idx: int) -> tuple[int, int, int]:
        l = int(np.searchsorted(self._edge_offsets, idx, side="right")) - 1
        j, i = divmod(int(idx - self._edge_offsets[l]), self._sizes[l])
        return (l, j, i)

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

    def _update_nodes(self) -> None:
        snap = self._snap
        if snap is None:
            return
        top = len(self._fill_palette) - 2
        for layer, a in enumerate(snap.sample_activations):
            low, high = self._activation_range(layer, a)
            # Quantized fill levels in NumPy; the last palette entry is for NaN.
            with np.errstate(invalid="ignore"):
                t = np.clip((a - low) / (high - low), 0.0, 1.0)
            levels = np.where(np.isfinite(t), np.rint(t * top), top + 1).astype(int)
            show_text = self._lod_state.get(layer, (False, False))[1]
            for j, (level, value) in enumerate(zip(levels.tolist(), a.tolist())):
                node = self.node_items[(layer, j)]
                node.set_fill(self._fill_palette[level])
                if show_text:  # formatting 784 hidden strings per frame is wasted work
                    node.set_value(short_value(value))

    def _activation_range(self, layer: int, a: np.ndarray) -> tuple[float, float]:
        """The fill range: the function's own range where it has one, else
        the layer's values (ReLU from 0, inputs and linear from min(0, min))."""
        name = "input" if layer == 0 else self._activations[layer - 1]
        if name in ("sigmoid", "softmax"):
            return 0.0, 1.0
        if name == "tanh":
            return -1.0, 1.0
        finite = a[np.isfinite(a)]
        high = float(finite.max()) if finite.size else 1.0
        low = 0.0 if name == "relu" or not finite.size else min(0.0, float(finite.min()))
        return low, max(high, low + 1e-9)

    def _update_biases(self) -> None:
        values, _fallback = self._mode_values(self._b_index)
        if values is None:
            return
        weights, _ = self._mode_values(self._w_index)
        # One scale with the edges, so a bias and a weight of equal size look alike.
        every = np.concatenate([np.abs(values), np.abs(weights)])
        every = every[np.isfinite(every)]
        scale = float(every.max()) if every.size and every.max() > 0 else 1.0
        mags = np.abs(values)
        with np.errstate(invalid="ignore"):
            levels = np.rint(np.clip(mags / scale, 0.0, 1.0) * (LEVELS - 1))
        # Palette index: sign × LEVELS + level, and the last entry for NaN/∞.
        index = np.where(values < 0, LEVELS, 0) + np.nan_to_num(levels).astype(int)
        index[~np.isfinite(values)] = 2 * LEVELS
        for bias, k in zip(self.bias_items.values(), index.tolist()):
            bias.set_fill(*self._bias_palette[k])

    # -- modes and highlights ----------------------------------------------------------

    def set_edge_mode(self, mode: str) -> None:
        """Colour and size edges (and bias badges) by ``"weight"``,
        ``"gradient"`` (∂L/∂w of the last step) or ``"update"`` (the last Δw)."""
        if mode not in EDGE_MODES:
            raise ValueError(f"edge mode must be one of {', '.join(EDGE_MODES)}, not {mode!r}")
        self.edge_mode = mode
        self._update_biases()
        self._refresh_edges()

    def highlight_layer(self, layer: int | None) -> None:
        """Emphasise the nodes of ``layer`` (0 = input) and fade the others;
        None shows every layer normally."""
        self.highlighted_layer = layer
        for (l, _j), node in self.node_items.items():
            on = layer is None or l == layer
            node.setOpacity(1.0 if on else 0.35)
            width = min(1.2, max(node.radius * 0.08, 0.05))
            if layer is not None and l == layer:
                node.setPen(QPen(theme.ACCENT, width * 2.2))
            else:
                node.setPen(QPen(NODE_PEN, width))
        for (l, _j), bias in self.bias_items.items():
            bias.setOpacity(1.0 if layer is None or l + 1 == layer else 0.35)
        for l, head in enumerate(self._headers):
            head.setBrush(theme.ACCENT if layer is not None and l == layer else theme.TEXT)

    # -- selection -------------------------------------------------------------------

    def _valid_param(self, param: object) -> bool:
        try:
            kind, l, j, *rest = param  # type: ignore[misc]
            l, j = int(l), int(j)
            if not (0 <= l < len(self._sizes) - 1 and 0 <= j < self._sizes[l + 1]):
                return False
            if kind == "w" and len(rest) == 1:
                return 0 <= int(rest[0]) < self._sizes[l]
            return kind == "b" and not rest
        except (TypeError, ValueError):
            return False

    def _item_for(self, param: Param) -> EdgeItem | BiasItem:
        if param[0] == "w":
            return self.edge_items[tuple(param[1:])]
        return self.bias_items[(param[1], param[2])]

    def select_param(self, param: Param | None, emit: bool = False) -> bool:
        """Select ``param`` as the newest of the (at most two) selected
        parameters; None clears. For selections made elsewhere, so it does
        not emit ``parameterSelected`` unless ``emit``. Returns False for a
        parameter this network does not have."""
        if param is None:
            self.selected_params = []
            self._refresh_edges()
            return True
        if not self._valid_param(param):
            return False
        param = (param[0], *(int(v) for v in param[1:]))
        if param in self.selected_params:
            self.selected_params.remove(param)
        self.selected_params = [*self.selected_params, param][-2:]
        self._refresh_edges()
        if emit:
            self.parameterSelected.emit(param)
        return True

    def clear_selection(self) -> None:
        self.select_param(None)

    def _sync_selection(self) -> None:
        """Halo and numbered marker on each selected parameter."""
        if not self._sizes:
            return
        for edge in self._raised:
            edge.setZValue(0)
        self._raised = []
        for k, (halo, marker) in enumerate(zip(self._halos, self._markers)):
            if k >= len(self.selected_params):
                halo.follow(None)
                marker.setVisible(False)
                continue
            item = self._item_for(self.selected_params[k])
            if isinstance(item, EdgeItem):
                item.setVisible(True)
                item.setZValue(5)  # above the other edges, under the nodes
                self._raised.append(item)
                # Two edges mirrored about the middle cross at their midpoints:
                # put the markers off-centre so "1" and "2" never stack.
                marker.setPos(item.anchor(0.4 if k == 0 else 0.6))
            else:
                r = item.sceneBoundingRect()
                marker.setPos(r.topLeft())
            halo.follow(item)
            marker.setVisible(True)
        self._hover_halo.follow(self._hover)

    # -- hover and tooltips ----------------------------------------------------------

    def _pick(self, pos: QPoint, kinds: tuple[type, ...] = (EdgeItem, BiasItem, NodeItem)):
        """The topmost edge, bias or node under viewport point ``pos``."""
        for item in self.items(pos):
            while item is not None and not isinstance(item, (EdgeItem, BiasItem, NodeItem)):
                item = item.parentItem()
            if item is not None and isinstance(item, kinds):
                return item
        return None

    def _node_name(self, layer: int, j: int) -> str:
        if layer == 0:
            return self._input_names[j]
        if layer == len(self._sizes) - 1:
            return self._output_names[j]
        return f"hidden {layer} · node {j}"

    def hover_text(self, target: object) -> str:
        """Live values for an edge, bias or node (an item, a parameter tuple,
        or a ``(layer, node)`` key), as shown in its tooltip."""
        if isinstance(target, (EdgeItem, BiasItem)):
            target = target.param
        elif isinstance(target, NodeItem):
            target = target.key
        snap = self._snap
        if isinstance(target, tuple) and target and target[0] in ("w", "b"):
            text = self._param_text(target, snap)
        else:
            layer, j = target  # type: ignore[misc]
            text = self._node_text(int(layer), int(j), snap)
        # During a step-through, the step's numbers for this item.
        tip = self._overlay.tip(tuple(target))  # type: ignore[arg-type]
        return text if tip is None else f"{text}\n— this step —\n{tip}"

    def _param_text(self, param: Param, snap: Snapshot | None) -> str:
        kind, l = param[0], param[1]
        j = param[2]
        to = self._node_name(l + 1, j)
        if kind == "w":
            head = f"{param_name(param)}   {self._node_name(l, param[3])} → {to}"
        else:
            head = f"{param_name(param)}   bias of {to}"
        if snap is None:
            return head + "\n(no values yet)"
        idx = param_index(self._sizes, param)
        grad = "— (no step yet)" if snap.gradient is None else fmt(snap.gradient[idx])
        lines = [
            head,
            f"{kind} = {fmt(snap.params[idx])}",
            f"∂L/∂{kind} = {grad}",
            f"last Δ{kind} = {fmt(snap.update[idx])}",
            "click: select · double-click: edit",
        ]
        return "\n".join(lines)

    def _node_text(self, layer: int, j: int, snap: Snapshot | None) -> str:
        last = len(self._sizes) - 1
        if layer == 0:
            head = f"{self._node_name(0, j)} (input {j})"
        else:
            head = f"{self._node_name(layer, j)} ({self._activations[layer - 1]})"
            if layer == last:
                head = f"{self._output_names[j]}: output {j} ({self._activations[-1]})"
        if snap is None:
            return head + "\n(no values yet)"
        lines = [head, f"sample #{snap.sample_index}"]
        if layer == 0:
            lines.append(f"value = {fmt(snap.sample_activations[0][j])} (normalized)")
            return "\n".join(lines)
        lines += [
            f"s = {fmt(snap.sample_sums[layer - 1][j])}   (weighted sum)",
            f"a = {fmt(snap.sample_activations[layer][j])}   (activation)",
            f"δ = {fmt(snap.sample_deltas[layer - 1][j])}   (∂L/∂s)",
        ]
        if layer == last and j < len(snap.sample_target):
            lines.append(f"target = {fmt(snap.sample_target[j])}")
        return "\n".join(lines)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            item = self._pick(event.pos())
            if item is None:
                QToolTip.hideText()
                event.ignore()
            else:
                # Built on demand from the latest snapshot: always live, and
                # no per-frame tooltip strings for thousands of items.
                QToolTip.showText(event.globalPos(), self.hover_text(item), self.viewport())
            return True
        if event.type() == QEvent.Type.Leave:
            self._set_hover(None)
        return super().viewportEvent(event)

    def _set_hover(self, item: QGraphicsItem | None) -> None:
        if item is self._hover:
            return
        if isinstance(self._hover, EdgeItem) and self._hover not in self._raised:
            with contextlib.suppress(RuntimeError):  # deleted with the old scene
                self._hover.setZValue(0)
        self._hover = item
        if isinstance(item, EdgeItem) and item not in self._raised:
            item.setZValue(4)
        if self._sizes:
            self._hover_halo.follow(item)

    # -- mouse, wheel, keys ----------------------------------------------------------

    def mousePressEvent(self, event) -> None:
        self._close_editor()
        if event.button() == Qt.MouseButton.MiddleButton:
            self._pan_from = event.position()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        if event.button() == Qt.MouseButton.LeftButton:
            item = self._pick(event.position().toPoint(), (EdgeItem, BiasItem))
            if item is not None:
                self.select_param(item.param, emit=True)
                event.accept()
                return
        super().mousePressEvent(event)  # empty space: hand-drag panning

    def mouseMoveEvent(self, event) -> None:
        if self._pan_from is not None:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            h, v = self.horizontalScrollBar(), self.verticalScrollBar()
            h.setValue(h.value() - round(delta.x()))
            v.setValue(v.value() - round(delta.y()))
            event.accept()
            return
        super().mouseMoveEvent(event)
        if event.buttons() == Qt.MouseButton.NoButton:
            item = self._pick(event.position().toPoint())
            self._set_hover(item)
            pointing = isinstance(item, (EdgeItem, BiasItem))
            self.viewport().setCursor(
                Qt.CursorShape.PointingHandCursor if pointing else Qt.CursorShape.OpenHandCursor
            )

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.MiddleButton and self._pan_from is not None:
            self._pan_from = None
            self.viewport().setCursor(Qt.CursorShape.OpenHandCursor)
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mouseDoubleClickEvent(event)
            return
        item = self._pick(event.position().toPoint(), (EdgeItem, BiasItem))
        if item is not None:
            self.edit_param(item.param)
        elif self._pick(event.position().toPoint()) is None:
            self.fit()  # double-click on empty space: back to the whole network
        event.accept()

    def wheelEvent(self, event) -> None:
        delta = event.angleDelta().y() or event.angleDelta().x()
        if delta:
            self._zoom(1.0015**delta, under_mouse=True)
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_in()
        elif key == Qt.Key.Key_Minus:
            self.zoom_out()
        elif key in (Qt.Key.Key_0, Qt.Key.Key_F):
            self.fit()
        else:
            super().keyPressEvent(event)

    # -- editing ---------------------------------------------------------------------

    def edit_param(self, param: Param) -> InlineEditor | None:
        """Open the inline editor on ``param``'s edge or badge, pre-filled with
        its value. Enter emits ``editRequested``; the display waits for the
        next snapshot."""
        if not self._valid_param(param):
            return None
        self._close_editor()
        value = self._snap.param_value(param) if self._snap is not None else 0.0
        item = self._item_for(param)
        point = item.anchor(0.5) if isinstance(item, EdgeItem) else item.scenePos()
        editor = InlineEditor(self.viewport(), param, value)
        editor.submitted.connect(self._edit_submitted)
        editor.rejected.connect(self.message.emit)
        editor.cancelled.connect(self._close_editor)
        self.editor = editor
        editor.open_at(self.mapFromScene(point))
        return editor

    def _edit_submitted(self, param: Param, value: float) -> None:
        self._close_editor()
        self.editRequested.emit(param, value)

    def _close_editor(self) -> None:
        if self.editor is not None:
            editor, self.editor = self.editor, None
            editor.hide()
            editor.deleteLater()
            self.setFocus()

    # -- zoom and fit ----------------------------------------------------------------

    def _scale(self) -> float:
        return self.transform().m11()

    def fit(self) -> None:
        """Show the whole network (also done on resize until the user zooms)."""
        if not self._sizes:
            return
        rect = self.sceneRect()
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        # Keep the bottom strip for the legend so it never covers a node.
        strip = self._legend.sizeHint().height() + 10
        if self._scale() > 0 and self.viewport().height() > 3 * strip:
            rect.adjust(0, 0, 0, strip / self._scale())
            self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        if self._scale() > MAX_FIT_SCALE:
            self.resetTransform()
            self.scale(MAX_FIT_SCALE, MAX_FIT_SCALE)
            self.centerOn(self.sceneRect().center())
        self._fit_scale = self._scale()
        self._user_zoomed = False
        self._refresh_lod()

    def zoom_in(self) -> None:
        self._zoom(1.25, under_mouse=False)

    def zoom_out(self) -> None:
        self._zoom(1 / 1.25, under_mouse=False)

    def _zoom(self, factor: float, under_mouse: bool) -> None:
        current = self._scale()
        low = min(self._fit_scale * 0.5, 0.5)
        high = max(self._fit_scale * 60, 8.0)
        target = min(max(current * factor, low), high)
        if abs(target / current - 1) < 1e-6:
            return
        self._close_editor()
        anchor = self.transformationAnchor()
        if not under_mouse:
            self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.scale(target / current, target / current)
        self.setTransformationAnchor(anchor)
        self._user_zoomed = True
        self._lod_timer.start()

    def scrollContentsBy(self, dx: int, dy: int) -> None:
        super().scrollContentsBy(dx, dy)
        if self._dense:
            self._lod_timer.start()  # other edges came on screen

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if not self._user_zoomed:
            self.fit()
        self._place_legend()

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

    # -- legend ----------------------------------------------------------------------

    def visible_edge_count(self) -> int:
        """How many weight edges are drawn now (the level of detail hides some)."""
        return int(self._edge_shown.sum())

    def _update_legend(self) -> None:
        if not self._sizes or self._snap is None:
            self._legend.setVisible(False)
            return
        symbol = {"weight": "w", "gradient": "∂L/∂w", "update": "last Δw"}[self.edge_mode]
        pos, neg = theme.POSITIVE.name(), theme.NEGATIVE.name()
        if self._fallback and self.edge_mode != "weight":
            what = {"gradient": "no gradient yet", "update": "no step yet"}[self.edge_mode]
            text = f"<b style='color:#999'>▬</b> {what}, showing weights w"
        else:
            text = (
                f"<b style='color:{pos}'>▬</b> {symbol} &gt; 0 &nbsp; "
                f"<b style='color:{neg}'>▬</b> {symbol} &lt; 0 &nbsp;·&nbsp; "
                f"width ∝ |{symbol}|, max {fmt(self._vmax, 3)}"
            )
        if self._dense:
            text += (
                f" &nbsp;·&nbsp; strongest {self.visible_edge_count():,} of "
                f"{self._n_edges:,} weights drawn (zoom in for more)"
            )
        if text != self._legend_text:
            self._legend_text = text
            self._legend.setText(text)
            self._legend.adjustSize()
            self._place_legend()
        self._legend.setVisible(True)

    def _place_legend(self) -> None:
        self._legend.move(10, self.viewport().height() - self._legend.height() - 8)

    # -- step-through overlay ----------------------------------------------------------

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        return self._sizes

    def show_step_overlay(
        self, labels: dict[tuple, str], tip: Callable[[tuple], str | None] | None = None
    ) -> None:
        """Write short texts over the graph without rebuilding it, replacing the
        previous ones: keys are nodes ``(layer, j)`` (layer as in layer_sizes),
        weights ``("w", l, j, i)`` and biases ``("b", l, j)``. ``tip(key)``
        adds lines to an item's tooltip (default: its label)."""
        if self._sizes:
            self._overlay.show(self, labels, tip)

    def clear_step_overlay(self) -> None:
        self._overlay.clear(self._scene)

    def step_overlay_texts(self) -> dict[tuple, str]:
        """The labels drawn now, by key (for tests and the step-through)."""
        return {k: label.text() for k, label in self._overlay.labels.items()}
