"""What an optimizer is about to do, piece by piece: the next step's internals.

:func:`step_internals` takes an optimizer as it stands at a point (its
velocity or moment estimates so far) and works out the step it will take
next, on a copy: the gradient, the state after the step (velocity, first and
second moments, accumulated squares), the bias-corrected moments, the
learning rate each coordinate effectively gets, and the step itself. The copy
runs the optimizer's own ``step``, so every buffer here has exactly the bits
the real optimizer will hold after its next step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlpviz.engine.optimizers import Optimizer, make_optimizer

# The sub-steps, in the order the playground reveals them one at a time.
STAGES = ("gradient", "state", "step")


@dataclass(frozen=True)
class StepInternals:
    """The next step of one optimizer from ``point``; arrays are (2,) and read-only.

    ``velocity_before`` is the velocity the step starts from (momentum and
    Nesterov); ``velocity``, ``m``, ``v`` and ``accumulator`` are the buffers
    after the step; ``m_hat`` and ``v_hat`` Adam's bias-corrected moments.
    ``second`` is the per-coordinate "typical gradient size" an adaptive
    method divides by (√v̂, √Σg² or √E[g²]), and ``rate`` the learning rate
    each coordinate effectively gets, η / (second + ε). Fields an optimizer
    does not have are None.
    """

    optimizer: str
    lr: float
    t: int  # the step's number (1 for the first)
    point: np.ndarray
    gradient: np.ndarray
    step: np.ndarray  # next_point − point
    next_point: np.ndarray
    velocity_before: np.ndarray | None = None
    velocity: np.ndarray | None = None
    m: np.ndarray | None = None
    v: np.ndarray | None = None
    m_hat: np.ndarray | None = None
    v_hat: np.ndarray | None = None
    accumulator: np.ndarray | None = None
    second: np.ndarray | None = None
    rate: np.ndarray | None = None
    beta: float = 0.0  # momentum's β (momentum and Nesterov)

    @property
    def carried(self) -> np.ndarray | None:
        """Momentum's carried part of the step, −η·β·v_before (momentum and Nesterov)."""
        if self.velocity_before is None:
            return None
        return -self.lr * self.beta * self.velocity_before


def _frozen(a: np.ndarray | None) -> np.ndarray | None:
    if a is None:
        return None
    a = np.array(a, dtype=float, copy=True)
    a.flags.writeable = False
    return a


def clone(optimizer: Optimizer) -> Optimizer:
    """An independent optimizer with the same options, step count and buffers."""
    twin = make_optimizer(optimizer.name, **optimizer.options)
    twin.load_state_dict(optimizer.state_dict(lists=False))
    return twin


def step_internals(
    optimizer: Optimizer, point: np.ndarray, gradient: np.ndarray, lr: float
) -> StepInternals | None:
    """The step ``optimizer`` takes next from ``point`` with ``gradient``; None
    for methods that never look at a gradient (trial and error).

    ``optimizer`` is not changed.
    """
    if not optimizer.uses_gradient:
        return None
    point = np.array(point, dtype=float)
    gradient = np.array(gradient, dtype=float)
    twin = clone(optimizer)
    before = twin.state.get("velocity")
    before = np.zeros_like(point) if before is None else before.copy()
    after = point.copy()
    twin.step(after, gradient.copy(), float(lr))
    state, opts, name = twin.state, twin.options, twin.name
    fields: dict[str, np.ndarray | None] = {}
    eps = opts.get("eps", 0.0)
    if name in ("momentum", "nesterov"):
        fields["velocity_before"] = before
        fields["velocity"] = state["velocity"]
    elif name == "adam":
        b1, b2 = opts["beta1"], opts["beta2"]
        m, v = state["m"], state["v"]
        # The optimizer's own expressions, so the bits agree with its step.
        m_hat = m / (1.0 - b1**twin.t)
        v_hat = v / (1.0 - b2**twin.t)
        fields.update(m=m, v=v, m_hat=m_hat, v_hat=v_hat, second=np.sqrt(v_hat))
    elif name in ("adagrad", "rmsprop"):
        acc = state["sum_sq" if name == "adagrad" else "mean_sq"]
        fields.update(accumulator=acc, second=np.sqrt(acc))
    if fields.get("second") is not None:
        fields["rate"] = float(lr) / (fields["second"] + eps)
    return StepInternals(
        optimizer=name,
        lr=float(lr),
        t=twin.t,
        point=_frozen(point),
        gradient=_frozen(gradient),
        step=_frozen(after - point),
        next_point=_frozen(after),
        beta=float(opts.get("beta", 0.0)),
        **{k: _frozen(v) for k, v in fields.items()},
    )
