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
from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics
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

from ..data.problem import Problem
from . import theme
from .csv_preview import fixed_font, format_number
from .snapshot import Snapshot

__all__ = ["PREDICTION_LIMIT", "DataTableModel", "DataView"]

_Index = QModelIndex | QPersistentModelIndex

# Above this many rows the worker leaves predictions out of snapshots
# (mlpviz.ui.worker); the view then offers to compute them on demand.
PREDICTION_LIMIT = 5000
# The residual colour scale is a robust percentile; a strided sample of this
# many values gives the same scale as all million rows for a fraction of the cost.
_SCALE_SAMPLE = 20_000
# Backgrounds darker than this (perceived luminance, 0–255) need white text.
_DARK_LUMA = 140.0
_DASH = "—"
_SAMPLE_TINT = QColor(208, 236, 232)  # theme.ACCENT, faded: the selected training sample
_WHITE = QColor(255, 255, 255)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_CENTER = int(Qt.AlignmentFlag.AlignCenter)

_SCALING_NAMES = {"0,1": "[0, 1]", "-1,1": "[−1, 1]", "zscore": "z-score", "none": "no"}

# Column kinds, in table order: (kind, index into the kind's array).
Column = tuple[str, int]


def _luma(c: QColor) -> float:
    return 0.299 * c.red() + 0.587 * c.green() + 0.114 * c.blue()


