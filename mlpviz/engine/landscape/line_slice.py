"""Honest landscapes: how far a path sits off its PCA plane, and the loss on a straight line.

A PCA plane (:func:`~mlpviz.engine.landscape.surface.trajectory_pca`) shows
the path's shadow: :func:`plane_residuals` says how far each recorded point
really lies from that plane, ‖p − proj(p)‖, so a reader can tell a faithful
picture from a flattering one.

:func:`line_slice` is Goodfellow, Vinyals & Saxe (2015, "Qualitatively
characterizing neural network optimization problems"): the loss along the
straight line w(α) = w₀ + α·(w₁ − w₀) from the initial weights (α = 0) to the
current ones (α = 1), evaluated exactly, with no projection at all.
:func:`path_alphas` places the path's own points on that line (their
projection's α), so their losses can be drawn beside it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mlpviz.engine.landscape.surface import TrajectoryPCA, pca_loss_grid
from mlpviz.engine.mlp import MLP

Array = np.ndarray

__all__ = ["line_slice", "path_alphas", "plane_residuals"]


def plane_residuals(path: Array, pca: TrajectoryPCA) -> Array:
    """(T,) distance of each path point from the PCA plane: ‖(p − o) − Σₖ cₖ·dₖ‖.

    ``path`` is the (T, P) path the PCA was taken of (or any points of the
    same length P); the plane passes through ``pca.origin``.
    """
    path = np.asarray(path, dtype=np.float64)
    if path.ndim != 2 or path.shape[1] != pca.origin.size:
        raise ValueError(
            f"path must be (T, {pca.origin.size}) for this plane, got shape {path.shape}"
        )
    offset = path - pca.origin
    coords = offset @ pca.directions.T
    return np.linalg.norm(offset - coords @ pca.directions, axis=1)


def path_alphas(path: Array, start: Array, end: Array) -> Array:
    """(T,) where each point projects onto the line start + α·(end − start).

    α = (p − start)·d / ‖d‖² with d = end − start; all zeros when start = end.
    """
    path = np.asarray(path, dtype=np.float64)
    start = np.asarray(start, dtype=np.float64)
    d = np.asarray(end, dtype=np.float64) - start
    dd = float(d @ d)
    if dd == 0.0:
        return np.zeros(len(path))
    return ((path - start) @ d) / dd


def line_slice(
    mlp: MLP, X: Array, Z: Array, start: Array, end: Array, alphas: Sequence[float] | Array
) -> Array:
    """(n,) mean loss at start + α·(end − start) for each α in ``alphas``.

    Equal to ``mlp.loss_value(X, Z, params=start + α·(end − start))`` up to
    rounding; evaluated as one row of a plane grid, without a Python loop.
    ``mlp`` gives the architecture, activations and loss; its parameters are
    neither read nor changed.
    """
    start = np.asarray(start, dtype=np.float64).reshape(-1)
    end = np.asarray(end, dtype=np.float64).reshape(-1)
    if start.shape != mlp.params.shape or end.shape != mlp.params.shape:
        raise ValueError(
            f"start and end must hold {mlp.n_params} parameters, got {start.size} and {end.size}"
        )
    directions = np.stack([end - start, np.zeros_like(start)])
    line = TrajectoryPCA(start, directions, np.zeros(2), np.zeros((0, 2)))
    grid = pca_loss_grid(mlp, X, Z, line, np.asarray(alphas, dtype=np.float64), [0.0])
    return grid[:, 0]
