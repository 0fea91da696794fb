"""Immutable messages that cross from the training worker to the views.

The worker owns the network while it trains; views only ever see these
copies. A snapshot carries the *latest* state plus the loss values produced
since the previous snapshot (``new_losses``), so the UI can keep only the
newest snapshot and still draw a complete loss curve.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mlpviz.engine.explain import StepExplanation
from mlpviz.engine.hidden_space import HiddenBasis
from mlpviz.engine.layout import Param, ParamLayout
from mlpviz.engine.loss_archive import LossArchive
from mlpviz.ui.training.neuron_maps import NeuronMaps


@dataclass(frozen=True)
class PairSurface:
    """Loss over two chosen parameters, the others fixed at their current values."""

    a: Param
    b: Param
    a_values: np.ndarray  # (na,)
    b_values: np.ndarray  # (nb,)
    grid: np.ndarray  # (na, nb): grid[i, j] = loss at (a_values[i], b_values[j])
    path: np.ndarray  # (k, 2): the values the two parameters took, oldest first


@dataclass(frozen=True)
class PcaSurface:
    """Loss on the plane of the trajectory's top two principal directions."""

    alphas: np.ndarray  # (na,)
    betas: np.ndarray  # (nb,)
    grid: np.ndarray  # (na, nb)
    path: np.ndarray  # (k, 2) projected path, ending at (0, 0)
    explained: tuple[float, float]  # variance ratios of the two directions
    # How far each path point lies off the plane, ‖p − proj(p)‖, and its epoch.
    residual: np.ndarray | None = None  # (k,)
    epochs: np.ndarray | None = None  # (k,)


@dataclass(frozen=True)
class LineSlice:
    """The loss on the straight line w₀ + α·(w₁ − w₀), initial to current weights."""

    alphas: np.ndarray  # (n,) from −0.5 to 1.5
    losses: np.ndarray  # (n,) the loss at each α
    path_alphas: np.ndarray  # (k,) recorded path points projected onto the line
    path_losses: np.ndarray  # (k,) the loss at those points themselves
    path_epochs: np.ndarray  # (k,)
    distance: float  # ‖w₁ − w₀‖


@dataclass(frozen=True)
class OutputSurface:
    """The network's first output over the plane of two inputs (raw units), the
    other inputs held at ``held``."""

    xs: np.ndarray  # (nx,) first input, raw units
    ys: np.ndarray  # (ny,) second input, raw units
    grid: np.ndarray  # (nx, ny) prediction in the target's raw units
    points: np.ndarray  # (n, 2) training rows, raw units
    targets: np.ndarray  # (n,) their first target, raw units (with ``classes``: class index)
    classification: bool
    # The slice through the other inputs (see mlpviz.ui.training.surfaces.output_surface):
    names: tuple[str, ...] = ()  # every raw input's name
    axes: tuple[int, int] = (0, 1)  # which inputs xs and ys are
    held: np.ndarray | None = None  # (k,) raw value of every input on the slice
    lows: np.ndarray | None = None  # (k,) each input's smallest raw value
    highs: np.ndarray | None = None  # (k,) and largest
    # Several class outputs: the class names; ``grid`` then holds the winning
    # class's probability, ``winner`` (nx, ny) its index and ``probabilities``
    # (nx, ny, K) every class's.
    classes: tuple[str, ...] = ()
    winner: np.ndarray | None = None
    probabilities: np.ndarray | None = None


@dataclass(frozen=True)
class HiddenSpace:
    """What the hidden-space view draws: a layer's image of the plane and the data."""

    layer: int  # the hidden layer shown, 1 = the first after the input
    n_hidden: int  # hidden layers in the network (the view's choices)
    basis: HiddenBasis  # image = basis.project(activations)
    fitted_epoch: int  # the epoch whose activations the basis was fitted on
    lines: np.ndarray | None  # (lines, points per line, 2) raw input plane; None unless 2 inputs
    line_image: np.ndarray | None  # same shape: their image
    rows: np.ndarray  # (n,) the dataset rows shown
    points: np.ndarray  # (n, k) their raw inputs
    image: np.ndarray  # (n, 2) their image
    values: np.ndarray  # (n,) class index (classification) or first raw target
    classification: bool
    class_names: tuple[str, ...]  # () for regression


