"""The activation and loss registries: every record, in every kernel and pass.

Every test here loops over ACTIVATIONS / LOSSES, so a record added there is
checked in each place without touching this file.
"""

import itertools

import numpy as np
import pytest

from mlpviz.engine.activations import (
    ACTIVATIONS,
    HIDDEN_ACTIVATIONS,
    OUTPUT_ACTIVATIONS,
    get_activation,
)
from mlpviz.engine.explain import explain_step
from mlpviz.engine.kernels import batchpath, fastpath
from mlpviz.engine.kernels.epochloss import LossEvaluator
from mlpviz.engine.landscape.surface import loss_grid
from mlpviz.engine.losses import LOSSES, check_pairing, get_loss
from mlpviz.engine.mlp import MLP

ELEMENTWISE = [name for name, r in ACTIVATIONS.items() if r.elementwise]
# Sums over every region a function distinguishes: the tails, ±0, kinks' sides.
SUMS = np.array([-800.0, -40.0, -3.0, -1.0, -1e-300, -0.0, 0.0, 1e-300, 0.5, 2.0, 40.0, 800.0])


def pairs():
    """(hidden, output, loss) for every hidden record and every output it can train."""
    return [
        pytest.param(h, o, loss, id=f"{h}-{o}-{loss}")
        for h, o, loss in itertools.product(HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, LOSSES)
        if o in LOSSES[loss].outputs
    ]


