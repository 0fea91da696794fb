"""σ = 1/(1 + e^−s): precise everywhere, one set of bits however it is computed."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from mlpviz.engine import MLP, Trainer, activations
from mlpviz.engine.kernels import epochloss, fastpath

NEGATIVE = [-np.inf, -1e300, -800.0, -745.5, -709.9, -709.7, -709.0, -300.0, -40.0, -37.0, -1.0]
POSITIVE = [-1e-300, -0.0, 0.0, 1e-300, 1.0, 20.0, 37.0, 40.0, 710.0, 1e300, np.inf]
WIDE = np.array([*NEGATIVE, *POSITIVE])


def exact_sigmoid(v: float) -> float:
    """σ(v) to double precision, by a formula that never cancels or overflows."""
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    e = math.exp(v)  # underflows to 0 gracefully
    return e / (1.0 + e)


def test_sigmoid_is_relatively_precise_far_into_the_negative_tail():
    # The older 0.5·tanh(s/2) + 0.5 returned exactly 0 from about s = −37 on,
    # where σ is still ~1e-17; a cross-entropy's log(σ) then went to −∞.
    for v in (-20.0, -37.0, -40.0, -300.0, -700.0):
        got = float(activations.sigmoid(np.array([v]))[0])
        assert got > 0.0
        assert got == pytest.approx(exact_sigmoid(v), rel=4e-16), v


def test_sigmoid_saturates_without_warnings():
    # pytest turns warnings into errors here: an "overflow in exp" would fail this.
    got = activations.sigmoid(WIDE)
    assert got[0] == 0.0 and got[-1] == 1.0
    assert activations.sigmoid(np.array([-800.0]))[0] == 0.0
    assert np.all(np.diff(got) >= 0.0), "σ must be monotone"
    assert np.all((got >= 0.0) & (got <= 1.0))


def test_in_place_sigmoid_has_the_allocating_ones_bits():
    s = WIDE.copy()
    # The tables' functions leave errstate to their callers (see activations).
    with np.errstate(over="ignore"):
        record = activations.get_activation("sigmoid")
        in_place = record.f_in_place(s)
        table = record.f(WIDE)
        nan = record.f_in_place(np.array([np.nan]))
    np.testing.assert_array_equal(in_place, activations.sigmoid(WIDE))
    np.testing.assert_array_equal(table, activations.sigmoid(WIDE))
    assert np.isnan(nan[0])


finite = st.floats(-1e3, 1e3, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(
    hnp.arrays(np.float64, st.tuples(st.integers(1, 9), st.integers(1, 6)), elements=finite),
    st.integers(1, 7),
    st.integers(0, 2**32 - 1),
    st.sampled_from(tuple(activations.ACTIVATIONS)),
)
def test_fused_layer_matches_the_forward_pass_to_the_bit(a, n_out, seed, name):
    # epochloss.layer_ and the batch kernel form σ's −(a·wᵀ + b) as (−b) − a·wᵀ.
    rng = np.random.default_rng(seed)
    w = rng.normal(0.0, 30.0, (n_out, a.shape[1]))
    b = rng.normal(0.0, 30.0, n_out)
    s, neg_b, row = np.empty((a.shape[0], n_out)), np.empty(n_out), np.empty(a.shape[0])
    with np.errstate(over="ignore"):
        record = activations.get_activation(name)
        expected = record.f(a @ w.T + b)
        epochloss.layer_(a, w.T, b, neg_b, record, s, row)
    np.testing.assert_array_equal(s, expected)


def test_per_sample_kernel_survives_sums_where_exp_overflows(monkeypatch):
    # math.exp raises on e^710; the pure-Python kernel must give σ = 0 there,
    # as NumPy does, and train on exactly like the NumPy path.
    mlp = MLP((2, 2, 1), "sigmoid", "sigmoid", seed=0)
    mlp.weights[0][:] = [[-400.0, -400.0], [0.5, -0.25]]
    mlp.biases[0][:] = [-5.0, 0.1]
    X = np.array([[1.0, 1.0], [0.2, 0.9], [1.0, 0.0]])
    Z = np.array([[0.3], [0.8], [0.1]])
    assert (X @ mlp.weights[0].T + mlp.biases[0]).min() < -709.78  # e^−s overflows

    fast = Trainer(mlp.copy(), X, Z, learning_rate=0.5)
    built = []
    real = fastpath.Kernel
    monkeypatch.setattr(fastpath, "Kernel", lambda *a: built.append(1) or real(*a))
    fast.run(5)
    assert built, "the per-sample kernel did not run"

    monkeypatch.setattr(fastpath, "eligible", lambda *a: False)
    slow = Trainer(mlp.copy(), X, Z, learning_rate=0.5)
    slow.run(5)
    np.testing.assert_allclose(fast.mlp.params, slow.mlp.params, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(fast.loss_history, slow.loss_history, rtol=1e-13)
    scalar = activations.get_activation("sigmoid").scalar
    assert scalar(-710.0) == 0.0
    assert scalar(float("nan")) != scalar(float("nan"))
    assert scalar(-709.5) == pytest.approx(exact_sigmoid(-709.5), rel=1e-12)


def test_the_networks_public_passes_saturate_without_warnings():
    # Sums far below −709 overflow e^−s inside σ; every public pass must take
    # that as the 0 it is (pytest turns a RuntimeWarning into an error here).
    from mlpviz.engine import loss_grid

    mlp = MLP((2, 3, 1), "sigmoid", "sigmoid", seed=0)
    mlp.weights[0][:] = -500.0
    X, Z = np.array([[1.0, 1.0], [2.0, 0.5]]), np.array([[0.2], [0.9]])
    trace = mlp.forward(X, keep_sums=False)
    assert np.all(trace.activations[1] == 0.0)
    dropped = mlp.forward(X, dropout=0.5, rng=np.random.default_rng(0))
    mlp.backward(dropped, Z)
    assert np.isfinite(mlp.loss_value(X, Z))
    assert np.isfinite(mlp.losses_for(mlp.params[None, :], X, Z)).all()
    grid = loss_grid(mlp, X, Z, ("w", 0, 0, 0), ("b", 0, 0), [-600.0, 0.0], [-900.0, 1.0])
    assert np.isfinite(grid).all()
    with np.errstate(over="raise"):  # σ's own errstate wins over the caller's
        assert activations.sigmoid(np.array([-800.0]))[0] == 0.0
