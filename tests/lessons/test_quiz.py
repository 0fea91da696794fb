"""Predict, then reveal: every revealed answer is the engine's own step."""

from __future__ import annotations

import numpy as np
import pytest

from mlpviz.engine import MLP, Trainer
from mlpviz.engine.explain import explain_step
from mlpviz.lessons.quiz import (
    DIRECTIONS,
    STAYS,
    Quiz,
    delta_question,
    direction,
    fits,
    loss_question,
    pick_target,
    weight_question,
)

X = np.array([[1.0, 1.0], [0.4444, 0.5806], [0.8889, 0.0]])
Z = np.array([[1.0], [0.6087], [0.5217]])
NETWORKS = [
    lambda: MLP.tutorial(),
    lambda: MLP((2, 4, 3, 1), ["tanh", "relu"], "sigmoid", init="xavier", seed=2),
    lambda: MLP((2, 5, 1), "tanh", "linear", init="xavier", seed=7),
]


def _trainer(make, lr=0.5) -> Trainer:
    return Trainer(make(), X, Z, learning_rate=lr, shuffle=False)


def _explain(trainer: Trainer):
    i = trainer.position % trainer.n_rows
    return explain_step(trainer.mlp, X[i], Z[i], trainer.learning_rate, i), i


@pytest.mark.parametrize("make", NETWORKS)
def test_weight_direction_is_the_sign_of_the_trainers_step(make):
    trainer = _trainer(make)
    exp, _ = _explain(trainer)
    before = trainer.mlp.params.copy()
    grad = exp.gradient
    trainer.step_sample()
    moved = trainer.mlp.params - before
    for param in trainer.mlp.layout.params():
        q = weight_question(exp, param)
        k = trainer.mlp.param_index(param)
        # The revealed change is the trainer's, and its sign is that of −η·∂L/∂w.
        assert q.value == pytest.approx(moved[k], abs=1e-15)
        assert q.answer_text == direction(-trainer.learning_rate * grad[k])
        assert q.answer_text == direction(moved[k])
        assert q.target == tuple(param)


@pytest.mark.parametrize("make", NETWORKS)
def test_delta_choice_is_the_engines_delta(make):
    mlp = make()
    trace = mlp.forward(X[1])
    engine_delta = mlp.backward(trace, Z[1]).deltas[-1][0, 0]
    exp = explain_step(mlp, X[1], Z[1], 0.3, 1)
    q = delta_question(exp, 0)
    assert q.value == pytest.approx(engine_delta, rel=1e-12)
    assert q.values[q.answer] == q.value
    assert q.choices[q.answer] == f"{engine_delta:.4f}".replace("-", "−")
    assert 3 <= len(q.choices) <= 4 and len(set(q.choices)) == len(q.choices)
    assert list(q.values) == sorted(q.values)
    # A typed δ counts within 10 %, not beyond.
    assert q.accepts(engine_delta * 1.05) and not q.accepts(engine_delta * 1.3)
    # The distractors are the named mistakes, computed from the same numbers.
    y, z = exp.output[0], exp.target[0]
    named = dict(zip(q.mistakes, q.values))
    forgot = named.get("forgot the activation's derivative f′(s)")
    if forgot is not None:
        assert forgot == pytest.approx(y - z)
    assert named["flipped the error: (z − y) instead of (y − z)"] == pytest.approx(-engine_delta)


def test_cross_entropy_delta_is_y_minus_z():
    mlp = MLP((2, 3, 2), "tanh", "softmax", init="xavier", seed=3)
    z = np.array([0.0, 1.0])
    exp = explain_step(mlp, X[0], z, 0.1)
    q = delta_question(exp, 1)
    y = mlp.forward(X[0]).output
    assert q.value == pytest.approx(y[1] - z[1], rel=1e-12)
    assert "y − z" in q.why
    assert q.target == ("node", 2, 1)


@pytest.mark.parametrize("make", NETWORKS)
@pytest.mark.parametrize("lr", [0.1, 20.0])
def test_loss_direction_is_the_loss_after_the_trainers_step(make, lr):
    trainer = _trainer(make, lr)
    exp, i = _explain(trainer)
    before = trainer.mlp.loss_value(X[i : i + 1], Z[i : i + 1])
    q = loss_question(exp)
    trainer.step_sample()
    after = trainer.mlp.loss_value(X[i : i + 1], Z[i : i + 1])
    assert q.value == pytest.approx(after - before, abs=1e-14)
    assert q.answer_text == direction(after - before)
    assert f"{after:.4f}" in q.why


