"""Weights as pictures: each first-layer neuron's incoming weights drawn as an
image the shape of the input image.

When the inputs are an image (a square number of them, or the user ticks
"Inputs are an image" and gives its width), weight ``W[0][j][i]`` of neuron
``j`` is pixel ``i`` of tile ``j``, row by row. A pixel's colour is
:func:`mlpviz.ui.style.theme.diverging` of its weight on the weight table's
scale for that layer (its weights and biases), so a tile pixel and the table
cell of the same weight have the same colour. Tiles are drawn pixel for pixel
(no smoothing), scaled by a whole factor.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QRect, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from mlpviz.engine.layout import ParamLayout
from mlpviz.ui.style import theme
from mlpviz.ui.training.snapshot import Snapshot
from mlpviz.ui.weights.layer_section import _ScaleLegend

GAP = 6  # pixels between tiles
_FRAME = QColor(200, 200, 200)
_PADDING = (225, 225, 225)  # pixels of the last image row past the last input


def _rgb(c: QColor) -> np.ndarray:
    return np.array([c.red(), c.green(), c.blue()], dtype=np.float64)


def diverging_rgb(values: np.ndarray, scale: float) -> np.ndarray:
    """``theme.diverging`` over an array: (..., 3) uint8, the same colour per value.

    Same arithmetic as the scalar one (a + (b − a)·t rounded half to even),
    so each pixel equals ``theme.diverging(value, scale)`` exactly.
    """
    v = np.asarray(values, dtype=np.float64)
    neutral = _rgb(theme.NEUTRAL)
    if not (math.isfinite(scale) and scale > 0):
        return np.broadcast_to(neutral, (*v.shape, 3)).astype(np.uint8)
    finite = np.isfinite(v)
    t = np.where(finite, np.minimum(np.abs(np.where(finite, v, 0.0)) / scale, 1.0), 0.0)
    end = np.where((v >= 0)[..., None], _rgb(theme.POSITIVE), _rgb(theme.NEGATIVE))
    return np.rint(neutral + (end - neutral) * t[..., None]).astype(np.uint8)


def image_shape(n_inputs: int, width: int | None = None) -> tuple[int, int] | None:
    """(rows, columns) of the input image: square when ``width`` is None (None
    when ``n_inputs`` is not a square above 1), else ``width`` columns and as
    many rows as needed."""
    if width is None:
        side = math.isqrt(n_inputs)
        return (side, side) if side > 1 and side * side == n_inputs else None
    width = max(1, min(int(width), n_inputs))
    return -(-n_inputs // width), width


def tile_images(weights: np.ndarray, shape: tuple[int, int], scale: float) -> list[QImage]:
    """One RGB image per neuron (a row of ``weights``), ``shape`` = (rows, columns);
    pixels past the last input are a flat grey."""
    rows, cols = shape
    n_out, n_in = weights.shape
    rgb = np.empty((n_out, rows * cols, 3), dtype=np.uint8)
    rgb[:] = _PADDING
    rgb[:, :n_in] = diverging_rgb(weights, scale)
    images = []
    for tile in rgb.reshape(n_out, rows, cols, 3):
        buf = np.ascontiguousarray(tile)
        images.append(QImage(buf.data, cols, rows, 3 * cols, QImage.Format.Format_RGB888).copy())
    return images


class TileGrid(QWidget):
    """The tiles in a grid as large as fits, each scaled by a whole factor;
    a tile's tooltip names its neuron."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setMinimumSize(120, 120)
        self.images: list[QImage] = []
        self.names: list[str] = []
        self.note = ""
        self._hover = -1

    def set_tiles(self, images: list[QImage], names: Sequence[str], note: str = "") -> None:
        self.images, self.names, self.note = images, list(names), note
        self.update()

    def geometry_of(self) -> tuple[int, int, int, int]:
        """(grid columns, pixel size, tile width, tile height) filling the widget."""
        if not self.images:
            return 1, 1, 0, 0
        w, h = self.images[0].width(), self.images[0].height()
        n = len(self.images)
        best = (1, 1)
        for gc in range(1, n + 1):
            gr = -(-n // gc)
            px = min(
                (self.width() - GAP * (gc + 1)) // (gc * w),
                (self.height() - GAP * (gr + 1)) // (gr * h),
            )
            if px > best[1]:
                best = (gc, px)
        gc, px = best
        return gc, max(px, 1), w * max(px, 1), h * max(px, 1)

    def tile_rect(self, k: int) -> QRect:
        gc, _px, tw, th = self.geometry_of()
        r, c = divmod(k, gc)
        return QRect(GAP + c * (tw + GAP), GAP + r * (th + GAP), tw, th)

    def tile_at(self, pos: QPoint) -> int:
        for k in range(len(self.images)):
            if self.tile_rect(k).contains(pos):
                return k
        return -1

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
        if not self.images:
            painter.setPen(theme.MUTED)
            painter.drawText(
                self.rect().adjusted(12, 12, -12, -12),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.note,
            )
            painter.end()
            return
        for k, image in enumerate(self.images):
            rect = self.tile_rect(k)
            painter.drawImage(rect, image)
            hover = k == self._hover
            painter.setPen(QPen(theme.ACCENT if hover else _FRAME, 2 if hover else 1))
            painter.drawRect(rect.adjusted(-1, -1, 0, 0))
        painter.end()

    def mouseMoveEvent(self, event) -> None:
        k = self.tile_at(event.position().toPoint())
        if k != self._hover:
            self._hover = k
            self.update()

    def leaveEvent(self, event) -> None:
        self._hover = -1
        self.update()

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.ToolTip:
            k = self.tile_at(e.pos())
            if k >= 0:
                QToolTip.showText(e.globalPos(), self.names[k], self, self.tile_rect(k))
            else:
                QToolTip.hideText()
                e.ignore()
            return True
        return super().event(e)


class WeightPictures(QWidget):
    """The "Weight pictures" view: the first weight layer, one tile per neuron.

    Call :meth:`set_architecture` when the network changes and
    :meth:`update_snapshot` with each snapshot; :attr:`shape` is the image
    shape in use (None: the inputs are not taken as an image).
    """

    shapeChanged = Signal(object)  # (rows, columns) or None

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image_box = QCheckBox("Inputs are an image")
        self.image_box.setToolTip("Draw each first-layer neuron's incoming weights as an image")
        self.width_spin = QSpinBox()
        self.width_spin.setRange(1, 1)
        self.width_spin.setPrefix("width ")
        self.width_spin.setSuffix(" px")
        self.width_spin.setToolTip("Pixels per image row: the inputs fill the image row by row")
        self.legend = _ScaleLegend()
        self.caption = QLabel()
        self.caption.setStyleSheet(f"color: {theme.MUTED.name()}")
        self.grid = TileGrid()
        top = QHBoxLayout()
        top.setContentsMargins(6, 4, 6, 0)
        top.addWidget(self.image_box)
        top.addWidget(self.width_spin)
        top.addStretch(1)
        top.addWidget(self.legend)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 4)
        lay.addLayout(top)
        lay.addWidget(self.caption)
        lay.addWidget(self.grid, 1)
        self.caption.setContentsMargins(6, 0, 6, 0)
        self._sizes: tuple[int, ...] = ()
        self._output_names: list[str] = []
        self._snapshot: Snapshot | None = None
        self.shape: tuple[int, int] | None = None
        self.scale = 1.0
        self.weights = np.zeros((0, 0))
        self.image_box.toggled.connect(self._choose_shape)
        self.width_spin.valueChanged.connect(self._choose_shape)
        self.set_architecture((2, 3, 1))

    def set_architecture(
        self, layer_sizes: Sequence[int], output_names: Sequence[str] | None = None
    ) -> None:
        """A new network: with new inputs, an image when they are a square number,
        else not (the user may still say they are)."""
        same_inputs = bool(self._sizes) and self._sizes[0] == int(layer_sizes[0])
        self._sizes = tuple(int(n) for n in layer_sizes)
        n_in, n_out = self._sizes[0], self._sizes[-1]
        self._output_names = list(output_names or [f"Z{j}" for j in range(n_out)])
        self._snapshot = None
        if same_inputs:  # the same inputs: the user's choice of image stands
            self._choose_shape()
            return
        square = image_shape(n_in)
        for w in (self.image_box, self.width_spin):
            w.blockSignals(True)
        self.width_spin.setRange(1, max(n_in, 1))
        self.width_spin.setValue(square[1] if square else max(1, math.isqrt(n_in)))
        self.image_box.setChecked(square is not None)
        for w in (self.image_box, self.width_spin):
            w.blockSignals(False)
        self._choose_shape()

    def _choose_shape(self, *_: object) -> None:
        n_in = self._sizes[0]
        on = self.image_box.isChecked()
        self.width_spin.setEnabled(on)
        self.shape = image_shape(n_in, self.width_spin.value()) if on else None
        self.shapeChanged.emit(self.shape)
        self._redraw()

    def neuron_name(self, j: int) -> str:
        """The tooltip of tile ``j``: the neuron and the weights it draws."""
        n_in = self._sizes[0]
        hidden = len(self._sizes) > 2
        who = f"hidden 1 · node {j}" if hidden else f"output {self._output_names[j]}"
        rows, cols = self.shape or (0, 0)
        text = f"{who}\nits {n_in} incoming weights w[0][{j}][0…{n_in - 1}] as {rows}×{cols}"
        if self.weights.shape[0] > j:
            w = self.weights[j]
            text += f"\nmin {w.min():.4g}, max {w.max():.4g}"
        return text

    def update_snapshot(self, snap: Snapshot) -> None:
        """Redraw from ``snap``'s first weight layer."""
        if tuple(snap.layer_sizes) != self._sizes:
            self.set_architecture(snap.layer_sizes)
        self._snapshot = snap
        self._redraw()

    def _redraw(self) -> None:
        snap = self._snapshot
        n_in = self._sizes[0]
        if self.shape is None:
            self.weights = np.zeros((0, 0))
            self.legend.hide()
            self.caption.setText("")
            note = (
                f"The {n_in} inputs are not taken as an image. Tick “Inputs are an image” "
                "and choose its width to see each first-layer neuron's weights as a picture."
            )
            self.grid.set_tiles([], [], note)
            return
        if snap is None:
            self.grid.set_tiles([], [], "Waiting for the network's weights…")
            return
        layout = ParamLayout.of(snap.layer_sizes)
        w, b = layout.weights(snap.params, 0), layout.bias(snap.params, 0)
        self.weights = np.array(w)
        self.scale = float(theme.value_scale(np.concatenate([w.ravel(), b])))
        self.legend.set_scale(self.scale)
        self.legend.show()
        rows, cols = self.shape
        n = self.weights.shape[0]
        kind = "hidden neuron" if len(self._sizes) > 2 else "output"
        self.caption.setText(f"{n} {kind}{'s' if n != 1 else ''} · {rows}×{cols} weights each")
        images = tile_images(self.weights, self.shape, self.scale)
        self.grid.set_tiles(images, [self.neuron_name(j) for j in range(n)])
