"""Lesson 1 — the derivative as a slope: L(w) for y = w·x, its tangent, and steps."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QWidget

from mlpviz.lessons.derivative import (
    ASIDE_DX,
    ASIDE_X,
    XS,
    YS,
    DerivativeLesson,
    best_w,
    stable_lr_limit,
    x_squared_quotients,
)
from mlpviz.lessons.tutorials import DERIVATIVES
from mlpviz.lessons.worked_example import fmt4
from mlpviz.ui.lessons.base import (
    CURRENT,
    GRADIENT,
    TRIAL,
    LessonPanel,
    make_plot,
    note_box,
    signed4,
    spin_box,
)
from mlpviz.ui.style import theme

W_RANGE = (-0.5, 4.5)  # the curve's span: both of the tutorial's w (1 and 3) and the minimum 2
MAX_W = 1e6  # beyond this a diverging run is stopped, so the plot stays meaningful


class DerivativePanel(LessonPanel):
    number = 1
    title = "Derivative as slope"
    source = f"From “{DERIVATIVES}”"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lesson = DerivativeLesson(w=1.0, lr=0.1)
        self.lr_box = spin_box(0.1, 0.001, 1.0, 0.05, tip="Learning rate η")
        self.w_box = spin_box(
            1.0, -2.0, 6.0, 0.5, tip="Where the descent starts (or drag the line)"
        )
        self.add_option("η", self.lr_box)
        self.add_option("start w", self.w_box)
        self.lr_box.valueChanged.connect(self._lr_changed)
        self.w_box.valueChanged.connect(self._start_changed)

        self.loss_plot = make_plot("The loss L(w) and its tangent", "w", "L(w)")
        item = self.loss_plot.getPlotItem()
        self.curve = item.plot(pen=pg.mkPen(theme.TEXT, width=2.5))
        self._span: tuple[float, float] | None = None
        self.tangent = item.plot(pen=pg.mkPen(GRADIENT, width=2, style=Qt.PenStyle.DashLine))
        self.path = item.plot(
            pen=pg.mkPen(150, 150, 150, 160, width=1.2),
            symbol="o",
            symbolSize=7,
            symbolBrush=pg.mkBrush(150, 150, 150, 200),
            symbolPen=None,
        )
        self.point = pg.ScatterPlotItem(size=14, pen=pg.mkPen("w", width=2), brush=CURRENT)
        self.point.setZValue(10)
        item.addItem(self.point)
        self.slope_text = pg.TextItem(anchor=(0, 1), color=theme.TEXT, fill=(255, 255, 255, 220))
        self.slope_text.setZValue(11)
        item.addItem(self.slope_text)
        self.start_line = pg.InfiniteLine(
            pos=1.0,
            angle=90,
            movable=True,
            pen=pg.mkPen(120, 120, 120, 180, width=1.5, style=Qt.PenStyle.DotLine),
            hoverPen=pg.mkPen(theme.ACCENT, width=3),
            label="start · drag me",
            labelOpts={"position": 0.93, "color": theme.MUTED, "fill": (255, 255, 255, 220)},
        )
        self.start_line.sigPositionChangeFinished.connect(self._start_dragged)
        item.addItem(self.start_line)

        self.fit_plot = make_plot("The fit y = w·x", "x", "y")
        fit = self.fit_plot.getPlotItem()
        fit.plot(list(XS), list(YS), pen=None, symbol="o", symbolSize=11, symbolBrush=theme.TEXT)
        self.fit_line = fit.plot(pen=pg.mkPen(GRADIENT, width=2.5))
        self.residuals = fit.plot(pen=pg.mkPen(TRIAL, width=2), connect="pairs")
        fit.setXRange(0, 3.5, padding=0.02)

        plots = QHBoxLayout()
        plots.addWidget(self.loss_plot, 3)
        plots.addWidget(self.fit_plot, 2)
        self.body.addLayout(plots, 1)
        self.refresh()

    # -- controls ----------------------------------------------------------------------

    def _lr_changed(self, value: float) -> None:
        self.lesson.set_lr(value)
        self._changed()

    def _start_changed(self, value: float) -> None:
        self.lesson.reset(value)
        self.start_line.setValue(value)
        self._changed()

    def _start_dragged(self) -> None:
        # The spin box is the one place the start lives; it resets the lesson.
        self.w_box.setValue(round(float(self.start_line.value()), 2))

    def do_step(self) -> bool:
        if abs(self.lesson.w) > MAX_W:
            return False
        self.lesson.step()
        return True

    # -- drawing -----------------------------------------------------------------------------

    def refresh(self) -> None:
        L = self.lesson
        w, loss, slope = L.w, L.loss(), L.slope()
        ws = np.linspace(w - 1.2, w + 1.2, 2)
        self.tangent.setData(ws, L.tangent(ws))
        self.tangent.setPen(
            pg.mkPen(GRADIENT if slope >= 0 else TRIAL, width=2, style=Qt.PenStyle.DashLine)
        )
        pw, pl = L.path()
        self._frame(pw, pl)
        self.path.setData(pw, pl)
        self.point.setData([w], [loss])
        self.slope_text.setText(f"slope {signed4(slope)}")
        lo, hi = self._span or W_RANGE
        top = self.loss_plot.getPlotItem().getViewBox().viewRange()[1][1]
        self.slope_text.setPos(min(max(w, lo), hi - 0.25 * (hi - lo)), min(loss, 0.95 * top))
        xs = np.array([0.0, 3.5])
        self.fit_line.setData(xs, w * xs)
        # Keep the line in view when a large η throws w far off.
        self.fit_plot.getPlotItem().setYRange(min(0.0, 3.5 * w), max(10.0, 3.5 * w), padding=0.02)
        res = np.array([[x, w * x, x, y] for x, y in zip(L.xs, L.ys)]).reshape(-1, 2)
        self.residuals.setData(res[:, 0], res[:, 1])

        sign_class = "bad" if slope < 0 else "good"
        colour = TRIAL.name() if slope < 0 else GRADIENT.name()
        nxt = L.next_w()
        step_line = (
            f"next step: w ← {fmt4(w)} − {fmt4(L.lr)} · ({fmt4(slope)}) = <b>{fmt4(nxt)}</b>"
        )
        self.readout.setText(
            f"<span style='font-size:13pt'>w = <b>{fmt4(w)}</b> &nbsp;·&nbsp; "
            f"L(w) = <b>{fmt4(loss)}</b> &nbsp;·&nbsp; dL/dw = "
            f"<b style='color:{colour}'>{signed4(slope)}</b></span>"
            f"&nbsp;&nbsp;→&nbsp; <span class='{sign_class}' style='color:{colour};"
            f" font-size:13pt'><b>{L.advice()}</b></span><br>"
            f"<span style='color:{theme.MUTED.name()}'>step {L.steps} · predictions "
            f"{', '.join(fmt4(p) for p in L.predictions())} for targets 2, 4, 6 · {step_line}"
            "</span>"
        )
        self.set_text(self._html())

    def _frame(self, ws: np.ndarray, losses: np.ndarray) -> None:
        """Show the whole path: the usual window, widened when a large η overshoots."""
        lo = min(W_RANGE[0], float(ws.min()) - 0.3)
        hi = max(W_RANGE[1], float(ws.max()) + 0.3)
        if (lo, hi) == self._span:
            return
        self._span = (lo, hi)
        grid = np.linspace(lo, hi, 400)
        self.curve.setData(grid, self.lesson.curve(grid))
        item = self.loss_plot.getPlotItem()
        item.setXRange(lo, hi, padding=0.02)
        item.setYRange(-0.08 * max(7.5, losses.max()), max(7.5, 1.1 * losses.max()), padding=0)

    def _html(self) -> str:
        L = self.lesson
        quotients = "".join(
            f"<tr><td align='right'>{dx:g}</td><td align='right'>{fmt4(q)}</td></tr>"
            for dx, q in x_squared_quotients()
        )
        limit = stable_lr_limit(L.xs)
        warn = (
            f"<p class='bad'>η = {fmt4(L.lr)} is above 2/mean(x²) = {fmt4(limit)}: every step "
            "overshoots the minimum by more than it started — the descent diverges.</p>"
            if L.lr > limit
            else ""
        )
        notes = [
            (
                "Values, not only signs",
                "The text says only that dL/dw is negative at w = 1 and positive at w = 3. With "
                f"L(w) = mean ½(w·x − y)² the values are {fmt4(L.slope(1.0))} and "
                f"{signed4(L.slope(3.0))}.",
            ),
            (
                "“moves us uphill”",
                "For a negative gradient the text says subtracting it increases w “and moves us "
                "uphill”. It moves us downhill: w increases and the loss decreases, exactly as "
                "for a positive gradient.",
            ),
        ]
        return f"""
