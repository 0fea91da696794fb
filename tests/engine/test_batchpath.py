"""The mini-batch kernel (batchpath) must give the generic path's results.

The reference is the same Trainer with the kernel switched off, which runs
every batch through ``Trainer._step_rows`` (Trace, Gradients, optimizer).
"""

import threading

import numpy as np
import pytest

from mlpviz.engine import MLP, Trainer, TrainingDiverged, WeightHistory
from mlpviz.engine.activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from mlpviz.engine.kernels import batchpath, epochloss
from mlpviz.engine.losses import LOSSES

RNG = np.random.default_rng(7)
X = RNG.uniform(-1.0, 1.0, (23, 4))
Z = RNG.uniform(0.05, 0.95, (23, 3))
XT = RNG.uniform(-1.0, 1.0, (5, 4))
ZT = RNG.uniform(0.05, 0.95, (5, 3))
LABELS = np.eye(3)[RNG.integers(0, 3, 23)]
# Every registered activation that is both a hidden and an mse output one.
ACTIVATIONS = tuple(n for n in HIDDEN_ACTIVATIONS if n in LOSSES["mse"].outputs)


@pytest.fixture
def kernel_count(monkeypatch):
    """Counts batch-kernel runs: proves the kernel really ran."""
    count = {"n": 0}
    real = batchpath.run

    def counting(*args, **kwargs):
        count["n"] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(batchpath, "run", counting)
    return count


@pytest.fixture(params=[1, 2], ids=["1thread", "2threads"])
def threads(request, monkeypatch):
    monkeypatch.setattr(batchpath, "THREADS", request.param)
    return request.param


class Generic(Trainer):
    """The reference: the same trainer with the kernel switched off."""

    def _batched(self):
        return False


def pair(mlp, X_=X, Z_=Z, history=False, **kwargs):
    kw = {"learning_rate": 0.3, "batch_size": 4, "X_test": XT, "Z_test": ZT, **kwargs}
    fast, slow = Trainer(mlp.copy(), X_, Z_, **kw), Generic(mlp.copy(), X_, Z_, **kw)
    if history:
        for t in (fast, slow):
            t.history = WeightHistory(mlp.n_params, 4)
            t.history.record(0, t.mlp.params)
    return fast, slow


def assert_same(fast, slow, atol=1e-12):
    np.testing.assert_allclose(fast.mlp.params, slow.mlp.params, rtol=0, atol=atol)
    np.testing.assert_allclose(fast.loss_history, slow.loss_history, rtol=atol, atol=1e-300)
    np.testing.assert_allclose(fast.test_loss_history, slow.test_loss_history, rtol=atol)
    assert fast.penalty_history == slow.penalty_history
    np.testing.assert_allclose(fast.last_update, slow.last_update, rtol=0, atol=atol)
    if slow.last_gradient is None:
        assert fast.last_gradient is None
    else:
        np.testing.assert_allclose(fast.last_gradient, slow.last_gradient, rtol=0, atol=atol)
    if slow.last_batch_loss is None:
        assert fast.last_batch_loss is None
    else:
        assert fast.last_batch_loss == pytest.approx(slow.last_batch_loss, rel=atol, abs=1e-300)
    assert (fast.epoch, fast.position, fast.steps) == (slow.epoch, slow.position, slow.steps)
    assert fast.evaluations == slow.evaluations
    assert fast.optimizer.t == slow.optimizer.t
    np.testing.assert_array_equal(fast.order, slow.order)
    if slow.history is not None:
        np.testing.assert_array_equal(fast.history.epochs, slow.history.epochs)
        np.testing.assert_allclose(fast.history.params, slow.history.params, rtol=0, atol=atol)


