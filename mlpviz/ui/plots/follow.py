"""Where the loss plot's view goes while it follows a growing curve.

pyqtgraph's auto-range moves the range on every redraw, and every move
regenerates both axes and paints the plot twice; stepping the x range to
1-1.5-2-3-4-5-6-8 values and giving y some slack makes most redraws reuse them.
Pure functions of the numbers, so the rule is testable without a widget.
"""

from __future__ import annotations

import numpy as np

Range = tuple[float, float]


def nice_ceiling(x: float) -> float:
    """The smallest 1, 1.5, 2, 3, 4, 5, 6 or 8 × 10ᵏ at or above ``x`` (at least 10).

    Steps this fine keep the curve over most of the width, yet the range
    changes only every 15–50 % of growth.
    """
    x = max(float(x), 10.0)
    k = 10 ** np.floor(np.log10(x))
    for m in (1, 1.5, 2, 3, 4, 5, 6, 8, 10):
        if m * k >= x:
            return float(m * k)
    return float(10 * k)


def follow_range(
    n: int, ys: np.ndarray, log_scale: bool, current: tuple[Range, Range]
) -> tuple[Range, Range] | None:
    """The (x, y) view that keeps ``n`` epochs of losses ``ys`` in sight, or None
    when ``current`` already does (or there is nothing finite to show).

    On a log axis ``ys`` are losses and the y range is in log₁₀ units.
    """
    if log_scale:
        ys = np.log10(ys[ys > 0])
    ys = ys[np.isfinite(ys)]
    if ys.size == 0:
        return None
    lo, hi = float(ys.min()), float(ys.max())
    pad = max((hi - lo) * 0.06, 1e-12 if not log_scale else 0.02)
    (cx0, cx1), (cy0, cy1) = current
    x_end = nice_ceiling(n * 1.05)
    need_x = not (cx1 >= n and cx1 <= x_end * 1.01 and abs(cx0) < 1e-9)
    need_y = not (cy0 <= lo and cy1 >= hi and (cy1 - cy0) <= 2.0 * (hi - lo + 2 * pad))
    if not (need_x or need_y):
        return None
    return (
        (0, x_end) if need_x else (cx0, cx1),
        (lo - pad, hi + pad) if need_y else (cy0, cy1),
    )
