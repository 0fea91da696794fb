"""The tutorials' printed numbers, reproduced by the engine.

Where the printed text is right we pin its numbers to its 4 decimals; where
it is wrong we pin the right value and cite docs/tutorial-notes.md
("Where the printed text is wrong or inconsistent").
"""

import numpy as np
import pytest

from mlpviz.engine import MLP, make_optimizer

X11 = np.array([1.0, 1.0])  # the first normalized row, x = (1.0, 1.0)


def sigmoid(s):
    return 1.0 / (1.0 + np.exp(-s))


@pytest.fixture
def trace():
    return MLP.tutorial().forward(X11)


def test_tutorial_network_weights():
    mlp = MLP.tutorial()
    assert mlp.layer_sizes == (2, 3, 1)
    assert mlp.activation_names == ("sigmoid", "sigmoid")
    # wh[0] = {−0.5, −1.0}, {−0.5, 0.5}, {1.0, 0.0} — node 1 is printed "{-0.5. .5}" (a typo).
    np.testing.assert_array_equal(mlp.weights[0], [[-0.5, -1.0], [-0.5, 0.5], [1.0, 0.0]])
    np.testing.assert_array_equal(mlp.biases[0], [0.5, 0.5, 0.5])
    np.testing.assert_array_equal(mlp.weights[1], [[0.5, -1.0, 0.0]])
    np.testing.assert_array_equal(mlp.biases[1], [0.5])


def test_forward_pass_hidden_sums_and_activations(trace):
    # s_h = x·w + b: (−0.5 − 1.0 + 0.5, −0.5 + 0.5 + 0.5, 1.0 + 0.0 + 0.5)
    np.testing.assert_allclose(trace.sums[0][0], [-1.0, 0.5, 1.5], atol=5e-5)
    # a_h = σ(s_h) = 0.2689, 0.6225, 0.8176
    np.testing.assert_allclose(trace.activations[1][0], [0.2689, 0.6225, 0.8176], atol=5e-5)


def test_forward_pass_output(trace):
    # s_o = 0.2689·0.5 − 0.6225·1.0 + 0.8176·0.0 + 0.5 = 0.0120; y = σ(0.0120) = 0.5030
    assert trace.sums[1][0, 0] == pytest.approx(0.0120, abs=5e-5)
    assert trace.output.shape == (1,)
    assert trace.output[0] == pytest.approx(0.5030, abs=5e-5)
    assert round(float(trace.output[0]), 4) == 0.5030


def test_output_delta_with_raw_target_91(trace):
    # tutorial-notes.md, wrong item 2: the text prints δ_o = −22.56 because it rounds
    # y(1 − y) = 0.5030·(1 − 0.5030) to 0.2494; it is 0.2500, so δ_o = −22.62.
    mlp = MLP.tutorial()
    y = trace.output[0]
    assert y * (1 - y) == pytest.approx(0.2500, abs=5e-5)
    delta_o = mlp.backward(trace, [91.0]).deltas[-1][0, 0]
    assert delta_o == pytest.approx(-22.62, abs=5e-3)
    assert round(delta_o, 2) != -22.56


def test_output_delta_with_normalized_target(trace):
    # tutorial-notes.md, wrong item 2: the text never normalizes the target 91. Min-max [0, 1]
    # over 91, 82, 80, 68 maps it to (91 − 68)/(91 − 68) = 1.0.
    z_raw = np.array([91.0, 82.0, 80.0, 68.0])
    z = (z_raw - z_raw.min()) / (z_raw.max() - z_raw.min())
    assert z[0] == 1.0
    mlp = MLP.tutorial()
    grads = mlp.backward(trace, [z[0]])
    y = trace.output[0]
    delta_o = grads.deltas[-1][0, 0]
    # δ_o = y(1 − y)(y − z) = 0.2500 · (0.5030 − 1.0) ≈ −0.1242
    assert delta_o == pytest.approx(y * (1 - y) * (y - 1.0), rel=1e-12)
    assert delta_o == pytest.approx(-0.1242, abs=5e-5)
    # δ_h = a(1 − a)·w_o·δ_o for each hidden node (one output node, so no sum).
    a = trace.activations[1][0]
    w_o = mlp.weights[1][0]
    expected = a * (1 - a) * w_o * delta_o
    np.testing.assert_allclose(grads.deltas[0][0], expected, rtol=1e-12)
    # By hand: 0.1966·0.5·(−0.1242), 0.2350·(−1.0)·(−0.1242), 0.1491·0.0·(−0.1242).
    np.testing.assert_allclose(grads.deltas[0][0], [-0.012214, 0.029198, 0.0], atol=5e-7)


