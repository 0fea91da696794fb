"""The training loop: the tutorial's per-sample SGD and everything layered on it."""

import signal
from itertools import pairwise

import numpy as np
import pytest

from mlpviz.engine import MLP, Schedule, Trainer, TrainingDiverged

# The MLP tutorial's normalization dataset (I0, I1, Z0), min-max scaled to [0, 1] per column.
RAW = np.array([[70, 98, 91], [50, 85, 82], [65, 67, 80], [25, 95, 68]], dtype=float)
NORM = (RAW - RAW.min(axis=0)) / (RAW.max(axis=0) - RAW.min(axis=0))
X, Z = NORM[:, :2], NORM[:, 2:]
X_TEST = np.array([[0.5, 0.5], [0.2, 0.9], [0.9, 0.1]])
Z_TEST = np.array([[0.6], [0.3], [0.7]])


def half_sq(mlp, X_, Z_):
    """Mean over rows of ½Σ(y − z)², computed here from the forward pass."""
    y = mlp.forward(X_).output.reshape(len(X_), -1)
    return float(np.mean(0.5 * ((y - np.reshape(Z_, y.shape)) ** 2).sum(axis=1)))


def manual_sgd(mlp, order, lr, batch=1):
    """Reference SGD: for each batch in ``order``, p ← p − η·mean gradient (δ from old p)."""
    mlp = mlp.copy()
    for lo in range(0, len(order), batch):
        rows = order[lo : lo + batch]
        g = mlp.backward(mlp.forward(X[rows]), Z[rows]).flat
        mlp.params -= lr * g
    return mlp.params


def test_hand_worked_sgd_step_on_the_tutorial_net():
    # The first normalized row is x = (1, 1), z = 1.0; η = 0.1. All δ use the old weights.
    assert np.array_equal(X[0], [1.0, 1.0])
    assert Z[0, 0] == 1.0
    mlp = MLP.tutorial()
    trainer = Trainer(mlp, X, Z, learning_rate=0.1)
    loss = trainer.step_sample()
    # Forward: a = σ(−1.0, 0.5, 1.5) = 0.26894142, 0.62245933, 0.81757448
    #          s_o = 0.5·0.26894142 − 1.0·0.62245933 + 0.0·0.81757448 + 0.5 = 0.01201138
    #          y = σ(0.01201138) = 0.50300281
    # Loss returned (before the update): ½(0.50300281 − 1)² = 0.12350310
    assert loss == pytest.approx(0.12350310, abs=1e-8)
    # δ_o = y(1 − y)(y − z) = 0.24999098 · (−0.49699719) = −0.12424482
    # δ_h = a(1 − a)·w_o·δ_o:
    #   node 0: 0.19661193 · 0.5 · (−0.12424482) = −0.01221401
    #   node 1: 0.23500371 · (−1.0) · (−0.12424482) = +0.02919799
    #   node 2: 0.14914645 · 0.0 · (−0.12424482) = 0
    d_o, d_h = -0.12424482, [-0.01221401, 0.02919799, 0.0]
    np.testing.assert_allclose(trainer.last_gradient[-1], d_o, atol=1e-8)  # ∇b_o = δ_o
    # Output layer, w ← w − η·δ_o·a:
    #   0.5 − 0.1·(−0.12424482)·0.26894142 = 0.50334146
    #  −1.0 − 0.1·(−0.12424482)·0.62245933 = −0.99226627
    #   0.0 − 0.1·(−0.12424482)·0.81757448 = 0.01015794
    #   b_o: 0.5 − 0.1·(−0.12424482) = 0.51242448
    np.testing.assert_allclose(mlp.weights[1], [[0.50334146, -0.99226627, 0.01015794]], atol=1e-8)
    np.testing.assert_allclose(mlp.biases[1], [0.51242448], atol=1e-8)
    # Hidden layer, w ← w − η·δ_h·x with x = (1, 1), b ← b − η·δ_h:
    #   node 0: −0.5 + 0.00122140 = −0.49877860, −1.0 + 0.00122140 = −0.99877860, b 0.50122140
    #   node 1: −0.5 − 0.00291980 = −0.50291980,  0.5 − 0.00291980 = 0.49708020, b 0.49708020
    #   node 2: δ = 0, unchanged: 1.0, 0.0, b 0.5
    np.testing.assert_allclose(
        mlp.weights[0],
        [[-0.49877860, -0.99877860], [-0.50291980, 0.49708020], [1.0, 0.0]],
        atol=1e-8,
    )
    np.testing.assert_allclose(mlp.biases[0], [0.50122140, 0.49708020, 0.5], atol=1e-8)
    np.testing.assert_allclose(trainer.last_gradient[6:9], d_h, atol=1e-8)  # ∇b_h = δ_h
    np.testing.assert_allclose(trainer.last_update, -0.1 * trainer.last_gradient, rtol=1e-12)
    assert trainer.position == 1
    assert trainer.steps == 1
    assert trainer.epoch == 0
    assert trainer.loss_history == []


