"""The dataset dialog's task choice: classes or numbers, guessed from the target.

:class:`TaskChoice` offers Auto (which shows the guess of
:func:`~mlpviz.data.encoding.infer_task`), Classification and Regression,
and says in a line what the chosen task makes of the target columns.
:func:`task_summary` writes that line; :func:`feature_names` lists the
network inputs the chosen input columns become (text columns one-hot).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QGroupBox, QLabel, QVBoxLayout, QWidget

from mlpviz.data.dataset import TEXT, Dataset
from mlpviz.data.encoding import class_labels
from mlpviz.ui.dataset.table_text import name_list, plural

# (label, task, tooltip) of each choice; "auto"'s label gains the guess.
_CHOICES = (
    ("Auto", "auto", "Classification for a text target, or integers with at most 20 values"),
    ("Classification", "classification", "The target's values are classes: one output each"),
    ("Regression", "regression", "The targets are numbers the network predicts"),
)


def feature_names(dataset: Dataset, inputs: Sequence[str]) -> list[str]:
    """The network inputs of these columns: a number column's name, a text
    column's ``name=category`` for each of its categories (one-hot)."""
    out: list[str] = []
    for name in inputs:
        j = dataset.index(name)
        if dataset.kinds[j] == TEXT and not dataset.mostly_numbers(j):
            out += [f"{name}={c}" for c in dataset.categories[j]]
        else:
            out.append(name)
    return out


def output_names(dataset: Dataset, targets: Sequence[str], task: str) -> list[str]:
    """The network outputs: one per class for a classification of one
    column, else the target columns themselves."""
    if task == "classification" and len(targets) == 1:
        return list(class_labels(dataset, targets[0])[0])
    return list(targets)


def task_summary(dataset: Dataset, targets: Sequence[str], task: str) -> tuple[str, str]:
    """(text, kind) saying what ``task`` makes of ``targets``; kind is
    ``"info"``, or ``"warning"`` when prepare() would refuse it."""
    if not targets:
        return "Choose a target column to see the task.", "info"
    if task == "classification":
        if len(targets) != 1:
            return (
                f"Classification takes one class column as the target, not {len(targets)}.",
                "warning",
            )
        classes = output_names(dataset, targets, task)
        if len(classes) < 2:
            return f"{targets[0]} holds one class only; a classifier needs two.", "warning"
        return (
            f"{targets[0]}: {len(classes):,} classes ({name_list(classes, 6)}), one output "
            "each; softmax with cross-entropy, targets never scaled.",
            "info",
        )
    text = [t for t in targets if dataset.is_text(t) and not dataset.mostly_numbers(t)]
    if text:
        return f"{text[0]} holds text: choose Classification to learn its classes.", "warning"
    return f"{name_list(list(targets), 4)} predicted as numbers.", "info"


class TaskChoice(QGroupBox):
    """Auto / Classification / Regression, and a line on what it makes of the target.

    Signals
    -------
    changed()
        The user chose another task.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Task", parent)
        self.setToolTip("What the network learns: classes (one output per class) or numbers")
        lay = QVBoxLayout(self)
        self.combo = QComboBox()
        for i, (label, task, tip) in enumerate(_CHOICES):
            self.combo.addItem(label, task)
            self.combo.setItemData(i, tip, Qt.ItemDataRole.ToolTipRole)
        self.combo.setToolTip(
            "Auto guesses from the target column: text, or integers with at most 20 "
            "distinct values, are classes. Choose Classification or Regression to decide."
        )
        self.combo.currentIndexChanged.connect(self.changed)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #555;")
        self.note.setToolTip("What the chosen task makes of the target columns")
        lay.addWidget(self.combo)
        lay.addWidget(self.note, 1)

    def choice(self) -> str:
        """``"auto"``, ``"classification"`` or ``"regression"``, as chosen."""
        return str(self.combo.currentData())

    def set_choice(self, task: str) -> None:
        self.combo.setCurrentIndex(max(0, self.combo.findData(task)))

    def show_guess(self, guess: str | None, note: str, kind: str) -> None:
        """Auto's guess (None: no target yet) and the line about the chosen task."""
        self.combo.setItemText(0, f"Auto: {guess}" if guess else "Auto")
        self.note.setText(note)
        self.note.setStyleSheet(f"color: {'#6b4a00' if kind == 'warning' else '#555'};")


def roles_message(
    dataset: Dataset, inputs: Sequence[str], targets: Sequence[str], n_derived: int, task: str
) -> str:
    """The dialog's line on what the network gets: its input names (text
    columns one-hot) → its output names (one per class for a classification)."""
    features = feature_names(dataset, inputs)
    outputs = output_names(dataset, targets, task)
    n_in = len(features) + n_derived
    if task == "classification" and len(targets) == 1:
        goes_to = f"{name_list(outputs)} (classes of {targets[0]})"
    else:
        goes_to = name_list(list(targets))
    return (
        f"{name_list(features)} → {goes_to}: the network gets "
        f"{plural(n_in, 'input')} and {plural(len(outputs), 'output')}."
    )
