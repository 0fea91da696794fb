"""The data view's table model: every dataset row with its prediction and
residual (for a classification: the true class, the predicted class and its
probability), read cell by cell from the Problem's NumPy arrays when Qt paints.

Nothing is built per row up front and a new snapshot only swaps one array,
so a million rows cost no more than ten.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from mlpviz.data.problem import Problem
from mlpviz.ui.dataset.table_text import fixed_font
from mlpviz.ui.style import theme
from mlpviz.ui.style.numbers import format_number

__all__ = ["WRONG_TINT", "Column", "DataTableModel"]

_Index = QModelIndex | QPersistentModelIndex

# The residual colour scale is a robust percentile; a strided sample of this
# many values gives the same scale as all million rows for a fraction of the cost.
_SCALE_SAMPLE = 20_000
# Backgrounds darker than this (perceived luminance, 0–255) need white text.
_DARK_LUMA = 140.0
_DASH = "—"
_SAMPLE_TINT = QColor(208, 236, 232)  # theme.ACCENT, faded: the selected training sample
WRONG_TINT = QColor(251, 222, 208)  # theme.NEGATIVE, faded: a row predicted as another class
_WHITE = QColor(255, 255, 255)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_CENTER = int(Qt.AlignmentFlag.AlignCenter)

_SCALING_NAMES = {"0,1": "[0, 1]", "-1,1": "[−1, 1]", "zscore": "z-score", "none": "no"}

# Column kinds, in table order: (kind, index into the kind's array).
Column = tuple[str, int]
# The kinds that show a prediction (a dash until there is one).
_PREDICTED = ("pred", "resid", "label", "prob")


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
        self._classes: tuple[str, ...] = ()  # a classification's labels, else ()
        self._true = np.zeros(0, dtype=np.intp)  # class of each row
        self._picked = np.zeros(0, dtype=np.intp)  # predicted class of each row
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
            self._classes = problem.target_names if problem.task == "classification" else ()
            if self._classes:
                # One class column in the file: its label, the prediction, how sure.
                cols += [("class", 0), ("label", 0), ("prob", 0)]
                self._true = problem.raw_targets.argmax(axis=1)
            else:
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
        if predictions is not None and self._classes:
            predictions = np.asarray(predictions, dtype=float).reshape(p.n_rows, -1)
            self._picked = predictions.argmax(axis=1)
        elif predictions is not None:
            predictions = np.asarray(predictions, dtype=float).reshape(p.n_rows, -1)
            resid = np.abs(p.raw_targets - predictions)
            step = max(1, resid.shape[0] // _SCALE_SAMPLE)
            self._scale = theme.value_scale(resid[::step])
        self._predictions = predictions
        first = next((c for c, (k, _) in enumerate(self._columns) if k in _PREDICTED), None)
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
            if self._classes:
                text = self._class_text(kind, r)
                if text is not None:
                    return text
            value = self._value(kind, j, r)
            if value is None:
                return _DASH
            if kind == "norm":
                return format_number(value, style="fixed", plain=True)
            if kind in ("pred", "resid"):
                return format_number(value, digits=self._decimals[j], style="fixed", plain=True)
            return format_number(value, digits=6, style="significant", plain=True)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _CENTER if kind == "split" else _RIGHT
        if role == Qt.ItemDataRole.BackgroundRole and kind == "label" and self._wrong(r):
            return WRONG_TINT
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if r == self.sample_row else self._font
        if role == Qt.ItemDataRole.BackgroundRole:
            if kind == "resid" and self._predictions is not None:
                return theme.diverging(self._value(kind, j, r), self._scale)
            return _SAMPLE_TINT if r == self.sample_row else None
        if role == Qt.ItemDataRole.ForegroundRole:
            if kind == "split":
                return theme.TEST if self._is_test[r] else theme.TRAIN
            if kind in _PREDICTED and self._predictions is None:
                return theme.MUTED
            if kind == "resid":
                back = theme.diverging(self._value(kind, j, r), self._scale)
                return _WHITE if _luma(back) < _DARK_LUMA else theme.TEXT
            return theme.MUTED if kind == "row" else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._cell_tip(kind, j, r)
        return None

    def _class_text(self, kind: str, r: int) -> str | None:
        """A classification's cell text: the true class, the predicted one, its probability."""
        if kind == "class":
            return self._classes[self._true[r]]
        if kind not in ("label", "prob"):
            return None
        if self._predictions is None:
            return _DASH
        k = self._picked[r]
        return self._classes[k] if kind == "label" else f"{self._predictions[r, k]:.1%}"

    def _wrong(self, r: int) -> bool:
        return self._predictions is not None and self._picked[r] != self._true[r]

    def predicted_class(self, dataset_row: int) -> tuple[str, float] | None:
        """(predicted label, its probability) of a row of a classification, or None."""
        if not self._classes or self._predictions is None:
            return None
        k = int(self._picked[dataset_row])
        return self._classes[k], float(self._predictions[dataset_row, k])

    def _cell_tip(self, kind: str, j: int, r: int) -> str | None:
        p = self.problem
        assert p is not None
        if kind in ("label", "prob") and self._predictions is not None:
            shares = " · ".join(f"{c} {v:.1%}" for c, v in zip(self._classes, self._predictions[r]))
            verdict = (
                "wrong: the row is " + self._classes[self._true[r]] if self._wrong(r) else "right"
            )
            return f"Probabilities: {shares} ({verdict})"
        if kind == "split":
            if self._is_test[r]:
                return f"Row {r} is a test row: held out, only measured"
            sample = int(np.searchsorted(p.train, r))
            return f"Row {r} is training sample #{sample}"
        if kind == "resid" and self._predictions is not None:
            t, y = p.raw_targets[r, j], self._predictions[r, j]
            tt, yt, rt = (format_number(v, digits=6, style="significant") for v in (t, y, t - y))
            return f"{p.target_names[j]}: target {tt} − prediction {yt} = {rt}"
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
            if kind in ("target", "pred", "class", "label"):
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
        if self._classes:
            column = p.target_columns[0]
            return {"class": f"{column}\ntarget", "label": f"{column}\npredicted"}.get(
                kind, "probability\nof predicted"
            )
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
        if self._classes:
            column = p.target_columns[0]
            return {
                "class": f"{column} as in the file: the class the network should choose",
                "label": f"The class with the highest output probability (softmax over "
                f"{len(self._classes)} classes); tinted when it is not the row's class",
            }.get(kind, "The network's probability of the predicted class")
        name = p.target_names[j]
        if kind == "target":
            return f"{name} as in the file: what the network should output (raw units)"
        if kind == "pred":
            return f"The network's output for {name}, converted back to {name}'s units"
        return (
            f"{name} − prediction, in {name}'s units. Blue: the network predicts too low; "
            "orange: too high; stronger colour, bigger miss"
        )
