"""A "Predict first" box: one question about the next step, then its answer and why.

It shows the open question of a :class:`~mlpviz.lessons.quiz.Quiz` with a
button per choice (and, for δ, a number field), and the session's score.
Answering reveals the answer with the live numbers and emits
:attr:`QuizBox.answered`; its owner takes the step. "Next question" asks
about the latest explanation. The box computes only the quiz's small
one-sample forward pass; every other number comes from the explanation.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mlpviz.engine.explain import StepExplanation
from mlpviz.lessons.quiz import Question, Quiz

__all__ = ["QuizBox"]

RIGHT, WRONG, NEUTRAL = "#1b7f3b", "#b03a12", "#3a3a3a"
_BUTTON = "QPushButton {{ padding: 4px 14px; font-size: 13px; {extra} }}"
_FRAME = "QFrame#quizBox { background: #f6f9fc; border: 1px solid #c9d8e6; border-radius: 6px; }"


def parse_number(text: str) -> float:
    """A typed number; accepts the typographic minus and a decimal comma."""
    cleaned = text.strip().replace("−", "-").replace(",", ".")
    return float(cleaned)


class QuizBox(QFrame):
    """Ask, reveal, score. ``answered(right)`` fires once per answered question."""

    answered = Signal(bool)

    def __init__(self, parent: QWidget | None = None, seed: int = 0) -> None:
        super().__init__(parent)
        self.setObjectName("quizBox")
        self.setStyleSheet(_FRAME)
        self.quiz = Quiz(seed=seed)
        self.picked: int | None = None
        self.heading = QLabel("Predict first")
        self.heading.setStyleSheet("font-weight: 600; font-size: 14px; color: #1f4e79;")
        self.score = QLabel()
        self.score.setStyleSheet("color: #555;")
        self.prompt = QLabel()
        self.prompt.setWordWrap(True)
        self.prompt.setStyleSheet("font-size: 13px;")
        self.choice_row = QHBoxLayout()
        self.choice_row.setSpacing(6)
        self.buttons: list[QPushButton] = []
        self.number = QLineEdit()
        self.number.setPlaceholderText("or type δ")
        self.number.setMaximumWidth(110)
        self.number.returnPressed.connect(self._typed)
        self.message = QLabel()
        self.message.setStyleSheet(f"color: {WRONG};")
        self.verdict = QLabel()
        self.verdict.setTextFormat(Qt.TextFormat.RichText)
        self.verdict.setWordWrap(True)
        self.why = QLabel()
        self.why.setWordWrap(True)
        self.why.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.why.setStyleSheet(
            "font-family: 'DejaVu Sans Mono', monospace; font-size: 12px; color: #222;"
            "background: white; border: 1px solid #dde5ee; border-radius: 4px; padding: 6px;"
        )
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setStyleSheet("color: #777;")
        # What the owner does on an answer, said before and after it.
        self.ask_hint = "Pick an answer: then the step is taken and its numbers shown, with why."
        self.taken = "The step has been taken."
        self.next_button = QPushButton("Next question ▶")
        self.next_button.clicked.connect(self.next_question)
        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.score)
        choices = QHBoxLayout()
        choices.addLayout(self.choice_row)
        choices.addWidget(self.number)
        choices.addStretch(1)
        choices.addWidget(self.next_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(10, 8, 10, 8)
        lay.setSpacing(5)
        lay.addLayout(top)
        lay.addWidget(self.prompt)
        lay.addLayout(choices)
        lay.addWidget(self.message)
        lay.addWidget(self.hint)
        lay.addWidget(self.verdict)
        lay.addWidget(self.why)
        self._show()

    # -- API -----------------------------------------------------------------------

    @property
    def question(self) -> Question | None:
        return self.quiz.question

    @property
    def revealed(self) -> bool:
        return self.quiz.revealed

    def set_explanation(self, exp: StepExplanation | None) -> None:
        """The step to ask about; an open question follows edits, a revealed one stays."""
        before = self.quiz.question
        self.quiz.update(exp)
        if self.quiz.question is not before:
            self.picked = None
        self._show()

    def choose(self, index: int) -> None:
        """Answer with choice ``index``: reveal and emit :attr:`answered`."""
        if self.quiz.question is None or self.quiz.revealed:
            return
        self.picked = int(index)
        self._answered(self.quiz.answer(choice=index))

    def type_answer(self, text: str) -> bool:
        """Answer a δ question with a typed number; False (and a message) if it is not one."""
        q = self.quiz.question
        if q is None or self.quiz.revealed:
            return False
        try:
            guess = parse_number(text)
        except ValueError:
            self.message.setText(f"δ: “{text.strip()}” is not a number (e.g. −0.12)")
            self.message.show()
            return False
        self.picked = None
        self._answered(self.quiz.answer(guess=guess))
        return True

    def next_question(self) -> None:
        self.picked = None
        self.quiz.next_question()
        self._show()

    def reset_score(self) -> None:
        self.quiz.reset_score()
        self._show()

    # -- internals -----------------------------------------------------------------

    def _typed(self) -> None:
        self.type_answer(self.number.text())

    def _answered(self, right: bool) -> None:
        self._show()
        self.answered.emit(right)

    def _set_buttons(self, q: Question | None) -> None:
        texts = list(q.choices) if q else []
        while len(self.buttons) < len(texts):
            button = QPushButton()
            k = len(self.buttons)
            button.clicked.connect(lambda _=False, k=k: self.choose(k))
            self.choice_row.addWidget(button)
            self.buttons.append(button)
        revealed = self.quiz.revealed
        for k, button in enumerate(self.buttons):
            button.setVisible(k < len(texts))
            if k >= len(texts):
                continue
            button.setText(texts[k])
            button.setEnabled(not revealed)
            extra = ""
            if revealed and k == q.answer:
                extra = f"background: #dff3e4; color: {RIGHT}; font-weight: 600;"
            elif revealed and k == self.picked:
                extra = f"background: #fbe3dc; color: {WRONG}; text-decoration: line-through;"
            button.setStyleSheet(_BUTTON.format(extra=extra))

    def _show(self) -> None:
        quiz, q = self.quiz, self.quiz.question
        self.score.setText(f"Score: {quiz.right} / {quiz.asked}")
        self.message.hide()
        self._set_buttons(q)
        self.prompt.setText(q.prompt if q else "No step to ask about yet.")
        self.number.setVisible(q is not None and q.kind == "delta" and not quiz.revealed)
        if not quiz.revealed:
            self.number.clear()
        self.next_button.setVisible(quiz.revealed)
        self.verdict.setVisible(quiz.revealed)
        self.why.setVisible(quiz.revealed)
        self.hint.setVisible(q is not None and not quiz.revealed)
        self.hint.setText(self.ask_hint)
        if not quiz.revealed or q is None:
            return
        if quiz.last_right:
            head = f"<b style='color:{RIGHT}'>✓ Right</b> — "
        else:
            head = f"<b style='color:{WRONG}'>✗ Not quite</b> — "
        text = f"{head}the answer is <b>{html.escape(q.answer_text)}</b>."
        picked = self.picked
        if not quiz.last_right and picked is not None and picked < len(q.mistakes):
            text += (
                f" You picked {html.escape(q.choices[picked])}: {html.escape(q.mistakes[picked])}."
            )
        self.verdict.setText(f"{text} {html.escape(self.taken)}")
        self.why.setText(q.why)
