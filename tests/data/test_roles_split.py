"""Column roles and the seeded train/test split."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlpviz.data import Dataset, DatasetError, default_roles, select, train_test_split

DS = Dataset(columns=("a", "b", "c", "d"), values=np.arange(12.0).reshape(3, 4))


def test_select_by_name_and_position_in_the_order_asked():
    X, Z = select(DS, ["c", 0], [3])
    assert X.tolist() == [[2, 0], [6, 4], [10, 8]]
    assert Z.tolist() == [[3], [7], [11]]
    X[0, 0] = 99  # a copy: the dataset stays as loaded
    assert DS.values[0, 2] == 2


@pytest.mark.parametrize(
    ("inputs", "targets", "match"),
    [
        (["a", "zz"], ["d"], "unknown input column 'zz'"),
        (["a"], [7], "target column 7 is out of range"),
        (["a", "b"], ["b"], "column 'b' cannot be both an input and a target"),
        ([], ["d"], "at least one input"),
        (["a"], [], "at least one target"),
        (["a", "a"], ["d"], "listed twice"),
        ([True], ["d"], "names or 0-based numbers"),
    ],
)
def test_select_errors(inputs, targets, match):
    with pytest.raises(DatasetError, match=match):
        select(DS, inputs, targets)


def test_default_roles():
    assert default_roles(["I0", "I1", "Z0"]) == (["I0", "I1"], ["Z0"])
    assert default_roles(["i0", "z0", "z1"]) == (["i0"], ["z0", "z1"])
    assert default_roles(["x", "y", "label"]) == (["x", "y"], ["label"])
    assert default_roles(["I0", "other", "Z0"]) == (["I0", "other"], ["Z0"])
    with pytest.raises(DatasetError):
        default_roles(["only"])


@settings(max_examples=100, deadline=None)
@given(n=st.integers(1, 500), frac=st.floats(0, 0.99), seed=st.integers(0, 2**32))
def test_split_is_disjoint_complete_and_reproducible(n, frac, seed):
    train, test = train_test_split(n, frac, seed)
    again = train_test_split(n, frac, seed)
    assert np.array_equal(train, again[0]) and np.array_equal(test, again[1])
    assert np.intersect1d(train, test).size == 0
    assert np.array_equal(np.sort(np.concatenate([train, test])), np.arange(n))
    assert len(train) >= 1
    assert np.all(np.diff(train) > 0) and np.all(np.diff(test) > 0)
    if frac == 0 or n == 1:
        assert len(test) == 0
    else:
        assert len(test) == min(max(1, int(n * frac + 0.5)), n - 1)


def test_split_depends_on_the_seed():
    assert not np.array_equal(train_test_split(100, 0.3, 1)[1], train_test_split(100, 0.3, 2)[1])


def test_split_sizes():
    assert [len(a) for a in train_test_split(10, 0.25, 0)] == [7, 3]  # 2.5 rounds up
    assert [len(a) for a in train_test_split(4, 0.0, 0)] == [4, 0]
    assert [len(a) for a in train_test_split(2, 0.9, 0)] == [1, 1]


@pytest.mark.parametrize(("n", "frac"), [(0, 0.1), (5, 1.0), (5, -0.1), (5, float("nan"))])
def test_split_rejects_bad_arguments(n, frac):
    with pytest.raises(ValueError):
        train_test_split(n, frac, 0)