def test_gradient_descent_table_on_x2_plus_y2():
    # f(x, y) = x² + y², ∇f = (2x, 2y), η = 0.1: every step multiplies both coordinates by 0.8.
    # tutorial-notes.md, wrong item 5: the printed last three f values 0.7140, 0.3579, 0.2294
    # are wrong; they are 0.7037, 0.4504, 0.2882 (= 25·0.64^k).
    expected_f = [
        25.0,
        16.0,
        10.24,
        6.5536,
        4.1943,
        2.6844,
        1.7179,
        1.0995,
        0.7037,
        0.4504,
        0.2882,
    ]
    # x = 3·0.8^k. The text's last x, 0.3222, is 0.4027·0.8 from its rounded 0.4027; the exact
    # value is 0.32212 (not listed in tutorial-notes.md, a rounding artefact only).
    expected_x = [3.0, 2.4, 1.92, 1.536, 1.2288, 0.9830, 0.7864, 0.6291, 0.5033, 0.4027, 0.3221]
    opt = make_optimizer("sgd")
    p = np.array([3.0, 4.0])
    fs, xs = [float(p @ p)], [p[0]]
    for _ in range(10):
        opt.step(p, 2.0 * p, 0.1)
        fs.append(float(p @ p))
        xs.append(p[0])
    # Exact: f_k = 25·0.64^k, x_k = 3·0.8^k.
    np.testing.assert_allclose(fs, 25.0 * 0.64 ** np.arange(11), rtol=1e-12)
    np.testing.assert_allclose(xs, 3.0 * 0.8 ** np.arange(11), rtol=1e-12)
    # The printed 4 decimals, to one unit in the last place (the text truncates 1.71799 to
    # 1.7179 where rounding gives 1.7180).
    np.testing.assert_allclose(fs, expected_f, atol=1e-4)
    np.testing.assert_allclose(xs, expected_x, atol=1e-4)
    assert p[1] == pytest.approx(4.0 * 0.8**10)
    for printed in (0.7140, 0.3579, 0.2294):
        assert not np.any(np.isclose(fs, printed, atol=5e-5))


@pytest.mark.parametrize(("w", "expected"), [(1.0, -4.6667), (3.0, 4.6667)])
def test_linear_model_slope_sign(w, expected):
    # The derivatives tutorial: y = w·x on (1, 2), (2, 4), (3, 6); L = mean ½(w·x − y)²,
    # dL/dw = mean (w·x − y)·x = (w − 2)·(1 + 4 + 9)/3 = ∓14/3 (tutorial-notes.md: our values).
    mlp = MLP((1, 1), output_activation="linear")
    mlp.weights[0][...] = w
    mlp.biases[0][...] = 0.0
    X = np.array([[1.0], [2.0], [3.0]])
    Z = np.array([[2.0], [4.0], [6.0]])
    grads = mlp.backward(mlp.forward(X), Z)
    assert grads.weights[0].shape == (1, 1)
    assert grads.weights[0][0, 0] == pytest.approx(expected, abs=5e-5)
    assert grads.weights[0][0, 0] == pytest.approx((w - 2.0) * 14.0 / 3.0, rel=1e-12)
    # The loss itself: ½·mean((w − 2)²·x²) = (w − 2)²·14/6.
    assert mlp.loss_value(X, Z) == pytest.approx((w - 2.0) ** 2 * 14.0 / 6.0, rel=1e-12)


def test_normalization_table_of_the_text():
    # The [0, 1] table of the MLP tutorial (inputs 70/50/65/25 and 98/85/67/95) and the notes'
    # correction of the [−1, 1] table (wrong item 3: input 50 is +0.1111, not −0.1111).
    i0 = np.array([70.0, 50.0, 65.0, 25.0])
    i1 = np.array([98.0, 85.0, 67.0, 95.0])
    n0 = (i0 - i0.min()) / (i0.max() - i0.min())
    n1 = (i1 - i1.min()) / (i1.max() - i1.min())
    np.testing.assert_allclose(n0, [1.0, 0.5555, 0.8888, 0.0], atol=1e-4)
    np.testing.assert_allclose(n1, [1.0, 0.5806, 0.0, 0.9032], atol=1e-4)
    assert n0[1] * 2 - 1 == pytest.approx(0.1111, abs=1e-4)
    # And the network's output at that row is what σ of the forward pass gives.
    mlp = MLP.tutorial()
    x = np.array([n0[1], n1[1]])
    h = sigmoid(mlp.weights[0] @ x + mlp.biases[0])
    y = sigmoid(mlp.weights[1] @ h + mlp.biases[1])
    np.testing.assert_allclose(mlp.forward(x).output, y, rtol=1e-12)
