"""explain_step: the tutorial's numbers, and agreement with what the Trainer applies."""

from __future__ import annotations

import math

import numpy as np
import pytest

from mlpviz.engine import MLP, Trainer
from mlpviz.engine.explain import CROSS_ENTROPY_NOTE, explain_step


def _sig(s: float) -> float:
    return 1.0 / (1.0 + math.exp(-s))


@pytest.fixture
def tutorial():
    return explain_step(MLP.tutorial(), [1.0, 1.0], [1.0], 0.1, sample=0)


def test_tutorial_forward_pass(tutorial):
    # Written out by hand from the tutorial's weights, x = (1, 1).
    s_h = [-0.5 - 1.0 + 0.5, -0.5 + 0.5 + 0.5, 1.0 + 0.0 + 0.5]
    a_h = [_sig(s) for s in s_h]
    s_o = 0.5 * a_h[0] - 1.0 * a_h[1] + 0.0 * a_h[2] + 0.5
    y = _sig(s_o)
    hidden, out = tutorial.layers
    np.testing.assert_allclose(hidden.sums, [-1.0, 0.5, 1.5], atol=1e-15)
    np.testing.assert_allclose(hidden.activations, a_h, rtol=1e-14)
    assert [round(a, 4) for a in hidden.activations] == [0.2689, 0.6225, 0.8176]
    assert out.sums[0] == pytest.approx(s_o, rel=1e-14)
    assert round(float(out.sums[0]), 4) == 0.0120
    assert round(float(tutorial.output[0]), 4) == 0.5030
    assert out.activations[0] == pytest.approx(y, rel=1e-14)
    assert tutorial.loss == pytest.approx(0.5 * (y - 1.0) ** 2, rel=1e-14)
    np.testing.assert_allclose(hidden.inputs, [1.0, 1.0])
    np.testing.assert_allclose(out.inputs, a_h, rtol=1e-14)


def test_tutorial_backward_pass_and_update(tutorial):
    hidden, out = tutorial.layers
    a_h = [_sig(s) for s in (-1.0, 0.5, 1.5)]
    y = float(tutorial.output[0])
    d_o = y * (1 - y) * (y - 1.0)
    assert round(d_o, 4) == -0.1242
    assert out.deltas[0] == pytest.approx(d_o, rel=1e-13)
    assert out.derivatives[0] == pytest.approx(y * (1 - y), rel=1e-14)
    assert out.back_sums is None and out.is_output
    w_o = [0.5, -1.0, 0.0]
    for k in range(3):
        assert hidden.back_sums[k] == pytest.approx(w_o[k] * d_o, rel=1e-13, abs=1e-300)
        d_h = a_h[k] * (1 - a_h[k]) * w_o[k] * d_o
        assert hidden.deltas[k] == pytest.approx(d_h, rel=1e-13, abs=1e-300)
        # ∂L/∂w = δ·a and the update w − η∇.
        assert out.grad_weights[0, k] == pytest.approx(d_o * a_h[k], rel=1e-13)
        assert out.new_weights[0, k] == pytest.approx(w_o[k] - 0.1 * d_o * a_h[k], rel=1e-13)
        for i in range(2):
            assert hidden.grad_weights[k, i] == pytest.approx(d_h * 1.0, rel=1e-13, abs=1e-300)
    assert out.new_biases[0] == pytest.approx(0.5 - 0.1 * d_o, rel=1e-14)


