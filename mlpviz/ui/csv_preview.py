"""The parts of the dataset dialog: file previews, column roles and the options.

Everything here is cheap on the GUI thread by construction: the load job
(:func:`mlpviz.ui.loader_thread.load_job`) runs in a background thread and
hands back the numbers already summarized (min/max per column, the first
rows), so the models below only index small arrays.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTextEdit,
    QWidget,
)

from ..data.problem import DERIVED, Problem
from . import theme

__all__ = [
    "ROLES",
    "ColumnsModel",
    "DataPreviewModel",
    "OptionsPanel",
    "RawPreview",
    "RoleDelegate",
    "ScalingEditor",
    "fixed_font",
    "format_number",
    "plural",
    "split_counts",
]

_Index = QModelIndex | QPersistentModelIndex

ROLES = ("Input", "Target", "Ignore")

# Soft tints that mark a column's role in both tables (inputs blue, targets
# orange: the theme's positive/negative hues, so the app reads as one piece).
_ROLE_TINT = {
    "Input": QColor(228, 238, 248),
    "Target": QColor(251, 234, 222),
}
_ROLE_TEXT = {"Input": theme.POSITIVE, "Target": theme.NEGATIVE, "Ignore": theme.MUTED}
_ERROR_LINE = QColor(253, 224, 220)


def fixed_font() -> QFont:
    """The system fixed-width font at the UI's size, so digits line up."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    size = QGuiApplication.font().pointSizeF()
    if size > 0:
        # The system fixed font is often a point larger than the UI font.
        font.setPointSizeF(size)
    return font


def format_number(value: float) -> str:
    """Up to six significant digits, no exponent for everyday magnitudes."""
    return f"{value:.6g}"


class RawPreview(QPlainTextEdit):
    """The file's first lines, numbered, with an error line highlighted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setFont(fixed_font())
        self.setPlaceholderText("The first lines of the file appear here.")
        self.error_line: int | None = None

    def set_lines(self, lines: Sequence[str], error_line: int | None = None) -> None:
        """Show ``lines`` (file lines 1…); highlight ``error_line`` (1-based) if shown."""
        width = len(str(max(len(lines), 1)))
        self.setPlainText("\n".join(f"{i:>{width}} │ {t}" for i, t in enumerate(lines, 1)))
        self.error_line = error_line if error_line and error_line <= len(lines) else None
        selections = []
        if self.error_line is not None:
            sel = QTextEdit.ExtraSelection()
            fmt = QTextCharFormat()
            fmt.setBackground(_ERROR_LINE)
            fmt.setForeground(QColor(150, 20, 20))
            fmt.setProperty(QTextCharFormat.Property.FullWidthSelection, True)
            sel.format = fmt
            cursor = QTextCursor(self.document().findBlockByNumber(self.error_line - 1))
            sel.cursor = cursor
            selections.append(sel)
            self.setTextCursor(cursor)
            self.centerCursor()
        self.setExtraSelections(selections)


class DataPreviewModel(QAbstractTableModel):
    """The first rows of a dataset, columns tinted by their role."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns: tuple[str, ...] = ()
        self._values = np.empty((0, 0))
        self._roles: list[str] = []
        self._font = fixed_font()

    def set_data(self, columns: Sequence[str], values: np.ndarray, roles: Sequence[str]) -> None:
        self.beginResetModel()
        self._columns = tuple(columns)
        self._values = values
        self._roles = list(roles)
        self.endResetModel()

    def set_roles(self, roles: Sequence[str]) -> None:
        self._roles = list(roles)
        if self._columns:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._columns) - 1)
            last = self.index(self.rowCount() - 1, self.columnCount() - 1)
            self.dataChanged.emit(self.index(0, 0), last)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 — Qt's signature
        return 0 if parent.isValid() else self._values.shape[0]

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def _role(self, column: int) -> str:
        return self._roles[column] if column < len(self._roles) else "Ignore"

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return format_number(float(self._values[r, c]))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole:
            return self._font
        if role == Qt.ItemDataRole.BackgroundRole:
            return _ROLE_TINT.get(self._role(c))
        if role == Qt.ItemDataRole.ForegroundRole and self._role(c) == "Ignore":
            return theme.MUTED
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        horizontal = orientation == Qt.Orientation.Horizontal
        if role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section] if horizontal else str(section + 1)
        if role == Qt.ItemDataRole.ToolTipRole and horizontal:
            return (
                f"Column {section + 1}, “{self._columns[section]}”: {self._role(section).lower()}"
            )
        if role == Qt.ItemDataRole.ForegroundRole and horizontal:
            return _ROLE_TEXT.get(self._role(section))
        return None


