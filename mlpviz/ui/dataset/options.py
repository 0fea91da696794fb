"""The options panel of the dataset dialog: task, normalization, derived inputs, split.

:class:`OptionsPanel` puts them side by side (the task is a
:class:`~mlpviz.ui.dataset.task_choice.TaskChoice`); each scaling choice is a
:class:`ScalingEditor`, and :func:`split_counts` predicts the train/test
row counts the split will produce.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from mlpviz.data.problem import DERIVED, Problem
from mlpviz.ui.dataset.table_text import plural
from mlpviz.ui.dataset.task_choice import TaskChoice

# -- options ---------------------------------------------------------------------------

# (label, spec or "fixed", tooltip) of each scaling choice.
_SCALINGS = (
    ("[0, 1]", "0,1", "Min-max: the smallest training value → 0, the largest → 1"),
    ("[−1, 1]", "-1,1", "Min-max: the smallest training value → −1, the largest → 1"),
    ("Fixed range…", "fixed", "A range you give, MIN → 0 and MAX → 1 (e.g. scores 0…100)"),
    ("z-score", "zscore", "(value − mean) / standard deviation of the training rows"),
    ("None", "none", "Raw values, unscaled"),
)


class ScalingEditor(QWidget):
    """A scaling choice: a combo box, plus MIN and MAX spin boxes for a fixed range.

    Signals
    -------
    changed()
        The choice or a bound changed.
    """

    changed = Signal()

    def __init__(self, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._what = what
        self._touched = False  # the user typed bounds: do not overwrite them
        self.combo = QComboBox()
        for i, (label, spec, tip) in enumerate(_SCALINGS):
            self.combo.addItem(label, spec)
            self.combo.setItemData(i, tip, Qt.ItemDataRole.ToolTipRole)
        self.combo.setToolTip(f"How the {what} are scaled before the network sees them")
        self.low = self._spin(f"Raw value of the {what} that maps to 0")
        self.high = self._spin(f"Raw value of the {what} that maps to 1")
        self.high.setValue(1.0)
        self._to = QLabel("to")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.combo, 1)
        lay.addWidget(self.low)
        lay.addWidget(self._to)
        lay.addWidget(self.high)
        self.combo.currentIndexChanged.connect(self._on_kind)
        self._on_kind()
        self._touched = False  # setting the default bounds above was not the user

    def _spin(self, tip: str) -> QDoubleSpinBox:
        spin = QDoubleSpinBox()
        spin.setRange(-1e12, 1e12)
        spin.setDecimals(3)
        spin.setToolTip(tip)
        spin.setKeyboardTracking(False)
        spin.setMinimumWidth(84)
        spin.valueChanged.connect(self._on_bound)
        return spin

    @property
    def is_fixed(self) -> bool:
        return self.combo.currentData() == "fixed"

    def spec(self) -> str:
        """The :func:`~mlpviz.data.make_scaler` spec, e.g. ``"0,1"`` or ``"0,1:0,100"``."""
        if self.is_fixed:
            return f"0,1:{self.low.value()!r},{self.high.value()!r}"
        return str(self.combo.currentData())

    def set_fixed(self, low: float, high: float) -> None:
        """Choose "Fixed range…" with raw ``low`` → 0 and ``high`` → 1."""
        self.low.setValue(low)
        self.high.setValue(high)
        self._touched = True
        self.combo.setCurrentIndex(self.combo.findData("fixed"))

    def set_spec(self, spec: str) -> None:
        """Show a spec; one the choices cannot express is added as "Custom"."""
        text = "".join(str(spec).split()).lower().strip("[]")
        aliases = {"minmax": "0,1", "standard": "zscore", "z": "zscore", "identity": "none"}
        text = aliases.get(text, text)
        fixed = text[len("fixed:") :] if text.startswith("fixed:") else None
        if fixed is None and text.startswith("0,1:"):
            fixed = text[len("0,1:") :]
        if fixed is not None:
            try:
                low, high = (float(v) for v in fixed.strip("[]()").split(","))
            except ValueError:
                pass
            else:
                self.set_fixed(low, high)
                return
        index = self.combo.findData(text)
        if index < 0:
            self.combo.addItem(f"Custom: {spec}", str(spec))
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)

    def set_data_range(self, span: tuple[float, float] | None) -> None:
        """The chosen columns' range: the bounds a fixed range starts from."""
        if span is not None and not self._touched:
            for spin, value in zip((self.low, self.high), span):
                spin.blockSignals(True)
                spin.setValue(value)
                spin.blockSignals(False)

    @Slot()
    def _on_kind(self) -> None:
        for w in (self.low, self._to, self.high):
            w.setVisible(self.is_fixed)
        self.changed.emit()

    @Slot()
    def _on_bound(self) -> None:
        self._touched = True
        self.changed.emit()


