"""One layer's weight table on screen: the view, its cell delegate and its look.

:class:`WeightTableView` shows a :class:`~mlpviz.ui.weights.model.WeightTableModel`
in fixed-width numbers, sizes itself to the table (up to a dozen rows before
it scrolls) and copies the selection as tab-separated text. ``_CellDelegate``
paints each cell's tint unobscured (selection is a frame, not a fill) and
edits in place. The panel that stacks the views is
:mod:`mlpviz.ui.weights.tables`.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHeaderView,
    QLineEdit,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from mlpviz.ui.style import theme
from mlpviz.ui.weights.cell_look import cell_text, number_font
from mlpviz.ui.weights.model import WeightTableModel

_Index = QModelIndex | QPersistentModelIndex

# Light chrome so the tint carries the information: hairline grid, flat headers.
_GRID = "#e4e4e4"
_BORDER = "#d0d0d0"
_HEADER_BG = "#f6f6f6"
_BIAS_RULE = QColor(160, 160, 160)
_VIEW_STYLE = f"""
QTableView {{
    gridline-color: {_GRID};
    border: 1px solid {_BORDER};
    background: white;
}}
QHeaderView::section {{
    background: {_HEADER_BG};
    color: #555555;
    border: none;
    border-right: 1px solid {_GRID};
    border-bottom: 1px solid {_BORDER};
    padding: 0px 6px;
}}
QHeaderView::section:vertical {{
    border-right: 1px solid {_BORDER};
    border-bottom: 1px solid {_GRID};
}}
QHeaderView::section:checked {{
    color: {theme.ACCENT.name()};
    background: #e6f4f2;
}}
QTableCornerButton::section {{
    background: {_HEADER_BG};
    border: none;
    border-right: 1px solid {_BORDER};
    border-bottom: 1px solid {_BORDER};
}}
"""

# Taller tables get their own scroll bar: past this many rows the panel would
# turn into one endless page and the later layers would be out of reach.
_MAX_VISIBLE_ROWS = 12
_CELL_PADDING = 14  # px left + right around the digits
_HEADER_MAX = 120  # px; longer input names are elided rather than widening every column
_TEXT_MARGIN = 3  # px, as Qt's item delegate leaves beside the text


class _CellDelegate(QStyledItemDelegate):
    """Paints the tint unobscured: selection is a teal frame, not a fill.

    The default selection fill would hide exactly the colour the user is
    looking at, so selection is drawn as a frame over the tint instead. A
    rule left of the ``bias`` column separates biases from weights.
    """

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        model = index.model()
        if not isinstance(model, WeightTableModel):
            super().paint(painter, option, index)
            return
        # Drawn here from the model's cached cell rather than by Qt's delegate,
        # which asks the Python model for seven roles per cell and repaint —
        # the tables' whole cost in a training frame.
        row, col = index.row(), index.column()
        cell = model.cell(row, col)
        rect = option.rect
        painter.save()
        painter.fillRect(rect, cell[Qt.ItemDataRole.BackgroundRole])
        painter.setFont(cell[Qt.ItemDataRole.FontRole])
        painter.setPen(cell["pen"])
        painter.drawText(
            rect.adjusted(_TEXT_MARGIN, 0, -_TEXT_MARGIN, 0),
            cell[Qt.ItemDataRole.TextAlignmentRole],
            cell[Qt.ItemDataRole.DisplayRole],
        )
        if col == model.bias_column:
            painter.fillRect(rect.left(), rect.top(), 2, rect.height(), _BIAS_RULE)
        if option.state & QStyle.StateFlag.State_Selected:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            painter.setPen(QPen(theme.ACCENT, 2))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(rect.adjusted(1, 1, -1, -1))
        painter.restore()

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: _Index) -> QWidget:
        editor = QLineEdit(parent)
        # Same font and alignment as the cell, so editing doesn't make the text jump.
        editor.setFont(number_font())
        editor.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        editor.setFrame(False)
        editor.setStyleSheet(f"QLineEdit {{ border: 2px solid {theme.ACCENT.name()}; }}")
        return editor

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        # Snapshots arrive many times a second while training, and each one's
        # dataChanged would reload an open editor, wiping what is being typed.
        # Load the value once, when the editor opens.
        if editor.property("mlpviz_loaded"):
            return
        editor.setProperty("mlpviz_loaded", True)
        super().setEditorData(editor, index)

    def updateEditorGeometry(
        self, editor: QWidget, option: QStyleOptionViewItem, index: _Index
    ) -> None:
        # Full-precision text is longer than the 4-decimal cell: widen to the left
        # (numbers are right-aligned) instead of clipping what the user types,
        # and snap to a column boundary so no half-covered neighbour peeks out.
        rect = option.rect
        needed = editor.fontMetrics().horizontalAdvance("-0.00000000000") + 12
        left = rect.right() + 1 - max(rect.width(), needed)
        view = option.widget
        if isinstance(view, QTableView):
            col, edge = index.column(), rect.left()
            while col > 0 and edge > left:
                col -= 1
                edge = view.columnViewportPosition(col)
            left = min(left, edge)
        # Never start left of the viewport (the first column has nothing to cover).
        left = max(left, min(0, rect.left()))
        editor.setGeometry(left, rect.top(), rect.right() + 1 - left, rect.height())


class WeightTableView(QTableView):
    """A compact table of one layer: fixed-width numbers, Ctrl+C copies as TSV."""

    def __init__(self, model: WeightTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setModel(model)
        self._digits = 0
        self.setObjectName("weightTable")
        self.setStyleSheet(_VIEW_STYLE)
        self.setItemDelegate(_CellDelegate(self))
        self.setFont(number_font())
        self.setAlternatingRowColors(False)  # the tint is the information
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setShowGrid(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)

        # Headers keep the UI font: names are words, only the numbers need columns.
        ui_font = QFont(QApplication.font())
        for header in (self.horizontalHeader(), self.verticalHeader()):
            header.setFont(ui_font)
            header.setHighlightSections(True)
            header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        )
        self.horizontalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        )
        row_h = QFontMetrics(self.font()).height() + 6
        self.verticalHeader().setMinimumSectionSize(row_h)
        self.verticalHeader().setDefaultSectionSize(row_h)
        self.horizontalHeader().setFixedHeight(QFontMetrics(ui_font).height() + 8)

        copy = QAction("Copy", self)
        copy.setShortcut(QKeySequence(QKeySequence.StandardKey.Copy))
        copy.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        copy.triggered.connect(self.copy_selection)
        select_all = QAction("Select all", self)
        select_all.triggered.connect(self.selectAll)
        self.addActions([copy, select_all])
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

        model.modelReset.connect(self.fit_to_contents)
        self.fit_to_contents()

    def weight_model(self) -> WeightTableModel:
        model = self.model()
        assert isinstance(model, WeightTableModel)
        return model

    # -- sizing ----------------------------------------------------------------

    def fit_to_contents(self) -> None:
        """Size columns for the widest value and header, and the view to the table."""
        self._digits = 0
        self.fit_columns()

    def fit_columns(self) -> None:
        """Widen the value columns if a number got longer; never shrink them.

        Cheap (one max over the layer and font arithmetic, no per-cell size
        hints), so it runs on every snapshot; never shrinking keeps columns
        from twitching while training.
        """
        model = self.weight_model()
        digits = max(len(cell_text(-model.max_abs())), len("-0.0000"))
        if digits <= self._digits:
            return
        self._digits = digits
        value_w = QFontMetrics(self.font()).horizontalAdvance("0" * digits) + _CELL_PADDING
        header = self.horizontalHeader()
        fm = QFontMetrics(header.font())
        header.setDefaultSectionSize(value_w)
        header.setMinimumSectionSize(min(value_w, 24))
        for col, name in enumerate(model.column_names()):
            text_w = min(fm.horizontalAdvance(name) + _CELL_PADDING, _HEADER_MAX)
            header.resizeSection(col, max(value_w, text_w))
        self._fit_height()
        self.updateGeometry()

    def _content_size(self) -> QSize:
        """Size of the whole table without scroll bars (headers, cells, frame)."""
        frame = 2 * self.frameWidth()
        vh, hh = self.verticalHeader(), self.horizontalHeader()
        width = vh.sizeHint().width() + hh.length() + frame
        rows = min(self.weight_model().rowCount(), _MAX_VISIBLE_ROWS)
        height = hh.height() + rows * vh.defaultSectionSize() + frame
        return QSize(width, height)

    def _fit_height(self) -> None:
        size = self._content_size()
        height = size.height()
        if self.weight_model().rowCount() > _MAX_VISIBLE_ROWS:
            size.setWidth(size.width() + self.verticalScrollBar().sizeHint().width())
        # A horizontal scroll bar steals a row's height; give it back.
        if size.width() > self.width() and self.width() > 0:
            height += self.horizontalScrollBar().sizeHint().height()
        if self.height() != height or self.minimumHeight() != height:
            self.setFixedHeight(height)

    def sizeHint(self) -> QSize:
        size = self._content_size()
        if self.weight_model().rowCount() > _MAX_VISIBLE_ROWS:
            size.setWidth(size.width() + self.verticalScrollBar().sizeHint().width())
        return QSize(size.width(), self.height() if self.height() > 0 else size.height())

    def minimumSizeHint(self) -> QSize:
        return QSize(80, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_height()

    # -- copy ------------------------------------------------------------------

    def selection_tsv(self) -> str:
        """Selected cells as tab-separated full-precision text, one line per row.

        The selection's bounding box is copied; unselected cells inside it
        are left empty so a spreadsheet paste keeps the cells where they were.
        """
        indexes = self.selectionModel().selectedIndexes()
        if not indexes:
            current = self.currentIndex()
            indexes = [current] if current.isValid() else []
        if not indexes:
            return ""
        model = self.weight_model()
        rows = [i.row() for i in indexes]
        cols = [i.column() for i in indexes]
        top, left = min(rows), min(cols)
        grid = [[""] * (max(cols) - left + 1) for _ in range(max(rows) - top + 1)]
        for i in indexes:
            grid[i.row() - top][i.column() - left] = repr(model.value(i.row(), i.column()))
        return "\n".join("\t".join(line) for line in grid)

    def copy_selection(self) -> None:
        """Put :meth:`selection_tsv` on the clipboard (what Ctrl+C does)."""
        text = self.selection_tsv()
        if text:
            QGuiApplication.clipboard().setText(text)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # QAbstractItemView's own Copy puts only the current cell's 4-decimal
        # text on the clipboard; take the key before it does.
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            event.accept()
            return
        super().keyPressEvent(event)
