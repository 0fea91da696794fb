"""Optimizers: how a gradient (or a loss alone) becomes a parameter update.

Each works in place on a flat parameter vector, so the same objects drive
an MLP's parameters and the 2-D test functions of the optimizer playground.
Momentum and Nesterov use the PyTorch formulation (v ← βv + g), which for a
constant learning rate is the classic v ← βv − ηg written differently.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

import numpy as np

Array = np.ndarray


class Optimizer:
    """Base class. ``uses_gradient`` is False for methods that only compare losses."""

    name: ClassVar[str] = ""
    uses_gradient: ClassVar[bool] = True
    defaults: ClassVar[dict[str, float]] = {}

    def __init__(self, **options: float) -> None:
        unknown = set(options) - set(self.defaults)
        if unknown:
            known = ", ".join(self.defaults) or "none"
            raise ValueError(
                f"{self.name} has no option {', '.join(sorted(unknown))}; its options: {known}"
            )
        self.options = {**self.defaults, **{k: float(v) for k, v in options.items()}}
        self.t = 0
        self.state: dict[str, Array] = {}

    def reset(self) -> None:
        """Forget accumulated state (velocities, moment estimates)."""
        self.t = 0
        self.state.clear()

    def _buffer(self, key: str, like: Array) -> Array:
        buf = self.state.get(key)
        if buf is None or buf.shape != like.shape:
            buf = self.state[key] = np.zeros_like(like)
        return buf

    def step(self, params: Array, grad: Array, lr: float) -> None:
        """Update ``params`` in place from ``grad`` with learning rate ``lr``."""
        self.t += 1
        self._apply(params, grad, lr)

    def _apply(self, params: Array, grad: Array, lr: float) -> None:
        raise NotImplementedError

    def state_dict(self, *, lists: bool = True) -> dict:
        """The optimizer's name, options, step count and buffers (copies).

        With ``lists`` the buffers are lists of floats, so the dict is JSON-ready;
        without, NumPy arrays (for states that stay in memory or cross a pipe as
        binary). :meth:`load_state_dict` takes either, with the same bits.
        """
        return {
            "name": self.name,
            "options": dict(self.options),
            "t": self.t,
            "state": {k: v.tolist() if lists else v.copy() for k, v in self.state.items()},
        }

    def load_state_dict(self, d: dict) -> None:
        self.t = int(d.get("t", 0))
        self.state = {k: np.array(v, dtype=np.float64) for k, v in d.get("state", {}).items()}


class SGD(Optimizer):
    """The tutorial's rule: w_new = w_old − η·∇L."""

    name = "sgd"

    def _apply(self, params: Array, grad: Array, lr: float) -> None:
        params -= lr * grad


class Momentum(Optimizer):
    name = "momentum"
    defaults = {"beta": 0.9}

    def _apply(self, params: Array, grad: Array, lr: float) -> None:
        v = self._buffer("velocity", params)
        v *= self.options["beta"]
        v += grad
        params -= lr * v


class Nesterov(Optimizer):
    """Nesterov momentum, evaluated at the current point (Sutskever et al. 2013 form)."""

    name = "nesterov"
    defaults = {"beta": 0.9}

    def _apply(self, params: Array, grad: Array, lr: float) -> None:
        beta = self.options["beta"]
        v = self._buffer("velocity", params)
        v *= beta
        v += grad
        params -= lr * (grad + beta * v)


class Adagrad(Optimizer):
    name = "adagrad"
    defaults = {"eps": 1e-8}

    def _apply(self, params: Array, grad: Array, lr: float) -> None:
        g2 = self._buffer("sum_sq", params)
        g2 += grad * grad
        params -= lr * grad / (np.sqrt(g2) + self.options["eps"])


class RMSProp(Optimizer):
    name = "rmsprop"
    defaults = {"rho": 0.9, "eps": 1e-8}

    def _apply(self, params: Array, grad: Array, lr: float) -> None:
        rho = self.options["rho"]
        e = self._buffer("mean_sq", params)
        e *= rho
        e += (1.0 - rho) * grad * grad
        params -= lr * grad / (np.sqrt(e) + self.options["eps"])


class Adam(Optimizer):
    """Kingma & Ba 2015, with bias-corrected moment estimates."""

    name = "adam"
    defaults = {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}

    def _apply(self, params: Array, grad: Array, lr: float) -> None:
        b1, b2 = self.options["beta1"], self.options["beta2"]
        m = self._buffer("m", params)
        v = self._buffer("v", params)
        m *= b1
        m += (1.0 - b1) * grad
        v *= b2
        v += (1.0 - b2) * grad * grad
        m_hat = m / (1.0 - b1**self.t)
        v_hat = v / (1.0 - b2**self.t)
        params -= lr * m_hat / (np.sqrt(v_hat) + self.options["eps"])


class TrialAndError(Optimizer):
    """The derivatives tutorial's trial and error: for each parameter try +step, else −step.

    Keeps whichever lowers the loss (or neither). It costs up to two loss
    evaluations per parameter per step and never looks at a gradient.
    ``step`` is the step size; 0 means "use the learning rate".
    """

    name = "trial-and-error"
    uses_gradient = False
    defaults = {"step": 0.0}

    def trial_step(self, params: Array, loss: Callable[[Array], float], lr: float) -> int:
        """One sweep over all parameters; returns the number of loss evaluations."""
        self.t += 1
        h = self.options["step"] or lr
        best = loss(params)
        evals = 1
        for i in range(params.size):
            old = params[i]
            for candidate in (old + h, old - h):
                params[i] = candidate
                value = loss(params)
                evals += 1
                if value < best:
                    best = value
                    break
            else:
                params[i] = old
        return evals

    def _apply(self, params: Array, grad: Array, lr: float) -> None:
        raise TypeError("trial-and-error compares losses; call trial_step() instead")


OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.name: cls for cls in (SGD, Momentum, Nesterov, Adagrad, RMSProp, Adam, TrialAndError)
}


def make_optimizer(name: str, **options: float) -> Optimizer:
    """An optimizer by name, e.g. ``make_optimizer("adam", beta1=0.8)``."""
    try:
        cls = OPTIMIZERS[name]
    except KeyError:
        raise ValueError(
            f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}"
        ) from None
    return cls(**options)
