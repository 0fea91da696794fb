"""Lesson 4 — the tutorial's 2-3-1 network, worked, from
“The Math Behind Training MLP Neural Networks”.

Every number of the text's example is computed live by the engine (the
same :class:`~mlpviz.engine.MLP` the app trains): the tutorial's initial
weights, the first normalized row x = (1.0, 1.0), the sums, activations,
output, loss, error signals δ, gradients and updated weights. Each step is
one online SGD update on the next row in file order, as the companion code
trains; Back and Reset restore earlier weights exactly.

Where the printed text differs, :func:`text_differences` says what went
wrong, with the numbers computed here (docs/tutorial-notes.md, items 1–7).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlpviz.data import load_example
from mlpviz.data.problem import Problem, prepare
from mlpviz.engine import MLP
from mlpviz.engine.settings import NetworkSpec, TrainingSettings

Array = np.ndarray
NORMALIZATION_EXAMPLE = "exam-scores"  # 70,98,91 / 50,85,82 / 65,67,80 / 25,95,68
TRAINING_EXAMPLE = "exam-scores-training"  # 70,100,90 / 50,85,80 / 65,70,80 / 30,95,70
LEARNING_RATE = 0.1

# What the text prints in "STEP 5.1": δ_o = 0.5030(1 − 0.5030)·(0.5030 − 91)
# = 0.2494 · −90.4970 = −22.56, with the raw target 91.
TEXT_RAW_TARGET = 91.0
TEXT_SIGMOID_SLOPE = 0.2494
TEXT_DELTA_O = -22.56

# The text's normalization tables, column → {raw: printed}.
PRINTED_ZERO_ONE = {
    "I0": {70.0: 1.0, 50.0: 0.5555, 65.0: 0.8888, 25.0: 0.0},
    "I1": {98.0: 1.0, 85.0: 0.5806, 67.0: 0.0, 95.0: 0.9032},
}
PRINTED_MINUS_ONE_ONE = {
    "I0": {70.0: 1.0, 50.0: -0.1111, 65.0: 0.7777, 25.0: -1.0},
    "I1": {98.0: 1.0, 85.0: 0.1613, 67.0: -1.0, 95.0: 0.8064},
}


def fmt4(value: float) -> str:
    """Four decimals with a typographic minus: −4.6667."""
    text = f"{value:.4f}"
    if text.strip("-0.") == "":
        text = text.lstrip("-")  # no "−0.0000"
    return text.replace("-", "−")


def delta_output(y: float, z: float) -> float:
    """δ_o = σ′(s)·(y − z) = y(1 − y)(y − z) for a sigmoid output and ½(y − z)²."""
    return y * (1.0 - y) * (y - z)


def tutorial_problem(example: str = NORMALIZATION_EXAMPLE) -> Problem:
    """The exam scores with inputs and target min-max scaled to [0, 1]."""
    ex = load_example(example)
    return prepare(ex.dataset, ex.inputs, ex.targets, "0,1", "0,1", name=ex.name)


# -- normalization ---------------------------------------------------------------------


@dataclass(frozen=True)
class NormalizedValue:
    column: str
    raw: float
    zero_one: float
    minus_one_one: float
    printed_zero_one: float | None
    printed_minus_one_one: float | None

    def wrong_sign(self) -> bool:
        p = self.printed_minus_one_one
        return p is not None and p * self.minus_one_one < 0

    def truncated(self) -> bool:
        """The text cut off the digits instead of rounding (0.8888 for 0.8889)."""
        return bool(_truncations([self]))


def normalization_table(example: str = NORMALIZATION_EXAMPLE) -> list[NormalizedValue]:
    """Each input value with its [0, 1] and [−1, 1] scaling, beside the text's numbers."""
    ex = load_example(example)
    out = []
    for j, name in enumerate(ex.inputs):
        col = ex.X[:, j]
        lo, hi = float(col.min()), float(col.max())
        printed01 = PRINTED_ZERO_ONE.get(name, {}) if example == NORMALIZATION_EXAMPLE else {}
        printed11 = PRINTED_MINUS_ONE_ONE.get(name, {}) if example == NORMALIZATION_EXAMPLE else {}
        for v in col:
            t = (float(v) - lo) / (hi - lo)
            out.append(
                NormalizedValue(
                    name, float(v), t, 2.0 * t - 1.0, printed01.get(v), printed11.get(v)
                )
            )
    return out


# -- one worked update ---------------------------------------------------------------------


