"""The hidden-space view: the input plane and the data as a hidden layer sees them.

Draws what the worker computed (:class:`~mlpviz.ui.training.snapshot.HiddenSpace`):
the plane's grid lines as polylines and the data points, both mapped through
the chosen hidden layer — its two units as the axes, or a fixed PCA plane of
a wider layer (the axes say which). Choosing a layer or pressing "Refit
projection" is reported as :attr:`HiddenSpacePlot.choiceMade`; the worker
answers with the next snapshot. Hovering a point reports its dataset row
(:attr:`HiddenSpacePlot.pointHovered`) so other views can mark it.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from mlpviz.ui.style import theme
from mlpviz.ui.style.numbers import format_number
from mlpviz.ui.style.plot_style import (
    BACKGROUND,
    header_row,
    hint_label,
    note_label,
    paint_white,
    set_axis_label,
    style_plot_item,
)
from mlpviz.ui.training.snapshot import HiddenSpace, Snapshot

__all__ = ["HiddenSpacePlot", "axis_titles"]

WAITING_HINT = "How the hidden layers bend the input plane appears here"
NO_HIDDEN_HINT = (
    "The network has no hidden layer: add one under Network & training\n"
    "to see how it bends the input plane"
)
NO_GRID_NOTE = "Grid lines need exactly two input columns; the data points are shown."
HOVER_PIXELS = 9.0  # a point is hovered within this many pixels of the cursor
FRAME_PAD = 0.08  # margin around the content when the view re-frames
FRAME_FILL = 0.35  # re-frame when the content shrinks below this share of the view
X_LINES = QColor(95, 95, 95, 150)  # grid lines of constant first input
Y_LINES = QColor(150, 150, 150, 150)  # grid lines of constant second input
REGRESSION_CMAP = "CET-L17"


def axis_titles(space: HiddenSpace) -> tuple[str, str]:
    """The axes' titles: the layer's units, or its principal directions and their share."""
    layer = f"Hidden {space.layer}"
    basis = space.basis
    if basis.direct:
        return f"h1 of {layer}", (f"h2 of {layer}" if basis.units == 2 else "")
    e1, e2 = (100.0 * e for e in basis.explained)
    return f"PC1 of {layer} ({e1:.0f} %)", f"PC2 of {layer} ({e2:.0f} %)"


class HiddenSpacePlot(QWidget):
    """The plane's grid and the data mapped through one hidden layer.

    Signals
    -------
    choiceMade(int, bool)
        The user chose hidden layer ``layer`` (1 = first), or pressed Refit
        (``True``): post it to the worker as a ``HiddenChoice``.
    pointHovered(int, object)
        The dataset row under the cursor and its raw inputs (an array), or
        (−1, None) when the cursor leaves the points.
    """

    choiceMade = Signal(int, bool)
    pointHovered = Signal(int, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        paint_white(self)
        self.space: HiddenSpace | None = None
        self._layer_sizes: tuple[int, ...] = ()
        self._titles: tuple[str, str] | None = None
        self._frame: QRectF | None = None
        self._hovered = -1  # index into space.rows
        self._colours_of: tuple | None = None  # what the point brushes were built from
        self._brushes: list = []
        self._build()
        self._show_hint(WAITING_HINT)

    def _build(self) -> None:
        row, self.title_label, self.readout = header_row("Hidden space")
        self.layer_combo = QComboBox()
        self.layer_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.layer_combo.setToolTip("The hidden layer whose view of the input plane is shown")
        self.layer_combo.activated.connect(self._layer_chosen)
        self.refit_button = QPushButton("Refit projection")
        self.refit_button.setToolTip(
            "Fit the projection plane to the layer's current activations; it stays "
            "fixed while training runs, so the picture moves with the network"
        )
        self.refit_button.clicked.connect(lambda: self.choiceMade.emit(self.chosen_layer(), True))
        self.legend = QLabel()
        row.addWidget(self.legend)
        row.addWidget(self.layer_combo)
        row.addWidget(self.refit_button)

        self.view = pg.GraphicsLayoutWidget()
        self.view.setBackground(BACKGROUND)
        self.view.ci.setContentsMargins(2, 6, 8, 2)
        self.plot_item: pg.PlotItem = self.view.addPlot()
        style_plot_item(self.plot_item)
        self.plot_item.setMenuEnabled(False)
        self.plot_item.getViewBox().enableAutoRange(enable=False)
        # One polyline item per family: NaN rows between the lines break them.
        self.x_lines = pg.PlotDataItem(pen=pg.mkPen(X_LINES, width=1), connect="finite")
        self.y_lines = pg.PlotDataItem(pen=pg.mkPen(Y_LINES, width=1), connect="finite")
        self.scatter = pg.ScatterPlotItem(size=7, antialias=True)
        self.marker = pg.ScatterPlotItem(
            size=17, pen=pg.mkPen(theme.TEXT, width=2.2), brush=pg.mkBrush(0, 0, 0, 0)
        )
        for z, item in enumerate((self.x_lines, self.y_lines, self.scatter, self.marker)):
            item.setZValue(z)
            self.plot_item.addItem(item)
        self.note = note_label("")

        self.plot_page = QWidget()
        page = QVBoxLayout(self.plot_page)
        page.setContentsMargins(0, 0, 0, 0)
        page.setSpacing(2)
        page.addWidget(self.view, 1)
        page.addWidget(self.note)
        self.hint = hint_label(WAITING_HINT)
        self.body = QStackedWidget()
        self.body.addWidget(self.hint)
        self.body.addWidget(self.plot_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.body, 1)
        self.plot_item.scene().sigMouseMoved.connect(self._mouse_moved)

    # -- public API -------------------------------------------------------------------

    @property
    def showing_hint(self) -> bool:
        return self.body.currentWidget() is self.hint

    def chosen_layer(self) -> int:
        """The hidden layer picked in the combo box (1 = first)."""
        return max(1, self.layer_combo.currentIndex() + 1)

    def update_snapshot(self, snap: Snapshot) -> None:
        self._set_layers(tuple(snap.layer_sizes))
        self.update_space(snap.hidden)

    def update_space(self, space: HiddenSpace | None) -> None:
        """Draw ``space`` (None: the network has no hidden layer, or nothing computed yet)."""
        if space is self.space and (space is None) == self.showing_hint:
            return
        self.space = space
        if space is None:
            self._show_hint(NO_HIDDEN_HINT if len(self._layer_sizes) == 2 else WAITING_HINT)
            return
        self.body.setCurrentWidget(self.plot_page)
        if self.layer_combo.currentIndex() != space.layer - 1:
            self.layer_combo.setCurrentIndex(space.layer - 1)
        self.refit_button.setEnabled(not space.basis.direct)
        titles = axis_titles(space)
        if titles != self._titles:
            # Setting a label regenerates the axis: only when it changes.
            self._titles = titles
            set_axis_label(self.plot_item, "bottom", titles[0])
            set_axis_label(self.plot_item, "left", titles[1])
        self._draw_lines(space)
        self._draw_points(space)
        self._set_note(space)
        self._frame_content(space)
        self._hovered = min(self._hovered, len(space.rows) - 1)
        self._draw_marker()

    def hover_index(self, index: int) -> None:
        """Mark point ``index`` of the shown space (−1: none) and report its row."""
        space = self.space
        if space is None or not -1 <= index < len(space.rows):
            index = -1
        if index == self._hovered:
            return
        self._hovered = index
        self._draw_marker()
        if index < 0:
            self.readout.setText("")
            self.pointHovered.emit(-1, None)
            return
        self.readout.setText(self._describe(index))
        self.pointHovered.emit(int(space.rows[index]), space.points[index].copy())

    def point_at(self, x: float, y: float) -> int:
        """The index of the shown point nearest to view position (x, y), or −1 if none is near."""
        space = self.space
        if space is None or not len(space.image):
            return -1
        sx, sy = self.plot_item.getViewBox().viewPixelSize()
        if not (sx > 0 and sy > 0):
            return -1
        d2 = ((space.image[:, 0] - x) / sx) ** 2 + ((space.image[:, 1] - y) / sy) ** 2
        d2 = np.where(np.isfinite(d2), d2, np.inf)
        i = int(np.argmin(d2))
        return i if d2[i] <= HOVER_PIXELS**2 else -1

    # -- drawing ------------------------------------------------------------------------

    def _show_hint(self, text: str) -> None:
        self.hint.setText(text)
        self.body.setCurrentWidget(self.hint)
        self.readout.setText("")
        self._frame = None

    def _set_layers(self, sizes: tuple[int, ...]) -> None:
        if sizes == self._layer_sizes:
            return
        self._layer_sizes = sizes
        keep = self.layer_combo.currentIndex()
        self.layer_combo.blockSignals(True)
        self.layer_combo.clear()
        for k, units in enumerate(sizes[1:-1], start=1):
            self.layer_combo.addItem(f"Hidden {k} ({units} unit{'s' if units != 1 else ''})")
        self.layer_combo.setCurrentIndex(min(max(keep, 0), self.layer_combo.count() - 1))
        self.layer_combo.blockSignals(False)
        self.layer_combo.setEnabled(self.layer_combo.count() > 1)

    def _layer_chosen(self, index: int) -> None:
        self.choiceMade.emit(index + 1, False)

    def _draw_lines(self, space: HiddenSpace) -> None:
        img = space.line_image
        if img is None:
            self.x_lines.setData([], [])
            self.y_lines.setData([], [])
            return
        half = len(img) // 2
        for item, part in ((self.x_lines, img[:half]), (self.y_lines, img[half:])):
            # (lines, points, 2) → one polyline with a NaN row after each line.
            gaps = np.full((len(part), 1, 2), np.nan)
            flat = np.concatenate([part, gaps], axis=1).reshape(-1, 2)
            item.setData(flat[:, 0], flat[:, 1])

    def _draw_points(self, space: HiddenSpace) -> None:
        key = (space.classification, len(space.class_names), space.values.tobytes())
        if key != self._colours_of:
            self._colours_of = key
            self._brushes = self._point_brushes(space)
            self._set_legend(space)
        rim = pg.mkPen(255, 255, 255, 230, width=1.0)
        self.scatter.setData(pos=space.image, brush=self._brushes, pen=rim)

    def _point_brushes(self, space: HiddenSpace) -> list:
        values = space.values
        if space.classification:
            k = max(len(space.class_names), 2)
            cache = {c: pg.mkBrush(theme.class_colour(c, k)) for c in range(k)}
            return [cache[int(v)] for v in values]
        cmap = pg.colormap.get(REGRESSION_CMAP)
        finite = values[np.isfinite(values)]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        t = (values - lo) / (hi - lo) if hi > lo else np.full(len(values), 0.5)
        return [pg.mkBrush(c) for c in cmap.map(np.nan_to_num(t), mode="qcolor")]

    def _set_legend(self, space: HiddenSpace) -> None:
        names = space.class_names
        if not space.classification or not names:
            self.legend.setText("")
            return
        k = max(len(names), 2)
        parts = [
            f'<span style="color:{theme.class_colour(c, k).name()}">●</span> {name}'
            for c, name in enumerate(names)
        ]
        self.legend.setText("&nbsp;&nbsp;".join(parts))

    def _set_note(self, space: HiddenSpace) -> None:
        parts = []
        if space.lines is None:
            parts.append(NO_GRID_NOTE)
        if not space.basis.direct:
            parts.append(
                f"Fixed projection fitted at epoch {space.fitted_epoch} on the data points' "
                "activations; Refit projection fits it to the current ones."
            )
        elif space.basis.units == 1:
            parts.append("This layer has one unit: the points lie on a line.")
        else:
            parts.append("This layer has two units: its activations are drawn directly.")
        self.note.setText(" ".join(parts))

    def _frame_content(self, space: HiddenSpace) -> None:
        """Frame the content when it leaves the view or shrinks well inside it.

        A view that followed every refresh would regenerate its axes twice a
        second while training; holding it while the content fits keeps the
        picture steady and lets the movement show.
        """
        parts = [space.image]
        if space.line_image is not None:
            parts.append(space.line_image.reshape(-1, 2))
        xy = np.concatenate(parts)
        xy = xy[np.isfinite(xy).all(axis=1)]
        if not len(xy):
            return
        lo, hi = xy.min(0), xy.max(0)
        span = np.maximum(hi - lo, 1e-6)
        f = self._frame
        if f is not None:
            inside = f.left() <= lo[0] and hi[0] <= f.right() and f.top() <= lo[1]
            inside = inside and hi[1] <= f.bottom()
            filled = span[0] >= FRAME_FILL * f.width() and span[1] >= FRAME_FILL * f.height()
            if inside and filled:
                return
        lo, span = lo - FRAME_PAD * span, span * (1 + 2 * FRAME_PAD)
        self._frame = QRectF(float(lo[0]), float(lo[1]), float(span[0]), float(span[1]))
        self.plot_item.getViewBox().setRange(self._frame, padding=0)

    def _draw_marker(self) -> None:
        space, i = self.space, self._hovered
        if space is None or i < 0:
            self.marker.setData([], [])
        else:
            self.marker.setData(pos=space.image[i : i + 1])

    def _describe(self, i: int) -> str:
        space = self.space
        row = int(space.rows[i])
        inputs = ", ".join(format_number(float(v), style="significant") for v in space.points[i])
        if space.classification and space.class_names:
            what = f"class {space.class_names[int(space.values[i])]}"
        else:
            what = f"target {format_number(float(space.values[i]), style='significant')}"
        return f"row {row} · inputs ({inputs}) · {what}"

    def _mouse_moved(self, pos) -> None:
        if self.showing_hint:
            return
        vb = self.plot_item.getViewBox()
        if not vb.sceneBoundingRect().contains(pos):
            self.hover_index(-1)
            return
        p = vb.mapSceneToView(QPointF(pos))
        self.hover_index(self.point_at(p.x(), p.y()))
