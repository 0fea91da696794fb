"""Lesson 3 — why gradients, not trial and error: the loss against what it cost,
and how each method's cost per step grows with the number of parameters.

Each Step is one trial-and-error sweep plus the gradient steps of equal
cost. For the MLP (at most 81 parameters) a Step takes ~10–30 ms, so it runs
on the GUI thread without a worker.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mlpviz.lessons.trial_vs_gradient import (
    Race,
    cost_table,
    exhaustive_cost,
    exhaustive_log10,
    make_objective,
    trial_cost,
)
from mlpviz.lessons.tutorials import DERIVATIVES, TRIAL_AND_ERROR
from mlpviz.lessons.worked_example import fmt4
from mlpviz.ui.lessons.base import GRADIENT, TRIAL, LessonPanel, make_plot, note_box, spin_box
from mlpviz.ui.style import theme
from mlpviz.ui.style.plot_style import font

PROBLEMS = (("line", "Line y = w·x"), ("bowl", "Bowl x² + y²"), ("mlp", "MLP on exam scores"))
MAX_HIDDEN = 20  # 81 parameters: a Step stays well under 50 ms on the GUI thread
MAX_SWEEPS = 400
LOSS_FLOOR = 1e-16  # log axis: exact zeros are drawn here
CLAIM_P = 10  # the tutorial's "10 parameters → 2¹⁰ combinations"
HIGHLIGHT = QColor(255, 241, 214)
_SUPER = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def big_number(n: int, exact_below: int = 10**7) -> str:
    """Exact below ``exact_below``, else "≈ 1.07×10³⁰¹" (2ᴾ has no float for large P)."""
    if n < exact_below:
        return f"{n:,}".replace(",", " ")
    e = len(str(n)) - 1
    mantissa = int(str(n)[:4]) / 1000
    return f"≈ {mantissa:.2f}×10{str(e).translate(_SUPER)}"


def fmt_loss(value: float) -> str:
    """Four decimals, or 4 significant digits ×10ⁿ once four decimals would show 0.0000."""
    if value == 0 or 1e-4 <= abs(value) < 1e6 or not np.isfinite(value):
        return fmt4(value)
    e = int(np.floor(np.log10(abs(value))))
    exp = str(e).replace("-", "⁻").translate(_SUPER)
    return f"{fmt4(value / 10.0**e)}×10{exp}"


def power_of_two(p: int, exact_below: int = 10**7) -> str:
    """2ᴾ written out, e.g. "2¹⁰ = 1 024", or "2²¹ ≈ 2.10×10⁶" when long."""
    value = big_number(exhaustive_cost(p), exact_below)
    return (
        f"2{str(p).translate(_SUPER)} {value}"
        if value[0] == "≈"
        else f"2{str(p).translate(_SUPER)} = {value}"
    )


class TrialPanel(LessonPanel):
    number = 3
    title = "Why gradients, not trial and error"
    source = f"From “{DERIVATIVES}”: “{TRIAL_AND_ERROR}”"
    options_row = True

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.problem_box = QComboBox()
        for key, text in PROBLEMS:
            self.problem_box.addItem(text, key)
        self.hidden_box = QSpinBox()
        self.hidden_box.setRange(1, MAX_HIDDEN)
        self.hidden_box.setValue(3)
        self.hidden_box.setToolTip("Hidden nodes H: the MLP has 4H + 1 parameters")
        self.lr_box = spin_box(0.1, 0.001, 50.0, 0.1, tip="Gradient descent's learning rate η")
        self.h_box = spin_box(0.1, 0.001, 5.0, 0.05, tip="Trial and error's step ±h")
        self.add_option("problem", self.problem_box)
        self.add_option("hidden nodes", self.hidden_box)
        self.add_option("η", self.lr_box)
        self.add_option("trial step h", self.h_box)
        self.problem_box.currentIndexChanged.connect(self._problem_changed)
        self.hidden_box.valueChanged.connect(self._rebuild)
        self.lr_box.valueChanged.connect(self._rebuild)
        self.h_box.valueChanged.connect(self._rebuild)

        self.race_plot = make_plot("Loss against cost", "cost: network passes", "loss", log_y=True)
        rp = self.race_plot.getPlotItem()
        legend = rp.addLegend(offset=(-8, 8), labelTextColor=theme.TEXT)
        self.trial_curve = rp.plot(
            pen=pg.mkPen(TRIAL, width=2),
            symbol="o",
            symbolSize=6,
            symbolBrush=TRIAL,
            symbolPen=None,
            name="trial and error (a dot per sweep)",
        )
        self.gradient_curve = rp.plot(pen=pg.mkPen(GRADIENT, width=2.5), name="gradient descent")
        legend.setBrush(pg.mkBrush(255, 255, 255, 235))

        self.cost_plot = make_plot(
            "Cost of one step against P", "parameters P", "passes per step", True, True
        )
        cp = self.cost_plot.getPlotItem()
        cl = cp.addLegend(offset=(8, 8), labelTextColor=theme.TEXT)
        cl.setBrush(pg.mkBrush(255, 255, 255, 235))
        ps = np.unique(np.round(np.logspace(0, 6, 120)))
        cp.plot(ps, 1 + 2 * ps, pen=pg.mkPen(TRIAL, width=2.5), name="trial and error 1 + 2P")
        few = np.arange(1, 23)  # up to the top of the axis (10⁷)
        cp.plot(
            few,
            2.0**few,
            pen=pg.mkPen(theme.MUTED, width=2, style=Qt.PenStyle.DashLine),
            name="all sign combinations 2ᴾ",
        )
        cp.plot(
            ps,
            np.full(ps.shape, 2.0),
            pen=pg.mkPen(GRADIENT, width=2.5),
            name="gradient: 1 fwd + 1 bwd",
        )
        self.claim = cp.plot(
            [CLAIM_P, CLAIM_P],
            [trial_cost(CLAIM_P), exhaustive_cost(CLAIM_P)],
            pen=None,
            symbol="o",
            symbolSize=9,
            symbolBrush=theme.TEXT,
        )
        # Two labels beside their dots, clear of the lines: the tutorial's claim against
        # what coordinate-wise trial and error costs at the same P.
        for text, y, anchor, dx in (
            ("2¹⁰ = 1024 (the text's claim)", exhaustive_cost(CLAIM_P), (0, 0.5), 0.14),
            ("1 + 2·10 = 21", trial_cost(CLAIM_P), (0, 0), 0.1),
        ):
            label = pg.TextItem(text, color=theme.TEXT, anchor=anchor)
            label.setPos(np.log10(CLAIM_P) + dx, np.log10(y))
            cp.addItem(label)
        self.current_p = pg.InfiniteLine(
            angle=90, pen=pg.mkPen(theme.ACCENT, width=1.5, style=Qt.PenStyle.DotLine)
        )
        cp.addItem(self.current_p)
        cp.setYRange(0, 7, padding=0.02)
        cp.setXRange(0, 6, padding=0.02)

        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["P", "trial & error", "all signs 2ᴾ", "gradient f+b"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFont(font(9.5))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        # 2ᴾ runs long ("2²¹ ≈ 2.10×10⁶"): that column takes what it needs.
        self.table.horizontalHeader().setSectionResizeMode(
            2, QHeaderView.ResizeMode.ResizeToContents
        )
        self.table.setMinimumHeight(110)  # scrolls rather than squeeze the controls

        right = QVBoxLayout()
        right.addWidget(self.cost_plot, 3)
        right.addWidget(self.table, 2)
        views = QHBoxLayout()
        views.addWidget(self.race_plot, 3)
        views.addLayout(right, 2)
        self.body.addLayout(views, 1)
        self._problem_changed()

    # -- controls ----------------------------------------------------------------------

    @property
    def problem_key(self) -> str:
        return str(self.problem_box.currentData())

    def _problem_changed(self, *_: object) -> None:
        """New problem: its own default η and h, then a fresh race."""
        objective = make_objective(self.problem_key, self.hidden_box.value())
        self.hidden_box.setEnabled(self.problem_key == "mlp")
        for box, value in (
            (self.lr_box, objective.default_lr),
            (self.h_box, objective.default_step),
        ):
            box.blockSignals(True)
            box.setValue(value)
            box.blockSignals(False)
        self._rebuild()

    def _rebuild(self, *_: object) -> None:
        objective = make_objective(self.problem_key, self.hidden_box.value())
        self.race = Race(objective, self.lr_box.value(), self.h_box.value())
        self._changed()

    def do_step(self) -> bool:
        if self.race.sweeps >= MAX_SWEEPS:
            return False
        self.race.step()
        return True

    def do_back(self) -> bool:
        return self.race.back()

    def do_reset(self) -> None:
        self.race.reset()

    # -- drawing -----------------------------------------------------------------------------

    def refresh(self) -> None:
        r = self.race
        t, g = r.trial, r.gradient
        tc = np.array(t.curve, dtype=float)
        gc = np.array(g.curve, dtype=float)
        self.trial_curve.setData(tc[:, 0], np.maximum(tc[:, 1], LOSS_FLOOR))
        self.gradient_curve.setData(gc[:, 0], np.maximum(gc[:, 1], LOSS_FLOOR))
        P = r.n_params
        self.current_p.setValue(np.log10(P))
        self._fill_table(P)
        lt, lg = r.losses()
        last = f" (last sweep: {r.last_sweep_evaluations})" if t.steps else ""
        diverged = (
            f" <b style='color:{TRIAL.name()}'>— diverged: η is too large, it stops here</b>"
            if r.gradient_diverged
            else ""
        )
        self.readout.setText(
            f"<b>{r.objective.title}</b> &nbsp;·&nbsp; P = <b>{P}</b><br>"
            f"<span style='color:{TRIAL.name()}'>■</span> trial and error: <b>{t.steps}</b> "
            f"sweeps · <b>{t.forward}</b> loss evaluations ({t.forward} forward, 0 backward "
            f"passes) · loss <b>{fmt_loss(lt)}</b><br>"
            f"<span style='color:{GRADIENT.name()}'>■</span> gradient descent: <b>{g.steps}</b>"
            f" steps · <b>{g.forward}</b> forward + <b>{g.backward}</b> backward passes · loss "
            f"<b>{fmt_loss(lg)}</b>{diverged}<br>"
            f"<span style='color:{theme.MUTED.name()}'>per step: "
            f"trial and error ≤ 1 + 2·{P} = {trial_cost(P)} loss evaluations{last}; "
            f"gradient: 1 forward + 1 backward pass; every sign combination: "
            f"{power_of_two(P)}</span>"
        )
        self.set_text(self._html())

    def _fill_table(self, P: int) -> None:
        sizes = sorted({1, 2, CLAIM_P, P, 100, 1000, 1_000_000})
        rows = cost_table(sizes)
        self.table.setRowCount(len(rows))
        for i, row in enumerate(rows):
            exhaustive = (
                power_of_two(row.n_params, exact_below=10**5)
                if row.n_params < 64
                else f"≈ 10{str(round(exhaustive_log10(row.n_params))).translate(_SUPER)}"
            )
            texts = [
                big_number(row.n_params),
                big_number(row.trial),
                exhaustive,
                f"{row.forward} + {row.backward}",
            ]
            for j, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if row.n_params in (P, CLAIM_P):
                    item.setBackground(QBrush(HIGHLIGHT))
                if row.n_params == P:
                    item.setToolTip("this problem")
                self.table.setItem(i, j, item)

    def extra_texts(self) -> list[str]:
        return [
            " | ".join(self.table.item(r, c).text() for c in range(self.table.columnCount()))
            for r in range(self.table.rowCount())
        ]

    def _html(self) -> str:
        notes = [
            (
                "“2¹⁰ combinations”",
                "2¹⁰ = 1024 is what an exhaustive search costs: trying + or − for every one of "
                "10 parameters in every combination. Trial and error as the text describes it "
                "goes one parameter at a time and needs at most 2 × 10 = 20 evaluations per step "
                "(21 with the current loss). Both grow with P; the gradient's cost does not.",
            ),
            (
                "“one evaluation”",
                "A gradient is not free: it is one forward and one backward pass. Counted that "
                "way (2 passes per step) it is still independent of P.",
            ),
            (
                "“mathematically optimal”",
                "The text says the steepest path is optimal for convex problems. With a small "
                "enough η gradient descent converges on them, but steepest is not fastest: in a "
                "long narrow valley it zigzags (the reason for momentum and Adam).",
            ),
        ]
        return f"""
