"""The input plane seen through a hidden layer: grid lines, activations, a 2-D basis.

A hidden layer maps every input point to its units' activations. With two
inputs the plane's grid lines become curves in that layer's space; when the
layer has two units they are drawn directly, with more they are projected on
a fixed plane — the top two principal directions of the data points'
activations (:func:`fit_basis`). The basis is an ordinary value that the
caller keeps: projecting later activations on an unchanged basis shows the
network moving, not the axes.

Pure NumPy: the training worker computes all of it between steps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlpviz.engine.mlp import MLP

__all__ = ["HiddenBasis", "fit_basis", "grid_lines", "layer_activations"]


@dataclass(frozen=True)
class HiddenBasis:
    """A plane in a layer's space: ``image = (h − mean) @ axes``.

    ``explained`` holds the share of the fitted activations' variance along
    each axis, or None for the identity of a 2-unit layer (``mean`` 0, the
    axes the units themselves); a 1-unit layer's second axis is zero.
    """

    mean: np.ndarray  # (m,)
    axes: np.ndarray  # (m, 2), orthonormal columns (a zero column for m = 1)
    explained: tuple[float, float] | None

    @property
    def units(self) -> int:
        return int(self.mean.shape[0])

    @property
    def direct(self) -> bool:
        """The units themselves are the axes (no projection)."""
        return self.explained is None

    def project(self, h: np.ndarray) -> np.ndarray:
        """Activations (..., m) → their image on the plane (..., 2)."""
        h = np.asarray(h, dtype=float)
        if self.direct:
            return h if self.units == 2 else np.concatenate([h, np.zeros_like(h)], axis=-1)
        return (h - self.mean) @ self.axes


def fit_basis(h: np.ndarray) -> HiddenBasis:
    """The plane to show activations ``h`` (n, m) on.

    Up to two units: the units themselves. More: the top two principal
    directions of ``h`` (centred on its mean), each signed so that its
    largest component is positive — the same activations always give the
    same picture. Flat activations (no variance) fall back to the first two
    units' axes with nothing explained.
    """
    h = np.asarray(h, dtype=float)
    m = h.shape[1]
    if m <= 2:
        axes = np.eye(m, 2)
        return HiddenBasis(np.zeros(m), axes, None)
    mean = h.mean(axis=0) if len(h) else np.zeros(m)
    centred = h - mean
    finite = np.isfinite(centred).all(axis=1)
    centred = centred[finite]
    total = float((centred**2).sum())
    if len(centred) < 2 or not total > 0.0 or not np.isfinite(total):
        return HiddenBasis(mean, np.eye(m, 2), (0.0, 0.0))
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    axes = vt[:2].T.copy()
    if axes.shape[1] < 2:  # one data point short of a plane
        axes = np.column_stack([axes, np.zeros(m)])
    for k in range(axes.shape[1]):
        col = axes[:, k]
        if col[np.argmax(np.abs(col))] < 0:
            axes[:, k] = -col
    share = np.zeros(2)
    share[: min(2, len(s))] = s[:2] ** 2 / total
    return HiddenBasis(mean, axes, (float(share[0]), float(share[1])))


def layer_activations(mlp: MLP, X: np.ndarray, layer: int) -> np.ndarray:
    """The activations of hidden layer ``layer`` (1 = the first after the input)
    for the network's (normalized) inputs ``X`` (n, n_in)."""
    n_hidden = len(mlp.layer_sizes) - 2
    if not 1 <= layer <= n_hidden:
        raise ValueError(f"hidden layer {layer} does not exist (the network has {n_hidden})")
    return mlp.forward(np.asarray(X, dtype=float)).activations[layer]


def grid_lines(lo: np.ndarray, hi: np.ndarray, n_lines: int = 15, n_points: int = 60) -> np.ndarray:
    """Lines of the rectangle [lo, hi] of a plane, ``n_lines`` each way.

    Returns (2·n_lines, n_points, 2): first the lines of constant x (x from
    lo[0] to hi[0], each running over y), then those of constant y.
    """
    xs = np.linspace(lo[0], hi[0], n_lines)
    ys = np.linspace(lo[1], hi[1], n_lines)
    tx = np.linspace(lo[0], hi[0], n_points)
    ty = np.linspace(lo[1], hi[1], n_points)
    lines = np.empty((2 * n_lines, n_points, 2))
    lines[:n_lines, :, 0] = xs[:, None]
    lines[:n_lines, :, 1] = ty[None, :]
    lines[n_lines:, :, 0] = tx[None, :]
    lines[n_lines:, :, 1] = ys[:, None]
    return lines
