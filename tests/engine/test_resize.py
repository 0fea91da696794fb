"""Resizing hidden layers keeps every weight whose place still exists."""

from __future__ import annotations

import numpy as np
import pytest

from mlpviz.engine.mlp import MLP
from mlpviz.engine.resize import kept_blocks, resize_network, resize_params, resized
from mlpviz.engine.settings import NetworkSpec


def trained(sizes, seed=3):
    mlp = MLP(sizes, "tanh", "sigmoid", "uniform", seed)
    mlp.set_params(np.random.default_rng(seed + 100).normal(size=mlp.n_params))
    return mlp


def test_adding_a_neuron_keeps_every_weight_and_draws_the_new_ones_from_the_init():
    old = trained((2, 3, 1))
    fresh = MLP((2, 4, 1), "tanh", "sigmoid", "xavier", 7)
    new = resized(old, fresh.copy())
    np.testing.assert_array_equal(new.weights[0][:3], old.weights[0])
    np.testing.assert_array_equal(new.biases[0][:3], old.biases[0])
    np.testing.assert_array_equal(new.weights[1][:, :3], old.weights[1])
    np.testing.assert_array_equal(new.biases[1], old.biases[1])
    # The new neuron's incoming row, bias and outgoing column are the init's.
    np.testing.assert_array_equal(new.weights[0][3], fresh.weights[0][3])
    assert new.biases[0][3] == fresh.biases[0][3]
    np.testing.assert_array_equal(new.weights[1][:, 3], fresh.weights[1][:, 3])


def test_removing_a_neuron_drops_its_row_and_column_only():
    old = trained((2, 4, 3, 1))
    new = resized(old, MLP((2, 4, 2, 1), "tanh", "sigmoid", "uniform", 0))
    np.testing.assert_array_equal(new.weights[0], old.weights[0])
    np.testing.assert_array_equal(new.weights[1], old.weights[1][:2])
    np.testing.assert_array_equal(new.biases[1], old.biases[1][:2])
    np.testing.assert_array_equal(new.weights[2], old.weights[2][:, :2])
    np.testing.assert_array_equal(new.biases[2], old.biases[2])


def test_adding_a_layer_keeps_the_layers_before_it_and_the_output_biases():
    old = trained((2, 3, 2))
    fresh = MLP((2, 3, 5, 2), "tanh", "sigmoid", "uniform", 11)
    new = resized(old, fresh.copy())
    np.testing.assert_array_equal(new.weights[0], old.weights[0])
    np.testing.assert_array_equal(new.biases[0], old.biases[0])
    np.testing.assert_array_equal(new.biases[2], old.biases[1])
    # The output's inputs are the new layer's nodes now: those weights are new.
    np.testing.assert_array_equal(new.weights[1], fresh.weights[1])
    np.testing.assert_array_equal(new.weights[2], fresh.weights[2])
    assert kept_blocks((2, 3, 2), (2, 3, 5, 2)) == [(0, 0, 3, 2, True), (1, 2, 2, 0, False)]


def test_removing_a_layer_then_adding_it_back_restores_what_was_kept():
    old = trained((3, 4, 4, 2))
    smaller = resized(old, MLP((3, 4, 2), "tanh", "sigmoid", "uniform", 1))
    again = resized(smaller, MLP((3, 4, 4, 2), "tanh", "sigmoid", "uniform", 1))
    np.testing.assert_array_equal(again.weights[0], old.weights[0])
    np.testing.assert_array_equal(again.biases[2], old.biases[2])
    assert not np.array_equal(again.weights[1], old.weights[1])


def test_the_same_sizes_keep_everything_bit_for_bit():
    old = trained((2, 5, 3, 1))
    out = resize_params(old.layer_sizes, old.params, old.layer_sizes, np.zeros(old.n_params))
    np.testing.assert_array_equal(out, old.params)


def test_inputs_are_not_modified_and_bad_shapes_are_refused():
    old = trained((2, 3, 1))
    before = old.params.copy()
    fresh = np.zeros(MLP((2, 4, 1)).n_params)
    resize_params((2, 3, 1), old.params, (2, 4, 1), fresh)
    np.testing.assert_array_equal(old.params, before)
    assert not fresh.any()
    with pytest.raises(ValueError, match="only hidden layers"):
        kept_blocks((2, 3, 1), (3, 3, 1))
    with pytest.raises(ValueError, match="old parameters"):
        resize_params((2, 3, 1), old.params[:-1], (2, 4, 1), fresh)


def test_resize_network_builds_the_spec_and_carries_or_sets_the_weights():
    old = trained((2, 3, 1))
    spec = NetworkSpec(hidden=(5,), hidden_activations=("tanh",), init="he", seed=4)
    new = resize_network(old, spec, 2, 1)
    assert new.layer_sizes == (2, 5, 1) and new.activation_names == ("tanh", "sigmoid")
    expected = spec.build(2, 1)
    expected.weights[0][:3] = old.weights[0]
    expected.biases[0][:3] = old.biases[0]
    expected.weights[1][:, :3] = old.weights[1]
    expected.biases[1][:] = old.biases[1]
    np.testing.assert_array_equal(new.params, expected.params)
    given = np.arange(new.n_params, dtype=float)
    np.testing.assert_array_equal(resize_network(old, spec, 2, 1, given).params, given)
