"""The MLP: parameter layout, initialization, argument checking, evaluation helpers."""

import numpy as np
import pytest

from mlpviz.engine import MLP, Trace


def test_shapes_and_parameter_count():
    mlp = MLP((4, 5, 3, 2), seed=0)
    assert [w.shape for w in mlp.weights] == [(5, 4), (3, 5), (2, 3)]
    assert [b.shape for b in mlp.biases] == [(5,), (3,), (2,)]
    assert mlp.n_params == 5 * 4 + 5 + 3 * 5 + 3 + 2 * 3 + 2
    assert mlp.params.shape == (mlp.n_params,)
    assert mlp.params.dtype == np.float64
    assert mlp.activation_names == ("sigmoid", "sigmoid", "sigmoid")
    assert mlp.output_activation == "sigmoid"
    assert mlp.loss == "mse"


def test_weights_and_biases_are_views_of_params():
    mlp = MLP((2, 3, 1), seed=0)
    for arr in (*mlp.weights, *mlp.biases):
        assert np.shares_memory(arr, mlp.params)
    mlp.params[...] = np.arange(mlp.n_params)
    # Layout per layer: W row-major (out, in), then b.
    np.testing.assert_array_equal(mlp.weights[0], [[0, 1], [2, 3], [4, 5]])
    np.testing.assert_array_equal(mlp.biases[0], [6, 7, 8])
    np.testing.assert_array_equal(mlp.weights[1], [[9, 10, 11]])
    np.testing.assert_array_equal(mlp.biases[1], [12])
    mlp.weights[1][0, 2] = -5.0
    assert mlp.params[11] == -5.0
    mlp.set_params(np.zeros(mlp.n_params))
    assert not mlp.weights[0].any()
    assert np.shares_memory(mlp.weights[0], mlp.params)  # set_params writes in place


def test_param_index_matches_views():
    mlp = MLP((3, 4, 2), seed=1)
    for l, (w, b) in enumerate(zip(mlp.weights, mlp.biases)):
        for node in range(w.shape[0]):
            assert mlp.params[mlp.param_index(("b", l, node))] == b[node]
            for inp in range(w.shape[1]):
                i = mlp.param_index(("w", l, node, inp))
                assert mlp.params[i] == w[node, inp]
    indices = {
        mlp.param_index(("w", l, j, i))
        for l in range(2)
        for j in range(mlp.layer_sizes[l + 1])
        for i in range(mlp.layer_sizes[l])
    } | {mlp.param_index(("b", l, j)) for l in range(2) for j in range(mlp.layer_sizes[l + 1])}
    assert indices == set(range(mlp.n_params))


@pytest.mark.parametrize(
    "bad", [("w", 0, 4, 0), ("w", 0, 0, 3), ("b", 1, 2), ("b", -1, 0), ("w", 2, 0, 0)]
)
def test_param_index_out_of_range(bad):
    with pytest.raises(IndexError):
        MLP((3, 4, 2)).param_index(bad)


@pytest.mark.parametrize("bad", [("x", 0, 0), ("b", 0, 0, 0)])
def test_param_index_bad_kind(bad):
    with pytest.raises(ValueError, match="parameter is"):
        MLP((3, 4, 2)).param_index(bad)


@pytest.mark.parametrize("init", ["uniform", "xavier", "he"])
def test_init_reproducible_by_seed(init):
    a = MLP((5, 7, 3), init=init, seed=42)
    b = MLP((5, 7, 3), init=init, seed=42)
    c = MLP((5, 7, 3), init=init, seed=43)
    np.testing.assert_array_equal(a.params, b.params)
    assert not np.array_equal(a.weights[0], c.weights[0])
    # Re-initializing in place with the same seed gives the same network again.
    a.params[...] = 0.0
    a.initialize(init, 42)
    np.testing.assert_array_equal(a.params, b.params)


def test_uniform_init_range():
    mlp = MLP((50, 40, 30), init="uniform", seed=0)
    for arr in (*mlp.weights, *mlp.biases):
        assert arr.min() >= -1.0
        assert arr.max() <= 1.0
    w = mlp.weights[0]
    assert w.var() == pytest.approx(1.0 / 3.0, rel=0.05)  # Var U[−1, 1] = 1/3
    assert mlp.biases[0].std() > 0.3  # the tutorial draws biases too


