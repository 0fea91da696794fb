"""Worker-side: the loss along the straight line from the initial to the current weights.

Run in the worker thread with the other surfaces (:mod:`mlpviz.ui.training.surfaces`),
and only while its tab is on screen: the line is one vectorised row of a plane
grid, and the path's own losses are direct evaluations at no more than
``PATH_POINTS`` recorded points, on the same even subsample of rows as the
PCA plane — about a millisecond for the tutorial's network, and below the PCA
plane's own cost for wide ones.
"""

from __future__ import annotations

import numpy as np

from mlpviz.engine import MLP, WeightHistory
from mlpviz.engine.landscape.line_slice import line_slice, path_alphas
from mlpviz.ui.training.snapshot import LineSlice
from mlpviz.ui.training.surfaces import _rows

ALPHAS = np.linspace(-0.5, 1.5, 81)  # Goodfellow et al. 2015's range; α = 0 and 1 on the grid
PATH_POINTS = 60


def line_slice_surface(
    mlp: MLP, X: np.ndarray, Z: np.ndarray, history: WeightHistory, epoch: int
) -> LineSlice | None:
    """The loss on w₀ + α·(w₁ − w₀) with the path's own losses, or None until the weights moved.

    w₀ is the oldest recorded weights, w₁ the current ones (at ``epoch``).
    """
    if len(history) == 0:
        return None
    path = np.vstack([history.params, mlp.params[None, :]])
    epochs = np.append(history.epochs, epoch)
    start, end = path[0], path[-1]
    if not np.isfinite(path).all() or np.array_equal(start, end):
        return None
    Xs, Zs = _rows(X, Z)
    losses = line_slice(mlp, Xs, Zs, start, end, ALPHAS)
    # An even choice of recorded points, always with the first and the last.
    pick = np.unique(np.linspace(0, len(path) - 1, min(len(path), PATH_POINTS)).round().astype(int))
    points = path[pick]
    path_losses = np.array([mlp.loss_value(Xs, Zs, params=p) for p in points])
    return LineSlice(
        alphas=ALPHAS.copy(),
        losses=losses,
        path_alphas=path_alphas(points, start, end),
        path_losses=path_losses,
        path_epochs=epochs[pick],
        distance=float(np.linalg.norm(end - start)),
    )