class ColumnsModel(QAbstractTableModel):
    """One row per column: name, min, max and an editable role.

    Signals
    -------
    rolesChanged()
        A role was changed, by the user or by :meth:`set_roles`.
    """

    rolesChanged = Signal()

    HEADERS = ("Column", "Min", "Max", "Role")
    TIPS = (
        "Column name from the file's header (x0, x1, … when it has none)",
        "Smallest value in the column, over all rows",
        "Largest value in the column, over all rows",
        "Input: fed to the network. Target: what it learns to output. Ignore: left out.",
    )
    ROLE_COLUMN = 3

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._names: tuple[str, ...] = ()
        self._min = np.empty(0)
        self._max = np.empty(0)
        self._roles: list[str] = []
        self._font = fixed_font()

    def set_columns(
        self, names: Sequence[str], minima: np.ndarray, maxima: np.ndarray, roles: Sequence[str]
    ) -> None:
        self.beginResetModel()
        self._names = tuple(names)
        self._min, self._max = minima, maxima
        self._roles = list(roles)
        self.endResetModel()
        self.rolesChanged.emit()

    @property
    def names(self) -> tuple[str, ...]:
        return self._names

    def roles(self) -> list[str]:
        return list(self._roles)

    def range_of(self, names: Sequence[str]) -> tuple[float, float] | None:
        """The min and max over the named columns, or None if there are none."""
        idx = [self._names.index(n) for n in names if n in self._names]
        if not idx:
            return None
        return float(self._min[idx].min()), float(self._max[idx].max())

    def set_roles(self, roles: Sequence[str]) -> None:
        roles = list(roles)
        if len(roles) != len(self._names) or any(r not in ROLES for r in roles):
            raise ValueError(f"need one of {ROLES} for each of {len(self._names)} columns")
        changed = [i for i, (a, b) in enumerate(zip(self._roles, roles)) if a != b]
        self._roles = roles
        # One signal per row: views refresh open combo editors only for
        # single-cell changes.
        for i in changed:
            cell = self.index(i, self.ROLE_COLUMN)
            self.dataChanged.emit(self.index(i, 0), cell)
        if changed:
            self.rolesChanged.emit()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._names)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() == self.ROLE_COLUMN:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        kind = self._roles[r]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if c == 0:
                return self._names[r]
            if c == 1:
                return format_number(float(self._min[r]))
            if c == 2:
                return format_number(float(self._max[r]))
            return kind
        if role == Qt.ItemDataRole.TextAlignmentRole and c in (1, 2):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and c in (1, 2):
            return self._font
        if role == Qt.ItemDataRole.BackgroundRole:
            return _ROLE_TINT.get(kind)
        if role == Qt.ItemDataRole.ForegroundRole and c in (0, 3):
            return _ROLE_TEXT.get(kind)
        if role == Qt.ItemDataRole.ToolTipRole:
            span = f"{self._min[r]:.6g} … {self._max[r]:.6g}"
            return f"“{self._names[r]}”: {kind.lower()}, values {span}"
        return None

    def setData(self, index: _Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not (index.isValid() and index.column() == self.ROLE_COLUMN and value in ROLES):
            return False
        if self._roles[index.row()] != value:
            self._roles[index.row()] = str(value)
            self.dataChanged.emit(self.index(index.row(), 0), index)
            self.rolesChanged.emit()
        return True

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.TIPS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section in (1, 2):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class RoleDelegate(QStyledItemDelegate):
    """A combo box (Input / Target / Ignore) that commits as soon as it changes."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        combo = QComboBox(parent)
        combo.addItems(ROLES)
        combo.setToolTip(ColumnsModel.TIPS[ColumnsModel.ROLE_COLUMN])
        # Persistent editors never "finish"; commit on every choice instead.
        combo.activated.connect(lambda _i, c=combo: self.commitData.emit(c))
        return combo

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentText(str(index.data(Qt.ItemDataRole.EditRole)))

    def setModelData(self, editor: QWidget, model: QAbstractTableModel, index: _Index) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)

    def updateEditorGeometry(
        self, editor: QWidget, option: QStyleOptionViewItem, index: _Index
    ) -> None:
        editor.setGeometry(option.rect.adjusted(1, 1, -1, -1))  # keep the grid lines visible


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


def plural(n: int, word: str) -> str:
    """ "1 row", "3 rows", "1,000,000 rows"."""
    return f"{n:,} {word}" + ("" if n == 1 else "s")


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

    def prefill(self, problem: Problem) -> None:
        """Start from the options ``problem`` was prepared with."""
        self.input_scaling.set_spec(problem.input_scaling)
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
