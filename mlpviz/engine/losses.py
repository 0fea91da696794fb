"""Losses: the tutorial's ½(y − z)² and cross-entropy, one :class:`Loss` record each.

Every loss is a mean over rows of a per-row sum over output nodes, so the
value for one row is exactly the tutorial's L = ½(y − z)².
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from mlpviz.engine.activations import ACTIVATIONS, Activation, get_activation

Array = np.ndarray

# Probabilities are clipped away from 0 and 1 so log() stays finite; the
# gradient y − z is computed from the unclipped y, so this only affects the
# reported value at saturation.
_EPS = 1e-15


@dataclass(frozen=True)
class Loss:
    """One loss and what the passes, the kernels and the views need of it.

    Attributes
    ----------
    name : the key in :data:`LOSSES` and in model files.
    label : how the settings and the loss plot name it.
    axis_label : the loss plot's y-axis label.
    row_losses : (output activation, y, z) ↦ the per-row loss, shape (n,).
    terms : (output activation, y, z) ↦ the per-output terms whose sum over
        the last axis is the row's loss (the inspector shows them).
    accepts : whether it pairs with an output activation's record.
    error_delta : True when the output δ = ∂L/∂s is y − z for every output it
        pairs with (f′(s) and ∂L/∂y cancel), False when it is f′(s)·(y − z).
    """

    name: str
    label: str
    axis_label: str
    row_losses: Callable[[str, Array, Array], Array]
    terms: Callable[[str, Array, Array], Array]
    accepts: Callable[[Activation], bool]
    error_delta: bool
    pairing_hint: str

    @property
    def outputs(self) -> tuple[str, ...]:
        """The registered output activations it pairs with."""
        return tuple(n for n, r in ACTIVATIONS.items() if r.output and self.accepts(r))

    def output_delta(self, output: Activation, y: Array, z: Array) -> Array:
        """δ of the output layer per row, ∂L_row/∂s_out, for outputs ``y`` = f(s)."""
        if self.error_delta:
            return y - z
        # The tutorial's δ_o = f'(s)·(y − z).
        return output.derivative_times(y, y - z)  # type: ignore[misc]


def _mse_rows(output_activation: str, y: Array, z: Array) -> Array:
    d = y - z
    return 0.5 * np.einsum("ij,ij->i", d, d)


def _mse_terms(output_activation: str, y: Array, z: Array) -> Array:
    return 0.5 * (y - z) ** 2


def _cross_entropy_rows(output_activation: str, y: Array, z: Array) -> Array:
    p = np.clip(y, _EPS, 1.0 - _EPS)
    if output_activation == "softmax":
        return -np.einsum("ij,ij->i", z, np.log(p))
    # Sigmoid outputs are independent Bernoulli probabilities.
    return -np.einsum("ij,ij->i", z, np.log(p)) - np.einsum("ij,ij->i", 1.0 - z, np.log1p(-p))


def _cross_entropy_terms(output_activation: str, y: Array, z: Array) -> Array:
    p = np.clip(y, _EPS, 1.0 - _EPS)
    if output_activation == "softmax":
        return -z * np.log(p)
    return -z * np.log(p) - (1.0 - z) * np.log1p(-p)


LOSSES: dict[str, Loss] = {
    "mse": Loss(
        "mse",
        "mse",
        "loss ½Σ(y − z)²",
        _mse_rows,
        _mse_terms,
        # Every output with an elementwise f′ (softmax's Jacobian is not).
        lambda f: f.elementwise,
        False,
        "a softmax output is trained with the cross-entropy loss",
    ),
    "cross-entropy": Loss(
        "cross-entropy",
        "cross-entropy",
        "cross-entropy loss",
        _cross_entropy_rows,
        _cross_entropy_terms,
        # Outputs that are probabilities: one class each, or independent.
        lambda f: f.name in ("softmax", "sigmoid"),
        True,
        "cross-entropy needs a softmax or sigmoid output (its outputs are probabilities)",
    ),
}

LOSS_NAMES = tuple(LOSSES)


def get_loss(name: str) -> Loss:
    """The record for ``name``; a ValueError naming it and the choices if there is none."""
    record = LOSSES.get(name) if isinstance(name, str) else None
    if record is None:
        raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(LOSSES)}")
    return record


def row_losses(loss: str, output_activation: str, y: Array, z: Array) -> Array:
    """Per-row loss, shape (n,), for outputs ``y`` and targets ``z`` of shape (n, k)."""
    return get_loss(loss).row_losses(output_activation, y, z)


def mean_loss(loss: str, output_activation: str, y: Array, z: Array) -> float:
    """Mean over rows of :func:`row_losses`."""
    return float(get_loss(loss).row_losses(output_activation, y, z).mean())


def check_pairing(loss: str, output_activation: str) -> Loss:
    """The loss's record; a ValueError for a pairing whose gradient the engine does not define."""
    record = get_loss(loss)
    if not record.accepts(get_activation(output_activation, "output")):
        raise ValueError(f"{record.pairing_hint}, not {output_activation!r}")
    return record
