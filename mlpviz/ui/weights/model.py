"""Item model behind one weight table: a layer's weights and biases as a grid.

Rows are the nodes of the receiving layer (l + 1), columns the nodes of the
sending layer (l) followed by one ``bias`` column, so row ``j`` column ``i``
is the tutorial's ``wh[l][j][i]`` and the last column is ``b[l][j]``.

The model is a *view* of the newest :class:`~mlpviz.ui.training.snapshot.Snapshot`:
editing a cell never changes the numbers here. It only validates the text
and asks for the change (:attr:`WeightTableModel.editRequested`); the worker
owns the network, applies the edit, and the next snapshot brings the new
value back. That keeps a single source of truth while training runs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QFont, QGuiApplication

from mlpviz.engine.layout import Param, param_name
from mlpviz.ui.style import theme
from mlpviz.ui.style.numbers import parse_number
from mlpviz.ui.training.snapshot import Snapshot
from mlpviz.ui.weights.cell_look import cell_text, cell_tooltip, number_font, text_colour

__all__ = ["WeightTableModel"]

_Index = QModelIndex | QPersistentModelIndex

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_FLAGS = (
    Qt.ItemFlag.ItemIsEnabled
    | Qt.ItemFlag.ItemIsSelectable
    | Qt.ItemFlag.ItemIsEditable
    | Qt.ItemFlag.ItemNeverHasChildren
)


class WeightTableModel(QAbstractTableModel):
    """One weight layer: rows = receiving nodes, columns = inputs + ``bias``.

    Signals
    -------
    editRequested(object, float)
        A cell was edited to a valid number: ``(param, value)``. The model's
        numbers do not change; apply the edit and send a new snapshot.
    editRejected(str)
        An edit was refused; the message names the cell, e.g.
        ``"w[0][1][0]: 'abc' is not a number"``.
    """

    editRequested = Signal(object, float)
    editRejected = Signal(str)

    def __init__(
        self,
        layer: int = 0,
        row_names: Sequence[str] = (),
        column_names: Sequence[str] = (),
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._font = number_font()
        self._italic = QFont(self._font)
        self._italic.setItalic(True)
        # "bias" is not a node name; italics in the header say so at a glance.
        self._bias_header_font = QFont(QGuiApplication.font())
        self._bias_header_font.setItalic(True)
        self._assign_shape(layer, row_names, column_names)

    # -- shape ---------------------------------------------------------------

    def _assign_shape(
        self, layer: int, row_names: Sequence[str], column_names: Sequence[str]
    ) -> None:
        self._layer = int(layer)
        self._rows = [str(n) for n in row_names]
        self._cols = [str(n) for n in column_names]
        n_out, n_in = len(self._rows), len(self._cols)
        self._w = np.zeros((n_out, n_in))
        self._b = np.zeros(n_out)
        self._gw: np.ndarray | None = None
        self._gb: np.ndarray | None = None
        self._dw: np.ndarray | None = None
        self._db: np.ndarray | None = None
        self._scale = 1.0
        self._cells: dict[tuple[int, int], dict] = {}  # see data()
        # Edits asked for but not yet confirmed by a snapshot: drawn in italics
        # so the user sees the request registered even while the number waits.
        self._pending: dict[Param, float] = {}

    def set_architecture(
        self, layer: int, row_names: Sequence[str], column_names: Sequence[str]
    ) -> None:
        """New layer index and node names; resets the model and zeroes the values."""
        self.beginResetModel()
        self._assign_shape(layer, row_names, column_names)
        self.endResetModel()

    @property
    def layer(self) -> int:
        """The engine's weight-layer index ``l`` this table shows."""
        return self._layer

    @property
    def n_inputs(self) -> int:
        """Nodes in the sending layer (weight columns, excluding ``bias``)."""
        return len(self._cols)

    @property
    def n_nodes(self) -> int:
        """Nodes in the receiving layer (rows)."""
        return len(self._rows)

    @property
    def bias_column(self) -> int:
        """Column index of the ``bias`` column (the last one)."""
        return len(self._cols)

    @property
    def scale(self) -> float:
        """The |value| at which the tint is fully saturated."""
        return self._scale

    def row_names(self) -> list[str]:
        return list(self._rows)

    def column_names(self) -> list[str]:
        """Input names followed by ``"bias"``."""
        return [*self._cols, "bias"]

    # -- values --------------------------------------------------------------

    def update_snapshot(self, snap: Snapshot, scale: float | None = None) -> None:
        """Show this layer's values from ``snap``; ``scale`` saturates the tint.

        Emits one ``dataChanged`` over the whole table rather than resetting,
        so selection, scroll position and an open editor survive every frame.
        ``scale`` defaults to this layer's own robust scale.
        """
        l = self._layer
        if l >= len(snap.layer_sizes) - 1:
            raise ValueError(f"snapshot of a {snap.layer_sizes} network has no weight layer {l}")
        n_in, n_out = snap.layer_sizes[l], snap.layer_sizes[l + 1]
        reshape = (n_out, n_in) != self._w.shape
        if reshape:
            # Only a different architecture resets; keep given names where they fit.
            self.beginResetModel()
            rows = self._rows if len(self._rows) == n_out else [f"n{j}" for j in range(n_out)]
            cols = self._cols if len(self._cols) == n_in else [f"x{i}" for i in range(n_in)]
            self._assign_shape(l, rows, cols)
        layout = snap.layout
        # The snapshot is immutable, so views into it are safe to keep.
        self._w, self._b = layout.weights(snap.params, l), layout.bias(snap.params, l)
        if snap.gradient is not None:
            self._gw, self._gb = layout.weights(snap.gradient, l), layout.bias(snap.gradient, l)
        else:
            self._gw = self._gb = None
        if snap.steps > 0:
            self._dw, self._db = layout.weights(snap.update, l), layout.bias(snap.update, l)
        else:
            self._dw = self._db = None
        if scale is None:
            scale = theme.value_scale(np.concatenate([self._w.ravel(), self._b]))
        self._scale = float(scale)
        self._cells = {}
        self._pending.clear()
        if reshape:
            self.endResetModel()
        elif self._w.size or self._b.size:
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(self.rowCount() - 1, self.columnCount() - 1),
                [
                    Qt.ItemDataRole.DisplayRole,
                    Qt.ItemDataRole.EditRole,
                    Qt.ItemDataRole.BackgroundRole,
                    Qt.ItemDataRole.ForegroundRole,
                    Qt.ItemDataRole.ToolTipRole,
                    Qt.ItemDataRole.FontRole,
                ],
            )

    def set_scale(self, scale: float) -> None:
        """Change the tint's saturation scale (e.g. to share it across layers)."""
        if scale == self._scale:
            return
        self._scale = float(scale)
        self._cells = {}
        if self.rowCount() and self.columnCount():
            self.dataChanged.emit(
                self.index(0, 0),
                self.index(self.rowCount() - 1, self.columnCount() - 1),
                [Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole],
            )

    def values(self) -> np.ndarray:
        """The table as an array: ``(nodes, inputs + 1)``, the bias last."""
        return np.column_stack([self._w, self._b]) if self._rows else np.zeros((0, 1))

    def max_abs(self) -> float:
        """Largest |value| shown (0 for an empty table), to size the columns."""
        parts = [np.abs(a).max() for a in (self._w, self._b) if a.size]
        return float(max(parts)) if parts else 0.0

    def value(self, row: int, column: int) -> float:
        """The full-precision value of a cell."""
        if column == self.bias_column:
            return float(self._b[row])
        return float(self._w[row, column])

    def param(self, index: _Index) -> Param | None:
        """The parameter tuple a cell shows, or None for an invalid index."""
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if col == self.bias_column:
            return ("b", self._layer, row)
        return ("w", self._layer, row, col)

    def index_of(self, param: Param) -> QModelIndex:
        """The cell showing ``param``; invalid if it is not in this layer."""
        try:
            kind, layer, node, *rest = param
        except (TypeError, ValueError):
            return QModelIndex()
        if layer != self._layer or not 0 <= node < self.n_nodes:
            return QModelIndex()
        if kind == "w" and len(rest) == 1 and 0 <= rest[0] < self.n_inputs:
            return self.index(node, rest[0])
        if kind == "b" and not rest:
            return self.index(node, self.bias_column)
        return QModelIndex()

    # -- Qt model interface ----------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        # An empty layer still has no columns: a bias column with no rows is noise.
        return 0 if parent.isValid() or not self._rows else len(self._cols) + 1

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            if orientation == Qt.Orientation.Horizontal:
                return self._cols[section] if section < len(self._cols) else "bias"
            return self._rows[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            if orientation == Qt.Orientation.Horizontal:
                if section == self.bias_column:
                    return "Bias of each node"
                return f"Weights from input {self._cols[section]}"
            return f"Weights into node {self._rows[section]}"
        if (
            role == Qt.ItemDataRole.FontRole
            and orientation == Qt.Orientation.Horizontal
            and section == self.bias_column
        ):
            return self._bias_header_font
        if role == Qt.ItemDataRole.TextAlignmentRole and orientation == Qt.Orientation.Horizontal:
            # Headers line up with the right-aligned numbers beneath them.
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        cell = self.cell(row, col)
        if role in cell:
            return cell[role]
        if role == Qt.ItemDataRole.EditRole:
            # Full precision, so editing or copying a cell never rounds it.
            return repr(self.value(row, col))
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, col)
        return None

    def cell(self, row: int, col: int) -> dict:
        """The display roles of one cell (role → value; ``"pen"``: the text colour).

        Repaints ask for them 20+ times a second while training, and every
        Qt→Python call costs: they are worked out once per cell and snapshot.
        """
        cell = self._cells.get((row, col))
        if cell is None:
            cell = self._cells[(row, col)] = self._cell(row, col)
        return cell

    def _cell(self, row: int, col: int) -> dict:
        value = self.value(row, col)
        bg = theme.diverging(value, self._scale)
        pending = self.param(self.index(row, col)) in self._pending
        text = text_colour(bg)
        return {
            Qt.ItemDataRole.DisplayRole: cell_text(value),
            Qt.ItemDataRole.TextAlignmentRole: _RIGHT,
            Qt.ItemDataRole.FontRole: self._italic if pending else self._font,
            Qt.ItemDataRole.CheckStateRole: None,
            Qt.ItemDataRole.DecorationRole: None,
            Qt.ItemDataRole.BackgroundRole: QBrush(bg),
            Qt.ItemDataRole.ForegroundRole: QBrush(text),
            "pen": text,
        }

    def _tooltip(self, row: int, col: int) -> str:
        param = self.param(self.index(row, col))
        assert param is not None
        bias = col == self.bias_column
        where = f"bias of {self._rows[row]}" if bias else f"{self._cols[col]} → {self._rows[row]}"
        grad, step = (self._gb, self._db) if bias else (self._gw, self._dw)
        at = row if bias else (row, col)
        return cell_tooltip(
            param,
            where,
            self.value(row, col),
            None if grad is None else float(grad[at]),
            None if step is None else float(step[at]),
            self._pending.get(param),
        )

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _FLAGS

    def setData(self, index: _Index, value: object, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Validate an edit and *request* it; the shown value stays until a snapshot.

        Returns True when the request was sent, False (after emitting
        ``editRejected``) when the text is not a finite number.
        """
        param = self.param(index)
        if param is None or role != Qt.ItemDataRole.EditRole:
            return False
        try:
            number = parse_number(value)
        except ValueError as err:
            self.editRejected.emit(f"{param_name(param)}: {err}")
            return False
        self._pending[param] = number
        self._cells.pop((index.row(), index.column()), None)  # now in italics
        # Only the font and tooltip change (italics = waiting for the worker).
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.FontRole, Qt.ItemDataRole.ToolTipRole])
        self.editRequested.emit(param, number)
        return True

    def is_pending(self, param: Param) -> bool:
        """Whether an edit of ``param`` was requested and no snapshot came since."""
        return param in self._pending