def test_xavier_variance():
    fan_in, fan_out = 400, 600
    mlp = MLP((fan_in, fan_out, 1), init="xavier", seed=0)
    w = mlp.weights[0]
    assert w.var() == pytest.approx(2.0 / (fan_in + fan_out), rel=0.05)
    assert abs(w.mean()) < 0.01
    assert np.abs(w).max() <= np.sqrt(6.0 / (fan_in + fan_out))
    assert not mlp.biases[0].any()


def test_he_variance():
    fan_in, fan_out = 500, 400
    mlp = MLP((fan_in, fan_out, 1), "relu", init="he", seed=0)
    w = mlp.weights[0]
    assert w.var() == pytest.approx(2.0 / fan_in, rel=0.05)
    assert abs(w.mean()) < 0.01
    assert not mlp.biases[0].any()


def test_zeros_init():
    mlp = MLP((3, 4, 2), init="zeros", seed=1)
    assert not mlp.params.any()
    np.testing.assert_array_equal(mlp.forward(np.ones(3)).output, [0.5, 0.5])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"layer_sizes": (2, 3, 1), "hidden_activation": "swish"}, "unknown hidden activation"),
        ({"layer_sizes": (2, 3, 1), "output_activation": "swish"}, "unknown output activation"),
        ({"layer_sizes": (2, 3, 1), "hidden_activation": "softmax"}, "unknown hidden activation"),
        ({"layer_sizes": (2, 3, 2), "output_activation": "softmax", "loss": "mse"}, "softmax"),
        (
            {"layer_sizes": (2, 3, 1), "output_activation": "linear", "loss": "cross-entropy"},
            "cross-entropy needs a softmax or sigmoid output",
        ),
        ({"layer_sizes": (2, 3, 1), "loss": "hinge"}, "unknown loss"),
        ({"layer_sizes": (3,)}, "at least an input and an output"),
        ({"layer_sizes": (2, 0, 1)}, "at least an input and an output"),
        ({"layer_sizes": (2, 3, 3, 1), "hidden_activation": ["tanh"]}, "1 hidden activations"),
        ({"layer_sizes": (2, 3, 1), "init": "glorot"}, "unknown initialization"),
    ],
)
def test_bad_arguments_raise_helpful_value_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        MLP(**kwargs)


def test_error_messages_list_the_choices():
    with pytest.raises(ValueError) as info:
        MLP((2, 3, 1), hidden_activation="swish")
    for name in ("sigmoid", "tanh", "relu", "linear"):
        assert name in str(info.value)


def test_per_layer_activations_and_default_loss():
    mlp = MLP((2, 3, 4, 3), ["tanh", "relu"], "softmax", seed=0)
    assert mlp.activation_names == ("tanh", "relu", "softmax")
    assert mlp.loss == "cross-entropy"
    y = mlp.forward(np.array([[0.5, -0.5], [1.0, 2.0]])).output
    np.testing.assert_allclose(y.sum(axis=1), 1.0)
    assert "softmax" in repr(mlp)


def test_copy_is_independent():
    mlp = MLP((2, 3, 1), seed=3)
    other = mlp.copy()
    np.testing.assert_array_equal(other.params, mlp.params)
    assert not np.shares_memory(other.params, mlp.params)
    assert np.shares_memory(other.weights[0], other.params)
    other.weights[0][0, 0] += 1.0
    other.biases[1][0] = 7.0
    assert mlp.weights[0][0, 0] != other.weights[0][0, 0]
    assert mlp.biases[1][0] != 7.0
    assert other.params[other.param_index(("b", 1, 0))] == 7.0
    x = np.array([0.2, 0.4])
    assert mlp.forward(x).output[0] != other.forward(x).output[0]