@pytest.mark.parametrize("shuffle", [False, True], ids=["ordered", "shuffled"])
@pytest.mark.parametrize("batch_size", [1, 4, 5, 23, 64])  # 4, 5: a short last batch
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_kernel_equals_generic_path(activation, batch_size, shuffle, threads, kernel_count):
    # Over fastpath.MAX_PARAMS, so batch size 1 takes this kernel too.
    mlp = MLP((4, 12, 10, 3), activation, activation, seed=3, init="xavier")
    fast, slow = pair(mlp, batch_size=batch_size, shuffle=shuffle, seed=5, history=True)
    for trainer in (fast, slow):
        trainer.run(5)
        trainer.run(1)
    assert kernel_count["n"] == 2
    assert fast.epoch == 6
    assert_same(fast, slow)
    assert np.abs(fast.mlp.params - mlp.params).max() > 1e-3  # it really trained


@pytest.mark.parametrize("output", OUTPUT_ACTIVATIONS)
@pytest.mark.parametrize("hidden", HIDDEN_ACTIVATIONS)
def test_mixed_activations_and_losses(hidden, output, threads, kernel_count):
    loss = "mse" if output in LOSSES["mse"].outputs else "cross-entropy"
    mlp = MLP((4, 5, 3), hidden, output, seed=1, loss=loss)
    fast, slow = pair(
        mlp, Z_=LABELS if output == "softmax" else Z, batch_size=6, shuffle=True, seed=2
    )
    for trainer in (fast, slow):
        trainer.run(4)
    assert kernel_count["n"] == 1
    assert_same(fast, slow)


def test_sigmoid_cross_entropy(threads):
    mlp = MLP((4, 5, 3), "tanh", "sigmoid", seed=2, loss="cross-entropy")
    fast, slow = pair(mlp, Z_=LABELS, batch_size=3)
    for trainer in (fast, slow):
        trainer.run(3)
    assert_same(fast, slow)


def test_bit_for_bit_on_the_benchmark_shape(threads):
    # The kernel runs the generic path's own operations: not close, equal.
    rng = np.random.default_rng(0)
    X_, Z_ = rng.random((3000, 64)), np.eye(10)[rng.integers(0, 10, 3000)]
    mlp = MLP((64, 128, 10), "sigmoid", "sigmoid", init="xavier", seed=1)
    fast, slow = pair(mlp, X_, Z_, batch_size=64, X_test=X_[:700], Z_test=Z_[:700])
    for trainer in (fast, slow):
        trainer.run(3)
    np.testing.assert_array_equal(fast.mlp.params, slow.mlp.params)
    assert fast.loss_history == slow.loss_history
    assert fast.test_loss_history == slow.test_loss_history
    assert fast.last_batch_loss == slow.last_batch_loss
    np.testing.assert_array_equal(fast.last_gradient, slow.last_gradient)
    # The epoch's loss is MLP.loss_value's, bit for bit, over blocks of rows.
    assert fast.loss_history[-1] == fast.mlp.loss_value(X_, Z_)


def test_mid_epoch_start_schedule_and_step_batch_after(threads, kernel_count):
    mlp = MLP((4, 6, 3), "tanh", "sigmoid", seed=4)
    fast, slow = pair(mlp, batch_size=5, shuffle=True, seed=9, schedule="step")
    for trainer in (fast, slow):
        trainer.step_batch()
        trainer.step_batch()
        trainer.run(4)  # finishes epoch 0, then 3 more
        trainer.step_batch()
    assert kernel_count["n"] == 1
    assert_same(fast, slow)
    assert fast.position == 5


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_steps_equal_generic_steps(activation):
    # step_batch / step_sample run one kernel update each (Trainer._step_rows).
    mlp = MLP((4, 6, 3), activation, "sigmoid", seed=6)
    fast, slow = pair(mlp, batch_size=5, shuffle=True, seed=1, history=True)
    X2, Z2 = X[:11] * 0.5, Z[:11]
    for trainer in (fast, slow):
        for _ in range(12):  # 2 epochs and a bit
            trainer.step_batch()
        trainer.step_sample()
        trainer.batch_size = 3  # a new kernel for the new size
        for _ in range(9):
            trainer.step_batch()
        trainer.set_data(X2, Z2)  # and for new data
        trainer.run(2)
        trainer.step_batch()
    assert_same(fast, slow)
    assert fast.epoch > 4


