"""The scene of the network graph: neurons in columns, every weight an edge,
every bias a badge, all coloured from the latest
:class:`~mlpviz.ui.training.snapshot.Snapshot`.

The scene is built once per architecture (``build``) and each snapshot only
changes pens, brushes and texts of existing items, and only those whose
quantized look changed. It keeps the items by model object, as
``{(layer, node): NodeItem}``, ``{(layer, node, input): EdgeItem}`` and
``{(layer, node): BiasItem}``; it shows the selection and the hovered item
it is told about and never decides them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from PySide6.QtCore import QObject, QPointF, QRectF, Signal
from PySide6.QtGui import QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from mlpviz.engine.layout import Param
from mlpviz.ui.graph.colours import (
    GraphPalette,
    activation_range,
    badge_keys,
    edge_keys,
    fill_levels,
    legend_text,
    mode_values,
)
from mlpviz.ui.graph.edges import EdgeSet
from mlpviz.ui.graph.groups import GroupItem, brackets, one_hot_groups, short_names
from mlpviz.ui.graph.items import (
    HIT_WIDTH,
    NODE_PEN,
    BiasItem,
    EdgeItem,
    NodeItem,
    place_text,
    text_item,
)
from mlpviz.ui.graph.layer_controls import LayerControls
from mlpviz.ui.graph.layout import GraphLayout
from mlpviz.ui.graph.lod import HIT_PIXELS, is_dense, on_screen, strongest, text_states
from mlpviz.ui.graph.marks import SelectionMarks
from mlpviz.ui.graph.overlay import StepOverlay
from mlpviz.ui.graph.tooltips import TooltipText
from mlpviz.ui.style import theme
from mlpviz.ui.style.numbers import format_number
from mlpviz.ui.training.snapshot import Snapshot


class GraphScene(QGraphicsScene):
    """The items of one network and their looks, shown by one view: a dense
    network draws the strongest edges in the part of the scene that view
    shows (:meth:`QGraphicsScene.views`, so the scene holds no reference to
    it). ``legendChanged(text)`` carries the legend's rich text after every
    recolouring ("" while there is nothing to explain).
    """

    legendChanged = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Items never move, but their bounding rects change with every pen
        # width; a BSP index would be re-sorted on each snapshot.
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.hit_width = HIT_WIDTH  # read by EdgeItem.shape(); set per zoom
        self.layout: GraphLayout | None = None
        self._edges: EdgeSet | None = None
        self._palette: GraphPalette | None = None
        self._text: TooltipText | None = None
        self.node_items: dict[tuple[int, int], NodeItem] = {}
        self.bias_items: dict[tuple[int, int], BiasItem] = {}
        self.group_items: list[GroupItem] = []  # the inputs' one-hot groups, top down
        self.edge_mode = "weight"
        self.highlighted_layer: int | None = None
        self.marks: SelectionMarks | None = None
        self._selected: list[Param] = []
        self._headers: list[QGraphicsItem] = []
        self._lod_state: dict[int, tuple[bool, ...]] = {}
        self._activations: tuple[str, ...] = ()
        self._snap: Snapshot | None = None
        self._vmax, self._fallback = 0.0, True
        self.overlay = StepOverlay()  # the step-through's labels (step_through.py)
        self.layer_controls = LayerControls(self)  # the +/− buttons on the column headers

    # -- building --------------------------------------------------------------------

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        return () if self.layout is None else self.layout.sizes

    @property
    def edge_items(self) -> dict:
        return {} if self._edges is None else self._edges.items

    @property
    def edges(self) -> EdgeSet | None:
        return self._edges

    @property
    def dense(self) -> bool:
        """Whether the level of detail picks the edges to draw."""
        return self._edges is not None and self._edges.dense

    def valid_param(self, param: object) -> bool:
        """Whether ``param`` names a weight or bias of the network shown."""
        return self.layout is not None and self.layout.valid_param(param)

    @property
    def snapshot(self) -> Snapshot | None:
        return self._snap

    def build(
        self,
        sizes: tuple[int, ...],
        activations: tuple[str, ...],
        input_names: Sequence[str],
        output_names: Sequence[str],
    ) -> None:
        """Replace every item with those of a network with ``sizes``; keep the
        snapshot if it is of the same architecture."""
        self.set_hover(None)
        self.clear()  # deletes every item; forget the wrappers too
        self.overlay.forget()
        self._headers, self._lod_state = [], {}
        self._activations = activations
        inputs = [*input_names, *(f"x{i}" for i in range(len(input_names), sizes[0]))]
        outputs = [*output_names, *(f"y{j}" for j in range(len(output_names), sizes[-1]))]
        self._text = TooltipText(sizes, activations, inputs, outputs)
        self.node_items, self.bias_items = {}, {}
        self.layout = layout = GraphLayout(sizes)
        self._build_headers()
        subtitles = [layout.layer_title(l, activations)[1] for l in range(len(sizes))]
        self.layer_controls.build(self, layout, subtitles)
        groups = one_hot_groups(inputs)
        self._build_nodes(short_names(inputs, groups), outputs)
        inputs_shown = [self.node_items[(0, j)] for j in range(sizes[0])]
        self.group_items = brackets(groups, layout, inputs_shown)
        for item in self.group_items:
            self.addItem(item)
        self._palette = GraphPalette(layout.n_edges, is_dense(layout.n_edges))
        self._edges = EdgeSet(self, layout, self._palette)
        self.setSceneRect(self.itemsBoundingRect().adjusted(-24, -16, 24, 16))
        self.marks = SelectionMarks(self, self._edges)
        if self._snap is not None and self._snap.layer_sizes != sizes:
            self._snap = None

    def _build_headers(self) -> None:
        lay = self.layout
        for layer, x in enumerate(lay.x):
            title, subtitle = lay.layer_title(layer, self._activations)
            head = text_item(title, 14, theme.TEXT, bold=True)
            sub = text_item(subtitle, 11, theme.MUTED)
            place_text(head, x, lay.top - 44)
            place_text(sub, x, lay.top - 26)
            for item in (head, sub):
                item.setZValue(12)
                # Static text: render once into a pixmap per zoom level.
                item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
                self.addItem(item)
            self._headers.append(head)

    def _build_nodes(self, inputs: list[str], outputs: list[str]) -> None:
        lay = self.layout
        last = len(lay.sizes) - 1
        for layer, (x, ys, r) in enumerate(zip(lay.x, lay.ys, lay.radius)):
            act = None if layer == 0 else self._activations[layer - 1]
            label_scale = lay.label_scale[layer]
            for j, y in enumerate(ys):
                node = NodeItem(layer, j, r, act)
                node.setPos(x, float(y))
                node.setZValue(10)
                if layer == 0:
                    node.set_label(inputs[j], "left", label_scale)
                elif layer == last:
                    node.set_label(outputs[j], "right", label_scale)
                self.addItem(node)
                self.node_items[(layer, j)] = node
                if layer > 0:
                    bias = BiasItem(("b", layer - 1, j), lay.text_scale[layer])
                    bias.setPos(*lay.bias_pos(layer, j))
                    bias.setZValue(11)
                    self.addItem(bias)
                    self.bias_items[(layer - 1, j)] = bias

    def header_rects(self) -> list[QRectF]:
        """The layer titles' rects in the scene (their subtitles sit under them)."""
        return [head.sceneBoundingRect() for head in self._headers]

    # -- snapshots and modes ---------------------------------------------------------

    def show_snapshot(self, snap: Snapshot | None) -> None:
        self._snap = snap
        self.refresh()

    def set_edge_mode(self, mode: str) -> None:
        self.edge_mode = mode
        if self.layout is None:
            return
        self._update_biases()
        self.refresh_edges()

    def refresh(self) -> None:
        """Recolour edges, nodes and biases from the snapshot."""
        if self.layout is None:
            return
        self._update_nodes()
        self._update_biases()
        self.refresh_edges()

    def refresh_edges(self) -> None:
        if self.layout is None:
            return
        self._update_edges()
        self.marks.show_selection([self.item_for(p) for p in self._selected])
        self._update_legend()

    def _update_edges(self) -> None:
        lay = self.layout
        values, fallback = mode_values(self._snap, self.edge_mode, lay.w_index)
        keys, mags, vmax = edge_keys(values, fallback, lay.n_edges)
        self._vmax, self._fallback = vmax, fallback
        self._edges.apply(keys, self._edge_mask(mags, vmax), self.marks.live_edges())

    def _edge_mask(self, mags: np.ndarray | None, vmax: float) -> np.ndarray:
        """Which edges to draw: all in a small network; in a dense one the
        strongest on screen, and every selected weight."""
        lay = self.layout
        if not self._edges.dense:
            return np.ones(lay.n_edges, dtype=bool)
        shown = np.zeros(lay.n_edges, dtype=bool)
        if mags is not None:
            shown = strongest(mags, vmax, self.edges_on_screen(), lay.offsets)
        for p in self._selected:
            if p[0] == "w":
                shown[lay.edge_index(p[1:])] = True
        return shown

    def edges_on_screen(self) -> np.ndarray:
        """Per edge, whether some part of it is in the area on screen."""
        lay = self.layout
        view = self.views()[0]
        r = view.mapToScene(view.viewport().rect()).boundingRect()
        area = (r.left(), r.top(), r.right(), r.bottom())
        return on_screen(area, lay.edge_x, lay.offsets, lay.edge_y0, lay.edge_y1)

    def _update_nodes(self) -> None:
        snap = self._snap
        if snap is None:
            return
        fills = self._palette.fills
        top = len(fills) - 2
        for layer, a in enumerate(snap.sample_activations):
            name = "input" if layer == 0 else self._activations[layer - 1]
            levels = fill_levels(a, *activation_range(name, a), top)
            show_text = self._lod_state.get(layer, (False, False))[1]
            for j, (level, value) in enumerate(zip(levels.tolist(), a.tolist())):
                node = self.node_items[(layer, j)]
                node.set_fill(fills[level])
                if show_text:  # formatting 784 hidden strings per frame is wasted work
                    node.set_value(format_number(value, digits=2, style="compact"))

    def _update_biases(self) -> None:
        lay = self.layout
        values, _fallback = mode_values(self._snap, self.edge_mode, lay.b_index)
        if values is None:
            return
        weights, _ = mode_values(self._snap, self.edge_mode, lay.w_index)
        badges = self._palette.badges
        for bias, k in zip(self.bias_items.values(), badge_keys(values, weights).tolist()):
            bias.set_fill(*badges[k])

    def _update_legend(self) -> None:
        if self._snap is None:
            self.legendChanged.emit("")
            return
        lay, edges = self.layout, self._edges
        drawn = (edges.drawn_count(), lay.n_edges) if edges.dense else None
        self.legendChanged.emit(legend_text(self.edge_mode, self._fallback, self._vmax, drawn))

    # -- level of detail -------------------------------------------------------------

    def refresh_lod(self, scale: float, force: bool = False) -> None:
        """Show labels, values and badges once they are big enough on screen
        at zoom ``scale``, and give a dense network the edges now on screen."""
        lay = self.layout
        if lay is None:
            return
        self.hit_width = HIT_PIXELS / scale
        texts_appeared = False
        states = text_states(lay.label_scale, lay.text_scale, lay.radius, scale)
        for layer, state in enumerate(states):
            if not force and self._lod_state.get(layer) == state:
                continue
            old = self._lod_state.get(layer)
            texts_appeared |= state[1] and not (old is not None and old[1])
            self._lod_state[layer] = state
            show_label, show_value, show_act, show_bias = state
            for j in range(lay.sizes[layer]):
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
        if self._edges.dense:
            self.refresh_edges()  # what is on screen changed
            self._edges.sharpen(scale)  # the zoom rests: no more scaled pixels

    def visible_edge_count(self) -> int:
        return 0 if self._edges is None else self._edges.drawn_count()

    def edge_drawn(self, key: tuple) -> bool:
        if self._edges is None:
            raise KeyError(key)
        return self._edges.drawn(key)

    def edge_at(self, point: QPointF, scale: float) -> EdgeItem | None:
        """The drawn edge of a dense network within a few pixels of scene
        ``point`` at zoom ``scale`` (its edges are not items the scene finds)."""
        return None if self._edges is None else self._edges.nearest(point.x(), point.y(), scale)

    # -- highlight, selection, hover ---------------------------------------------------

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

    def set_selected(self, params: list[Param]) -> None:
        """Mark ``params`` (at most two, valid) as selected; shown from the
        next recolouring on (``refresh_edges``)."""
        self._selected = list(params)

    def item_for(self, param: Param) -> EdgeItem | BiasItem:
        if param[0] == "w":
            return self.edge_items[tuple(param[1:])]
        return self.bias_items[(param[1], param[2])]

    def anchor(self, param: Param) -> QPointF:
        """Where a marker or editor for ``param`` goes (scene coordinates)."""
        item = self.item_for(param)
        return item.anchor(0.5) if isinstance(item, EdgeItem) else item.scenePos()

    def param_value(self, param: Param) -> float:
        return self._snap.param_value(param) if self._snap is not None else 0.0

    def set_hover(self, item: QGraphicsItem | None) -> None:
        """Show ``item`` (an edge, bias or node) as hovered; None: nothing."""
        if self.marks is not None:
            self.marks.set_hover(item)

    # -- text ------------------------------------------------------------------------

    def describe(self, target: object) -> str:
        """Live values for an edge, bias or node (an item, a parameter tuple,
        or a ``(layer, node)`` key), as shown in its tooltip; during a
        step-through, the step's numbers for it too."""
        if isinstance(target, GroupItem):
            return target.tooltip()
        if isinstance(target, (EdgeItem, BiasItem)):
            target = target.param
        elif isinstance(target, NodeItem):
            target = target.key
        key = tuple(target)  # type: ignore[arg-type]
        text = self._text.text(key, self._snap)
        tip = self.overlay.tip(key)
        return text if tip is None else f"{text}\n— this step —\n{tip}"

    def show_step_overlay(
        self, labels: dict[tuple, str], tip: Callable[[tuple], str | None] | None
    ) -> None:
        if self.layout is not None:
            self.overlay.show(self, labels, tip)

    def clear_step_overlay(self) -> None:
        self.overlay.clear(self)

    def step_overlay_texts(self) -> dict[tuple, str]:
        return {k: label.text() for k, label in self.overlay.labels.items()}
