"""Level of detail of the network graph, so big networks stay fast: which
edges to draw at a zoom, in which order, which one the mouse points at, and
which texts are big enough to read. NumPy only (no Qt), so each rule is
tested on plain arrays.

Networks with more than ``DENSE_EDGES`` weights draw only the strongest
edges of each layer that are on screen, ``EDGE_BUDGET`` in all: zooming in
shows more detail at the same paint cost, and once every edge on screen
fits the budget all of them are drawn.

Edges are given as flat arrays in edge order (layer, node, input):
``offsets[l]:offsets[l + 1]`` are layer ``l``'s edges, which run from
``x = edge_x[l][0]`` at height ``y0`` to ``x = edge_x[l][1]`` at height ``y1``.
Every edge is the same cubic curve, with horizontal tangents and control
points halfway across. With ``u = (x - xa) / (xb - xa)`` its parameter ``t``
solves ``u = 1.5 t - 1.5 t² + t³`` (monotone, so one root) and its height is
``ya + (yb - ya) (3 t² - 2 t³)``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

DENSE_EDGES = 1500  # above this many weights, draw only the strongest ones
EDGE_BUDGET = 1500  # edges drawn *on screen* in a dense network, at any zoom
FAINT = 0.04  # in a dense network, hide edges below this fraction of the max
HIT_PIXELS = 8.0  # an edge can be picked this many pixels wide on screen

Area = tuple[float, float, float, float]  # left, top, right, bottom (scene units)


def is_dense(n_edges: int) -> bool:
    """Whether a network with ``n_edges`` weights draws only its strongest edges."""
    return n_edges > DENSE_EDGES


def curve_t(u: float | np.ndarray) -> float | np.ndarray:
    """The parameter t where an edge curve is at horizontal fraction ``u``.

    Substituting t = w + ½ in ``t³ - 1.5 t² + 1.5 t - u = 0`` leaves
    ``w³ + ¾ w + (½ - u) = 0``, solved by Cardano's formula.
    """
    q = 0.5 - np.asarray(u, dtype=float)
    root = np.sqrt(q * q / 4 + 1 / 64)
    return 0.5 + np.cbrt(-q / 2 + root) + np.cbrt(-q / 2 - root)


def curve_rise(t: float | np.ndarray) -> float | np.ndarray:
    """The fraction of its height change an edge curve has made at ``t``."""
    return t * t * (3 - 2 * t)


def curve_slope(t: float, width: float, rise: np.ndarray) -> np.ndarray:
    """dy/dx at ``t`` of curves ``width`` wide that rise by ``rise``."""
    return rise * 6 * t * (1 - t) / (width * (1.5 - 3 * t + 3 * t * t))


def water_fill(counts: Sequence[int], budget: int) -> list[int]:
    """Split ``budget`` over layers so small layers are drawn whole and the
    rest is shared evenly by the big ones."""
    allot = [0] * len(counts)
    remaining = budget
    order = sorted(range(len(counts)), key=lambda l: counts[l])
    for pos, l in enumerate(order):
        share = remaining // (len(order) - pos)
        allot[l] = min(counts[l], share)
        remaining -= allot[l]
    return allot


def on_screen(
    area: Area,
    edge_x: Sequence[tuple[float, float]],
    offsets: np.ndarray,
    y0: np.ndarray,
    y1: np.ndarray,
) -> np.ndarray:
    """Edges of which some part is inside ``area``.

    A curve's height is monotone in x, so the part of it inside the area's
    columns spans the heights at the area's left and right sides.
    """
    a_left, a_top, a_right, a_bottom = area
    on = np.zeros(int(offsets[-1]), dtype=bool)
    for l, (xa, xb) in enumerate(edge_x):
        left, right = max(a_left, xa), min(a_right, xb)
        if left > right:
            continue
        lo, hi = int(offsets[l]), int(offsets[l + 1])
        start = y0[lo:hi]
        rise = y1[lo:hi] - start
        at_left = start + rise * curve_rise(curve_t((left - xa) / (xb - xa)))
        at_right = start + rise * curve_rise(curve_t((right - xa) / (xb - xa)))
        on[lo:hi] = (np.maximum(at_left, at_right) >= a_top) & (
            np.minimum(at_left, at_right) <= a_bottom
        )
    return on


def strongest(
    mags: np.ndarray, vmax: float, on: np.ndarray, offsets: np.ndarray, budget: int = EDGE_BUDGET
) -> np.ndarray:
    """The edges a dense network draws: of the ``on`` (on-screen) edges at
    least ``FAINT`` of the maximum, the strongest of each layer, ``budget``
    in all (shared by :func:`water_fill`). Zooming in narrows what is on
    screen, so the same budget shows more detail at the same paint cost."""
    shown = np.zeros(mags.size, dtype=bool)
    on = on & (mags >= FAINT * vmax)
    ranked = np.where(on, mags, -1.0)  # off-screen edges sort last
    counts = [int(on[offsets[l] : offsets[l + 1]].sum()) for l in range(len(offsets) - 1)]
    for l, k in enumerate(water_fill(counts, budget)):
        lo, hi = int(offsets[l]), int(offsets[l + 1])
        if k >= counts[l]:
            shown[lo:hi] = on[lo:hi]
        elif k > 0:
            seg = ranked[lo:hi]
            shown[lo + np.argpartition(seg, seg.size - k)[seg.size - k :]] = True
    return shown


def stroke_groups(shown: np.ndarray, keys: np.ndarray, levels: int) -> list[tuple[int, np.ndarray]]:
    """The ``shown`` edges grouped by palette key (sign × ``levels`` + level),
    in drawing order: weakest level first so the strongest end on top, and
    within a level the signs take turns on top, so neither colour covers the
    other everywhere. Returns (key, edge indices) per group."""
    idx = np.flatnonzero(shown)
    k = keys[idx]
    level, sign = k % levels, k // levels
    order = np.argsort(level * 3 + np.where(level % 2, 2 - sign, sign), kind="stable")
    idx, k = idx[order], k[order]
    cuts = np.flatnonzero(np.diff(k)) + 1
    return [
        (int(group_keys[0]), group)
        for group, group_keys in zip(np.split(idx, cuts), np.split(k, cuts))
        if group.size
    ]


def nearest_edge(
    x: float,
    y: float,
    scale: float,
    edge_x: Sequence[tuple[float, float]],
    offsets: np.ndarray,
    shown: np.ndarray,
    y0: np.ndarray,
    y1: np.ndarray,
) -> int | None:
    """The index of the ``shown`` edge nearest to scene point (x, y), within
    ``HIT_PIXELS / 2`` on screen at zoom ``scale``; None when there is none."""
    for l, (xa, xb) in enumerate(edge_x):
        if not xa <= x <= xb:
            continue
        lo, hi = int(offsets[l]), int(offsets[l + 1])
        idx = lo + np.flatnonzero(shown[lo:hi])
        if idx.size == 0:
            return None
        t = float(curve_t((x - xa) / (xb - xa)))
        rise = y1[idx] - y0[idx]
        at = y0[idx] + rise * curve_rise(t)
        # Distance across the curve, not straight down: steep edges too.
        dist = np.abs(y - at) / np.hypot(1.0, curve_slope(t, xb - xa, rise))
        k = int(np.argmin(dist))
        if dist[k] * scale > HIT_PIXELS / 2:
            return None
        return int(idx[k])
    return None


def text_states(
    label_scale: Sequence[float], text_scale: Sequence[float], radius: Sequence[float], scale: float
) -> list[tuple[bool, bool, bool, bool]]:
    """Per layer, which texts are big enough on screen at zoom ``scale`` to
    read (7 px and up): (input/output label, value in the node, activation
    name, bias badge). ``label_scale`` and ``text_scale`` are the layers'
    label and node-text scales, ``radius`` their node radii."""
    return [
        (12 * ls * scale >= 7, 10 * k * scale >= 7, 9 * k * scale >= 7, r * scale >= 8)
        for ls, k, r in zip(label_scale, text_scale, radius)
    ]
