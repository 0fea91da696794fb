"""Lesson 2 numbers: the table as x_k = 3·0.8ᵏ, f = 25·0.64ᵏ, and the printed table's errors."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlpviz.lessons.bowl import (
    PRINTED_TABLE,
    BowlLesson,
    closed_form,
    printed_differences,
    serious_differences,
)


def run(steps: int) -> BowlLesson:
    lesson = BowlLesson()
    for _ in range(steps):
        lesson.step()
    return lesson


def test_rows_follow_the_closed_form():
    lesson = run(12)
    for k, row in enumerate(lesson.rows, start=1):
        assert row.step == k
        assert row.x_old == pytest.approx(3 * 0.8 ** (k - 1))
        assert row.grad_x == pytest.approx(2 * 3 * 0.8 ** (k - 1))
        assert row.x_new == pytest.approx(3 * 0.8**k)
        assert row.y_new == pytest.approx(4 * 0.8**k)
        assert row.grad_y == pytest.approx(2 * 4 * 0.8 ** (k - 1))
        # The printed f column is the value at (x_new, y_new).
        assert row.f == pytest.approx(25 * 0.64**k)
        assert closed_form(k) == pytest.approx((3 * 0.8**k, 4 * 0.8**k))


def test_the_first_rows_match_the_printed_table():
    lesson = run(5)
    for row, printed in zip(lesson.rows, PRINTED_TABLE):
        got = (row.x_old, row.grad_x, row.x_new, row.y_old, row.grad_y, row.y_new, row.f)
        assert tuple(round(v, 4) for v in got) == printed


def test_the_three_wrong_f_values_are_found_and_corrected():
    lesson = run(10)
    wrong = serious_differences(lesson.rows)
    assert [(d.step, d.column, d.printed) for d in wrong] == [
        (8, "f", 0.7140),
        (9, "f", 0.3579),
        (10, "f", 0.2294),
    ]
    assert [round(d.correct, 4) for d in wrong] == [0.7037, 0.4504, 0.2882]
    assert [round(25 * 0.64**k, 4) for k in (8, 9, 10)] == [0.7037, 0.4504, 0.2882]
    # Everything else the text prints is at most one unit in the last digit off.
    for d in printed_differences(lesson.rows):
        if not d.serious:
            assert abs(d.printed - d.correct) < 1.5e-4


def test_no_comparison_for_another_learning_rate():
    lesson = BowlLesson(lr=0.2)
    for _ in range(10):
        lesson.step()
    assert lesson.differences() == []
    assert lesson.point == pytest.approx((3 * 0.6**10, 4 * 0.6**10))


def test_step_back_reset_restore_exactly():
    lesson = run(4)
    rows = list(lesson.rows)
    lesson.step()
    assert lesson.back()
    assert lesson.rows == rows
    lesson.reset()
    assert lesson.rows == [] and lesson.point == (3.0, 4.0)
    assert not lesson.back()
    assert len(lesson.path()) == 1


@given(st.lists(st.booleans(), max_size=40))
@settings(max_examples=60, deadline=None)
def test_any_sequence_of_steps_and_backs_matches_a_plain_list(moves):
    """Back undoes exactly one Step, in any order; extra Backs at the start do nothing."""
    lesson = BowlLesson()
    model: list[int] = []
    for forward in moves:
        if forward:
            lesson.step()
            model.append(len(model) + 1)
        else:
            assert lesson.back() == bool(model)
            if model:
                model.pop()
        assert [r.step for r in lesson.rows] == model
        assert lesson.point == pytest.approx(closed_form(len(model)))
