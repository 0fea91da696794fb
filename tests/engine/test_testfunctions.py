"""The playground's 2-D test functions: exact gradients, minima, boxes, user functions."""

from __future__ import annotations

import numpy as np
import pytest

from mlpviz.engine.optimizers import OPTIMIZERS
from mlpviz.playground.expr import ExpressionError
from mlpviz.playground.testfunctions import CUSTOM_BOX, CUSTOM_START, FUNCTIONS, from_expression

KEYS = ["bowl", "elongated", "rosenbrock", "saddle", "himmelblau", "beale"]


def test_the_six_functions_in_menu_order():
    assert list(FUNCTIONS) == KEYS


@pytest.mark.parametrize("key", KEYS)
def test_gradient_matches_central_differences(key):
    tf = FUNCTIONS[key]
    x0, x1, y0, y1 = tf.box
    rng = np.random.default_rng(3)
    x, y = rng.uniform(x0, x1, 200), rng.uniform(y0, y1, 200)
    h = 1e-6
    gx, gy = tf.grad(x, y)
    nx = (tf.f(x + h, y) - tf.f(x - h, y)) / (2 * h)
    ny = (tf.f(x, y + h) - tf.f(x, y - h)) / (2 * h)
    scale = 1 + np.abs(nx) + np.abs(ny)
    np.testing.assert_allclose(gx / scale, nx / scale, atol=1e-6)
    np.testing.assert_allclose(gy / scale, ny / scale, atol=1e-6)


@pytest.mark.parametrize("key", KEYS)
def test_minima_values_and_stationarity(key):
    tf = FUNCTIONS[key]
    if key == "saddle":
        assert tf.minima == () and tf.min_value is None
        assert tf.value(0.0, 0.0) == 0.0 and not tf.gradient(0.0, 0.0).any()
        return
    assert tf.minima and tf.min_value == 0.0
    for mx, my in tf.minima:
        assert tf.value(mx, my) == pytest.approx(0.0, abs=1e-9)
        assert np.abs(tf.gradient(mx, my)).max() < 1e-4
        x0, x1, y0, y1 = tf.box
        assert x0 < mx < x1 and y0 < my < y1


@pytest.mark.parametrize("key", KEYS)
def test_box_start_and_suggested_rates_are_sensible(key):
    tf = FUNCTIONS[key]
    x0, x1, y0, y1 = tf.box
    assert x0 < tf.start[0] < x1 and y0 < tf.start[1] < y1
    assert np.isfinite(tf.value(*tf.start))
    assert set(tf.learning_rates) == set(OPTIMIZERS)
    assert tf.name and tf.formula and tf.description


def test_the_tutorial_bowl():
    tf = FUNCTIONS["bowl"]
    assert tf.start == (3.0, 4.0) and tf.value(3.0, 4.0) == 25.0
    assert list(tf.gradient(3.0, 4.0)) == [6.0, 8.0]


def test_vectorised_over_grids():
    tf = FUNCTIONS["himmelblau"]
    gx, gy = np.meshgrid(np.linspace(-5, 5, 11), np.linspace(-5, 5, 7), indexing="ij")
    assert tf.f(gx, gy).shape == (11, 7)
    assert all(g.shape == (11, 7) for g in tf.grad(gx, gy))


def test_from_expression_wraps_a_user_function():
    tf = from_expression("  x^2 + 3*y^2 ")
    assert tf.key == "custom" and tf.formula == "x^2 + 3*y^2"
    assert tf.box == CUSTOM_BOX == (-5.0, 5.0, -5.0, 5.0)
    assert tf.start == CUSTOM_START == (3.0, 4.0)
    assert tf.minima == () and tf.min_value is None
    assert tf.value(1.0, 2.0) == 13.0
    assert list(tf.gradient(1.0, 2.0)) == [2.0, 12.0]
    assert "6*y" in tf.description


def test_from_expression_refuses_bad_text():
    with pytest.raises(ExpressionError, match="unknown name 'foo'"):
        from_expression("foo(x)")


def test_value_is_nan_not_an_exception_outside_the_domain():
    tf = from_expression("log(x)")
    assert np.isnan(tf.value(-1.0, 0.0))
    assert np.isnan(tf.gradient(-1.0, 0.0)).sum() == 0  # 1/x is defined there
