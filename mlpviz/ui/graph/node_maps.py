"""Neuron maps in the network graph: each hidden and output node drawn as a
small heatmap of its activation over the plane of the two plotted inputs.

The maps arrive precomputed in snapshots (:class:`~mlpviz.ui.training.
neuron_maps.NeuronMaps`, made by the worker while maps are wanted); here they
are only coloured in: one NumPy lookup per layer, one QImage per node that
wraps the colours' buffer. A :class:`NodeMaps` is installed on the graph
view's viewport: in "maps" mode it shows every node's map over its circle,
enlarges the map of the node under the mouse, and reports a left click on a
hidden or output node as :attr:`NodeMaps.nodeClicked` (in either mode).
"""

from __future__ import annotations

import weakref

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView

from mlpviz.ui.graph.colours import activation_range
from mlpviz.ui.graph.items import NodeItem
from mlpviz.ui.style import theme
from mlpviz.ui.training.neuron_maps import NeuronMaps
from mlpviz.ui.training.snapshot import Snapshot
from mlpviz.ui.widgets.heatmap import finite_range

MODES = ("numbers", "maps")
TINT = 0.45  # the class tints of "Output over inputs": pale, so data points stay readable
# A node's map is a few dozen pixels with nothing on top: the same colours,
# deeper, so its shape reads at that size.
NODE_TINT = 0.8
HOVER_PIXELS = 150.0  # on-screen diameter a hovered node's map grows to (at least 2×)
REGRESSION_CMAP = "CET-L17"  # "Output over inputs" for a regression's output
RING = QColor(255, 255, 255)


def tint(colour: QColor, strength: float) -> QColor:
    """``colour`` mixed with white."""
    return QColor(*(round(255 + (c - 255) * strength) for c in colour.getRgb()[:3]))


def class_colormap(strength: float = TINT) -> pg.ColorMap:
    """Low → orange, middle → white, high → blue: "Output over inputs"' class colours."""
    return pg.ColorMap(
        [0.0, 0.5, 1.0],
        [tint(theme.NEGATIVE, strength), QColor(250, 250, 250), tint(theme.POSITIVE, strength)],
    )


def _argb_lut(cmap: pg.ColorMap) -> np.ndarray:
    """256 opaque ARGB32 words, then one grey word for NaN."""
    rgb = cmap.getLookupTable(0.0, 1.0, 256, alpha=False).astype(np.uint32)
    words = 0xFF000000 | (rgb[:, 0] << 16) | (rgb[:, 1] << 8) | rgb[:, 2]
    return np.append(words, np.uint32(0xFFC8C8C8)).astype(np.uint32)


def map_levels(maps: NeuronMaps, layer: int) -> tuple[float, float]:
    """The colour range of ``layer``'s maps (≥ 1), shared by its nodes: the
    activation's own range where bounded (sigmoid 0…1, tanh −1…1), else the
    layer's values; a regression output spans its values."""
    values = maps.layers[layer - 1]
    name = maps.activation_names[layer - 1]
    if layer == len(maps.layers) and not maps.classification:
        return finite_range(values)
    return activation_range(name, values)


def uses_regression_colours(maps: NeuronMaps, layer: int) -> bool:
    return layer == len(maps.layers) and not maps.classification


def colour_words(values: np.ndarray, levels: tuple[float, float], lut: np.ndarray) -> np.ndarray:
    """ARGB32 words of ``values`` (…, nx, ny) as images: (…, ny, nx), y upwards."""
    lo, hi = levels
    with np.errstate(invalid="ignore", over="ignore"):
        t = (np.asarray(values, dtype=float) - lo) / (hi - lo)
    idx = np.where(np.isfinite(t), np.rint(np.clip(t, 0.0, 1.0) * 255), 256).astype(np.intp)
    words = lut[idx]
    # map[i, k] is at (xs[i], ys[k]); image row 0 is the top: the largest y.
    return np.ascontiguousarray(np.swapaxes(words, -1, -2)[..., ::-1, :])


class MapItem(QGraphicsItem):
    """A node's map, drawn as a disc over its circle (a child of the NodeItem)."""

    def __init__(self, node: NodeItem) -> None:
        super().__init__(node)
        self.radius = node.radius
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setZValue(1)  # over the node's value text
        self.image: QImage | None = None
        self.words = np.zeros((1, 1), np.uint32)  # the buffer ``image`` wraps
        self._pen = QPen(theme.MUTED, max(0.6, node.radius * 0.06))

    def boundingRect(self) -> QRectF:
        r = self.radius + 1.0
        return QRectF(-r, -r, 2 * r, 2 * r)

    def set_words(self, words: np.ndarray) -> None:
        """Show ARGB32 ``words`` (ny, nx); the item keeps the buffer its image wraps."""
        self.words = words
        ny, nx = words.shape
        self.image = QImage(words.data, nx, ny, 4 * nx, QImage.Format.Format_ARGB32)
        self.update()

    def paint(self, painter: QPainter, option, widget=None) -> None:
        if self.image is None:
            return
        r = self.radius
        disc = QRectF(-r, -r, 2 * r, 2 * r)
        clip = QPainterPath()
        clip.addEllipse(disc)
        painter.save()  # the view does not save painter state for its items
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        painter.setClipPath(clip, Qt.ClipOperation.IntersectClip)
        painter.drawImage(disc, self.image)  # bilinear: a smooth field, not blocks
        painter.restore()
        pen = QPen(self._pen)
        pen.setWidthF(self._pen.widthF() / self.scale())  # the ring keeps its width enlarged
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(disc)


