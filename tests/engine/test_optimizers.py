"""Optimizers against hand-written reference updates, and on the tutorial network."""

import json
from itertools import pairwise

import numpy as np
import pytest

from mlpviz.engine import MLP, OPTIMIZERS, Optimizer, Trainer, make_optimizer

RAW = np.array([[70, 98, 91], [50, 85, 82], [65, 67, 80], [25, 95, 68]], dtype=float)
NORM = (RAW - RAW.min(axis=0)) / (RAW.max(axis=0) - RAW.min(axis=0))
X, Z = NORM[:, :2], NORM[:, 2:]

P0 = np.array([0.5, -1.5, 2.0])
GRADS = [np.array([0.3, -0.2, 1.0]), np.array([-0.1, 0.4, 0.5]), np.array([0.2, 0.2, -0.7])]
LR = 0.1


def reference(name, options):
    """The textbook update rules, written out step by step (t = 1, 2, 3)."""
    p = P0.copy()
    if name == "sgd":
        for g in GRADS:
            p = p - LR * g
    elif name == "momentum":
        # Classic form v ← βv − ηg, p ← p + v (equal to PyTorch's for a constant η).
        beta, v = options.get("beta", 0.9), np.zeros(3)
        for g in GRADS:
            v = beta * v - LR * g
            p = p + v
    elif name == "nesterov":
        beta, v = options.get("beta", 0.9), np.zeros(3)
        for g in GRADS:
            v = beta * v + g
            p = p - LR * (g + beta * v)
    elif name == "adagrad":
        eps, G = options.get("eps", 1e-8), np.zeros(3)
        for g in GRADS:
            G = G + g**2
            p = p - LR * g / (np.sqrt(G) + eps)
    elif name == "rmsprop":
        rho, eps, E = options.get("rho", 0.9), options.get("eps", 1e-8), np.zeros(3)
        for g in GRADS:
            E = rho * E + (1 - rho) * g**2
            p = p - LR * g / (np.sqrt(E) + eps)
    elif name == "adam":
        b1, b2 = options.get("beta1", 0.9), options.get("beta2", 0.999)
        eps, m, v = options.get("eps", 1e-8), np.zeros(3), np.zeros(3)
        for t, g in enumerate(GRADS, start=1):
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g**2
            p = p - LR * (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
    return p


GRADIENT_METHODS = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"]


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("sgd", {}),
        ("momentum", {}),
        ("momentum", {"beta": 0.5}),
        ("nesterov", {}),
        ("nesterov", {"beta": 0.7}),
        ("adagrad", {}),
        ("rmsprop", {}),
        ("rmsprop", {"rho": 0.5, "eps": 1e-3}),
        ("adam", {}),
        ("adam", {"beta1": 0.8, "beta2": 0.99}),
    ],
)
def test_three_steps_match_the_reference(name, options):
    opt = make_optimizer(name, **options)
    p = P0.copy()
    for g in GRADS:
        opt.step(p, g.copy(), LR)
    assert opt.t == 3
    np.testing.assert_allclose(p, reference(name, options), rtol=1e-12, atol=1e-15)
    if name != "sgd":  # the state matters: differs from plain SGD
        assert not np.allclose(p, reference("sgd", {}))


def test_step_does_not_modify_the_gradient():
    for name in GRADIENT_METHODS:
        g = GRADS[0].copy()
        make_optimizer(name).step(P0.copy(), g, LR)
        np.testing.assert_array_equal(g, GRADS[0])


@pytest.mark.parametrize(
    ("name", "lr"),
    [
        ("sgd", 0.5),
        ("momentum", 0.1),
        ("nesterov", 0.1),
        ("adagrad", 0.1),
        ("rmsprop", 0.01),
        ("adam", 0.01),
    ],
)
def test_each_optimizer_trains_the_tutorial_net(name, lr):
    mlp = MLP.tutorial()
    start = mlp.loss_value(X, Z)
    trainer = Trainer(mlp, X, Z, learning_rate=lr, batch_size=4, optimizer=name)
    trainer.run(200)
    assert trainer.steps == 200
    assert trainer.loss_history[-1] < 0.8 * start
    assert trainer.optimizer.t == 200


def test_trial_and_error_on_the_bowl():
    f = lambda p: float(p @ p)  # noqa: E731 — f(x, y) = x² + y²
    opt = make_optimizer("trial-and-error", step=0.5)
    assert not opt.uses_gradient
    p = np.array([3.0, 4.0])
    values = [f(p)]
    for _ in range(8):  # y needs 8 steps of 0.5 from 4 to 0
        evals = opt.trial_step(p, f, 0.1)
        assert 1 + p.size <= evals <= 1 + 2 * p.size
        values.append(f(p))
    assert all(b < a for a, b in pairwise(values))  # every sweep moves downhill
    np.testing.assert_allclose(p, [0.0, 0.0], atol=1e-12)  # 3 and 4 are multiples of 0.5
    # At the minimum no move lowers the loss: nothing is kept.
    assert opt.trial_step(p, f, 0.1) == 1 + 2 * p.size
    np.testing.assert_array_equal(p, [0.0, 0.0])