<h2>1 · The derivative as a slope</h2>
<p class='muted'>{self.source}</p>
<p>The model <span class='formula'><i>y</i> = <i>w</i>·<i>x</i></span> should fit the points
(1, 2), (2, 4), (3, 6). How wrong it is, is measured by the loss</p>
<p align='center' class='formula'>L(<i>w</i>) = mean ½(<i>w</i>·<i>x</i> − <i>y</i>)²</p>
<p>Its derivative is the <b>slope of the loss curve</b> at <i>w</i> — the dashed tangent:</p>
<p align='center' class='formula'>dL/d<i>w</i> = mean <i>x</i>·(<i>w</i>·<i>x</i> − <i>y</i>)</p>
<p>At <i>w</i> = 1 the predictions 1, 2, 3 are too small and dL/d<i>w</i> =
<b>{fmt4(L.slope(1.0))}</b>: <span class='bad'>negative: increase w</span>.
At <i>w</i> = 3 they are too big and dL/d<i>w</i> = <b>{signed4(L.slope(3.0))}</b>:
<span class='good'>positive: decrease w</span>. The best <i>w</i> = {fmt4(best_w())}
has slope 0.</p>
<h3>Walking downhill</h3>
<p align='center' class='formula'><i>w</i> ← <i>w</i> − η · dL/d<i>w</i></p>
<p>One rule for both cases: a negative slope makes <i>w</i> bigger, a positive one smaller,
and a steep slope makes a big step. Press <b>Step</b>, change η, or drag the start line.</p>
{warn}
<h3>Aside: the slope of x² at x = {ASIDE_X:g}</h3>
<p>The difference quotient Δy/Δx = ((x + Δx)² − x²)/Δx at x = 1 is
{fmt4(x_squared_quotients(dxs=(ASIDE_DX,))[0][1])} for Δx = {ASIDE_DX:g}, as the text says;
it approaches the derivative 2x = 2 as Δx shrinks:</p>
<table align='center' cellspacing='0'><tr><th>Δx</th><th>Δy/Δx</th></tr>{quotients}</table>
<br>{note_box("Where the text differs", notes)}
"""