def test_forward_single_row_and_batch():
    mlp = MLP((3, 4, 2), "tanh", "linear", seed=0)
    x = np.array([0.1, -0.2, 0.3])
    tr = mlp.forward(x)
    assert isinstance(tr, Trace)
    assert tr.output.shape == (2,)
    assert tr.single
    assert [s.shape for s in tr.sums] == [(1, 4), (1, 2)]
    assert [a.shape for a in tr.activations] == [(1, 3), (1, 4), (1, 2)]
    assert tr.masks == [None, None]
    X = np.stack([x, 2 * x, -x])
    Y = mlp.forward(X).output
    assert Y.shape == (3, 2)
    np.testing.assert_allclose(Y[0], tr.output, rtol=1e-14)
    # By hand.
    h = np.tanh(mlp.weights[0] @ x + mlp.biases[0])
    np.testing.assert_allclose(tr.output, mlp.weights[1] @ h + mlp.biases[1], rtol=1e-13)
    np.testing.assert_array_equal(mlp.predict(X), Y)


def test_forward_rejects_wrong_width():
    mlp = MLP((3, 2, 1))
    with pytest.raises(ValueError, match="3 inputs"):
        mlp.forward(np.ones(4))
    with pytest.raises(ValueError, match="3 inputs"):
        mlp.forward(np.ones((2, 2)))


def test_forward_with_other_params():
    mlp = MLP((2, 3, 1), seed=0)
    other = MLP((2, 3, 1), seed=1)
    X = np.array([[0.1, 0.9], [0.5, 0.5]])
    np.testing.assert_array_equal(
        mlp.forward(X, params=other.params).output, other.forward(X).output
    )
    assert mlp.loss_value(X, [0.0, 1.0], params=other.params) == other.loss_value(X, [0.0, 1.0])
    with pytest.raises(ValueError):
        mlp.views_of(np.zeros(3))


def test_loss_value_mse_and_cross_entropy():
    mlp = MLP((2, 3, 2), "tanh", "sigmoid", seed=2)
    X = np.array([[0.1, 0.2], [0.3, -0.4], [1.0, 0.0]])
    Z = np.array([[0.0, 1.0], [1.0, 1.0], [0.5, 0.0]])
    y = mlp.forward(X).output
    # mse: mean over rows of ½Σ_k (y_k − z_k)²
    assert mlp.loss_value(X, Z) == pytest.approx(np.mean(0.5 * ((y - Z) ** 2).sum(axis=1)))
    ce = MLP((2, 3, 2), "tanh", "sigmoid", seed=2, loss="cross-entropy")
    expected = np.mean(-(Z * np.log(y) + (1 - Z) * np.log(1 - y)).sum(axis=1))
    assert ce.loss_value(X, Z) == pytest.approx(expected, rel=1e-12)
    sm = MLP((2, 3, 2), "tanh", "softmax", seed=2)
    p = sm.forward(X).output
    Zs = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]])
    assert sm.loss_value(X, Zs) == pytest.approx(np.mean(-(Zs * np.log(p)).sum(axis=1)))


@pytest.mark.parametrize(
    ("sizes", "hidden", "output", "loss"),
    [
        ((2, 3, 1), "sigmoid", "sigmoid", None),
        ((3, 5, 4, 2), "relu", "linear", None),
        ((2, 4, 3), "tanh", "softmax", None),
        ((2, 4, 3), "tanh", "sigmoid", "cross-entropy"),
        ((1, 1), "sigmoid", "linear", None),
    ],
)
def test_losses_for_equals_a_loop_of_loss_value(sizes, hidden, output, loss):
    mlp = MLP(sizes, hidden, output, seed=0, loss=loss)
    rng = np.random.default_rng(0)
    P = rng.normal(size=(7, mlp.n_params))
    X = rng.uniform(-1, 1, (5, sizes[0]))
    Z = rng.dirichlet(np.ones(sizes[-1]), size=5) if sizes[-1] > 1 else rng.uniform(0, 1, 5)
    expected = [mlp.loss_value(X, Z, params=p) for p in P]
    np.testing.assert_allclose(mlp.losses_for(P, X, Z), expected, rtol=1e-12)
    # Tiny chunks give the same answer.
    np.testing.assert_allclose(mlp.losses_for(P, X, Z, chunk_elements=1), expected, rtol=1e-12)
    # One vector, one row.
    assert mlp.losses_for(P[0], X[0], Z[0]).shape == (1,)
    assert mlp.losses_for(P[0], X[0], Z[0])[0] == pytest.approx(
        mlp.loss_value(X[0], Z[0], params=P[0]), rel=1e-12
    )
