"""A catalogue of hostile training conditions, across every optimizer.

Learning rates from 1e−9 to 1e6, datasets of one row, one column, values of
1e300 and constant targets: training may end only in TrainingDiverged (with a
message) or, for input the engine cannot use, in ValueError. After a
TrainingDiverged the weights are exactly those from before the failing step,
so the user can lower the rate and go on from there.
"""

from __future__ import annotations

import numpy as np
import pytest

from mlpviz.engine import MLP, OPTIMIZERS, Trainer, TrainingDiverged

OPTIMIZER_NAMES = list(OPTIMIZERS)
# Eight decades, from "nothing moves" to "the first step explodes".
LEARNING_RATES = [1e-9, 1e-6, 1e-3, 1e-1, 1.0, 1e2, 1e4, 1e6]
STEPS = 30  # step_batch calls per case: enough for η ≥ 1e2 to blow up on plain data


def _dataset(kind: str) -> tuple[np.ndarray, np.ndarray]:
    """(X, Z) for one kind of awkward data; small, so 300+ cases stay fast."""
    rng = np.random.default_rng(7)
    X = rng.uniform(0.0, 1.0, (6, 2))
    Z = rng.uniform(0.0, 1.0, (6, 1))
    if kind == "plain":
        return X, Z
    if kind == "one-row":
        return X[:1], Z[:1]
    if kind == "one-column":
        return X[:, :1], Z
    if kind == "huge-inputs":
        return X * 1e300, Z
    if kind == "huge-targets":
        return X, Z * 1e300
    if kind == "huge-both":
        return X * 1e300, Z * 1e300
    if kind == "equal-targets":
        return X, np.full_like(Z, 0.5)
    raise AssertionError(kind)


DATASETS = [
    "plain",
    "one-row",
    "one-column",
    "huge-inputs",
    "huge-targets",
    "huge-both",
    "equal-targets",
]


def _trainer(
    kind: str, optimizer: str, lr: float, batch_size: int = 2, hidden: str = "relu"
) -> Trainer:
    X, Z = _dataset(kind)
    # A linear output and relu hidden nodes are unbounded, so big rates really
    # do diverge (mid-run, after some finite steps, not only at the first).
    mlp = MLP((X.shape[1], 3, 1), hidden, "linear", init="xavier", seed=1)
    return Trainer(mlp, X, Z, learning_rate=lr, batch_size=batch_size, optimizer=optimizer)


def _check_divergence(trainer: Trainer, error: TrainingDiverged, before: np.ndarray, steps: int):
    msg = str(error)
    assert "diverged" in msg, msg
    assert "smaller learning rate" in msg, msg
    assert f"epoch {error.epoch + 1}, step {error.step + 1}" in msg, msg
    assert np.isfinite(trainer.mlp.params).all()
    # Exactly the weights from before the step that failed, bit for bit.
    np.testing.assert_array_equal(trainer.mlp.params, before)
    # The failed step is not counted and left no trace in the losses.
    assert trainer.steps == steps == error.step
    assert len(trainer.loss_history) == trainer.epoch == error.epoch
    assert np.isfinite(trainer.loss_history).all()


@pytest.mark.parametrize("kind", DATASETS)
@pytest.mark.parametrize("lr", LEARNING_RATES, ids=lambda lr: f"lr{lr:g}")
@pytest.mark.parametrize("optimizer", OPTIMIZER_NAMES)
def test_step_batch_diverges_cleanly_or_trains(optimizer, lr, kind):
    trainer = _trainer(kind, optimizer, lr)
    for _ in range(STEPS):
        before = trainer.mlp.params.copy()
        steps = trainer.steps
        try:
            loss = trainer.step_batch()
        except TrainingDiverged as error:
            _check_divergence(trainer, error, before, steps)
            # Nothing changed, so the same step fails again, the same way.
            with pytest.raises(TrainingDiverged) as again:
                trainer.step_batch()
            assert (again.value.epoch, again.value.step) == (error.epoch, error.step)
            np.testing.assert_array_equal(trainer.mlp.params, before)
            return
        assert trainer.steps == steps + 1
        assert np.isfinite(trainer.mlp.params).all()
        if optimizer != "trial-and-error":
            # Gradient methods refuse a non-finite batch loss before updating.
            assert np.isfinite(loss)
    assert np.isfinite(trainer.loss_history).all()
    assert trainer.epoch == len(trainer.loss_history) > 0


