"""Worker-side: the confusion matrices of a classification.

Computed in the training worker (one forward pass over every row), never on
the GUI thread; the view only draws the counts and lists a cell's rows.
"""

from __future__ import annotations

import numpy as np

from mlpviz.data.problem import Problem
from mlpviz.ui.training.measure import classes
from mlpviz.ui.training.snapshot import Confusion

# Rows per forward pass: bounds the memory of the outputs on big data.
BLOCK_ROWS = 65_536


def class_names(target_names: tuple[str, ...]) -> tuple[str, ...]:
    """One name per class: the targets of a one-hot encoding, or a 0/1 target's two values."""
    if len(target_names) > 1:
        return tuple(target_names)
    name = target_names[0]
    return (f"not {name}", name)


def counts(true: np.ndarray, predicted: np.ndarray, k: int) -> np.ndarray:
    """(k, k) matrix: [i, j] = rows of class i predicted as class j."""
    flat = np.bincount(true.astype(np.int64) * k + predicted.astype(np.int64), minlength=k * k)
    return flat.reshape(k, k)


def predicted_classes(mlp, X: np.ndarray) -> np.ndarray:
    """The network's class for every row of ``X``, in blocks of BLOCK_ROWS."""
    out = np.empty(len(X), dtype=np.int64)
    for lo in range(0, len(X), BLOCK_ROWS):
        out[lo : lo + BLOCK_ROWS] = classes(mlp.forward(X[lo : lo + BLOCK_ROWS]).activations[-1])
    return out


def confusion(problem: Problem, mlp) -> Confusion:
    """Train and test confusion matrices of ``mlp`` on ``problem`` (a classification)."""
    names = class_names(problem.target_names)
    true = classes(problem.Z)
    predicted = predicted_classes(mlp, problem.X)
    k = len(names)
    test = counts(true[problem.test], predicted[problem.test], k) if len(problem.test) else None
    return Confusion(
        class_names=names,
        train=counts(true[problem.train], predicted[problem.train], k),
        test=test,
        true=true,
        predicted=predicted,
    )
