"""A finished training run, kept to compare with others: its settings, start and losses.

A run ends when training starts over (Reset, Rebuild, new data), when a
setting changes, and when it is rewound (the rewound part branches off).
:func:`capture_run` takes it from the :class:`~mlpviz.engine.trainer.Trainer`
that ran it. Memory is bounded per run: the losses are the trainer's own
bounded record (:mod:`mlpviz.engine.loss_archive`) folded further to
:data:`KEPT_RECENT` exact epochs (fewer than ``2 · KEPT_RECENT``) and at most
:data:`KEPT_BUCKETS` min/max buckets before them, so a kept run costs at most
about 130 kB plus its initial weights, however long it trained.

Invariant: ``record.archive.end + len(record.train)`` is the number of
epochs, ``record.train[i]`` is the train loss after epoch
``record.archive.end + i + 1``; ``record.test`` is aligned the same way and
may be shorter (no test split).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

from mlpviz.engine.layout import ParamLayout
from mlpviz.engine.loss_archive import LossArchive, fold_oldest
from mlpviz.engine.settings import NetworkSpec, TrainingSettings

KEPT_RECENT = 2000
MAX_RUNS = 20  # the Runs list's bound (the oldest unpinned run makes room)
KEPT_BUCKETS = 1024

_serials = itertools.count(1)


def next_serial() -> int:
    """A number no run of this process has had yet (runs are told apart by it)."""
    return next(_serials)


@dataclass(eq=False)
class RunRecord:
    """One kept run. ``name`` empty means "Run <serial>"; ``shown`` overlays it on the
    loss plot; a ``pinned`` run is never dropped to make room."""

    spec: NetworkSpec
    settings: TrainingSettings
    layer_sizes: tuple[int, ...]
    initial_params: np.ndarray
    archive: LossArchive
    train: np.ndarray
    test: np.ndarray
    serial: int = field(default_factory=next_serial)
    name: str = ""
    shown: bool = True
    pinned: bool = False

    @property
    def epochs(self) -> int:
        return self.archive.end + self.train.size

    @property
    def label(self) -> str:
        return self.name or f"Run {self.serial}"

    @property
    def final_train(self) -> float | None:
        return _last_finite(self.train)

    @property
    def final_test(self) -> float | None:
        return _last_finite(self.test) if self.test.size == self.train.size else None

    @property
    def nbytes(self) -> int:
        """Memory its numbers hold (losses, envelopes, initial weights)."""
        return (
            self.archive.nbytes + self.train.nbytes + self.test.nbytes + self.initial_params.nbytes
        )

    def exact_epochs(self) -> np.ndarray:
        """The epochs :attr:`train` holds (1-based)."""
        return np.arange(self.archive.end + 1, self.epochs + 1)


def capture_run(
    trainer, spec: NetworkSpec, settings: TrainingSettings, initial_params: np.ndarray
) -> RunRecord:
    """``trainer``'s run so far as a :class:`RunRecord` (copies; the trainer is untouched)."""
    archive = LossArchive(KEPT_BUCKETS)
    archive.load(trainer.loss_archive.state())
    series = {
        "losses": list(trainer.loss_history),
        "penalties": list(trainer.penalty_history),
        "tests": list(trainer.test_loss_history),
    }
    fold_oldest(archive, series, KEPT_RECENT)
    sizes = tuple(int(n) for n in trainer.mlp.layer_sizes)
    return RunRecord(
        spec,
        settings,
        sizes,
        np.array(initial_params, dtype=np.float64),
        archive,
        np.array(series["losses"], dtype=np.float64),
        np.array(series["tests"], dtype=np.float64),
    )


def initial_params(trainer) -> np.ndarray:
    """The weights the trainer's run started from: its weight history's epoch-0 row
    (the record every run starts with; see ``TrainingWorker._build``)."""
    h = trainer.history
    if h is None or len(h) == 0 or int(h.epochs[0]) != 0:
        raise ValueError("this run's starting weights were not recorded")
    return h.params[0].copy()


def starting_params(trainer, params, layer_sizes) -> np.ndarray:
    """The weights to start over from: ``params``, or (None) the trainer's run's own
    start; refused (ValueError) if they do not fit a network of ``layer_sizes``."""
    start = initial_params(trainer) if params is None else np.array(params, dtype=np.float64)
    if ParamLayout.of(layer_sizes).size != start.size:
        sizes = "-".join(str(int(n)) for n in layer_sizes)
        raise ValueError(f"those starting weights are for another network than {sizes}")
    return start


def start_from(trainer, params: np.ndarray) -> None:
    """Put a fresh ``trainer`` (epoch 0) at ``params``, bit for bit: the network's weights,
    the last step's "before" weights and the weight history's epoch-0 row."""
    history = (params[None, :].copy(), np.zeros(1, dtype=np.int64), 1)
    trainer.load_state_dict({"params": params, "before_last": params, "history": history})


class RunTracker:
    """Decides when a trainer's run is worth keeping: it logged an epoch, and it
    has changed since it was last kept (no run is kept twice)."""

    def __init__(self) -> None:
        self._last: tuple | None = None

    def keep(self, trainer, spec: NetworkSpec, settings: TrainingSettings) -> RunRecord | None:
        if trainer.epochs_logged == 0:
            return None
        key = (id(trainer), trainer.steps, trainer.epochs_logged)
        if key == self._last:
            return None
        try:
            start = initial_params(trainer)
        except ValueError:
            return None
        self._last = key
        return capture_run(trainer, spec, settings, start)


def _last_finite(values: np.ndarray) -> float | None:
    finite = values[np.isfinite(values)]
    return float(finite[-1]) if finite.size else None
