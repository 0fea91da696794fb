"""Moving around the network graph: a click selects, a double-click edits
(or on empty space fits the network again), dragging pans, and the wheel and
the + / − / 0 keys zoom; the whole network is fitted into the view until the
user zooms.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QGraphicsView

from mlpviz.ui.graph.items import BiasItem, EdgeItem

MAX_FIT_SCALE = 2.0  # a tiny network should not fill a big window with huge circles


class GraphNavigationMixin:
    """Mouse, wheel, keys, zoom and fit of the graph view (a mixin of
    :class:`~mlpviz.ui.graph.view.NetworkGraphView`)."""

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
