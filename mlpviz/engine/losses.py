"""Losses: the tutorial's ½(y − z)² and cross-entropy.

Every loss is a mean over rows of a per-row sum over output nodes, so the
value for one row is exactly the tutorial's L = ½(y − z)².
"""

from __future__ import annotations

import numpy as np

Array = np.ndarray

LOSSES = ("mse", "cross-entropy")

# Probabilities are clipped away from 0 and 1 so log() stays finite; the
# gradient y − z is computed from the unclipped y, so this only affects the
# reported value at saturation.
_EPS = 1e-15


def row_losses(loss: str, output_activation: str, y: Array, z: Array) -> Array:
    """Per-row loss, shape (n,), for outputs ``y`` and targets ``z`` of shape (n, k)."""
    if loss == "mse":
        d = y - z
        return 0.5 * np.einsum("ij,ij->i", d, d)
    p = np.clip(y, _EPS, 1.0 - _EPS)
    if output_activation == "softmax":
        return -np.einsum("ij,ij->i", z, np.log(p))
    # Sigmoid outputs are independent Bernoulli probabilities.
    return -np.einsum("ij,ij->i", z, np.log(p)) - np.einsum("ij,ij->i", 1.0 - z, np.log1p(-p))


def mean_loss(loss: str, output_activation: str, y: Array, z: Array) -> float:
    """Mean over rows of :func:`row_losses`."""
    return float(row_losses(loss, output_activation, y, z).mean())


def check_pairing(loss: str, output_activation: str) -> None:
    """Refuse combinations whose gradient the engine does not define."""
    if loss not in LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(LOSSES)}")
    if loss == "cross-entropy" and output_activation not in ("softmax", "sigmoid"):
        raise ValueError(
            "cross-entropy needs a softmax or sigmoid output (its outputs are probabilities), "
            f"not {output_activation!r}"
        )
    if output_activation == "softmax" and loss != "cross-entropy":
        raise ValueError("a softmax output is trained with the cross-entropy loss")
