"""The preset's side panel: its title, the steps to work through, one at a time.

Each step is a row with a checkbox (the learner ticks what is done); the
current step's text is shown large below, with Previous / Next and, when the
step has an expected answer, a "Show answer" button that reveals it. What
the preset locks is listed at the bottom, so a disabled control is no mystery.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mlpviz.io.preset_file import LOCKS, Preset


class PresetPanel(QWidget):
    """Shows one :class:`Preset`'s steps; :attr:`stepChanged` gives the current index."""

    stepChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-weight: 600; font-size: 14px;")
        self.steps = QListWidget()
        self.steps.setToolTip("Tick a step when it is done; click one to show it below")
        self.steps.setWordWrap(True)
        self.steps.setResizeMode(QListView.ResizeMode.Adjust)
        self.steps.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.steps.currentRowChanged.connect(self._show)
        self.counter = QLabel()
        self.counter.setStyleSheet("color: #555;")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.text.setStyleSheet("font-size: 13px; padding: 6px; background: #f4f6fa;")
        self.answer = QLabel()
        self.answer.setWordWrap(True)
        self.answer.setStyleSheet("color: #1b5e20; padding: 4px;")
        self.show_answer = QPushButton("Show answer")
        self.show_answer.setCheckable(True)
        self.show_answer.toggled.connect(self._reveal)
        self.previous = QPushButton("◀ Previous")
        self.next = QPushButton("Next ▶")
        self.previous.clicked.connect(lambda: self.go(self.current() - 1))
        self.next.clicked.connect(lambda: self.go(self.current() + 1))
        nav = QHBoxLayout()
        nav.addWidget(self.previous)
        nav.addWidget(self.show_answer)
        nav.addWidget(self.next)
        self.locks = QLabel()
        self.locks.setWordWrap(True)
        self.locks.setStyleSheet("color: #6b4a00;")
        lay.addWidget(self.title)
        lay.addWidget(self.steps, 2)
        lay.addWidget(self.counter)
        lay.addWidget(self.text, 3)
        lay.addWidget(self.answer)
        lay.addLayout(nav)
        lay.addWidget(self.locks)
        self._preset: Preset | None = None
        self.set_preset(None)

    def set_preset(self, preset: Preset | None) -> None:
        """Show ``preset``'s steps from the first, none ticked (None: an empty panel)."""
        self._preset = preset
        self.steps.clear()
        self.title.setText(preset.title if preset else "No preset open")
        for i, step in enumerate(preset.steps if preset else ()):
            first_line = step.text.splitlines()[0]
            item = QListWidgetItem(f"{i + 1}. {_short(first_line)}")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setToolTip(step.text)
            self.steps.addItem(item)
        locked = sorted(preset.locked) if preset else []
        names = ", ".join(n.replace("_", " ") for n in locked)
        self.locks.setText(f"Locked by the preset: {names}" if locked else "")
        self.locks.setToolTip("\n".join(f"{n}: {LOCKS[n]}" for n in locked))
        self.locks.setVisible(bool(locked))
        if self.steps.count():
            self.steps.setCurrentRow(0)
        self._show(self.current())

    def current(self) -> int:
        return self.steps.currentRow()

    def go(self, index: int) -> None:
        """Show step ``index`` (clamped to the steps there are)."""
        if self.steps.count():
            self.steps.setCurrentRow(max(0, min(index, self.steps.count() - 1)))

    def checked(self) -> list[bool]:
        """Each step's checkbox, in order."""
        return [
            self.steps.item(i).checkState() == Qt.CheckState.Checked
            for i in range(self.steps.count())
        ]

    def _show(self, index: int) -> None:
        steps = self._preset.steps if self._preset else ()
        has = 0 <= index < len(steps)
        self.text.setText(steps[index].text if has else "This preset has no steps.")
        self.counter.setText(f"Step {index + 1} of {len(steps)}" if has else "")
        self.previous.setEnabled(has and index > 0)
        self.next.setEnabled(has and index < len(steps) - 1)
        answer = steps[index].answer if has else None
        self.show_answer.setVisible(answer is not None)
        self.show_answer.setChecked(False)
        self._reveal(False)
        if has:
            self.stepChanged.emit(index)

    def _reveal(self, on: bool) -> None:
        steps = self._preset.steps if self._preset else ()
        index = self.current()
        answer = steps[index].answer if 0 <= index < len(steps) else None
        self.answer.setText(f"Answer: {answer}" if on and answer else "")
        self.answer.setVisible(bool(on and answer))
        self.show_answer.setText("Hide answer" if on else "Show answer")


def _short(line: str, limit: int = 70) -> str:
    """A step's first line for the list (its whole text is below and in the tooltip)."""
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
