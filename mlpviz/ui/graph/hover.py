"""Hover and tooltips of the network graph, as an event filter on the view's
viewport: a mouse move with no button held hovers the edge, bias or node
under the mouse (and points the cursor), leaving the viewport hovers
nothing, and a tooltip event shows the item's live text.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, Qt
from PySide6.QtWidgets import QGraphicsItem, QToolTip, QWidget

from mlpviz.ui.graph.items import BiasItem, EdgeItem


class HoverFilter(QObject):
    """Installed on ``viewport``; ``pick(point)`` finds the item under a
    viewport point (or None), ``hover(item)`` shows it as hovered and
    ``describe(item)`` gives its tooltip text. The filter only watches: the
    view still gets every mouse event.

    The callbacks are usually the view's own methods, and the filter lives as
    long as the view's viewport: it holds them weakly, so the view is freed
    with its C++ object instead of waiting for a garbage collection.
    """

    def __init__(
        self,
        viewport: QWidget,
        pick: Callable[[QPoint], QGraphicsItem | None],
        hover: Callable[[QGraphicsItem | None], None],
        describe: Callable[[QGraphicsItem], str],
    ) -> None:
        super().__init__(viewport)
        self._viewport = viewport
        self._pick, self._hover, self._describe = (_weak(f) for f in (pick, hover, describe))
        viewport.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        pick, hover, describe = self._pick(), self._hover(), self._describe()
        if pick is None or hover is None or describe is None:
            return False  # the view is being deleted
        if kind == QEvent.Type.MouseMove and event.buttons() == Qt.MouseButton.NoButton:
            item = pick(event.position().toPoint())
            hover(item)
            pointing = isinstance(item, (EdgeItem, BiasItem))
            self._viewport.setCursor(
                Qt.CursorShape.PointingHandCursor if pointing else Qt.CursorShape.OpenHandCursor
            )
        elif kind == QEvent.Type.ToolTip:
            item = pick(event.pos())
            if item is None:
                QToolTip.hideText()
                event.ignore()
            else:
                # Built on demand from the latest snapshot: always live, and
                # no per-frame tooltip strings for thousands of items.
                QToolTip.showText(event.globalPos(), describe(item), self._viewport)
            return True
        elif kind == QEvent.Type.Leave:
            hover(None)
        return False


def _weak(fn: Callable) -> Callable[[], Callable | None]:
    """A weak reference to a bound method; a plain function is kept as is."""
    if hasattr(fn, "__self__") and hasattr(fn, "__func__"):
        return weakref.WeakMethod(fn)
    return lambda: fn
