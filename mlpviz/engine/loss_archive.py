"""The losses of a long run in bounded memory: recent epochs exact, older ones as envelopes.

A :class:`~mlpviz.engine.trainer.Trainer` logs one train loss, one penalty
and (with a test split) one test loss per epoch in plain lists. At
``2 · RECENT_EPOCHS`` entries, :func:`fold_oldest` moves the oldest blocks of
``RECENT_EPOCHS`` into a :class:`LossArchive`: per bucket of consecutive
epochs the minimum and the maximum of each series, so a spike stays visible
however long the run. The archive holds at most ``capacity`` buckets; when it
is full, neighbouring buckets merge (their width doubles).

Invariant, for a trainer ``t``: ``t.loss_archive.end + len(t.loss_history)``
is the number of epochs logged, and ``t.loss_history[i]`` is the loss of
epoch ``t.loss_archive.end + i + 1``. Test losses are aligned the same way
(their list may be shorter: the epochs without a test split have none).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

# Epochs kept exact (at most twice as many before a fold): 0.3–0.6 MB of
# Python floats per series, ten screens' width of the last epochs at full
# resolution, and an autosave that stays well under a megabyte.
RECENT_EPOCHS = 10_000
ARCHIVE_BUCKETS = 4096
# Epochs per bucket of the first fold (a fold of RECENT_EPOCHS fills ~1/3 of
# the archive; later folds widen the buckets as needed).
FIRST_WIDTH = 8
SERIES = ("losses", "penalties", "tests")


class LossArchive:
    """Min/max per bucket of consecutive epochs, for each series in :data:`SERIES`.

    ``firsts[j]``..``lasts[j]`` (1-based epochs, inclusive) is bucket j; the
    buckets are contiguous from epoch 1. A series with no value in a bucket
    (no test split then) has NaN there.
    """

    def __init__(self, capacity: int = ARCHIVE_BUCKETS) -> None:
        if capacity < 2:
            raise ValueError("an archive needs room for at least 2 buckets")
        self.capacity = int(capacity)
        self.width = FIRST_WIDTH
        self.firsts = np.empty(0, dtype=np.int64)
        self.lasts = np.empty(0, dtype=np.int64)
        self.mins = {name: np.empty(0) for name in SERIES}
        self.maxs = {name: np.empty(0) for name in SERIES}

    def __len__(self) -> int:
        return self.firsts.size

    @property
    def end(self) -> int:
        """Epochs the archive covers (0 when empty): it holds epochs 1..end."""
        return int(self.lasts[-1]) if self.lasts.size else 0

    @property
    def nbytes(self) -> int:
        arrays = [self.firsts, self.lasts, *self.mins.values(), *self.maxs.values()]
        return sum(a.nbytes for a in arrays)

    def copy(self) -> LossArchive:
        out = LossArchive(self.capacity)
        out.load(self.state())
        return out

    def clear(self) -> None:
        self.__init__(self.capacity)

    def add(self, values: Mapping[str, np.ndarray]) -> None:
        """Append the epochs ``end + 1 …`` whose values ``values[name]`` holds.

        ``values["losses"]`` sets how many epochs; a shorter series (tests)
        is aligned at the start and NaN after its end.
        """
        n = len(values["losses"])
        if n == 0:
            return
        starts = np.arange(0, n, self.width)
        firsts = self.end + 1 + starts
        lasts = np.minimum(firsts + self.width - 1, self.end + n)
        for name in SERIES:
            block = np.full(n, np.nan)
            given = np.asarray(values.get(name, ()), dtype=float)[:n]
            block[: given.size] = given
            block[~np.isfinite(block)] = np.nan
            self.mins[name] = np.concatenate([self.mins[name], _reduce(np.fmin, block, starts)])
            self.maxs[name] = np.concatenate([self.maxs[name], _reduce(np.fmax, block, starts)])
        self.firsts = np.concatenate([self.firsts, firsts])
        self.lasts = np.concatenate([self.lasts, lasts])
        while len(self) > self.capacity:
            self._merge_pairs()

    def _merge_pairs(self) -> None:
        starts = np.arange(0, len(self), 2)
        for name in SERIES:
            self.mins[name] = _reduce(np.fmin, self.mins[name], starts)
            self.maxs[name] = _reduce(np.fmax, self.maxs[name], starts)
        self.firsts = self.firsts[starts]
        self.lasts = np.append(self.lasts[1::2], self.lasts[-1])[: starts.size]
        self.width *= 2

    def truncate(self, epoch: int) -> None:
        """Forget the epochs after ``epoch``; a bucket it cuts ends at ``epoch``.

        The cut bucket keeps its envelope, which may include values of the
        dropped epochs: the envelope stays an upper bound of the spread.
        """
        keep = int(np.searchsorted(self.firsts, epoch, side="right"))
        self.firsts = self.firsts[:keep]
        self.lasts = np.minimum(self.lasts[:keep], epoch)
        for name in SERIES:
            self.mins[name] = self.mins[name][:keep]
            self.maxs[name] = self.maxs[name][:keep]

    def envelope(self, name: str = "losses") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(epochs, lows, highs)`` per bucket: x at the bucket's middle epoch."""
        middle = (self.firsts + self.lasts) / 2.0
        return middle, self.mins[name], self.maxs[name]

    def state(self) -> dict:
        """Plain lists and numbers (JSON-ready); :meth:`load` takes them back."""
        return {
            "width": self.width,
            "firsts": self.firsts.tolist(),
            "lasts": self.lasts.tolist(),
            **{f"{name}_min": _listed(self.mins[name]) for name in SERIES},
            **{f"{name}_max": _listed(self.maxs[name]) for name in SERIES},
        }

    def load(self, d: Mapping) -> None:
        """Take a :meth:`state` (validated by its reader: see session_read)."""
        self.width = int(d["width"])
        self.firsts = np.array(d["firsts"], dtype=np.int64)
        self.lasts = np.array(d["lasts"], dtype=np.int64)
        for name in SERIES:
            self.mins[name] = np.array(_nans(d[f"{name}_min"]), dtype=float)
            self.maxs[name] = np.array(_nans(d[f"{name}_max"]), dtype=float)
        while len(self) > self.capacity:
            self._merge_pairs()


