"""The graph's +/− buttons: a neuron more or fewer in a hidden layer, a hidden layer more or fewer.

Each hidden column's subtitle ("3 × sigmoid") has a − at its left and a + at
its right; above the titles, between the last hidden column and the output
column, a "− hidden layer +" pair adds a hidden layer after the last one or
removes that one.
The buttons keep one size on screen whatever the zoom (they ignore the
view's transformation), so they stay easy to hit on a fitted large network.

The buttons decide nothing: a click emits :attr:`LayerControls.requested`
with a :class:`Change`, and whoever owns the network applies it. A button
that would leave the limits is disabled, its tooltip saying why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsObject,
    QGraphicsScene,
    QGraphicsSimpleTextItem,
    QStyleOptionGraphicsItem,
    QWidget,
)

from mlpviz.ui.graph.layout import GraphLayout
from mlpviz.ui.style import theme

BUTTON_PX = 15.0  # a button's diameter on screen, at any zoom
GAP_PX = 4.0  # between a subtitle's end and its button
SUBTITLE_PX = 11  # the subtitle font's pixel size (GraphScene._build_headers)


@dataclass(frozen=True)
class Change:
    """One edit of the hidden layers.

    ``kind`` is ``"neuron"`` (``layer`` is the node layer, 1 = first hidden)
    or ``"layer"`` (a hidden layer after the last one; ``layer`` is unused);
    ``delta`` is +1 or −1.
    """

    kind: str
    delta: int
    layer: int = 0

    def describe(self) -> str:
        """The undo stack's name of the change."""
        if self.kind == "neuron":
            if self.delta > 0:
                return f"Add a neuron to hidden layer {self.layer}"
            return f"Remove a neuron from hidden layer {self.layer}"
        return "Add a hidden layer" if self.delta > 0 else "Remove the last hidden layer"


class HeaderButton(QGraphicsObject):
    """A round + or − of ``BUTTON_PX`` pixels; its centre is ``offset`` pixels
    right of its position (negative: left), so it can sit beside a text whose
    width is in scene units."""

    clicked = Signal()

    def __init__(self, glyph: str, offset: float, tip: str) -> None:
        super().__init__()
        self.glyph = glyph
        self._offset = offset
        self._hover = False
        self._pressed = False
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        self.setAcceptHoverEvents(True)
        self.setAcceptedMouseButtons(Qt.MouseButton.LeftButton)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setZValue(13)
        self.setToolTip(tip)

    def set_allowed(self, allowed: bool, tip: str) -> None:
        """Enable the button with ``tip``, or disable it with ``tip`` saying why."""
        self.setEnabled(allowed)
        self.setToolTip(tip)
        self.setCursor(Qt.CursorShape.PointingHandCursor if allowed else Qt.CursorShape.ArrowCursor)

    def centre(self) -> QPointF:
        """The button's centre in item coordinates (pixels)."""
        return QPointF(self._offset, 0.0)

    def boundingRect(self) -> QRectF:
        r = BUTTON_PX / 2 + 1
        return QRectF(self._offset - r, -r, 2 * r, 2 * r)

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = BUTTON_PX / 2
        c = self.centre()
        on = self.isEnabled()
        ink = theme.ACCENT if on else QColor(190, 190, 190)
        fill = QColor(ink) if self._hover and on else QColor(255, 255, 255)
        painter.setPen(QPen(ink, 1.4))
        painter.setBrush(QBrush(fill))
        painter.drawEllipse(c, r, r)
        painter.setPen(QPen(QColor(255, 255, 255) if self._hover and on else ink, 2.0))
        arm = r * 0.5
        painter.drawLine(QPointF(c.x() - arm, c.y()), QPointF(c.x() + arm, c.y()))
        if self.glyph == "+":
            painter.drawLine(QPointF(c.x(), c.y() - arm), QPointF(c.x(), c.y() + arm))

    def hoverEnterEvent(self, event) -> None:
        self._hover = True
        self.update()

    def hoverLeaveEvent(self, event) -> None:
        self._hover = False
        self.update()

    def mousePressEvent(self, event) -> None:
        self._pressed = True
        event.accept()

    def mouseReleaseEvent(self, event) -> None:
        inside = self.boundingRect().contains(event.pos())
        if self._pressed and inside and self.isEnabled():
            self.clicked.emit()
        self._pressed = False
        event.accept()


