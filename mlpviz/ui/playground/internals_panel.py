"""The "Inside the step" panel: which racer's internals are drawn, and their numbers.

It lists the racers to inspect, says which sub-step is on show (see
:mod:`~mlpviz.ui.playground.internals_view`) and tabulates the numbers behind
the drawing per coordinate: the gradient, the optimizer's state after the
step, the learning rate each coordinate effectively gets, and the step.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QGroupBox, QHBoxLayout, QLabel, QVBoxLayout

from mlpviz.playground.race import RaceSnapshot
from mlpviz.playground.step_internals import STAGES, StepInternals
from mlpviz.ui.style import theme
from mlpviz.ui.style.numbers import format_number

NONE = "(none)"
STATE_TEXT = {
    "sgd": "SGD keeps no state: its step is −η∇f.",
    "momentum": "Velocity v ← βv + ∇f. The step is the carried −ηβv plus −η∇f.",
    "nesterov": "Velocity v ← βv + ∇f. Nesterov steps −η(∇f + βv), looking ahead.",
    "adagrad": "Accumulator G ← G + ∇f² per coordinate; ellipse √G. "
    "The step is −η∇f / (√G + ε): wide axes take short steps.",
    "rmsprop": "Running mean E ← ρE + (1 − ρ)∇f²; ellipse η√E. The step is −η∇f / (√E + ε).",
    "adam": "Moments m ← β₁m + (1 − β₁)∇f, v ← β₂v + (1 − β₂)∇f², bias-corrected m̂, v̂. "
    "Arrow −m̂, ellipse √v̂; the step is −ηm̂ / (√v̂ + ε): about η per coordinate.",
}
STAGE_TEXT = {
    "gradient": "the gradient at the point, as the plain step −η∇f",
    "state": "the optimizer's state",
    "step": "the step Δ, to where the racer lands",
}


def rows(i: StepInternals) -> list[tuple[str, np.ndarray]]:
    """(label, per-coordinate values) for the numbers table, in sub-step order."""
    out = [("∇f", i.gradient)]
    if i.velocity_before is not None:
        out += [("v before", i.velocity_before), ("v after", i.velocity)]
    if i.m is not None:
        out += [("m", i.m), ("v", i.v), ("m̂", i.m_hat), ("v̂", i.v_hat)]
    if i.accumulator is not None:
        out.append(("G = Σ∇f²" if i.optimizer == "adagrad" else "E[∇f²]", i.accumulator))
    if i.rate is not None:
        out.append(("η / (√· + ε)", i.rate))
    out.append(("Δ (step)", i.step))
    return out


def _num(v: float) -> str:
    return format_number(float(v), style="significant")


class InternalsPanel(QGroupBox):
    """Choose a racer; see its next step's numbers and the sub-step on show."""

    chosen = Signal(str)  # a racer's name, or "" for none

    def __init__(self) -> None:
        super().__init__("Inside the step")
        self.racer = QComboBox()
        self.racer.setToolTip(
            "Whose next step to draw on the contour: gradient, optimizer state and step."
        )
        self.racer.currentTextChanged.connect(
            lambda text: self.chosen.emit("" if text == NONE else text)
        )
        self.stage = QLabel("")
        self.stage.setWordWrap(True)
        self.state = QLabel("")
        self.state.setWordWrap(True)
        self.state.setStyleSheet(f"color: {theme.MUTED.name()};")
        self.table = QLabel("")
        self.table.setTextFormat(Qt.TextFormat.RichText)
        row = QHBoxLayout()
        row.addWidget(QLabel("Racer"))
        row.addWidget(self.racer, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.stage)
        layout.addWidget(self.table)
        layout.addWidget(self.state)
        self._names: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        text = self.racer.currentText()
        return "" if text == NONE else text

    def set_racers(self, snap: RaceSnapshot) -> None:
        """Offer the racers that follow the gradient; keep the choice while it exists."""
        names = tuple(r.name for r in snap.racers if r.optimizer != "trial-and-error")
        if names == self._names:
            return
        self._names = names
        keep = self.name
        self.racer.blockSignals(True)
        self.racer.clear()
        self.racer.addItems([NONE, *names])
        if keep in names:
            self.racer.setCurrentText(keep)
        else:
            preferred = [r.name for r in snap.racers if r.optimizer == "adam"]
            self.racer.setCurrentText(preferred[0] if preferred else (names[0] if names else NONE))
        self.racer.blockSignals(False)
        self.chosen.emit(self.name)

    def show_internals(
        self, i: StepInternals | None, stage: int | None, note: str = "", scale: float = 0.0
    ) -> None:
        """The numbers of ``i`` and which sub-step (1…3, None: all at once) is drawn.

        ``scale`` is the drawing's k for gradient-unit vectors (see internals_view).
        """
        if i is None:
            self.stage.setText(note or "Nothing to draw: choose a racer that is still running.")
            self.table.setText("")
            self.state.setText("")
            return
        n = len(STAGES)
        if stage is None:
            head = f"Step {i.t}, all sub-steps. Press <b>Sub-step</b> to reveal them one by one."
        else:
            head = f"Step {i.t}, sub-step {stage} of {n}: {STAGE_TEXT[STAGES[stage - 1]]}."
        self.stage.setText(head)
        shown = rows(i)
        if stage is not None and stage < n:
            keep = 1 if stage == 1 else len(shown) - 1
            shown = shown[:keep]
        # Quantities across, coordinates down: three rows fit under the results.
        head_cells = "".join(f"<th align='right'>&nbsp;{label}</th>" for label, _ in shown)
        body = "".join(
            f"<tr><td><b>{axis}</b></td>"
            + "".join(f"<td align='right'>&nbsp;{_num(v[k])}</td>" for _, v in shown)
            + "</tr>"
            for k, axis in enumerate("xy")
        )
        self.table.setText(
            f"<table cellspacing='0' cellpadding='3'><tr><th></th>{head_cells}</tr>{body}</table>"
        )
        text = STATE_TEXT.get(i.optimizer, "") if stage is None or stage >= 2 else ""
        if i.second is not None:
            text += f" Drawn ×k = {_num(scale)} to fit; the step Δ at true size."
        self.state.setText(text.strip())
