"""The column-roles editor of the dataset dialog: which columns go in, which come out.

:class:`ColumnsModel` lists each column with its range and an editable role
(one of :data:`ROLES`); :class:`RoleDelegate` edits the role with a combo box.
The role tints defined here colour the data preview too.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from mlpviz.ui.dataset.table_text import fixed_font
from mlpviz.ui.style import theme
from mlpviz.ui.style.numbers import format_number

_Index = QModelIndex | QPersistentModelIndex

ROLES = ("Input", "Target", "Ignore")

# Soft tints that mark a column's role in both tables (inputs blue, targets
# orange: the theme's positive/negative hues, so the app reads as one piece).
_ROLE_TINT = {
    "Input": QColor(228, 238, 248),
    "Target": QColor(251, 234, 222),
}
_ROLE_TEXT = {"Input": theme.POSITIVE, "Target": theme.NEGATIVE, "Ignore": theme.MUTED}


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
        self._index: dict[str, int] = {}
        self._min = np.empty(0)
        self._max = np.empty(0)
        self._roles: list[str] = []
        self._categories: dict[int, Sequence[str]] = {}
        self._font = fixed_font()

    def set_columns(
        self,
        names: Sequence[str],
        minima: np.ndarray,
        maxima: np.ndarray,
        roles: Sequence[str],
        categories: Mapping[int, Sequence[str]] | None = None,
    ) -> None:
        """``categories``: a text column's labels by position; it shows the
        first and last label instead of a numeric range."""
        self.beginResetModel()
        self._categories = dict(categories or {})
        self._names = tuple(names)
        self._index = {n: i for i, n in enumerate(self._names)}  # name → column, O(1)
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
        idx = [self._index[n] for n in names if n in self._index]
        idx = [i for i in idx if i not in self._categories]  # text has no range
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
        labels = self._categories.get(r)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if c == 0:
                return self._names[r]
            if labels is not None and c in (1, 2):
                return labels[0] if c == 1 else labels[-1]
            if c == 1:
                return format_number(float(self._min[r]), digits=6, style="significant", plain=True)
            if c == 2:
                return format_number(float(self._max[r]), digits=6, style="significant", plain=True)
            return kind
        if role == Qt.ItemDataRole.TextAlignmentRole and c in (1, 2):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and c in (1, 2):
            return self._font
        if role == Qt.ItemDataRole.BackgroundRole:
            return _ROLE_TINT.get(kind)
        if role == Qt.ItemDataRole.ForegroundRole and c in (0, 3):
            return _ROLE_TEXT.get(kind)
        if role == Qt.ItemDataRole.ToolTipRole and labels is not None:
            shown = ", ".join(labels[:8]) + (", …" if len(labels) > 8 else "")
            return (
                f"“{self._names[r]}”: {kind.lower()}, text in {len(labels):,} categories ({shown})"
            )
        if role == Qt.ItemDataRole.ToolTipRole:
            lo, hi = (
                format_number(v, digits=6, style="significant")
                for v in (self._min[r], self._max[r])
            )
            span = f"{lo} … {hi}"
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
