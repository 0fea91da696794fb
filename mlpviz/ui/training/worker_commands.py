"""Commands the GUI posts to the training worker, besides the ones every worker takes.

Run, Pause, Step, Reset, Speed and Quit are :mod:`mlpviz.ui.training.command_worker`'s.
These are small frozen dataclasses put on the same thread-safe queue; the
worker applies them between training steps, never in the middle of one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlpviz.data.problem import Problem
from mlpviz.engine.settings import NetworkSpec, TrainingSettings


@dataclass(frozen=True)
class SetParam:
    param: tuple
    value: float


@dataclass(frozen=True)
class SetParams:
    params: np.ndarray  # flat, a copy owned by the command


@dataclass(frozen=True)
class Configure:
    """New data, architecture or settings; ``None`` keeps the current one.

    The network is rebuilt (and re-initialized) only when its layer sizes,
    activations or loss change, or when ``reinit`` is set.
    """

    problem: Problem | None = None
    spec: NetworkSpec | None = None
    settings: TrainingSettings | None = None
    reinit: bool = False


@dataclass(frozen=True)
class Resize:
    """Other hidden layers, keeping every weight whose place still exists
    (:mod:`mlpviz.engine.resize`); ``params``, when given, are the whole new
    network's instead (an undo puts a network back as it was)."""

    spec: NetworkSpec
    params: np.ndarray | None = None


@dataclass(frozen=True)
class Select:
    """The sample the views explain, and the two parameters of the surface plot."""

    sample: int | None = None
    pair: tuple[tuple, tuple] | None = None


@dataclass(frozen=True)
class Predict:
    """Compute predictions for every dataset row (the data view asks for big data)."""


@dataclass(frozen=True)
class Surfaces:
    """Which surfaces the views show; the others are not computed."""

    names: frozenset  # of "pair", "pca", "output"


@dataclass(frozen=True)
class Rewind:
    """Go back to the weights recorded at (or just before) ``epoch``; undoable."""

    epoch: int


@dataclass(frozen=True)
class Unrewind:
    """Undo the last Rewind: restore the state it dropped."""


@dataclass(frozen=True)
class SwapData:
    """Train on another Problem with the same columns, keeping weights and history
    (used while the user draws points)."""

    problem: Problem


@dataclass(frozen=True)
class GetState:
    """Ask for the whole training state (for saving a session); answered by
    ``TrainingWorker.stateReady`` with a :class:`TrainingState`."""

    token: int = 0


@dataclass(frozen=True)
class SetState:
    """Replace everything — data, network, settings and training state."""

    problem: Problem
    spec: NetworkSpec
    settings: TrainingSettings
    state: dict


@dataclass(frozen=True)
class SliceOutput:
    """The two inputs the output map spans and the raw values the others are held at.

    ``held`` has one value per raw input (the two spanned ones are ignored);
    None holds every other input at its mean over the training rows. The
    choice is for the inputs ``names``: on data with other inputs the map
    falls back to the first two inputs at their means.
    """

    axes: tuple[int, int]
    names: tuple[str, ...]
    held: tuple[float, ...] | None = None
