"""Lesson 3 — why gradients, not trial and error, from the section
“Why Use Gradients Instead of Simple Trial and Error?” of
“Understanding Derivatives and Gradient Descent in Machine Learning”.

Three problems are solved both ways: the line y = w·x (1 parameter), the
bowl x² + y² (2) and an MLP on the exam scores (4H + 1 for H hidden nodes).
Trial and error is the engine's ``trial-and-error`` optimizer: for each
parameter try +step, else −step, keep whichever lowers the loss. One sweep
costs up to 1 + 2P loss evaluations (one for the current loss, two per
parameter). A gradient step costs one forward and one backward pass,
whatever P is.

Cost is counted in network passes: a loss evaluation is one forward pass; a
gradient is one forward plus one backward pass, counted as 2 (a backward
pass costs about as much as a forward one — in practice 1–2×, which does
not change the picture). Losses recorded for the plot are monitoring and
not counted, as in :class:`mlpviz.engine.Trainer`.

The tutorial's "10 parameters → 2¹⁰ combinations" is the cost of an exhaustive
search over the sign of every parameter's step (2ᴾ evaluations per step),
not of coordinate-wise trial and error (2P + 1).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mlpviz.data import load_example
from mlpviz.data.problem import prepare
from mlpviz.engine import MLP, make_optimizer
from mlpviz.lessons.derivative import line_loss, line_slope

Array = np.ndarray
GRADIENT_PASSES = 2  # one forward + one backward pass
DIVERGED = 1e12  # a loss beyond this means η was too large: stop stepping


def trial_cost(n_params: int) -> int:
    """Most loss evaluations one trial-and-error sweep can take: 1 + 2P."""
    return 1 + 2 * int(n_params)


def exhaustive_cost(n_params: int) -> int:
    """Evaluations to try every sign combination of P steps: 2ᴾ (the tutorial's claim)."""
    return 2 ** int(n_params)


def gradient_cost(n_params: int) -> tuple[int, int]:
    """(forward, backward) passes per gradient step: (1, 1) for any P."""
    return 1, 1


@dataclass(frozen=True)
class CostRow:
    n_params: int
    trial: int
    exhaustive: int
    forward: int
    backward: int


def cost_table(sizes=(1, 2, 10, 13, 41, 100, 1000, 1_000_000)) -> list[CostRow]:
    """Cost per step against P for the three ways of choosing a step."""
    return [CostRow(p, trial_cost(p), exhaustive_cost(p), *gradient_cost(p)) for p in sizes]


def exhaustive_log10(n_params: int) -> float:
    """log₁₀ 2ᴾ, for plotting costs too large for a float."""
    return float(n_params * np.log10(2.0))


# -- the problems ------------------------------------------------------------------


class Objective:
    """A loss over a flat parameter vector, with its gradient."""

    key = ""
    title = ""
    default_lr = 0.1
    default_step = 0.1

    def start(self) -> Array:
        raise NotImplementedError

    def loss(self, p: Array) -> float:
        raise NotImplementedError

    def gradient(self, p: Array) -> Array:
        raise NotImplementedError

    @property
    def n_params(self) -> int:
        return self.start().size


class LineObjective(Objective):
    """y = w·x on (1, 2), (2, 4), (3, 6) from w = 1 (lesson 1).

    The default step 0.15 does not divide the distance 1 to the minimum, so
    trial and error shows what a fixed step does: it stalls within h of the
    minimum. (With h = 0.1 it would land on w = 2 exactly, by coincidence.)
    """

    key, title = "line", "Line y = w·x (1 parameter)"
    default_step = 0.15

    def start(self) -> Array:
        return np.array([1.0])

    def loss(self, p: Array) -> float:
        return line_loss(float(p[0]))

    def gradient(self, p: Array) -> Array:
        return np.array([line_slope(float(p[0]))])


class BowlObjective(Objective):
    """x² + y² from (3, 4) (lesson 2)."""

    key, title = "bowl", "Bowl x² + y² (2 parameters)"
    default_step = 0.15  # 4 is no multiple of it: y stalls at 0.1, as in the line's case

    def start(self) -> Array:
        return np.array([3.0, 4.0])

    def loss(self, p: Array) -> float:
        return float(p @ p)

    def gradient(self, p: Array) -> Array:
        return 2.0 * p


class MlpObjective(Objective):
    """A 2-H-1 sigmoid MLP on the exam scores, mean ½(y − z)² over the four rows.

    Full batch, so both methods see the same loss. The learning rate is large
    because that loss has small gradients (sigmoid output, four rows);
    with η = 0.1 gradient descent crawls.
    """

    key = "mlp"
    default_lr = 5.0
    default_step = 0.1

    def __init__(self, hidden: int = 3, seed: int = 0, example: str = "exam-scores") -> None:
        ex = load_example(example)
        problem = prepare(ex.dataset, ex.inputs, ex.targets, "0,1", "0,1")
        self.X, self.Z = problem.X, problem.Z
        self.hidden = int(hidden)
        self.mlp = MLP((2, self.hidden, 1), init="uniform", seed=seed)
        self._start = self.mlp.params.copy()
        self.title = f"MLP 2-{self.hidden}-1 on the exam scores ({self.mlp.n_params} parameters)"

    def start(self) -> Array:
        return self._start.copy()

    def loss(self, p: Array) -> float:
        value = self.mlp.loss_value(self.X, self.Z, params=p)
        # A NaN would never compare lower, so trial and error would keep going blind.
        return value if np.isfinite(value) else np.inf

    def gradient(self, p: Array) -> Array:
        trace = self.mlp.forward(self.X, params=p)
        return self.mlp.backward(trace, self.Z, params=p).flat.copy()


def make_objective(key: str, hidden: int = 3) -> Objective:
    if key == "line":
        return LineObjective()
    if key == "bowl":
        return BowlObjective()
    if key == "mlp":
        return MlpObjective(hidden)
    raise ValueError(f"unknown problem {key!r}; choose line, bowl or mlp")


# -- the race --------------------------------------------------------------------------


@dataclass
class Runner:
    """One method's position and what it has spent."""

    params: Array
    steps: int = 0
    forward: int = 0  # loss evaluations / forward passes
    backward: int = 0
    curve: list[tuple[int, float]] = field(default_factory=list)  # (cost, loss)

    @property
    def cost(self) -> int:
        return self.forward + self.backward

    def copy(self) -> Runner:
        return Runner(self.params.copy(), self.steps, self.forward, self.backward, list(self.curve))


class Race:
    """Trial and error against gradient descent at equal cost.

    Each :meth:`step` runs one trial-and-error sweep, then lets gradient
    descent take as many steps as fit in the cost spent so far, so the two
    curves always cover the same budget.
    """

    def __init__(
        self, objective: Objective, lr: float | None = None, step_size: float | None = None
    ):
        self.objective = objective
        self.lr = float(objective.default_lr if lr is None else lr)
        self.step_size = float(objective.default_step if step_size is None else step_size)
        self._optimizer = make_optimizer("trial-and-error", step=self.step_size)
        self._sgd = make_optimizer("sgd")
        self.reset()

    @property
    def n_params(self) -> int:
        return self.objective.n_params

    def reset(self) -> None:
        start = self.objective.start()
        l0 = self.objective.loss(start)
        self.trial = Runner(start.copy(), curve=[(0, l0)])
        self.gradient = Runner(start.copy(), curve=[(0, l0)])
        self._optimizer.reset()
        self._history: list[tuple[Runner, Runner]] = []
        self.last_sweep_evaluations = 0

    @property
    def sweeps(self) -> int:
        return self.trial.steps

    def step(self) -> int:
        """One trial-and-error sweep, then gradient steps of equal cost; returns its evaluations."""
        self._history.append((self.trial.copy(), self.gradient.copy()))
        t = self.trial
        evals = self._optimizer.trial_step(t.params, self.objective.loss, self.step_size)
        t.steps += 1
        t.forward += evals
        t.curve.append((t.cost, self.objective.loss(t.params)))
        self.last_sweep_evaluations = evals
        g = self.gradient
        # Too large an η makes gradient descent blow up; it then stops where the
        # loss left the finite numbers (the curve ends there) instead of
        # filling the plot with overflow.
        with np.errstate(over="ignore", invalid="ignore"):
            while g.cost + GRADIENT_PASSES <= t.cost and not self.gradient_diverged:
                self._sgd.step(g.params, self.objective.gradient(g.params), self.lr)
                g.steps += 1
                g.forward += 1
                g.backward += 1
                g.curve.append((g.cost, self.objective.loss(g.params)))
        return evals

    @property
    def gradient_diverged(self) -> bool:
        """True once gradient descent's loss has exceeded :data:`DIVERGED` (or is NaN)."""
        last = self.gradient.curve[-1][1]
        return not (np.isfinite(last) and last < DIVERGED)

    def back(self) -> bool:
        if not self._history:
            return False
        self.trial, self.gradient = self._history.pop()
        self.last_sweep_evaluations = (
            self.trial.curve[-1][0] - self.trial.curve[-2][0] if len(self.trial.curve) > 1 else 0
        )
        return True

    def losses(self) -> tuple[float, float]:
        """Current loss of (trial and error, gradient descent)."""
        return self.trial.curve[-1][1], self.gradient.curve[-1][1]
