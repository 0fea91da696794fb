"""The confusion-matrix view: train and test counts of true × predicted class.

It draws what the worker computed (:class:`~mlpviz.ui.training.snapshot.Confusion`);
a click on a cell lists that cell's rows through :attr:`ConfusionView.rowsSelected`,
for the data view to select. For regression it says why there is nothing to show.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mlpviz.data.problem import Problem
from mlpviz.ui.style import theme
from mlpviz.ui.training.snapshot import Confusion, Snapshot

REGRESSION_NOTE = (
    "A confusion matrix needs classes: these targets are numbers (regression), "
    "measured by R² instead."
)
WAITING_NOTE = "Computing the confusion matrix…"
HELP_NOTE = "Rows: true class · columns: predicted class. Click a cell to select its rows in Data."
SPLITS = ("train", "test")


def _blend(colour: QColor, share: float) -> QColor:
    """``colour`` at ``share`` (0..1) over white."""
    k = 0.15 + 0.7 * share if share > 0 else 0.0
    return QColor(
        round(255 + (colour.red() - 255) * k),
        round(255 + (colour.green() - 255) * k),
        round(255 + (colour.blue() - 255) * k),
    )


class _Matrix(QWidget):
    """One split's matrix: a title with its accuracy and a table of counts."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.name = title
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel(title)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.table = QTableWidget()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for header in (self.table.horizontalHeader(), self.table.verticalHeader()):
            header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        lay.addWidget(self.title)
        lay.addWidget(self.table, 1)
        self.counts: np.ndarray | None = None

    def show_counts(self, counts: np.ndarray | None, names: tuple[str, ...]) -> None:
        self.counts = None if counts is None else counts.copy()
        self.setVisible(counts is not None)
        if counts is None:
            return
        t = self.table
        k = len(names)
        if t.rowCount() != k or [t.horizontalHeaderItem(j).text() for j in range(k)] != list(names):
            t.setRowCount(k)
            t.setColumnCount(k)
            t.setHorizontalHeaderLabels(list(names))
            t.setVerticalHeaderLabels(list(names))
            for i in range(k):
                for j in range(k):
                    item = QTableWidgetItem()
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    t.setItem(i, j, item)
        totals = counts.sum(1)
        for i in range(k):
            for j in range(k):
                n = int(counts[i, j])
                share = n / totals[i] if totals[i] else 0.0
                item = t.item(i, j)
                item.setText(str(n))
                item.setBackground(_blend(theme.ACCENT if i == j else theme.NEGATIVE, share))
                item.setToolTip(
                    f"{n} {self.name.lower()} of class {names[i]} predicted as {names[j]} "
                    f"({share:.1%} of {names[i]}); click to select them in Data"
                )
        right, total = int(np.trace(counts)), int(counts.sum())
        accuracy = f"{right / total:.1%}" if total else "—"
        self.title.setText(f"{self.name} · accuracy {accuracy} ({right}/{total})")


class ConfusionView(QWidget):
    """Train and test confusion matrices, fed with :meth:`update_snapshot`."""

    rowsSelected = Signal(object)  # np.ndarray of dataset rows

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.problem: Problem | None = None
        self.confusion: Confusion | None = None
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        self.note = QLabel(WAITING_NOTE)
        self.note.setWordWrap(True)
        self.note.setStyleSheet(f"color: {theme.MUTED.name()};")
        lay.addWidget(self.note)
        row = QHBoxLayout()
        self.matrices = {"train": _Matrix("Training rows"), "test": _Matrix("Test rows")}
        for split, m in self.matrices.items():
            m.table.cellClicked.connect(lambda i, j, s=split: self.select_cell(s, i, j))
            m.hide()
            row.addWidget(m, 1)
        lay.addLayout(row, 1)

    def set_problem(self, problem: Problem | None) -> None:
        self.problem = problem
        self._show(None, classification=True)

    def update_snapshot(self, snap: Snapshot) -> None:
        self._show(snap.confusion, classification=snap.metric_name == "accuracy")

    def matrix(self, split: str) -> np.ndarray | None:
        """The counts shown for ``split`` ("train" or "test"), None when not shown."""
        return self.matrices[split].counts

    def select_cell(self, split: str, true: int, predicted: int) -> np.ndarray:
        """Emit (and return) the dataset rows of one cell of ``split``'s matrix."""
        c, p = self.confusion, self.problem
        if c is None or p is None or len(c.true) != p.n_rows:
            return np.empty(0, dtype=np.int64)
        rows = c.rows(p.train if split == "train" else p.test, true, predicted)
        self.rowsSelected.emit(rows)
        return rows

    def _show(self, confusion: Confusion | None, classification: bool) -> None:
        self.confusion = confusion
        if confusion is None:
            self.note.setText(WAITING_NOTE if classification else REGRESSION_NOTE)
            for m in self.matrices.values():
                m.show_counts(None, ())
            return
        self.note.setText(HELP_NOTE)
        self.matrices["train"].show_counts(confusion.train, confusion.class_names)
        self.matrices["test"].show_counts(confusion.test, confusion.class_names)
