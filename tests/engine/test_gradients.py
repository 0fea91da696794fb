"""Backpropagation against central finite differences of the MEAN loss."""

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlpviz.engine import MLP
from mlpviz.engine import losses as engine_losses
from mlpviz.engine.activations import ACTIVATIONS, HIDDEN_ACTIVATIONS
from mlpviz.engine.losses import LOSSES

H = 1e-6
RTOL, ATOL = 1e-6, 1e-8
# The registry's records: every one is checked, a new one without touching this file.
HIDDEN = HIDDEN_ACTIVATIONS
MSE_OUTPUTS = LOSSES["mse"].outputs
CROSS_ENTROPY_OUTPUTS = LOSSES["cross-entropy"].outputs


def sizes_for(depth, n_in=3, n_out=2):
    """``depth`` weight layers: depth 1 has no hidden layer."""
    hidden = [4, 3, 5][: depth - 1]
    return (n_in, *hidden, n_out)


def targets(mlp, n, rng):
    k = mlp.layer_sizes[-1]
    if mlp.output_activation == "softmax":
        return rng.dirichlet(np.ones(k), size=n)  # rows of probabilities
    if mlp.loss == "cross-entropy":
        return rng.uniform(0.05, 0.95, (n, k))
    return rng.uniform(-1.0, 1.0, (n, k))


def loss_with(mlp, X, Z, p, dropout=0.0, seed=None):
    """Mean loss at parameters ``p`` (with the dropout mask drawn from ``seed``)."""
    rng = None if seed is None else np.random.default_rng(seed)
    y = mlp.forward(X, dropout=dropout, rng=rng, params=p).activations[-1]
    Z2 = np.asarray(Z, float).reshape(y.shape)
    return engine_losses.mean_loss(mlp.loss, mlp.output_activation, y, Z2)


def kink_pattern(mlp, X, p):
    """Which sums are positive, in every layer: the side of a kink at 0 (ReLU's)."""
    tr = mlp.forward(X, params=p)
    return [s > 0 for s in tr.sums]


def numeric_gradient(mlp, X, Z, dropout=0.0, seed=None):
    """Central differences; NaN where a sum changes sign within ±h (a possible kink).

    Any activation other than the smooth σ, tanh and softmax may have a kink at
    0, so for them every sum's side is compared.
    """
    base = mlp.params.copy()
    has_relu = any(name not in ("sigmoid", "tanh", "softmax") for name in mlp.activation_names)
    out = np.empty_like(base)
    for i in range(base.size):
        plus, minus = base.copy(), base.copy()
        plus[i] += H
        minus[i] -= H
        if has_relu:
            pats = [kink_pattern(mlp, X, q) for q in (plus, base, minus)]
            if not all(np.array_equal(a, b) for a, b in zip(pats[0] + pats[2], pats[1] + pats[1])):
                out[i] = np.nan
                continue
        out[i] = (
            loss_with(mlp, X, Z, plus, dropout, seed) - loss_with(mlp, X, Z, minus, dropout, seed)
        ) / (2 * H)
    return out


def check(mlp, X, Z, dropout=0.0, seed=None):
    trace = mlp.forward(
        X, dropout=dropout, rng=None if seed is None else np.random.default_rng(seed)
    )
    grads = mlp.backward(trace, Z)
    numeric = numeric_gradient(mlp, X, Z, dropout, seed)
    checked = ~np.isnan(numeric)
    # The kinks are rare: nearly every coordinate is really compared.
    assert checked.mean() >= 0.8, f"only {checked.sum()} of {checked.size} coordinates checked"
    np.testing.assert_allclose(grads.flat[checked], numeric[checked], rtol=RTOL, atol=ATOL)
    return grads, trace


def build(hidden, output, depth, loss=None, seed=0):
    return MLP(sizes_for(depth), hidden, output, init="uniform", seed=seed, loss=loss)


def data(mlp, single, seed=1):
    rng = np.random.default_rng(seed)
    n_in = mlp.layer_sizes[0]
    if single:
        X = rng.uniform(-1.0, 1.0, n_in)
        Z = targets(mlp, 1, rng)[0]
    else:
        X = rng.uniform(-1.0, 1.0, (6, n_in))
        Z = targets(mlp, 6, rng)
    return X, Z


def cases(outputs):
    """hidden × output × depth × row/batch; depth 1 has no hidden layer, so one hidden name."""
    return [
        pytest.param(h, o, d, single, id=f"{h}-{o}-d{d}-{'row' if single else 'batch'}")
        for h in HIDDEN
        for o in outputs
        for d in (1, 2, 3, 4)
        for single in (True, False)
        if d > 1 or h == "sigmoid"
    ]


@pytest.mark.parametrize(("hidden", "output", "depth", "single"), cases(MSE_OUTPUTS))
def test_mse_gradient_matches_finite_differences(hidden, output, depth, single):
    mlp = build(hidden, output, depth, seed=depth)
    X, Z = data(mlp, single, seed=depth + 10)
    grads, _ = check(mlp, X, Z)
    if output != "relu" and hidden != "relu":
        assert np.abs(grads.flat).max() > 1e-6  # not a vacuous comparison


@pytest.mark.parametrize(("hidden", "output", "depth", "single"), cases(CROSS_ENTROPY_OUTPUTS))
def test_cross_entropy_gradient_matches_finite_differences(hidden, output, depth, single):
    mlp = build(hidden, output, depth, loss="cross-entropy", seed=depth + 20)
    X, Z = data(mlp, single, seed=depth + 30)
    grads, _ = check(mlp, X, Z)
    assert np.abs(grads.flat).max() > 1e-6


