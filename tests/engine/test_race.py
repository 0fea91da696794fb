"""Racing optimizers on the test functions: the tutorial's numbers, costs, divergence."""

from __future__ import annotations

import numpy as np
import pytest

from mlpviz.playground.race import ESCAPE, Race, RacerSpec, Reached
from mlpviz.playground.testfunctions import FUNCTIONS, from_expression

BOWL = FUNCTIONS["bowl"]
ROSENBROCK = FUNCTIONS["rosenbrock"]


def race(function, specs, start=None):
    return Race(function, start or function.start, specs)


def test_sgd_on_the_bowl_multiplies_by_0_8_per_step():
    r = race(BOWL, [RacerSpec("SGD", "sgd", 0.1)], start=(3.0, 4.0))
    r.step(5)
    path = r.racers[0].history[:, :2]
    expected = np.array([[3.0, 4.0]]) * 0.8 ** np.arange(6)[:, None]
    np.testing.assert_allclose(path, expected, rtol=1e-12)
    # The tutorial table's f values (tutorial-notes: the last three printed ones are wrong).
    np.testing.assert_allclose(
        r.racers[0].history[:, 2], [25.0, 16.0, 10.24, 6.5536, 4.194304, 2.68435456]
    )
    assert r.racers[0].grad_evals == 5 and r.racers[0].loss_evals == 0


@pytest.mark.parametrize(("name", "lr"), [("adam", 0.1), ("momentum", 0.001)])
def test_adam_and_momentum_reach_rosenbrocks_valley_and_minimum(name, lr):
    r = race(ROSENBROCK, [RacerSpec(name, name, lr)])
    r.step(1500)
    racer = r.racers[0]
    assert racer.status in ("running", "converged")
    assert racer.value < 1e-3
    assert np.allclose(racer.point, (1.0, 1.0), atol=0.05)
    reached = racer.reached(1e-3)
    assert reached is not None and 0 < reached.step <= 1500
    assert reached.grad_evals == reached.step and reached.loss_evals == 0


def test_a_diverging_racer_stops_alone():
    specs = [RacerSpec("wild", "sgd", 1.5), RacerSpec("calm", "sgd", 0.1)]
    r = race(BOWL, specs)
    r.step(40)
    wild, calm = r.racers
    # x ← (1 − 2·1.5)·x = −2x: |x| passes 10⁶ after 19 doublings from 3 and 4.
    assert wild.status == "diverged" and wild.note == f"diverged at step {wild.steps}"
    assert 15 < wild.steps < 25
    assert np.all(np.abs(wild.history[:, :2]) <= ESCAPE)  # the bad point is not recorded
    assert calm.steps == 40 and calm.status == "running"
    assert r.steps == 40
    snap = r.snapshot(1e-3)
    assert [s.status for s in snap.racers] == ["diverged", "running"]
    assert np.isnan(snap.racers[0].gradient).all()


def test_trial_and_error_costs_at_most_one_plus_two_per_coordinate():
    r = race(BOWL, [RacerSpec("T&E", "trial-and-error", 0.1)])
    counts = []
    for _ in range(30):
        before = r.racers[0].loss_evals
        r.step()
        counts.append(r.racers[0].loss_evals - before)
    assert all(1 < c <= 1 + 2 * 2 for c in counts)
    assert r.racers[0].grad_evals == 0
    # Moving downhill in x and y, it takes +h first only when that helps: from (3, 4)
    # each sweep tries +h (worse) then −h (better) per coordinate: 1 + 2 + 2 evaluations.
    assert counts[0] == 5


def test_trial_and_error_converges_when_no_move_helps():
    r = race(BOWL, [RacerSpec("T&E", "trial-and-error", 1.0)], start=(3.0, 4.0))
    r.step(20)
    racer = r.racers[0]
    assert racer.status == "converged" and racer.note == "converged at step 5 (no ±1 move helps)"
    assert np.allclose(racer.point, 0.0)


def test_gradient_racer_converges_on_the_bowl():
    r = race(BOWL, [RacerSpec("SGD", "sgd", 0.1)])
    r.step(500)
    racer = r.racers[0]
    assert racer.status == "converged" and racer.steps < 120
    assert racer.note == f"converged at step {racer.steps} (∇f ≈ 0)"
    assert not r.running
    r.step(10)  # a finished race does not move
    assert racer.steps < 120


def test_reached_reports_step_and_evaluations():
    specs = [RacerSpec("SGD", "sgd", 0.1), RacerSpec("T&E", "trial-and-error", 0.1)]
    r = race(BOWL, specs)
    r.step(60)
    sgd, te = r.reached(1e-3)
    # 25·0.64^k ≤ 1e-3  ⇔  k ≥ 22.7
    assert sgd == Reached(23, 0, 23) and sgd.evals == 23
    assert te is not None and te.loss_evals > te.step and te.grad_evals == 0
    assert r.reached(1e-30)[0] is None or r.reached(1e-30)[0].step > 23


def test_user_functions_use_the_gradient_norm_for_tolerance():
    tf = from_expression("(x - 1)^2 + (y + 2)^2 + 5")
    r = race(tf, [RacerSpec("SGD", "sgd", 0.1)])
    r.step(80)
    reached = r.reached(1e-2)[0]
    assert reached is not None
    h = r.racers[0].history
    assert h[reached.step, 3] < 1e-2 <= h[reached.step - 1, 3]


def test_momentum_state_for_arrows_and_read_only_snapshots():
    specs = [
        RacerSpec("SGD", "sgd", 0.01),
        RacerSpec("Momentum", "momentum", 0.01),
        RacerSpec("Nesterov", "nesterov", 0.01),
        RacerSpec("Adam", "adam", 0.1, {"beta1": 0.8}),
    ]
    r = race(BOWL, specs)
    r.step(3)
    snap = r.snapshot(1e-3)
    sgd, mom, nes, adam = snap.racers
    assert sgd.momentum is None
    for s in (mom, nes, adam):
        assert s.momentum is not None and s.momentum.shape == (2,)
        # Downhill from (3, 4) the averaged gradient still points uphill, like ∇f.
        assert np.all(s.momentum > 0)
    np.testing.assert_allclose(mom.gradient, 2 * mom.point)
    assert mom.path.shape == (4, 2) and mom.values.shape == (4,)
    for arr in (mom.path, mom.values, mom.point, mom.gradient, mom.momentum):
        with pytest.raises(ValueError):
            arr[0] = 1.0
    r.step(2)  # later steps do not change an earlier snapshot
    assert mom.path.shape == (4, 2) and mom.steps == 3


def test_snapshots_survive_buffer_growth():
    r = race(ROSENBROCK, [RacerSpec("Adam", "adam", 0.01)])
    r.step(10)
    early = r.snapshot(1e-3).racers[0].path.copy()
    held = r.snapshot(1e-3).racers[0].path
    r.step(300)  # the history buffer reallocates on the way
    np.testing.assert_array_equal(held, early)


def test_undefined_start_diverges_immediately():
    r = race(from_expression("log(x)"), [RacerSpec("SGD", "sgd", 0.1)], start=(-1.0, 0.0))
    assert r.racers[0].status == "diverged" and "start" in r.racers[0].note
    assert not r.running


def test_unknown_option_is_refused():
    with pytest.raises(ValueError, match="no option"):
        race(BOWL, [RacerSpec("SGD", "sgd", 0.1, {"beta": 0.9})])
