"""The rules that end a run by itself (mlpviz/ui/training/run_limits.py)."""

from __future__ import annotations

import dataclasses

import numpy as np

from mlpviz.engine import MLP, Trainer
from mlpviz.engine.settings import TrainingSettings
from mlpviz.ui.training.run_limits import RunLimits

X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Z = np.array([[0.1], [0.9], [0.9], [0.1]])


def trainer() -> Trainer:
    return Trainer(MLP.tutorial(), X, Z, learning_rate=0.5)


def test_run_n_ends_after_its_epochs_and_reports_progress():
    t, limits, s = trainer(), RunLimits(), TrainingSettings()
    t.run(5)
    limits.start(t.epoch, 10)
    assert limits.epoch_limit(s) == 15
    t.run(4)
    assert limits.reason(t, s) is None
    assert limits.progress(t.epoch) == (4, 10)
    t.run(6)
    assert limits.reason(t, s) == "Finished 10 epochs."
    limits.end()
    assert limits.progress(t.epoch) is None and limits.epoch_limit(s) is None


def test_the_settings_limit_is_the_nearer_of_the_two():
    t, limits = trainer(), RunLimits()
    s = TrainingSettings(max_epochs=8)
    limits.start(0, 100)
    assert limits.epoch_limit(s) == 8
    t.run(8)
    assert limits.reason(t, s) == "Stopped at epoch 8: the epoch limit (8) is reached."


def test_target_loss():
    t, limits = trainer(), RunLimits()
    t.run(1)
    s = TrainingSettings(target_loss=t.loss_history[-1] * 0.999)
    assert limits.reason(t, s) is None
    while limits.reason(t, s) is None:
        t.run(1)
    assert t.loss_history[-1] <= s.target_loss
    assert limits.reason(t, s).startswith(f"Stopped at epoch {t.epoch}: the loss reached")


def test_patience_counts_epochs_since_the_best_test_loss():
    t, limits, s = trainer(), RunLimits(), TrainingSettings(patience=3)
    t.test_loss_history[:] = [0.5, 0.4, 0.45, 0.41]
    assert limits.reason(t, s) is None  # 2 epochs since the best
    t.test_loss_history.append(0.42)
    assert limits.reason(t, s) == (
        "Stopped at epoch 0: the test loss has not improved for 3 epochs (best 0.4 at epoch 2)."
    )
    # A new best starts the count again.
    t.test_loss_history.append(0.3)
    assert limits.reason(t, s) is None
    limits.forget_best()
    s = dataclasses.replace(s, patience=1)
    t.test_loss_history.append(0.31)
    assert "best 0.3 at epoch 6" in limits.reason(t, s)
