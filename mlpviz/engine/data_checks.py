"""The training data a Trainer is given: float64 arrays of the network's shape, finite."""

from __future__ import annotations

import numpy as np

from mlpviz.engine.mlp import MLP

Array = np.ndarray


def as_targets(Z: Array, n_rows: int, n_out: int) -> Array:
    """Targets as (n_rows, n_out) float64; a 1-D vector for a single output."""
    Z = np.asarray(Z, dtype=np.float64)
    if Z.ndim == 1 and n_out == 1:
        Z = Z[:, None]
    if Z.shape != (n_rows, n_out):
        raise ValueError(f"targets have shape {Z.shape}; expected ({n_rows}, {n_out})")
    return Z


def check_data(mlp: MLP, X: Array, Z: Array, what: str) -> tuple[Array, Array]:
    """``what`` ("training", "test") inputs and targets, checked against ``mlp``."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != mlp.layer_sizes[0]:
        raise ValueError(
            f"{what} inputs have shape {X.shape}; the network takes {mlp.layer_sizes[0]} per row"
        )
    Z = as_targets(Z, X.shape[0], mlp.layer_sizes[-1])
    if not (np.isfinite(X).all() and np.isfinite(Z).all()):
        raise ValueError(f"{what} data contain NaN or infinite values")
    return X, Z
