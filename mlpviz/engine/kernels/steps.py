"""What a kernel's updates change on its trainer, returned for the Trainer to commit."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

Array = np.ndarray


class Steps(NamedTuple):
    """Updates a kernel made; ``Trainer._commit`` applies them.

    The kernels read the trainer but leave its bookkeeping to it, so every
    path (generic, per-sample, mini-batch) counts steps the same way. A
    NamedTuple: one is built per kernel step, where a dataclass's slower
    construction would show.

    Attributes
    ----------
    count : updates made (steps, gradient evaluations and optimizer steps).
    position : the row the epoch continues from, or None to leave it.
    epochs : epochs completed.
    order : the row order of the epoch now in progress, or None to leave it.
    last_rows : the last update's rows (its gradient is recomputed on demand
        from ``before_last``), or None to leave the last step's record as it is.
    last_batch_loss : that batch's loss before its update, or None to leave it.
    before_last : the parameters before the last update, or None to leave them.
    """

    count: int
    position: int | None = None
    epochs: int = 0
    order: Array | None = None
    last_rows: Array | slice | None = None
    last_batch_loss: float | None = None
    before_last: Array | None = None
