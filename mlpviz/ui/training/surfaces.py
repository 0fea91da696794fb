"""Worker-side: the loss surfaces and the output map the plots draw.

Pure NumPy, run in the worker thread between training steps. Grids are
modest (41×41) and evaluated on at most ``MAX_ROWS`` training rows, so one
refresh costs a few milliseconds even for large datasets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlpviz.data.problem import Problem
from mlpviz.engine import MLP, WeightHistory
from mlpviz.engine.landscape.line_slice import plane_residuals
from mlpviz.engine.landscape.surface import loss_grid, pca_loss_grid, trajectory_pca
from mlpviz.ui.training.snapshot import OutputSurface, PairSurface, PcaSurface
from mlpviz.ui.training.worker_commands import SliceOutput

MAX_ROWS = 2000
GRID = 41
_BIG = float(np.finfo(float).max)


def _rows(X: np.ndarray, Z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if len(X) <= MAX_ROWS:
        return X, Z
    # An even stride keeps the subsample deterministic, so the surface does
    # not flicker between refreshes.
    step = len(X) // MAX_ROWS + 1
    return X[::step], Z[::step]


def _span(values: np.ndarray, current: float) -> np.ndarray:
    """Grid values covering the path and the current value with margin.

    The half-width is a 1-2-5 step and the middle a multiple of a quarter of
    it, so the region holds still while the path moves inside it: a region
    that changed with every refresh would re-frame the plot and regenerate
    its axes each time (milliseconds of the GUI's frame while training).
    """
    lo = min(float(values.min()), current)
    hi = max(float(values.max()), current)
    if not max(-lo, hi) < 1e300:
        # Weights typed in near the float limit (±1e308): hi − lo and the
        # rounding below could overflow; a plain even cover, clipped.
        pad = max(1.0, hi / 4 - lo / 4)
        lo, hi = max(lo - pad, -_BIG), min(hi + pad, _BIG)
        t = np.linspace(0.0, 1.0, GRID)
        with np.errstate(over="ignore"):
            return np.clip(lo * (1.0 - t) + hi * t, -_BIG, _BIG)
    half = _nice_ceiling(max((hi - lo) * 0.75, 1.0))
    quarter = half / 4
    # Rounding the middle moves it ≤ half/8, and half ≥ 0.75·(hi − lo): the
    # grid still covers [lo, hi].
    mid = round(0.5 * (lo + hi) / quarter) * quarter
    return np.linspace(mid - half, mid + half, GRID)


def _nice_ceiling(x: float) -> float:
    """The smallest 1, 2 or 5 × 10ᵏ at or above ``x`` (> 0)."""
    k = 10.0 ** np.floor(np.log10(x))
    for m in (1.0, 2.0, 5.0, 10.0):
        if m * k >= x * (1 - 1e-12):
            return float(m * k)
    return float(10 * k)


def pair_surface(
    mlp: MLP, X: np.ndarray, Z: np.ndarray, history: WeightHistory, a: tuple, b: tuple
) -> PairSurface:
    """Loss over parameters ``a`` and ``b`` with the path they took."""
    ia, ib = mlp.param_index(a), mlp.param_index(b)
    past = history.params
    path = np.vstack([past[:, [ia, ib]], mlp.params[[ia, ib]][None, :]])
    a_values = _span(path[:, 0], mlp.params[ia])
    b_values = _span(path[:, 1], mlp.params[ib])
    Xs, Zs = _rows(X, Z)
    grid = loss_grid(mlp, Xs, Zs, a, b, a_values, b_values)
    return PairSurface(a, b, a_values, b_values, grid, path)


def pca_surface(
    mlp: MLP, X: np.ndarray, Z: np.ndarray, history: WeightHistory, epoch: int = 0
) -> PcaSurface | None:
    """The trajectory's PCA plane, or None until the weights have moved.

    ``epoch`` is the current weights' epoch (the path's last point).
    """
    path = np.vstack([history.params, mlp.params[None, :]])
    if len(path) < 3 or not np.ptp(path, axis=0).any():
        return None
    pca = trajectory_pca(path)
    coords = pca.coords
    lo, hi = coords.min(0), coords.max(0)
    half = np.maximum((hi - lo) * 0.65, 1e-3)
    mid = 0.5 * (lo + hi)
    alphas = np.linspace(mid[0] - half[0], mid[0] + half[0], 31)
    betas = np.linspace(mid[1] - half[1], mid[1] + half[1], 31)
    Xs, Zs = _rows(X, Z)
    grid = pca_loss_grid(mlp, Xs, Zs, pca, alphas, betas)
    explained = tuple(float(e) for e in pca.explained)
    epochs = np.append(history.epochs, epoch)
    return PcaSurface(alphas, betas, grid, coords, explained, plane_residuals(path, pca), epochs)


def output_surface(
    mlp: MLP, problem: Problem, classification: bool, choice: SliceOutput | None = None
) -> OutputSurface | None:
    """The output over two raw inputs, the others held on a slice (raw units).

    ``grid[i, j]`` is the network's output for the raw input row that is
    ``held`` with the two chosen inputs set to ``xs[i]`` and ``ys[j]``. With
    several class outputs it is the winning class's probability,
    ``winner[i, j]`` that class and ``probabilities[i, j]`` every class's;
    otherwise the first output in the target's raw units. None when the data
    have fewer than two inputs.
    """
    raw = problem.raw_inputs
    if raw.ndim != 2 or raw.shape[1] < 2 or len(raw) == 0:
        return None
    stats = _input_stats(problem)
    (a, b), held = resolve_slice(problem, choice)
    lo, hi = stats.lows[[a, b]], stats.highs[[a, b]]
    pad = np.maximum((hi - lo) * 0.08, 1e-9)
    xs = np.linspace(lo[0] - pad[0], hi[0] + pad[0], 60)
    ys = np.linspace(lo[1] - pad[1], hi[1] + pad[1], 60)
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    plane = np.repeat(held[None, :], gx.size, axis=0)
    plane[:, a], plane[:, b] = gx.ravel(), gy.ravel()
    y = mlp.forward(problem.encode_inputs(plane)).activations[-1]
    # The map shows the data's shape; a few thousand points say it all, and
    # every point is a brush to build in the GUI thread.
    step = len(raw) // MAX_ROWS + 1
    points = raw[::step][:, [a, b]].copy()
    classes: tuple[str, ...] = ()
    winner = probabilities = None
    if classification and y.shape[1] > 1:
        classes = tuple(problem.target_names)
        win = y.argmax(1)
        out = y[np.arange(len(y)), win].reshape(len(xs), len(ys))
        winner = win.reshape(len(xs), len(ys))
        probabilities = y.reshape(len(xs), len(ys), -1)
        targets = problem.raw_targets[::step].argmax(1).astype(float)
    else:
        out = problem.decode_targets(y)[:, 0].reshape(len(xs), len(ys))
        targets = problem.raw_targets[::step, 0].copy()
    return OutputSurface(
        xs,
        ys,
        out,
        points,
        targets,
        classification,
        names=tuple(problem.raw_input_names),
        axes=(a, b),
        held=held,
        lows=stats.lows.copy(),
        highs=stats.highs.copy(),
        classes=classes,
        winner=winner,
        probabilities=probabilities,
    )


@dataclass(frozen=True)
class InputStats:
    """Each raw input's training mean and its extremes over all rows."""

    means: np.ndarray
    lows: np.ndarray
    highs: np.ndarray


