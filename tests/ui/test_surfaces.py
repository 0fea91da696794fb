"""The worker's two-weight grid: covers the path, and holds still while it can."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlpviz.ui.training.surfaces import GRID, _span

finite = st.floats(-1e4, 1e4, allow_nan=False)
huge = st.floats(allow_nan=False, allow_infinity=False)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(values=st.lists(finite, min_size=1, max_size=20), current=finite)
def test_span_covers_the_path_and_the_current_value(values, current):
    grid = _span(np.array(values), current)
    assert len(grid) == GRID
    assert grid[0] <= min(*values, current) and grid[-1] >= max(*values, current)
    # Not absurdly wide: at most about 4× the path's extent (or the 2-wide minimum).
    extent = max(*values, current) - min(*values, current)
    assert grid[-1] - grid[0] <= max(2.0, extent) * 5 + 1e-9


def test_span_holds_still_while_the_path_moves_inside_it():
    # Twice a second a new surface: a region that followed every step would
    # re-frame the plot and regenerate its axes each time.
    rng = np.random.default_rng(0)
    path = [np.array([0.30, 0.31])]
    spans = set()
    for _ in range(200):
        path.append(path[-1] + rng.normal(0, 0.002, 2))
        values = np.concatenate(path)
        spans.add(tuple(_span(values, float(values[-1]))[[0, -1]]))
    assert len(spans) <= 2


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(values=st.lists(huge, min_size=1, max_size=5), current=huge)
def test_span_stays_finite_for_weights_near_the_float_limit(values, current):
    # The monkey test typed -1e308 into one weight and 1e300 into another:
    # the grid went NaN and the plot refused its range.
    grid = _span(np.array(values), current)
    assert np.isfinite(grid).all()
    assert grid[0] <= min(*values, current) and grid[-1] >= max(*values, current)
