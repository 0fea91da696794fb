"""Colours of the network graph: the pens, fills and badge colours built once
per architecture, the palette index of every edge, node and bias for a
snapshot, and the legend that explains what colour and width mean.

Looks are quantized (``LEVELS`` widths per sign, 64 fill steps), so a
snapshot only computes palette indices with NumPy and the scene touches the
items whose index changed.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPen

from mlpviz.engine.activations import ACTIVATIONS
from mlpviz.ui.graph.items import NODE_PEN
from mlpviz.ui.style import theme
from mlpviz.ui.style.numbers import format_number
from mlpviz.ui.training.snapshot import Snapshot

LEVELS = 32  # quantized widths; a pen is only replaced when its level changes
GREY_KEY = 2 * LEVELS  # the first grey pen: no values, or not the mode's own values
_GREY = QColor(theme.MUTED)


class GraphPalette:
    """Pens for (sign or grey) × LEVELS widths (``pens``), node fills
    (``fills``: 64 steps, then NaN) and bias badge (fill, border) pairs
    (``badges``: + and − in LEVELS steps, then NaN), built once: a snapshot
    only picks indices. Dense networks get thinner, more transparent pens so
    hundreds of crossing edges stay readable."""

    def __init__(self, n_edges: int, dense: bool) -> None:
        if dense:
            # Cosmetic pens of at most 1 px take the raster engine's fast
            # path (several times cheaper than wide strokes); magnitude
            # shows mostly as opacity.
            w_lo, w_hi, a_lo, a_hi = 0.4, 1.0, 35, 235
        else:
            # Wide antialiased strokes are costly and hide each other: the
            # more edges, the thinner the widest one.
            w_lo, a_lo, a_hi = 0.5, 90, 235
            w_hi = max(2.0, min(6.0, 6.0 * math.sqrt(60 / max(n_edges, 1))))
        self.pens: list[QPen] = []
        for base in (theme.POSITIVE, theme.NEGATIVE, _GREY):
            for level in range(LEVELS):
                t = level / (LEVELS - 1)
                color = QColor(base)
                color.setAlpha(round(a_lo + (a_hi - a_lo) * t))
                pen = QPen(color, w_lo + (w_hi - w_lo) * t)
                pen.setCapStyle(Qt.PenCapStyle.RoundCap)
                pen.setCosmetic(dense)
                self.pens.append(pen)
        # Node fills: the theme's white → teal ramp in 64 steps, plus NaN.
        self.fills = [theme.activation_fill(k / 63) for k in range(64)]
        self.fills.append(theme.activation_fill(math.nan))
        self.badges = [
            (
                theme.diverging(sign * k / (LEVELS - 1), 1.0),
                theme.sign_color(sign) if k else NODE_PEN,
            )
            for sign in (1.0, -1.0)
            for k in range(LEVELS)
        ]
        self.badges.append((theme.diverging(math.nan, 1.0), NODE_PEN))


def mode_values(
    snap: Snapshot | None, mode: str, index: np.ndarray
) -> tuple[np.ndarray | None, bool]:
    """Values driving the edges (or biases) at ``index`` in edge ``mode``,
    and whether they fell back to the parameters (drawn grey)."""
    if snap is None:
        return None, True
    params = snap.params[index]
    if mode == "weight":
        return params, False
    source = snap.gradient if mode == "gradient" else snap.update
    # Before the first step there is no gradient and every Δ is 0: show
    # the parameters instead of an empty graph, greyed to say "no data".
    # Decided on the whole vector so edges and badges agree.
    if source is None or not np.any(source):
        return params, True
    return source[index], False


def edge_keys(
    values: np.ndarray | None, fallback: bool, n: int
) -> tuple[np.ndarray, np.ndarray | None, float]:
    """Pen index per edge (sign × LEVELS + level; grey for a fallback or a
    non-finite value), the magnitudes (None without values) and their
    maximum."""
    if values is None:
        return np.full(n, GREY_KEY, dtype=np.int16), None, 0.0
    mags = np.abs(values)
    finite = np.isfinite(mags)
    mags = np.where(finite, mags, 0.0)
    vmax = float(mags.max()) if n else 0.0
    levels = (
        np.rint(mags / vmax * (LEVELS - 1)).astype(np.int16) if vmax > 0 else np.zeros(n, np.int16)
    )
    sign = np.where(values < 0, 1, 0).astype(np.int16)
    if fallback:
        sign[:] = 2
    sign[~finite] = 2
    return sign * LEVELS + levels, mags, vmax


def activation_range(name: str, a: np.ndarray) -> tuple[float, float]:
    """The fill range of a layer of activation ``name`` ("input" for the
    inputs): the function's own range where it has one (its record's bounds),
    else the layer's values (ReLU from 0, inputs and linear from min(0, min))."""
    record = ACTIVATIONS.get(name)
    low_bound, high_bound = (None, None) if record is None else record.bounds
    if low_bound is not None and high_bound is not None:
        return low_bound, high_bound
    finite = a[np.isfinite(a)]
    high = float(finite.max()) if finite.size else 1.0
    if low_bound is not None or not finite.size:
        low = 0.0 if low_bound is None else low_bound
    else:
        low = min(0.0, float(finite.min()))
    return low, max(high, low + 1e-9)


