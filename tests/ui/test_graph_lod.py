"""The graph's level of detail as plain NumPy: which edges a dense network
draws, in which order, which one the mouse points at, which texts show.
No Qt is involved: every rule is checked on arrays built here."""

from __future__ import annotations

import itertools
import subprocess
import sys

import numpy as np
import pytest

from mlpviz.ui.graph.lod import (
    FAINT,
    HIT_PIXELS,
    curve_rise,
    curve_t,
    nearest_edge,
    on_screen,
    stroke_groups,
    strongest,
    text_states,
    water_fill,
)


def _geometry(sizes, rng, gap=230.0):
    """Edge arrays in edge order (layer, node, input) for random node heights."""
    ys = [np.sort(rng.uniform(-300, 300, n)) for n in sizes]
    counts = [a * b for a, b in itertools.pairwise(sizes)]
    offsets = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    edge_x = [(l * gap + 10, (l + 1) * gap - 10) for l in range(len(sizes) - 1)]
    y0 = np.concatenate([np.tile(ys[l], sizes[l + 1]) for l in range(len(sizes) - 1)])
    y1 = np.concatenate([np.repeat(ys[l + 1], sizes[l]) for l in range(len(sizes) - 1)])
    return edge_x, offsets, y0, y1


def _sampled(area, edge_x, offsets, y0, y1, samples=4001):
    """On-screen edges found by sampling points along each Bézier curve."""
    left, top, right, bottom = area
    s = np.linspace(0.0, 1.0, samples)
    b1, b2, b3 = 3 * (1 - s) ** 2 * s, 3 * (1 - s) * s**2, s**3
    x_frac, rise = 0.5 * b1 + 0.5 * b2 + b3, b2 + b3
    on = np.zeros(int(offsets[-1]), dtype=bool)
    for l, (xa, xb) in enumerate(edge_x):
        lo, hi = int(offsets[l]), int(offsets[l + 1])
        xs = xa + (xb - xa) * x_frac
        ys = y0[lo:hi, None] + (y1[lo:hi, None] - y0[lo:hi, None]) * rise[None, :]
        inside = (xs >= left) & (xs <= right)
        on[lo:hi] = ((ys >= top) & (ys <= bottom) & inside[None, :]).any(axis=1)
    return on


def test_lod_imports_no_qt():
    code = (
        "import sys, mlpviz.ui.graph.lod;"
        "sys.exit(any(m.split('.')[0] in ('PySide6', 'pyqtgraph') for m in sys.modules))"
    )
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_curve_t_inverts_the_curves_horizontal_position():
    t = np.linspace(0.0, 1.0, 101)
    u = 1.5 * t - 1.5 * t**2 + t**3  # x fraction of the cubic with mid control points
    np.testing.assert_allclose(curve_t(u), t, atol=1e-12)
    assert curve_rise(0.0) == 0.0 and curve_rise(1.0) == 1.0


@pytest.mark.parametrize("seed", range(6))
def test_water_fill_draws_small_layers_whole_and_shares_the_rest(seed):
    rng = np.random.default_rng(seed)
    counts = rng.integers(0, 3000, rng.integers(1, 6)).tolist()
    budget = int(rng.integers(1, 4000))
    allot = water_fill(counts, budget)
    assert all(0 <= a <= c for a, c in zip(allot, counts))
    assert sum(allot) == min(budget, sum(counts))
    cut = [l for l, (a, c) in enumerate(zip(allot, counts)) if a < c]
    if cut:  # every layer that is cut gets the same share, at least any whole one
        shares = {allot[l] for l in cut}
        assert max(shares) - min(shares) <= 1
        assert all(counts[l] <= max(shares) for l in range(len(counts)) if l not in cut)


@pytest.mark.parametrize("seed", range(4))
def test_on_screen_agrees_with_points_sampled_on_the_curves(seed):
    rng = np.random.default_rng(seed)
    edge_x, offsets, y0, y1 = _geometry((7, 9, 5), rng)
    left = float(rng.uniform(-50, 400))
    top = float(rng.uniform(-300, 200))
    area = (left, top, left + float(rng.uniform(20, 200)), top + float(rng.uniform(20, 200)))
    on = on_screen(area, edge_x, offsets, y0, y1)
    sampled = _sampled(area, edge_x, offsets, y0, y1)
    # Sampling can only miss a curve that grazes the area between two samples.
    assert np.array_equal(on | sampled, on) and (on & ~sampled).sum() <= 1