def test_gradient_is_of_the_mean_not_the_sum():
    mlp = MLP((2, 3, 1), "tanh", "linear", seed=5)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(8, 2))
    Z = rng.normal(size=(8, 1))
    full = mlp.backward(mlp.forward(X), Z).flat
    per_row = [mlp.backward(mlp.forward(x), z).flat for x, z in zip(X, Z)]
    np.testing.assert_allclose(full, np.mean(per_row, axis=0), rtol=1e-12, atol=1e-15)
    # Duplicating every row leaves the mean loss and so its gradient unchanged.
    twice = mlp.backward(mlp.forward(np.vstack([X, X])), np.vstack([Z, Z])).flat
    np.testing.assert_allclose(twice, full, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("depth", [2, 3, 4])
def test_gradients_are_built_from_deltas(hidden, depth):
    mlp = MLP(sizes_for(depth), hidden, "sigmoid", seed=7)
    rng = np.random.default_rng(3)
    X = rng.uniform(-1, 1, (5, 3))
    Z = rng.uniform(0, 1, (5, 2))
    trace = mlp.forward(X)
    grads = mlp.backward(trace, Z)
    n = X.shape[0]
    assert len(grads.deltas) == len(mlp.weights)
    for l, delta in enumerate(grads.deltas):
        assert delta.shape == (n, mlp.layer_sizes[l + 1])
        np.testing.assert_allclose(grads.biases[l], delta.mean(axis=0), rtol=1e-13, atol=1e-16)
        np.testing.assert_allclose(
            grads.weights[l], delta.T @ trace.activations[l] / n, rtol=1e-13, atol=1e-16
        )
        assert grads.weights[l].shape == mlp.weights[l].shape
    # weights/biases are views into flat.
    grads.flat[...] = 0.0
    assert all(not w.any() for w in grads.weights)


@pytest.mark.parametrize("hidden", ["sigmoid", "tanh", "linear"])
def test_single_row_deltas_are_dloss_dsum(hidden):
    # For one row ∂L/∂b = ∂L/∂s, so each δ equals the bias' finite difference.
    mlp = MLP((3, 4, 3, 2), hidden, "tanh", seed=11)
    x = np.array([0.3, -0.7, 0.2])
    z = np.array([0.5, -0.25])
    grads = mlp.backward(mlp.forward(x), z)
    numeric = numeric_gradient(mlp, x, z)
    for l in range(len(mlp.weights)):
        idx = [mlp.param_index(("b", l, j)) for j in range(mlp.layer_sizes[l + 1])]
        np.testing.assert_allclose(grads.deltas[l][0], numeric[idx], rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize("single", [True, False], ids=["row", "batch"])
def test_dropout_gradient_with_fixed_mask(hidden, single):
    mlp = MLP((3, 6, 5, 2), hidden, "sigmoid", seed=4)
    X, Z = data(mlp, single, seed=9)
    p, seed = 0.4, 1234
    grads, trace = check(mlp, X, Z, dropout=p, seed=seed)
    # The same seed gives the same mask, and the mask really drops something.
    again = mlp.forward(X, dropout=p, rng=np.random.default_rng(seed))
    for m1, m2 in zip(trace.masks[:-1], again.masks[:-1]):
        np.testing.assert_array_equal(m1, m2)
        assert (m1 == 0).any()
        np.testing.assert_allclose(m1[m1 != 0], 1.0 / (1.0 - p))
    assert trace.masks[-1] is None  # never on the output layer
    # And it differs from the gradient without dropout.
    plain = mlp.backward(mlp.forward(X), Z).flat
    assert not np.allclose(grads.flat, plain)


@settings(max_examples=15, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 4), min_size=2, max_size=5),
    hidden=st.sampled_from(["sigmoid", "tanh", "linear"]),
    output=st.sampled_from(["sigmoid", "tanh", "linear"]),
    n=st.integers(1, 5),
    seed=st.integers(0, 2**16),
)
def test_random_architectures(sizes, hidden, output, n, seed):
    mlp = MLP(sizes, hidden, output, seed=seed)
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (n, sizes[0]))
    Z = rng.uniform(-1, 1, (n, sizes[-1]))
    check(mlp, X, Z)


def test_every_registered_record_is_in_the_gradient_cases():
    # The cases come from the registry: nothing registered escapes the check.
    names = {p.values[0] for p in cases(MSE_OUTPUTS)} | {p.values[1] for p in cases(MSE_OUTPUTS)}
    names |= {p.values[1] for p in cases(CROSS_ENTROPY_OUTPUTS)}
    assert names == set(ACTIVATIONS)


@pytest.mark.parametrize("where", ["hidden", "output"])
def test_a_registered_activation_with_a_wrong_derivative_is_caught(monkeypatch, where):
    # A record whose f′ is off by 10 %: the same check the registry's records
    # pass must fail on it, wherever the layer is.
    tanh = ACTIVATIONS["tanh"]
    bad = dataclasses.replace(
        tanh, name="bad-tanh", derivative_times=lambda a, g: 1.1 * tanh.derivative_times(a, g)
    )
    monkeypatch.setitem(ACTIVATIONS, "bad-tanh", bad)
    hidden, output = ("bad-tanh", "linear") if where == "hidden" else ("tanh", "bad-tanh")
    mlp = build(hidden, output, 2, seed=3)
    X, Z = data(mlp, False, seed=4)
    with pytest.raises(AssertionError):
        check(mlp, X, Z)
    # The same network with the true tanh passes it.
    good = build(
        "tanh" if where == "hidden" else hidden,
        "linear" if where == "hidden" else "tanh",
        2,
        seed=3,
    )
    check(good, X, Z)