def test_default_is_per_sample_sgd_in_file_order():
    mlp = MLP.tutorial()
    trainer = Trainer(mlp, X, Z)
    assert trainer.batch_size == 1
    assert trainer.optimizer.name == "sgd"
    assert trainer.learning_rate == 0.1
    np.testing.assert_array_equal(trainer.order, [0, 1, 2, 3])
    expected = manual_sgd(MLP.tutorial(), [0, 1, 2, 3], 0.1)
    trainer.step_epoch()
    np.testing.assert_allclose(mlp.params, expected, rtol=0, atol=1e-12)
    assert trainer.steps == 4
    # Another order gives other weights: the order matters and file order was used.
    other = manual_sgd(MLP.tutorial(), [3, 2, 1, 0], 0.1)
    assert not np.allclose(mlp.params, other, rtol=0, atol=1e-9)


@pytest.mark.parametrize("batch_size", [1, 2, 4])
def test_step_epoch_returns_the_mean_half_squared_error_after_the_epoch(batch_size):
    mlp = MLP.tutorial()
    trainer = Trainer(mlp, X, Z, learning_rate=0.5, batch_size=batch_size)
    before = half_sq(mlp, X, Z)
    loss = trainer.step_epoch()
    assert loss == trainer.loss_history[-1]
    assert loss == pytest.approx(half_sq(mlp, X, Z), rel=1e-12)
    assert loss != pytest.approx(before, rel=1e-6)
    assert trainer.penalty_history == [0.0]


def test_step_sample_returns_the_rows_loss_before_its_update():
    mlp = MLP.tutorial()
    trainer = Trainer(mlp, X, Z, learning_rate=0.5)
    for r in range(4):
        expected = half_sq(mlp, X[r : r + 1], Z[r : r + 1])
        assert trainer.step_sample() == pytest.approx(expected, rel=1e-12)
        assert trainer.last_batch_loss == pytest.approx(expected, rel=1e-12)


def test_four_step_samples_equal_one_fast_epoch():
    a, b = MLP.tutorial(), MLP.tutorial()
    ta = Trainer(a, X, Z, learning_rate=0.7)
    tb = Trainer(b, X, Z, learning_rate=0.7)
    for _ in range(3):
        for _ in range(4):
            ta.step_sample()
        tb.step_epoch()  # fast path
        np.testing.assert_allclose(a.params, b.params, rtol=0, atol=1e-12)
        np.testing.assert_allclose(ta.loss_history, tb.loss_history, rtol=1e-12)
        np.testing.assert_allclose(ta.last_update, tb.last_update, rtol=0, atol=1e-12)
        np.testing.assert_allclose(ta.last_gradient, tb.last_gradient, rtol=0, atol=1e-12)
        assert ta.last_batch_loss == pytest.approx(tb.last_batch_loss, rel=1e-12)
        assert (ta.epoch, ta.position, ta.steps) == (tb.epoch, tb.position, tb.steps)
        assert ta.evaluations == tb.evaluations
    assert np.abs(tb.last_update).max() > 0