def test_accessors(tutorial):
    w = tutorial.for_weight(1, 0, 1)
    assert w.input_value == pytest.approx(_sig(0.5))
    assert w.old == -1.0
    assert w.gradient == pytest.approx(w.delta * w.input_value)
    assert w.new == pytest.approx(w.old - 0.1 * w.gradient)
    b = tutorial.for_bias(0, 2)
    assert b.old == 0.5 and b.gradient == b.delta
    assert b.new == pytest.approx(0.5 - 0.1 * b.delta)

    x = tutorial.for_node(0, 1)
    assert x.is_input and x.activation == 1.0 and x.sum is None
    h = tutorial.for_node(1, 0)
    assert not h.is_output and h.sum == -1.0 and h.bias == 0.5
    np.testing.assert_allclose(h.weights, [-0.5, -1.0])
    np.testing.assert_allclose(h.next_weights, [0.5])
    assert h.back_sum == pytest.approx(float(h.next_weights @ h.next_deltas))
    assert h.delta == pytest.approx(h.derivative * h.back_sum)
    o = tutorial.for_node(2, 0)
    assert o.is_output and o.target == 1.0
    assert o.error == pytest.approx(o.activation - 1.0)
    assert o.loss == pytest.approx(0.5 * o.error**2)
    with pytest.raises(IndexError):
        tutorial.for_node(3, 0)
    with pytest.raises(IndexError):
        tutorial.for_node(1, 3)


def test_does_not_change_the_network():
    mlp = MLP.tutorial()
    before = mlp.params.copy()
    exp = explain_step(mlp, [0.3, 0.7], [0.2], 0.5)
    np.testing.assert_array_equal(mlp.params, before)
    np.testing.assert_array_equal(exp.params, before)
    assert exp.notes == ()


CASES = [
    ((2, 1), "sigmoid", "sigmoid"),
    ((3, 4, 2), "tanh", "linear"),
    ((2, 5, 3, 1), "relu", "sigmoid"),
    ((4, 3, 3, 3, 2), "sigmoid", "tanh"),
    ((2, 6, 1), "linear", "relu"),
    ((3, 4, 3), ("tanh",), "sigmoid"),
]


@pytest.mark.parametrize(("sizes", "hidden", "output"), CASES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_new_weights_equal_a_trainer_step(sizes, hidden, output, seed):
    """What explain_step says the step does is what Trainer.step_sample does."""
    rng = np.random.default_rng(seed)
    mlp = MLP(sizes, hidden, output, init="xavier", seed=seed)
    X = rng.uniform(-1, 1, (5, sizes[0]))
    Z = rng.uniform(0, 1, (5, sizes[-1]))
    trainer = Trainer(mlp.copy(), X, Z, learning_rate=0.3, shuffle=True, seed=seed)
    for _ in range(int(rng.integers(0, 7))):  # somewhere mid-epoch, maybe past one
        trainer.step_sample()
    row = int(trainer.order[trainer.position])
    exp = explain_step(trainer.mlp, X[row], Z[row], trainer.learning_rate, sample=row)
    np.testing.assert_array_equal(exp.params, trainer.mlp.params)
    trainer.step_sample()
    np.testing.assert_allclose(exp.new_params, trainer.mlp.params, rtol=0, atol=1e-12)
    np.testing.assert_allclose(exp.gradient, trainer.last_gradient, rtol=0, atol=1e-12)
    for l, ls in enumerate(exp.layers):
        np.testing.assert_allclose(ls.new_weights, trainer.mlp.weights[l], rtol=0, atol=1e-12)
        np.testing.assert_allclose(ls.new_biases, trainer.mlp.biases[l], rtol=0, atol=1e-12)


@pytest.mark.parametrize("output", ["softmax", "sigmoid"])
def test_cross_entropy_delta_is_y_minus_z(output):
    mlp = MLP((3, 4, 3), "tanh", output, init="xavier", seed=4, loss="cross-entropy")
    x, z = np.array([0.2, -0.4, 0.9]), np.array([0.0, 1.0, 0.0])
    exp = explain_step(mlp, x, z, 0.2)
    np.testing.assert_allclose(exp.layers[-1].deltas, exp.output - z, atol=1e-15)
    assert CROSS_ENTROPY_NOTE in exp.notes
    assert exp.loss == pytest.approx(mlp.loss_value(x[None], z[None]), rel=1e-12)
    trainer = Trainer(mlp.copy(), x[None], z[None], learning_rate=0.2)
    trainer.step_sample()
    np.testing.assert_allclose(exp.new_params, trainer.mlp.params, rtol=0, atol=1e-12)
