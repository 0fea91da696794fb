"""Pictures of the views: PNG and SVG bytes rendered from a QGraphicsView.

Rendered from the view's graphics scene, so they are sharp: PNG at twice the
on-screen size (its longest side capped at :data:`MAX_PNG_SIDE`), SVG as
vectors. SVG needs Qt's SVG module; :data:`SVG_AVAILABLE` says whether it is
installed, and :func:`render_svg` refuses with a ValueError when it is not.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QGraphicsView

try:  # part of PySide6-Essentials, but a trimmed install may lack it
    from PySide6.QtSvg import QSvgGenerator
except ImportError:  # pragma: no cover - depends on the installation
    QSvgGenerator = None

__all__ = ["MAX_PNG_SIDE", "SVG_AVAILABLE", "render_png", "render_svg"]

SVG_AVAILABLE = QSvgGenerator is not None
# Longest side of an exported PNG: a huge network at 2× would be a gigapixel image.
MAX_PNG_SIDE = 8192


def _area(view: QGraphicsView, whole_scene: bool) -> tuple[QRectF, QSize]:
    """What to draw (scene rect, or viewport rect in view coordinates) and its size."""
    port = view.viewport().rect()
    source, size = QRectF(port), port.size()
    if whole_scene:
        source = view.sceneRect()
        if source.isEmpty():
            raise ValueError("there is nothing drawn yet")
        # The whole scene at the size it has when fitted to the window.
        k = min(port.width() / source.width(), port.height() / source.height(), 1e6)
        size = QSize(round(source.width() * k), round(source.height() * k))
    if size.isEmpty():
        raise ValueError("the view is not shown or has nothing drawn yet")
    return source, size


def _paint(
    device: QImage | QSvgGenerator, view: QGraphicsView, source: QRectF, size: QSize, whole: bool
) -> None:
    painter = QPainter(device)
    try:
        painter.setRenderHints(
            QPainter.RenderHint.Antialiasing
            | QPainter.RenderHint.TextAntialiasing
            | QPainter.RenderHint.SmoothPixmapTransform
        )
        target = QRectF(0, 0, size.width(), size.height())
        brush = view.backgroundBrush()
        white = brush.style() == Qt.BrushStyle.NoBrush
        painter.fillRect(target, Qt.GlobalColor.white if white else brush)
        if whole:
            view.scene().render(painter, target, source)
        else:
            view.render(painter, target, source.toRect())
    finally:
        painter.end()


def _to_bytes(write: Callable[[QBuffer], object]) -> bytes:
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    if write(buf) is False:
        raise ValueError("could not encode the picture")
    buf.close()
    return bytes(data.data())


def render_png(view: QGraphicsView, whole_scene: bool = False, scale: float = 2.0) -> bytes:
    """PNG bytes of ``view`` (its visible part, or its whole scene) at ``scale``× size."""
    source, size = _area(view, whole_scene)
    scale = min(scale, MAX_PNG_SIDE / max(size.width(), size.height()))
    pixels = QSize(max(1, round(size.width() * scale)), max(1, round(size.height() * scale)))
    image = QImage(pixels, QImage.Format.Format_ARGB32_Premultiplied)
    # The painter keeps the view's logical size and draws vectors at device resolution.
    image.setDevicePixelRatio(scale)
    _paint(image, view, source, size, whole_scene)
    return _to_bytes(lambda buf: image.save(buf, "PNG"))


def render_svg(view: QGraphicsView, title: str, whole_scene: bool = False) -> bytes:
    """SVG bytes of ``view`` (its visible part, or its whole scene), as vectors."""
    if QSvgGenerator is None:
        raise ValueError("SVG export needs Qt's SVG module (PySide6.QtSvg), which is missing")
    source, size = _area(view, whole_scene)

    def write(buf: QBuffer) -> None:
        gen = QSvgGenerator()
        gen.setOutputDevice(buf)
        gen.setSize(size)
        gen.setViewBox(QRect(QPoint(0, 0), size))
        # At the default 72 dpi, fonts sized in points come out a quarter smaller
        # than on screen and pyqtgraph's axes no longer line up with their plot.
        gen.setResolution(view.logicalDpiX())
        gen.setTitle(title)
        gen.setDescription("Exported from mlpviz")
        _paint(gen, view, source, size, whole_scene)

    return _to_bytes(write)
