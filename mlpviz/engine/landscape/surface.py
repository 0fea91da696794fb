"""Loss landscapes: the mean loss over a plane through parameter space.

Two kinds of plane:

* :func:`loss_grid` varies two single parameters (a weight or a bias each)
  and keeps every other parameter as it is.
* :func:`trajectory_pca` finds the plane that best holds a recorded training
  path (Li et al. 2018, "Visualizing the Loss Landscape of Neural Nets",
  section 7) and :func:`pca_loss_grid` evaluates the loss over that plane.

Both evaluate a whole grid without a Python loop over grid points, and both
rest on one observation: a layer's summation ``s = a·Wᵀ + b`` is linear in
its own parameters. So the sums of the first layer that the plane touches
split into a part that depends only on the first coordinate and a part that
depends only on the second, ``s[i, j] = G[i] + H[j]``. The small G and H are
computed once; only the layers after them need the full
(grid rows, grid columns, data rows, width) tensor, and that tensor is built
in cache-sized blocks, in place, and in parallel threads (NumPy's ufuncs and
BLAS release the GIL).

Each activation is also written as ``f(s) = scale·core(pre·s) + shift`` (the
sigmoid is ``0.5·tanh(0.5·s) + 0.5``). The constant factors fold into the
next layer's weights and into the loss, so the big tensor only ever sees the
one core function per layer.

The plans are built in :mod:`.landscape_plans` and evaluated in
:mod:`.grid_eval`; :mod:`.landscape_bench` times them.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mlpviz.engine.landscape.grid_eval import _row_chunks, _run
from mlpviz.engine.landscape.plans import _pair_plan, _Param, _pca_plan
from mlpviz.engine.mlp import MLP

Array = np.ndarray

__all__ = [
    "TrajectoryPCA",
    "grid_extent",
    "loss_grid",
    "pca_loss_grid",
    "trajectory_pca",
]


# -- inputs ---------------------------------------------------------------------


def _parse_param(mlp: MLP, param: object, label: str) -> _Param:
    shape = "('w', layer, node, input) or ('b', layer, node)"
    if (
        not isinstance(param, (tuple, list))
        or len(param) not in (3, 4)
        or param[0] not in ("w", "b")
        or (param[0] == "w") != (len(param) == 4)
    ):
        raise ValueError(f"{label} must be {shape}, not {param!r}")
    try:
        numbers = [operator.index(v) for v in param[1:]]
    except TypeError:
        raise ValueError(f"{label} must be {shape} with integer indices, not {param!r}") from None
    kind, (layer, node, *rest) = param[0], numbers
    sizes = mlp.layer_sizes
    n_layers = len(sizes) - 1
    where = f"{label} = {tuple(param)!r} in a {'-'.join(map(str, sizes))} network"
    if not 0 <= layer < n_layers:
        raise IndexError(f"{where}: layer must be 0 … {n_layers - 1}")
    if not 0 <= node < sizes[layer + 1]:
        raise IndexError(f"{where}: layer {layer} has nodes 0 … {sizes[layer + 1] - 1}")
    inp = rest[0] if rest else -1
    if kind == "w" and not 0 <= inp < sizes[layer]:
        raise IndexError(f"{where}: layer {layer} has inputs 0 … {sizes[layer] - 1}")
    return _Param(kind, layer, node, inp, mlp.param_index((kind, layer, node, *rest)))


def _check_data(mlp: MLP, X: Array, Z: Array) -> tuple[Array, Array]:
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 1:
        X = X[None, :]
    n_in, k = mlp.layer_sizes[0], mlp.layer_sizes[-1]
    if X.ndim != 2 or X.shape[1] != n_in:
        raise ValueError(f"X has shape {X.shape}; this network takes rows of {n_in} inputs")
    if X.shape[0] == 0:
        raise ValueError("X has no rows; a mean loss needs at least one")
    Z = np.asarray(Z, dtype=np.float64)
    if Z.size != X.shape[0] * k:
        raise ValueError(
            f"Z has {Z.size} values; {X.shape[0]} rows × {k} outputs need {X.shape[0] * k}"
        )
    return X, Z.reshape(X.shape[0], k)


def _check_values(values: Sequence[float] | Array, label: str) -> Array:
    v = np.asarray(values, dtype=np.float64)
    if v.ndim != 1:
        raise ValueError(f"{label} must be one-dimensional, got shape {v.shape}")
    return v


def _check_options(threads: int | None, dtype: npt.DTypeLike) -> tuple[int | None, np.dtype]:
    if threads is not None and threads < 1:
        raise ValueError(f"threads must be at least 1, got {threads}")
    dt = np.dtype(dtype)
    if dt not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float64 or float32, not {dt}")
    return threads, dt


# -- two single parameters ------------------------------------------------------


def loss_grid(
    mlp: MLP,
    X: Array,
    Z: Array,
    a: tuple,
    b: tuple,
    a_values: Sequence[float] | Array,
    b_values: Sequence[float] | Array,
    *,
    threads: int | None = None,
    dtype: npt.DTypeLike = np.float64,
) -> Array:
    """Mean loss over a grid of values of two parameters, all others fixed.

    Parameters
    ----------
    mlp : MLP
        The network; it is not changed.
    X : (n, n_in) array
        Input rows (one row may be given as (n_in,)).
    Z : (n, n_out) array
        Targets, anything of n·n_out values (as for :meth:`MLP.loss_value`).
    a, b : tuple
        Each ``("w", layer, node, input)`` or ``("b", layer, node)``. They may
        be in any layers, in the same node, in either order, but not the
        same parameter.
    a_values : (n_a,) array
        Values for ``a``, one per grid row.
    b_values : (n_b,) array
        Values for ``b``, one per grid column.
    threads : int, optional
        Worker threads; default: every core for big grids, one for small.
    dtype : np.float64 (default) or np.float32
        Precision of the bulk arithmetic. float32 is about three times
        faster and good to ~1e-6 relative, plenty for a picture; saturated
        cross-entropy terms are then capped at −log(6e-8) instead of
        −log(1e-15).

    Returns
    -------
    (n_a, n_b) array
        ``grid[i, j]`` is ``mlp.loss_value(X, Z)`` with ``a`` set to
        ``a_values[i]`` and ``b`` to ``b_values[j]``, equal to it up to
        floating-point rounding.

    Raises
    ------
    ValueError
        A malformed parameter, ``a == b``, bad shapes of ``X``, ``Z`` or the
        values.
    IndexError
        A layer, node or input that this network does not have.
    """
    threads, dt = _check_options(threads, dtype)
    X, Z = _check_data(mlp, X, Z)
    pa, pb = _parse_param(mlp, a, "a"), _parse_param(mlp, b, "b")
    if pa.index == pb.index:
        raise ValueError(f"a and b are both {tuple(a)!r}; choose two different parameters")
    av, bv = _check_values(a_values, "a_values"), _check_values(b_values, "b_values")
    if pb.layer < pa.layer:
        # The plans assume a's layer comes first; the grid is symmetric in roles.
        flipped = loss_grid(mlp, X, Z, b, a, bv, av, threads=threads, dtype=dt)
        return np.ascontiguousarray(flipped.T)
    total = np.zeros((av.size, bv.size))
    if total.size == 0:
        return total
    da = av - mlp.params[pa.index]
    db = bv - mlp.params[pb.index]
    per_row = (av.size + bv.size) * sum(mlp.layer_sizes)
    for rows in _row_chunks(X.shape[0], per_row):
        _run(_pair_plan(mlp, X[rows], Z[rows], pa, pb, da, db), total, threads, dt)
    total /= X.shape[0]
    return total


# -- the plane of a training path -----------------------------------------------


@dataclass(frozen=True, eq=False)
class TrajectoryPCA:
    """The plane through the final parameters that best holds a training path.

    Attributes
    ----------
    origin : (P,) array
        The final parameter vector (the path's last row); the plane's (0, 0).
    directions : (2, P) array
        Unit vectors d₁, d₂, orthogonal; the largest-magnitude component of
        each is positive. When the path has one parameter (P = 1), d₂ is zero.
    explained : (2,) array
        The fraction of Σᵢ‖wᵢ − w_final‖² along each direction, each in [0, 1]
        (0 where the path does not move along it).
    coords : (T, 2) array
        The path in the plane: ``coords[t, k] = (path[t] − origin)·d_k``; the
        last row is (0, 0).
    """

    origin: Array
    directions: Array
    explained: Array
    coords: Array

    def params_at(self, alpha: float, beta: float) -> Array:
        """The parameter vector (P,) at plane coordinates (alpha, beta)."""
        return self.origin + alpha * self.directions[0] + beta * self.directions[1]


def trajectory_pca(path: Array) -> TrajectoryPCA:
    """The two principal directions of a training path around its end point.

    Li et al. (2018, section 7) take the PCA of the matrix whose rows are
    ``w_i − w_final``. Here that matrix is decomposed as it is (SVD, not
    mean-centred), so the plane passes through w_final — the origin of the
    plot — and the directions minimise exactly what the plot leaves out: the
    distance of the recorded points from the plane. (Li et al.'s code uses
    scikit-learn's PCA, which centres first; the two agree when the path's
    mean lies in the plane, e.g. for any path in a 2-D plane.)

    Parameters
    ----------
    path : (T, P) array
        Flat parameter vectors in time order; the last is the final one.

    Returns
    -------
    TrajectoryPCA
        Directions, explained-variance fractions and the projected path.
        Degenerate paths still give finite numbers: when the path does not
        move (T = 1 or all rows equal) the directions are the first two unit
        basis vectors and ``explained`` and ``coords`` are zero; a direction
        the path does not move along (a straight path, P = 1) has explained
        fraction 0 and is completed deterministically from the basis vectors
        (zero when P = 1).

    Raises
    ------
    ValueError
        ``path`` is not a non-empty 2-D array of finite numbers.
    """
    path = np.asarray(path, dtype=np.float64)
    if path.ndim != 2 or path.shape[0] < 1 or path.shape[1] < 1:
        raise ValueError(f"path must be (T, P) with T, P ≥ 1, got shape {path.shape}")
    if not np.isfinite(path).all():
        raise ValueError("path contains NaN or infinite values")
    T, P = path.shape
    origin = path[-1].copy()
    M = path - origin
    directions = np.zeros((2, P))
    explained = np.zeros(2)
    found = 0
    if M.any():
        _, s, vt = np.linalg.svd(M, full_matrices=False)
        # Singular values at rounding level (numpy.linalg.matrix_rank's
        # threshold) belong to directions the path does not take; their
        # vectors are arbitrary, so the completion below replaces them.
        real = s > s[0] * max(T, P) * np.finfo(float).eps
        found = int(min(2, real.sum()))
        directions[:found] = vt[:found]
        explained[:found] = np.clip(s[:found] ** 2 / np.sum(s**2), 0.0, 1.0)
    for k in range(found, min(2, P)):
        # Complete with the basis vector least covered by the directions so
        # far, orthogonalised: never degenerate, and the same every time.
        cover = np.abs(directions[:k]).sum(axis=0)
        e = np.zeros(P)
        e[int(np.argmin(cover))] = 1.0
        e -= directions[:k].T @ (directions[:k] @ e)
        directions[k] = e / np.linalg.norm(e)
    for d in directions:
        if d.any() and d[np.argmax(np.abs(d))] < 0:
            d *= -1.0
    coords = M @ directions.T
    for array in (origin, directions, explained, coords):
        array.setflags(write=False)
    return TrajectoryPCA(origin, directions, explained, coords)


def grid_extent(coords: Array, margin: float = 0.25, n: int = 41) -> tuple[Array, Array]:
    """Grid values that cover a projected path with a margin.

    Parameters
    ----------
    coords : (T, 2) array
        Plane coordinates, e.g. :attr:`TrajectoryPCA.coords`.
    margin : float
        Extra room on each side, as a fraction of the covered span.
    n : int
        Number of values per axis (≥ 2).

    Returns
    -------
    alphas, betas : (n,) arrays
        Increasing values along each direction. An axis the path hardly
        moves along still spans at least a tenth of the other axis's span
        (the landscape across a nearly straight path is worth seeing); if the
        path is a single point both spans are 1.
    """
    coords = np.asarray(coords, dtype=np.float64)
    if coords.ndim != 2 or coords.shape[1] != 2 or coords.shape[0] < 1:
        raise ValueError(f"coords must be (T, 2) with T ≥ 1, got shape {coords.shape}")
    if not np.isfinite(coords).all():
        raise ValueError("coords contains NaN or infinite values")
    if n < 2:
        raise ValueError(f"n must be at least 2, got {n}")
    if margin < 0:
        raise ValueError(f"margin must be ≥ 0, got {margin}")
    lo, hi = coords.min(axis=0), coords.max(axis=0)
    span = hi - lo
    widest = span.max()
    span = np.maximum(span, 0.1 * widest) if widest > 0 else np.ones(2)
    mid = 0.5 * (lo + hi)
    half = (0.5 + margin) * span
    alphas, betas = (np.linspace(mid[k] - half[k], mid[k] + half[k], int(n)) for k in range(2))
    return alphas, betas


def pca_loss_grid(
    mlp: MLP,
    X: Array,
    Z: Array,
    pca: TrajectoryPCA,
    alphas: Sequence[float] | Array,
    betas: Sequence[float] | Array,
    *,
    threads: int | None = None,
    dtype: npt.DTypeLike = np.float64,
) -> Array:
    """Mean loss over the plane ``origin + α·d₁ + β·d₂`` of a trajectory PCA.

    Parameters
    ----------
    mlp : MLP
        A network of the PCA's shape; only its architecture, activations and
        loss are used (its parameters are neither read nor changed).
    X : (n, n_in) array
        Input rows.
    Z : (n, n_out) array
        Targets.
    pca : TrajectoryPCA
        From :func:`trajectory_pca` on this network's parameter path.
    alphas : (n_a,) array
        Coordinates along ``pca.directions[0]``, one per grid row.
    betas : (n_b,) array
        Coordinates along ``pca.directions[1]``, one per grid column.
    threads : int, optional
        Worker threads; default: every core for big grids, one for small.
    dtype : np.float64 (default) or np.float32
        Precision of the bulk arithmetic. float32 is about three times
        faster and good to ~1e-6 relative, plenty for a picture; saturated
        cross-entropy terms are then capped at −log(6e-8) instead of
        −log(1e-15).

    Returns
    -------
    (n_a, n_b) array
        ``grid[i, j] = mlp.loss_value(X, Z, params=pca.params_at(alphas[i], betas[j]))``
        up to rounding.
    """
    threads, dt = _check_options(threads, dtype)
    X, Z = _check_data(mlp, X, Z)
    if pca.origin.shape != mlp.params.shape:
        raise ValueError(
            f"the PCA is of {pca.origin.size} parameters; this network has {mlp.n_params}"
        )
    av, bv = _check_values(alphas, "alphas"), _check_values(betas, "betas")
    total = np.zeros((av.size, bv.size))
    if total.size == 0:
        return total
    per_row = (av.size + bv.size) * max(mlp.layer_sizes)
    for rows in _row_chunks(X.shape[0], per_row):
        _run(
            _pca_plan(mlp, X[rows], Z[rows], pca.origin, pca.directions, av, bv), total, threads, dt
        )
    total /= X.shape[0]
    return total
