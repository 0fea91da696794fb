"""Benchmark: load_csv against plain ``np.loadtxt`` on the same large file.

The target is load_csv ≤ 1.5 × loadtxt on a clean 10⁶ × 3 file, i.e. the
checks and the friendly errors cost little when nothing is wrong.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from mlpviz.bench.timing import best_of
from mlpviz.data.csv_loader import load_csv


def write_numeric_csv(path: Path, rows: int, seed: int = 0) -> None:
    """Write a header-less rows × 3 comma-separated file of 6-decimal floats."""
    rng = np.random.default_rng(seed)
    values = rng.uniform(-100.0, 100.0, (rows, 3))
    # Formatting in blocks keeps memory flat for large row counts, and is much
    # faster than np.savetxt's per-row Python loop.
    with path.open("w", encoding="utf-8", newline="\n") as f:
        for block in np.array_split(values, max(1, rows // 100_000)):
            f.write("\n".join(f"{a:.6f},{b:.6f},{c:.6f}" for a, b, c in block.tolist()))
            f.write("\n")


def bench_load_csv(
    tmpdir: str | os.PathLike[str], rows: int = 1_000_000, repeats: int = 3
) -> dict[str, float]:
    """Time ``np.loadtxt`` and :func:`load_csv` on the same rows × 3 file.

    Parameters
    ----------
    tmpdir : path-like
        A writable folder; the file ``bench-<rows>.csv`` is written there
        and removed afterwards.
    rows : int
        Number of rows.
    repeats : int
        Each loader runs this many times; the best time counts.

    Returns
    -------
    dict
        ``{"rows", "loadtxt_s", "load_csv_s", "ratio"}`` with ratio =
        load_csv_s / loadtxt_s.
    """
    path = Path(tmpdir) / f"bench-{rows}.csv"
    write_numeric_csv(path, rows)
    try:
        # Both must read the same numbers, or the timing compares nothing.
        reference = np.loadtxt(path, delimiter=",", ndmin=2)
        if not np.array_equal(load_csv(path).values, reference):
            raise RuntimeError("load_csv and np.loadtxt disagree on the benchmark file")
        loadtxt_s = best_of(lambda: np.loadtxt(path, delimiter=","), repeats)
        load_csv_s = best_of(lambda: load_csv(path), repeats)
    finally:
        path.unlink(missing_ok=True)
    return {
        "rows": float(rows),
        "loadtxt_s": loadtxt_s,
        "load_csv_s": load_csv_s,
        "ratio": load_csv_s / loadtxt_s,
    }
