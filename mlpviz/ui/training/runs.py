"""The Runs list's data: kept runs, bounded, and the command that trains one again.

The training worker offers each run that ends (see ``TrainingWorker._keep_run``)
as a :class:`~mlpviz.engine.run_record.RunRecord`; :class:`RunsKeeper` holds at
most ``limit`` of them, dropping the oldest unpinned one to make room (pinned
runs are never dropped, so with ``limit`` pinned runs a new one is not kept).
Views listen to :attr:`RunsKeeper.changed`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, Signal

from mlpviz.engine.run_record import MAX_RUNS, RunRecord
from mlpviz.engine.settings import NetworkSpec, TrainingSettings


@dataclass(frozen=True)
class RestartFrom:
    """Train again from ``params`` (None: the current run's starting weights) under
    ``spec`` and ``settings`` (None: the current ones): a new run at epoch 0."""

    params: np.ndarray | None = None
    spec: NetworkSpec | None = None
    settings: TrainingSettings | None = None


class RunsKeeper(QObject):
    changed = Signal()

    def __init__(self, parent: QObject | None = None, limit: int = MAX_RUNS) -> None:
        super().__init__(parent)
        if limit < 1:
            raise ValueError("the Runs list must hold at least one run")
        self.limit = int(limit)
        self._records: list[RunRecord] = []

    # -- reading --------------------------------------------------------------

    @property
    def records(self) -> tuple[RunRecord, ...]:
        """The kept runs, oldest first."""
        return tuple(self._records)

    def __len__(self) -> int:
        return len(self._records)

    def shown(self) -> list[RunRecord]:
        """The runs overlaid on the loss plot, oldest first."""
        return [r for r in self._records if r.shown]

    def find(self, serial: int) -> RunRecord:
        for r in self._records:
            if r.serial == serial:
                return r
        raise KeyError(f"no kept run {serial}")

    @property
    def nbytes(self) -> int:
        """Memory the kept runs' numbers hold."""
        return sum(r.nbytes for r in self._records)

    # -- changing -------------------------------------------------------------

    def add(self, record: RunRecord) -> bool:
        """Keep ``record``; returns False when every kept run is pinned and the list is full."""
        if len(self._records) >= self.limit:
            unpinned = [r for r in self._records if not r.pinned]
            if not unpinned:
                return False
            self._records.remove(unpinned[0])
        self._records.append(record)
        self.changed.emit()
        return True

    def load(self, records: Iterable[RunRecord]) -> None:
        """Replace every kept run (opening a session); the newest ``limit`` are kept."""
        self._records = list(records)[-self.limit :]
        self.changed.emit()

    def remove(self, serial: int) -> None:
        self._records.remove(self.find(serial))
        self.changed.emit()

    def rename(self, serial: int, name: str) -> None:
        self.find(serial).name = name.strip()
        self.changed.emit()

    def set_shown(self, serial: int, on: bool) -> None:
        self.find(serial).shown = bool(on)
        self.changed.emit()

    def set_pinned(self, serial: int, on: bool) -> None:
        self.find(serial).pinned = bool(on)
        self.changed.emit()
