"""Worker-side: the input plane and the data mapped through a chosen hidden layer.

One forward pass of the plane's grid lines and the data points per refresh,
in the training worker, only while the hidden-space view is on screen. The
projection basis (:class:`~mlpviz.engine.hidden_space.HiddenBasis`) is fitted
on the data points' activations the first time a layer is shown and then
kept while training moves the network, until the user asks for a refit (a
:class:`HiddenChoice` with ``refit``), picks another layer, or a new network
is built: the picture moves with the network, not with its axes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlpviz.data.problem import Problem
from mlpviz.engine.hidden_space import HiddenBasis, fit_basis, grid_lines
from mlpviz.engine.mlp import MLP
from mlpviz.ui.training.confusion import class_names
from mlpviz.ui.training.measure import classes
from mlpviz.ui.training.snapshot import HiddenSpace

MAX_POINTS = 2000  # data points mapped (an even stride over the rows beyond it)
LINES = 15  # grid lines each way
LINE_POINTS = 60  # points per grid line
PAD = 0.08  # the plane's margin around the data, as a share of its extent


@dataclass(frozen=True)
class HiddenChoice:
    """A worker command: show hidden layer ``layer`` (1 = first); ``refit`` the basis."""

    layer: int
    refit: bool = False


class HiddenSpaceFeed:
    """The worker's side of the view: the chosen layer and its kept basis."""

    def __init__(self) -> None:
        self.layer = 1
        self._basis: HiddenBasis | None = None
        self._basis_layer = 0
        self._fitted_epoch = 0
        self._refit = False

    def choose(self, choice: HiddenChoice) -> None:
        self.layer = max(1, int(choice.layer))
        self._refit = self._refit or choice.refit

    def forget(self) -> None:
        """A new network: the next refresh fits a new basis."""
        self._basis = None

    def compute(
        self, mlp: MLP, problem: Problem, classification: bool, epoch: int
    ) -> HiddenSpace | None:
        """The image of the plane and the data (None: the network has no hidden layer)."""
        n_hidden = len(mlp.layer_sizes) - 2
        if n_hidden < 1:
            return None
        layer = min(self.layer, n_hidden)
        step = problem.n_rows // MAX_POINTS + 1
        rows = np.arange(0, problem.n_rows, step, dtype=np.int64)
        raw = problem.raw_inputs
        lines = None
        if raw.shape[1] == 2 and len(raw):
            lo, hi = raw.min(0), raw.max(0)
            pad = np.maximum((hi - lo) * PAD, 1e-9)
            lines = grid_lines(lo - pad, hi + pad, LINES, LINE_POINTS)
        # One forward pass for the data points and the grid together.
        X = problem.X[rows]
        if lines is not None:
            X = np.vstack([X, problem.encode_inputs(lines.reshape(-1, 2))])
        h = mlp.forward(X).activations[layer]
        h_points = h[: len(rows)]
        basis = self._basis
        units = mlp.layer_sizes[layer]
        if self._refit or basis is None or self._basis_layer != layer or basis.units != units:
            basis = self._basis = fit_basis(h_points)
            self._basis_layer, self._fitted_epoch, self._refit = layer, epoch, False
        image = basis.project(h)
        line_image = None
        if lines is not None:
            line_image = image[len(rows) :].reshape(lines.shape)
        if classification:
            values = classes(problem.Z[rows]).astype(float)
            names = class_names(problem.target_names)
        else:
            values = problem.raw_targets[rows, 0].astype(float)
            names = ()
        return HiddenSpace(
            layer=layer,
            n_hidden=n_hidden,
            basis=basis,
            fitted_epoch=self._fitted_epoch,
            lines=lines,
            line_image=line_image,
            rows=rows,
            points=raw[rows].copy(),
            image=image[: len(rows)].copy(),
            values=values,
            classification=classification,
            class_names=names,
        )
