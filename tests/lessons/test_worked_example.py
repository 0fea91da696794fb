"""Lesson 4: the tutorial's worked example, recomputed here with math.exp."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mlpviz.lessons.worked_example import (
    TRAINING_EXAMPLE,
    WorkedExample,
    delta_output,
    fmt4,
    normalization_table,
    text_differences,
)

WH = [[-0.5, -1.0], [-0.5, 0.5], [1.0, 0.0]]
BH = [0.5, 0.5, 0.5]
WO = [0.5, -1.0, 0.0]
BO = 0.5


def sig(s: float) -> float:
    return 1.0 / (1.0 + math.exp(-s))


def by_hand(x, z, lr=0.1):
    sums = [x[0] * w[0] + x[1] * w[1] + b for w, b in zip(WH, BH)]
    acts = [sig(s) for s in sums]
    s_out = sum(a * w for a, w in zip(acts, WO)) + BO
    y = sig(s_out)
    d_o = y * (1 - y) * (y - z)
    d_h = [a * (1 - a) * w * d_o for a, w in zip(acts, WO)]
    new_wh = [[w - lr * d * xi for w, xi in zip(row, x)] for row, d in zip(WH, d_h)]
    new_bh = [b - lr * d for b, d in zip(BH, d_h)]
    new_wo = [w - lr * d_o * a for w, a in zip(WO, acts)]
    new_bo = BO - lr * d_o
    return dict(
        sums=sums,
        acts=acts,
        s_out=s_out,
        y=y,
        loss=0.5 * (y - z) ** 2,
        d_o=d_o,
        d_h=d_h,
        new_wh=new_wh,
        new_bh=new_bh,
        new_wo=new_wo,
        new_bo=new_bo,
    )


def test_first_row_normalizes_to_one_one_and_target_one():
    # min-max [0, 1] of 70 (25..70), 98 (67..98) and the target 91 (68..91)
    x = ((70 - 25) / (70 - 25), (98 - 67) / (98 - 67))
    s = WorkedExample().current()
    assert tuple(s.x) == x == (1.0, 1.0)
    assert s.z == (91 - 68) / (91 - 68) == 1.0
    assert s.raw_inputs == (70.0, 98.0) and s.raw_target == 91.0


def test_the_worked_example_numbers():
    s = WorkedExample().current()
    h = by_hand((1.0, 1.0), 1.0)
    assert [round(v, 4) for v in h["sums"]] == [-1.0, 0.5, 1.5]
    assert [round(v, 4) for v in h["acts"]] == [0.2689, 0.6225, 0.8176]
    assert round(h["s_out"], 4) == 0.0120
    assert round(h["y"], 4) == 0.5030
    assert round(h["d_o"], 4) == -0.1242
    np.testing.assert_allclose(s.hidden_sums, h["sums"], atol=1e-12)
    np.testing.assert_allclose(s.hidden_acts, h["acts"], atol=1e-12)
    assert s.output_sum == pytest.approx(h["s_out"], abs=1e-12)
    assert s.y == pytest.approx(h["y"], abs=1e-12)
    assert s.loss == pytest.approx(h["loss"], abs=1e-12)
    assert s.delta_o == pytest.approx(h["d_o"], abs=1e-12)
    np.testing.assert_allclose(s.delta_h, h["d_h"], atol=1e-12)
    np.testing.assert_allclose(s.grad_wo, [h["d_o"] * a for a in h["acts"]], atol=1e-12)
    np.testing.assert_allclose(s.new_wh, h["new_wh"], atol=1e-12)
    np.testing.assert_allclose(s.new_bh, h["new_bh"], atol=1e-12)
    np.testing.assert_allclose(s.new_wo, h["new_wo"], atol=1e-12)
    assert s.new_bo == pytest.approx(h["new_bo"], abs=1e-12)
    assert s.loss_after < s.loss


def test_the_texts_delta_with_the_raw_target():
    y = by_hand((1.0, 1.0), 1.0)["y"]
    raw = y * (1 - y) * (y - 91)
    assert round(raw, 2) == -22.62
    assert round(y * (1 - y), 4) == 0.2500  # the text prints 0.2494
    s = WorkedExample().current()
    assert s.delta_with_raw_target() == pytest.approx(raw, abs=1e-12)
    assert delta_output(y, 91.0) == pytest.approx(raw)


def test_step_back_reset_restore_exactly():
    lesson = WorkedExample(lr=0.1)
    start = lesson.params
    first = lesson.step()
    after_one = lesson.params
    h = by_hand((1.0, 1.0), 1.0)
    np.testing.assert_allclose(after_one[:2], h["new_wh"][0], atol=1e-12)
    assert first.update == 0 and lesson.current().row == 1
    for _ in range(5):
        lesson.step()
    assert lesson.current().epoch == 1 and lesson.current().row == 2
    for _ in range(5):
        assert lesson.back()
    assert np.array_equal(lesson.params, after_one)
    lesson.reset()
    assert np.array_equal(lesson.params, start)
    assert not lesson.back()


def test_both_tables_start_with_the_same_first_update():
    a = WorkedExample().current()
    b = WorkedExample(TRAINING_EXAMPLE).current()
    assert tuple(b.x) == (1.0, 1.0) and b.z == 1.0
    assert b.raw_inputs == (70.0, 100.0) and b.raw_target == 90.0
    assert b.delta_o == a.delta_o


def test_normalization_table_and_the_sign_error():
    rows = {(v.column, v.raw): v for v in normalization_table()}
    fifty = rows[("I0", 50.0)]
    assert round(fifty.minus_one_one, 4) == 0.1111 == round((50 - 25) / 45 * 2 - 1, 4)
    assert fifty.printed_minus_one_one == -0.1111 and fifty.wrong_sign()
    assert round(rows[("I0", 65.0)].zero_one, 4) == 0.8889 and rows[("I0", 65.0)].truncated()
    assert [v for v in normalization_table() if v.wrong_sign()] == [fifty]


def test_text_differences_name_every_item_with_numbers():
    text = " ".join(f"{n.title} {n.detail}" for n in text_differences())
    for fragment in (
        "−22.56",
        "−22.62",
        "−0.1242",
        "0.2500",
        "0.2494",
        "+0.1111",
        "yo[0], yo[1]",
        "??",
        "70,100,90",
        "70,98,91",
        "average",
    ):
        assert fragment in text


def test_load_spec_and_settings():
    lesson = WorkedExample(lr=0.25)
    spec, settings = lesson.spec(), lesson.settings()
    mlp = spec.build(2, 1)
    np.testing.assert_array_equal(mlp.params, WorkedExample().params)
    assert settings.learning_rate == 0.25 and settings.batch_size == 1
    assert settings.optimizer == "sgd" and not settings.shuffle


def test_fmt4():
    assert fmt4(-4.666666) == "−4.6667"
    assert fmt4(-0.00001) == "0.0000"
    assert fmt4(2.1) == "2.1000"
