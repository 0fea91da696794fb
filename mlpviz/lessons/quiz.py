"""Predict, then reveal: questions about the next training step.

Every question is generated from a :class:`~mlpviz.engine.explain.StepExplanation`
of the current network, sample and learning rate, and its answer is read
from that explanation (or, for the loss after the step, from a forward pass
of the engine's :class:`~mlpviz.engine.MLP` with the explanation's new
parameters). Nothing is hard-coded, so after any edit — a weight, η, the
sample, the architecture — a new explanation gives new, right questions.

Three kinds, asked in turn:

* ``"weight"`` — which way will this weight (or bias) move: up, down or stays?
  The answer is the sign of −η·∂L/∂w.
* ``"loss"`` — will the loss on this sample go up or down after the step?
* ``"delta"`` — what is δ for this output? Four choices: the engine's δ and
  distractors made by common mistakes (forgetting f′(s), flipping y − z,
  forgetting the ½ of the loss, taking f′ at s instead of at a), or a typed
  number within :data:`DELTA_TOLERANCE` of it.

Each question carries a ``why``: the formula with the live numbers filled in.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from mlpviz.engine.explain import StepExplanation
from mlpviz.engine.layout import param_name
from mlpviz.engine.mlp import MLP
from mlpviz.lessons.worked_example import fmt4

KINDS = ("weight", "loss", "delta")
STAYS = 5e-5  # a change below this shows as 0.0000 at four decimals: it "stays"
DELTA_TOLERANCE = 0.1  # a typed δ within 10 % (or STAYS) counts as right
DIRECTIONS = ("up", "down", "stays")


@dataclass(frozen=True)
class Question:
    """One prediction about the next step.

    ``choices[answer]`` is right. ``value`` is the revealed number: Δw (new −
    old) for a weight, ΔL for the loss, δ for a delta. ``target`` names what
    is asked about: ``("w", l, j, i)``, ``("b", l, j)``, ``("loss",)`` or
    ``("node", k, j)`` (k as in layer_sizes). ``mistakes`` names the mistake
    behind each choice ("" for the right one).
    """

    kind: str
    prompt: str
    choices: tuple[str, ...]
    answer: int
    value: float
    target: tuple
    why: str
    mistakes: tuple[str, ...] = ()
    values: tuple[float, ...] = ()  # the number behind each choice (delta questions)

    @property
    def answer_text(self) -> str:
        return self.choices[self.answer]

    def is_right(self, choice: int) -> bool:
        return int(choice) == self.answer

    def accepts(self, guess: float) -> bool:
        """A typed number is right within DELTA_TOLERANCE of :attr:`value` (or STAYS)."""
        tol = max(DELTA_TOLERANCE * abs(self.value), STAYS)
        return bool(np.isfinite(guess)) and abs(float(guess) - self.value) <= tol


def direction(change: float) -> str:
    """ "up", "down" or "stays" (|change| < STAYS) for a change of a number."""
    if abs(change) < STAYS:
        return "stays"
    return "up" if change > 0 else "down"


def _p(x: float) -> str:
    """A number for a product: negative ones in parentheses."""
    return f"({fmt4(x)})" if x < 0 else fmt4(x)


def _notes(exp: StepExplanation) -> str:
    return "".join(f"\nNote: {note}" for note in exp.notes)


# -- the three kinds ------------------------------------------------------------------


def weight_question(exp: StepExplanation, param: tuple) -> Question:
    """Which way will ``("w", l, j, i)`` or ``("b", l, j)`` move in this step?"""
    name, eta = param_name(param), exp.learning_rate
    if param[0] == "w":
        w = exp.for_weight(*param[1:])
        grad = f"∂L/∂w = δ·a = {_p(w.delta)} · {_p(w.input_value)} = {fmt4(w.gradient)}"
    else:
        w = exp.for_bias(*param[1:])
        grad = f"∂L/∂b = δ = {fmt4(w.gradient)}"
    change = w.new - w.old
    answer = direction(change)
    if answer == "stays":
        rule = "The gradient is (almost) zero, so the step leaves it where it is."
    else:
        sign = "positive" if w.gradient > 0 else "negative"
        rule = f"Gradient descent moves against the gradient: ∂L/∂{name[0]} is {sign}, "
        rule += f"so {name} goes {answer}."
    why = (
        f"{grad}\n"
        f"Δ{name[0]} = −η·∂L/∂{name[0]} = −{fmt4(eta)} · {_p(w.gradient)} = {fmt4(change)}\n"
        f"{name}: {fmt4(w.old)} → {fmt4(w.new)}. {rule}{_notes(exp)}"
    )
    return Question(
        kind="weight",
        prompt=f"After this step, will {name} (now {fmt4(w.old)}) go up, go down or stay?",
        choices=DIRECTIONS,
        answer=DIRECTIONS.index(answer),
        value=change,
        target=tuple(param),
        why=why,
    )


def network_of(exp: StepExplanation) -> MLP:
    """The engine's network of ``exp``'s shape, activations and loss, with its old parameters."""
    mlp = MLP(
        exp.layer_sizes,
        hidden_activation=list(exp.activation_names[:-1]),
        output_activation=exp.activation_names[-1],
        init="zeros",
        loss=exp.loss_name,
    )
    mlp.set_params(exp.params)
    return mlp


def loss_after(exp: StepExplanation) -> tuple[float, np.ndarray]:
    """(loss on ``exp``'s sample, output y) with the parameters after the step."""
    mlp = network_of(exp)
    y = mlp.forward(exp.x, params=exp.new_params).output
    return mlp.loss_value(exp.x[None, :], exp.target[None, :], params=exp.new_params), y


def loss_question(exp: StepExplanation) -> Question:
    """Will the loss on this sample go up or down after the step?"""
    after, y_after = loss_after(exp)
    change = after - exp.loss
    answer = direction(change)
    first_order = -exp.learning_rate * float(exp.gradient @ exp.gradient)
    ys, ys0 = (", ".join(fmt4(v) for v in np.ravel(y)[:4]) for y in (y_after, exp.output))
    if answer == "up":
        rule = (
            "The step went against the gradient but overshot: η is too large here, "
            "so the loss on this sample rose."
        )
    elif answer == "down":
        rule = "A small enough step against the gradient lowers the loss."
    else:
        rule = "The gradient is (almost) zero: nothing to descend."
    why = (
        f"Before: y = {ys0}, L = {fmt4(exp.loss)}\n"
        f"After the step, same sample: y = {ys}, L = {fmt4(after)}  (ΔL = {fmt4(change)})\n"
        f"To first order ΔL ≈ −η·‖∇L‖² = −{fmt4(exp.learning_rate)} · "
        f"{fmt4(float(exp.gradient @ exp.gradient))} = {fmt4(first_order)}. {rule}{_notes(exp)}"
    )
    sample = "this sample" if exp.sample is None else f"sample #{exp.sample}"
    return Question(
        kind="loss",
        prompt=f"After this step, will the loss on {sample} (now {fmt4(exp.loss)}) go up or down?",
        choices=DIRECTIONS,
        answer=DIRECTIONS.index(answer),
        value=change,
        target=("loss",),
        why=why,
    )


def _delta_candidates(exp: StepExplanation, j: int) -> list[tuple[float, str]]:
    """(value, mistake) of δ for output ``j``: the right one first, then distractors."""
    out = exp.layers[-1]
    y, z, s = float(exp.output[j]), float(exp.target[j]), float(out.sums[j])
    fp = float(out.derivatives[j])
    right = float(out.deltas[j])
    cands = [(right, "")]
    if exp.loss_name == "cross-entropy":
        cands.append(
            (fp * (y - z), "used ½(y − z)²'s δ = f′(s)·(y − z), but the loss is cross-entropy")
        )
    else:
        cands.append((y - z, "forgot the activation's derivative f′(s)"))
    cands.append((-right, "flipped the error: (z − y) instead of (y − z)"))
    cands.append((2.0 * right, "forgot the ½ of the loss: d/dy (y − z)² = 2(y − z)"))
    name = out.activation
    if name == "sigmoid":
        cands.append((s * (1 - s) * (y - z), "took f′ = s(1 − s) at the sum s, not y(1 − y)"))
    elif name == "tanh":
        cands.append(((1 - s * s) * (y - z), "took f′ = 1 − s² at the sum s, not 1 − y²"))
    cands += [(fp, "forgot the error (y − z)"), (y - z + 1.0, "a guess")]
    return cands


def delta_question(exp: StepExplanation, node: int = 0) -> Question:
    """What is δ for output ``node``, roughly? Four choices, one from the engine."""
    last = len(exp.layer_sizes) - 1
    shown, picks = set(), []
    for value, mistake in _delta_candidates(exp, node):
        text = fmt4(value)
        if np.isfinite(value) and text not in shown and len(picks) < 4:
            shown.add(text)
            picks.append((value, text, mistake))
    picks.sort(key=lambda p: p[0])
    answer = next(k for k, p in enumerate(picks) if p[2] == "")
    ns = exp.for_node(last, node)
    y, z, fp, d = ns.activation, ns.target, ns.derivative, ns.delta
    if exp.loss_name == "cross-entropy":
        formula = f"δ = y − z = {fmt4(y)} − {fmt4(z)} = {fmt4(d)}"
    else:
        formula = f"δ = f′(s)·(y − z) = {fmt4(fp)} · ({fmt4(y)} − {fmt4(z)}) = {fmt4(d)}"
    lines = [f"{formula}   ({ns.activation_name} output, s = {fmt4(ns.sum)})"]
    lines += [f"{text} would be: {mistake}" for _, text, mistake in picks if mistake]
    where = f"output {node}" if exp.layer_sizes[-1] > 1 else "the output"
    return Question(
        kind="delta",
        prompt=f"What is δ for {where} in this step (y = {fmt4(y)}, target z = {fmt4(z)})?",
        choices=tuple(text for _, text, _ in picks),
        answer=answer,
        value=d,
        target=("node", last, node),
        why="\n".join(lines) + _notes(exp),
        mistakes=tuple(m for _, _, m in picks),
        values=tuple(v for v, _, _ in picks),
    )


def pick_target(exp: StepExplanation, kind: str, rng: np.random.Generator) -> tuple:
    """What a question of ``kind`` asks about: a random weight or bias, the loss, an output."""
    if kind == "loss":
        return ("loss",)
    if kind == "delta":
        return ("node", len(exp.layer_sizes) - 1, int(rng.integers(exp.layer_sizes[-1])))
    l = int(rng.integers(exp.n_layers))
    n_out, n_in = exp.layers[l].weights.shape
    j, i = int(rng.integers(n_out)), int(rng.integers(n_in + 1))  # i = n_in: the bias
    return ("b", l, j) if i == n_in else ("w", l, j, i)


def fits(exp: StepExplanation, target: tuple) -> bool:
    """Whether ``target`` names something in ``exp``'s network."""
    sizes = exp.layer_sizes
    kind, *idx = target
    if kind == "loss":
        return True
    if kind == "node":
        return idx[0] == len(sizes) - 1 and idx[1] < sizes[-1]
    if idx[0] >= len(sizes) - 1 or idx[1] >= sizes[idx[0] + 1]:
        return False
    return kind == "b" or idx[2] < sizes[idx[0]]


def question_for(exp: StepExplanation, target: tuple) -> Question:
    """The question about ``target`` (see :func:`pick_target`) in ``exp``'s step."""
    if target[0] == "loss":
        return loss_question(exp)
    if target[0] == "node":
        return delta_question(exp, target[2])
    return weight_question(exp, target)


def make_question(exp: StepExplanation, kind: str, rng: np.random.Generator) -> Question:
    """A question of ``kind`` about ``exp``; ``rng`` picks the weight or output."""
    return question_for(exp, pick_target(exp, kind, rng))


# -- a session of questions -------------------------------------------------------------


def _same_step(a: StepExplanation | None, b: StepExplanation | None) -> bool:
    """Whether two explanations describe the same step (same network, sample, η)."""
    if a is None or b is None:
        return a is b
    return (
        a.layer_sizes == b.layer_sizes
        and a.activation_names == b.activation_names
        and a.loss_name == b.loss_name
        and a.learning_rate == b.learning_rate
        and np.array_equal(a.params, b.params)
        and np.array_equal(a.x, b.x)
        and np.array_equal(a.target, b.target)
    )


@dataclass
class Quiz:
    """Questions in turn (weight, loss, delta, …) and a score of right / asked.

    :meth:`update` takes each new explanation; the open question is made anew
    when the step it asks about changed (an edit, another η, another sample).
    :meth:`answer` reveals it and counts; the next :meth:`update` after a
    revealed answer opens the next question.
    """

    seed: int = 0
    right: int = 0
    asked: int = 0
    question: Question | None = None
    revealed: bool = False
    last_right: bool = False
    exp: StepExplanation | None = field(default=None, repr=False)
    _turn: int = 0
    _target: tuple | None = None

    def __post_init__(self) -> None:
        self._rng = np.random.default_rng(self.seed)

    def update(self, exp: StepExplanation | None) -> Question | None:
        """The question about ``exp``'s step (new unless it is the open one's step)."""
        if self.revealed:
            self.exp = exp
            return self.question
        if exp is not None and self.question is not None and _same_step(exp, self.exp):
            return self.question
        self.exp = exp
        self.question = None if exp is None else self._make(exp)
        return self.question

    def next_question(self) -> Question | None:
        """Close a revealed answer and ask about the latest explanation."""
        if self.revealed:
            self.revealed = False
            self._turn += 1
            self._target = None
        self.question = None
        exp, self.exp = self.exp, None
        return self.update(exp)

    def answer(self, choice: int | None = None, guess: float | None = None) -> bool:
        """Reveal the open question: a clicked choice or a typed number. Counts once."""
        q = self.question
        if q is None or self.revealed:
            raise ValueError("no open question to answer")
        right = q.accepts(guess) if guess is not None else q.is_right(int(choice))
        self.asked += 1
        self.right += int(right)
        self.revealed, self.last_right = True, right
        return right

    def reset_score(self) -> None:
        self.right = self.asked = 0

    @property
    def score_text(self) -> str:
        return f"{self.right} / {self.asked} right"

    def _make(self, exp: StepExplanation) -> Question:
        """This turn's question; an edit keeps what it asks about when that still fits."""
        if self._target is None or not fits(exp, self._target):
            self._target = pick_target(exp, KINDS[self._turn % len(KINDS)], self._rng)
        return question_for(exp, self._target)