@pytest.mark.parametrize(("batch_size", "steps"), [(2, 2), (3, 2), (4, 1), (10, 1)])
def test_batches_per_epoch(batch_size, steps):
    mlp = MLP.tutorial()
    trainer = Trainer(mlp, X, Z, learning_rate=0.3, batch_size=batch_size)
    trainer.step_epoch()
    assert trainer.steps == steps
    assert trainer.epoch == 1
    assert trainer.position == 0
    expected = manual_sgd(MLP.tutorial(), [0, 1, 2, 3], 0.3, batch=batch_size)
    np.testing.assert_allclose(mlp.params, expected, rtol=0, atol=1e-14)


def test_step_batch_shorter_at_the_end_of_the_epoch():
    mlp = MLP.tutorial()
    trainer = Trainer(mlp, X, Z, batch_size=3)
    trainer.step_batch()
    assert trainer.position == 3
    before = mlp.params.copy()
    trainer.step_batch()  # only row 3 is left
    assert (trainer.position, trainer.epoch, trainer.steps) == (0, 1, 2)
    row3 = mlp.backward(mlp.forward(X[3], params=before), Z[3], params=before).flat
    np.testing.assert_allclose(trainer.last_gradient, row3, rtol=1e-13, atol=1e-16)


def test_shuffle_is_reproducible_and_not_file_order():
    def train(seed, epochs=6):
        mlp = MLP.tutorial()
        trainer = Trainer(mlp, X, Z, learning_rate=0.5, shuffle=True, seed=seed)
        orders = []
        for _ in range(epochs):
            orders.append(trainer.order.copy())
            trainer.step_epoch()
        return mlp.params.copy(), orders, trainer

    p1, o1, _ = train(3)
    p2, o2, _ = train(3)
    _, o3, _ = train(4)
    np.testing.assert_array_equal(p1, p2)
    assert all(np.array_equal(a, b) for a, b in zip(o1, o2))
    assert all(sorted(o) == [0, 1, 2, 3] for o in o1)
    assert any(not np.array_equal(o, np.arange(4)) for o in o1)
    assert any(not np.array_equal(a, b) for a, b in zip(o1, o3))
    # The epochs really visit rows in those orders.
    expected = MLP.tutorial()
    for order in o1:
        expected.set_params(manual_sgd(expected, list(order), 0.5))
    np.testing.assert_allclose(p1, expected.params, rtol=0, atol=1e-12)
    plain = Trainer(MLP.tutorial(), X, Z, learning_rate=0.5)
    plain.run(6)
    assert not np.allclose(plain.mlp.params, p1)


def test_run_advances_epochs():
    trainer = Trainer(MLP.tutorial(), X, Z, learning_rate=0.5)
    assert np.isnan(trainer.run(0))
    last = trainer.run(5)
    assert trainer.epoch == 5
    assert len(trainer.loss_history) == 5
    assert last == trainer.loss_history[-1]
    trainer.run(3)
    assert trainer.epoch == 8
    assert trainer.steps == 32
    assert trainer.run(0) == trainer.loss_history[-1]
    assert trainer.epoch == 8
    # Training lowers the loss on this data.
    assert trainer.loss_history[-1] < trainer.loss_history[0]


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "numpy"])
def test_mid_epoch_step_epoch_finishes_the_epoch(fast):
    a, b = MLP.tutorial(), MLP.tutorial()
    # Momentum with β = 0 is plain SGD, but never takes the fast path.
    kw = {} if fast else {"optimizer": "momentum", "optimizer_options": {"beta": 0.0}}
    ta = Trainer(a, X, Z, learning_rate=0.4, **kw)
    tb = Trainer(b, X, Z, learning_rate=0.4, **kw)
    ta.step_sample()
    ta.step_epoch()
    assert (ta.epoch, ta.position, ta.steps) == (1, 0, 4)
    for _ in range(4):
        tb.step_sample()
    np.testing.assert_allclose(a.params, b.params, rtol=0, atol=1e-12)
    # run() from mid-epoch too.
    ta.step_sample()
    ta.step_sample()
    ta.run(2)
    assert (ta.epoch, ta.position, ta.steps) == (3, 0, 12)
    for _ in range(8):
        tb.step_sample()
    np.testing.assert_allclose(a.params, b.params, rtol=0, atol=1e-12)
    np.testing.assert_allclose(ta.loss_history, tb.loss_history, rtol=1e-12)