# The stats of the last problem seen: the worker refreshes the map twice a
# second on the same data, and a pass over a million rows costs milliseconds.
_STATS: list[tuple[Problem, InputStats]] = []


def _input_stats(problem: Problem) -> InputStats:
    if _STATS and _STATS[0][0] is problem:
        return _STATS[0][1]
    raw = problem.raw_inputs
    train = raw[problem.train] if len(problem.train) else raw
    stats = InputStats(train.mean(0), raw.min(0), raw.max(0))
    _STATS[:] = [(problem, stats)]
    return stats


def resolve_slice(
    problem: Problem, choice: SliceOutput | None
) -> tuple[tuple[int, int], np.ndarray]:
    """The two spanned inputs and the raw row the others are held at.

    ``choice`` applies when it was made for these inputs, names two distinct
    inputs and holds one finite value per input; otherwise the first two
    inputs span the map and every input is held at its training mean.
    """
    means = _input_stats(problem).means
    k = len(means)
    if choice is None or tuple(choice.names) != tuple(problem.raw_input_names):
        return (0, 1), means.copy()
    a, b = (int(i) for i in choice.axes)
    if not (0 <= a < k and 0 <= b < k and a != b):
        return (0, 1), means.copy()
    held = means.copy()
    if choice.held is not None:
        values = np.asarray(choice.held, dtype=float)
        if values.shape == (k,) and np.isfinite(values).all():
            held = values.copy()
    return (a, b), held
