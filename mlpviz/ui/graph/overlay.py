"""The step-through's overlay on the network graph: short numbers in white
boxes next to nodes, edges and biases, placed clear of each other.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPen
from PySide6.QtWidgets import QGraphicsItem

from mlpviz.ui.graph.items import NODE_PEN, NODE_RADIUS
from mlpviz.ui.style import theme


class OverlayLabel(QGraphicsItem):
    """A short text on a white rounded box, readable over edges: the numbers
    the step-through writes next to nodes, edges and biases."""

    PAD = 2.5

    def __init__(self, text: str, pixel_size: float, accent: bool = False) -> None:
        super().__init__()
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self._font = QFont()
        self._font.setPixelSize(max(1, round(pixel_size)))
        self._border = QColor(theme.ACCENT if accent else NODE_PEN)
        self._text = ""
        self._rect = QRectF()
        self.set_text(text)

    def text(self) -> str:
        return self._text

    def set_text(self, text: str) -> None:
        if text == self._text:
            return
        self.prepareGeometryChange()
        self._text = text
        r = QFontMetricsF(self._font).boundingRect(QRectF(0, 0, 1e4, 1e4), 0, text)
        self._rect = QRectF(0, 0, r.width() + 2 * self.PAD, r.height() + 2 * self.PAD)
        self.update()

    def boundingRect(self) -> QRectF:
        return self._rect

    def paint(self, painter, option, widget=None) -> None:
        painter.setPen(QPen(self._border, 0.8))
        painter.setBrush(QBrush(QColor(255, 255, 255, 235)))
        painter.drawRoundedRect(self._rect, 3, 3)
        painter.setPen(theme.TEXT)
        painter.setFont(self._font)
        inner = self._rect.adjusted(self.PAD, self.PAD, -self.PAD, -self.PAD)
        painter.drawText(
            inner, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self._text
        )


class StepOverlay:
    """The step-through's labels on the graph: per node ``(layer, j)``, per
    weight ``("w", l, j, i)`` and per bias ``("b", l, j)``, drawn over the
    existing items (nothing is rebuilt) and reused from step to step.

    Each label takes the first of a few spots near its item that stays inside
    the scene and clear of nodes, headers and the labels placed before it.
    """

    # Along the curve, middle first; crossing edges meet in the middle.
    EDGE_SPOTS = (0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.46, 0.54, 0.38, 0.62, 0.3, 0.7, 0.22)
    CROWDED = 64  # nodes of bigger layers are not treated as obstacles (too many)

    def __init__(self) -> None:
        self.labels: dict[tuple, OverlayLabel] = {}
        self._tip: Callable[[tuple], str | None] | None = None

    def tip(self, key: tuple) -> str | None:
        """Tooltip lines for ``key``: from the tip function, else its label."""
        text = self._tip(key) if self._tip is not None else None
        label = self.labels.get(key)
        return text if text is not None or label is None else label.text()

    def show(
        self, scene, texts: dict[tuple, str], tip: Callable[[tuple], str | None] | None
    ) -> None:
        """Draw ``texts`` on ``scene`` (a :class:`~mlpviz.ui.graph.scene.GraphScene`:
        its items, headers and layer sizes). ``tip`` gives tooltip lines on
        demand (a function, so a big network does not format thousands of
        strings per step)."""
        for key in [k for k in self.labels if k not in texts]:
            scene.removeItem(self.labels.pop(key))
        # Boxes (x0, y0, x1, y1) to keep clear of: obstacles, then each placed label.
        obstacles = self._obstacles(scene)
        taken = np.empty((len(obstacles) + len(texts), 4))
        taken[: len(obstacles)] = obstacles
        count = len(obstacles)
        b = scene.sceneRect()
        for key in sorted(texts, key=lambda k: k[0] == "w"):  # nodes and biases first
            label = self.labels.get(key)
            if label is None:
                label = self.labels[key] = self._make(key, texts[key], scene.node_items)
                scene.addItem(label)
            label.set_text(texts[key])
            w, h = label.boundingRect().width(), label.boundingRect().height()
            spots = np.array(list(self._spots(scene, key, w, h)))  # (S, 2) top-left corners
            boxes = np.column_stack([spots, spots + np.array([w, h])])
            # Overlapped area with everything taken, and a big price for leaving
            # the scene (the label would be clipped); the first free spot wins.
            t = taken[None, :count]
            ox = np.minimum(boxes[:, None, 2], t[..., 2]) - np.maximum(boxes[:, None, 0], t[..., 0])
            oy = np.minimum(boxes[:, None, 3], t[..., 3]) - np.maximum(boxes[:, None, 1], t[..., 1])
            cost = (np.clip(ox, 0, None) * np.clip(oy, 0, None)).sum(axis=1)
            inside = (
                (boxes[:, 0] >= b.left())
                & (boxes[:, 1] >= b.top())
                & (boxes[:, 2] <= b.right())
                & (boxes[:, 3] <= b.bottom())
            )
            best = boxes[int(np.argmin(cost + np.where(inside, 0.0, 1e6)))]
            label.setPos(float(best[0]), float(best[1]))
            taken[count] = best
            count += 1
        self._tip = tip

    @staticmethod
    def _make(key: tuple, text: str, nodes: dict) -> OverlayLabel:
        if key[0] == "w":
            label = OverlayLabel(text, 8.5)
            label.setZValue(9)  # over the edges, under the nodes
            return label
        k = nodes[(key[1] + 1, key[2]) if key[0] == "b" else key].radius / NODE_RADIUS
        # Node labels are the step's main numbers: a size up, with an accent border.
        label = OverlayLabel(text, (8.5 if key[0] == "b" else 9.5) * k, accent=key[0] != "b")
        label.setZValue(14)
        return label

    def _obstacles(self, scene) -> list[tuple[float, float, float, float]]:
        rects = []
        for head in scene.header_rects():  # the title and, under it, the subtitle
            rects.append(head.adjusted(-30, 0, 30, 22))
        small = {k for k, size in enumerate(scene.layer_sizes) if size <= self.CROWDED}
        for (k, _j), node in scene.node_items.items():
            if k in small:
                rects.append(node.sceneBoundingRect())
                rects += [t.sceneBoundingRect() for t in (node.label, node.activation_text) if t]
        for (l, _j), bias in scene.bias_items.items():
            if l + 1 in small:
                rects.append(bias.sceneBoundingRect())
        return [(r.left(), r.top(), r.right(), r.bottom()) for r in rects]

    @classmethod
    def _spots(cls, scene, key: tuple, w: float, h: float):
        """Top-left corners to try for a label of size w × h, best first."""
        if key[0] == "w":
            edge = scene.edge_items[tuple(key[1:])]
            for t in cls.EDGE_SPOTS:
                p = edge.anchor(t)
                yield p.x() - w / 2, p.y() - h / 2
            return
        if key[0] == "b":
            b = scene.bias_items[(key[1], key[2])].sceneBoundingRect()
            yield b.left() - 3 - w, b.center().y() - h / 2  # left of the badge
            yield b.center().x() - w / 2, b.top() - 2 - h  # above it
            yield b.right() + 3, b.top() - h
            return
        node = scene.node_items[key]
        p, r = node.scenePos(), node.radius
        yield p.x() + r + 3, p.y() + 0.9 * r - h / 2  # right, a little below the edges
        yield p.x() - w / 2, p.y() + r + 14  # under the activation name
        yield p.x() + r + 3, p.y() - 0.9 * r - h / 2  # right, above
        yield p.x() - r - 3 - w, p.y() + 0.9 * r - h / 2  # left

    def clear(self, scene) -> None:
        for label in self.labels.values():
            scene.removeItem(label)
        self.labels, self._tip = {}, None

    def forget(self) -> None:
        """After the scene was cleared (it deleted the labels)."""
        self.labels, self._tip = {}, None