def data(mlp, n, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(0.0, 1.5, (n, mlp.layer_sizes[0]))
    k = mlp.layer_sizes[-1]
    if mlp.output_activation == "softmax":
        Z = np.eye(k)[rng.integers(0, k, n)]
    else:
        Z = rng.uniform(0.05, 0.95, (n, k))
    return X, Z


# -- each record agrees with itself ----------------------------------------------


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_in_place_function_has_the_allocating_ones_bits(name):
    f = get_activation(name)
    s = np.stack([SUMS, -SUMS[::-1]])
    with np.errstate(over="ignore"):
        expected = f.f(s)
        got = f.f_in_place(s.copy())
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_every_form_of_the_derivative_gives_the_same_bits(name):
    f = get_activation(name)
    s = SUMS.copy()
    g = np.linspace(-3.0, 2.5, s.size)
    with np.errstate(over="ignore"):
        a = f.f(s)
    from_s = f.derivative(s, a) * g
    np.testing.assert_array_equal(f.derivative_times(a, g), from_s)
    out, tmp, mask = np.empty_like(g), np.empty_like(g), np.empty(g.shape, bool)
    got = f.times_derivative_(a, g.copy(), out, tmp, mask)
    np.testing.assert_array_equal(got, from_s)
    in_g = g.copy()  # the hidden layers' form: the result replaces g
    np.testing.assert_array_equal(f.times_derivative_(a, in_g, in_g, tmp, mask), from_s)
    if f.scalar is not None:
        # libm's exp and tanh may differ from NumPy's by an ulp.
        np.testing.assert_allclose([f.scalar(v) for v in s.tolist()], a, rtol=4e-16, atol=0)
        scalar = [f.scalar_derivative(y) * gi for y, gi in zip(a.tolist(), g.tolist())]
        np.testing.assert_array_equal(scalar, from_s)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_the_derivative_is_the_slope_of_the_function(name):
    f = get_activation(name)
    s = np.array([-2.0, -0.7, 0.3, 1.9])  # away from any kink
    h = 1e-6
    numeric = (f.f(s + h) - f.f(s - h)) / (2 * h)
    np.testing.assert_allclose(f.derivative(s, f.f(s)), numeric, rtol=1e-6, atol=1e-9)


def test_leaky_relu_is_one_record_with_its_slope():
    f = get_activation("leaky-relu")
    np.testing.assert_array_equal(f.f(np.array([-2.0, 0.0, 3.0])), [-0.02, 0.0, 3.0])
    assert f.hidden and f.output and "leaky-relu" in LOSSES["mse"].outputs
    assert "leaky-relu" not in LOSSES["cross-entropy"].outputs


# -- unknown names ---------------------------------------------------------------


def test_unknown_names_raise_naming_the_name_and_the_choices():
    with pytest.raises(ValueError, match=r"unknown activation 'swish'; choose one of sigmoid"):
        get_activation("swish")
    with pytest.raises(ValueError, match="unknown hidden activation 'softmax'"):
        get_activation("softmax", "hidden")
    with pytest.raises(ValueError, match=r"unknown loss 'hinge'; choose one of mse, cross-entropy"):
        get_loss("hinge")
    with pytest.raises(ValueError, match="unknown output activation 'swish'"):
        check_pairing("mse", "swish")


def renamed(hidden="tanh", output="sigmoid", loss=None):
    """A valid network whose names are then replaced (as a loaded file could)."""
    mlp = MLP((2, 3, 1), "tanh", "sigmoid", seed=0)
    mlp.activation_names = (hidden, output)
    if loss is not None:
        mlp.loss = loss
    return mlp


@pytest.mark.parametrize(
    ("mlp", "name"),
    [
        (lambda: renamed(hidden="swish"), "swish"),
        (lambda: renamed(output="swish"), "swish"),
        (lambda: renamed(loss="hinge"), "hinge"),
    ],
)
def test_an_unknown_name_raises_everywhere_it_can_be_given(mlp, name):
    X, Z = np.array([[0.1, 0.2], [0.3, -0.4]]), np.array([[0.5], [0.25]])
    uses = [
        lambda m: fastpath.eligible(m, "sgd", 0.0, 0.0, 0.0),
        lambda m: batchpath.eligible(m, "sgd", 0.0, 0.0, 0.0),
        lambda m: m.loss_value(X, Z),
        lambda m: m.backward(m.forward(X), Z),
        lambda m: loss_grid(m, X, Z, ("w", 0, 0, 0), ("b", 1, 0), [0.0, 1.0], [0.0]),
        lambda m: explain_step(m, X[0], Z[0], 0.1),
    ]
    for use in uses:
        net = mlp()
        with pytest.raises(ValueError, match=f"unknown .*{name!r}"):
            use(net)
    for kwargs in ({"hidden_activation": name}, {"output_activation": name}, {"loss": name}):
        with pytest.raises(ValueError, match=f"unknown .*{name!r}"):
            MLP((2, 3, 1), **kwargs)


# -- every record in every kernel ------------------------------------------------


@pytest.mark.parametrize(("hidden", "output", "loss"), pairs())
def test_epoch_loss_evaluator_has_loss_values_bits(hidden, output, loss):
    mlp = MLP((3, 5, 4, 3), hidden, output, seed=2, loss=loss)
    X, Z = data(mlp, 700, seed=3)  # more than one block of rows
    evaluate = LossEvaluator(mlp)
    assert evaluate(X, Z) == mlp.loss_value(X, Z)
    assert evaluate(X, Z, threads=2) == mlp.loss_value(X, Z)


@pytest.mark.parametrize(("hidden", "output", "loss"), pairs())
def test_loss_grid_matches_the_definition(hidden, output, loss):
    mlp = MLP((2, 4, 3), hidden, output, seed=5, loss=loss)
    X, Z = data(mlp, 19, seed=6)
    a, b = ("w", 0, 1, 0), ("w", 1, 2, 3)
    ia, ib = mlp.param_index(a), mlp.param_index(b)
    av = mlp.params[ia] + np.array([-1.5, 0.0, 0.8])
    bv = mlp.params[ib] + np.array([-0.6, 0.0, 2.0])
    grid = loss_grid(mlp, X, Z, a, b, av, bv)
    net = mlp.copy()
    for i, j in itertools.product(range(3), range(3)):
        net.params[ia], net.params[ib] = av[i], bv[j]
        assert grid[i, j] == pytest.approx(net.loss_value(X, Z), rel=1e-10, abs=1e-12)


@pytest.mark.parametrize(("hidden", "output", "loss"), pairs())
def test_explain_matches_backpropagation(hidden, output, loss):
    mlp = MLP((2, 4, 3), hidden, output, seed=7, loss=loss)
    X, Z = data(mlp, 1, seed=8)
    exp = explain_step(mlp, X[0], Z[0], 0.1)
    np.testing.assert_array_equal(exp.gradient, mlp.backward(mlp.forward(X[0]), Z[0]).flat)


@pytest.mark.parametrize("hidden", HIDDEN_ACTIVATIONS)
def test_every_record_saturates_without_warnings(hidden):
    # Sums far beyond ±709 in every layer; pytest turns a RuntimeWarning into an error.
    for output in OUTPUT_ACTIVATIONS:
        loss = "mse" if output in LOSSES["mse"].outputs else "cross-entropy"
        mlp = MLP((2, 3, 2), hidden, output, seed=0, loss=loss)
        mlp.weights[0][:] = [[-500.0, -500.0], [500.0, 400.0], [-300.0, 900.0]]
        mlp.weights[1][:] = 400.0
        X, Z = np.array([[1.0, 1.0], [2.0, -0.5]]), np.array([[0.2, 0.8], [0.9, 0.1]])
        trace = mlp.forward(X, keep_sums=False)
        assert not np.isnan(trace.activations[-1]).any()
        mlp.backward(mlp.forward(X, dropout=0.5, rng=np.random.default_rng(0)), Z)
        assert not np.isnan(mlp.loss_value(X, Z))
        assert not np.isnan(mlp.losses_for(mlp.params[None, :], X, Z)).any()
        grid = loss_grid(mlp, X, Z, ("w", 0, 0, 0), ("b", 0, 0), [-600.0, 0.0], [-900.0, 1.0])
        assert not np.isnan(grid).any()
