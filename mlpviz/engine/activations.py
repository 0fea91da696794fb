"""Activation functions and their derivatives, in dispatch tables.

Each derivative is written in terms of the sum ``s`` and the activation
``a = f(s)`` it produced, because the tutorial's forms use whichever is
cheaper: σ'(s) = a·(1 − a), tanh'(s) = 1 − a².
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Array = np.ndarray


def sigmoid(s: Array) -> Array:
    """σ(s) = 1 / (1 + e^−s), the tutorial's formula: a few ulps, relatively, for s ≥ −709.

    Below −709.78, where σ(s) < 2e-308 is no longer a normal double, it gives 0.
    """
    # e^−s overflows to ∞ for s < −709.78, and 1/(1 + ∞) = 0 is then the right
    # double (σ(s) < 1e-308): the overflow is expected, not an error. The older
    # 0.5·tanh(s/2) + 0.5 lost all relative precision below s ≈ −37 (it gave 0)
    # and took a tanh, which costs twice an exp here.
    with np.errstate(over="ignore"):
        return _sigmoid(s)


def _sigmoid(s: Array) -> Array:
    return 1.0 / (1.0 + np.exp(-s))


def softmax(s: Array) -> Array:
    """Row-wise softmax; subtracting the row max keeps exp() finite."""
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def relu(s: Array) -> Array:
    return np.maximum(s, 0.0)


def linear(s: Array) -> Array:
    return s.copy()


# The tables hold σ without its errstate (~1.4 µs a call, as much as the
# arithmetic on a small net): their callers — MLP's passes, the trainer,
# the math inspector — set errstate(over="ignore") once around many calls.
FUNCTIONS: dict[str, Callable[[Array], Array]] = {
    "sigmoid": _sigmoid,
    "tanh": np.tanh,
    "relu": relu,
    "linear": linear,
    "softmax": softmax,
}

# f'(s) given s and a = f(s). Softmax has a Jacobian, not an elementwise
# derivative; it is only allowed as an output paired with cross-entropy,
# where the product collapses to y − z (see losses.py).
DERIVATIVES: dict[str, Callable[[Array, Array], Array]] = {
    "sigmoid": lambda s, a: a * (1.0 - a),
    "tanh": lambda s, a: 1.0 - a * a,
    "relu": lambda s, a: (s > 0.0).astype(s.dtype),
    "linear": lambda s, a: np.ones_like(s),
}


def sigmoid_of_negated_(t: Array) -> Array:
    """σ in place from t = −s: 1/(1 + e^t), ``sigmoid``'s bits.

    For callers that can form −s without a pass of its own (the batch
    kernel, from −b − a·wᵀ); they run under errstate(over="ignore").
    """
    np.exp(t, out=t)
    t += 1.0
    np.reciprocal(t, out=t)
    return t


def _sigmoid_(s: Array) -> Array:
    np.negative(s, out=s)
    return sigmoid_of_negated_(s)


# The same functions overwriting their argument: the trainer's forward pass
# needs only a, not s, and each avoided temporary is a full pass over memory.
IN_PLACE: dict[str, Callable[[Array], Array]] = {
    "sigmoid": _sigmoid_,
    "tanh": lambda s: np.tanh(s, out=s),
    "relu": lambda s: np.maximum(s, 0.0, out=s),
    "linear": lambda s: s,
    "softmax": softmax,
}


def derivative_times(name: str, a: Array, g: Array) -> Array:
    """f'(s)·g from the activation a alone (a new array).

    Every f' here is a function of a: σ' = a(1 − a), tanh' = 1 − a²,
    relu' = [a > 0] (relu(s) > 0 exactly when s > 0), linear' = 1. The
    products are formed in the same order as ``DERIVATIVES[name](s, a) * g``,
    so both give identical bits.
    """
    if name == "sigmoid":
        d = 1.0 - a
        d *= a
    elif name == "tanh":
        d = a * a
        np.subtract(1.0, d, out=d)
    elif name == "relu":
        d = (a > 0.0).astype(a.dtype)
    else:
        d = np.ones_like(a)
    d *= g
    return d


HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu", "linear")
OUTPUT_ACTIVATIONS = (*HIDDEN_ACTIVATIONS, "softmax")


def check(name: str, allowed: tuple[str, ...], where: str) -> str:
    """Return ``name`` if it is one of ``allowed``, else raise a ValueError naming it."""
    if name not in allowed:
        raise ValueError(f"unknown {where} activation {name!r}; choose one of {', '.join(allowed)}")
    return name
