"""Kept runs: exact losses of short runs, bounded memory for long ones, bit-identical restarts,
and labels that name only what differs."""

from __future__ import annotations

import numpy as np
import pytest

from mlpviz.data import load_example
from mlpviz.data.problem import prepare
from mlpviz.engine import WeightHistory
from mlpviz.engine.loss_archive import RECENT_EPOCHS
from mlpviz.engine.run_labels import comparison_title, differing_labels, run_fields, summary
from mlpviz.engine.run_record import (
    KEPT_BUCKETS,
    KEPT_RECENT,
    RunTracker,
    capture_run,
    initial_params,
    start_from,
    starting_params,
)
from mlpviz.engine.settings import NetworkSpec, TrainingSettings

SPEC = NetworkSpec()
SETTINGS = TrainingSettings(learning_rate=0.5)


@pytest.fixture(scope="module")
def problem():
    ex = load_example("exam-scores")
    return prepare(ex.dataset, ex.inputs, ex.targets, "0,1", "0,1", name=ex.name)


def new_trainer(problem, spec=SPEC, settings=SETTINGS):
    mlp = spec.build(len(problem.input_names), len(problem.target_names))
    t = settings.make_trainer(mlp, problem.X_train, problem.Z_train, problem.X_test, problem.Z_test)
    t.history = WeightHistory(mlp.n_params, 64)
    t.history.record(0, mlp.params)
    return t


def test_a_short_run_is_kept_exactly_with_its_starting_weights(problem):
    t = new_trainer(problem)
    start = t.mlp.params.copy()
    t.run(37)
    r = capture_run(t, SPEC, SETTINGS, initial_params(t))
    assert r.epochs == 37 == r.train.size
    np.testing.assert_array_equal(r.train, np.array(t.loss_history))
    np.testing.assert_array_equal(r.test, np.array(t.test_loss_history))
    np.testing.assert_array_equal(r.initial_params, start)
    assert r.final_train == t.loss_history[-1]
    np.testing.assert_array_equal(r.exact_epochs(), np.arange(1, 38))
    # Copies: training on leaves the record as it was.
    t.run(3)
    assert r.train.size == 37


def test_a_long_run_is_bounded_and_keeps_its_last_epochs_exact(problem):
    t = new_trainer(problem)
    n = 3 * RECENT_EPOCHS + 123
    losses = np.linspace(1.0, 0.01, n) + np.sin(np.arange(n))
    t.log_losses(losses.tolist(), [0.0] * n, (losses / 2).tolist())
    t.fold_losses()
    r = capture_run(t, SPEC, SETTINGS, t.mlp.params)
    assert r.epochs == n == t.epochs_logged
    assert KEPT_RECENT <= r.train.size < 2 * KEPT_RECENT
    assert len(r.archive) <= KEPT_BUCKETS
    np.testing.assert_array_equal(r.train, losses[-r.train.size :])
    np.testing.assert_array_equal(r.test, losses[-r.train.size :] / 2)
    # The envelopes still bound every folded loss, spikes included.
    assert r.archive.maxs["losses"].max() == losses[: r.archive.end].max()
    assert r.archive.mins["losses"].min() == losses[: r.archive.end].min()
    bound = 2 * KEPT_RECENT * 16 + KEPT_BUCKETS * 8 * 8 + r.initial_params.nbytes
    assert r.nbytes <= bound


def test_start_from_puts_a_fresh_trainer_at_the_weights_bit_for_bit(problem):
    t = new_trainer(problem)
    t.run(5)
    start = initial_params(t)
    fresh = new_trainer(problem, NetworkSpec(init="xavier", seed=9), TrainingSettings(1.0))
    assert not np.array_equal(fresh.mlp.params, start)
    start_from(fresh, starting_params(t, None, (2, 3, 1)))
    np.testing.assert_array_equal(fresh.mlp.params, start)
    np.testing.assert_array_equal(fresh.last_update, np.zeros_like(start))
    assert list(fresh.history.epochs) == [0]
    np.testing.assert_array_equal(fresh.history.params[0], start)
    # Trains exactly like a trainer built at those weights.
    again = new_trainer(problem, settings=TrainingSettings(1.0))
    again.run(4)
    fresh.run(4)
    assert fresh.loss_history == again.loss_history


def test_starting_weights_of_another_network_are_refused(problem):
    t = new_trainer(problem)
    with pytest.raises(ValueError, match="another network than 2-4-1"):
        starting_params(t, None, (2, 4, 1))


def test_the_tracker_keeps_a_run_once_and_only_after_training(problem):
    t = new_trainer(problem)
    tracker = RunTracker()
    assert tracker.keep(t, SPEC, SETTINGS) is None  # nothing trained
    t.run(2)
    first = tracker.keep(t, SPEC, SETTINGS)
    assert first is not None and first.epochs == 2
    assert tracker.keep(t, SPEC, TrainingSettings(2.0)) is None  # unchanged since
    t.run(1)
    assert tracker.keep(t, SPEC, SETTINGS).epochs == 3


def test_labels_name_only_the_settings_that_differ():
    a = run_fields((2, 3, 1), SPEC, TrainingSettings(learning_rate=0.1))
    b = run_fields((2, 3, 1), SPEC, TrainingSettings(learning_rate=1.0))
    c = run_fields((2, 3, 1), SPEC, TrainingSettings(learning_rate=1.0, batch_size=4))
    assert differing_labels([a, b]) == ["η 0.1", "η 1"]
    assert comparison_title([a, b]) == "η 0.1 vs 1"
    assert differing_labels([a, b, c]) == ["η 0.1, batch 1", "η 1, batch 1", "η 1, batch 4"]
    assert comparison_title([a, c]) == "η 0.1 vs 1 · batch 1 vs 4"
    assert differing_labels([a, a]) == ["", ""]
    assert comparison_title([a]) == ""
    text = summary(a)
    assert "net 2-3-1" in text and "η 0.1" in text and "L2" not in text
    assert "L2 0.01" in summary(run_fields((2, 3, 1), SPEC, TrainingSettings(l2=0.01)))
