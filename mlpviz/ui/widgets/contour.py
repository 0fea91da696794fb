"""Iso-lines for the heatmaps: a vectorised marching squares.

pyqtgraph's own ``isocurve`` walks the grid in a Python loop and would need
one item per level; this version handles every cell of every level with a few
NumPy operations and returns unconnected segments, which one
``PlotCurveItem(connect="pairs")`` draws in a single call. For the grids the
worker sends (tens of points per side) it takes a millisecond or two, so
drawing contours stays "just drawing" on the GUI thread.
"""

from __future__ import annotations

import numpy as np

# Corner bits of a cell: 1 = (i, j), 2 = (i+1, j), 4 = (i+1, j+1), 8 = (i, j+1).
# Edges: 0 = bottom (i,j)-(i+1,j), 1 = right (i+1,j)-(i+1,j+1),
#        2 = top (i,j+1)-(i+1,j+1), 3 = left (i,j)-(i,j+1).
# Each case crosses at most two segments, given as edge pairs (-1 = none).
# Cases 16 and 17 are the saddles 5 and 10 with the opposite centre value.
_SEGMENTS = np.full((18, 2, 2), -1, dtype=np.intp)
for _case, _segs in {
    1: [(3, 0)],
    2: [(0, 1)],
    3: [(3, 1)],
    4: [(1, 2)],
    5: [(3, 0), (1, 2)],  # centre below: the two high corners are separate
    6: [(0, 2)],
    7: [(3, 2)],
    8: [(2, 3)],
    9: [(0, 2)],
    10: [(0, 1), (2, 3)],  # centre below: the two high corners are separate
    11: [(1, 2)],
    12: [(3, 1)],
    13: [(0, 1)],
    14: [(3, 0)],
    16: [(0, 1), (2, 3)],  # case 5, centre above: the low corners are cut off
    17: [(3, 0), (1, 2)],  # case 10, centre above
}.items():
    for _slot, _pair in enumerate(_segs):
        _SEGMENTS[_case, _slot] = _pair


def _crossing(va: np.ndarray, vb: np.ndarray, level: float) -> np.ndarray:
    """Fraction along each edge where the value reaches ``level``.

    Only used for edges whose ends lie on opposite sides, where va ≠ vb; the
    guard just keeps the other (discarded) entries free of division warnings.
    """
    d = vb - va
    return (level - va) / np.where(d == 0.0, 1.0, d)


def contour_segments(
    grid: np.ndarray, levels, xs: np.ndarray, ys: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Line segments of the iso-lines of ``grid`` at each of ``levels``.

    ``grid[i, j]`` is the value at ``(xs[i], ys[j])``. Returns ``(x, y)`` of
    length 2·segments: points 2k and 2k+1 are the ends of segment k. Cells with
    a non-finite corner are skipped, so NaN holes simply have no lines.
    """
    g = np.asarray(grid, dtype=float)
    xs = np.asarray(xs, dtype=float)
    ys = np.asarray(ys, dtype=float)
    if g.ndim != 2 or g.shape[0] < 2 or g.shape[1] < 2:
        return np.empty(0), np.empty(0)
    # Corner values of every cell, flattened: the per-level work below only
    # touches the cells a level actually crosses.
    v00, v10 = g[:-1, :-1].ravel(), g[1:, :-1].ravel()
    v11, v01 = g[1:, 1:].ravel(), g[:-1, 1:].ravel()
    ok = np.isfinite(v00) & np.isfinite(v10) & np.isfinite(v11) & np.isfinite(v01)
    ii, jj = np.meshgrid(
        np.arange(g.shape[0] - 1, dtype=float),
        np.arange(g.shape[1] - 1, dtype=float),
        indexing="ij",
    )
    ii, jj = ii.ravel(), jj.ravel()
    out_x: list[np.ndarray] = []
    out_y: list[np.ndarray] = []
    for level in np.atleast_1d(np.asarray(levels, dtype=float)):
        case = (v00 >= level) * 1 + (v10 >= level) * 2 + (v11 >= level) * 4 + (v01 >= level) * 8
        hit = np.flatnonzero(ok & (case != 0) & (case != 15))
        if hit.size == 0:
            continue
        case = case[hit].astype(np.intp)
        a00, a10, a11, a01 = v00[hit], v10[hit], v11[hit], v01[hit]
        centre_high = (a00 + a10 + a11 + a01) * 0.25 >= level
        case[(case == 5) & centre_high] = 16
        case[(case == 10) & centre_high] = 17
        ci, cj = ii[hit], jj[hit]
        # Crossing point on each of the four edges, in fractional index units.
        ex = np.stack(
            [ci + _crossing(a00, a10, level), ci + 1.0, ci + _crossing(a01, a11, level), ci]
        )
        ey = np.stack(
            [cj, cj + _crossing(a10, a11, level), cj + 1.0, cj + _crossing(a00, a01, level)]
        )
        segs = _SEGMENTS[case]  # (cells, 2 slots, 2 edges)
        cells = np.arange(hit.size)
        for slot in (0, 1):
            a, b = segs[:, slot, 0], segs[:, slot, 1]
            used = a >= 0
            if not used.any():
                continue
            c = cells[used]
            out_x.append(np.column_stack([ex[a[used], c], ex[b[used], c]]).ravel())
            out_y.append(np.column_stack([ey[a[used], c], ey[b[used], c]]).ravel())
    if not out_x:
        return np.empty(0), np.empty(0)
    # Index units → data units; np.interp also copes with uneven spacing.
    x_idx = np.concatenate(out_x)
    y_idx = np.concatenate(out_y)
    return (
        np.interp(x_idx, np.arange(xs.size), xs),
        np.interp(y_idx, np.arange(ys.size), ys),
    )


def iso_levels(low: float, high: float, count: int = 8) -> np.ndarray:
    """``count`` evenly spaced levels strictly inside (low, high)."""
    if not (np.isfinite(low) and np.isfinite(high)) or high <= low:
        return np.empty(0)
    return np.linspace(low, high, count + 2)[1:-1]