@pytest.mark.parametrize("batch_size", [1, 2], ids=["fast", "numpy"])
def test_test_loss_recorded(batch_size):
    mlp = MLP.tutorial()
    trainer = Trainer(
        mlp, X, Z, learning_rate=0.5, batch_size=batch_size, X_test=X_TEST, Z_test=Z_TEST
    )
    trainer.run(3)
    assert len(trainer.test_loss_history) == 3
    assert trainer.test_loss_history[-1] == pytest.approx(half_sq(mlp, X_TEST, Z_TEST), rel=1e-12)
    trainer.step_epoch()
    assert len(trainer.test_loss_history) == 4
    # Same numbers as stepping sample by sample / batch by batch.
    ref = Trainer(
        MLP.tutorial(), X, Z, learning_rate=0.5, batch_size=batch_size, X_test=X_TEST, Z_test=Z_TEST
    )
    for _ in range(4 * 4 // batch_size):
        ref.step_batch()
    np.testing.assert_allclose(trainer.test_loss_history, ref.test_loss_history, rtol=1e-12)
    assert trainer.test_loss_history != trainer.loss_history


def test_no_test_loss_without_test_data():
    trainer = Trainer(MLP.tutorial(), X, Z, X_test=X_TEST[:0], Z_test=Z_TEST[:0])
    trainer.run(2)
    assert trainer.test_loss_history == []


def test_l1_l2_penalty_and_gradient():
    l1, l2, lr = 0.01, 0.05, 0.2
    mlp = MLP((2, 3, 1), "tanh", "sigmoid", seed=1)
    trainer = Trainer(mlp, X, Z, learning_rate=lr, batch_size=4, l1=l1, l2=l2)
    before = mlp.params.copy()
    plain = mlp.backward(mlp.forward(X), Z).flat
    trainer.step_batch()
    weight = np.zeros(mlp.n_params, bool)
    for l in range(2):
        for j in range(mlp.layer_sizes[l + 1]):
            for i in range(mlp.layer_sizes[l]):
                weight[mlp.param_index(("w", l, j, i))] = True
    expected = plain + np.where(weight, l1 * np.sign(before) + l2 * before, 0.0)
    np.testing.assert_allclose(trainer.last_gradient, expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(trainer.last_gradient[~weight], plain[~weight], rtol=1e-14)
    assert not np.allclose(trainer.last_gradient[weight], plain[weight])
    np.testing.assert_allclose(trainer.last_update, -lr * expected, rtol=1e-12, atol=1e-15)
    # Penalty λ₁Σ|w| + ½λ₂Σw² over weights only, recorded apart from the data loss.
    w = mlp.params[weight]
    assert trainer.penalty_history[-1] == pytest.approx(
        l1 * np.abs(w).sum() + 0.5 * l2 * (w @ w), rel=1e-12
    )
    assert trainer.penalty() == trainer.penalty_history[-1]
    assert trainer.loss_history[-1] == pytest.approx(half_sq(mlp, X, Z), rel=1e-12)
    # Biases never enter the penalty.
    mlp.biases[0][...] = 100.0
    assert trainer.penalty() == pytest.approx(trainer.penalty_history[-1], rel=1e-12)


def test_dropout_reproducible_and_training_only():
    def train(seed, dropout=0.3):
        mlp = MLP((2, 6, 1), "tanh", "sigmoid", seed=0)
        trainer = Trainer(mlp, X, Z, learning_rate=0.5, dropout=dropout, seed=seed)
        trainer.run(5)
        return mlp, trainer

    a, ta = train(5)
    b, _ = train(5)
    c, _ = train(6)
    d, _ = train(5, dropout=0.0)
    np.testing.assert_array_equal(a.params, b.params)
    assert not np.allclose(a.params, c.params)
    assert not np.allclose(a.params, d.params)
    # The recorded loss is the network without dropout.
    assert ta.loss_history[-1] == pytest.approx(half_sq(a, X, Z), rel=1e-12)
    assert a.loss_value(X, Z) == ta.loss_history[-1]


def test_schedule_rates():
    base = 0.8
    step = Schedule("step", gamma=0.5, every=2)
    assert [step.rate(base, e) for e in range(6)] == [0.8, 0.8, 0.4, 0.4, 0.2, 0.2]
    expo = Schedule("exponential", gamma=0.9)
    np.testing.assert_allclose([expo.rate(base, e) for e in range(5)], base * 0.9 ** np.arange(5))
    cos = Schedule("cosine", period=4, floor=0.25)
    rates = [cos.rate(base, e) for e in range(7)]
    assert rates[0] == pytest.approx(base)
    assert rates[2] == pytest.approx((base + 0.25 * base) / 2)
    assert rates[4] == pytest.approx(0.25 * base)
    assert rates[6] == pytest.approx(0.25 * base)
    assert all(x >= y for x, y in pairwise(rates))
    assert Schedule().rate(base, 1000) == base
    for bad in ({"kind": "linear"}, {"kind": "step", "gamma": 1.5}, {"kind": "step", "every": 0}):
        with pytest.raises(ValueError):
            Schedule(**bad)


@pytest.mark.parametrize("fast", [True, False], ids=["fast", "numpy"])
@pytest.mark.parametrize(
    "schedule",
    [
        Schedule("step", gamma=0.5, every=2),
        Schedule("exponential", gamma=0.7),
        Schedule("cosine", period=3, floor=0.1),
        "constant",
    ],
    ids=["step", "exponential", "cosine", "constant"],
)
def test_trainer_follows_the_schedule(schedule, fast):
    # One row: every epoch is one step, so last_update = −η(epoch)·last_gradient.
    mlp = MLP.tutorial()
    trainer = Trainer(mlp, X[:1], Z[:1], learning_rate=0.6, schedule=schedule)
    sched = Schedule(schedule) if isinstance(schedule, str) else schedule
    for epoch in range(6):
        rate = sched.rate(0.6, epoch)
        assert trainer.learning_rate == pytest.approx(rate)
        if fast:
            trainer.run(1)
        else:
            trainer.step_sample()
        np.testing.assert_allclose(
            trainer.last_update, -rate * trainer.last_gradient, rtol=1e-10, atol=1e-16
        )
    assert trainer.epoch == 6


def test_schedule_in_a_multi_epoch_fast_run():
    a, b = MLP.tutorial(), MLP.tutorial()
    sched = Schedule("step", gamma=0.5, every=3)
    ta = Trainer(a, X, Z, learning_rate=1.0, schedule=sched)
    tb = Trainer(b, X, Z, learning_rate=1.0, schedule=sched)
    ta.run(7)
    for _ in range(28):
        tb.step_sample()
    np.testing.assert_allclose(a.params, b.params, rtol=0, atol=1e-12)
    assert ta.learning_rate == 0.25


# -- divergence --------------------------------------------------------------------

RAW_X, RAW_Z = RAW[:, :2], RAW[:, 2]  # unnormalized: inputs ~100, targets ~80


def diverge_stepwise(make):
    """Step batch by batch until TrainingDiverged; return (error, params before the step)."""
    trainer = make()
    for _ in range(100_000):
        before = trainer.mlp.params.copy()
        try:
            trainer.step_batch()
        except TrainingDiverged as error:
            return trainer, error, before
    raise AssertionError("did not diverge")


def check_diverged(trainer, error, before):
    assert isinstance(error, FloatingPointError)
    msg = str(error)
    assert "diverged" in msg
    assert f"epoch {error.epoch + 1}, step {error.step + 1}" in msg
    assert "smaller learning rate" in msg
    assert np.isfinite(trainer.mlp.params).all()
    np.testing.assert_array_equal(trainer.mlp.params, before)
    assert error.step == trainer.steps
    assert error.epoch == trainer.epoch
    assert len(trainer.loss_history) == trainer.epoch
    assert all(np.isfinite(trainer.loss_history))


@pytest.mark.parametrize(
    ("hidden", "batch_size", "optimizer", "lr", "seed"),
    [
        ("sigmoid", 2, "sgd", 1e6, 0),
        ("sigmoid", 4, "sgd", 1e6, 0),
        ("tanh", 1, "momentum", 1e6, 1),
        ("linear", 2, "adam", 1e200, 0),
    ],
)
def test_divergence_stepwise(hidden, batch_size, optimizer, lr, seed):
    def make():
        mlp = MLP((2, 3, 1), hidden, "linear", seed=seed)
        return Trainer(
            mlp, RAW_X, RAW_Z, learning_rate=lr, batch_size=batch_size, optimizer=optimizer
        )

    trainer, error, before = diverge_stepwise(make)
    check_diverged(trainer, error, before)
    # The trainer is left consistent: the same step fails again, weights untouched.
    with pytest.raises(TrainingDiverged) as again:
        trainer.step_batch()
    assert (again.value.epoch, again.value.step) == (error.epoch, error.step)
    np.testing.assert_array_equal(trainer.mlp.params, before)
    # run() stops at the very same step with the very same weights.
    fresh = make()
    with pytest.raises(TrainingDiverged) as info:
        fresh.run(100_000)
    assert (info.value.epoch, info.value.step) == (error.epoch, error.step)
    np.testing.assert_array_equal(fresh.mlp.params, before)
    np.testing.assert_array_equal(fresh.loss_history, trainer.loss_history)


@pytest.mark.parametrize(
    ("hidden", "seed", "pre"), [("sigmoid", 0, 0), ("relu", 3, 0), ("sigmoid", 2, 1)]
)
def test_divergence_fast_path(hidden, seed, pre):
    def make():
        mlp = MLP((2, 3, 1), hidden, "linear", seed=seed)
        trainer = Trainer(mlp, RAW_X, RAW_Z, learning_rate=1e6)
        for _ in range(pre):
            trainer.step_sample()
        return trainer

    ref, error, before = diverge_stepwise(make)
    check_diverged(ref, error, before)
    fast = make()
    with pytest.raises(TrainingDiverged) as info:
        fast.run(100_000)
    assert (info.value.epoch, info.value.step) == (error.epoch, error.step)
    assert np.isfinite(fast.mlp.params).all()
    # η = 1e6 blows the kernel's ulp-level differences (libm vs NumPy exp) up to ~1e-8.
    np.testing.assert_allclose(fast.mlp.params, before, rtol=1e-6, atol=0)
    assert (fast.epoch, fast.position, fast.steps) == (ref.epoch, ref.position, ref.steps)
    assert fast.evaluations == ref.evaluations
    np.testing.assert_allclose(fast.loss_history, ref.loss_history, rtol=1e-6)
    # The fast trainer itself stops before the failing step: it fails there again, unchanged.
    kept = fast.mlp.params.copy()
    with pytest.raises(TrainingDiverged):
        fast.step_batch()
    np.testing.assert_array_equal(fast.mlp.params, kept)


def test_fast_path_rollback_from_mid_epoch():
    # The step that fails is the last of an epoch whose own rows stay finite but whose
    # epoch loss overflows: the kernel finishes that epoch, and the trainer has to roll
    # back to where run() began — here one row into the epoch — and replay it in NumPy.
    def make():
        return Trainer(MLP((2, 3, 1), "sigmoid", "linear", seed=2), RAW_X, RAW_Z, 1e6)

    ref, error, before = diverge_stepwise(make)
    assert "epoch's loss" in str(error)
    assert error.step % 4 == 3  # the epoch's last step
    fast = make()
    for _ in range(error.step - 2):  # one row into the failing epoch
        fast.step_sample()
    assert (fast.epoch, fast.position) == (error.epoch, 1)
    with pytest.raises(TrainingDiverged) as info:
        fast.run(10)
    assert (info.value.epoch, info.value.step) == (error.epoch, error.step)
    np.testing.assert_allclose(fast.mlp.params, before, rtol=1e-6, atol=0)
    assert (fast.epoch, fast.position, fast.steps) == (ref.epoch, ref.position, ref.steps)


def test_huge_finite_weights_are_not_a_divergence():
    # Two weights of 1e308 on inputs that are always 0: every number stays finite, but
    # their sum overflows — the kernel's cheap check must not turn that into a hang.
    def alarm(signum, frame):
        raise TimeoutError("run() hung")

    def make():
        mlp = MLP((3, 1), output_activation="sigmoid", seed=0)
        mlp.weights[0][...] = [[1e308, 1e308, 0.5]]
        X3 = np.array([[0.0, 0.0, 1.0], [0.0, 0.0, 0.5]])
        return Trainer(mlp, X3, np.array([1.0, 0.0]), learning_rate=0.5)

    fast, ref = make(), make()
    old = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, 10.0)
    try:
        fast.run(3)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0.0)
        signal.signal(signal.SIGALRM, old)
    for _ in range(6):
        ref.step_sample()
    assert (fast.epoch, fast.steps) == (3, 6)
    np.testing.assert_array_equal(fast.mlp.params, ref.mlp.params)
    assert fast.loss_history == ref.loss_history
    assert fast.mlp.weights[0][0, 0] == 1e308


