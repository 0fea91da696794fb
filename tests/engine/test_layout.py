"""ParamLayout: where each weight and bias sits in the flat parameter vector."""

import numpy as np
import pytest

from mlpviz.engine.layout import ParamLayout, param_name
from mlpviz.engine.mlp import MLP

SIZES = [(2, 3, 1), (1, 1), (4, 5, 3, 2), (3, 1, 4)]


@pytest.mark.parametrize("sizes", SIZES)
def test_views_are_the_mlps_views(sizes):
    mlp = MLP(sizes, seed=3)
    layout = ParamLayout(sizes)
    assert layout.size == mlp.n_params
    assert mlp.layout == layout
    ws, bs = layout.split(mlp.params)
    for l in range(len(sizes) - 1):
        for got, expected in ((ws[l], mlp.weights[l]), (bs[l], mlp.biases[l])):
            assert got.shape == expected.shape
            assert np.shares_memory(got, mlp.params)
            np.testing.assert_array_equal(got, expected)
        assert layout.weights(mlp.params, l).shape == (sizes[l + 1], sizes[l])
        np.testing.assert_array_equal(layout.weights(mlp.params, l), mlp.weights[l])
        np.testing.assert_array_equal(layout.bias(mlp.params, l), mlp.biases[l])


@pytest.mark.parametrize("sizes", SIZES)
def test_slices_tile_the_vector_weights_before_biases(sizes):
    layout = ParamLayout(sizes)
    covered = np.zeros(layout.size, dtype=int)
    end = 0
    for l, (w, b) in enumerate(zip(layout.weight_slices, layout.bias_slices)):
        assert w.start == end and b.start == w.stop
        assert w.stop - w.start == sizes[l] * sizes[l + 1] and b.stop - b.start == sizes[l + 1]
        covered[w] += 1
        covered[b] += 1
        end = b.stop
    assert end == layout.size and (covered == 1).all()


@pytest.mark.parametrize("sizes", SIZES)
def test_index_and_param_round_trip(sizes):
    layout = ParamLayout(sizes)
    params = layout.params()
    assert len(params) == layout.size == len(set(params))
    for i, p in enumerate(params):
        assert layout.index(p) == i
        assert layout.param(i) == p
        assert layout.name(i) == param_name(p)


def test_index_matches_the_mlps_storage():
    mlp = MLP((3, 4, 2), seed=1)
    layout = mlp.layout
    for l in range(2):
        for j in range(mlp.layer_sizes[l + 1]):
            for i in range(mlp.layer_sizes[l]):
                assert mlp.params[layout.index(("w", l, j, i))] == mlp.weights[l][j, i]
            assert mlp.params[layout.index(("b", l, j))] == mlp.biases[l][j]


def test_writes_through_views_reach_the_flat_vector():
    layout = ParamLayout((2, 3, 1))
    flat = np.zeros(layout.size)
    layout.weights(flat, 1)[0, 2] = 7.0
    layout.bias(flat, 0)[1] = -2.0
    assert flat[layout.index(("w", 1, 0, 2))] == 7.0
    assert flat[layout.index(("b", 0, 1))] == -2.0
    assert np.count_nonzero(flat) == 2


def test_refusals():
    layout = ParamLayout((2, 3, 1))
    for bad in (("w", 2, 0, 0), ("w", 0, 3, 0), ("w", 0, 0, 2), ("b", 1, 1), ("w", -1, 0, 0)):
        with pytest.raises(IndexError, match="no parameter"):
            layout.index(bad)
    for bad in (("b", 0, 0, 0), ("w", 0, 0), ("x", 0, 0)):
        with pytest.raises(ValueError, match="a parameter is"):
            layout.index(bad)
    for i in (-1, layout.size):
        with pytest.raises(IndexError):
            layout.param(i)
    with pytest.raises(ValueError, match="8 parameters for a 2-3-1 network"):
        layout.split(np.zeros(8))


def test_names():
    assert param_name(("w", 0, 1, 0)) == "w[0][1][0]"
    assert param_name(("b", 1, 2)) == "b[1][2]"
    assert param_name(("w", np.int64(2), np.int64(0), 3)) == "w[2][0][3]"
    layout = ParamLayout((2, 3, 1))
    assert layout.name(0) == "w[0][0][0]"
    assert layout.name(6) == "b[0][0]"
    assert layout.name(layout.size - 1) == "b[1][0]"


def test_shared_layouts_are_equal_and_cached():
    a = ParamLayout.of([2, 3, 1])
    assert a is ParamLayout.of((np.int64(2), 3, 1))
    assert a == ParamLayout((2, 3, 1)) and hash(a) == hash(ParamLayout((2, 3, 1)))
    assert a != ParamLayout((2, 3, 2))
