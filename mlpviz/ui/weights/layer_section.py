"""The block above and around one layer's weight table in the panel.

``_LayerSection`` holds the layer's title, a shape note ("2 × 3 weights · 2
biases"), a ``_ScaleLegend`` explaining the cell tint, and the
:class:`~mlpviz.ui.weights.table_view.WeightTableView` itself.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QLinearGradient, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from mlpviz.ui.style import theme
from mlpviz.ui.style.numbers import format_number
from mlpviz.ui.weights.model import WeightTableModel
from mlpviz.ui.weights.table_view import _BORDER, WeightTableView


class _ScaleLegend(QWidget):
    """A small colour bar "−s ▭ +s" explaining the tint of one table."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._scale = 1.0
        font = QFont(QApplication.font())
        font.setPointSizeF(max(font.pointSizeF() - 1, 6))
        self.setFont(font)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_scale(self, scale: float) -> None:
        if scale != self._scale:
            self._scale = scale
            # The scale changes with every frame while training: ask for a new
            # layout only when the labels outgrow the width already given
            # (a layout request climbs to the main window, see steady.py).
            if self.sizeHint().width() > self.width():
                self.updateGeometry()
            self.update()

    def scale(self) -> float:
        return self._scale

    def _labels(self) -> tuple[str, str]:
        s = format_number(self._scale, digits=3, style="significant")
        return f"−{s}", f"+{s}"

    def sizeHint(self) -> QSize:
        fm = self.fontMetrics()
        lo, hi = self._labels()
        return QSize(fm.horizontalAdvance(lo) + fm.horizontalAdvance(hi) + 64 + 12, fm.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        fm = self.fontMetrics()
        lo, hi = self._labels()
        lo_w = fm.horizontalAdvance(lo)
        bar = QRectF(lo_w + 6, (self.height() - 8) / 2, 64, 8)
        grad = QLinearGradient(bar.left(), 0, bar.right(), 0)
        for t in (0.0, 0.25, 0.5, 0.75, 1.0):
            grad.setColorAt(t, theme.diverging((2 * t - 1) * self._scale, self._scale))
        painter.fillRect(bar, grad)
        painter.setPen(QPen(QColor(_BORDER), 1))
        painter.drawRect(bar)
        painter.setPen(theme.MUTED)
        align = Qt.AlignmentFlag.AlignVCenter
        painter.drawText(QRectF(0, 0, lo_w, self.height()), align | Qt.AlignmentFlag.AlignLeft, lo)
        painter.drawText(
            QRectF(bar.right() + 6, 0, fm.horizontalAdvance(hi) + 2, self.height()),
            align | Qt.AlignmentFlag.AlignLeft,
            hi,
        )
        painter.end()


class _LayerSection(QWidget):
    """Title, shape note and colour legend above one layer's table."""

    def __init__(self, model: WeightTableModel, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.title = QLabel(title)
        font = QFont(QApplication.font())
        font.setBold(True)
        self.title.setFont(font)
        self.title.setStyleSheet(f"color: {theme.TEXT.name()};")
        # Wrap rather than force the panel wider than a narrow dock.
        self.title.setWordWrap(True)
        n_out, n_in = model.n_nodes, model.n_inputs
        biases = "bias" if n_out == 1 else "biases"
        self.note = QLabel(f"{n_out} × {n_in} weights · {n_out} {biases}")
        self.note.setStyleSheet(f"color: {theme.MUTED.name()};")
        self.legend = _ScaleLegend()
        self.legend.setToolTip("Cell tint: orange negative, blue positive, full at ± this value")
        self.view = WeightTableView(model)

        sub = QHBoxLayout()
        sub.setContentsMargins(0, 0, 0, 0)
        sub.setSpacing(8)
        sub.addWidget(self.note)
        sub.addStretch(1)
        sub.addWidget(self.legend)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addWidget(self.title)
        layout.addLayout(sub)
        layout.addWidget(self.view, 0, Qt.AlignmentFlag.AlignLeft)

    def set_title(self, title: str) -> None:
        self.title.setText(title)