@pytest.mark.parametrize("batch_size", [1, 4], ids=["fast", "numpy"])
def test_divergence_by_an_infinite_weight(batch_size):
    mlp = MLP((2, 3, 1), "sigmoid", "linear", seed=0)
    start = mlp.params.copy()
    trainer = Trainer(mlp, RAW_X, RAW_Z, learning_rate=1e308, batch_size=batch_size)
    with pytest.raises(TrainingDiverged, match="infinite or NaN") as info:
        trainer.run(3)
    assert (info.value.epoch, info.value.step) == (0, 0)
    np.testing.assert_array_equal(mlp.params, start)
    assert trainer.loss_history == []


@pytest.mark.parametrize("where", ["X", "Z", "X_test"])
@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_non_finite_data_refused(where, value):
    data = {"X": X.copy(), "Z": Z.copy(), "X_test": X_TEST.copy()}
    data[where][1, 0] = value
    with pytest.raises(ValueError, match="NaN or infinite"):
        Trainer(MLP.tutorial(), data["X"], data["Z"], X_test=data["X_test"], Z_test=Z_TEST)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"learning_rate": 0.0}, "learning rate"),
        ({"learning_rate": np.inf}, "learning rate"),
        ({"batch_size": 0}, "batch size"),
        ({"dropout": 1.0}, "dropout"),
        ({"l2": -1.0}, "regularization"),
        ({"optimizer": "lbfgs"}, "unknown optimizer"),
        ({"optimizer": "adam", "optimizer_options": {"beta": 0.9}}, "no option beta"),
        ({"schedule": "warmup"}, "unknown schedule"),
    ],
)
def test_bad_trainer_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Trainer(MLP.tutorial(), X, Z, **kwargs)