def test_strongest_keeps_the_budget_of_the_strongest_on_screen_edges():
    rng = np.random.default_rng(3)
    offsets = np.array([0, 4000, 4600, 4630])
    mags = rng.exponential(size=4630)
    vmax = float(mags.max())
    on = rng.random(4630) < 0.7
    budget = 500
    shown = strongest(mags, vmax, on, offsets, budget)
    candidates = on & (mags >= FAINT * vmax)
    assert not (shown & ~candidates).any()
    assert shown.sum() == min(budget, candidates.sum())
    last = slice(offsets[2], offsets[3])
    assert np.array_equal(shown[last], candidates[last])  # the small layer is drawn whole
    for l in range(3):
        lo, hi = offsets[l], offsets[l + 1]
        kept, dropped = mags[lo:hi][shown[lo:hi]], mags[lo:hi][candidates[lo:hi] & ~shown[lo:hi]]
        if kept.size and dropped.size:
            assert dropped.max() <= kept.min()  # nothing weaker is drawn instead
    everything = strongest(mags, vmax, on, offsets, budget=10**6)
    assert np.array_equal(everything, candidates)  # once the budget fits, all of them


def test_stroke_groups_draw_every_shown_edge_once_weakest_level_first():
    rng = np.random.default_rng(4)
    levels = 32
    keys = rng.integers(0, 3 * levels, 5000).astype(np.int16)
    shown = rng.random(5000) < 0.4
    groups = stroke_groups(shown, keys, levels)
    drawn = np.concatenate([idx for _key, idx in groups])
    assert np.array_equal(np.sort(drawn), np.flatnonzero(shown))
    for key, idx in groups:
        assert (keys[idx] == key).all()
    order = [key % levels for key, _idx in groups]
    assert order == sorted(order)
    assert len({key for key, _idx in groups}) == len(groups)


def test_nearest_edge_finds_the_drawn_curve_under_the_point():
    rng = np.random.default_rng(5)
    edge_x, offsets, y0, y1 = _geometry((6, 8, 3), rng)
    shown = np.ones(int(offsets[-1]), dtype=bool)
    scale = 2.0
    for idx in rng.choice(int(offsets[-1]), 12, replace=False):
        l = int(np.searchsorted(offsets, idx, side="right")) - 1
        xa, xb = edge_x[l]
        x = xa + (xb - xa) * 0.5
        y = y0[idx] + (y1[idx] - y0[idx]) * curve_rise(curve_t(0.5))
        found = nearest_edge(x, y, scale, edge_x, offsets, shown, y0, y1)
        assert found is not None
        # The found curve passes within the pick distance (possibly a crossing one).
        at = y0[found] + (y1[found] - y0[found]) * curve_rise(curve_t(0.5))
        assert abs(at - y) * scale <= HIT_PIXELS / 2
        hidden = shown.copy()
        hidden[idx] = False
        other = nearest_edge(x, y, scale, edge_x, offsets, hidden, y0, y1)
        assert other != idx
    assert nearest_edge(-100.0, 0.0, scale, edge_x, offsets, shown, y0, y1) is None
    far = float(max(y0.max(), y1.max())) + 50
    assert nearest_edge(edge_x[0][0] + 5, far, scale, edge_x, offsets, shown, y0, y1) is None


def test_text_states_appear_as_the_zoom_grows():
    label_scale, text_scale, radius = [1.0, 0.3, 1.0], [1.0, 0.2, 1.0], [19.0, 3.8, 19.0]
    scales = np.geomspace(0.05, 20, 60)
    states = [text_states(label_scale, text_scale, radius, float(s)) for s in scales]
    for layer in range(3):
        for kind in range(4):
            seen = [st[layer][kind] for st in states]
            assert seen == sorted(seen)  # once readable, readable at every larger zoom
            assert not seen[0] and seen[-1]
    # A small layer's texts need more zoom than a big one's.
    first = [next(k for k, st in enumerate(states) if st[l][1]) for l in range(3)]
    assert first[1] > first[0] == first[2]
