"""The network graph view: the MLP as a graph that updates live.

The view mirrors the model and never owns the weights: clicks select
parameters (``parameterSelected``), inline edits are only *requested*
(``editRequested``) and show up when the next snapshot arrives.

It is composed of parts that talk through method calls and signals:
the scene (:class:`~mlpviz.ui.graph.scene.GraphScene`: items, layout and
colours from a snapshot), the level of detail
(:mod:`~mlpviz.ui.graph.lod`, NumPy functions the scene applies), hover and
tooltips (:class:`~mlpviz.ui.graph.hover.HoverFilter` on the viewport) and
the inline editor (:class:`~mlpviz.ui.graph.editor.InlineEditor`, opened
here). The view itself navigates: a click selects, a double-click edits (or
on empty space fits the network again), dragging pans, and the wheel and
the + / − / 0 keys zoom; the whole network is fitted into the view until the
user zooms. A network too tall for its nodes to stay legible when fitted
(:meth:`GraphLayout.legible_scale`) is shown at the least legible zoom,
centred, and scrolls; zooming out still shows all of it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QPoint, QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPainter
from PySide6.QtWidgets import QFrame, QGraphicsItem, QGraphicsView, QWidget

from mlpviz.engine.layout import Param
from mlpviz.ui.graph.editor import InlineEditor
from mlpviz.ui.graph.groups import GroupItem
from mlpviz.ui.graph.hover import HoverFilter
from mlpviz.ui.graph.items import BiasItem, EdgeItem, NodeItem
from mlpviz.ui.graph.legend import GraphLegend
from mlpviz.ui.graph.node_maps import NodeMaps
from mlpviz.ui.graph.scene import GraphScene
from mlpviz.ui.training.snapshot import Snapshot

__all__ = ["EDGE_MODES", "MAX_FIT_SCALE", "NetworkGraphView"]

EDGE_MODES = ("weight", "gradient", "update")
MAX_FIT_SCALE = 2.0  # a tiny network should not fill a big window with huge circles
_BACKGROUND = QColor(250, 250, 251)
_ITEMS = (EdgeItem, BiasItem, NodeItem, GroupItem)
_NO_BARS = Qt.ScrollBarPolicy.ScrollBarAlwaysOff


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
        self._scene = GraphScene(self)
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
        self.setHorizontalScrollBarPolicy(_NO_BARS)
        self.setVerticalScrollBarPolicy(_NO_BARS)
        self.setMouseTracking(True)
        self.setMinimumSize(200, 150)

        self.selected_params: list[Param] = []
        self.editor: InlineEditor | None = None
        self._user_zoomed = False
        self._fit_scale = 1.0
        self._whole_scale = 1.0  # the zoom that shows the whole network
        self._pan_from: QPointF | None = None

        self._lod_timer = QTimer(self)
        self._lod_timer.setSingleShot(True)
        self._lod_timer.setInterval(60)  # coalesce a burst of wheel steps
        self._lod_timer.timeout.connect(self._refresh_lod)

        self._legend = GraphLegend(self)
        self._scene.legendChanged.connect(self._show_legend)
        self.hover = HoverFilter(
            self.viewport(), self.item_at, self._scene.set_hover, self._scene.describe
        )
        self.maps = NodeMaps(self)  # nodes drawn as numbers or as maps over the inputs

    # -- what the rest of the app reads -------------------------------------------------

    @property
    def layer_sizes(self) -> tuple[int, ...]:
        return self._scene.layer_sizes

    @property
    def node_items(self) -> dict[tuple[int, int], NodeItem]:
        return self._scene.node_items

    @property
    def edge_items(self) -> dict[tuple[int, int, int], EdgeItem]:
        return self._scene.edge_items

    @property
    def bias_items(self) -> dict[tuple[int, int], BiasItem]:
        return self._scene.bias_items

    @property
    def edge_mode(self) -> str:
        return self._scene.edge_mode

    @property
    def highlighted_layer(self) -> int | None:
        return self._scene.highlighted_layer

    # -- building, snapshots, modes -----------------------------------------------------

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
        self._scene.build(sizes, acts, input_names, output_names)
        self.maps.build(self._scene.node_items)
        # Keep a selection that still names a parameter of the new network.
        self.selected_params = [p for p in self.selected_params if self._scene.valid_param(p)]
        self._scene.set_selected(self.selected_params)
        self._user_zoomed = False
        self.fit()
        self._refresh_lod(force=True)
        self._scene.refresh()
        if self._scene.highlighted_layer is not None:
            self._scene.highlight_layer(self._scene.highlighted_layer)

    def update_snapshot(self, snap: Snapshot) -> None:
        """Show ``snap``: recolour edges, nodes and biases in place."""
        if tuple(snap.layer_sizes) != self.layer_sizes:
            # A snapshot of another architecture can still be in flight just
            # after a rebuild; set_architecture comes first, so drop it.
            return
        self._scene.show_snapshot(snap)
        self.maps.show(snap)

    def set_edge_mode(self, mode: str) -> None:
        """Colour and size edges (and bias badges) by ``"weight"``,
        ``"gradient"`` (∂L/∂w of the last step) or ``"update"`` (the last Δw)."""
        if mode not in EDGE_MODES:
            raise ValueError(f"edge mode must be one of {', '.join(EDGE_MODES)}, not {mode!r}")
        self._scene.set_edge_mode(mode)

    def highlight_layer(self, layer: int | None) -> None:
        """Emphasise the nodes of ``layer`` (0 = input) and fade the others;
        None shows every layer normally."""
        self._scene.highlight_layer(layer)

    def visible_edge_count(self) -> int:
        """How many weight edges are drawn now (the level of detail hides some)."""
        return self._scene.visible_edge_count()

    def edge_drawn(self, key: tuple) -> bool:
        """Whether weight ``(layer, node, input)`` is drawn now."""
        return self._scene.edge_drawn(key)

    def hover_text(self, target: object) -> str:
        """Live values for an edge, bias or node (an item, a parameter tuple,
        or a ``(layer, node)`` key), as shown in its tooltip."""
        return self._scene.describe(target)

    # -- step-through overlay ----------------------------------------------------------

    def show_step_overlay(
        self, labels: dict[tuple, str], tip: Callable[[tuple], str | None] | None = None
    ) -> None:
        """Write short texts over the graph without rebuilding it, replacing the
        previous ones: keys are nodes ``(layer, j)`` (layer as in layer_sizes),
        weights ``("w", l, j, i)`` and biases ``("b", l, j)``. ``tip(key)``
        adds lines to an item's tooltip (default: its label)."""
        self._scene.show_step_overlay(labels, tip)

    def clear_step_overlay(self) -> None:
        self._scene.clear_step_overlay()

    def step_overlay_texts(self) -> dict[tuple, str]:
        """The labels drawn now, by key (for tests and the step-through)."""
        return self._scene.step_overlay_texts()

    # -- selection and editing -----------------------------------------------------------

    def select_param(self, param: Param | None, emit: bool = False) -> bool:
        """Select ``param`` as the newest of the (at most two) selected
        parameters; None clears. For selections made elsewhere, so it does
        not emit ``parameterSelected`` unless ``emit``. Returns False for a
        parameter this network does not have."""
        if param is None:
            self.selected_params = []
        elif not self._scene.valid_param(param):
            return False
        else:
            param = (param[0], *(int(v) for v in param[1:]))
            if param in self.selected_params:
                self.selected_params.remove(param)
            self.selected_params = [*self.selected_params, param][-2:]
        self._scene.set_selected(self.selected_params)
        self._scene.refresh_edges()
        if emit and param is not None:
            self.parameterSelected.emit(param)
        return True

    def clear_selection(self) -> None:
        self.select_param(None)

    def edit_param(self, param: Param) -> InlineEditor | None:
        """Open the inline editor on ``param``'s edge or badge, pre-filled with
        its value. Enter emits ``editRequested``; the display waits for the
        next snapshot."""
        if not self._scene.valid_param(param):
            return None
        self._close_editor()
        editor = InlineEditor(self.viewport(), param, self._scene.param_value(param))
        editor.submitted.connect(self._edit_submitted)
        editor.rejected.connect(self.message.emit)
        editor.cancelled.connect(self._close_editor)
        self.editor = editor
        editor.open_at(self.mapFromScene(self._scene.anchor(param)))
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

    def item_at(self, pos: QPoint, kinds: tuple[type, ...] = _ITEMS) -> QGraphicsItem | None:
        """The topmost edge, bias or node (of ``kinds``) under viewport point ``pos``."""
        for item in self.items(pos):
            while item is not None and not isinstance(item, _ITEMS):
                item = item.parentItem()
            if item is not None and isinstance(item, kinds):
                return item
        # A dense network's edges are drawn by one bundle, not items: found
        # by their geometry instead.
        if EdgeItem not in kinds:
            return None
        return self._scene.edge_at(self.mapToScene(pos), self._scale())

    # -- mouse, wheel, keys ------------------------------------------------------------

    def mousePressEvent(self, event) -> None:
        self._close_editor()
        if event.button() == Qt.MouseButton.MiddleButton:
            self._pan_from = event.position()
            self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        if event.button() == Qt.MouseButton.LeftButton:
            item = self.item_at(event.position().toPoint(), (EdgeItem, BiasItem))
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
        item = self.item_at(event.position().toPoint(), (EdgeItem, BiasItem))
        if item is not None:
            self.edit_param(item.param)
        elif self.item_at(event.position().toPoint()) is None:
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

    # -- zoom, fit and the level of detail -----------------------------------------------

    def _scale(self) -> float:
        return self.transform().m11()

    def _refresh_lod(self, force: bool = False) -> None:
        """Texts and a dense network's edges for the zoom and area now on screen."""
        if self.layer_sizes:
            self._scene.refresh_lod(self._scale(), force)

    def fit(self) -> None:
        """Show the whole network (also done on resize until the user zooms)."""
        if not self.layer_sizes:
            return
        rect = self.sceneRect()
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        # Keep the bottom strip for the legend so it never covers a node.
        strip = self._legend.sizeHint().height() + 10
        if self._scale() > 0 and self.viewport().height() > 3 * strip:
            rect.adjust(0, 0, 0, strip / self._scale())
            self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        self._whole_scale = whole = self._scale()
        # Never huge circles; never nodes too small to read (then it scrolls).
        fixed = min(max(whole, self._scene.layout.legible_scale()), MAX_FIT_SCALE)
        if fixed != whole:
            self.resetTransform()
            self.scale(fixed, fixed)
            self.centerOn(self.sceneRect().center())
        bars = Qt.ScrollBarPolicy.ScrollBarAsNeeded if fixed > whole * 1.001 else _NO_BARS
        if self.verticalScrollBarPolicy() != bars:
            self.setVerticalScrollBarPolicy(bars)
            self.setHorizontalScrollBarPolicy(bars)
        self._fit_scale = self._scale()
        self._user_zoomed = False
        self._refresh_lod()

    @property
    def scrolls(self) -> bool:
        """Whether the fitted network is bigger than the view (scroll bars shown)."""
        return self.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAsNeeded

    def zoom_in(self) -> None:
        self._zoom(1.25, under_mouse=False)

    def zoom_out(self) -> None:
        self._zoom(1 / 1.25, under_mouse=False)

    def _zoom(self, factor: float, under_mouse: bool) -> None:
        current = self._scale()
        low = min(self._fit_scale * 0.5, self._whole_scale * 0.5, 0.5)
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
        if self._scene.dense:
            self._lod_timer.start()  # other edges came on screen

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if not self._user_zoomed:
            self.fit()
        self._legend.place(self.viewport().height())

    def _show_legend(self, text: str) -> None:
        self._legend.show_text(text, self.viewport().height())
