"""A growing float series with a min/max pyramid, so a curve of 10⁶ epochs draws fast.

Handing pyqtgraph the whole curve on every frame costs O(n) per frame (it
checks finiteness, bounds and downsamples everything: ~20 ms per curve at
10⁶ points, too slow for 30 Hz). Losses arrive append-only, so instead we
keep, next to the raw values, levels of per-bin minima and maxima (bins of
4, 16, 64, … epochs) that are updated incrementally in O(new values). A frame
then reads only the few thousand bins that cover the visible range at about
two bins per pixel — the same picture as pyqtgraph's "peak" downsampling, at
O(screen width) cost.
"""

from __future__ import annotations

import math

import numpy as np

FACTOR = 4  # children per bin; 4 keeps the levels fine-grained yet few (~10 for 10⁶)


def _grown(array: np.ndarray, need: int) -> np.ndarray:
    """``array`` with capacity ≥ ``need``, doubling so appends stay amortised O(1)."""
    if need <= array.size:
        return array
    capacity = max(array.size, 16)
    while capacity < need:
        capacity *= 2
    out = np.full(capacity, np.nan)
    out[: array.size] = array
    return out


class PeakSeries:
    """Values indexed 0..n-1 (epochs) with cheap decimated views for drawing.

    Non-finite values are stored as NaN: they are skipped by the min/max
    levels and show as gaps in the curve instead of breaking the axis range.
    """

    def __init__(self) -> None:
        self._data = np.full(1024, np.nan)
        self._n = 0
        # _mins[k] / _maxs[k] hold bins of FACTOR**(k+1) values; _counts[k] are valid.
        self._mins: list[np.ndarray] = []
        self._maxs: list[np.ndarray] = []
        self._counts: list[int] = []

    def __len__(self) -> int:
        return self._n

    @property
    def values(self) -> np.ndarray:
        """The stored values (a read-only view, valid until the next write)."""
        view = self._data[: self._n]
        view.flags.writeable = False
        return view

    @property
    def levels(self) -> int:
        """Number of decimation levels currently in use."""
        return len(self._counts)

    def value(self, index: int) -> float:
        """The value at ``index`` (NaN outside the series)."""
        return float(self._data[index]) if 0 <= index < self._n else math.nan

    def clear(self) -> None:
        self._n = 0
        self._counts.clear()

    def write(self, start: int, values) -> None:
        """Make ``values`` the entries from ``start`` on and drop anything after them.

        ``start`` below the length rewinds (history was reset or truncated);
        above it, the skipped entries become NaN gaps.
        """
        start = max(int(start), 0)
        block = np.asarray(values, dtype=float).ravel()
        end = start + block.size
        self._data = _grown(self._data, end)
        if start > self._n:
            self._data[self._n : start] = np.nan
        self._data[start:end] = np.where(np.isfinite(block), block, np.nan)
        dirty = min(start, self._n)
        self._n = end
        self._update_levels(dirty)

    def _update_levels(self, dirty: int) -> None:
        """Recompute the bins whose children changed at index ``dirty`` or later."""
        child_min = child_max = self._data
        count = self._n
        level = 0
        # A level is only worth keeping while it still halves the work noticeably.
        while count > FACTOR:
            parents = -(-count // FACTOR)
            if level == len(self._mins):
                self._mins.append(np.full(0, np.nan))
                self._maxs.append(np.full(0, np.nan))
            if level == len(self._counts):
                self._counts.append(0)
            self._mins[level] = _grown(self._mins[level], parents)
            self._maxs[level] = _grown(self._maxs[level], parents)
            first = min(dirty, count) // FACTOR
            lo_seg = child_min[first * FACTOR : count]
            hi_seg = child_max[first * FACTOR : count]
            pad = (-lo_seg.size) % FACTOR
            if pad:
                filler = np.full(pad, np.nan)
                lo_seg = np.concatenate([lo_seg, filler])
                hi_seg = np.concatenate([hi_seg, filler])
            # fmin/fmax ignore NaN (an all-NaN bin stays NaN, silently).
            self._mins[level][first:parents] = np.fmin.reduce(lo_seg.reshape(-1, FACTOR), axis=1)
            self._maxs[level][first:parents] = np.fmax.reduce(hi_seg.reshape(-1, FACTOR), axis=1)
            self._counts[level] = parents
            child_min, child_max = self._mins[level], self._maxs[level]
            count, dirty = parents, first
            level += 1
        del self._counts[level:]

    def view(self, x0: float, x1: float, max_points: int) -> tuple[np.ndarray, np.ndarray]:
        """Curve points covering indexes [x0, x1] with at most about ``max_points`` bins.

        Returns the raw values when they fit; otherwise each bin contributes its
        maximum and minimum at the bin's centre, which draws the envelope of the
        data exactly as dense data would look on screen. Either way the curve
        spans exactly the indexes its bins cover: the first point sits on the
        first covered index and the last on the last one, so a curve that
        reaches the end of the data ends on its last index, not on the centre
        of the last bin.
        """
        n = self._n
        i0 = max(0, math.floor(x0))
        i1 = min(n, math.ceil(x1) + 1)
        if i1 <= i0:
            return np.empty(0), np.empty(0)
        budget = max(int(max_points), 2)
        level, size = 0, 1
        while level < len(self._counts) and (i1 - i0) / size > budget:
            level += 1
            size *= FACTOR
        if level == 0:
            return np.arange(i0, i1, dtype=float), self._data[i0:i1].copy()
        b0 = i0 // size
        b1 = min(self._counts[level - 1], -(-i1 // size))
        centres = np.minimum(np.arange(b0, b1) * size + (size - 1) / 2, n - 1)
        x = np.repeat(centres, 2)
        x[0] = b0 * size
        x[-1] = min(b1 * size, n) - 1
        y = np.column_stack([self._maxs[level - 1][b0:b1], self._mins[level - 1][b0:b1]]).ravel()
        return x, y
