"""The QGraphicsItems of the network graph: nodes, weight edges, bias badges
and the selection/hover decorations.

The items only know their geometry and their parameter; every colour, width
and text is pushed into them by :class:`mlpviz.ui.graph.scene.GraphScene`
from the latest snapshot, so the scene can update thousands of them in place
without rebuilding.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainterPath,
    QPainterPathStroker,
    QPen,
)
from PySide6.QtWidgets import (
    QGraphicsEllipseItem,
    QGraphicsItem,
    QGraphicsPathItem,
    QGraphicsSimpleTextItem,
)

from mlpviz.engine.activations import ACTIVATIONS
from mlpviz.engine.layout import Param
from mlpviz.ui.style import theme

NODE_RADIUS = 19.0  # radius of a node in a small layer, in scene units
HIT_WIDTH = 9.0  # default pick stroke of an edge, in scene units
HIT_MARGIN = 5.0  # an edge's bounding rect reaches this far around its curve
LABEL_WIDTH = 120.0  # a column name longer than this (at its 12-unit font) is elided
NODE_PEN = QColor(150, 150, 150)
# The graph labels a node with its activation record's label.
SHORT_ACTIVATION = {name: record.label for name, record in ACTIVATIONS.items()}


def text_item(
    text: str,
    pixel_size: float,
    color: QColor,
    bold: bool = False,
    parent: QGraphicsItem | None = None,
) -> QGraphicsSimpleTextItem:
    """A plain label; ``parent`` makes it move and fade with its owner."""
    item = QGraphicsSimpleTextItem(text)
    font = QFont()
    font.setPixelSize(max(1, round(pixel_size)))
    font.setBold(bold)
    item.setFont(font)
    item.setBrush(QBrush(color))
    # Text never takes clicks: a click on a label is a click on what it labels.
    item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
    if parent is not None:
        item.setParentItem(parent)
    return item


def elided(text: str, font: QFont, width: float) -> str:
    """``text`` cut to ``width`` at ``font`` with an ellipsis at its end;
    unchanged when it fits."""
    if len(text) * font.pixelSize() <= width:  # no glyph is wider than 1 em: it fits
        return text
    return QFontMetricsF(font).elidedText(text, Qt.TextElideMode.ElideRight, width)


def place_text(item: QGraphicsSimpleTextItem, x: float, y: float, align: str = "center") -> None:
    """Position ``item`` so that (x, y) is its left/centre/right middle point,
    taking its scale into account."""
    br = item.boundingRect()
    s = item.scale()
    w, h = br.width() * s, br.height() * s
    dx = {"left": 0.0, "center": -w / 2, "right": -w}[align]
    item.setPos(x + dx, y - h / 2)


class EdgeItem(QGraphicsPathItem):
    """One weight: a gentle cubic curve from its input node to its node."""

    def __init__(self, param: Param, start: QPointF, end: QPointF) -> None:
        path = QPainterPath(start)
        dx = (end.x() - start.x()) * 0.5
        path.cubicTo(start.x() + dx, start.y(), end.x() - dx, end.y(), end.x(), end.y())
        super().__init__(path)
        self.param = param
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)  # the view picks
        # Picking first tests the bounding rect, which for a horizontal edge
        # is only as tall as its pen: widen it so thin edges can be hit.
        self._bounds = path.boundingRect().adjusted(
            -HIT_MARGIN, -HIT_MARGIN, HIT_MARGIN, HIT_MARGIN
        )
        self._hit_width = -1.0
        self._hit_shape = QPainterPath()

    def boundingRect(self) -> QRectF:
        return self._bounds

    def shape(self) -> QPainterPath:
        # The default shape strokes with the pen width, which makes a 0.5 px
        # edge almost impossible to click or hover. The view stores the pick
        # width for its zoom on the scene (a few pixels on screen).
        width = min(getattr(self.scene(), "hit_width", HIT_WIDTH), 2 * HIT_MARGIN)
        width = max(width, self.pen().widthF() if not self.pen().isCosmetic() else 0.0)
        if width != self._hit_width:
            stroker = QPainterPathStroker()
            stroker.setWidth(width)
            self._hit_shape = stroker.createStroke(self.path())
            self._hit_width = width
        return self._hit_shape

    def anchor(self, t: float = 0.5) -> QPointF:
        """A point on the curve (scene coordinates), where markers and editors go."""
        return self.path().pointAtPercent(t)


class NodeItem(QGraphicsEllipseItem):
    """A neuron: a circle whose fill is its activation, with the value written
    inside and its activation function's name underneath."""

    def __init__(self, layer: int, node: int, radius: float, activation: str | None) -> None:
        super().__init__(-radius, -radius, 2 * radius, 2 * radius)
        self.key = (layer, node)
        self.radius = radius
        k = radius / NODE_RADIUS  # fonts shrink with the node in big layers
        self.setPen(QPen(NODE_PEN, min(1.2, max(radius * 0.08, 0.05))))
        self.setBrush(QBrush(QColor(255, 255, 255)))
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.value_text = text_item("", 10, theme.TEXT)
        self.value_text.setParentItem(self)
        self.value_text.setScale(k)
        self.value_text.setVisible(False)
        self.activation_text: QGraphicsSimpleTextItem | None = None
        if activation is not None:
            short = SHORT_ACTIVATION.get(activation, activation)
            self.activation_text = text_item(short, 9, theme.MUTED)
            self.activation_text.setParentItem(self)
            self.activation_text.setScale(k)
            place_text(self.activation_text, 0, radius + 7 * k)
        self.label: QGraphicsSimpleTextItem | None = None
        self._fill_rgb = -1
        self._text_value = ""

    def set_label(self, text: str, side: str, scale: float) -> QGraphicsSimpleTextItem:
        """The dataset's column name, left of an input node or right of an
        output, elided to ``LABEL_WIDTH`` (the node's tooltip names it in full)."""
        self.label = text_item(text, 12, theme.TEXT)
        self.label.setText(elided(text, self.label.font(), LABEL_WIDTH))
        self.label.setParentItem(self)
        self.label.setScale(scale)
        # Static text: rendered once per zoom level instead of every repaint.
        self.label.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        gap = self.radius + 8 * scale
        if side == "left":
            place_text(self.label, -gap, 0, "right")
        else:
            place_text(self.label, gap, 0, "left")
        return self.label

    def set_fill(self, color: QColor) -> None:
        """Fill by activation; skips the repaint when the colour did not change."""
        rgb = color.rgb()
        if rgb == self._fill_rgb:
            return
        self._fill_rgb = rgb
        self.setBrush(QBrush(color))
        # Dark fills get white text so the value stays readable.
        dark = color.lightness() < 140
        self.value_text.setBrush(QBrush(QColor(255, 255, 255) if dark else theme.TEXT))

    def set_value(self, text: str) -> None:
        if text == self._text_value:
            return
        self._text_value = text
        self.value_text.setText(text)
        place_text(self.value_text, 0, 0)