@dataclass(frozen=True)
class WorkedStep:
    """Everything the text computes for one sample, plus the update it leads to."""

    update: int  # updates done before this one
    epoch: int
    row: int
    raw_inputs: tuple[float, ...]
    raw_target: float
    x: Array
    z: float
    lr: float
    wh: Array  # (3, 2) hidden weights before the update, wh[node][input]
    bh: Array  # (3,)
    wo: Array  # (3,) output weights wo[0][hidden]
    bo: float
    hidden_sums: Array
    hidden_acts: Array
    output_sum: float
    y: float
    loss: float
    delta_o: float
    delta_h: Array
    grad_wh: Array
    grad_bh: Array
    grad_wo: Array
    grad_bo: float
    new_wh: Array
    new_bh: Array
    new_wo: Array
    new_bo: float
    new_params: Array  # all new weights and biases, flat (the engine's layout)
    loss_after: float

    def delta_with_raw_target(self, z_raw: float = TEXT_RAW_TARGET) -> float:
        """The text's mistake: δ_o with the un-normalized target."""
        return delta_output(self.y, z_raw)


class WorkedExample:
    """The tutorial's network trained one sample at a time, every number exposed."""

    def __init__(self, example: str = NORMALIZATION_EXAMPLE, lr: float = LEARNING_RATE) -> None:
        self.lr = float(lr)
        self.set_example(example)

    def set_example(self, example: str) -> None:
        """Switch between the two tables of the text; starts again from the tutorial's weights."""
        self.example = example
        self.problem = tutorial_problem(example)
        self.mlp = MLP.tutorial()
        self.history: list[Array] = [self.mlp.params.copy()]

    @property
    def updates(self) -> int:
        return len(self.history) - 1

    @property
    def n_rows(self) -> int:
        return self.problem.n_rows

    def set_lr(self, lr: float) -> None:
        """A new η applies from the next update on (earlier ones stay as they were)."""
        self.lr = float(lr)

    def current(self) -> WorkedStep:
        """The forward and backward pass on the next row, and the update it would make."""
        k = self.updates
        row = k % self.n_rows
        params = self.history[-1]
        mlp = self.mlp
        mlp.set_params(params)
        x, z = self.problem.X[row], self.problem.Z[row]
        trace = mlp.forward(x)
        grads = mlp.backward(trace, z)
        new = params - self.lr * grads.flat
        (wh, wo), (bh, bo) = mlp.views_of(params.copy())
        (nwh, nwo), (nbh, nbo) = mlp.views_of(new)
        (gwh, gwo), (gbh, gbo) = grads.weights, grads.biases
        y = float(trace.output[0])
        return WorkedStep(
            update=k,
            epoch=k // self.n_rows,
            row=row,
            raw_inputs=tuple(float(v) for v in self.problem.raw_inputs[row]),
            raw_target=float(self.problem.raw_targets[row, 0]),
            x=x.copy(),
            z=float(z[0]),
            lr=self.lr,
            wh=wh.copy(),
            bh=bh.copy(),
            wo=wo[0].copy(),
            bo=float(bo[0]),
            hidden_sums=trace.sums[0][0].copy(),
            hidden_acts=trace.activations[1][0].copy(),
            output_sum=float(trace.sums[1][0, 0]),
            y=y,
            loss=0.5 * (y - float(z[0])) ** 2,
            delta_o=float(grads.deltas[1][0, 0]),
            delta_h=grads.deltas[0][0].copy(),
            grad_wh=gwh.copy(),
            grad_bh=gbh.copy(),
            grad_wo=gwo[0].copy(),
            grad_bo=float(gbo[0]),
            new_wh=nwh.copy(),
            new_bh=nbh.copy(),
            new_wo=nwo[0].copy(),
            new_bo=float(nbo[0]),
            new_params=new.copy(),
            loss_after=mlp.loss_value(x[None, :], z[None, :], params=new),
        )

    def step(self) -> WorkedStep:
        """Apply the current update; returns the step that was applied."""
        done = self.current()
        self.history.append(done.new_params)
        return done

    def back(self) -> bool:
        if len(self.history) == 1:
            return False
        self.history.pop()
        return True

    def reset(self) -> None:
        self.history = self.history[:1]

    @property
    def params(self) -> Array:
        return self.history[-1].copy()

    def mean_loss(self) -> float:
        """Mean ½(y − z)² over all rows with the current weights."""
        return self.mlp.loss_value(self.problem.X, self.problem.Z, params=self.history[-1])

    def loss_curve(self) -> list[float]:
        """Mean loss after each update so far (index 0: the initial weights)."""
        return [self.mlp.loss_value(self.problem.X, self.problem.Z, params=p) for p in self.history]

    # -- loading into the app ---------------------------------------------------------------

    def spec(self) -> NetworkSpec:
        """The tutorial's 2-3-1 sigmoid network with its printed initial weights."""
        return NetworkSpec(hidden=(3,), hidden_activations=("sigmoid",), init="tutorial")

    def settings(self) -> TrainingSettings:
        """Online SGD in file order with this lesson's η, as the companion code trains."""
        return TrainingSettings(learning_rate=self.lr, batch_size=1, optimizer="sgd", shuffle=False)


