"""Benchmark of :func:`.landscape.loss_grid` against the naive batched forward pass."""

from __future__ import annotations

import functools
import time

import numpy as np

from mlpviz.bench.timing import best_of
from mlpviz.engine.landscape.surface import grid_extent, loss_grid, pca_loss_grid, trajectory_pca
from mlpviz.engine.mlp import MLP

Array = np.ndarray

__all__ = ["bench_loss_grid"]


def _naive_pair_grid(
    mlp: MLP, X: Array, Z: Array, a: tuple, b: tuple, a_values: Array, b_values: Array
) -> Array:
    """The baseline: every grid point's parameter vector through one batched forward pass."""
    ia, ib = mlp.param_index(a), mlp.param_index(b)
    P = np.repeat(mlp.params[None], len(a_values) * len(b_values), axis=0)
    P[:, ia] = np.repeat(a_values, len(b_values))
    P[:, ib] = np.tile(b_values, len(a_values))
    return mlp.losses_for(P, X, Z).reshape(len(a_values), len(b_values))


def bench_loss_grid(
    grid: int = 200,
    rows: int = 1000,
    hidden: int = 16,
    repeats: int = 3,
    seed: int = 0,
    naive_rows: int | None = None,
) -> dict[str, float]:
    """Time :func:`loss_grid` against the naive batched forward pass.

    A 2-``hidden``-1 sigmoid network on ``rows`` random rows; a ``grid`` ×
    ``grid`` grid for each pair of parameters below. The naive baseline
    (every grid point's parameter vector through :meth:`MLP.losses_for`)
    runs once, on the first pair, and must agree with the fast result, or
    the timing would compare nothing.

    Parameters
    ----------
    grid : int
        Values per parameter.
    rows : int
        Data rows.
    hidden : int
        Hidden nodes (≥ 2).
    repeats : int
        Each fast case runs this many times; the best time counts.
    seed : int
        Seed for the network and the data.
    naive_rows : int, optional
        Run the naive baseline on only this many grid rows and scale its
        time up to the whole grid (its cost is proportional to the number of
        grid points); it takes ~10 s on the full default grid.

    Returns
    -------
    dict
        Seconds: ``different_nodes_s`` (two first-layer weights of different
        hidden nodes), ``different_nodes_1thread_s`` (the same on one thread),
        ``different_nodes_float32_s`` (the same with ``dtype=np.float32``),
        ``same_node_s`` (two weights of one hidden node), ``output_layer_s``
        (two output weights), ``across_layers_s`` (a first-layer weight and
        an output weight), ``pca_50x50_s`` (:func:`pca_loss_grid`, 50 × 50),
        ``naive_s`` (for the whole grid, scaled up if ``naive_rows`` is set);
        and ``speedup`` = naive_s / different_nodes_s, ``max_abs_diff``
        between naive and fast, ``naive_fraction`` (of the grid the baseline
        actually ran on), ``grid``, ``rows``.
    """
    mlp = MLP((2, hidden, 1), "sigmoid", "sigmoid", seed=seed)
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.0, 1.0, (rows, 2))
    Z = (X[:, :1] * X[:, 1:] > 0).astype(float)
    span = np.linspace(-3.0, 3.0, grid)
    cases = {
        "different_nodes": (("w", 0, 0, 0), ("w", 0, 1, 1)),
        "same_node": (("w", 0, 0, 0), ("w", 0, 0, 1)),
        "output_layer": (("w", 1, 0, 0), ("w", 1, 0, 1)),
        "across_layers": (("w", 0, 0, 0), ("w", 1, 0, 1)),
    }
    result: dict[str, float] = {"grid": float(grid), "rows": float(rows)}
    for name, (a, b) in cases.items():
        av, bv = mlp.params[mlp.param_index(a)] + span, mlp.params[mlp.param_index(b)] + span
        args = (mlp, X, Z, a, b, av, bv)
        result[f"{name}_s"] = best_of(functools.partial(loss_grid, *args), repeats)
        if name == "different_nodes":
            one = functools.partial(loss_grid, *args, threads=1)
            result["different_nodes_1thread_s"] = best_of(one, repeats)
            single = functools.partial(loss_grid, *args, dtype=np.float32)
            result["different_nodes_float32_s"] = best_of(single, repeats)
            part = grid if naive_rows is None else max(1, min(grid, naive_rows))
            t0 = time.perf_counter()
            naive = _naive_pair_grid(mlp, X, Z, a, b, av[:part], bv)
            result["naive_s"] = (time.perf_counter() - t0) * grid / part
            result["naive_fraction"] = part / grid
            result["max_abs_diff"] = float(np.abs(naive - loss_grid(*args)[:part]).max())
            if not result["max_abs_diff"] <= 1e-9 * max(1.0, float(np.abs(naive).max())):
                raise RuntimeError("loss_grid and the naive baseline disagree")
    # A random walk that ends at the network's parameters.
    walk = np.cumsum(rng.normal(0.0, 0.05, (30, mlp.n_params)), axis=0)
    path = mlp.params + walk - walk[-1]
    pca = trajectory_pca(path)
    alphas, betas = grid_extent(pca.coords, n=50)
    result["pca_50x50_s"] = best_of(lambda: pca_loss_grid(mlp, X, Z, pca, alphas, betas), repeats)
    result["speedup"] = result["naive_s"] / result["different_nodes_s"]
    return result
