"""Step through one sample: sub-steps, graph highlight and labels, inspector, apply."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QVBoxLayout, QWidget

from mlpviz.engine import MLP, Trainer
from mlpviz.ui.graph.view import NetworkGraphView
from mlpviz.ui.inspector.panel import MathInspector
from mlpviz.ui.inspector.step_through import StepThrough
from mlpviz.ui.training.measure import build_snapshot

SHOTS = Path("/tmp/mlpviz_shots")
X = np.array([[1.0, 1.0], [0.4444, 0.5806], [0.8889, 0.0]])
Z = np.array([[1.0], [0.6087], [0.5217]])
TUTORIAL_TITLES = [
    "Input: sample #0 — x",
    "Forward: hidden layer 1 — s and a",
    "Forward: output layer — s and y",
    "Output and loss",
    "Backward: δ of the output layer",
    "Backward: δ of hidden layer 1",
    "Gradients ∂L/∂w",
    "Update: old → new",
]


def _num(text: str) -> float:
    """A number as the labels write it: −0.1242, or 4.094·10⁻⁵."""
    text = text.strip().replace("−", "-").replace("⁻", "-")
    if "·10" in text:
        mant, exp = text.split("·10")
        return float(mant) * 10.0 ** int(exp.translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")))
    return float(text)


def _setup(qtbot, mlp: MLP, steps: int = 0):
    trainer = Trainer(mlp, X, Z, learning_rate=0.5)
    for _ in range(steps):
        trainer.step_sample()
    snap = build_snapshot(trainer)
    graph, inspector = NetworkGraphView(), MathInspector()
    qtbot.addWidget(graph)
    qtbot.addWidget(inspector)
    graph.set_architecture(snap.layer_sizes, activation_names=snap.activation_names)
    graph.update_snapshot(snap)
    inspector.update_snapshot(snap)
    st = StepThrough(graph, inspector)
    qtbot.addWidget(st.widget)
    st.set_explanation(snap.explanation)
    return trainer, snap, graph, inspector, st


def test_walks_every_sub_step_of_the_tutorial(qtbot):
    _, _snap, graph, inspector, st = _setup(qtbot, MLP.tutorial())
    assert st.steps == TUTORIAL_TITLES
    highlights, titles = [], []
    for k in range(len(st.steps)):
        assert st.index == k
        highlights.append(graph.highlighted_layer)
        titles.append(st.title.text())
        st.next()
    assert st.index == len(st.steps) - 1  # Next stops at the last sub-step
    assert not st.next_button.isEnabled()
    assert highlights == [0, 1, 2, 2, 2, 1, None, None]
    assert titles == TUTORIAL_TITLES
    for k in range(len(st.steps) - 1, -1, -1):
        assert st.index == k
        st.back()
    assert st.index == 0 and not st.back_button.isEnabled()
    st.next()
    st.next()
    st.reset()
    assert st.index == 0 and graph.highlighted_layer == 0
    # The input step shows where x is used: the first layer's summation.
    assert inspector.selection == ("node", 1, 0) and inspector.focus == "sum"
    assert st.counter.text() == f"1 / {len(TUTORIAL_TITLES)}"


def test_deeper_network_goes_forward_and_back_layer_by_layer(qtbot):
    mlp = MLP((2, 4, 3, 1), ["tanh", "relu"], "sigmoid", init="xavier", seed=2)
    _, snap, graph, _inspector, st = _setup(qtbot, mlp, steps=2)
    assert st.steps[1:3] == [
        "Forward: hidden layer 1 — s and a",
        "Forward: hidden layer 2 — s and a",
    ]
    assert st.steps[5:8] == [
        "Backward: δ of the output layer",
        "Backward: δ of hidden layer 2",
        "Backward: δ of hidden layer 1",
    ]
    assert st.steps[0] == f"Input: sample #{snap.next_sample} — x" and snap.next_sample == 2
    expected = [0, 1, 2, 3, 3, 3, 2, 1, None, None]
    seen = []
    for _ in st.steps:
        seen.append(graph.highlighted_layer)
        st.next()
    assert seen == expected


def test_node_values_match_the_explanation(qtbot):
    mlp = MLP((2, 4, 3, 1), ["tanh", "sigmoid"], "sigmoid", init="xavier", seed=5)
    _, snap, graph, inspector, st = _setup(qtbot, mlp, steps=1)
    exp = snap.explanation
    st.next()  # forward, hidden layer 1
    texts = graph.step_overlay_texts()
    for j in range(4):
        s_line, a_line = texts[(1, j)].split("\n")
        assert _num(s_line.split("=")[1]) == pytest.approx(float(exp.layers[0].sums[j]), abs=5e-5)
        assert _num(a_line.split("=")[1]) == pytest.approx(
            float(exp.layers[0].activations[j]), abs=5e-5
        )
    assert (2, 0) not in texts  # not computed yet
    for i in range(2):
        assert _num(texts[(0, i)].split("=")[1]) == pytest.approx(
            float(X[snap.next_sample, i]), abs=5e-5
        )
    # The inspector follows to the layer in focus, at the summation.
    assert inspector.selection == ("node", 1, 0) and inspector.focus == "sum"

    while not st.title.text().startswith("Output and loss"):
        st.next()
    y, z, loss = graph.step_overlay_texts()[(3, 0)].split("\n")
    assert _num(y.split("=")[1]) == pytest.approx(float(exp.output[0]), abs=5e-5)
    assert _num(z.split("=")[1]) == pytest.approx(float(exp.target[0]), abs=5e-5)
    assert _num(loss.split("=")[1]) == pytest.approx(exp.loss, abs=5e-5)
    assert inspector.focus == "loss"

    st.next()
    st.next()  # backward: δ of hidden layer 2
    texts = graph.step_overlay_texts()
    for j in range(3):
        assert _num(texts[(2, j)].split("=")[1]) == pytest.approx(
            float(exp.layers[1].deltas[j]), abs=5e-5
        )
    assert texts[(1, 0)].startswith("a = ")  # hidden 1's δ comes next
    for j in range(3):  # edges into hidden 2 show ∂L/∂w
        for i in range(4):
            label = texts[("w", 1, j, i)]
            grad = float(exp.layers[1].grad_weights[j, i])
            assert _num(label.removeprefix("∇")) == pytest.approx(grad, abs=5e-5)
    assert ("w", 0, 0, 0) not in texts
    assert inspector.selection == ("node", 2, 0) and inspector.focus == "delta"
    assert "— this step —" in graph.hover_text(("w", 1, 0, 0))


def test_update_labels_are_what_the_step_applies(qtbot):
    trainer, _snap, graph, inspector, st = _setup(qtbot, MLP.tutorial(), steps=1)
    twin = Trainer(trainer.mlp.copy(), X, Z, learning_rate=0.5)
    twin.position, twin.order = trainer.position, trainer.order.copy()
    st.reset()
    for _ in range(len(st.steps) - 1):
        st.next()
    assert st.title.text() == "Update: old → new"
    texts = graph.step_overlay_texts()
    twin.step_sample()
    for key, label in texts.items():
        if key[0] not in ("w", "b"):
            continue
        old, new = (_num(v) for v in label.split("→"))
        index = twin.mlp.param_index(key)
        assert old == pytest.approx(float(trainer.mlp.params[index]), abs=5e-5)
        assert new == pytest.approx(float(twin.mlp.params[index]), abs=5e-5)
    assert sum(k[0] == "w" for k in texts) == 9 and sum(k[0] == "b" for k in texts) == 4
    assert inspector.focus == "update"


def test_apply_restarts_and_inactive_clears(qtbot):
    trainer, _snap, graph, inspector, st = _setup(qtbot, MLP.tutorial())
    st.next()
    st.next()
    with qtbot.waitSignal(st.applyRequested, timeout=1000):
        st.apply_button.click()
    trainer.step_sample()  # what the main window does
    st.set_explanation(build_snapshot(trainer).explanation)
    assert st.index == 0 and st.steps[0] == "Input: sample #1 — x"
    st.next()
    assert inspector.selection == ("node", 1, 0)
    inspector.select_param(("w", 0, 1, 1))  # the user clicks a weight
    st.set_explanation(build_snapshot(trainer).explanation)  # a new snapshot keeps the place
    assert st.index == 1
    assert inspector.selection == ("w", 0, 1, 1)  # and the user's selection
    st.set_active(False)
    assert graph.highlighted_layer is None and graph.step_overlay_texts() == {}
    st.set_active(True)
    assert graph.highlighted_layer == 1 and graph.step_overlay_texts()
    st.set_explanation(None)
    assert st.steps == [] and graph.step_overlay_texts() == {}
    assert st.title.text() == "No step to explain yet"
    # A new architecture (the scene is rebuilt) does not trip over old labels.
    st.set_explanation(build_snapshot(trainer).explanation)
    graph.set_architecture((2, 3, 1))
    assert graph.step_overlay_texts() == {}
    st.next()
    assert graph.step_overlay_texts()


def test_screenshot_mid_backward(qtbot, tmp_path):
    mlp = MLP((2, 4, 3, 1), "sigmoid", "sigmoid", init="xavier", seed=1)
    _, _snap, graph, _inspector, st = _setup(qtbot, mlp)
    host = QWidget()
    qtbot.addWidget(host)
    lay = QVBoxLayout(host)
    lay.addWidget(graph, 1)
    lay.addWidget(st.widget)
    host.resize(1000, 700)
    host.show()
    qtbot.waitExposed(host)
    graph.fit()
    while st.title.text() != "Backward: δ of hidden layer 2":
        st.next()
    image = host.grab().toImage()
    SHOTS.mkdir(parents=True, exist_ok=True)
    for path in (tmp_path / "step_through.png", SHOTS / "step_through.png"):
        assert image.save(str(path))
    colours = {image.pixel(x, y) for x in range(0, image.width(), 4) for y in range(0, 600, 4)}
    assert len(colours) > 30, "screenshot is blank"


@pytest.mark.parametrize("sizes", [(784, 32, 10), (3, 40, 2)])
def test_big_layers_label_only_the_largest(qtbot, sizes):
    mlp = MLP(sizes, "relu", "sigmoid", init="he", seed=0)
    rng = np.random.default_rng(0)
    trainer = Trainer(mlp, rng.random((3, sizes[0])), rng.random((3, sizes[-1])))
    snap = build_snapshot(trainer)
    graph, inspector = NetworkGraphView(), MathInspector()
    qtbot.addWidget(graph)
    qtbot.addWidget(inspector)
    graph.set_architecture(snap.layer_sizes, activation_names=snap.activation_names)
    st = StepThrough(graph, inspector)
    qtbot.addWidget(st.widget)
    st.set_explanation(snap.explanation)
    for _ in st.steps:
        st.next()
        texts = graph.step_overlay_texts()
        for k in range(len(sizes)):
            assert sum(1 for key in texts if key == (k, key[-1])) <= 16
        assert sum(1 for key in texts if key[0] == "w" and key[1] == 0) <= 24
