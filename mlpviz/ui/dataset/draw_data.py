"""Draw your own data: click the input plane to add points, train live.

Click adds a point of the chosen class (or target value), Shift-click adds
the other class, Ctrl-click removes the nearest point. Each change hands the
worker a new Problem with the same columns (SwapData), so training goes on
with its weights and history while the heatmap and the loss follow.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDoubleSpinBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QWidget,
)

from mlpviz.data import Dataset
from mlpviz.data.problem import Problem, prepare
from mlpviz.io.atomic import write_text_atomic

# The plane the user draws on, as in the web playground; inputs are scaled
# with this fixed range so adding a point never moves the others.
EXTENT = 6.0
COLUMNS = ("x1", "x2", "class")


def drawn_problem(points: np.ndarray, name: str = "drawn data") -> Problem:
    """A Problem from (n, 3) rows of x1, x2, target."""
    ds = Dataset(COLUMNS, np.asarray(points, dtype=float))
    return prepare(
        ds,
        COLUMNS[:2],
        COLUMNS[2:],
        input_scaling=f"-1,1:{-EXTENT},{EXTENT}",
        target_scaling="none",
        name=name,
    )


def write_points_csv(path: str, points: np.ndarray) -> None:
    rows = np.asarray(points, float).tolist()  # Python floats: repr is exact and plain
    lines = [",".join(COLUMNS)] + [f"{x!r},{y!r},{t!r}" for x, y, t in rows]
    write_text_atomic(path, "\n".join(lines) + "\n")


class DrawPalette(QWidget):
    """The small palette above the plane: which class (or value) a click adds."""

    saveRequested = Signal()
    clearRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 2, 6, 2)
        lay.addWidget(QLabel("Draw:"))
        self.class1 = QRadioButton("class 1 (blue)")
        self.class0 = QRadioButton("class 0 (orange)")
        self.value = QRadioButton("value")
        self.value_box = QDoubleSpinBox()
        self.value_box.setRange(0.0, 1.0)
        self.value_box.setSingleStep(0.1)
        self.value_box.setValue(0.5)
        self.value_box.setToolTip("Target value for regression points (outputs are in [0, 1])")
        self.class1.setChecked(True)
        group = QButtonGroup(self)
        for b in (self.class1, self.class0, self.value):
            group.addButton(b)
            lay.addWidget(b)
        lay.addWidget(self.value_box)
        hint = QLabel("click: add · Shift-click: other class · Ctrl-click: remove")
        hint.setStyleSheet("color: #777;")
        lay.addWidget(hint, 1)
        clear = QPushButton("Clear")
        clear.setToolTip("Remove every drawn point")
        save = QPushButton("Save as CSV…")
        save.setToolTip("Write the drawn points to a CSV file")
        clear.clicked.connect(self.clearRequested)
        save.clicked.connect(self.saveRequested)
        lay.addWidget(clear)
        lay.addWidget(save)

    def target(self, other: bool = False) -> float:
        if self.value.isChecked():
            return self.value_box.value()
        first = 1.0 if self.class1.isChecked() else 0.0
        return 1.0 - first if other else first


class DrawController(QObject):
    """Keeps the drawn points and turns clicks into new Problems for the session."""

    pointsChanged = Signal(object)  # Problem

    def __init__(self, palette: DrawPalette, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.palette = palette
        self.points = np.empty((0, 3))
        palette.clearRequested.connect(self.clear)
        palette.saveRequested.connect(self.save_dialog)

    def start(self, seed_points: np.ndarray) -> Problem:
        """Begin drawing from ``seed_points`` (n, 3); returns the first Problem."""
        self.points = np.array(seed_points, dtype=float).reshape(-1, 3)
        return drawn_problem(self.points)

    def click(self, x: float, y: float, modifiers) -> None:
        mods = (
            Qt.KeyboardModifier(modifiers)
            if not isinstance(modifiers, Qt.KeyboardModifier)
            else modifiers
        )
        if mods & Qt.KeyboardModifier.ControlModifier:
            if len(self.points) <= 1:
                return  # the trainer needs at least one row
            d = (self.points[:, 0] - x) ** 2 + (self.points[:, 1] - y) ** 2
            self.points = np.delete(self.points, int(np.argmin(d)), axis=0)
        else:
            other = bool(mods & Qt.KeyboardModifier.ShiftModifier)
            t = self.palette.target(other)
            self.points = np.vstack([self.points, [x, y, t]])
        self.pointsChanged.emit(drawn_problem(self.points))

    def clear(self) -> None:
        # Keep one point of each class, so there is still something to learn.
        self.points = np.array([[-2.0, -2.0, 0.0], [2.0, 2.0, 1.0]])
        self.pointsChanged.emit(drawn_problem(self.points))

    def save_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(None, "Save drawn data", "drawn.csv", "CSV (*.csv)")
        if path:
            write_points_csv(path, self.points)
