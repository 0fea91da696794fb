"""A bounded record of the weights over training, for paths and rewinding.

Long runs are decimated rather than truncated: when the buffer is full every
other row is dropped and the recording stride doubles, so the record always
spans the whole run at an even spacing and its memory never exceeds
``capacity`` rows.
"""

from __future__ import annotations

import numpy as np

# The app's weight history: at most this many rows, and at most HISTORY_BYTES
# of weights, so a wide network is decimated sooner instead of holding GBs
# (784-128-64-10 at 4096 rows would need 3.6 GB).
HISTORY_CAPACITY = 4096
HISTORY_BYTES = 64 << 20


def capacity_for(n_params: int) -> int:
    """Rows of the app's history for a network of ``n_params``: HISTORY_CAPACITY
    for small networks, fewer for wide ones, never below 16."""
    return max(16, min(HISTORY_CAPACITY, HISTORY_BYTES // (8 * max(1, n_params))))


class WeightHistory:
    """Flat parameter vectors by epoch, at most ``capacity`` of them.

    ``epochs[i]`` is the number of completed epochs when ``params[i]`` was
    recorded (0 = the initial weights).
    """

    def __init__(self, n_params: int, capacity: int = 2048) -> None:
        if capacity < 4:
            raise ValueError("history capacity must be at least 4")
        self.capacity = int(capacity)
        self._params = np.empty((self.capacity, n_params))
        self._epochs = np.empty(self.capacity, dtype=np.int64)
        self._n = 0
        self.stride = 1

    def __len__(self) -> int:
        return self._n

    @property
    def params(self) -> np.ndarray:
        """(len, n_params) view of the recorded vectors."""
        return self._params[: self._n]

    @property
    def epochs(self) -> np.ndarray:
        return self._epochs[: self._n]

    @property
    def nbytes(self) -> int:
        """Memory the record holds (its full, preallocated capacity)."""
        return self._params.nbytes + self._epochs.nbytes

    def wants(self, epoch: int) -> bool:
        return epoch % self.stride == 0

    def record(self, epoch: int, params) -> None:
        """Keep ``params`` for ``epoch`` if it falls on the current stride."""
        if epoch % self.stride:
            return
        if self._n and self._epochs[self._n - 1] >= epoch:
            # Rewound and retrained: later history no longer describes this run.
            self.truncate(epoch)
        if self._n == self.capacity:
            # Keep the rows on the doubled stride, not every other row, so the
            # spacing stays even for a record that starts at epoch 1 (the Trainer
            # records epochs 1, 2, ... unless epoch 0 is recorded by hand): every
            # other row would keep 1, 3, 5, … and then add 10, 12, ….
            keep = np.flatnonzero(self.epochs % (2 * self.stride) == 0)
            if not 0 < keep.size < self._n:  # irregular hand-made records: every other
                keep = slice(0, self._n, 2)
            kept = self._params[keep].copy(), self._epochs[keep].copy()
            self._n = len(kept[1])
            self._params[: self._n], self._epochs[: self._n] = kept
            self.stride *= 2
            if epoch % self.stride:
                return
        self._params[self._n] = params
        self._epochs[self._n] = epoch
        self._n += 1

    def truncate(self, epoch: int) -> None:
        """Forget everything recorded at or after ``epoch``."""
        self._n = int(np.searchsorted(self.epochs, epoch, side="left"))

    def state(self) -> tuple[np.ndarray, np.ndarray, int]:
        """(params, epochs, stride) copies, for saving or undoing a rewind."""
        return self.params.copy(), self.epochs.copy(), self.stride

    def load_state(self, params: np.ndarray, epochs: np.ndarray, stride: int) -> None:
        n = len(epochs)
        if n > self.capacity or params.shape != (n, self._params.shape[1]):
            raise ValueError("history state does not fit this record")
        self._params[:n], self._epochs[:n] = params, epochs
        self._n, self.stride = n, int(stride)

    def clear(self) -> None:
        self._n = 0
        self.stride = 1
