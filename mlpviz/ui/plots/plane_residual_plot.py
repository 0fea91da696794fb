"""How far the real path sits off the PCA plane: a small plot beside the plane.

The PCA view draws the path's shadow on a plane; this strip draws, per
recorded epoch, the distance ‖p − proj(p)‖ the shadow leaves out (computed by
the worker, :func:`~mlpviz.engine.landscape.line_slice.plane_residuals`),
and says how large that is next to the path's own size.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from mlpviz.ui.style import theme
from mlpviz.ui.style.numbers import format_number
from mlpviz.ui.style.plot_style import BACKGROUND, font, set_axis_label, style_plot_item
from mlpviz.ui.training.snapshot import PcaSurface

__all__ = ["PlaneResidualPlot", "off_plane_share"]

MIN_WIDTH = 190  # px: room for the axis and a few epochs' ticks


def off_plane_share(pca: PcaSurface) -> float:
    """The largest residual as a fraction of the largest distance from the current point.

    The distance of a path point from the current weights splits into its
    in-plane part (its drawn coordinates) and the residual; 0 means the
    picture is exact, 1 that some point lies wholly off the plane.
    """
    residual = np.asarray(pca.residual, dtype=float)
    in_plane = np.hypot(pca.path[:, 0], pca.path[:, 1])
    total = float(np.sqrt(in_plane**2 + residual**2).max())
    return float(residual.max()) / total if total > 0 else 0.0


class PlaneResidualPlot(QWidget):
    """Residual norm per epoch of the path that the PCA plane beside it shows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel("")
        self.summary.setFont(font(8.5))
        self.summary.setStyleSheet(f"color: {theme.TEXT.name()}; padding: 0 6px;")
        self.summary.setWordWrap(True)
        self.view = pg.PlotWidget(background=BACKGROUND)
        self.setMinimumWidth(MIN_WIDTH)
        self.plot_item = self.view.getPlotItem()
        style_plot_item(self.plot_item)
        self.plot_item.setMenuEnabled(False)
        self.plot_item.setMouseEnabled(x=False, y=False)
        self.plot_item.showGrid(x=True, y=True, alpha=0.18)
        set_axis_label(self.plot_item, "bottom", "epoch")
        set_axis_label(self.plot_item, "left", "‖p − proj(p)‖")
        self.curve = self.plot_item.plot(
            pen=pg.mkPen(theme.SERIES[0], width=1.6),
            fillLevel=0.0,
            brush=pg.mkBrush(*theme.SERIES[0].getRgb()[:3], 50),
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.summary)
        layout.addWidget(self.view)
        self.share: float | None = None

    def update_residual(self, pca: PcaSurface | None) -> None:
        """Draw ``pca``'s residuals (an empty strip without them)."""
        if pca is None or pca.residual is None or pca.epochs is None:
            self.curve.setData([], [])
            self.summary.setText("")
            self.share = None
            return
        epochs = np.asarray(pca.epochs, dtype=float)
        residual = np.asarray(pca.residual, dtype=float)
        self.curve.setData(epochs, residual)
        self.share = off_plane_share(pca)
        worst = int(np.argmax(residual))
        value = format_number(float(residual[worst]), style="significant")
        verdict = "the plane is faithful" if self.share < 0.2 else "read the plane with care"
        self.summary.setText(
            f"<b>Off the plane</b>: at most {value} (epoch {int(epochs[worst])}), "
            f"{100 * self.share:.0f} % of the path's reach: {verdict}."
        )