<h2>3 · Why gradients, not trial and error</h2>
<p class='muted'>{self.source}</p>
<p><b style='color:{TRIAL.name()}'>Trial and error</b> (the engine's
<i>trial-and-error</i> optimizer): for each parameter, try +h; if the loss does not drop,
try −h; keep whichever helped. One sweep costs up to</p>
<p align='center' class='formula'>1 + 2P loss evaluations</p>
<p>and only learns “better or worse”, one parameter at a time, always by the same h.</p>
<p><b style='color:{GRADIENT.name()}'>Gradient descent</b> gets every parameter's
direction <i>and</i> size from one forward and one backward pass:</p>
<p align='center' class='formula'>θ ← θ − η·∇L(θ) &nbsp; (1 forward + 1 backward)</p>
<h3>A fair race</h3>
<p>Each <b>Step</b> runs one trial-and-error sweep, then lets gradient descent take as many
steps as the same cost buys (a pass = one forward or backward pass; a loss evaluation is one
forward pass). With more parameters a sweep gets dearer and gradient descent gets more steps
for it — add hidden nodes and compare.</p>
<p>A fixed step has a second cost: it cannot get closer to the minimum than about h/2
(watch the line and the bowl stall), while the gradient's steps shrink as the slope does.</p>
<p class='muted'>Tiny problems can favour trial and error: on the MLP with η = 0.1 the
gradients are small and gradient descent crawls, while h = 0.1 moves every weight by a
fixed amount. That is the text's point 3: with few parameters trial and error “might work”;
its cost is what does not scale.</p>
{note_box("Where the text overstates or differs", notes)}
"""