def split_counts(n_rows: int, test_fraction: float) -> tuple[int, int]:
    """(training rows, test rows) that ``train_test_split`` will produce.

    The same rule as :func:`mlpviz.data.train_test_split`, without drawing
    the permutation, so the label can update on every spin-box step.
    """
    n_test = 0
    if test_fraction > 0 and n_rows >= 2:
        n_test = min(max(1, math.floor(n_rows * test_fraction + 0.5)), n_rows - 1)
    return n_rows - n_test, n_test


# Checkbox label and explanation of each derived input, in DERIVED's order.
_DERIVED_TEXT = {
    "x1^2": ("x₁²", "the first input squared"),
    "x2^2": ("x₂²", "the second input squared"),
    "x1*x2": ("x₁·x₂", "the product of the first two inputs"),
    "sin x1": ("sin x₁", "the sine of the first input"),
    "sin x2": ("sin x₂", "the sine of the second input"),
}


class OptionsPanel(QWidget):
    """Normalization, derived inputs and the train/test split, side by side.

    Signals
    -------
    changed()
        Any option changed.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(10)
        self.task_choice = TaskChoice()
        self.task_choice.changed.connect(self.changed)
        self._target_spec: str | None = None  # the regression's target scaling, kept
        row.addWidget(self.task_choice, 3)
        row.addWidget(self._build_scaling(), 5)
        row.addWidget(self._build_derived(), 3)
        row.addWidget(self._build_split(), 3)

    def _build_scaling(self) -> QGroupBox:
        box = QGroupBox("Normalization")
        box.setToolTip("How raw values are mapped to the numbers the network sees")
        form = QFormLayout(box)
        self.input_scaling = ScalingEditor("inputs")
        self.target_scaling = ScalingEditor("targets")
        form.addRow("Inputs:", self.input_scaling)
        form.addRow("Targets:", self.target_scaling)
        note = QLabel("Fitted on the training rows only.")
        note.setStyleSheet("color: #777;")
        form.addRow(note)
        for editor in (self.input_scaling, self.target_scaling):
            editor.changed.connect(self.changed)
        return box

    def _build_derived(self) -> QGroupBox:
        box = QGroupBox("Derived inputs")
        box.setToolTip("Extra input columns computed from the first two inputs x₁ and x₂")
        grid = QGridLayout(box)
        self.derived_boxes: dict[str, QCheckBox] = {}
        for i, key in enumerate(DERIVED):
            check = QCheckBox(_DERIVED_TEXT[key][0])
            check.toggled.connect(self.changed)
            self.derived_boxes[key] = check
            grid.addWidget(check, i // 3, i % 3)
        self.derived_names_label = QLabel()
        self.derived_names_label.setStyleSheet("color: #777;")
        self.derived_names_label.setToolTip("Which chosen columns x₁ and x₂ stand for")
        grid.addWidget(self.derived_names_label, 2, 0, 1, 3)
        return box

    def _build_split(self) -> QGroupBox:
        box = QGroupBox("Train / test split")
        box.setToolTip("Rows held out to measure how well the network generalizes")
        form = QFormLayout(box)
        self.test_fraction_spin = QSpinBox()
        self.test_fraction_spin.setRange(0, 90)
        self.test_fraction_spin.setSuffix(" %")
        self.test_fraction_spin.setToolTip(
            "Share of rows kept out of training and used only to measure the test loss"
        )
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 2_147_483_647)
        self.seed_spin.setToolTip("Seed of the random choice of test rows: same seed, same split")
        self.split_label = QLabel()
        self.split_label.setToolTip("Rows the network trains on, and rows kept for testing")
        for spin in (self.test_fraction_spin, self.seed_spin):
            spin.valueChanged.connect(self.changed)
        for spin in (self.test_fraction_spin, self.seed_spin):
            spin.setMinimumWidth(110)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        form.addRow("Test rows:", self.test_fraction_spin)
        form.addRow("Seed:", self.seed_spin)
        form.addRow(self.split_label)
        return box

    @property
    def test_fraction(self) -> float:
        return self.test_fraction_spin.value() / 100.0

    def derived(self) -> tuple[str, ...]:
        """The chosen derived inputs (keys of ``DERIVED``) that apply."""
        return tuple(k for k, b in self.derived_boxes.items() if b.isChecked() and b.isEnabled())

    def follow_task(self, task: str) -> None:
        """Class targets are one-hot probabilities: never scaled, so the target
        scaling shows None and is disabled; a regression gets its choice back."""
        classify = task == "classification"
        editor = self.target_scaling
        if classify and self._target_spec is None:
            self._target_spec = editor.spec()
            editor.blockSignals(True)
            editor.set_spec("none")
            editor.blockSignals(False)
        elif not classify and self._target_spec is not None:
            editor.blockSignals(True)
            editor.set_spec(self._target_spec)
            editor.blockSignals(False)
            self._target_spec = None
        editor.setEnabled(not classify)
        editor.setToolTip(
            "Class targets are probabilities (one output per class): never scaled"
            if classify
            else "How the targets are scaled before the network sees them"
        )

    def prefill(self, problem: Problem) -> None:
        """Start from the options ``problem`` was prepared with."""
        self.input_scaling.set_spec(problem.input_scaling)
        if problem.task == "classification":
            self.follow_task("classification")
        else:
            self.target_scaling.set_spec(problem.target_scaling)
        for key, check in self.derived_boxes.items():
            check.setChecked(key in problem.derived)
        self.test_fraction_spin.setValue(round(problem.test_fraction * 100))
        self.seed_spin.setValue(int(problem.seed))

    def update_for(
        self,
        inputs: Sequence[str],
        n_rows: int | None,
        input_range: tuple[float, float] | None,
        target_range: tuple[float, float] | None,
    ) -> None:
        """Enable what applies to the chosen ``inputs`` and count the split rows."""
        a = inputs[0] if inputs else "x₁"
        b = inputs[1] if len(inputs) > 1 else "x₂"
        for key, check in self.derived_boxes.items():
            need = 2 if "x2" in key else 1
            check.setEnabled(len(inputs) >= need)
            label, what = _DERIVED_TEXT[key]
            check.setToolTip(
                f"{label} = {DERIVED[key][1].format(a, b)}: {what}, added as an extra input "
                f"(needs {plural(need, 'input')})"
            )
        self.derived_names_label.setText(
            f"x₁ = {a}, x₂ = {b}" if len(inputs) > 1 else f"x₁ = {a}" if inputs else ""
        )
        self.input_scaling.set_data_range(input_range)
        self.target_scaling.set_data_range(target_range)
        self.seed_spin.setEnabled(self.test_fraction_spin.value() > 0)
        if n_rows is None:
            self.split_label.setText("No data yet")
        else:
            train, test = split_counts(n_rows, self.test_fraction)
            self.split_label.setText(f"{plural(train, 'training row')}, {plural(test, 'test row')}")
