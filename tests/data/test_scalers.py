"""Scalers: the tutorial's normalization tables, fixed ranges, constant columns, round trips."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from mlpviz.data import (
    IdentityScaler,
    MinMaxScaler,
    Scaler,
    ZScoreScaler,
    load_example,
    make_scaler,
    scaler_from_dict,
)

# The normalization dataset of the MLP tutorial (I0, I1, Z0).
EXAM = load_example("exam-scores").values


# -- the tutorial's tables ------------------------------------------------------------------


def test_zero_one_table_of_the_tutorial():
    scaled = MinMaxScaler(0, 1).fit_transform(EXAM)
    # Row 1 is the worked forward pass's x = (1.0, 1.0), and the target 91 → 1.0:
    # exactly, not approximately.
    assert scaled[0].tolist() == [1.0, 1.0, 1.0]
    # The printed table truncates (0.5555, 0.8888, 0.9032); these are rounded
    # to 4 decimals. Z0 is not printed in the text; its values are ours.
    assert np.round(scaled, 4).tolist() == [
        [1.0, 1.0, 1.0],
        [0.5556, 0.5806, 0.6087],  # 25/45, 18/31, 14/23
        [0.8889, 0.0, 0.5217],  # 40/45 (the text's "65 → 0.8888"), 0/31, 12/23
        [0.0, 0.9032, 0.0],  # 0, 28/31, 0
    ]


def test_minus_one_one_table_of_the_tutorial():
    scaled = MinMaxScaler(-1, 1).fit_transform(EXAM)
    # tutorial-notes.md item 3: the printed [−1, 1] table gives −0.1111 for
    # input 50 of I0; (50 − 25)/(70 − 25)·2 − 1 = +0.1111.
    assert scaled[1, 0] == pytest.approx(1 / 9)
    assert round(scaled[1, 0], 4) == 0.1111
    assert np.round(scaled, 4).tolist() == [
        [1.0, 1.0, 1.0],
        [0.1111, 0.1613, 0.2174],
        [0.7778, -1.0, 0.0435],
        [-1.0, 0.8065, -1.0],  # the text truncates 0.80645… to 0.8064
    ]


def test_minus_one_one_is_the_zero_one_value_times_two_minus_one():
    t = MinMaxScaler(0, 1).fit_transform(EXAM)
    assert np.array_equal(MinMaxScaler(-1, 1).fit_transform(EXAM), t * 2 - 1)


def test_fixed_range_zero_to_hundred():
    # The companion code's later version scales scores with 0..100.
    scaler = make_scaler("0,1:0,100").fit(EXAM[:, 2:])
    assert scaler.transform(np.array([[91.0]]))[0, 0] == pytest.approx(0.91)
    assert scaler.transform(np.array([91.0])).tolist() == pytest.approx([0.91])
    assert scaler.warnings == []
    # The data do not move a fixed range.
    assert scaler.fit(np.array([[10.0], [20.0]])).transform(np.array([[50.0]]))[0, 0] == 0.5


def test_fixed_range_warns_about_values_outside():
    scaler = MinMaxScaler(data_min=0, data_max=90).fit(EXAM, names=["I0", "I1", "Z0"])
    assert len(scaler.warnings) == 2
    assert "'I1'" in scaler.warnings[0] and "outside" in scaler.warnings[0]


@pytest.mark.parametrize(
    ("low", "high", "middle"), [(0.0, 1.0, 0.5), (-1.0, 1.0, 0.0), (2.0, 4.0, 3.0)]
)
def test_constant_column_maps_to_middle_with_warning(low, high, middle):
    values = np.array([[7.0, 1.0], [7.0, 3.0], [7.0, 2.0]])
    scaler = MinMaxScaler(low, high)
    scaled = scaler.fit_transform(values, names=["const", "v"])
    assert np.all(np.isfinite(scaled))
    assert scaled[:, 0].tolist() == [middle] * 3
    assert len(scaler.warnings) == 1 and "'const'" in scaler.warnings[0]
    assert "constant" in scaler.warnings[0]
    assert scaler.inverse_transform(scaled).tolist() == values.tolist()
    # Any scaled value of a constant column decodes to the constant.
    assert scaler.inverse_transform(np.array([[high, low]]))[0, 0] == 7.0


def test_zscore_constant_column_is_zero_with_warning():
    values = np.array([[5.0, 1.0], [5.0, 3.0]])
    scaler = ZScoreScaler()
    scaled = scaler.fit_transform(values)
    assert scaled.tolist() == [[0.0, -1.0], [0.0, 1.0]]
    assert len(scaler.warnings) == 1 and "column 1" in scaler.warnings[0]
    assert scaler.inverse_transform(scaled).tolist() == values.tolist()


def test_zscore_constant_column_whose_mean_is_inexact():
    values = np.full((3, 1), 0.1)  # np.mean gives 0.10000000000000002 here
    scaler = ZScoreScaler()
    assert scaler.fit_transform(values).tolist() == [[0.0]] * 3
    assert scaler.warnings and scaler.inverse_transform(np.zeros((1, 1)))[0, 0] == 0.1


def test_warnings_reset_on_refit():
    scaler = MinMaxScaler()
    scaler.fit(np.array([[1.0, 2.0], [1.0, 3.0]]))
    assert scaler.warnings
    scaler.fit(np.array([[1.0, 2.0], [2.0, 3.0]]))
    assert scaler.warnings == []


def test_identity():
    scaler = IdentityScaler().fit(EXAM)
    out = scaler.transform(EXAM)
    assert np.array_equal(out, EXAM) and out is not EXAM


# -- make_scaler ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "kind", "low", "high", "fixed"),
    [
        ("0,1", MinMaxScaler, 0, 1, None),
        ("minmax", MinMaxScaler, 0, 1, None),
        ("-1,1", MinMaxScaler, -1, 1, None),
        (" [-1, 1] ", MinMaxScaler, -1, 1, None),
        ("0,1:0,100", MinMaxScaler, 0, 1, (0, 100)),
        ("-1,1:0,100", MinMaxScaler, -1, 1, (0, 100)),
        ("fixed:0,100", MinMaxScaler, 0, 1, (0, 100)),
        ("zscore", ZScoreScaler, None, None, None),
        ("Standard", ZScoreScaler, None, None, None),
        ("none", IdentityScaler, None, None, None),
        ("identity", IdentityScaler, None, None, None),
    ],
)
def test_make_scaler_specs(spec, kind, low, high, fixed):
    scaler = make_scaler(spec)
    assert type(scaler) is kind
    if kind is MinMaxScaler:
        assert (scaler.low, scaler.high) == (low, high)
        assert scaler.fixed == (fixed is not None)
        if fixed:
            assert (float(scaler.data_min), float(scaler.data_max)) == fixed


@pytest.mark.parametrize(
    "spec", ["", "1", "1,1", "2,1", "0,1:", "0,1:5,1", "abc", "nan,1", "0,1,2"]
)
def test_make_scaler_rejects_bad_specs(spec):
    with pytest.raises(ValueError, match="zscore"):  # the message shows the syntax
        make_scaler(spec)


# -- serialization ----------------------------------------------------------------------


@pytest.mark.parametrize("spec", ["0,1", "-1,1", "0,1:0,100", "zscore", "none"])
def test_to_dict_from_dict_round_trip_through_json(spec):
    scaler = make_scaler(spec).fit(EXAM)
    d = json.loads(json.dumps(scaler.to_dict()))
    again = scaler_from_dict(d)
    assert type(again) is type(scaler)
    assert np.array_equal(again.transform(EXAM), scaler.transform(EXAM))
    assert type(scaler).from_dict(d).to_dict() == scaler.to_dict()


def test_unfitted_scaler_round_trips_and_refuses_to_transform():
    d = MinMaxScaler(-1, 1).to_dict()
    again = scaler_from_dict(d)
    assert (again.low, again.high, again.data_min) == (-1, 1, None)
    with pytest.raises(RuntimeError, match="fit"):
        again.transform(EXAM)


@pytest.mark.parametrize(
    "d",
    [
        None,
        [],
        {},
        {"kind": "robust"},
        {"kind": "minmax"},
        {"kind": "minmax", "low": 0, "high": 1, "fixed": False, "data_min": [0], "data_max": None},
        {"kind": "minmax", "low": 1, "high": 0, "fixed": False, "data_min": None, "data_max": None},
        {"kind": "minmax", "low": 0, "high": 1, "fixed": "no", "data_min": None, "data_max": None},
        {"kind": "minmax", "low": 0, "high": 1, "fixed": True, "data_min": None, "data_max": None},
        {
            "kind": "minmax",
            "low": "0",
            "high": 1,
            "fixed": False,
            "data_min": None,
            "data_max": None,
        },
        {
            "kind": "minmax",
            "low": 0,
            "high": 1,
            "fixed": False,
            "data_min": [0, 1],
            "data_max": [1],
        },
        {"kind": "minmax", "low": 0, "high": 1, "fixed": False, "data_min": [2], "data_max": [1]},
        {
            "kind": "minmax",
            "low": 0,
            "high": 1,
            "fixed": True,
            "data_min": [[0]],
            "data_max": [[1]],
        },
        {"kind": "minmax", "low": 0, "high": 1, "fixed": True, "data_min": 0, "data_max": 1e309},
        {
            "kind": "minmax",
            "low": 0,
            "high": True,
            "fixed": False,
            "data_min": None,
            "data_max": None,
        },
        {"kind": "zscore", "mean": [0.0], "std": None},
        {"kind": "zscore", "mean": [0.0], "std": [-1.0]},
        {"kind": "zscore", "mean": [0.0, 1.0], "std": [1.0]},
        {"kind": "zscore", "mean": ["a"], "std": [1.0]},
        {"kind": "zscore", "mean": [float("nan")], "std": [1.0]},
    ],
)
def test_from_dict_rejects_bad_content(d):
    with pytest.raises(ValueError):
        scaler_from_dict(d)


def test_from_dict_on_a_subclass_checks_the_kind():
    with pytest.raises(ValueError, match="expected a 'zscore' scaler"):
        ZScoreScaler.from_dict({"kind": "none"})


def test_shape_mismatch_and_non_finite_input_are_refused():
    scaler = MinMaxScaler().fit(EXAM)
    with pytest.raises(ValueError, match="3 columns"):
        scaler.transform(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="finite"):
        scaler.transform(np.array([[np.nan, 1.0, 2.0]]))
    with pytest.raises(ValueError, match="zero rows"):
        MinMaxScaler().fit(np.zeros((0, 2)))


def test_overflowing_range_is_refused_not_warned():
    with pytest.raises(ValueError, match="too wide"):
        MinMaxScaler().fit(np.array([[-1e308], [1e308]]))
    with pytest.raises(ValueError, match="too large"):
        ZScoreScaler().fit(np.array([[-1e308], [1e308]]))


# -- round trips on random data ---------------------------------------------------------

tables = hnp.arrays(
    np.float64,
    hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=6),
    elements=st.floats(-1e9, 1e9, allow_nan=False, allow_infinity=False),
)
SPECS = ["0,1", "-1,1", "0,1:-1e9,1e9", "2,5:-10,10", "zscore", "none"]


@settings(max_examples=150, deadline=None)
@given(values=tables, spec=st.sampled_from(SPECS))
def test_transform_then_inverse_gives_back_the_values(values, spec):
    scaler: Scaler = make_scaler(spec).fit(values)
    scaled = scaler.transform(values)
    assert scaled.shape == values.shape
    assert np.isfinite(scaled).all()
    back = scaler.inverse_transform(scaled)
    # Error scale: a few ulps of the largest magnitude involved — the values
    # or, for a fixed range, the range's ends.
    scale = np.abs(values).max(axis=0) + 1.0
    if isinstance(scaler, MinMaxScaler):
        scale = np.maximum(scale, np.abs(scaler.data_min) + np.abs(scaler.data_max))
    assert np.all(np.abs(back - values) <= 1e-12 * scale)


@settings(max_examples=100, deadline=None)
@given(values=tables, low=st.floats(-10, 10), width=st.floats(0.1, 10))
def test_fitted_minmax_lands_in_range(values, low, width):
    high = low + width
    scaled = MinMaxScaler(low, high).fit_transform(values)
    assert np.all(scaled >= low - 1e-12 * (abs(low) + 1))
    assert np.all(scaled <= high + 1e-12 * (abs(high) + 1))
