"""The parts of the dataset dialog: file previews, column roles and the options.

Everything here is cheap on the GUI thread by construction: the load job
(:func:`mlpviz.ui.training.loader_thread.load_job`) runs in a background thread and
hands back the numbers already summarized (min/max per column, the first
rows), so the models below only index small arrays.

This module holds the previews of the file (:class:`RawPreview`, its text;
:class:`DataPreviewModel`, its first rows); the column-roles editor is in
:mod:`mlpviz.ui.dataset.column_roles`, the options in :mod:`mlpviz.ui.dataset.options`,
and the shared number formatting in :mod:`mlpviz.ui.dataset.table_text`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

from mlpviz.ui.dataset.column_roles import _ROLE_TEXT, _ROLE_TINT
from mlpviz.ui.dataset.table_text import fixed_font
from mlpviz.ui.style import theme
from mlpviz.ui.style.numbers import format_number

__all__ = ["DataPreviewModel", "RawPreview"]

_Index = QModelIndex | QPersistentModelIndex

_ERROR_LINE = QColor(253, 224, 220)


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
        self._categories: Mapping[int, Sequence[str]] = {}
        self._font = fixed_font()

    def set_data(
        self,
        columns: Sequence[str],
        values: np.ndarray,
        roles: Sequence[str],
        categories: Mapping[int, Sequence[str]] | None = None,
    ) -> None:
        """``categories``: a text column's labels by position (its values are codes)."""
        self.beginResetModel()
        self._columns = tuple(columns)
        self._values = values
        self._roles = list(roles)
        self._categories = dict(categories or {})
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
        labels = self._categories.get(c)
        if role == Qt.ItemDataRole.DisplayRole:
            if labels is not None:
                return labels[int(self._values[r, c])]
            return format_number(
                float(self._values[r, c]), digits=6, style="significant", plain=True
            )
        if role == Qt.ItemDataRole.TextAlignmentRole:
            side = Qt.AlignmentFlag.AlignLeft if labels is not None else Qt.AlignmentFlag.AlignRight
            return int(side | Qt.AlignmentFlag.AlignVCenter)
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
