"""Momentum on a quadratic: the engine's optimizer's bits, Goh's rates and optimum."""

from __future__ import annotations

import numpy as np
import pytest

from mlpviz.engine.optimizers import make_optimizer
from mlpviz.playground.momentum_1d import momentum_path, optimal, rates


@pytest.mark.parametrize(("alpha", "beta"), [(0.05, 0.0), (0.15, 0.6), (0.3, 0.9)])
def test_path_is_the_momentum_optimizer_on_the_quadratic(alpha, beta):
    lam = np.array([0.1, 1.0, 10.0])
    path = momentum_path(lam, alpha, beta, steps=40, w0=[1.0, -2.0, 0.5])
    opt = make_optimizer("momentum", beta=beta)
    w = np.array([1.0, -2.0, 0.5])
    for k in range(1, 41):
        opt.step(w, lam * w, alpha)
        np.testing.assert_array_equal(path.w[k], w)
    np.testing.assert_allclose(path.loss, 0.5 * (lam * path.w**2).sum(axis=1), rtol=1e-15)


def test_error_shrinks_by_the_rate_per_step():
    lam = [0.5]
    for alpha, beta in [(0.5, 0.0), (0.5, 0.3), (1.0, 0.81)]:
        path = momentum_path(lam, alpha, beta, steps=400)
        rho = rates(lam, alpha, beta)[0]
        # Over many steps the error's envelope decays like ρᵏ (complex roots
        # oscillate, so compare the size over a long stretch, not one step).
        a, b = np.abs(path.w[100:120]).max(), np.abs(path.w[300:320]).max()
        assert (b / a) ** (1 / 200) == pytest.approx(rho, rel=0.01)


def test_optimal_parameters_give_rate_sqrt_beta_and_beat_neighbours():
    lam = [0.1, 1.0, 10.0]
    alpha, beta = optimal(lam)
    assert alpha == pytest.approx((2 / (np.sqrt(0.1) + np.sqrt(10))) ** 2)
    best = rates(lam, alpha, beta).max()
    assert best == pytest.approx(np.sqrt(beta), rel=1e-6)
    for da, db in [(1.1, 1.0), (0.9, 1.0), (1.0, 1.05), (1.0, 0.9)]:
        assert rates(lam, alpha * da, min(beta * db, 0.99)).max() > best


def test_gradient_descent_diverges_past_two_over_lambda_and_stops_drawing():
    path = momentum_path([10.0], 0.25, 0.0, steps=200)
    assert path.rate == pytest.approx(1.5)
    assert np.isnan(path.w[-1, 0]) and np.isfinite(path.w[1, 0])


@pytest.mark.parametrize(
    ("lambdas", "alpha", "beta", "word"),
    [([0.0, 1.0], 0.1, 0.5, "λ"), ([1.0], -1.0, 0.5, "α"), ([1.0], 0.1, 1.0, "β")],
)
def test_bad_parameters_name_what_is_wrong(lambdas, alpha, beta, word):
    with pytest.raises(ValueError, match=word):
        momentum_path(lambdas, alpha, beta)
