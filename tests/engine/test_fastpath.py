"""The pure-Python per-sample SGD kernel must agree with the NumPy path to ~1e-12."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlpviz.engine import MLP, Trainer
from mlpviz.engine.activations import HIDDEN_ACTIVATIONS
from mlpviz.engine.kernels import fastpath
from mlpviz.engine.losses import LOSSES

# Every registered activation the kernel's mse trains in both places.
ACTIVATIONS = tuple(n for n in HIDDEN_ACTIVATIONS if n in LOSSES["mse"].outputs)
RNG = np.random.default_rng(2024)
X6 = RNG.uniform(-1.0, 1.0, (6, 3))
Z6 = RNG.uniform(-0.5, 0.9, (6, 2))
XT = RNG.uniform(-1.0, 1.0, (3, 3))
ZT = RNG.uniform(-0.5, 0.9, (3, 2))


@pytest.fixture
def kernel_count(monkeypatch):
    """Counts fastpath.Kernel constructions: proves the fast path really ran (or not)."""
    count = {"n": 0}
    real = fastpath.Kernel

    class Counting(real):
        def __init__(self, *args, **kwargs):
            count["n"] += 1
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(fastpath, "Kernel", Counting)
    return count


def sizes(depth):
    return (3, *[5, 4][: depth - 1], 2)


def pair(mlp, **kwargs):
    """Two trainers on copies of ``mlp``: (fast via run(), NumPy via step_sample())."""
    a, b = mlp.copy(), mlp.copy()
    kw = {"learning_rate": 0.2, "X_test": XT, "Z_test": ZT, **kwargs}
    return Trainer(a, X6, Z6, **kw), Trainer(b, X6, Z6, **kw)


def assert_same(fast, slow):
    np.testing.assert_allclose(fast.mlp.params, slow.mlp.params, rtol=0, atol=1e-12)
    np.testing.assert_allclose(fast.loss_history, slow.loss_history, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(fast.test_loss_history, slow.test_loss_history, rtol=1e-12)
    assert fast.penalty_history == slow.penalty_history
    np.testing.assert_allclose(fast.last_update, slow.last_update, rtol=0, atol=1e-12)
    np.testing.assert_allclose(fast.last_gradient, slow.last_gradient, rtol=0, atol=1e-12)
    assert fast.last_batch_loss == pytest.approx(slow.last_batch_loss, rel=1e-10, abs=1e-15)
    assert (fast.epoch, fast.position, fast.steps) == (slow.epoch, slow.position, slow.steps)
    assert fast.evaluations == slow.evaluations
    assert fast.optimizer.t == slow.optimizer.t
    np.testing.assert_array_equal(fast.order, slow.order)


@pytest.mark.parametrize("shuffle", [False, True], ids=["ordered", "shuffled"])
@pytest.mark.parametrize("depth", [1, 2, 3])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_fast_path_equals_numpy_path(activation, depth, shuffle, kernel_count):
    mlp = MLP(sizes(depth), activation, activation, seed=depth)
    fast, slow = pair(mlp, shuffle=shuffle, seed=11)
    epochs = 5
    fast.run(epochs)
    for _ in range(epochs * len(X6)):
        slow.step_sample()
    assert kernel_count["n"] == 1
    assert fast.epoch == epochs
    assert_same(fast, slow)
    assert np.abs(fast.mlp.params - mlp.params).max() > 1e-3  # it really trained
    # And again, continuing (the kernel re-reads the weights written back).
    fast.step_epoch()
    for _ in range(len(X6)):
        slow.step_sample()
    assert kernel_count["n"] == 2
    assert_same(fast, slow)


@pytest.mark.parametrize("output", ACTIVATIONS)
@pytest.mark.parametrize("hidden", ACTIVATIONS)
def test_mixed_activations(hidden, output, kernel_count):
    mlp = MLP((3, 4, 3, 2), [hidden, "tanh"], output, seed=5)
    fast, slow = pair(mlp)
    fast.run(3)
    for _ in range(3 * len(X6)):
        slow.step_sample()
    assert kernel_count["n"] == 1
    assert_same(fast, slow)


def test_mid_epoch_start_and_shuffle(kernel_count):
    mlp = MLP((3, 4, 2), "tanh", "sigmoid", seed=0)
    fast, slow = pair(mlp, shuffle=True, seed=3)
    for trainer in (fast, slow):
        trainer.step_sample()
        trainer.step_sample()
    fast.run(4)  # finishes epoch 0, then 3 more
    for _ in range(4 * len(X6) - 2):
        slow.step_sample()
    assert kernel_count["n"] == 1
    assert_same(fast, slow)
    assert fast.position == 0


def test_last_gradient_after_a_shuffled_fast_epoch_is_the_last_rows():
    mlp = MLP((3, 4, 2), "sigmoid", "sigmoid", seed=1)
    fast, _ = pair(mlp, shuffle=True, seed=8)
    last_order = None
    for _ in range(3):
        last_order = fast.order.copy()
        fast.step_epoch()
    # Recompute the gradient of the last step by hand: the last row of that epoch's order.
    r = last_order[-1]
    before = fast.mlp.params - fast.last_update
    trace = mlp.forward(X6[r], params=before)
    expected = mlp.backward(trace, Z6[r], params=before).flat
    np.testing.assert_allclose(fast.last_gradient, expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(fast.last_update, -0.2 * expected, rtol=1e-9, atol=1e-15)


@settings(max_examples=12, deadline=None)
@given(
    layer_sizes=st.lists(st.integers(1, 4), min_size=2, max_size=4),
    activation=st.sampled_from(ACTIVATIONS),
    seed=st.integers(0, 1000),
    shuffle=st.booleans(),
    lr=st.sampled_from([0.01, 0.05, 0.1]),
)
def test_random_networks(layer_sizes, activation, seed, shuffle, lr):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, (5, layer_sizes[0]))
    Z = rng.uniform(-1, 1, (5, layer_sizes[-1]))
    a = MLP(layer_sizes, activation, activation, seed=seed)
    b = a.copy()
    fast = Trainer(a, X, Z, learning_rate=lr, shuffle=shuffle, seed=seed)
    slow = Trainer(b, X, Z, learning_rate=lr, shuffle=shuffle, seed=seed)
    assert fastpath.eligible(a, "sgd", 0.0, 0.0, 0.0)
    fast.run(3)
    for _ in range(15):
        slow.step_sample()
    np.testing.assert_allclose(a.params, b.params, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(fast.loss_history, slow.loss_history, rtol=1e-11, atol=1e-14)


def test_eligibility():
    small = MLP.tutorial()
    assert fastpath.eligible(small, "sgd", 0.0, 0.0, 0.0)
    for name in ("momentum", "nesterov", "adagrad", "rmsprop", "adam", "trial-and-error"):
        assert not fastpath.eligible(small, name, 0.0, 0.0, 0.0)
    assert not fastpath.eligible(small, "sgd", 0.01, 0.0, 0.0)
    assert not fastpath.eligible(small, "sgd", 0.0, 0.01, 0.0)
    assert not fastpath.eligible(small, "sgd", 0.0, 0.0, 0.2)
    ce = MLP((2, 3, 1), loss="cross-entropy")
    assert not fastpath.eligible(ce, "sgd", 0.0, 0.0, 0.0)
    assert not fastpath.eligible(MLP((2, 3, 2), output_activation="softmax"), "sgd", 0, 0, 0)
    big = MLP((10, 12, 4))
    assert big.n_params > fastpath.MAX_PARAMS
    assert not fastpath.eligible(big, "sgd", 0.0, 0.0, 0.0)
    edge = MLP((1, fastpath.MAX_PARAMS // 3 - 1, 1))  # 3h + 1 parameters
    assert edge.n_params <= fastpath.MAX_PARAMS
    assert fastpath.eligible(edge, "sgd", 0.0, 0.0, 0.0)


@pytest.mark.parametrize(
    ("kwargs", "mlp_args", "used"),
    [
        ({}, {}, True),
        ({"batch_size": 2}, {}, False),
        ({"optimizer": "momentum"}, {}, False),
        ({"l2": 0.01}, {}, False),
        ({"l1": 0.01}, {}, False),
        ({"dropout": 0.1}, {}, False),
        ({}, {"loss": "cross-entropy"}, False),
        ({}, {"layer_sizes": (3, 30, 2)}, False),
    ],
)
def test_trainer_uses_the_kernel_only_when_eligible(kwargs, mlp_args, used, kernel_count):
    mlp = MLP(**{"layer_sizes": (3, 4, 2), **mlp_args}, seed=0)
    trainer = Trainer(mlp, X6, Z6, **kwargs)
    trainer.run(2)
    assert trainer.epoch == 2
    assert (kernel_count["n"] > 0) == used
    # step_sample / step_batch never use the kernel.
    before = kernel_count["n"]
    trainer.step_sample()
    trainer.step_batch()
    assert kernel_count["n"] == before


def test_kernel_helpers_match_numpy():
    mlp = MLP((3, 4, 2), "tanh", "sigmoid", seed=4)
    kernel = fastpath.Kernel(mlp, X6.tolist(), Z6.tolist())
    np.testing.assert_array_equal(kernel.flat_list(), mlp.params)
    np.testing.assert_allclose(kernel.output(X6[0].tolist()), mlp.forward(X6[0]).output, rtol=1e-14)
    assert kernel.mean_loss(X6.tolist(), Z6.tolist()) == pytest.approx(
        mlp.loss_value(X6, Z6), rel=1e-13
    )
    assert kernel.finite()
    saved = kernel.snapshot()
    kernel.train([0, 1, 2], 0.5)
    assert kernel.flat_list() != mlp.params.tolist()
    moved = kernel.flat()
    assert not np.allclose(moved, mlp.params)  # the MLP itself is untouched until write_back
    kernel.restore(saved)
    np.testing.assert_array_equal(kernel.flat(), mlp.params)
    kernel.train([0], 0.5)
    kernel.write_back()
    np.testing.assert_array_equal(mlp.params, kernel.flat())
    kernel.load_flat([0.0] * mlp.n_params)
    assert not mlp.params.any()
    assert kernel.flat_list() == [0.0] * mlp.n_params
    assert np.isnan(kernel.train([], 0.1))
