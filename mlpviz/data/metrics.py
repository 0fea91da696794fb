"""How good predictions are: accuracy for classes, R² for numbers."""

from __future__ import annotations

import numpy as np


def accuracy(outputs: np.ndarray, targets: np.ndarray) -> float:
    """Share of rows whose largest output is the target's class (one-hot targets)."""
    outputs, targets = np.asarray(outputs), np.asarray(targets)
    return float(np.mean(outputs.argmax(axis=1) == targets.argmax(axis=1)))


def r2(predictions: np.ndarray, targets: np.ndarray) -> float:
    """Coefficient of determination, averaged over target columns (1 is perfect).

    A constant target column has no variance to explain; it scores 1 when
    predicted exactly and 0 otherwise.
    """
    y = np.asarray(targets, dtype=float).reshape(len(targets), -1)
    p = np.asarray(predictions, dtype=float).reshape(y.shape)
    resid = ((y - p) ** 2).sum(axis=0)
    total = ((y - y.mean(axis=0)) ** 2).sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        scores = np.where(total > 0, 1 - resid / np.where(total > 0, total, 1), resid == 0)
    return float(np.mean(scores))
