"""The edges of a dense network drawn as one item.

Rasterizing a long antialiased translucent curve costs tens of microseconds,
whatever draws it: 1,500 of them take 30–50 ms, far from 30 frames a second.
So a dense network's edges are one :class:`EdgeBundleItem` that draws one
path per pen (colour × width level) and keeps the result in a device-pixel
cache: a pan only scrolls that cache and draws the newly exposed strip, and
the edges are drawn again only when the zoom, the snapshot or the chosen
edges change.

Every edge is the same cubic curve as an
:class:`~mlpviz.ui.graph.items.EdgeItem`: from ``(xa, ya)`` to ``(xb, yb)``
with horizontal tangents, control points halfway across (the level of
detail, :mod:`~mlpviz.ui.graph.lod`, computes with the same curve).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import (
    QByteArray,
    QDataStream,
    QIODevice,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    QSizeF,
    Qt,
)
from PySide6.QtGui import QImage, QPainter, QPainterPath, QPen, QRegion, QTransform
from PySide6.QtWidgets import QGraphicsItem

# QPainterPath's QDataStream layout: element count, then per element its type
# and x, y (big-endian), then the current subpath's start and the fill rule.
_ELEMENT = np.dtype([("type", ">i4"), ("x", ">f8"), ("y", ">f8")])
_MOVE_TO, _CURVE_TO, _CURVE_DATA = 0, 2, 3


def curves_path(xa: np.ndarray, ya: np.ndarray, xb: np.ndarray, yb: np.ndarray) -> QPainterPath:
    """One path holding an edge curve from (xa[k], ya[k]) to (xb[k], yb[k]) per k.

    Built from a NumPy buffer in QPainterPath's stream format: one C++ read
    instead of two Python calls per edge, so re-picking thousands of edges
    costs about a millisecond.
    """
    n = len(ya)
    path = QPainterPath()
    if n == 0:
        return path
    dx = (xb - xa) / 2
    elements = np.empty((n, 4), _ELEMENT)
    elements["type"] = (_MOVE_TO, _CURVE_TO, _CURVE_DATA, _CURVE_DATA)
    elements["x"] = np.stack([xa, xa + dx, xb - dx, xb], axis=1)
    elements["y"] = np.stack([ya, ya, yb, yb], axis=1)
    data = (
        np.array([4 * n], ">i4").tobytes()
        + elements.tobytes()
        + np.zeros(2, ">i4").tobytes()  # subpath start 0, odd-even fill (unused)
    )
    buffer = QByteArray(data)  # the stream reads it in place: keep it alive
    stream = QDataStream(buffer, QIODevice.OpenModeFlag.ReadOnly)
    stream >> path
    return path


class EdgeBundleItem(QGraphicsItem):
    """All drawn edges of a dense network: one path per pen, drawn weakest
    first so the strongest edges end on top, through a pixel cache.

    The cache is the view's area and ``MARGIN`` of it around, in device
    pixels. A pan draws it shifted and, past the margin, draws only the newly
    exposed strips; a zoom draws it scaled (blurred for a moment) until the
    view asks for sharp pixels again (``sharpen``, from the level of detail's
    timer once the wheel rests) or it no longer covers the view. Qt's own
    DeviceCoordinateCache draws every edge again at each zoom step.
    """

    MARGIN = 0.25

    def __init__(self, rect: QRectF) -> None:
        super().__init__()
        self._rect = QRectF(rect)
        self._strokes: list[tuple[QPen, QPainterPath]] = []
        self._image: QImage | None = None
        self._image_world = QTransform()  # item → image pixels when it was drawn
        self._origin = QPoint()  # the image's top left in the view when it was drawn
        self._sharpen = False
        self.renders = 0  # full or strip redraws, for tests and benchmarks
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)  # the view picks
        self.setZValue(0)

    def boundingRect(self) -> QRectF:
        return self._rect

    def set_strokes(self, strokes: list[tuple[QPen, QPainterPath]]) -> None:
        """Draw ``strokes`` (pen, path) in this order from now on."""
        self._strokes = strokes
        self._image = None
        self.update()

    def sharpen(self, scale: float) -> None:
        """The view rests at ``scale``: redraw a cache drawn at another zoom."""
        if self._image is not None and abs(self._image_world.m11() / scale - 1) > 1e-6:
            self._sharpen = True
            self.update()

    def paint(self, painter, option, widget=None) -> None:
        # The view does not save the painter state between items
        # (DontSavePainterState): set everything this paint relies on.
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if widget is None or painter.device() is not widget:
            self._draw(painter)  # an export or print: no cache
            return
        world = painter.worldTransform()
        view = QRectF(widget.rect())
        if self._image is not None:
            # Image pixels → device pixels now.
            inverse, _ok = self._image_world.inverted()
            to_device = inverse * world
            covers = to_device.mapRect(QRectF(QPoint(0, 0), self._image.deviceIndependentSize()))
            same_zoom = abs(to_device.m11() - 1) < 1e-6 and abs(to_device.m22() - 1) < 1e-6
            preview = 0.5 <= to_device.m11() <= 2 and covers.contains(view)  # not too blurred
            if not same_zoom and not self._sharpen and preview:
                painter.setWorldTransform(to_device)  # a zoom in progress
                painter.drawImage(0, 0, self._image)
                return
            if same_zoom and self._image.devicePixelRatio() == widget.devicePixelRatioF():
                # A pan, a resize, or nothing moved: the same pixels, shifted.
                self._sharpen = False
                at = QPoint(round(to_device.dx()), round(to_device.dy()))
                if not covers.contains(view):
                    self._extend(world, view, at, painter.renderHints())
                    at = self._origin
                painter.setWorldTransform(QTransform())
                painter.drawImage(at, self._image)
                return
        self._render(world, view, widget.devicePixelRatioF(), painter.renderHints())
        painter.setWorldTransform(QTransform())
        painter.drawImage(self._origin, self._image)

    def _area(self, view: QRectF) -> QRect:
        """The device pixels to cache: the view and a margin around it."""
        mx, my = view.width() * self.MARGIN, view.height() * self.MARGIN
        return view.adjusted(-mx, -my, mx, my).toAlignedRect()

    def _render(self, world: QTransform, view: QRectF, dpr: float, hints) -> None:
        area = self._area(view)
        self._image, self._origin = self._blank(area, dpr), area.topLeft()
        self._image_world = world * QTransform.fromTranslate(-area.left(), -area.top())
        self._paint_into(QRect(QPoint(0, 0), area.size()), hints)
        self._sharpen = False

    def _extend(self, world: QTransform, view: QRectF, at: QPoint, hints) -> None:
        """After a pan past the margin (or a resize): keep the pixels still in
        the new area (the old image is at ``at`` in the view now) and draw
        only the strips that came into it."""
        old = self._image
        old_rect = QRectF(QPointF(at), old.deviceIndependentSize()).toAlignedRect()
        area = self._area(view)
        image = self._blank(area, old.devicePixelRatio())
        with_old = QPainter(image)
        with_old.drawImage(old_rect.topLeft() - area.topLeft(), old)
        with_old.end()
        self._image, self._origin = image, area.topLeft()
        self._image_world = world * QTransform.fromTranslate(-area.left(), -area.top())
        for strip in QRegion(area) - QRegion(old_rect):
            self._paint_into(strip.translated(-area.topLeft()), hints)

    @staticmethod
    def _blank(area: QRect, dpr: float) -> QImage:
        size = (QSizeF(area.size()) * dpr).toSize()
        image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
        image.setDevicePixelRatio(dpr)
        image.fill(Qt.GlobalColor.transparent)
        return image

    def _paint_into(self, clip: QRect, hints) -> None:
        painter = QPainter(self._image)
        painter.setRenderHints(hints)
        painter.setClipRect(clip)
        painter.setWorldTransform(self._image_world)
        self._draw(painter)
        painter.end()
        self.renders += 1

    def _draw(self, painter: QPainter) -> None:
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for pen, path in self._strokes:
            painter.setPen(pen)
            painter.drawPath(path)
