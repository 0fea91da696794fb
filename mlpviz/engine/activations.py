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
    """σ(s) = 1 / (1 + e^−s), computed without overflow for large |s|."""
    # e^−s overflows for s < −709; tanh form is stable everywhere and exact enough.
    return 0.5 * np.tanh(0.5 * s) + 0.5


def softmax(s: Array) -> Array:
    """Row-wise softmax; subtracting the row max keeps exp() finite."""
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def relu(s: Array) -> Array:
    return np.maximum(s, 0.0)


def linear(s: Array) -> Array:
    return s.copy()


FUNCTIONS: dict[str, Callable[[Array], Array]] = {
    "sigmoid": sigmoid,
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

HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu", "linear")
OUTPUT_ACTIVATIONS = (*HIDDEN_ACTIVATIONS, "softmax")


def check(name: str, allowed: tuple[str, ...], where: str) -> str:
    """Return ``name`` if it is one of ``allowed``, else raise a ValueError naming it."""
    if name not in allowed:
        raise ValueError(f"unknown {where} activation {name!r}; choose one of {', '.join(allowed)}")
    return name
