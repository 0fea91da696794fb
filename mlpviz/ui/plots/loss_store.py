"""The loss plot's data: recent epochs exact, older ones as min/max envelopes.

Mirrors the trainer's bounded loss record (:mod:`mlpviz.engine.loss_archive`):
the last epochs sit in two :class:`~mlpviz.ui.plots.series.PeakSeries` (train
and test) for fast drawing; once they hold ``2 · recent`` epochs the oldest
blocks of ``recent`` are folded into a :class:`LossArchive`, so a run of 10⁷ epochs holds
about as much as one of 10⁵.

Epochs are 1-based here: the loss after epoch e is drawn at x = e. The
series' index i holds epoch ``offset + i + 1``, where ``offset`` is the
archive's end.
"""

from __future__ import annotations

import math

import numpy as np

from mlpviz.engine import loss_archive
from mlpviz.engine.loss_archive import LossArchive, foldable
from mlpviz.ui.plots.series import PeakSeries

_NAMES = {"train": "losses", "test": "tests"}


class LossStore:
    def __init__(self, recent: int | None = None) -> None:
        self.recent = loss_archive.RECENT_EPOCHS if recent is None else int(recent)
        self.archive = LossArchive()
        self.series = {"train": PeakSeries(), "test": PeakSeries()}

    @property
    def offset(self) -> int:
        return self.archive.end

    def __len__(self) -> int:
        """Epochs held: archived and exact."""
        return self.offset + len(self.series["train"])

    def values(self, name: str) -> np.ndarray:
        """The exact losses (epochs ``offset + 1 …``)."""
        return self.series[name].values

    def clear(self) -> None:
        self.archive.clear()
        for s in self.series.values():
            s.clear()

    def write(self, start: int, train, test, archive: LossArchive | None = None) -> None:
        """Make ``train``/``test`` the losses of epochs ``start + 1 …``, dropping later ones.

        With ``archive`` (the trainer's envelopes of epochs 1..start), it
        replaces ours. A ``start`` inside our archive cuts the archive there.
        """
        if archive is not None:
            self.archive = archive.copy()
            for s in self.series.values():
                s.clear()
        elif start < self.offset:
            self.archive.truncate(start)
            for s in self.series.values():
                s.clear()
        at = start - self.offset
        self.series["train"].write(at, train)
        self.series["test"].write(at, test)
        self._fold()

    def _fold(self) -> None:
        cut = foldable(len(self.series["train"]), self.recent)
        if not cut:
            return
        kept = {k: s.values.copy() for k, s in self.series.items()}
        for start in range(0, cut, self.recent):
            block = slice(start, start + self.recent)
            self.archive.add({_NAMES[k]: v[block] for k, v in kept.items()})
        for k, s in self.series.items():
            s.clear()
            s.write(0, kept[k][cut:])

    def value(self, name: str, epoch: int) -> float:
        """The loss after ``epoch`` (NaN if none is held exactly)."""
        return self.series[name].value(epoch - 1 - self.offset)

    def spread(self, name: str, epoch: int) -> tuple[float, float] | None:
        """(min, max) of the archived bucket holding ``epoch``; None outside the archive."""
        a = self.archive
        if not 1 <= epoch <= a.end:
            return None
        j = int(np.searchsorted(a.lasts, epoch))
        return float(a.mins[_NAMES[name]][j]), float(a.maxs[_NAMES[name]][j])

    def view(self, name: str, x0: float, x1: float, budget: int) -> tuple[np.ndarray, np.ndarray]:
        """Curve points (x = epoch) covering epochs [x0, x1]: the archived
        envelopes (each bucket's max then min at its middle), then the exact
        series' own decimated view."""
        xs, ys = [], []
        a = self.archive
        if len(a) and x0 <= a.end:
            middle, lows, highs = a.envelope(_NAMES[name])
            j0 = max(0, int(np.searchsorted(a.lasts, x0)) - 1)
            j1 = min(len(a), int(np.searchsorted(a.firsts, x1, side="right")) + 1)
            # Beyond the budget, neighbouring buckets merge (min of mins, max
            # of maxes), so a spike survives the thinning.
            step = max(1, math.ceil((j1 - j0) / max(budget, 2)))
            starts = np.arange(0, j1 - j0, step)
            with np.errstate(invalid="ignore"):
                hi = np.fmax.reduceat(highs[j0:j1], starts)
                lo = np.fmin.reduceat(lows[j0:j1], starts)
            xs.append(np.repeat(middle[j0:j1][starts], 2))
            ys.append(np.column_stack([hi, lo]).ravel())
        off = self.offset
        sx, sy = self.series[name].view(x0 - 1 - off, x1 - 1 - off, budget)
        xs.append(sx + 1 + off)
        ys.append(sy)
        return np.concatenate(xs), np.concatenate(ys)
