"""Thumbnails of the built-in examples for File › Examples, drawn from their data.

Two inputs: a scatter of the rows, coloured by class (two classes orange 0 /
blue 1 as the playground; more classes the series palette) or, for
regression, by the target on the diverging scale. One input: the target over
the input. The digits: a grid of digit images. Each thumbnail is drawn once
per process and kept; the menu gets them the first time it opens.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QMenu, QProxyStyle, QStyle

from mlpviz.data.datasets import EXAMPLES, Example, load_example
from mlpviz.data.digits import SIDE
from mlpviz.ui.style import theme

SIZE = 48  # thumbnail side in pixels
ICON_SIZE = 40  # as shown in the menu
_BACKGROUND = QColor(255, 255, 255)
_FRAME = QColor(210, 210, 210)
_MARGIN = 4.0

_cache: dict[str, QImage] = {}


class _LargeIcons(QProxyStyle):
    """The application's style with menu icons ICON_SIZE pixels large."""

    def pixelMetric(self, metric, option=None, widget=None) -> int:
        if metric == QStyle.PixelMetric.PM_SmallIconSize:
            return ICON_SIZE
        return super().pixelMetric(metric, option, widget)


def _class_colours(labels: np.ndarray, class_column: bool) -> list[QColor]:
    if not class_column:  # 0/1 targets: the output map's orange and blue
        return [theme.POSITIVE if v >= 0.5 else theme.NEGATIVE for v in labels]
    n = int(labels.max()) + 1 if len(labels) else 0
    return [theme.class_colour(int(v), n) for v in labels]


def _scaled(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """Each column of ``values`` mapped into [low, high] (a constant column to the middle)."""
    lo, hi = values.min(axis=0), values.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    t = np.where(hi > lo, (values - lo) / span, 0.5)
    return low + t * (high - low)


def _scatter(painter: QPainter, xy: np.ndarray, colours: list[QColor], radius: float) -> None:
    pts = _scaled(xy, _MARGIN + radius, SIZE - _MARGIN - radius)
    painter.setPen(Qt.PenStyle.NoPen)
    for (x, y), c in zip(pts, colours):
        painter.setBrush(c)
        painter.drawEllipse(QPointF(x, SIZE - y), radius, radius)


def _draw_points(painter: QPainter, ex: Example) -> None:
    x, z = ex.X, ex.Z[:, 0]
    n = len(x)
    radius = 4.0 if n <= 10 else 1.6
    if x.shape[1] == 1:  # one input: the target over it
        order = np.argsort(x[:, 0])
        xy = np.column_stack([x[order, 0], z[order]])
        _scatter(painter, xy, [theme.POSITIVE] * n, radius)
        return
    if ex.task == "classification":
        colours = _class_colours(z, ex.class_column)
    else:
        centred = z - np.median(z)
        colours = [theme.diverging(v, theme.value_scale(centred)) for v in centred]
        colours = [c.darker(115) for c in colours]
    step = max(1, n // 300)  # a thumbnail needs no more points than this
    _scatter(painter, x[::step, :2], colours[::step], radius)


def _draw_digits(painter: QPainter, ex: Example) -> None:
    """A 3×3 grid: the first image of each digit 1–9, dark ink on white."""
    labels = ex.Z[:, 0].astype(int)
    cell = (SIZE - 2 * _MARGIN) / 3
    for k, digit in enumerate(range(1, 10)):
        pixels = ex.X[int(np.flatnonzero(labels == digit)[0])].reshape(SIDE, SIDE)
        grey = np.ascontiguousarray(255 - np.rint(pixels * 255 / 16).astype(np.uint8))
        image = QImage(grey.data, SIDE, SIDE, SIDE, QImage.Format.Format_Grayscale8).copy()
        r, c = divmod(k, 3)
        painter.drawImage(QRectF(_MARGIN + c * cell, _MARGIN + r * cell, cell, cell), image)


def thumbnail(name: str) -> QImage:
    """The thumbnail of example ``name`` (SIZE × SIZE, drawn once and cached)."""
    image = _cache.get(name)
    if image is not None:
        return image
    ex = load_example(name)
    image = QImage(SIZE, SIZE, QImage.Format.Format_RGB32)
    image.fill(_BACKGROUND)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    if ex.X.shape[1] == SIDE * SIDE and ex.class_column:
        _draw_digits(painter, ex)
    else:
        _draw_points(painter, ex)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(QPen(_FRAME, 1))
    painter.drawRect(QRectF(0.5, 0.5, SIZE - 1, SIZE - 1))
    painter.end()
    _cache[name] = image
    return image


def add_thumbnails(menu: QMenu) -> None:
    """Give each example entry of ``menu`` (its text the example's name) its
    thumbnail and description, the first time the menu opens."""

    def fill() -> None:
        menu.aboutToShow.disconnect(fill)
        for action in menu.actions():
            name = action.text()
            if name in EXAMPLES:
                action.setIcon(QIcon(QPixmap.fromImage(thumbnail(name))))
                action.setStatusTip(load_example(name).description)
                action.setToolTip(load_example(name).description)

    style = _LargeIcons()
    style.setParent(menu)  # the menu keeps its style alive
    menu.setStyle(style)
    menu.setToolTipsVisible(True)
    menu.aboutToShow.connect(fill)
