"""File › Save as preset…: a title, what to lock, and the steps as plain text.

The steps are typed as paragraphs separated by a blank line; a line starting
with ``Answer:`` gives that step's expected answer. :func:`parse_steps` and
:func:`steps_text` convert between that text and the preset's steps, each the
other's inverse for any steps they produce.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from mlpviz.io.preset_file import LOCKS, MAX_STEPS, MAX_TEXT, PresetStep

ANSWER = "Answer:"


def parse_steps(text: str) -> tuple[PresetStep, ...]:
    """Paragraphs → steps; a paragraph's ``Answer:`` line is its answer.

    Raises ValueError naming the paragraph (1-based) whose text is missing or too long.
    """
    steps = []
    for n, block in enumerate(_paragraphs(text), 1):
        lines, answer = [], None
        for line in block:
            if line.lstrip().startswith(ANSWER):
                answer = line.lstrip()[len(ANSWER) :].strip() or None
            else:
                lines.append(line)
        body = "\n".join(lines).strip()
        if not body:
            raise ValueError(f"step {n} has an answer but no text")
        if len(body) > MAX_TEXT or len(answer or "") > MAX_TEXT:
            raise ValueError(f"step {n} is longer than {MAX_TEXT} characters")
        steps.append(PresetStep(body, answer))
    if len(steps) > MAX_STEPS:
        raise ValueError(f"{len(steps)} steps; a preset holds at most {MAX_STEPS}")
    return tuple(steps)


def steps_text(steps: tuple[PresetStep, ...]) -> str:
    """Steps → the text :func:`parse_steps` reads back to the same steps."""
    blocks = []
    for s in steps:
        blocks.append(s.text + (f"\n{ANSWER} {s.answer}" if s.answer else ""))
    return "\n\n".join(blocks)


def _paragraphs(text: str) -> list[list[str]]:
    out: list[list[str]] = [[]]
    for line in text.splitlines():
        if line.strip():
            out[-1].append(line.rstrip())
        elif out[-1]:
            out.append([])
    return [b for b in out if b]


class PresetSaveDialog(QDialog):
    """Asks for the preset's title, locks and steps; :meth:`values` gives them."""

    def __init__(self, parent: QWidget | None, title: str, locked: frozenset[str] = frozenset()):
        super().__init__(parent)
        self.setWindowTitle("Save as preset")
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel("Title"))
        self.title = QLineEdit(title)
        self.title.setMaxLength(200)
        lay.addWidget(self.title)
        box = QGroupBox("Lock for the learner")
        grid = QGridLayout(box)
        self.lock_boxes: dict[str, QCheckBox] = {}
        for i, (name, what) in enumerate(LOCKS.items()):
            check = QCheckBox(name.replace("_", " ").capitalize())
            check.setToolTip(f"Disable {what}")
            check.setChecked(name in locked)
            self.lock_boxes[name] = check
            grid.addWidget(check, i // 2, i % 2)
        lay.addWidget(box)
        lay.addWidget(
            QLabel(
                "Instructions and questions: one step per paragraph (a blank line between);\n"
                f'a line starting "{ANSWER}" holds the step\'s expected answer.'
            )
        )
        self.steps = QPlainTextEdit()
        self.steps.setPlaceholderText(
            "Press Run and watch the loss.\n\nWhat happens with η = 10?\nAnswer: it diverges"
        )
        lay.addWidget(self.steps, 1)
        self.error = QLabel()
        self.error.setStyleSheet("color: #a4262c;")
        self.error.hide()
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def values(self) -> tuple[str, frozenset[str], tuple[PresetStep, ...]]:
        """Title, locks and steps (ValueError when the title or steps are not valid)."""
        title = self.title.text().strip()
        if not title:
            raise ValueError("give the preset a title")
        locked = frozenset(n for n, c in self.lock_boxes.items() if c.isChecked())
        return title, locked, parse_steps(self.steps.toPlainText())

    def _accept(self) -> None:
        try:
            self.values()
        except ValueError as e:
            self.error.setText(str(e))
            self.error.show()
            return
        self.accept()