def test_not_taken_with_other_optimizers_or_regularization(kernel_count):
    mlp = MLP((4, 5, 3), seed=0)
    for kw in ({"optimizer": "adam"}, {"l2": 0.01}, {"l1": 0.01}, {"dropout": 0.2}):
        Trainer(mlp.copy(), X, Z, batch_size=4, seed=0, **kw).run(2)
    assert kernel_count["n"] == 0
    Trainer(mlp.copy(), X, Z, batch_size=4).run(1)
    assert kernel_count["n"] == 1


# -- divergence ---------------------------------------------------------------------

RAW = np.array([[70, 98, 91], [50, 85, 82], [65, 67, 80], [25, 95, 68]], dtype=float)
RAW_X, RAW_Z = RAW[:, :2], RAW[:, 2]  # unnormalized: inputs ~100, targets ~80


def diverged(trainer, epochs):
    with pytest.raises(TrainingDiverged) as info:
        trainer.run(epochs)
    return info.value


@pytest.mark.parametrize(
    ("hidden", "output", "batch_size", "lr", "seed", "message"),
    [
        ("sigmoid", "linear", 2, 1e6, 0, None),
        ("sigmoid", "linear", 4, 1e6, 0, None),
        ("relu", "linear", 3, 1e6, 3, None),
        ("linear", "linear", 2, 1e200, 0, "the loss"),
        ("sigmoid", "linear", 2, 1e308, 0, "infinite or NaN"),
        ("linear", "relu", 3, 100.0, 3, None),
        ("sigmoid", "linear", 2, 1e4, 0, "epoch's loss"),
        ("sigmoid", "linear", 3, 1e5, 1, "epoch's loss"),
    ],
)
def test_divergence_stops_where_the_generic_path_stops(
    hidden, output, batch_size, lr, seed, message, threads
):
    mlp = MLP((2, 3, 1), hidden, output, seed=seed)
    fast, slow = pair(mlp, RAW_X, RAW_Z, learning_rate=lr, batch_size=batch_size, X_test=None)
    slow_error = diverged(slow, 1000)
    fast_error = diverged(fast, 1000)
    assert str(fast_error) == str(slow_error)
    if message:
        assert message in str(fast_error)
    assert (fast_error.epoch, fast_error.step) == (slow_error.epoch, slow_error.step)
    assert np.isfinite(fast.mlp.params).all()
    assert_same(fast, slow, atol=0)
    # Left consistent: the same step fails again, weights untouched.
    kept = fast.mlp.params.copy()
    with pytest.raises(TrainingDiverged) as again:
        fast.step_batch()
    assert (again.value.epoch, again.value.step) == (fast_error.epoch, fast_error.step)
    np.testing.assert_array_equal(fast.mlp.params, kept)


@pytest.mark.parametrize(
    ("hidden", "batch_size", "lr", "seed", "message"),
    [
        ("sigmoid", 2, 1e6, 0, None),
        ("linear", 2, 1e200, 0, "the loss"),
        ("sigmoid", 2, 1e308, 0, "infinite or NaN"),
        ("sigmoid", 3, 1e5, 1, "epoch's loss"),
        ("sigmoid", 1, 1e6, 2, None),
    ],
)
def test_divergence_step_by_step(hidden, batch_size, lr, seed, message):
    mlp = MLP((2, 3, 1), hidden, "linear", seed=seed)
    fast, slow = pair(mlp, RAW_X, RAW_Z, learning_rate=lr, batch_size=batch_size, X_test=None)
    errors = []
    for trainer in (fast, slow):
        with pytest.raises(TrainingDiverged) as info:
            for _ in range(100_000):
                trainer.step_batch()
        errors.append(str(info.value))
    assert errors[0] == errors[1]
    if message:
        assert message in errors[0]
    assert_same(fast, slow, atol=0)
    np.testing.assert_array_equal(fast.last_update, slow.last_update)