class NodeMaps(QObject):
    """The neuron maps of one graph view (see the module docstring).

    ``modeChanged(mode)`` when switched between ``"numbers"`` and ``"maps"``;
    ``nodeClicked((layer, node))`` on a left click on a hidden or output node.
    """

    modeChanged = Signal(str)
    nodeClicked = Signal(object)

    def __init__(self, view: QGraphicsView) -> None:
        super().__init__(view)
        self._view = weakref.ref(view)
        self.mode = "numbers"
        self.items: dict[tuple[int, int], MapItem] = {}
        self.maps: NeuronMaps | None = None  # the maps shown
        self.hovered: tuple[int, int] | None = None
        self._class_lut = _argb_lut(class_colormap(NODE_TINT))
        self._regression_lut = _argb_lut(pg.colormap.get(REGRESSION_CMAP))
        view.viewport().installEventFilter(self)

    @property
    def on(self) -> bool:
        return self.mode == "maps"

    def set_mode(self, mode: str) -> None:
        """Draw nodes with their ``"numbers"`` (value and fill) or their ``"maps"``."""
        if mode not in MODES:
            raise ValueError(f"node values are shown as {' or '.join(MODES)}, not {mode!r}")
        if mode == self.mode:
            return
        self.mode = mode
        self._unhover()
        self._show_items()
        self.modeChanged.emit(mode)

    def build(self, node_items: dict[tuple[int, int], NodeItem]) -> None:
        """One map item per hidden and output node of a newly built scene."""
        self.items = {key: MapItem(node) for key, node in node_items.items() if key[0] > 0}
        self.maps, self.hovered = None, None
        self._show_items()

    def show(self, snap: Snapshot | None) -> None:
        """Colour in ``snap``'s maps (when on, and of this network)."""
        maps = None if snap is None else snap.maps
        if not self.on or maps is None or maps is self.maps:
            return
        sizes = tuple(len(layer) for layer in maps.layers)
        if not self.items or sizes != self._sizes():
            return
        self.maps = maps
        for layer in range(1, len(maps.layers) + 1):
            lut = self._regression_lut if uses_regression_colours(maps, layer) else self._class_lut
            words = colour_words(maps.layers[layer - 1], map_levels(maps, layer), lut)
            for j in range(sizes[layer - 1]):
                self.items[(layer, j)].set_words(words[j])
        self._show_items()

    def _sizes(self) -> tuple[int, ...]:
        n = max((k[0] for k in self.items), default=0)
        return tuple(sum(1 for k in self.items if k[0] == layer) for layer in range(1, n + 1))

    def _show_items(self) -> None:
        for item in self.items.values():
            item.setVisible(self.on and item.image is not None)

    # -- hover and click -----------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        view = self._view()
        if view is None:
            return False
        kind = event.type()
        if kind == QEvent.Type.MouseMove and event.buttons() == Qt.MouseButton.NoButton:
            node = view.item_at(event.position().toPoint(), (NodeItem,))
            self.hover(node.key if node is not None and self.on else None)
        elif kind == QEvent.Type.Leave:
            self.hover(None)
        elif kind == QEvent.Type.MouseButtonPress and event.button() == Qt.MouseButton.LeftButton:
            node = view.item_at(event.position().toPoint(), (NodeItem,))
            if node is not None and node.key[0] > 0:
                self.nodeClicked.emit(node.key)
        return False  # only watches: the view still pans, selects, shows tooltips

    def hover(self, key: tuple[int, int] | None) -> None:
        """Enlarge the map of node ``key`` (None: none), above its neighbours."""
        if key == self.hovered:
            return
        self._unhover()
        item = self.items.get(key) if key is not None else None
        if item is None or not item.isVisible():
            return
        view = self._view()
        scale = view.transform().m11() if view is not None else 1.0
        item.setScale(max(2.0, HOVER_PIXELS / (2 * item.radius * max(scale, 1e-9))))
        item.parentItem().setZValue(40)
        self.hovered = key

    def _unhover(self) -> None:
        item = self.items.get(self.hovered) if self.hovered is not None else None
        if item is not None:
            item.setScale(1.0)
            item.parentItem().setZValue(10)
        self.hovered = None

    def enlarged(self, key: tuple[int, int]) -> float:
        """How many times its size node ``key``'s map is drawn now."""
        return self.items[key].scale()
