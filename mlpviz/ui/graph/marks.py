"""The marks of the selection and the hover on the network graph: a halo and
a numbered marker ("1", "2") on each selected parameter, a fainter halo on
the hovered item, and selected or hovered edges raised above the others.
"""

from __future__ import annotations

import contextlib

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsItem, QGraphicsScene

from mlpviz.ui.graph.edges import EdgeSet
from mlpviz.ui.graph.items import BiasItem, EdgeItem, HaloItem, MarkerItem
from mlpviz.ui.style import theme


class SelectionMarks:
    """The marks in ``scene`` for the items of ``edges`` and their badges and
    nodes; built with the scene's items, once per architecture."""

    def __init__(self, scene: QGraphicsScene, edges: EdgeSet) -> None:
        self._edges = edges
        glow = QColor(theme.ACCENT)
        glow.setAlpha(170)  # a glow, not a second edge
        self.halos = [HaloItem(glow, 6.0), HaloItem(glow, 6.0)]
        hover = QColor(theme.ACCENT)
        hover.setAlpha(90)
        self.hover_halo = HaloItem(hover, 5.0)
        self.markers = [MarkerItem(1), MarkerItem(2)]
        for item in (*self.halos, self.hover_halo, *self.markers):
            scene.addItem(item)
        self.hovered: QGraphicsItem | None = None
        self._raised: list[EdgeItem] = []

    def show_selection(self, items: list[EdgeItem | BiasItem]) -> None:
        """Halo and numbered marker on each selected item (at most two)."""
        edges = self._edges
        unselected, self._raised = self._raised, []
        for k, (halo, marker) in enumerate(zip(self.halos, self.markers)):
            if k >= len(items):
                halo.follow(None)
                marker.setVisible(False)
                continue
            item = items[k]
            if isinstance(item, EdgeItem):
                edges.raise_edge(item, 5)  # above the other edges, under the nodes
                self._raised.append(item)
                # Two edges mirrored about the middle cross at their midpoints:
                # put the markers off-centre so "1" and "2" never stack.
                marker.setPos(item.anchor(0.4 if k == 0 else 0.6))
            else:
                marker.setPos(item.sceneBoundingRect().topLeft())
            halo.follow(item)
            marker.setVisible(True)
        for edge in unselected:
            if edge in self._raised:
                continue
            if edge is self.hovered:
                edges.raise_edge(edge, 4)
            else:
                edges.lower_edge(edge)
        self.hover_halo.follow(self.hovered)

    def live_edges(self) -> list[EdgeItem]:
        """The edge items on show in a dense network: selected or hovered."""
        hover = [self.hovered] if isinstance(self.hovered, EdgeItem) else []
        return [*self._raised, *(e for e in hover if e not in self._raised)]

    def set_hover(self, item: QGraphicsItem | None) -> None:
        """Mark ``item`` (an edge, bias or node) as hovered; None: nothing."""
        if item is self.hovered:
            return
        if isinstance(self.hovered, EdgeItem) and self.hovered not in self._raised:
            with contextlib.suppress(RuntimeError):  # deleted with the old scene
                self._edges.lower_edge(self.hovered)
        self.hovered = item
        if isinstance(item, EdgeItem) and item not in self._raised:
            self._edges.raise_edge(item, 4)
        self.hover_halo.follow(item)