def test_divergence_found_by_the_epoch_loss_of_an_earlier_epoch(monkeypatch):
    # With a helper thread an epoch's loss is known only while the next epoch
    # trains; when it is not finite, that next epoch is undone as well.
    monkeypatch.setattr(batchpath, "THREADS", 2)
    seen = []
    real = batchpath._Pending.join

    def join(self):
        losses = real(self)
        seen.append(losses[0])
        return losses

    monkeypatch.setattr(batchpath._Pending, "join", join)
    mlp = MLP((2, 3, 1), "sigmoid", "linear", seed=0)
    test = {"X_test": RAW_X[1:3], "Z_test": RAW_Z[1:3]}
    fast, slow = pair(mlp, RAW_X, RAW_Z, learning_rate=1e5, batch_size=3, **test)
    slow_error = diverged(slow, 1000)
    fast_error = diverged(fast, 1000)
    assert "epoch's loss" in str(slow_error)
    assert not np.isfinite(seen[-1])  # found by the helper, one epoch late
    assert str(fast_error) == str(slow_error)
    np.testing.assert_array_equal(fast.mlp.params, slow.mlp.params)
    assert fast.loss_history == slow.loss_history
    assert fast.test_loss_history == slow.test_loss_history
    assert len(fast.loss_history) == fast.epoch == slow_error.epoch
    assert (fast.epoch, fast.position, fast.steps) == (slow.epoch, slow.position, slow.steps)
    assert fast.evaluations == slow.evaluations
    assert fast.optimizer.t == slow.optimizer.t
    np.testing.assert_array_equal(fast.order, slow.order)


def test_huge_finite_weights_are_a_false_alarm_not_a_divergence(threads):
    # Squared errors past 1e300 make the kernel hand the batch to the generic
    # path, which finds every number finite and trains on.
    mlp = MLP((3, 1), output_activation="linear", seed=0)
    mlp.weights[0][...] = [[1e151, 0.0, 0.5]]
    X3 = np.array([[1.0, 0.0, 1.0], [0.0, 0.0, 0.5]])
    fast, slow = pair(
        mlp, X3, np.array([1.0, 0.0]), learning_rate=1e-160, batch_size=2, X_test=None
    )
    for trainer in (fast, slow):
        trainer.run(3)
    assert_same(fast, slow, atol=0)
    assert fast.epoch == 3


# -- threads ------------------------------------------------------------------------


def helper_threads():
    return [t for t in threading.enumerate() if t.name.startswith("mlpviz-")]


def big_pair(**kwargs):
    # 600 hidden nodes: MLP.loss_value's blocks are 256 rows, so the 3000 rows
    # make 12 blocks, enough to share between threads.
    rng = np.random.default_rng(1)
    X_, Z_ = rng.random((3000, 8)), rng.random((3000, 2))
    mlp = MLP((8, 600, 2), init="xavier", seed=0)
    assert mlp.loss_block_rows == 256
    kwargs = {"X_test": X_[:900], "Z_test": Z_[:900], **kwargs}
    return pair(mlp, X_, Z_, batch_size=100, **kwargs)


def test_threaded_losses_leave_no_thread_behind(monkeypatch):
    monkeypatch.setattr(batchpath, "THREADS", 2)
    before = threading.active_count()
    fast, slow = big_pair(X_test=None)
    for trainer in (fast, slow):
        trainer.run(4)
    assert_same(fast, slow, atol=0)
    assert not helper_threads()
    assert threading.active_count() == before