# -- what the text gets wrong ----------------------------------------------------------------


@dataclass(frozen=True)
class TextNote:
    title: str
    detail: str


def first_step(example: str = NORMALIZATION_EXAMPLE, lr: float = LEARNING_RATE) -> WorkedStep:
    """The text's worked example: the first update from the tutorial's weights."""
    return WorkedExample(example, lr).current()


def _truncations(values: list[NormalizedValue]) -> list[tuple[float, float]]:
    """(correct, printed) for every printed cell that was cut off rather than rounded."""
    out = []
    for v in values:
        for p, c in ((v.printed_zero_one, v.zero_one), (v.printed_minus_one_one, v.minus_one_one)):
            if p is not None and round(c, 4) != p and abs(p - c) < 1e-4:
                out.append((c, p))
    return out


def text_differences(lr: float = LEARNING_RATE) -> list[TextNote]:
    """Where the printed worked example differs, with the right numbers computed here."""
    s = first_step(NORMALIZATION_EXAMPLE, lr)
    slope = s.y * (1.0 - s.y)
    raw = s.delta_with_raw_target()
    text_product = TEXT_SIGMOID_SLOPE * (round(s.y, 4) - TEXT_RAW_TARGET)
    other = first_step(TRAINING_EXAMPLE, lr)
    wrong_sign = [v for v in normalization_table() if v.wrong_sign()]
    truncated = [v for v in normalization_table() if v.truncated()]
    sign_text = "; ".join(
        f"{v.column} = {v.raw:g} gives {fmt4(v.minus_one_one)}, printed "
        f"{fmt4(v.printed_minus_one_one or 0.0)}"
        for v in wrong_sign
    )
    trunc_text = ", ".join(f"{fmt4(c)} printed {fmt4(p)}" for c, p in _truncations(truncated))
    return [
        TextNote(
            "δₒ used the un-normalized target",
            f"The text computes δₒ = 0.5030(1 − 0.5030)(0.5030 − 91) = −22.56 with the raw "
            f"score z = 91, but y = {fmt4(s.y)} is a sigmoid output in (0, 1): the target must "
            f"be normalized like the inputs. Min-max [0, 1] turns 91 into z = {fmt4(s.z)}, so "
            f"δₒ = {fmt4(s.y)} · {fmt4(1 - s.y)} · ({fmt4(s.y)} − {fmt4(s.z)}) = "
            f"{fmt4(s.delta_o)}.",
        ),
        TextNote(
            "even with z = 91 it is not −22.56",
            f"y(1 − y) = {fmt4(s.y)} · {fmt4(1 - s.y)} = {fmt4(slope)}, not 0.2494, so "
            f"δₒ = {fmt4(slope)} · {fmt4(s.y - TEXT_RAW_TARGET)} = {fmt4(raw)} "
            f"(−22.62). The text's own product 0.2494 · −90.4970 is {fmt4(text_product)}.",
        ),
        TextNote(
            "a sign in the [−1, 1] table",
            f"{sign_text} — (50 − 25)/(70 − 25) · 2 − 1 = +0.1111. The text also cuts digits "
            f"off instead of rounding ({trunc_text}).",
        ),
        TextNote(
            "one output, not two",
            "The text lists “two output values yo[0], yo[1]”; the network has one output node, "
            "so there is one output y = yo[0].",
        ),
        TextNote(
            "two different datasets",
            "“The training dataset” (70,100,90 / 50,85,80 / 65,70,80 / 30,95,70) is not the table "
            "normalized later (70,98,91 / 50,85,82 / 65,67,80 / 25,95,68). Both are built in. "
            f"Their first rows both normalize to x = (1.0, 1.0), z = 1.0, so the first update is "
            f"the same (δₒ = {fmt4(other.delta_o)}); the following rows differ.",
        ),
        TextNote(
            "section 5.3 is unfinished",
            "Its example reuses the x² + y² numbers (3, 4 → 2.4, 3.2) and leaves the loss as "
            "“??”. This lesson shows the real update: the gradients δ·a and new weights below.",
        ),
        TextNote(
            "“average” loss",
            "The text calls the loss an average but writes the per-sample ½(y − z)². Each update "
            "here uses one sample's ½(y − z)²; the curve shows the mean over the four rows.",
        ),
    ]