def test_a_huge_step_overshoots_and_the_quiz_says_up():
    # A linear output and η = 20 overshoot: the loss on the sample rises.
    exp = explain_step(NETWORKS[2](), X[0], Z[0], 20.0, 0)
    q = loss_question(exp)
    assert q.answer_text == "up" and "too large" in q.why
    assert loss_question(explain_step(MLP.tutorial(), X[0], Z[0], 0.1, 0)).answer_text == "down"


def test_a_zero_gradient_stays():
    mlp_zero = MLP((2, 3, 1), "relu", "sigmoid", init="zeros")
    exp = explain_step(mlp_zero, X[0], Z[0], 0.5)
    q = weight_question(exp, ("w", 0, 0, 0))  # relu of 0 has f′ = 0: no gradient
    assert abs(q.value) < STAYS and q.answer_text == "stays"
    assert DIRECTIONS[q.answer] == "stays"


def test_why_fills_in_the_formula_with_live_numbers():
    exp = explain_step(MLP.tutorial(), X[0], Z[0], 0.1, 0)
    w = exp.for_weight(1, 0, 1)
    q = weight_question(exp, ("w", 1, 0, 1))
    for value in (w.delta, w.input_value, w.gradient, w.old, w.new):
        assert f"{abs(value):.4f}" in q.why
    assert "−η·∂L/∂w" in q.why
    d = delta_question(exp)
    node = exp.for_node(2, 0)
    for value in (node.derivative, node.activation, node.target, node.delta):
        assert f"{abs(value):.4f}" in d.why


def test_questions_regenerate_after_a_weight_edit():
    mlp = MLP.tutorial()
    quiz = Quiz(seed=1)
    q1 = quiz.update(explain_step(mlp, X[0], Z[0], 0.1, 0))
    assert q1.kind == "weight"
    # The same step asks the same question.
    assert quiz.update(explain_step(mlp, X[0], Z[0], 0.1, 0)) is q1
    # Edit the asked weight so its gradient flips sign: the answer follows.
    index = mlp.param_index(q1.target)
    for value in (-3.0, 3.0):
        params = mlp.params.copy()
        params[index] = value
        mlp.set_params(params)
        exp = explain_step(mlp, X[0], Z[0], 0.1, 0)
        q = quiz.update(exp)
        assert q is not q1 and q.target == q1.target  # same weight, new numbers
        k = mlp.param_index(q.target)
        assert q.answer_text == direction(exp.new_params[k] - exp.params[k])
        assert f"{value:.4f}".replace("-", "−") in q.prompt
    # Another learning rate is another step too.
    q_eta = quiz.update(explain_step(mlp, X[0], Z[0], 0.7, 0))
    assert q_eta.value == pytest.approx(7 * q.value)


def test_target_follows_an_architecture_change():
    quiz = Quiz(seed=4)
    quiz.update(explain_step(MLP((2, 6, 6, 1), "tanh", "sigmoid", seed=1), X[0], Z[0], 0.1))
    small = explain_step(MLP.tutorial(), X[0], Z[0], 0.1)
    q = quiz.update(small)
    assert fits(small, q.target)
    weight_question(small, q.target)  # names a real parameter of the new network


def test_score_counts_right_and_asked():
    exp = explain_step(MLP.tutorial(), X[0], Z[0], 0.1, 0)
    quiz = Quiz()
    results = []
    for pick_right in (True, False, True, True):
        q = quiz.update(exp)
        choice = q.answer if pick_right else (q.answer + 1) % len(q.choices)
        results.append(quiz.answer(choice=choice))
        with pytest.raises(ValueError):
            quiz.answer(choice=0)  # counts once
        quiz.update(exp)  # a snapshot after the step keeps the revealed answer
        assert quiz.revealed and quiz.question is q
        quiz.next_question()
    assert results == [True, False, True, True]
    assert (quiz.right, quiz.asked) == (3, 4) and quiz.score_text == "3 / 4 right"
    quiz.reset_score()
    assert (quiz.right, quiz.asked) == (0, 0)


def test_kinds_take_turns_and_targets_are_valid():
    exp = explain_step(MLP((2, 4, 3, 2), "tanh", "sigmoid", seed=9), X[0], [0.2, 0.9], 0.1)
    quiz = Quiz(seed=5)
    kinds = []
    for _ in range(9):
        q = quiz.update(exp)
        kinds.append(q.kind)
        assert fits(exp, q.target)
        quiz.answer(choice=0)
        quiz.next_question()
    assert kinds == ["weight", "loss", "delta"] * 3
    rng = np.random.default_rng(0)
    for _ in range(50):
        assert fits(exp, pick_target(exp, "weight", rng))
