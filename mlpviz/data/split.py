"""Seeded train/test split of row indices."""

from __future__ import annotations

import math

import numpy as np


def train_test_split(
    n_rows: int, test_fraction: float = 0.0, seed: int | None = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Split rows 0 … n_rows−1 into training and test rows.

    Parameters
    ----------
    n_rows : int
        Number of rows, ≥ 1.
    test_fraction : float
        Share of rows held out for testing, in [0, 1). 0 gives an empty test
        set. Otherwise the test set has n_rows · test_fraction rows rounded
        half up, but at least 1 (when n_rows ≥ 2) and always leaving ≥ 1 training row.
    seed : int
        Seed of the shuffle; the same (n_rows, test_fraction, seed) always
        gives the same split.

    Returns
    -------
    train_idx, test_idx : ndarray of int64
        Disjoint, together exactly 0 … n_rows−1, each sorted ascending —
        file order is kept, as the tutorial's online SGD trains in file order.

    Raises
    ------
    ValueError
        n_rows < 1 or test_fraction outside [0, 1).
    """
    if isinstance(n_rows, bool) or not isinstance(n_rows, (int, np.integer)) or n_rows < 1:
        raise ValueError(f"n_rows must be a positive integer, got {n_rows!r}")
    frac = float(test_fraction)
    if not (math.isfinite(frac) and 0.0 <= frac < 1.0):
        raise ValueError(f"test_fraction must be in [0, 1), got {test_fraction!r}")
    n_test = 0
    if frac > 0 and n_rows >= 2:
        # Half up, not Python's half-to-even: 10 rows at 0.25 give 3 test rows.
        n_test = min(max(1, math.floor(n_rows * frac + 0.5)), n_rows - 1)
    order = np.random.default_rng(seed).permutation(n_rows)
    test = np.sort(order[:n_test]).astype(np.int64)
    train = np.sort(order[n_test:]).astype(np.int64)
    return train, test