def test_trial_and_error_keeps_only_improving_moves():
    calls = []

    def loss(p):
        calls.append(p.copy())
        return float((p[0] - 1.0) ** 2 + (p[1] + 1.0) ** 2 + 5.0 * (p[2] == 0.0))

    opt = make_optimizer("trial-and-error")  # step 0 → the learning rate
    p = np.array([0.0, 0.0, 0.0])
    opt.trial_step(p, loss, 0.25)
    # x: +0.25 improves (kept at once); y: +0.25 is worse, −0.25 improves;
    # z: moving off 0 improves by 5 even though the square part is unchanged.
    np.testing.assert_array_equal(p, [0.25, -0.25, 0.25])
    np.testing.assert_array_equal(calls[1], [0.25, 0.0, 0.0])
    np.testing.assert_array_equal(calls[2], [0.25, 0.25, 0.0])
    np.testing.assert_array_equal(calls[3], [0.25, -0.25, 0.0])
    assert len(calls) == 5
    # A worse point is never kept, whatever the step.
    q = np.array([1.0, -1.0, 7.0])
    before = loss(q)
    opt.trial_step(q, loss, 3.0)
    assert loss(q) <= before
    np.testing.assert_array_equal(q[:2], [1.0, -1.0])


def test_trial_and_error_never_keeps_nan():
    opt = make_optimizer("trial-and-error")
    p = np.array([1.0])
    opt.trial_step(p, lambda q: float("nan") if q[0] != 1.0 else 1.0, 0.5)
    assert p[0] == 1.0


def test_trial_and_error_refuses_gradient_steps():
    with pytest.raises(TypeError, match="trial_step"):
        make_optimizer("trial-and-error").step(P0.copy(), GRADS[0], LR)


def test_unknown_optimizer_and_option():
    with pytest.raises(ValueError, match="unknown optimizer 'lbfgs'") as info:
        make_optimizer("lbfgs")
    for name in GRADIENT_METHODS:
        assert name in str(info.value)
    with pytest.raises(ValueError, match="adam has no option momentum; its options: beta1"):
        make_optimizer("adam", momentum=0.9)
    with pytest.raises(ValueError, match="sgd has no option beta; its options: none"):
        make_optimizer("sgd", beta=0.9)


def test_registry():
    assert set(OPTIMIZERS) == {*GRADIENT_METHODS, "trial-and-error"}
    for name, cls in OPTIMIZERS.items():
        opt = make_optimizer(name)
        assert isinstance(opt, Optimizer)
        assert type(opt) is cls
        assert opt.name == name
        assert opt.options == cls.defaults


@pytest.mark.parametrize("name", GRADIENT_METHODS)
def test_state_dict_round_trip_continues_identically(name):
    a = make_optimizer(name)
    p = P0.copy()
    for g in GRADS:
        a.step(p, g, LR)
    saved = json.loads(json.dumps(a.state_dict()))  # JSON-friendly
    assert saved["name"] == name
    assert saved["t"] == 3
    b = make_optimizer(saved["name"], **saved["options"])
    b.load_state_dict(saved)
    q = p.copy()
    for g in reversed(GRADS):
        a.step(p, g, LR)
        b.step(q, g, LR)
    np.testing.assert_array_equal(p, q)
    assert a.t == b.t == 6
    # A fresh optimizer (no state) would not have continued the same way.
    c, r = make_optimizer(name), P0.copy()
    for g in GRADS:
        a.step(r, g, LR)
    for g in reversed(GRADS):
        c.step(r, g, LR)
    if name != "sgd":
        assert not np.allclose(r, p)


@pytest.mark.parametrize("name", GRADIENT_METHODS)
def test_reset_forgets_state(name):
    opt = make_optimizer(name)
    p = P0.copy()
    opt.step(p, GRADS[0], LR)
    opt.reset()
    assert opt.t == 0
    assert opt.state == {}
    q = P0.copy()
    opt.step(q, GRADS[0], LR)
    fresh = P0.copy()
    make_optimizer(name).step(fresh, GRADS[0], LR)
    np.testing.assert_array_equal(q, fresh)


def test_trainer_accepts_an_optimizer_object():
    opt = make_optimizer("momentum", beta=0.5)
    trainer = Trainer(MLP.tutorial(), X, Z, optimizer=opt, batch_size=4)
    trainer.run(3)
    assert trainer.optimizer is opt
    assert opt.t == 3
    assert opt.state["velocity"].shape == (13,)
