"""Quiz me in the step-through and Predict first in the worked lesson."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mlpviz.engine import MLP, Trainer
from mlpviz.engine.explain import explain_step
from mlpviz.lessons.quiz import direction
from mlpviz.ui.graph.view import NetworkGraphView
from mlpviz.ui.inspector.panel import MathInspector
from mlpviz.ui.inspector.step_through import StepThrough
from mlpviz.ui.lessons.worked_panel import WorkedPanel
from mlpviz.ui.training.measure import build_snapshot
from mlpviz.ui.widgets.quiz_box import QuizBox

SHOTS = Path("/work/shots")
X = np.array([[1.0, 1.0], [0.4444, 0.5806], [0.8889, 0.0]])
Z = np.array([[1.0], [0.6087], [0.5217]])


def _setup(qtbot):
    trainer = Trainer(MLP.tutorial(), X, Z, learning_rate=0.5, shuffle=False)
    graph, inspector = NetworkGraphView(), MathInspector()
    qtbot.addWidget(graph)
    qtbot.addWidget(inspector)
    snap = build_snapshot(trainer)
    graph.set_architecture(snap.layer_sizes, activation_names=snap.activation_names)
    graph.update_snapshot(snap)
    st = StepThrough(graph, inspector)
    qtbot.addWidget(st.widget)
    st.set_explanation(snap.explanation)

    def apply() -> None:  # what the main window does: one sample step, a new snapshot
        trainer.step_sample()
        new = build_snapshot(trainer)
        graph.update_snapshot(new)
        st.set_explanation(new.explanation)

    st.applyRequested.connect(apply)
    return trainer, st


def test_quiz_me_asks_then_takes_the_step_and_reveals(qtbot):
    trainer, st = _setup(qtbot)
    box = st.quiz_box
    assert box.isHidden() and box.question is None  # off: nothing asked
    st.quiz_button.click()
    assert st.quiz_button.isChecked() and not box.isHidden()
    q = box.question
    assert q is not None and q.kind == "weight" and not box.revealed
    before = trainer.mlp.params.copy()
    k = trainer.mlp.param_index(q.target)
    with qtbot.waitSignal(st.applyRequested, timeout=1000):
        box.buttons[q.answer].click()
    # The step was taken, and the revealed answer is what it did to that weight.
    moved = trainer.mlp.params[k] - before[k]
    assert moved != 0.0 and q.answer_text == direction(moved)
    assert abs(q.value - moved) < 1e-15
    assert box.revealed and box.question is q  # the new snapshot keeps the reveal
    assert not box.why.isHidden() and "−η·∂L/∂w" in box.why.text()
    assert "Right" in box.verdict.text()
    assert box.score.text() == "Score: 1 / 1"
    assert not any(b.isEnabled() for b in box.buttons if not b.isHidden())
    # Next question: about the step after, from the new weights.
    box.next_button.click()
    q2 = box.question
    assert q2.kind == "loss" and not box.revealed
    exp = explain_step(trainer.mlp, X[1], Z[1], 0.5, 1)
    assert q2.value == box.quiz.question.value
    assert f"{exp.loss:.4f}" in q2.prompt
    wrong = (q2.answer + 1) % len(q2.choices)
    box.buttons[wrong].click()
    assert box.score.text() == "Score: 1 / 2" and "Not quite" in box.verdict.text()


def test_quiz_question_follows_a_weight_edit(qtbot):
    trainer, st = _setup(qtbot)
    st.set_quiz_mode(True)
    q1 = st.quiz_box.question
    k = trainer.mlp.param_index(q1.target)
    params = trainer.mlp.params.copy()
    params[k] = -3.0
    trainer.mlp.set_params(params)
    st.set_explanation(build_snapshot(trainer).explanation)
    q2 = st.quiz_box.question
    assert q2 is not q1 and q2.target == q1.target
    assert "−3.0000" in q2.prompt
    exp = explain_step(trainer.mlp, X[0], Z[0], 0.5, 0)
    assert q2.value == exp.new_params[k] - exp.params[k]


def test_typed_delta_and_a_bad_number(qtbot):
    box = QuizBox(seed=0)
    qtbot.addWidget(box)
    exp = explain_step(MLP.tutorial(), X[0], Z[0], 0.1, 0)
    box.set_explanation(exp)
    for _ in range(2):  # weight, loss, then delta
        box.choose(0)
        box.next_question()
    assert box.question.kind == "delta" and not box.number.isHidden()
    assert not box.type_answer("abc")
    assert "not a number" in box.message.text() and not box.revealed
    delta = float(exp.layers[-1].deltas[0])
    right_before = box.quiz.right
    with qtbot.waitSignal(box.answered, timeout=1000) as signal:
        assert box.type_answer(f"{delta * 1.04:.5f}".replace("-", "−"))
    assert signal.args == [True]
    assert (box.quiz.right, box.quiz.asked) == (right_before + 1, 3)
    assert box.revealed and f"{abs(delta):.4f}" in box.why.text()


def test_worked_lesson_predict_first_hides_then_reveals(qtbot):
    panel = WorkedPanel()
    qtbot.addWidget(panel)
    panel.resize(1300, 820)
    panel.show()
    assert panel.quiz_box.isHidden()
    panel.predict_box.setChecked(True)
    box = panel.quiz_box
    q = box.question
    assert q is not None and not box.isHidden()
    assert panel.sheet.isHidden() and panel.diagram.isHidden() and panel.readout.isHidden()
    s = panel.lesson.current()
    # The question is about the lesson's own update: δo and the new weights.
    k = panel.lesson.mlp.param_index(q.target)
    assert q.value == s.new_params[k] - panel.lesson.params[k]
    SHOTS.mkdir(parents=True, exist_ok=True)
    qtbot.wait(20)
    panel.grab().save(str(SHOTS / "quiz-lesson-question.png"))
    box.choose(q.answer)
    assert box.revealed and not panel.sheet.isHidden() and not panel.diagram.isHidden()
    assert box.score.text() == "Score: 1 / 1"
    qtbot.wait(20)
    panel.grab().save(str(SHOTS / "quiz-lesson-revealed.png"))
    assert s.update == 0 and panel.lesson.current().update == 0  # not taken yet
    box.next_button.click()
    assert panel.lesson.current().update == 1  # Next question took the update
    q2 = box.question
    assert q2.kind == "loss" and panel.sheet.isHidden()
    assert abs(q2.value - (panel.lesson.current().loss_after - panel.lesson.current().loss)) < 1e-12
    box.choose(q2.answer)
    assert box.score.text() == "Score: 2 / 2"
    panel.predict_box.setChecked(False)
    assert box.isHidden() and not panel.sheet.isHidden()


def test_screenshot_quiz_me(qtbot):
    _trainer, st = _setup(qtbot)
    st.widget.resize(900, 330)
    st.widget.show()
    st.set_quiz_mode(True)
    box = st.quiz_box
    for _ in range(2):
        box.choose(0)
        box.next_button.click()
    assert box.question.kind == "delta"
    SHOTS.mkdir(parents=True, exist_ok=True)
    qtbot.wait(20)
    st.widget.grab().save(str(SHOTS / "quiz-step-question.png"))
    wrong = next(k for k, m in enumerate(box.question.mistakes) if m)
    box.choose(wrong)
    assert box.question.mistakes[wrong] in box.verdict.text()
    qtbot.wait(20)  # let the layout settle before the picture
    st.widget.grab().save(str(SHOTS / "quiz-step-revealed.png"))
