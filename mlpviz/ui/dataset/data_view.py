"""The data view: every row of the dataset next to what the network makes of it.

One table row per dataset row: its number, whether it trains or tests, the raw
inputs, the normalized inputs the network actually receives (derived ones
included), the raw target, the prediction in the target's own units and the
residual, tinted by size and sign.

The table is a :class:`QAbstractTableModel` that reads the Problem's NumPy
arrays cell by cell when Qt paints, so a million rows cost no more than ten:
nothing is built per row up front, and a new snapshot only swaps one array.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mlpviz.data.problem import Problem
from mlpviz.ui.dataset.data_table_model import WRONG_TINT, DataTableModel
from mlpviz.ui.dataset.table_text import fixed_font
from mlpviz.ui.style import theme
from mlpviz.ui.training.snapshot import Snapshot

__all__ = ["PREDICTION_LIMIT", "DataView"]

# Above this many rows the worker leaves predictions out of snapshots
# (mlpviz.ui.training.worker); the view then offers to compute them on demand.
PREDICTION_LIMIT = 5000


class DataView(QWidget):
    """The dataset as a table, with predictions and residuals (a dock's content).

    Signals
    -------
    sampleSelected(int)
        The user selected a training row; the index is into the training rows
        (``problem.train``), as the worker's sample selection expects. Test
        rows emit nothing.
    predictionsRequested()
        The user asked for predictions of a dataset too large to send with
        every snapshot; answer with :meth:`set_predictions`.
    """

    sampleSelected = Signal(int)
    predictionsRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.problem: Problem | None = None
        self._syncing = False  # True while the view moves its own selection
        self._on_demand_epoch: int | None = None
        self.model = DataTableModel(self)
        self._build()
        self._show_note(None)

    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(6, 6, 6, 6)
        root.setSpacing(6)

        bar = QHBoxLayout()
        self.title_label = QLabel("No dataset")
        self.title_label.setToolTip("The dataset in use and how its rows are split")
        font = self.title_label.font()
        font.setBold(True)
        self.title_label.setFont(font)
        self.counts_label = QLabel()
        self.counts_label.setStyleSheet("color: #666;")
        self.counts_label.setToolTip("Rows in the dataset: training rows, test rows")
        self.legend = legend = QLabel()
        legend.setStyleSheet("color: #555;")
        self._show_legend(classes=False)
        self.rows_combo = QComboBox()
        self.rows_combo.addItem("All rows", "all")
        self.rows_combo.addItem("Training rows", "train")
        self.rows_combo.addItem("Test rows", "test")
        self.rows_combo.setToolTip("Which rows the table lists")
        self.rows_combo.currentIndexChanged.connect(self._on_rows_changed)
        bar.addWidget(self.title_label)
        bar.addWidget(self.counts_label)
        bar.addStretch(1)
        bar.addWidget(legend)
        bar.addSpacing(12)
        bar.addWidget(self.rows_combo)
        root.addLayout(bar)

        self.note = QFrame()
        self.note.setStyleSheet(
            "QFrame { background: #fff6dc; border: 1px solid #ecd58f; border-radius: 4px; }"
            "QLabel { border: none; color: #6b4a00; }"
        )
        note_lay = QHBoxLayout(self.note)
        note_lay.setContentsMargins(8, 3, 4, 3)
        self.note_label = QLabel()
        self.note_label.setToolTip(
            f"Datasets over {PREDICTION_LIMIT:,} rows get predictions only when asked, so "
            "training is not slowed down"
        )
        self.predict_button = QPushButton("Compute predictions")
        self.predict_button.setToolTip("Run the network on every row once and show the result")
        self.predict_button.clicked.connect(self.predictionsRequested)
        note_lay.addWidget(self.note_label, 1)
        note_lay.addWidget(self.predict_button)
        root.addWidget(self.note)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setToolTip("Every row of the dataset; click a training row to follow it")
        self.table.verticalHeader().hide()
        # Uniform row heights: Qt never measures a million rows one by one.
        vh = self.table.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(QFontMetrics(fixed_font()).height() + 8)
        # Row selection would otherwise embolden every column header.
        self.table.horizontalHeader().setHighlightSections(False)
        palette = self.table.palette()
        palette.setColor(palette.ColorRole.Highlight, QColor(178, 223, 219))
        palette.setColor(palette.ColorRole.HighlightedText, theme.TEXT)
        self.table.setPalette(palette)
        self.table.horizontalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        )
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row)
        root.addWidget(self.table, 1)

    # -- public API -----------------------------------------------------------------------

    def set_problem(self, problem: Problem | None) -> None:
        """Show a new problem (no predictions until the next snapshot)."""
        self.problem = problem
        self._on_demand_epoch = None
        self.model.set_problem(problem)
        self.rows_combo.blockSignals(True)
        self.rows_combo.setCurrentIndex(0)
        self.rows_combo.blockSignals(False)
        if problem is None:
            self.title_label.setText("No dataset")
            self.counts_label.clear()
        else:
            n_train, n_test = len(problem.train), len(problem.test)
            self.title_label.setText(problem.name)
            self.counts_label.setText(
                f"{problem.n_rows:,} rows · {n_train:,} training · {n_test:,} test"
            )
            self.rows_combo.model().item(2).setEnabled(n_test > 0)
        self._show_legend(problem is not None and problem.task == "classification")
        self._size_columns()
        self._show_note(None)

    def _show_legend(self, classes: bool) -> None:
        if classes:
            self.legend.setText(
                f'<span style="color:{WRONG_TINT.darker(115).name()}">■</span> wrong class'
            )
            self.legend.setToolTip("Rows whose predicted class is not their class are tinted")
            return
        self.legend.setText(
            f'<span style="color:{theme.POSITIVE.name()}">■</span> predicts too low&nbsp;&nbsp;'
            f'<span style="color:{theme.NEGATIVE.name()}">■</span> too high'
        )
        self.legend.setToolTip("Residual = target − prediction; the colour grows with the miss")

    def update_snapshot(self, snap: Snapshot) -> None:
        """Show the snapshot's predictions (if any) and its selected sample."""
        p = self.problem
        if p is None:
            return
        pred = snap.predictions
        if pred is not None and np.shape(pred)[0] == p.n_rows:
            self._on_demand_epoch = None
            self.model.set_predictions(pred)
        elif self._on_demand_epoch is None:
            # Nothing fresh, nothing asked for: never show stale numbers.
            self.model.set_predictions(None)
        self._show_note(snap.epoch)
        if 0 <= snap.sample_index < len(p.train):
            self._select_sample(int(p.train[snap.sample_index]))

    def set_predictions(self, predictions: np.ndarray | None, epoch: int | None = None) -> None:
        """Predictions computed on demand (see :attr:`predictionsRequested`)."""
        if self.problem is None:
            return
        self._on_demand_epoch = epoch if predictions is not None else None
        if predictions is not None and self._on_demand_epoch is None:
            self._on_demand_epoch = -1  # computed, epoch unknown
        self.model.set_predictions(predictions)
        self._show_note(None)

    def select_rows(self, rows: np.ndarray) -> None:
        """Select these dataset rows (a confusion-matrix cell's, say) and show the first.

        The row filter goes back to all rows when it hides some of them.
        """
        if self.problem is None:
            return
        rows = np.asarray(rows, dtype=np.int64)
        if any(self.model.view_row(int(r)) is None for r in rows):
            self.rows_combo.setCurrentIndex(0)
        view = np.sort(np.array([self.model.view_row(int(r)) for r in rows], dtype=np.int64))
        selection = QItemSelection()
        last = self.model.columnCount() - 1
        # One range per run of consecutive rows.
        breaks = np.flatnonzero(np.diff(view) != 1) + 1
        for run in np.split(view, breaks) if len(view) else []:
            selection.select(self.model.index(int(run[0]), 0), self.model.index(int(run[-1]), last))
        self._syncing = True
        try:
            self.table.selectionModel().select(
                selection, QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
        finally:
            self._syncing = False
        if len(view):
            self.table.scrollTo(self.model.index(int(view[0]), 0))

    def selected_rows(self) -> np.ndarray:
        """The dataset rows selected in the table, in order."""
        picked = {
            self.model.dataset_row(i.row()) for i in self.table.selectionModel().selectedRows()
        }
        return np.array(sorted(picked), dtype=np.int64)

    @property
    def showing_predictions(self) -> bool:
        return self.model.predictions is not None

    # -- internals -------------------------------------------------------------------------

    def _show_note(self, epoch: int | None) -> None:
        p = self.problem
        big = p is not None and p.n_rows > PREDICTION_LIMIT
        if not big:
            self.note.hide()
            return
        if self._on_demand_epoch is not None and self.model.predictions is not None:
            when = f"epoch {self._on_demand_epoch}" if self._on_demand_epoch >= 0 else "earlier"
            self.note_label.setText(
                f"Predictions from {when}; large datasets are computed on demand."
            )
            self.predict_button.setText("Refresh predictions")
        else:
            self.note_label.setText("Predictions for large datasets are computed on demand.")
            self.predict_button.setText("Compute predictions")
        self.note.show()

    def _size_columns(self) -> None:
        metrics = QFontMetrics(fixed_font())
        header = self.table.horizontalHeader()
        head_metrics = QFontMetrics(header.font())
        number = metrics.horizontalAdvance("-00000.0000") + 16
        for c in range(self.model.columnCount()):
            kind, _ = self.model.column_kind(c)
            text = str(self.model.headerData(c, Qt.Orientation.Horizontal))
            title = max(head_metrics.horizontalAdvance(t) for t in text.split("\n")) + 22
            if kind == "row":
                digits = len(str(self.model.rowCount())) + 1
                width = metrics.horizontalAdvance("0" * digits) + 16
            elif kind == "split":
                width = metrics.horizontalAdvance("train") + 24
            else:
                width = number
            header.resizeSection(c, max(width, title))

    def _select_sample(self, row: int) -> None:
        if row == self.model.sample_row:
            return
        self.model.set_sample_row(row)
        view_row = self.model.view_row(row)
        if view_row is None:
            return
        index = self.model.index(view_row, 0)
        self._syncing = True
        try:
            self.table.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        finally:
            self._syncing = False
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)

    @Slot(QModelIndex, QModelIndex)
    def _on_current_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        p = self.problem
        if self._syncing or p is None or not current.isValid():
            return
        row = self.model.dataset_row(current.row())
        i = int(np.searchsorted(p.train, row))
        if i < len(p.train) and p.train[i] == row:
            # Highlight at once; the next snapshot confirms the worker's choice.
            self.model.set_sample_row(row)
            self.sampleSelected.emit(i)

    @Slot()
    def _on_rows_changed(self) -> None:
        self.model.set_rows(str(self.rows_combo.currentData()))
        sample = self.model.sample_row
        if sample is not None:
            view_row = self.model.view_row(sample)
            if view_row is not None:
                self.table.scrollTo(self.model.index(view_row, 0))
