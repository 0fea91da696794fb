"""Colours shared by every view, so a weight looks the same in the graph,
the tables and the plots.

Positive values are blue and negative values orange (the TensorFlow
playground's convention, readable by red-green colour-blind users); the
saturation grows with magnitude relative to a scale.
"""

from __future__ import annotations

import math

from PySide6.QtGui import QColor

POSITIVE = QColor(33, 102, 172)  # blue
NEGATIVE = QColor(214, 96, 39)  # orange
NEUTRAL = QColor(247, 247, 247)
TEXT = QColor(40, 40, 40)
MUTED = QColor(120, 120, 120)
ACCENT = QColor(0, 150, 136)  # selection / highlight (teal)
TRAIN = QColor(33, 102, 172)
TEST = QColor(214, 96, 39)

# One colour per racer / series, from a qualitative palette (Okabe-Ito).
SERIES = [
    QColor(0, 114, 178),
    QColor(230, 159, 0),
    QColor(0, 158, 115),
    QColor(204, 121, 167),
    QColor(86, 180, 233),
    QColor(213, 94, 0),
    QColor(240, 228, 66),
    QColor(0, 0, 0),
]


def _mix(a: QColor, b: QColor, t: float) -> QColor:
    t = min(max(t, 0.0), 1.0)
    return QColor(
        round(a.red() + (b.red() - a.red()) * t),
        round(a.green() + (b.green() - a.green()) * t),
        round(a.blue() + (b.blue() - a.blue()) * t),
    )


def diverging(value: float, scale: float) -> QColor:
    """Neutral at 0, blue for positive, orange for negative, full at |value| ≥ scale."""
    if not math.isfinite(value) or scale <= 0:
        return QColor(NEUTRAL)
    t = min(abs(value) / scale, 1.0)
    return _mix(NEUTRAL, POSITIVE if value >= 0 else NEGATIVE, t)


def sign_color(value: float, alpha: int = 255) -> QColor:
    """Pure sign colour (for edges, whose thickness already shows magnitude)."""
    c = QColor(POSITIVE if value >= 0 else NEGATIVE)
    c.setAlpha(alpha)
    return c


def activation_fill(a: float, low: float = 0.0, high: float = 1.0) -> QColor:
    """Node fill for an activation a in [low, high]: white → teal."""
    if not math.isfinite(a) or high <= low:
        return QColor(NEUTRAL)
    return _mix(QColor(255, 255, 255), QColor(0, 137, 123), (a - low) / (high - low))


def value_scale(values) -> float:
    """A robust scale for colouring: the 95th percentile of |values| (never 0)."""
    import numpy as np

    v = np.abs(np.asarray(values, dtype=float))
    v = v[np.isfinite(v)]
    if v.size == 0:
        return 1.0
    # np.percentile's generality costs a millisecond a frame; this is its
    # default (linear) method on a sorted copy.
    v = np.sort(v)
    pos = 0.95 * (v.size - 1)
    lo = int(pos)
    s = float(v[lo] + (v[min(lo + 1, v.size - 1)] - v[lo]) * (pos - lo))
    return s if s > 1e-12 else max(float(v.max()), 1.0)


def class_colour(k: int, n_classes: int) -> QColor:
    """The colour of class ``k`` of ``n_classes``, the same in every view.

    Two classes take the output map's orange (0) and blue (1); more take the
    Okabe-Ito palette without its black (a black class would read as a
    shadow on a map), then evenly spaced hues.
    """
    if n_classes <= 2:
        return QColor(POSITIVE if k >= 1 else NEGATIVE)
    palette = [c for c in SERIES if c.lightness() > 0]
    if k < len(palette):
        return QColor(palette[k])
    return QColor.fromHsv((k - len(palette)) * 360 // 13 % 360, 200, 220)