class BiasItem(QGraphicsPathItem):
    """A bias: a small rounded "b" badge on the upper left of its node, filled
    with the bias value's diverging colour."""

    WIDTH, HEIGHT = 20.0, 14.0

    def __init__(self, param: Param, scale: float) -> None:
        w, h = self.WIDTH * scale, self.HEIGHT * scale
        path = QPainterPath()
        path.addRoundedRect(QRectF(-w / 2, -h / 2, w, h), 4 * scale, 4 * scale)
        super().__init__(path)
        self.param = param
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)  # the view picks
        self.setPen(QPen(NODE_PEN, 0.9 * scale))
        self.setBrush(QBrush(theme.NEUTRAL))
        self.text = text_item("b", 10, theme.TEXT)
        font = self.text.font()
        font.setItalic(True)
        self.text.setFont(font)
        self.text.setParentItem(self)
        self.text.setScale(scale)
        place_text(self.text, 0, -0.5 * scale)
        self._fill_rgb = -1

    def set_fill(self, color: QColor, border: QColor) -> None:
        rgb = color.rgb()
        if rgb == self._fill_rgb:
            return
        self._fill_rgb = rgb
        self.setBrush(QBrush(color))
        pen = self.pen()
        pen.setColor(border)
        self.setPen(pen)
        self.text.setBrush(QBrush(QColor(255, 255, 255) if color.lightness() < 140 else theme.TEXT))


class HaloItem(QGraphicsPathItem):
    """A soft accent outline drawn behind a selected or hovered item."""

    def __init__(self, color: QColor, extra_width: float) -> None:
        super().__init__()
        self._color = QColor(color)
        self._extra = extra_width
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setBrush(Qt.BrushStyle.NoBrush)
        self.setVisible(False)

    def follow(self, item: QGraphicsItem | None) -> None:
        """Outline ``item`` (an edge, bias or node), or hide for None."""
        if item is None or item.scene() is None or not item.isVisible():
            self.setVisible(False)
            return
        cosmetic = False
        if isinstance(item, EdgeItem):
            self.setPath(item.path())
            # A dense network's hairline edges get a halo of screen pixels too,
            # or zooming in would turn it into a band.
            cosmetic = item.pen().isCosmetic()
            width = item.pen().widthF() + (self._extra * 0.7 if cosmetic else self._extra)
            self.setZValue(item.zValue() - 0.01)
        else:
            # Badges and nodes: a rounded outline just outside their box.
            r = item.sceneBoundingRect()
            pad = max(2.0, min(r.width(), r.height()) * 0.18)
            r = r.adjusted(-pad, -pad, pad, pad)
            path = QPainterPath()
            if isinstance(item, NodeItem):
                path.addEllipse(r)
            else:
                path.addRoundedRect(r, pad * 1.6, pad * 1.6)
            self.setPath(path)
            width = max(1.0, pad * 0.9)
            self.setZValue(item.zValue() + 0.5)
        pen = QPen(self._color, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
        pen.setCosmetic(cosmetic)
        self.setPen(pen)
        self.setVisible(True)


class MarkerItem(QGraphicsItem):
    """A small numbered disc ("1", "2") marking the two selected parameters.

    Ignores the view's zoom so it stays the same readable size on screen.
    """

    RADIUS = 8.0

    def __init__(self, number: int) -> None:
        super().__init__()
        self.number = str(number)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations, True)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setZValue(50)
        self.setVisible(False)
        self._font = QFont()
        self._font.setPixelSize(11)
        self._font.setBold(True)

    def boundingRect(self) -> QRectF:
        r = self.RADIUS + 1.5
        return QRectF(-r, -r, 2 * r, 2 * r)

    def paint(self, painter, option, widget=None) -> None:
        r = self.RADIUS
        painter.setPen(QPen(QColor(255, 255, 255), 1.5))
        painter.setBrush(QBrush(theme.ACCENT))
        painter.drawEllipse(QPointF(0, 0), r, r)
        painter.setPen(QColor(255, 255, 255))
        painter.setFont(self._font)
        painter.drawText(self.boundingRect(), Qt.AlignmentFlag.AlignCenter, self.number)
