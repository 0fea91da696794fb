"""The math inspector: the equations it writes out are the next step's numbers."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication

from mlpviz.engine import MLP, Trainer
from mlpviz.engine.activations import ACTIVATIONS
from mlpviz.ui.inspector.formulas import n, to_text
from mlpviz.ui.inspector.panel import MathInspector
from mlpviz.ui.training.measure import build_snapshot

SHOTS = Path("/tmp/mlpviz_shots")
# The tutorial's first two normalized rows (exam scores), then two more.
X = np.array([[1.0, 1.0], [0.4444, 0.5806], [0.8889, 0.0], [0.0, 0.9355]])
Z = np.array([[1.0], [0.6087], [0.5217], [0.0]])


def _trainer(mlp: MLP | None = None, steps: int = 0, **kw) -> Trainer:
    t = Trainer(mlp or MLP.tutorial(), X, Z, learning_rate=0.5, **kw)
    for _ in range(steps):
        t.step_sample()
    return t


@pytest.fixture
def inspector(qtbot) -> MathInspector:
    w = MathInspector()
    qtbot.addWidget(w)
    w.resize(560, 900)
    return w


def _shown_new(text: str, name: str) -> float:
    """The last number of the update block, read from the plain text."""
    update = text.split("\nUpdate")[1]
    assert name in update
    return float(update.strip().splitlines()[-1].split("=")[-1].replace("−", "-"))


CASES = [
    ("tutorial", ("w", 1, 0, 1)),  # output weight
    ("tutorial", ("w", 0, 2, 0)),  # hidden weight
    ("tutorial", ("b", 1, 0)),
    ("tutorial", ("b", 0, 1)),
    ("deep", ("w", 2, 0, 1)),
    ("deep", ("w", 1, 2, 0)),  # hidden → hidden
    ("deep", ("w", 0, 3, 1)),
    ("deep", ("b", 1, 1)),
]


@pytest.mark.parametrize(("net", "param"), CASES)
@pytest.mark.parametrize("steps", [0, 4, 5])  # start, epoch boundary (reshuffled), mid-epoch
def test_shown_update_is_what_the_next_step_applies(inspector, net, param, steps):
    """The w_new (b_new) shown equals the value the next Step writes, to 4 decimals,
    at an epoch boundary and mid-epoch, with shuffling."""
    if net == "tutorial":
        mlp = MLP.tutorial()
    else:
        mlp = MLP((2, 4, 3, 1), ["tanh", "relu"], "sigmoid", init="xavier", seed=3)
    twin = Trainer(mlp.copy(), X, Z, learning_rate=0.5, shuffle=True, seed=1)
    trainer = _trainer(mlp, steps, shuffle=True, seed=1)
    inspector.update_snapshot(build_snapshot(trainer))
    inspector.select_param(param)
    name, old, new = inspector.shown_update()
    text = inspector.plain_text()
    kind, l, j, *i = param
    assert name == f"{kind}[{l}][{j}]" + "".join(f"[{v}]" for v in i)
    for _ in range(steps):
        twin.step_sample()
    np.testing.assert_array_equal(twin.mlp.params, trainer.mlp.params)
    index = twin.mlp.param_index(param)
    assert old == twin.mlp.params[index]
    twin.step_sample()
    applied = float(twin.mlp.params[index])
    assert new == pytest.approx(applied, abs=1e-12)
    assert _shown_new(text, f"{kind}_new") == round(applied, 4)


def test_snapshot_explains_the_row_the_next_step_uses():
    trainer = _trainer(shuffle=True, seed=7)
    for steps in range(10):
        snap = build_snapshot(trainer)
        row = int(trainer.order[trainer.position])
        assert snap.next_sample == snap.explanation.sample == row, steps
        np.testing.assert_array_equal(snap.explanation.x, X[row])
        np.testing.assert_array_equal(snap.explanation.params, trainer.mlp.params)
        assert snap.explanation.learning_rate == trainer.learning_rate
        trainer.step_sample()
    assert trainer.epoch == 2  # two epoch boundaries crossed, each with a new order
    assert build_snapshot(trainer, explanation=None).explanation is None


def test_tutorial_output_neuron_by_default(inspector):
    inspector.update_snapshot(build_snapshot(_trainer()))
    text = inspector.plain_text()
    assert text.startswith("Neuron: output 0")
    assert "sample #0" in text and "η = 0.5000" in text
    # The summation with every term written out, then the tutorial's numbers.
    assert "= (0.2689 · 0.5000) + (0.6225 · −1.0000) + (0.8176 · 0.0000) + 0.5000" in text
    assert "= 0.0120" in text and "= 0.5030" in text
    assert "δₒ = f′(s)·(y − z)" in text
    assert "= 0.2500 · (0.5030 − 1.0000)" in text and "= −0.1242" in text
    assert "L = ½(y − z)²" in text and "= 0.1235" in text
    assert "b_new = 0.5000 − 0.5000 · (−0.1242) = 0.5621" in text


def test_hidden_neuron_and_summation_terms(inspector):
    inspector.update_snapshot(build_snapshot(_trainer()))
    inspector.select_node(1, 0)
    text = inspector.plain_text()
    assert "s = Σᵢ xᵢ·wᵢ + b" in text
    assert "= (1.0000 · −0.5000) + (1.0000 · −1.0000) + 0.5000" in text
    assert "= −1.0000" in text and "= 0.2689" in text
    assert "δₕ = f′(s)·Σⱼ wⱼ·δⱼ" in text
    assert "[(0.5000 · −0.1242)]" in text
    inspector.select_node(0, 1)
    assert "x₁ = 1.0000" in inspector.plain_text()


def test_select_param_follows_and_bad_selection_falls_back(inspector):
    inspector.update_snapshot(build_snapshot(_trainer()))
    inspector.select_param(("w", 0, 1, 0))
    inspector.plain_text()  # hidden, it renders on demand
    assert inspector.title.text().startswith("Weight w[0][1][0]: input 0 → hidden 1 · node 1")
    assert inspector.shown_update()[0] == "w[0][1][0]"
    inspector.select_param(("b", 0, 2))
    assert inspector.plain_text().startswith("Bias b[0][2] of hidden 1 · node 2")
    inspector.select_param(("w", 5, 0, 0))  # not in this network
    assert inspector.plain_text().startswith("Neuron: output 0")
    inspector.select_param(None)
    assert inspector.plain_text().startswith("Neuron: output 0")
    inspector.set_names(["I0", "I1"], ["Z0"])
    inspector.select_param(("w", 0, 0, 1))
    inspector.plain_text()
    assert inspector.title.text() == "Weight w[0][0][1]: input I1 → hidden 1 · node 0"


def test_copy_puts_plain_text_on_the_clipboard(inspector):
    inspector.update_snapshot(build_snapshot(_trainer()))
    inspector.select_param(("w", 1, 0, 0))
    inspector.copy_button.click()
    copied = QApplication.clipboard().text()
    assert copied == inspector.plain_text()
    assert "w_new = w_old − η·∂L/∂w₀" in copied and "<" not in copied


def test_big_layers_are_shortened_and_notes_shown(inspector):
    mlp = MLP((40, 3, 2), "relu", "softmax", init="xavier", seed=0)
    rng = np.random.default_rng(0)
    t = Trainer(mlp, rng.random((5, 40)), np.eye(2)[[0, 1, 0, 1, 1]], optimizer="adam")
    inspector.update_snapshot(build_snapshot(t))
    inspector.select_param(("w", 0, 1, 20))
    text = inspector.plain_text()
    assert "… 17 more …" in text and "… 19 more …" in text  # around the selected term 20
    assert "Backward: hidden error signal" in text
    assert "Note: Cross-entropy loss" in text and "Training uses adam" in text
    inspector.select_node(2, 1)
    text = inspector.plain_text()
    assert "δₒ = y − z" in text and "L = Σₖ Lₖ = " in text
    inspector.select_node(1, 0)
    assert "and 34 more weights" in inspector.plain_text()


def test_number_format():
    assert n(-0.5) == "−0.5000" and n(-0.5, True) == "(−0.5000)" and n(0.0) == "0.0000"
    assert to_text(n(3.2e-6)) == "3.200·10⁻⁶"
    assert to_text("$w_(new) $w_(2,old) $e^(−0.5000) $x_(2)^(2)") == "w_new w₂_old e^(−0.5000) x₂²"


def test_screenshot_reads_like_a_formula_sheet(inspector, qtbot, tmp_path):
    inspector.set_names(["I0", "I1"], ["Z0"])
    inspector.update_snapshot(build_snapshot(_trainer()))
    inspector.select_param(("w", 1, 0, 1))
    inspector.show()
    qtbot.waitExposed(inspector)
    image = inspector.grab().toImage()
    SHOTS.mkdir(parents=True, exist_ok=True)
    for path in (tmp_path / "inspector.png", SHOTS / "inspector.png"):
        assert image.save(str(path))
    colours = {image.pixel(x, y) for x in range(0, image.width(), 3) for y in range(0, 600, 3)}
    assert len(colours) > 20, "screenshot is blank"
    html = inspector.browser.toHtml()
    assert re.search(r"<sub[^>]*>", html) or "vertical-align:sub" in html


@pytest.mark.parametrize(
    "record", [r for r in ACTIVATIONS.values() if r.hidden], ids=lambda r: r.name
)
def test_every_registered_activation_is_written_out_from_its_record(inspector, record):
    """A hidden node shows its own f and f′ with its live numbers, never a
    stand-in: adding an activation to the registry is enough for the inspector."""
    mlp = MLP((2, 3, 1), record.name, "sigmoid", init="xavier", seed=4)
    inspector.update_snapshot(build_snapshot(_trainer(mlp)))
    inspector.select_node(1, 0)
    text = inspector.plain_text()
    layer = build_snapshot(_trainer(mlp)).explanation.layers[0]
    s, a, d = layer.sums[0], layer.activations[0], layer.derivatives[0]
    assert f"· {record.name}" in text
    assert to_text(n(a)) in text
    if record.name not in ("sigmoid", "tanh"):  # these two have richer forms of their own
        assert to_text(f"$f($s) = {record.formula}") in text
        assert to_text(record.formula.replace("$s", n(s))) in text
        assert to_text(record.derivative_formula) in text
    assert to_text(n(d)) in text