def fold_oldest(archive: LossArchive, series: Mapping[str, list], keep: int) -> bool:
    """Fold whole blocks of ``keep`` epochs from the start of ``series`` into ``archive``.

    ``series`` maps each name in :data:`SERIES` to its list (changed in
    place). Once the lists hold ``2 · keep`` epochs or more, blocks go until
    fewer than ``2 · keep`` remain (at least ``keep``). Returns whether it folded.

    The result depends only on the epochs logged, not on how they arrived
    (one epoch at a time, or a report of thousands): the archive receives the
    same blocks in the same order either way — so a trainer fed by the
    training process's reports folds exactly as one training here does.
    """
    cut = foldable(len(series["losses"]), keep)
    if not cut:
        return False
    for start in range(0, cut, keep):
        archive.add(
            {name: np.asarray(series[name][start : start + keep], dtype=float) for name in SERIES}
        )
    for name in SERIES:
        del series[name][:cut]
    return True


def foldable(n: int, keep: int) -> int:
    """How many of ``n`` logged epochs :func:`fold_oldest` folds (a multiple of ``keep``)."""
    return (n - keep) // keep * keep if n >= 2 * keep else 0


def _reduce(ufunc, values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    if values.size == 0:
        return np.empty(0)
    with np.errstate(invalid="ignore"):
        return ufunc.reduceat(values, starts)


def _listed(values: np.ndarray) -> list:
    # JSON has no NaN: an empty bucket of a series is written as null.
    return [None if v != v else float(v) for v in values.tolist()]


def _nans(values) -> list:
    return [np.nan if v is None else v for v in values]
