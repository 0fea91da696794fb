"""Lesson 1 numbers against a computation written out here."""

from __future__ import annotations

import pytest

from mlpviz.lessons.derivative import (
    DerivativeLesson,
    advice,
    best_w,
    difference_quotient,
    line_loss,
    line_slope,
    stable_lr_limit,
    x_squared_quotients,
)

POINTS = [(1.0, 2.0), (2.0, 4.0), (3.0, 6.0)]


def slope(w: float) -> float:
    return sum(x * (w * x - y) for x, y in POINTS) / len(POINTS)


def loss(w: float) -> float:
    return sum(0.5 * (w * x - y) ** 2 for x, y in POINTS) / len(POINTS)


@pytest.mark.parametrize(
    ("w", "expected", "words"),
    [
        (1.0, -4.6667, "negative: increase w"),
        (3.0, 4.6667, "positive: decrease w"),
    ],
)
def test_slope_and_its_reading_at_the_tutorials_two_points(w, expected, words):
    assert round(slope(w), 4) == expected
    assert line_slope(w) == pytest.approx(slope(w), abs=1e-12)
    assert line_loss(w) == pytest.approx(loss(w), abs=1e-12)
    lesson = DerivativeLesson(w=w)
    assert round(lesson.slope(), 4) == expected
    assert lesson.advice() == words


def test_minimum_and_zero_slope():
    assert best_w() == pytest.approx(2.0)
    assert advice(line_slope(2.0)) == "zero: w is at the minimum"
    assert stable_lr_limit() == pytest.approx(2.0 / ((1 + 4 + 9) / 3))


def test_step_is_w_minus_eta_slope_and_back_reset_restore_exactly():
    lesson = DerivativeLesson(w=1.0, lr=0.1)
    expected = [1.0]
    for _ in range(5):
        w = expected[-1]
        expected.append(w - 0.1 * slope(w))
        lesson.step()
        assert lesson.w == pytest.approx(expected[-1], abs=1e-12)
    assert round(expected[1], 4) == 1.4667
    after_three = list(lesson.history[:4])
    assert lesson.back() and lesson.back()
    assert lesson.history == after_three
    assert lesson.steps == 3
    lesson.reset()
    assert lesson.history == [1.0]
    assert not lesson.back()
    lesson.reset(3.0)
    assert lesson.w == 3.0 and lesson.advice() == "positive: decrease w"


def test_tangent_touches_the_curve_with_the_slope():
    lesson = DerivativeLesson(w=1.0)
    t = lesson.tangent([1.0, 2.0])
    assert t[0] == pytest.approx(loss(1.0))
    assert t[1] - t[0] == pytest.approx(slope(1.0))


def test_difference_quotient_of_x_squared_is_2_1_at_x_1():
    assert difference_quotient(lambda x: x * x, 1.0, 0.1) == pytest.approx((1.1**2 - 1.0) / 0.1)
    assert round(difference_quotient(lambda x: x * x, 1.0, 0.1), 4) == 2.1
    quotients = dict(x_squared_quotients())
    assert quotients[0.001] == pytest.approx(2.001)
    assert quotients[1.0] == pytest.approx(3.0)