@pytest.mark.parametrize(
    ("call", "in_main", "kept"),
    [
        (2, False, 1),  # epoch 2's loss, in the helper while epoch 3 trains
        (4, True, 3),  # the last epoch's loss: the training thread's share
        (4, False, 3),  # the last epoch's loss: the helper's share
    ],
    ids=["pending", "last-caller", "last-helper"],
)
def test_an_exception_in_a_loss_thread_propagates_and_leaves_no_thread(
    monkeypatch, call, in_main, kept
):
    monkeypatch.setattr(batchpath, "THREADS", 2)
    fast, slow = big_pair(X_test=None)
    slow.run(kept)
    calls = {"n": 0}
    real_call, real_rows = epochloss.LossEvaluator.__call__, epochloss.LossEvaluator._row_losses

    def counting(self, *args, **kwargs):
        calls["n"] += 1
        return real_call(self, *args, **kwargs)

    def failing(self, *args):
        main = threading.current_thread() is threading.main_thread()
        if calls["n"] == call and main == in_main:
            raise MemoryError("no room")
        return real_rows(self, *args)

    monkeypatch.setattr(epochloss.LossEvaluator, "__call__", counting)
    monkeypatch.setattr(epochloss.LossEvaluator, "_row_losses", failing)
    with pytest.raises(MemoryError):
        fast.run(4)
    assert not helper_threads()
    # Left as the epoch whose loss failed began; the epochs before it intact.
    assert_same(fast, slow, atol=0)


def test_interrupted_run_keeps_the_finished_epochs(monkeypatch):
    monkeypatch.setattr(batchpath, "THREADS", 2)
    fast, slow = big_pair()
    slow.run(2)
    real = batchpath.BatchKernel.train_epoch
    calls = {"n": 0}

    def interrupted(self, *args):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(self, *args)

    monkeypatch.setattr(batchpath.BatchKernel, "train_epoch", interrupted)
    with pytest.raises(KeyboardInterrupt):
        fast.run(5)
    assert not helper_threads()
    assert_same(fast, slow, atol=0)
    monkeypatch.setattr(batchpath.BatchKernel, "train_epoch", real)
    for trainer in (fast, slow):
        trainer.run(2)
    assert_same(fast, slow, atol=0)


# -- the epoch's loss -----------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 255, 256, 257, 1000])
@pytest.mark.parametrize("threads", [1, 2, 3])
@pytest.mark.parametrize(
    ("hidden", "output"), [("sigmoid", "sigmoid"), ("relu", "softmax"), ("tanh", "linear")]
)
def test_loss_evaluator_is_loss_value_to_the_bit(rows, threads, hidden, output):
    mlp = MLP((5, 600, 3), hidden, output, init="xavier", seed=rows)
    assert mlp.loss_block_rows == 256
    rng = np.random.default_rng(rows)
    X_ = rng.normal(size=(rows, 5))
    Z_ = np.eye(3)[rng.integers(0, 3, rows)]
    evaluate = epochloss.LossEvaluator(mlp)
    other = rng.normal(size=mlp.n_params) * 0.1
    for _ in range(2):  # reused buffers give the same answer
        assert evaluate(X_, Z_, threads=threads) == mlp.loss_value(X_, Z_)
        assert evaluate(X_, Z_, other, threads=threads) == mlp.loss_value(X_, Z_, params=other)
    assert not helper_threads()


def test_run_parallel_joins_every_helper_before_raising():
    finished = []

    def work(k, part):
        if k == 0:
            raise ValueError("mine")
        threading.Event().wait(0.05)
        finished.append(k)

    with pytest.raises(ValueError, match="mine"):
        epochloss.run_parallel(work, [range(1)] * 3)
    assert sorted(finished) == [1, 2]
    assert not helper_threads()

    def helper_fails(k, part):
        if k == 2:
            raise KeyError("theirs")

    with pytest.raises(KeyError, match="theirs"):
        epochloss.run_parallel(helper_fails, [range(1)] * 3)
    assert not helper_threads()


def test_helpers_keep_the_callers_numpy_error_settings():
    def overflow(k, part):
        with pytest.raises(FloatingPointError):
            np.exp(np.array([1000.0]))

    with np.errstate(over="raise"):
        epochloss.run_parallel(overflow, [range(1)] * 2)
