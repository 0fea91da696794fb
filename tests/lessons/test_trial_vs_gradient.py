"""Lesson 3: evaluation counts of trial and error and of gradients, and the race."""

from __future__ import annotations

import numpy as np
import pytest

from mlpviz.engine import make_optimizer
from mlpviz.lessons.trial_vs_gradient import (
    GRADIENT_PASSES,
    MlpObjective,
    Race,
    cost_table,
    exhaustive_cost,
    gradient_cost,
    make_objective,
    trial_cost,
)


@pytest.mark.parametrize("p", [1, 2, 10, 13, 41, 1000])
def test_costs_per_step(p):
    assert trial_cost(p) == 1 + 2 * p
    assert exhaustive_cost(p) == 2**p
    assert gradient_cost(p) == (1, 1)


def test_the_tutorials_two_to_the_ten_claim_against_coordinate_trials():
    row = next(r for r in cost_table() if r.n_params == 10)
    assert row.exhaustive == 1024
    assert row.trial == 21  # 2 × 10 trials + the current loss


def test_a_sweep_at_the_minimum_costs_exactly_one_plus_two_p():
    # At the minimum every trial fails, so each parameter costs both evaluations.
    for p in (1, 2, 7):
        calls: list[int] = []

        def loss(v, calls=calls):
            calls.append(1)
            return float(v @ v)

        opt = make_optimizer("trial-and-error", step=0.1)
        evals = opt.trial_step(np.zeros(p), loss, 0.1)
        assert evals == len(calls) == 1 + 2 * p


@pytest.mark.parametrize("key", ["line", "bowl", "mlp"])
def test_race_counts_and_equal_cost(key):
    race = Race(make_objective(key, hidden=3))
    p = race.n_params
    assert p == {"line": 1, "bowl": 2, "mlp": 13}[key]
    total = 0
    for _ in range(6):
        evals = race.step()
        total += evals
        assert 1 + p <= evals <= trial_cost(p)
        t, g = race.trial, race.gradient
        assert t.forward == total and t.backward == 0
        assert g.forward == g.backward == g.steps
        # Gradient descent has spent as much as fits in trial and error's budget.
        assert g.cost <= t.cost < g.cost + GRADIENT_PASSES
        assert g.cost == GRADIENT_PASSES * g.steps


def test_race_back_and_reset_restore_exactly():
    race = Race(make_objective("mlp", hidden=2))
    race.step()
    trial, grad = race.trial.params.copy(), race.gradient.params.copy()
    curves = (list(race.trial.curve), list(race.gradient.curve))
    race.step()
    assert race.back()
    assert np.array_equal(race.trial.params, trial)
    assert np.array_equal(race.gradient.params, grad)
    assert (race.trial.curve, race.gradient.curve) == curves
    race.reset()
    start = race.objective.start()
    assert np.array_equal(race.trial.params, start)
    assert race.trial.cost == race.gradient.cost == 0
    assert not race.back()


def test_mlp_objective_has_4h_plus_1_parameters_and_a_true_gradient():
    for h in (1, 3, 10):
        assert MlpObjective(h).n_params == 4 * h + 1
    obj = MlpObjective(3)
    p = obj.start()
    g = obj.gradient(p)
    eps = 1e-6
    for i in range(p.size):
        e = np.zeros_like(p)
        e[i] = eps
        numeric = (obj.loss(p + e) - obj.loss(p - e)) / (2 * eps)
        assert g[i] == pytest.approx(numeric, abs=1e-7)


def test_bowl_race_gradient_steps_are_exact():
    race = Race(make_objective("bowl"), lr=0.1, step_size=0.15)
    race.step()  # one sweep costs 5 → two gradient steps (4 passes)
    assert race.gradient.steps == 2
    assert race.gradient.params == pytest.approx([3 * 0.64, 4 * 0.64])
