"""The application's icon: the tutorial's 2-3-1 network, in the graph view's colours.

Drawn in code at each size a desktop asks for, so it ships with the package
(no file to find next to an installed wheel) and stays sharp at 16 px.
"""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap

from mlpviz.ui.style import theme

SIZES = (16, 24, 32, 48, 64, 128, 256)

# Node centres as fractions of the icon: inputs, hidden layer, output.
_LAYERS = ((0.21, (0.36, 0.64)), (0.5, (0.24, 0.5, 0.76)), (0.79, (0.5,)))
# Signs of the edges (input → hidden, then hidden → output), as the tutorial's
# trained network has them: both colours show.
_SIGNS = ((1, -1, -1, -1, 1, 1), (-1, -1, 1))


def app_icon() -> QIcon:
    icon = QIcon()
    for size in SIZES:
        icon.addPixmap(icon_pixmap(size))
    return icon


def icon_pixmap(size: int) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.scale(size, size)  # draw in the unit square
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(250, 251, 252))
    p.drawRoundedRect(QRectF(0.02, 0.02, 0.96, 0.96), 0.2, 0.2)

    centres = [[QPointF(x, y) for y in ys] for x, ys in _LAYERS]
    # Thicker strokes at small sizes, or the edges vanish at 16 px.
    width = max(0.028, 1.3 / size)
    for (left, right), signs in zip(pairwise(centres), _SIGNS):
        pairs = [(a, b) for a in left for b in right]
        for (a, b), sign in zip(pairs, signs):
            colour = QColor(theme.POSITIVE if sign > 0 else theme.NEGATIVE)
            p.setPen(QPen(colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
            p.drawLine(a, b)

    radius = 0.08
    p.setPen(QPen(QColor(255, 255, 255), max(0.025, 1.0 / size)))
    p.setBrush(theme.ACCENT)
    for layer in centres:
        for c in layer:
            p.drawEllipse(c, radius, radius)
    p.end()
    return pixmap