class LayerControls(QObject):
    """The +/− buttons of one scene, rebuilt with it; ``requested(Change)`` on a click.

    ``max_layers`` and ``max_neurons`` are the limits the buttons keep to
    (the settings panel's, set by whoever applies the changes).
    """

    requested = Signal(object)  # Change

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.max_layers = 8
        self.max_neurons = 512
        self.buttons: dict[Change, HeaderButton] = {}
        self._caption: QGraphicsSimpleTextItem | None = None

    def build(self, scene: QGraphicsScene, layout: GraphLayout, subtitles: Sequence[str]) -> None:
        """Add the buttons for ``layout`` to ``scene`` (whose ``clear`` removed the old ones).

        ``subtitles[l]`` is column ``l``'s subtitle text, which the neuron
        buttons flank.
        """
        self.buttons = {}
        sizes = layout.sizes
        n_hidden = len(sizes) - 2
        metrics = QFontMetricsF(_font(SUBTITLE_PX))
        y = layout.top - 26
        for layer in range(1, n_hidden + 1):
            half = metrics.horizontalAdvance(subtitles[layer]) / 2
            n = sizes[layer]
            for delta, glyph, side in ((-1, "−", -1), (1, "+", 1)):
                button = self._add(scene, Change("neuron", delta, layer), glyph, side)
                button.setPos(layout.x[layer] + side * half, y)
                if delta > 0 and n >= self.max_neurons:
                    button.set_allowed(False, f"At most {self.max_neurons} neurons in a layer")
                elif delta < 0 and n <= 1:
                    button.set_allowed(False, "A hidden layer keeps at least one neuron")
                else:
                    verb = "Add a neuron to" if delta > 0 else "Remove the last neuron of"
                    button.set_allowed(True, f"{verb} hidden layer {layer} (undoable)")
        # The layer pair sits on a line of its own above the titles, between
        # the last hidden column and the output: clear of the titles at any zoom.
        x, y = (layout.x[-2] + layout.x[-1]) / 2, layout.top - 66
        caption = QGraphicsSimpleTextItem("hidden layer")
        caption.setFont(_font(SUBTITLE_PX))
        caption.setBrush(QBrush(theme.MUTED))
        caption.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
        caption.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        width = caption.boundingRect().width()
        caption.setPos(x, y)
        caption.setTransform(caption.transform().translate(-width / 2, -metrics.height() / 2))
        scene.addItem(caption)
        self._caption = caption
        for delta, glyph, side in ((-1, "−", -1), (1, "+", 1)):
            button = self._add(scene, Change("layer", delta), glyph, side, width / 2)
            button.setPos(x, y)
            if delta > 0 and n_hidden >= self.max_layers:
                button.set_allowed(False, f"At most {self.max_layers} hidden layers")
            elif delta < 0 and n_hidden == 0:
                button.set_allowed(False, "There is no hidden layer to remove")
            elif delta > 0:
                button.set_allowed(True, "Add a hidden layer before the output (undoable)")
            else:
                button.set_allowed(True, f"Remove hidden layer {n_hidden} (undoable)")

    def _add(
        self, scene: QGraphicsScene, change: Change, glyph: str, side: int, inner: float = 0.0
    ) -> HeaderButton:
        offset = side * (inner + GAP_PX + BUTTON_PX / 2)
        button = HeaderButton(glyph, offset, "")
        button.clicked.connect(lambda c=change: self.requested.emit(c))
        scene.addItem(button)
        self.buttons[change] = button
        return button

    def button(self, kind: str, delta: int, layer: int = 0) -> HeaderButton:
        """The button for a change (KeyError if the network shown has none)."""
        return self.buttons[Change(kind, delta, layer)]


def _font(pixel_size: int) -> QFont:
    font = QFont()
    font.setPixelSize(pixel_size)
    return font