def fill_levels(a: np.ndarray, low: float, high: float, top: int) -> np.ndarray:
    """Fill index per node of a layer with activations ``a``: 0 … ``top``
    over [low, high], and ``top + 1`` (the NaN fill) for a non-finite value."""
    with np.errstate(invalid="ignore"):
        t = np.clip((a - low) / (high - low), 0.0, 1.0)
    return np.where(np.isfinite(t), np.rint(t * top), top + 1).astype(int)


def badge_keys(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Badge index per bias: sign × LEVELS + level on one scale with the
    edges (so a bias and a weight of equal size look alike), and the last
    entry for NaN/∞."""
    every = np.concatenate([np.abs(values), np.abs(weights)])
    every = every[np.isfinite(every)]
    scale = float(every.max()) if every.size and every.max() > 0 else 1.0
    mags = np.abs(values)
    with np.errstate(invalid="ignore"):
        levels = np.rint(np.clip(mags / scale, 0.0, 1.0) * (LEVELS - 1))
    index = np.where(values < 0, LEVELS, 0) + np.nan_to_num(levels).astype(int)
    index[~np.isfinite(values)] = 2 * LEVELS
    return index


def legend_text(
    mode: str, fallback: bool, vmax: float, drawn: tuple[int, int] | None = None
) -> str:
    """The legend (rich text): what colour and width mean in ``mode``, and
    for a dense network how many of how many weights are ``drawn``."""
    symbol = {"weight": "w", "gradient": "∂L/∂w", "update": "last Δw"}[mode]
    pos, neg = theme.POSITIVE.name(), theme.NEGATIVE.name()
    if fallback and mode != "weight":
        what = {"gradient": "no gradient yet", "update": "no step yet"}[mode]
        text = f"<b style='color:#999'>▬</b> {what}, showing weights w"
    else:
        # One decimal: the legend is rich text, re-laid out whenever it
        # changes, and a finer maximum would change with every frame.
        text = (
            f"<b style='color:{pos}'>▬</b> {symbol} &gt; 0 &nbsp; "
            f"<b style='color:{neg}'>▬</b> {symbol} &lt; 0 &nbsp;·&nbsp; "
            f"width ∝ |{symbol}|, max {format_number(vmax, digits=1)}"
        )
    if drawn is not None:
        text += (
            f" &nbsp;·&nbsp; strongest {drawn[0]:,} of "
            f"{drawn[1]:,} weights drawn (zoom in for more)"
        )
    return text
