"""Racing optimizers on a 2-D test function, in plain NumPy.

Every racer has its own point and its own optimizer (so its own velocity or
moment estimates) and starts from the same place. One :meth:`Race.step`
advances every racer still running by one step. Costs are counted the way the
tutorial compares methods: a gradient method pays one gradient evaluation per
step (the exact gradient at its current point), trial and error pays the loss
evaluations its sweep makes (1 + up to 2 per coordinate).

The value and gradient recorded at each point are for display and for the
convergence table; they are not charged to the racer (the gradient recorded at
a point is the one the next step uses, so it is computed only once).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from mlpviz.engine.optimizers import make_optimizer
from mlpviz.playground.step_internals import StepInternals, step_internals
from mlpviz.playground.testfunctions import TestFunction

ESCAPE = 1e6  # |coordinate| beyond this counts as diverged (it would wreck any view)
GRAD_CONVERGED = 1e-8  # |∇f| below this: a gradient method has nothing left to do

# Columns of a racer's history: one row per visited point (row k = after k steps).
X, Y, VALUE, GRAD_NORM, LOSS_EVALS, GRAD_EVALS = range(6)


@dataclass(frozen=True)
class RacerSpec:
    """Who races: a display name, an optimizer by name, its learning rate and options."""

    name: str
    optimizer: str
    lr: float
    options: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Reached:
    """When a racer first got within the tolerance: its step and costs so far."""

    step: int
    loss_evals: int
    grad_evals: int

    @property
    def evals(self) -> int:
        return self.loss_evals + self.grad_evals


@dataclass(frozen=True)
class RacerState:
    """An immutable picture of one racer (arrays are read-only)."""

    name: str
    optimizer: str
    lr: float
    status: str  # running, converged, diverged
    note: str
    steps: int
    loss_evals: int
    grad_evals: int
    value: float
    point: np.ndarray  # (2,)
    path: np.ndarray  # (k, 2), every point visited, the start first
    values: np.ndarray  # (k,)
    gradient: np.ndarray  # (2,) ∇f at the current point
    momentum: np.ndarray | None  # (2,) running average of gradients, same sign as ∇f
    reached: Reached | None
    # The step this racer takes next, piece by piece (None once it has stopped,
    # and for trial and error, which keeps no gradient state).
    internals: StepInternals | None = None


@dataclass(frozen=True)
class RaceSnapshot:
    function_key: str
    start: tuple[float, float]
    step: int
    tol: float
    racers: tuple[RacerState, ...]

    @property
    def running(self) -> bool:
        return any(r.status == "running" for r in self.racers)


def _frozen(a: np.ndarray) -> np.ndarray:
    a = a.view()
    a.flags.writeable = False
    return a


class Racer:
    """One optimizer's run: its point, optimizer state, history and costs."""

    def __init__(self, spec: RacerSpec, function: TestFunction, start: Sequence[float]) -> None:
        self.spec = spec
        self.function = function
        self.optimizer = make_optimizer(spec.optimizer, **spec.options)
        self.lr = float(spec.lr)
        self.point = np.array(start, dtype=float).reshape(2)
        self.steps = self.loss_evals = self.grad_evals = 0
        self.status, self.note = "running", ""
        # Append-only: rows already written never change, so snapshots can
        # hand out read-only views instead of copies. Growing reallocates and
        # leaves earlier views on the old, still valid array.
        self._rows = np.empty((64, 6))
        self._n = 0
        self.value = function.value(*self.point)
        self.grad = function.gradient(*self.point)
        if not self._finite():
            self.status, self.note = "diverged", "f is undefined at the start"
        self._record()

    def _finite(self) -> bool:
        p = self.point
        return bool(np.all(np.isfinite(p)) and np.all(np.abs(p) <= ESCAPE)) and math.isfinite(
            self.value
        )

    def _record(self) -> None:
        if self._n == len(self._rows):
            grown = np.empty((2 * len(self._rows), 6))
            grown[: self._n] = self._rows[: self._n]
            self._rows = grown
        norm = float(np.hypot(*self.grad))
        self._rows[self._n] = (*self.point, self.value, norm, self.loss_evals, self.grad_evals)
        self._n += 1

    @property
    def history(self) -> np.ndarray:
        """(k, 6) read-only: x, y, f, |∇f|, loss evaluations, gradient evaluations."""
        return _frozen(self._rows[: self._n])

    @property
    def momentum(self) -> np.ndarray | None:
        """The velocity (momentum, Nesterov) or first moment m (Adam), if any."""
        state = self.optimizer.state
        buf = state.get("velocity", state.get("m"))
        return None if buf is None else buf.copy()

    def step(self) -> None:
        if self.status != "running":
            return
        before = self.point.copy()
        opt, f = self.optimizer, self.function
        if opt.uses_gradient:
            opt.step(self.point, self.grad.copy(), self.lr)
            self.grad_evals += 1
        else:
            self.loss_evals += opt.trial_step(self.point, lambda p: f.value(p[0], p[1]), self.lr)
        self.steps += 1
        with np.errstate(all="ignore"):
            self.value = f.value(*self.point)
            self.grad = f.gradient(*self.point)
        if not self._finite():
            # Keep the last good point: a point at 1e300 or nan cannot be drawn.
            self.point = before
            self.value = float(self._rows[self._n - 1, VALUE])
            self.grad = np.full(2, np.nan)
            self.status, self.note = "diverged", f"diverged at step {self.steps}"
            return
        self._record()
        if opt.uses_gradient and np.hypot(*self.grad) < GRAD_CONVERGED:
            self.status = "converged"
            self.note = f"converged at step {self.steps} (∇f ≈ 0)"
        elif not opt.uses_gradient and np.array_equal(before, self.point):
            h = opt.options["step"] or self.lr
            self.status = "converged"
            self.note = f"converged at step {self.steps} (no ±{h:g} move helps)"

    def reached(self, tol: float) -> Reached | None:
        """The first recorded point within ``tol`` of the known minimum value.

        Without a known minimum (saddle, user functions): the first with |∇f| < tol.
        """
        h = self.history
        min_value = self.function.min_value
        with np.errstate(invalid="ignore"):
            ok = h[:, VALUE] - min_value <= tol if min_value is not None else h[:, GRAD_NORM] < tol
        hits = np.flatnonzero(ok)
        if hits.size == 0:
            return None
        k = int(hits[0])
        return Reached(k, int(h[k, LOSS_EVALS]), int(h[k, GRAD_EVALS]))

    def state(self, tol: float) -> RacerState:
        h = self.history
        momentum = self.momentum
        return RacerState(
            name=self.spec.name,
            optimizer=self.spec.optimizer,
            lr=self.lr,
            status=self.status,
            note=self.note,
            steps=self.steps,
            loss_evals=self.loss_evals,
            grad_evals=self.grad_evals,
            value=self.value,
            point=_frozen(self.point.copy()),
            path=h[:, X : Y + 1],
            values=h[:, VALUE],
            gradient=_frozen(self.grad.copy()),
            momentum=None if momentum is None else _frozen(momentum),
            reached=self.reached(tol),
            internals=self.internals(),
        )

    def internals(self) -> StepInternals | None:
        """The next step's gradient, optimizer state and update (see step_internals)."""
        if self.status != "running":
            return None
        return step_internals(self.optimizer, self.point, self.grad, self.lr)


class Race:
    """Several optimizers from one start on one function, stepped together."""

    def __init__(
        self, function: TestFunction, start: Sequence[float], racers: Sequence[RacerSpec]
    ) -> None:
        self.function = function
        self.start = (float(start[0]), float(start[1]))
        self.specs = tuple(racers)
        self.racers = [Racer(spec, function, self.start) for spec in self.specs]
        self.steps = 0

    @property
    def running(self) -> bool:
        """True while at least one racer is still going."""
        return any(r.status == "running" for r in self.racers)

    def step(self, n: int = 1) -> None:
        """Advance every running racer ``n`` steps (stopped racers stay put)."""
        for _ in range(int(n)):
            if not self.running:
                return
            for racer in self.racers:
                racer.step()
            self.steps += 1

    def reached(self, tol: float) -> list[Reached | None]:
        """Per racer: the step and evaluations at which it first got within ``tol``."""
        return [r.reached(tol) for r in self.racers]

    def snapshot(self, tol: float) -> RaceSnapshot:
        return RaceSnapshot(
            function_key=self.function.key,
            start=self.start,
            step=self.steps,
            tol=float(tol),
            racers=tuple(r.state(tol) for r in self.racers),
        )