@pytest.mark.parametrize("kind", DATASETS)
@pytest.mark.parametrize("lr", LEARNING_RATES, ids=lambda lr: f"lr{lr:g}")
@pytest.mark.parametrize("optimizer", ["sgd", "adam", "trial-and-error"])
def test_run_ends_like_stepping(optimizer, lr, kind):
    """run() (per-sample SGD takes the plain-Python fast path) stops where
    step-by-step training stops, with the same epoch and step counts."""
    epochs = 5
    # tanh: the fast kernel's libm tanh is where it could part from NumPy.
    ref = _trainer(kind, optimizer, lr, batch_size=1, hidden="tanh")
    ref_error = None
    while ref.epoch < epochs:
        before, steps = ref.mlp.params.copy(), ref.steps
        try:
            ref.step_batch()
        except TrainingDiverged as error:
            _check_divergence(ref, error, before, steps)
            ref_error = error
            break
    fast = _trainer(kind, optimizer, lr, batch_size=1, hidden="tanh")
    try:
        fast.run(epochs)
    except TrainingDiverged as error:
        assert ref_error is not None, f"run() diverged ({error}) where stepping did not"
        assert (error.epoch, error.step) == (ref_error.epoch, ref_error.step)
        assert "smaller learning rate" in str(error)
    else:
        assert ref_error is None, f"stepping diverged ({ref_error}) where run() did not"
    assert np.isfinite(fast.mlp.params).all()
    assert (fast.epoch, fast.position, fast.steps) == (ref.epoch, ref.position, ref.steps)
    # The fast kernel uses libm's tanh: an ulp apart per step, amplified by η.
    np.testing.assert_allclose(fast.mlp.params, ref.mlp.params, rtol=1e-6, atol=1e-300)
    assert np.isfinite(fast.loss_history).all()


@pytest.mark.parametrize("optimizer", OPTIMIZER_NAMES)
def test_a_rate_of_1e308_diverges_at_once_and_keeps_the_weights(optimizer):
    """The update itself overflows (η·g past 1e308): refused, weights kept.

    Trial and error only keeps moves that lower the loss, and a NaN or
    infinite loss never does, so it must *not* diverge: it stays put."""
    trainer = _trainer("plain", optimizer, 1e308)
    for _ in range(STEPS):
        before, steps = trainer.mlp.params.copy(), trainer.steps
        try:
            trainer.step_batch()
        except TrainingDiverged as error:
            assert optimizer != "trial-and-error", str(error)
            _check_divergence(trainer, error, before, steps)
            return
        assert np.isfinite(trainer.mlp.params).all()
    assert optimizer == "trial-and-error", f"{optimizer} at η = 1e308 did not diverge"
    assert np.isfinite(trainer.loss_history).all()


@pytest.mark.parametrize("optimizer", OPTIMIZER_NAMES)
def test_zero_rows_are_refused(optimizer):
    X, Z = _dataset("plain")
    mlp = MLP((2, 3, 1), seed=0)
    with pytest.raises(ValueError, match="no rows"):
        Trainer(mlp, X[:0], Z[:0], optimizer=optimizer)
    trainer = Trainer(mlp, X, Z, optimizer=optimizer)
    trainer.step_batch()
    kept = mlp.params.copy()
    # Swapping in empty data is refused too, and leaves the trainer usable.
    with pytest.raises(ValueError, match="no rows"):
        trainer.set_data(X[:0], Z[:0])
    np.testing.assert_array_equal(mlp.params, kept)
    assert trainer.n_rows == len(X)
    trainer.step_batch()
    assert trainer.steps == 2


def test_zero_input_columns_are_refused():
    with pytest.raises(ValueError, match="at least an input"):
        MLP((0, 3, 1))
    X, Z = _dataset("plain")
    with pytest.raises(ValueError, match="inputs have shape"):
        Trainer(MLP((2, 3, 1)), X[:, :0], Z)


@pytest.mark.parametrize("lr", [0.0, -1e-3, np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("optimizer", OPTIMIZER_NAMES)
def test_unusable_learning_rates_are_refused(optimizer, lr):
    X, Z = _dataset("plain")
    with pytest.raises(ValueError, match="learning rate"):
        Trainer(MLP((2, 3, 1)), X, Z, learning_rate=lr, optimizer=optimizer)


@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf, 1e309])
def test_non_finite_values_are_refused(value):
    X, Z = _dataset("plain")
    X = X.copy()
    X[2, 1] = value
    with pytest.raises(ValueError, match="NaN or infinite"):
        Trainer(MLP((2, 3, 1)), X, Z)


@pytest.mark.parametrize("optimizer", OPTIMIZER_NAMES)
def test_tiny_rate_barely_moves_and_equal_targets_are_learned(optimizer):
    """Sanity beside the stress: η = 1e−9 changes weights by ~1e−9, and
    constant targets are fitted (the loss goes down) at a sane rate."""
    slow = _trainer("plain", optimizer, 1e-9)
    start = slow.mlp.params.copy()
    for _ in range(6):
        slow.step_batch()
    assert np.max(np.abs(slow.mlp.params - start)) < 1e-7
    fit = _trainer("equal-targets", optimizer, 0.05)
    fit.run(40)
    assert fit.loss_history[-1] < fit.loss_history[0]
