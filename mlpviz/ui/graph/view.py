"""The network graph: neurons in columns, every weight an edge, every bias a
badge, all coloured live from the latest :class:`~mlpviz.ui.training.snapshot.Snapshot`.

The view mirrors the model and never owns the weights: clicks select
parameters (``parameterSelected``), inline edits are only *requested*
(``editRequested``) and show up when the next snapshot arrives.

Scale: the scene is built once per architecture (``set_architecture``) and
each snapshot only changes pens, brushes and texts of existing items, and
only those whose quantized look changed. Networks with more than
``DENSE_EDGES`` weights switch to a level of detail that draws the strongest
edges on screen (all of them once they fit the budget when zoomed in), all
through one cached item; their edge items are created on first use.

The view is assembled from parts, one module each: the layout of columns,
nodes and edges (:mod:`~mlpviz.ui.graph.layout`), colours and legend
(:mod:`~mlpviz.ui.graph.colours`), level of detail
(:mod:`~mlpviz.ui.graph.lod`), hover and tooltips
(:mod:`~mlpviz.ui.graph.tooltips`), mouse, zoom and fit
(:mod:`~mlpviz.ui.graph.navigation`) and the inline editor
(:mod:`~mlpviz.ui.graph.editor`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QFrame, QGraphicsItem, QGraphicsScene, QGraphicsView, QLabel, QWidget

from mlpviz.ui.graph.colours import GraphColoursMixin
from mlpviz.ui.graph.editor import InlineEditor
from mlpviz.ui.graph.items import (
    NODE_PEN,
    BiasItem,
    EdgeItem,
    HaloItem,
    MarkerItem,
    NodeItem,
    Param,
)
from mlpviz.ui.graph.layout import GraphLayoutMixin
from mlpviz.ui.graph.lod import (
    GraphLodMixin,
)
from mlpviz.ui.graph.navigation import GraphNavigationMixin
from mlpviz.ui.graph.overlay import StepOverlay
from mlpviz.ui.graph.tooltips import GraphTooltipsMixin
from mlpviz.ui.style import theme
from mlpviz.ui.training.snapshot import Snapshot

__all__ = ["EDGE_MODES", "NetworkGraphView"]

EDGE_MODES = ("weight", "gradient", "update")
_BACKGROUND = QColor(250, 250, 251)


class NetworkGraphView(
    GraphLayoutMixin,
    GraphColoursMixin,
    GraphLodMixin,
    GraphTooltipsMixin,
    GraphNavigationMixin,
    QGraphicsView,
):
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
        # Every item sets the pen and brush it paints with, so saving and
        # restoring the painter around each of a thousand nodes is wasted.
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState)
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
        unselected, self._raised = self._raised, []
        for k, (halo, marker) in enumerate(zip(self._halos, self._markers)):
            if k >= len(self.selected_params):
                halo.follow(None)
                marker.setVisible(False)
                continue
            item = self._item_for(self.selected_params[k])
            if isinstance(item, EdgeItem):
                self._raise_edge(item, 5)  # above the other edges, under the nodes
                self._raised.append(item)
                # Two edges mirrored about the middle cross at their midpoints:
                # put the markers off-centre so "1" and "2" never stack.
                marker.setPos(item.anchor(0.4 if k == 0 else 0.6))
            else:
                r = item.sceneBoundingRect()
                marker.setPos(r.topLeft())
            halo.follow(item)
            marker.setVisible(True)
        for edge in unselected:
            if edge in self._raised:
                continue
            if edge is self._hover:
                self._raise_edge(edge, 4)
            else:
                self._lower_edge(edge)
        self._hover_halo.follow(self._hover)

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
