"""Worker-side: every hidden and output neuron's activation over the input plane.

The plane is the one "Output over inputs" shows: the first two raw inputs,
each over the data's range with 8 % margin. Other raw inputs are held at
their mean over the training rows. All maps come from ONE forward pass of the
grid's rows through the network, whose trace holds every layer's
activations; a modest grid (``MAP_GRID``²) keeps it to a fraction of a
millisecond for the small networks these pictures are for, so maps can go
out with every snapshot while they are on.

Pure NumPy, run in the worker thread; the GUI only colours the arrays in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlpviz.data.problem import Problem
from mlpviz.engine import MLP

MAP_GRID = 24  # samples per axis of every neuron's map
MAX_POINTS = 2000  # data points sent along for the large view
PAD = 0.08  # margin around the data, as a fraction of its range (as "Output over inputs")


@dataclass(frozen=True)
class NeuronMaps:
    """Each hidden and output neuron's activation over the plane of two inputs.

    ``layers[l - 1][j]`` is the map of node ``(l, j)`` (layer 0 is the input):
    an (nx, ny) array whose ``[i, k]`` is the node's activation, in the
    network's own units, at raw inputs (xs[i], ys[k]).
    """

    xs: np.ndarray  # (nx,) first raw input
    ys: np.ndarray  # (ny,) second raw input
    layers: tuple[np.ndarray, ...]  # per layer after the input: (n_l, nx, ny)
    activation_names: tuple[str, ...]  # per layer after the input
    x_name: str
    y_name: str
    held: tuple[tuple[str, float], ...]  # the other raw inputs and the values they are held at
    classification: bool
    points: np.ndarray  # (n, 2) training rows in raw units (an even subsample)
    targets: np.ndarray  # (n,) their first target, raw units (a class's 0/1 column)

    def map_of(self, layer: int, node: int) -> np.ndarray:
        """The (nx, ny) map of node ``(layer, node)``, layer ≥ 1."""
        if layer < 1 or layer > len(self.layers):
            raise IndexError(f"layer {layer} has no map (1 … {len(self.layers)})")
        return self.layers[layer - 1][node]


def grid_rows(problem: Problem, n: int = MAP_GRID) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The plane's axes (raw units) and its rows in raw input columns (≥ 2):
    row ``i * len(ys) + k`` is at (xs[i], ys[k]), the other columns at their
    training mean."""
    raw = problem.raw_inputs
    lo, hi = raw.min(0)[:2], raw.max(0)[:2]
    pad = np.maximum((hi - lo) * PAD, 1e-9)
    xs = np.linspace(lo[0] - pad[0], hi[0] + pad[0], n)
    ys = np.linspace(lo[1] - pad[1], hi[1] + pad[1], n)
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    rows = np.empty((n * n, raw.shape[1]))
    rows[:] = raw[problem.train].mean(0) if len(problem.train) else raw.mean(0)
    rows[:, 0], rows[:, 1] = gx.ravel(), gy.ravel()
    return xs, ys, rows


def neuron_maps(mlp: MLP, problem: Problem, classification: bool) -> NeuronMaps | None:
    """Every non-input neuron's map, or None without two raw inputs."""
    raw = problem.raw_inputs
    if raw.ndim != 2 or raw.shape[1] < 2 or len(raw) == 0:
        return None
    xs, ys, rows = grid_rows(problem)
    trace = mlp.forward(problem.encode_inputs(rows))
    nx, ny = len(xs), len(ys)
    # (rows, n_l) → (n_l, nx, ny): one contiguous map per node.
    layers = tuple(
        np.ascontiguousarray(np.asarray(a, dtype=float).T.reshape(-1, nx, ny))
        for a in trace.activations[1:]
    )
    names = problem.raw_input_names
    means = raw[problem.train].mean(0) if len(problem.train) else raw.mean(0)
    held = tuple((names[c], float(means[c])) for c in range(2, raw.shape[1]))
    step = len(raw) // MAX_POINTS + 1
    return NeuronMaps(
        xs,
        ys,
        layers,
        tuple(mlp.activation_names),
        names[0],
        names[1],
        held,
        classification,
        raw[::step, :2].copy(),
        problem.raw_targets[::step, 0].astype(float),
    )
