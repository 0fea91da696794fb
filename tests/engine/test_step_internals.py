"""The next step's internals equal what the optimizer then really does, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

from mlpviz.engine.optimizers import make_optimizer
from mlpviz.playground.race import Race, RacerSpec
from mlpviz.playground.step_internals import clone, step_internals
from mlpviz.playground.testfunctions import FUNCTIONS

ROSENBROCK = FUNCTIONS["rosenbrock"]
SPECS = [
    RacerSpec("SGD", "sgd", 0.001),
    RacerSpec("Momentum", "momentum", 0.001, {"beta": 0.8}),
    RacerSpec("Nesterov", "nesterov", 0.001),
    RacerSpec("Adagrad", "adagrad", 0.3),
    RacerSpec("RMSProp", "rmsprop", 0.01, {"rho": 0.95}),
    RacerSpec("Adam", "adam", 0.05, {"beta1": 0.7}),
]
BUFFERS = {
    "velocity": "velocity",
    "m": "m",
    "v": "v",
}


@pytest.mark.parametrize("steps_before", [0, 1, 7])
def test_previewed_state_is_the_optimizers_state_after_the_step(steps_before):
    race = Race(ROSENBROCK, (-1.2, 1.5), SPECS)
    race.step(steps_before)
    previews = [r.state(1e-3).internals for r in race.racers]
    race.step(1)
    for racer, pre in zip(race.racers, previews, strict=True):
        state = racer.optimizer.state
        assert pre.t == racer.optimizer.t == steps_before + 1
        np.testing.assert_array_equal(pre.next_point, racer.point)
        np.testing.assert_array_equal(pre.point + pre.step, racer.point)
        for field, key in BUFFERS.items():
            if key in state:
                np.testing.assert_array_equal(getattr(pre, field), state[key])
        acc = state.get("sum_sq", state.get("mean_sq"))
        if acc is not None:
            np.testing.assert_array_equal(pre.accumulator, acc)
            np.testing.assert_array_equal(pre.second, np.sqrt(acc))
        if racer.spec.optimizer == "adam":
            b1, b2 = racer.optimizer.options["beta1"], racer.optimizer.options["beta2"]
            t = racer.optimizer.t
            np.testing.assert_array_equal(pre.m_hat, state["m"] / (1 - b1**t))
            np.testing.assert_array_equal(pre.v_hat, state["v"] / (1 - b2**t))
            # The step is η·m̂ / (√v̂ + ε) per coordinate: rate × m̂ up to rounding.
            np.testing.assert_allclose(-pre.rate * pre.m_hat, pre.step, rtol=1e-12)
        if racer.spec.optimizer == "momentum":
            # The step is carried momentum plus the plain gradient step.
            np.testing.assert_allclose(
                pre.carried - pre.lr * pre.gradient, pre.step, rtol=1e-12, atol=1e-15
            )


def test_the_gradient_is_the_one_at_the_point_and_nothing_changes():
    opt = make_optimizer("adam")
    point, grad = np.array([0.5, -2.0]), np.array([3.0, -0.25])
    opt.step(point.copy(), grad, 0.1)
    before = {k: v.copy() for k, v in opt.state.items()}
    pre = step_internals(opt, point, grad, 0.1)
    assert opt.t == 1 and pre.t == 2
    for k, v in before.items():
        np.testing.assert_array_equal(opt.state[k], v)
    np.testing.assert_array_equal(pre.gradient, grad)
    np.testing.assert_array_equal(pre.point, point)
    assert not pre.step.flags.writeable


def test_first_adam_step_moves_eta_per_coordinate():
    pre = step_internals(make_optimizer("adam"), np.zeros(2), np.array([5.0, -0.01]), 0.1)
    np.testing.assert_allclose(pre.step, [-0.1, 0.1], rtol=1e-6)
    np.testing.assert_allclose(pre.second, [5.0, 0.01], rtol=1e-12)


def test_trial_and_error_has_no_gradient_internals_and_clone_is_independent():
    assert step_internals(make_optimizer("trial-and-error"), np.zeros(2), np.ones(2), 0.1) is None
    opt = make_optimizer("momentum", beta=0.5)
    opt.step(np.zeros(2), np.ones(2), 0.1)
    twin = clone(opt)
    twin.step(np.zeros(2), np.ones(2), 0.1)
    np.testing.assert_array_equal(opt.state["velocity"], [1.0, 1.0])
    np.testing.assert_array_equal(twin.state["velocity"], [1.5, 1.5])


def test_a_stopped_racer_has_no_internals():
    race = Race(FUNCTIONS["bowl"], (0.0, 0.0), [RacerSpec("SGD", "sgd", 0.1)])
    race.step(1)
    assert race.racers[0].status == "converged"
    assert race.snapshot(1e-3).racers[0].internals is None