@dataclass(frozen=True)
class Confusion:
    """Confusion matrices of a classification, rows the true class, columns the predicted.

    ``true`` and ``predicted`` hold the class of every dataset row (the
    problem's row order), so a cell's rows can be listed: see :meth:`rows`.
    """

    class_names: tuple[str, ...]
    train: np.ndarray  # (k, k) counts over the training rows
    test: np.ndarray | None  # (k, k) counts over the test rows, None without a test split
    true: np.ndarray  # (n,) int
    predicted: np.ndarray  # (n,) int

    def rows(self, split: np.ndarray, true: int, predicted: int) -> np.ndarray:
        """The dataset rows among ``split`` of class ``true`` predicted as ``predicted``."""
        split = np.asarray(split, dtype=np.int64)
        hit = (self.true[split] == true) & (self.predicted[split] == predicted)
        return split[hit]


@dataclass(frozen=True)
class Snapshot:
    """Everything the views draw, as copies.

    ``params`` is the flat parameter vector in :class:`mlpviz.engine.MLP`
    order; use :meth:`weights` / :meth:`biases` for per-layer views of it.
    ``sample_*`` describe the forward and backward pass for the selected
    training row (``sample_index``), in normalized units.
    """

    layer_sizes: tuple[int, ...]
    activation_names: tuple[str, ...]
    params: np.ndarray
    epoch: int
    position: int  # rows already used in the current epoch
    steps: int
    n_rows: int
    learning_rate: float
    running: bool
    train_loss: float | None
    test_loss: float | None
    metric_name: str  # "accuracy" or "R²"
    metric: float | None  # on the training rows
    gradient: np.ndarray | None  # flat, the last step's gradient
    update: np.ndarray  # flat, the last step's Δparams
    sample_index: int
    sample_sums: tuple[np.ndarray, ...]  # s of each layer after the input
    sample_activations: tuple[np.ndarray, ...]  # input first
    sample_deltas: tuple[np.ndarray, ...]  # δ of each layer after the input
    sample_target: np.ndarray
    evaluations: dict = field(default_factory=dict)
    # Losses produced since the previous snapshot; index 0 is epoch `loss_start`.
    loss_start: int = 0
    new_losses: np.ndarray = field(default_factory=lambda: np.empty(0))
    new_test_losses: np.ndarray = field(default_factory=lambda: np.empty(0))
    # Set when the losses before `loss_start` are resent: the trainer's
    # envelopes of epochs 1..loss_start (see mlpviz.engine.loss_archive).
    loss_archive: LossArchive | None = None
    pair: PairSurface | None = None
    pca: PcaSurface | None = None
    line: LineSlice | None = None
    output: OutputSurface | None = None
    predictions: np.ndarray | None = None  # (n, n_out) raw units, all rows of the dataset
    # The recorded weight history (decimated): which epochs, and its memory.
    history_epochs: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    history_nbytes: int = 0
    history_stride: int = 1
    can_unrewind: bool = False
    # The next per-sample step, written out (see engine/explain.py): the row the
    # next Step will use (an index into the training rows) and every number of
    # its forward pass, backward pass and update, from the current weights.
    next_sample: int = 0
    explanation: StepExplanation | None = None
    # The loss in use (a key of engine.losses.LOSSES) and the metric on the test rows.
    loss_name: str = "mse"
    test_metric: float | None = None
    confusion: Confusion | None = None  # classification only, when a view shows it
    maps: NeuronMaps | None = None  # every neuron over the input plane, only while shown
    hidden: HiddenSpace | None = None  # the hidden-space view's, while it is on screen

    @property
    def layout(self) -> ParamLayout:
        """Where each layer's weights and biases sit in :attr:`params` (and
        in :attr:`gradient` and :attr:`update`, which share the layout)."""
        return ParamLayout.of(self.layer_sizes)

    def weights(self) -> list[np.ndarray]:
        return list(self.layout.split(self.params)[0])

    def biases(self) -> list[np.ndarray]:
        return list(self.layout.split(self.params)[1])

    def param_value(self, param: Param) -> float:
        return float(self.params[self.layout.index(param)])