class DataTableModel(QAbstractTableModel):
    """Rows of a :class:`Problem` with predictions and residuals, read lazily.

    ``rows`` selects which dataset rows are listed (all, training or test);
    it is an index array, never a list of per-row objects.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.problem: Problem | None = None
        self._columns: list[Column] = []
        self._rows: np.ndarray | None = None  # None lists every row in order
        self._is_test = np.zeros(0, dtype=bool)
        self._decimals: list[int] = []
        self._predictions: np.ndarray | None = None
        self._scale = 1.0
        self.sample_row: int | None = None
        self._font = fixed_font()
        self._bold = QFont(self._font)
        self._bold.setBold(True)

    # -- content ------------------------------------------------------------------------

    def set_problem(self, problem: Problem | None) -> None:
        self.beginResetModel()
        self.problem = problem
        self._rows = None
        self._predictions = None
        self.sample_row = None
        self._columns = []
        if problem is not None:
            n_raw = problem.raw_inputs.shape[1]
            n_in = problem.X.shape[1]
            cols: list[Column] = [("row", 0), ("split", 0)]
            cols += [("raw", j) for j in range(n_raw)]
            cols += [("norm", j) for j in range(n_in)]
            for j in range(problem.raw_targets.shape[1]):
                cols += [("target", j), ("pred", j), ("resid", j)]
            self._columns = cols
            # One number of decimals per target column, from its magnitude, so
            # predictions and residuals line up: 4 for 0…1 targets, 3 for scores.
            peak = np.abs(problem.raw_targets).max(axis=0)
            digits = np.floor(np.log10(np.maximum(peak, 1e-12)))
            self._decimals = [int(d) for d in np.clip(4 - np.maximum(digits, 0), 0, 6)]
            self._is_test = np.zeros(problem.n_rows, dtype=bool)
            self._is_test[problem.test] = True
        self.endResetModel()

    def set_rows(self, which: str) -> None:
        """List ``"all"`` rows, only ``"train"`` rows or only ``"test"`` rows."""
        p = self.problem
        self.beginResetModel()
        self._rows = None if p is None or which == "all" else getattr(p, which)
        self.endResetModel()

    def set_predictions(self, predictions: np.ndarray | None) -> None:
        """Predictions (n, n_out) in raw units for every dataset row, or None."""
        p = self.problem
        if p is None:
            return
        if predictions is not None:
            predictions = np.asarray(predictions, dtype=float).reshape(p.n_rows, -1)
            resid = np.abs(p.raw_targets - predictions)
            step = max(1, resid.shape[0] // _SCALE_SAMPLE)
            self._scale = theme.value_scale(resid[::step])
        self._predictions = predictions
        first = next((c for c, (k, _) in enumerate(self._columns) if k == "pred"), None)
        if first is not None and self.rowCount():
            self.dataChanged.emit(
                self.index(0, first), self.index(self.rowCount() - 1, self.columnCount() - 1)
            )

    @property
    def predictions(self) -> np.ndarray | None:
        return self._predictions

    def set_sample_row(self, row: int | None) -> None:
        """Mark the dataset row of the selected training sample."""
        old, self.sample_row = self.sample_row, row
        for r in (old, row):
            view = self.view_row(r) if r is not None else None
            if view is not None:
                self.dataChanged.emit(self.index(view, 0), self.index(view, self.columnCount() - 1))

    def dataset_row(self, view_row: int) -> int:
        return int(view_row if self._rows is None else self._rows[view_row])

    def view_row(self, dataset_row: int) -> int | None:
        """The table row showing ``dataset_row``, or None if it is filtered out."""
        if self._rows is None:
            return dataset_row if self.problem and 0 <= dataset_row < self.problem.n_rows else None
        i = int(np.searchsorted(self._rows, dataset_row))  # train/test are sorted
        return i if i < len(self._rows) and self._rows[i] == dataset_row else None

    def column_kind(self, column: int) -> Column:
        return self._columns[column]

    # -- Qt model interface --------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 — Qt's signature
        if parent.isValid() or self.problem is None:
            return 0
        return self.problem.n_rows if self._rows is None else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def _value(self, kind: str, j: int, r: int) -> float | None:
        p = self.problem
        assert p is not None
        if kind == "raw":
            return float(p.raw_inputs[r, j])
        if kind == "norm":
            return float(p.X[r, j])
        if kind == "target":
            return float(p.raw_targets[r, j])
        if self._predictions is None:
            return None
        if kind == "pred":
            return float(self._predictions[r, j])
        return float(p.raw_targets[r, j] - self._predictions[r, j])  # residual

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or self.problem is None:
            return None
        r = self.dataset_row(index.row())
        kind, j = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if kind == "row":
                return str(r)
            if kind == "split":
                return "test" if self._is_test[r] else "train"
            value = self._value(kind, j, r)
            if value is None:
                return _DASH
            if kind == "norm":
                return f"{value:.4f}"
            if kind in ("pred", "resid"):
                return f"{value:.{self._decimals[j]}f}"
            return format_number(value)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _CENTER if kind == "split" else _RIGHT
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if r == self.sample_row else self._font
        if role == Qt.ItemDataRole.BackgroundRole:
            if kind == "resid" and self._predictions is not None:
                return theme.diverging(self._value(kind, j, r), self._scale)
            return _SAMPLE_TINT if r == self.sample_row else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if kind == "split":
                return theme.TEST if self._is_test[r] else theme.TRAIN
            if kind in ("pred", "resid") and self._predictions is None:
                return theme.MUTED
            if kind == "resid":
                back = theme.diverging(self._value(kind, j, r), self._scale)
                return _WHITE if _luma(back) < _DARK_LUMA else theme.TEXT
            return theme.MUTED if kind == "row" else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._cell_tip(kind, j, r)
        return None

    def _cell_tip(self, kind: str, j: int, r: int) -> str | None:
        p = self.problem
        assert p is not None
        if kind == "split":
            if self._is_test[r]:
                return f"Row {r} is a test row: held out, only measured"
            sample = int(np.searchsorted(p.train, r))
            return f"Row {r} is training sample #{sample}"
        if kind == "resid" and self._predictions is not None:
            t, y = p.raw_targets[r, j], self._predictions[r, j]
            return f"{p.target_names[j]}: target {t:.6g} − prediction {y:.6g} = {t - y:.6g}"
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or self.problem is None:
            return None
        kind, j = self._columns[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._header_text(kind, j)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._header_tip(kind, j)
        if role == Qt.ItemDataRole.ForegroundRole:
            if kind in ("raw", "norm"):
                return theme.POSITIVE
            if kind in ("target", "pred"):
                return theme.NEGATIVE
        return None

    def _header_text(self, kind: str, j: int) -> str:
        p = self.problem
        assert p is not None
        if kind == "row":
            return "\nrow"
        if kind == "split":
            return "\nsplit"
        if kind == "raw":
            return f"{p.raw_input_names[j]}\nraw"
        if kind == "norm":
            return f"{p.input_names[j]}\nnormalized"
        name = p.target_names[j]
        return {"target": f"{name}\ntarget", "pred": f"{name}\npredicted"}.get(
            kind, f"{name}\nresidual"
        )

    def _header_tip(self, kind: str, j: int) -> str:
        p = self.problem
        assert p is not None
        if kind == "row":
            return "Row of the dataset, counted from 0 in file order (the header is not counted)"
        if kind == "split":
            return "train: the network learns from this row · test: held out, only measured"
        if kind == "raw":
            return f"{p.raw_input_names[j]} as in the file (raw units)"
        if kind == "norm":
            how = _SCALING_NAMES.get(p.input_scaling, p.input_scaling)
            derived = " (a derived input)" if j >= len(p.raw_input_names) else ""
            return (
                f"{p.input_names[j]}{derived} after {how} scaling: the value the network's "
                f"input node {j} receives"
            )
        name = p.target_names[j]
        if kind == "target":
            return f"{name} as in the file: what the network should output (raw units)"
        if kind == "pred":
            return f"The network's output for {name}, converted back to {name}'s units"
        return (
            f"{name} − prediction, in {name}'s units. Blue: the network predicts too low; "
            "orange: too high; stronger colour, bigger miss"
        )


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
        legend = QLabel(
            f'<span style="color:{theme.POSITIVE.name()}">■</span> predicts too low&nbsp;&nbsp;'
            f'<span style="color:{theme.NEGATIVE.name()}">■</span> too high'
        )
        legend.setToolTip("Residual = target − prediction; the colour grows with the miss")
        legend.setStyleSheet("color: #555;")
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
        self._size_columns()
        self._show_note(None)

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