def test_bad_data_shapes():
    with pytest.raises(ValueError, match="inputs have shape"):
        Trainer(MLP.tutorial(), X[:, :1], Z)
    with pytest.raises(ValueError, match="targets have shape"):
        Trainer(MLP.tutorial(), X, Z[:3])
    with pytest.raises(ValueError, match="no rows"):
        Trainer(MLP.tutorial(), X[:0], Z[:0])


@pytest.mark.parametrize(("batch_size", "optimizer"), [(1, "sgd"), (2, "sgd"), (1, "adam")])
def test_gradient_evaluation_counter(batch_size, optimizer):
    trainer = Trainer(MLP.tutorial(), X, Z, batch_size=batch_size, optimizer=optimizer)
    trainer.run(3)
    trainer.step_batch()
    assert trainer.evaluations == {"loss": 0, "gradient": trainer.steps}
    assert trainer.steps == 3 * 4 // batch_size + 1


def test_trial_and_error_counts_loss_evaluations_only():
    mlp = MLP.tutorial()
    trainer = Trainer(mlp, X, Z, learning_rate=0.05, batch_size=4, optimizer="trial-and-error")
    n = mlp.n_params
    for _ in range(5):
        before = trainer.evaluations["loss"]
        trainer.step_batch()
        used = trainer.evaluations["loss"] - before
        assert 1 + n <= used <= 1 + 2 * n
    assert trainer.evaluations["gradient"] == 0
    # Full batch: a move is kept only if it lowers the loss, so the loss never rises.
    trainer.run(20)
    history = trainer.loss_history
    assert all(b <= a for a, b in pairwise(history))
    assert history[-1] < half_sq(MLP.tutorial(), X, Z)
