"""The optimizer playground's racers: their settings, the panel that edits them,
and the table of how each one did.

A :class:`RacerConfig` is a racer as the user set it up; :class:`RacersPanel`
lists them (checkable, with colours) above an editor for the selected one,
whose option fields are each a :class:`NumberEdit`; :class:`ResultsTable` shows
each racer's status, costs and what it took to get within the tolerance.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mlpviz.engine.optimizers import OPTIMIZERS
from mlpviz.playground.race import RacerSpec, RaceSnapshot
from mlpviz.playground.testfunctions import FUNCTIONS, TestFunction
from mlpviz.ui.style import theme
from mlpviz.ui.style.numbers import format_number

OPTIMIZER_LABELS = {
    "sgd": "SGD",
    "momentum": "Momentum",
    "nesterov": "Nesterov",
    "adagrad": "Adagrad",
    "rmsprop": "RMSProp",
    "adam": "Adam",
    "trial-and-error": "Trial & error",
}
OPTION_LABELS = {
    "beta": "β",
    "beta1": "β₁",
    "beta2": "β₂",
    "rho": "ρ",
    "eps": "ε",
    "step": "step h",
}
OPTION_TIPS = {
    "beta": "How much of the previous velocity is kept each step (0 = plain gradient descent).",
    "beta1": "Decay of Adam's running mean of gradients (its momentum).",
    "beta2": "Decay of Adam's running mean of squared gradients (its step-size scaling).",
    "rho": "Decay of RMSProp's running mean of squared gradients.",
    "eps": "Added to the denominator so a zero gradient never divides by zero.",
    "step": "How far trial and error tries each coordinate (+h, then −h); 0 means use η.",
}
# Okabe-Ito without the yellow, which vanishes on the light contour; it comes last.
RACER_COLOURS = [theme.SERIES[i] for i in (0, 1, 2, 3, 4, 5, 7, 6)]
COLUMNS = [
    "Racer",
    "Status",
    "Steps",
    "f(x, y)",
    "Loss evals",
    "Grad evals",
    "Steps to tol",
    "Evals to tol",
    "x",
    "y",
]
COLUMN_TIPS = {
    "Loss evals": "Function evaluations the method needed (trial and error: 1 + up to 2 "
    "per coordinate per step). The f shown for gradient methods is not charged.",
    "Grad evals": "Gradient evaluations (one per step for gradient methods).",
    "Steps to tol": "First step at which f − f_min ≤ tol (known minimum) or |∇f| < tol "
    "(no known minimum). — : not yet.",
    "Evals to tol": "Loss + gradient evaluations spent up to that step.",
}


@dataclass(frozen=True)
class RacerConfig:
    """A racer as the user set it up (the GUI's side of a RacerSpec)."""

    name: str
    optimizer: str
    lr: float
    options: dict[str, float] = field(default_factory=dict)
    enabled: bool = True
    colour: QColor = field(default_factory=lambda: QColor(RACER_COLOURS[0]))

    def spec(self) -> RacerSpec:
        return RacerSpec(self.name, self.optimizer, self.lr, dict(self.options))

    def summary(self) -> str:
        opts = OPTIMIZERS[self.optimizer].defaults
        extra = [
            f"{OPTION_LABELS.get(k, k)} {v:g}"
            for k, v in self.options.items()
            if k != "eps" and v != opts.get(k)
        ]
        return " · ".join([f"{self.name}", f"η {self.lr:g}", *extra])


def default_racers(function: TestFunction) -> list[RacerConfig]:
    """One racer per optimizer, at the function's suggested learning rates."""
    return [
        RacerConfig(
            label,
            key,
            function.learning_rates.get(key, 0.01),
            {},
            True,
            QColor(RACER_COLOURS[i % len(RACER_COLOURS)]),
        )
        for i, (key, label) in enumerate(OPTIMIZER_LABELS.items())
    ]


def swatch(colour: QColor, size: int = 14) -> QIcon:
    """A round colour chip for lists and tables."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(colour.darker(130))
    painter.setBrush(colour)
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return QIcon(pixmap)


# -- racers: the list and the editor ----------------------------------------------------------


class NumberEdit(QLineEdit):
    """A float typed as text (1e-8 reads better than 0.00000001 in a spin box)."""

    valueChanged = Signal(float)

    def __init__(self, value: float, low: float, high: float, tip: str) -> None:
        super().__init__(f"{value:g}")
        self.low, self.high = low, high
        self.setToolTip(f"{tip}\nA number from {low:g} to {high:g}.")
        self.editingFinished.connect(self._commit)

    def value(self) -> float | None:
        try:
            v = float(self.text().replace("−", "-"))  # float(), never eval
        except ValueError:
            return None
        return v if math.isfinite(v) and self.low <= v <= self.high else None

    def _commit(self) -> None:
        v = self.value()
        self.setStyleSheet("" if v is not None else "border: 1px solid #d62728;")
        if v is not None:
            self.valueChanged.emit(v)


class RacersPanel(QWidget):
    """The racers: a checkable list with colours, and an editor for the selected one."""

    changed = Signal()

    def __init__(self, racers: list[RacerConfig], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.racers = list(racers)
        self.list = QListWidget()
        self.list.setToolTip("Tick the racers that run; select one to edit it below.")
        self.list.itemChanged.connect(self._ticked)
        self.list.currentRowChanged.connect(self._show_editor)
        add, remove = QPushButton("Add"), QPushButton("Remove")
        add.setToolTip("Add a copy of the selected racer (to race, say, two learning rates).")
        remove.setToolTip("Remove the selected racer.")
        add.clicked.connect(self._add)
        remove.clicked.connect(self._remove)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)

        self.optimizer = QComboBox()
        for key, label in OPTIMIZER_LABELS.items():
            self.optimizer.addItem(label, key)
        self.optimizer.setToolTip("The update rule this racer uses.")
        self.optimizer.currentIndexChanged.connect(self._edited)
        self.lr = QDoubleSpinBox()
        self.lr.setDecimals(5)
        self.lr.setRange(1e-5, 10.0)
        self.lr.setStepType(QDoubleSpinBox.StepType.AdaptiveDecimalStepType)
        self.lr.setKeyboardTracking(False)  # restart the race on Enter, not on every digit
        self.lr.setToolTip("Learning rate η: the step is −η × (the method's direction).")
        self.lr.valueChanged.connect(self._edited)
        self.form = QFormLayout()
        self.form.addRow("Optimizer", self.optimizer)
        self.form.addRow("Learning rate η", self.lr)
        self.option_edits: dict[str, NumberEdit] = {}
        self.editor = QGroupBox("Selected racer")
        self.editor.setLayout(self.form)
        self.editor.setToolTip("Changes restart the race from the start point.")

        racers = QGroupBox("Racers")
        racers_layout = QVBoxLayout(racers)
        racers_layout.addWidget(self.list)
        racers_layout.addLayout(buttons)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(racers)
        layout.addWidget(self.editor)
        self._loading = False
        self._fill()
        self.list.setCurrentRow(0)

    def specs(self) -> tuple[RacerSpec, ...]:
        return tuple(r.spec() for r in self.racers if r.enabled)

    def colours(self) -> dict[str, QColor]:
        return {r.name: r.colour for r in self.racers}

    def set_racer(self, row: int, **changes) -> None:
        """Change racer ``row`` (e.g. ``lr=1.5``) as if edited by hand."""
        self.racers[row] = replace(self.racers[row], **changes)
        self._fill()
        self.changed.emit()

    def apply_learning_rates(self, rates: dict[str, float]) -> None:
        self.racers = [replace(r, lr=rates.get(r.optimizer, r.lr)) for r in self.racers]
        self._fill()

    def _fill(self) -> None:
        self._loading = True
        row = self.list.currentRow()
        self.list.clear()
        for r in self.racers:
            item = QListWidgetItem(swatch(r.colour), r.summary())
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if r.enabled else Qt.CheckState.Unchecked)
            item.setToolTip(f"{OPTIMIZER_LABELS[r.optimizer]}: untick to sit this race out.")
            self.list.addItem(item)
        self._loading = False
        # As tall as its rows: the space below belongs to the editor.
        rows = max(len(self.racers), 4)
        self.list.setFixedHeight(
            rows * self.list.sizeHintForRow(0) + 2 * self.list.frameWidth() + 4
        )
        self.list.setCurrentRow(min(max(row, 0), len(self.racers) - 1))
        self._show_editor(self.list.currentRow())

    def _ticked(self, item: QListWidgetItem) -> None:
        if self._loading:
            return
        row = self.list.row(item)
        enabled = item.checkState() == Qt.CheckState.Checked
        if self.racers[row].enabled != enabled:
            self.racers[row] = replace(self.racers[row], enabled=enabled)
            self.changed.emit()

    def _show_editor(self, row: int) -> None:
        if row < 0 or row >= len(self.racers):
            self.editor.setEnabled(False)
            return
        self.editor.setEnabled(True)
        r = self.racers[row]
        self._loading = True
        self.optimizer.setCurrentIndex(self.optimizer.findData(r.optimizer))
        self.lr.setValue(r.lr)
        for key in list(self.option_edits):
            self.form.removeRow(self.option_edits.pop(key))
        defaults = OPTIMIZERS[r.optimizer].defaults
        for key, default in defaults.items():
            high = 1e3 if key in ("step", "eps") else 0.9999
            edit = NumberEdit(r.options.get(key, default), 0.0, high, OPTION_TIPS.get(key, key))
            edit.valueChanged.connect(self._edited)
            self.option_edits[key] = edit
            self.form.addRow(OPTION_LABELS.get(key, key), edit)
        self._loading = False

    def _edited(self, *_args) -> None:
        row = self.list.currentRow()
        if self._loading or row < 0:
            return
        r = self.racers[row]
        optimizer = self.optimizer.currentData()
        options = {}
        if optimizer == r.optimizer:
            options = {k: e.value() for k, e in self.option_edits.items() if e.value() is not None}
        name = r.name
        if optimizer != r.optimizer and r.name.startswith(OPTIMIZER_LABELS[r.optimizer]):
            name = self._unique(OPTIMIZER_LABELS[optimizer])
        self.racers[row] = replace(
            r, optimizer=optimizer, lr=self.lr.value(), options=options, name=name
        )
        self._fill()
        self.changed.emit()

    def _unique(self, base: str) -> str:
        names = {r.name for r in self.racers}
        if base not in names:
            return base
        return next(f"{base} {k}" for k in range(2, 100) if f"{base} {k}" not in names)

    def _add(self) -> None:
        row = max(self.list.currentRow(), 0)
        source = self.racers[row] if self.racers else default_racers(FUNCTIONS["bowl"])[0]
        used = {r.colour.name() for r in self.racers}
        free = [c for c in RACER_COLOURS if c.name() not in used] or RACER_COLOURS
        base = OPTIMIZER_LABELS[source.optimizer]
        self.racers.append(
            replace(source, name=self._unique(base), colour=QColor(free[0]), enabled=True)
        )
        self._fill()
        self.list.setCurrentRow(len(self.racers) - 1)
        self.changed.emit()

    def _remove(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.racers):
            del self.racers[row]
            self._fill()
            self.changed.emit()


class ResultsTable(QTableWidget):
    """Per racer: status, costs, and what it took to get within the tolerance."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels(COLUMNS)
        for col, name in enumerate(COLUMNS):
            self.horizontalHeaderItem(col).setToolTip(COLUMN_TIPS.get(name, ""))
        self.verticalHeader().setVisible(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAlternatingRowColors(True)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)

    def show_race(self, snap: RaceSnapshot, colours: dict[str, QColor]) -> None:
        self.setRowCount(len(snap.racers))
        for row, r in enumerate(snap.racers):
            status = r.note or "running"
            reached = r.reached
            cells = [
                r.name,
                status,
                f"{r.steps:,}",
                format_number(r.value, style="significant"),
                f"{r.loss_evals:,}",
                f"{r.grad_evals:,}",
                "—" if reached is None else f"{reached.step:,}",
                "—" if reached is None else f"{reached.evals:,}",
                format_number(r.point[0], style="significant"),
                format_number(r.point[1], style="significant"),
            ]
            for col, text in enumerate(cells):
                item = self.item(row, col)
                if item is None:
                    item = QTableWidgetItem()
                    self.setItem(row, col, item)
                    if col >= 2:
                        item.setTextAlignment(
                            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                        )
                item.setText(text)
            self.item(row, 0).setIcon(swatch(colours.get(r.name, QColor(theme.TEXT))))
            tone = {"converged": theme.ACCENT, "diverged": theme.NEGATIVE}.get(r.status, theme.TEXT)
            self.item(row, 1).setForeground(tone)
            self.item(row, 1).setToolTip(status)
