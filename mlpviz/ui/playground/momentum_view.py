"""The playground's "Why momentum works" tab: Goh's (Distill, 2017) sliders on a quadratic.

f(w) = ½·Σᵢ λᵢ·wᵢ² with λ = 0.1, 1, 10: each coordinate is a 1-D problem
of its own curvature. Moving the step-size α or momentum β slider recomputes
the whole run (:func:`~mlpviz.playground.momentum_1d.momentum_path`, a few
hundred multiply-adds, well under a millisecond) and redraws: each
coordinate's error over the steps, and the loss on a log axis. The readout
gives each coordinate's convergence factor and the slowest one, which sets
the pace; "Optimal α, β" sets Goh's optimum for these curvatures.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSlider, QVBoxLayout, QWidget

from mlpviz.playground.momentum_1d import DEFAULT_LAMBDAS, MomentumPath, momentum_path, optimal
from mlpviz.ui.style import theme
from mlpviz.ui.style.plot_style import (
    BACKGROUND,
    note_label,
    paint_white,
    set_axis_label,
    style_plot_item,
)

ALPHA_RANGE = (1e-3, 0.5)  # log slider; 2/λmax = 0.2 is where plain descent diverges
SLIDER_STEPS = 300
NOTE = (
    "f(w) = ½(0.1·w₁² + 1·w₂² + 10·w₃²), every wᵢ starting at 1. Each coordinate is a 1-D "
    "problem: its error shrinks by its own factor per step, and the slowest sets the pace. "
    "With β = 0 a step size past 2/λ = 0.2 makes the stiff coordinate diverge; momentum lets "
    "a larger α work on the flat one (Goh, “Why Momentum Really Works”, Distill 2017)."
)


class MomentumView(QWidget):
    """Step size and momentum sliders over a quadratic's per-coordinate errors and loss."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        paint_white(self)
        self.lambdas = np.array(DEFAULT_LAMBDAS)
        self.path: MomentumPath | None = None
        self.alpha_slider = QSlider(Qt.Orientation.Horizontal)
        self.beta_slider = QSlider(Qt.Orientation.Horizontal)
        for s in (self.alpha_slider, self.beta_slider):
            s.setRange(0, SLIDER_STEPS)
            s.valueChanged.connect(self._redraw)
        self.alpha_slider.setToolTip("Step size α (log scale).")
        self.beta_slider.setToolTip("Momentum β: how much of the previous velocity is kept.")
        self.alpha_label, self.beta_label = QLabel(), QLabel()
        for label in (self.alpha_label, self.beta_label):
            label.setMinimumWidth(90)
        best = QPushButton("Optimal α, β")
        best.setToolTip(
            "Goh's optimum for these curvatures: α = (2/(√λ₁+√λₙ))², β = ((√κ−1)/(√κ+1))²."
        )
        best.clicked.connect(self.set_optimal)
        plain = QPushButton("No momentum")
        plain.setToolTip("β = 0: plain gradient descent.")
        plain.clicked.connect(lambda: self.beta_slider.setValue(0))
        controls = QHBoxLayout()
        for widget in (QLabel("Step size α"), self.alpha_slider, self.alpha_label):
            controls.addWidget(widget, 2 if widget is self.alpha_slider else 0)
        controls.addSpacing(12)
        for widget in (QLabel("Momentum β"), self.beta_slider, self.beta_label):
            controls.addWidget(widget, 2 if widget is self.beta_slider else 0)
        controls.addSpacing(12)
        controls.addWidget(best)
        controls.addWidget(plain)

        self.view = pg.GraphicsLayoutWidget()
        self.view.setBackground(BACKGROUND)
        self.errors = self.view.addPlot(row=0, col=0)
        self.loss = self.view.addPlot(row=1, col=0)
        for plot in (self.errors, self.loss):
            style_plot_item(plot)
            plot.setMenuEnabled(False)
            plot.showGrid(x=True, y=True, alpha=0.18)
        self.loss.setXLink(self.errors)
        set_axis_label(self.errors, "left", "error wᵢ")
        set_axis_label(self.loss, "left", "f(w)")
        set_axis_label(self.loss, "bottom", "step k")
        self.loss.setLogMode(y=True)
        # Errors start at 1; a diverging run would stretch the axis to 10¹²: the
        # range follows the run up to ±4.4 and clips beyond.
        self.errors.enableAutoRange(y=False)
        legend = self.errors.addLegend(offset=(-8, 8), labelTextColor=theme.TEXT)
        self.curves = []
        for k, lam in enumerate(self.lambdas):
            curve = self.errors.plot(pen=pg.mkPen(theme.SERIES[k], width=2), antialias=True)
            legend.addItem(curve, f"λ = {lam:g}")
            self.curves.append(curve)
        self.loss_curve = self.loss.plot(pen=pg.mkPen(theme.TEXT, width=2), antialias=True)
        self.readout = QLabel()
        self.readout.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(controls)
        layout.addWidget(self.readout)
        layout.addWidget(self.view, 1)
        layout.addWidget(note_label(NOTE))
        self.set_parameters(0.1, 0.0)

    @property
    def alpha(self) -> float:
        lo, hi = (math.log10(v) for v in ALPHA_RANGE)
        return 10.0 ** (lo + (hi - lo) * self.alpha_slider.value() / SLIDER_STEPS)

    @property
    def beta(self) -> float:
        return 0.99 * self.beta_slider.value() / SLIDER_STEPS

    def set_parameters(self, alpha: float, beta: float) -> None:
        """Move the sliders to the nearest α and β (the path redraws)."""
        lo, hi = (math.log10(v) for v in ALPHA_RANGE)
        a = round((math.log10(alpha) - lo) / (hi - lo) * SLIDER_STEPS)
        self.alpha_slider.setValue(int(np.clip(a, 0, SLIDER_STEPS)))
        self.beta_slider.setValue(int(np.clip(round(beta / 0.99 * SLIDER_STEPS), 0, SLIDER_STEPS)))
        self._redraw()

    def set_optimal(self) -> None:
        self.set_parameters(*optimal(self.lambdas))

    def _redraw(self, *_: object) -> None:
        alpha, beta = self.alpha, self.beta
        self.alpha_label.setText(f"{alpha:.4g}")
        self.beta_label.setText(f"{beta:.2f}")
        path = self.path = momentum_path(self.lambdas, alpha, beta)
        steps = np.arange(len(path.loss))
        for k, curve in enumerate(self.curves):
            curve.setData(steps, path.w[:, k], connect="finite")
        loss = np.where(path.loss > 0, path.loss, np.nan)
        self.loss_curve.setData(steps, loss, connect="finite")
        reach = np.abs(path.w[np.isfinite(path.w)]).max()
        top = 1.1 * float(np.clip(reach, 1.0, 4.0))
        self.errors.setYRange(-top, top, padding=0)
        slowest = int(np.argmax(path.rates))
        factors = ", ".join(f"{r:.3f}" for r in path.rates)
        verdict = (
            f"converges: the error shrinks ×{path.rate:.3f} per step"
            if path.rate < 1
            else "diverges: some coordinate's error grows every step"
        )
        self.readout.setText(
            f"Per-step factors (λ = {', '.join(f'{v:g}' for v in self.lambdas)}): {factors}. "
            f"Slowest: λ = {self.lambdas[slowest]:g}. The run <b>{verdict}</b>."
        )
