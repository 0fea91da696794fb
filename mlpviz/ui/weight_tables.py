"""The weight-tables panel: every layer's weights and biases as tinted tables.

One :class:`WeightTableView` per weight layer, stacked vertically in a scroll
area under a title such as "Layer 1: Input → Hidden 1 (sigmoid)". Each view
shows a :class:`~mlpviz.ui.weight_model.WeightTableModel`, so only the cells
on screen are ever painted and a 784-128-64-10 network stays responsive.

The panel never changes a number itself. Edits are validated and forwarded
as :attr:`WeightTablesPanel.editRequested`; the main window turns them into
undoable :class:`~mlpviz.ui.commands.SetParameterCommand` s, the worker
applies them, and the next snapshot shows the new value.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QLinearGradient,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from . import theme
from .commands import SetParameterCommand
from .snapshot import Param, Snapshot
from .weight_model import WeightTableModel, format_value, number_font

__all__ = [
    "SetParameterCommand",
    "WeightTableModel",
    "WeightTableView",
    "WeightTablesPanel",
    "layer_title",
]

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


def layer_title(layer: int, n_layers: int, activation: str | None) -> str:
    """ "Layer 1: Input → Hidden 1 (sigmoid)" for weight layer ``layer`` of ``n_layers``."""
    src = "Input" if layer == 0 else f"Hidden {layer}"
    dst = "Output" if layer == n_layers - 1 else f"Hidden {layer + 1}"
    title = f"Layer {layer + 1}: {src} → {dst}"
    return f"{title} ({activation})" if activation else title


def _default_names(prefix: str, n: int, given: Sequence[str] | None) -> list[str]:
    """``given`` if it names exactly ``n`` nodes, else ``prefix0 … prefix{n-1}``."""
    if given is not None and len(given) == n:
        return [str(name) for name in given]
    return [f"{prefix}{i}" for i in range(n)]


class _CellDelegate(QStyledItemDelegate):
    """Paints the tint unobscured: selection is a teal frame, not a fill.

    The default selection fill would hide exactly the colour the user is
    looking at, so the state is dropped before painting and drawn as a frame.
    A rule left of the ``bias`` column separates biases from weights.
    """

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        opt.state &= ~(QStyle.StateFlag.State_Selected | QStyle.StateFlag.State_HasFocus)
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        model = index.model()
        rect = opt.rect
        painter.save()
        if isinstance(model, WeightTableModel) and index.column() == model.bias_column:
            painter.fillRect(rect.left(), rect.top(), 2, rect.height(), _BIAS_RULE)
        if selected:
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
        digits = max(len(format_value(-model.max_abs())), len("-0.0000"))
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


class _ScaleLegend(QWidget):
    """A small colour bar "−s ▭ +s" explaining the tint of one table."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._scale = 1.0
        font = QFont(QApplication.font())
        font.setPointSizeF(max(font.pointSizeF() - 1, 6))
        self.setFont(font)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_scale(self, scale: float) -> None:
        if scale != self._scale:
            self._scale = scale
            self.updateGeometry()
            self.update()

    def scale(self) -> float:
        return self._scale

    def _labels(self) -> tuple[str, str]:
        s = f"{self._scale:.3g}"
        return f"−{s}", f"+{s}"

    def sizeHint(self) -> QSize:
        fm = self.fontMetrics()
        lo, hi = self._labels()
        return QSize(fm.horizontalAdvance(lo) + fm.horizontalAdvance(hi) + 64 + 12, fm.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        fm = self.fontMetrics()
        lo, hi = self._labels()
        lo_w = fm.horizontalAdvance(lo)
        bar = QRectF(lo_w + 6, (self.height() - 8) / 2, 64, 8)
        grad = QLinearGradient(bar.left(), 0, bar.right(), 0)
        for t in (0.0, 0.25, 0.5, 0.75, 1.0):
            grad.setColorAt(t, theme.diverging((2 * t - 1) * self._scale, self._scale))
        painter.fillRect(bar, grad)
        painter.setPen(QPen(QColor(_BORDER), 1))
        painter.drawRect(bar)
        painter.setPen(theme.MUTED)
        align = Qt.AlignmentFlag.AlignVCenter
        painter.drawText(QRectF(0, 0, lo_w, self.height()), align | Qt.AlignmentFlag.AlignLeft, lo)
        painter.drawText(
            QRectF(bar.right() + 6, 0, fm.horizontalAdvance(hi) + 2, self.height()),
            align | Qt.AlignmentFlag.AlignLeft,
            hi,
        )
        painter.end()


class _LayerSection(QWidget):
    """Title, shape note and colour legend above one layer's table."""

    def __init__(self, model: WeightTableModel, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.title = QLabel(title)
        font = QFont(QApplication.font())
        font.setBold(True)
        self.title.setFont(font)
        self.title.setStyleSheet(f"color: {theme.TEXT.name()};")
        # Wrap rather than force the panel wider than a narrow dock.
        self.title.setWordWrap(True)
        n_out, n_in = model.n_nodes, model.n_inputs
        biases = "bias" if n_out == 1 else "biases"
        self.note = QLabel(f"{n_out} × {n_in} weights · {n_out} {biases}")
        self.note.setStyleSheet(f"color: {theme.MUTED.name()};")
        self.legend = _ScaleLegend()
        self.legend.setToolTip("Cell tint: orange negative, blue positive, full at ± this value")
        self.view = WeightTableView(model)

        sub = QHBoxLayout()
        sub.setContentsMargins(0, 0, 0, 0)
        sub.setSpacing(8)
        sub.addWidget(self.note)
        sub.addStretch(1)
        sub.addWidget(self.legend)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addWidget(self.title)
        layout.addLayout(sub)
        layout.addWidget(self.view, 0, Qt.AlignmentFlag.AlignLeft)

    def set_title(self, title: str) -> None:
        self.title.setText(title)


class WeightTablesPanel(QWidget):
    """Every weight layer of the network as an editable, colour-tinted table.

    Signals
    -------
    editRequested(object, float)
        The user typed a valid value into a cell: ``(param, value)``. Nothing
        changes here until a snapshot carrying the new value arrives.
    editRejected(str)
        The user typed something that is not a finite number; the message
        names the cell ("w[0][1][0]: 'abc' is not a number").
    parameterSelected(object)
        The user made a cell current (click or keyboard): its param tuple.
        Not emitted for :meth:`select_param`, so views selecting each other
        cannot ping-pong.
    """

    editRequested = Signal(object, float)
    editRejected = Signal(str)
    parameterSelected = Signal(object)

    SCALE_MODES = ("network", "layer")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._sections: list[_LayerSection] = []
        self._layer_sizes: tuple[int, ...] = ()
        self._input_names: list[str] | None = None
        self._output_names: list[str] | None = None
        self._activations: tuple[str, ...] = ()
        self._scale_mode = "network"
        self._snapshot: Snapshot | None = None
        self._syncing = False  # True while the panel itself moves the selection
        self._echo: Param | None = None  # the param being emitted as parameterSelected

        self._hint = QLabel("Double-click or type to edit · Ctrl+C copies")
        self._hint.setStyleSheet(f"color: {theme.MUTED.name()};")
        self._scale_box = QComboBox()
        self._scale_box.addItem("Shared scale", "network")
        self._scale_box.addItem("Per-layer scale", "layer")
        self._scale_box.setToolTip(
            "Tint saturation: one scale for the whole network (compare layers)\n"
            "or one per layer (see structure in layers with small weights)"
        )
        self._scale_box.currentIndexChanged.connect(
            lambda i: self.set_scale_mode(self._scale_box.itemData(i))
        )
        bar = QHBoxLayout()
        bar.setContentsMargins(8, 6, 8, 4)
        bar.addWidget(self._hint, 1)
        bar.addWidget(self._scale_box)

        self._content = QWidget()
        self._content.setObjectName("weightTablesContent")
        self._content.setStyleSheet("#weightTablesContent { background: white; }")
        self._stack = QVBoxLayout(self._content)
        self._stack.setContentsMargins(10, 8, 10, 10)
        self._stack.setSpacing(14)
        self._empty = QLabel("No network yet")
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty.setStyleSheet(f"color: {theme.MUTED.name()};")
        self._stack.addWidget(self._empty)
        self._stack.addStretch(1)

        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        # Wide layers scroll inside their own table; the page only scrolls down.
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._scroll.setWidget(self._content)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setStyleSheet(f"color: {_BORDER};")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(bar)
        layout.addWidget(line)
        layout.addWidget(self._scroll, 1)

    # -- structure ---------------------------------------------------------------

    def set_architecture(
        self,
        layer_sizes: Sequence[int],
        input_names: Sequence[str] | None = None,
        output_names: Sequence[str] | None = None,
        activation_names: Sequence[str] | None = None,
    ) -> None:
        """Rebuild one table per weight layer; values read 0 until a snapshot.

        Names default to I0…, h0… and Z0…; ``activation_names`` (one per
        layer after the input) go into the titles.
        """
        sizes = tuple(int(n) for n in layer_sizes)
        n_layers = len(sizes) - 1
        self._layer_sizes = sizes
        self._input_names = None if input_names is None else list(input_names)
        self._output_names = None if output_names is None else list(output_names)
        self._activations = tuple(activation_names or ())
        self._snapshot = None
        for section in self._sections:
            self._stack.removeWidget(section)
            section.deleteLater()
        self._sections = []
        for l in range(max(n_layers, 0)):
            cols = (
                _default_names("I", sizes[0], input_names)
                if l == 0
                else _default_names("h", sizes[l], None)
            )
            rows = (
                _default_names("Z", sizes[-1], output_names)
                if l == n_layers - 1
                else _default_names("h", sizes[l + 1], None)
            )
            model = WeightTableModel(l, rows, cols, self)
            model.editRequested.connect(self.editRequested)
            model.editRejected.connect(self.editRejected)
            section = _LayerSection(model, self._title(l), self._content)
            sm = section.view.selectionModel()
            sm.currentChanged.connect(
                lambda current, _previous, view=section.view: self._on_current(view, current)
            )
            sm.selectionChanged.connect(
                lambda selected, _deselected, view=section.view: self._on_selection(view, selected)
            )
            # Insert before the trailing stretch so tables stay top-aligned.
            self._stack.insertWidget(self._stack.count() - 1, section)
            self._sections.append(section)
        self._empty.setVisible(not self._sections)

    def _title(self, layer: int) -> str:
        act = self._activations[layer] if layer < len(self._activations) else None
        return layer_title(layer, len(self._layer_sizes) - 1, act)

    def layer_count(self) -> int:
        """Number of weight tables shown."""
        return len(self._sections)

    def model(self, layer: int) -> WeightTableModel:
        """The model of weight layer ``layer``."""
        return self._sections[layer].model

    def view(self, layer: int) -> WeightTableView:
        """The table view of weight layer ``layer``."""
        return self._sections[layer].view

    def title(self, layer: int) -> str:
        """The heading shown above weight layer ``layer``."""
        return self._sections[layer].title.text()

    # -- values ------------------------------------------------------------------

    def update_snapshot(self, snap: Snapshot) -> None:
        """Show ``snap``'s values in every table (rebuilding if the shape changed)."""
        if tuple(snap.layer_sizes) != self._layer_sizes:
            keep = self._layer_sizes and self._layer_sizes[0] == snap.layer_sizes[0]
            keep_out = self._layer_sizes and self._layer_sizes[-1] == snap.layer_sizes[-1]
            self.set_architecture(
                snap.layer_sizes,
                self._input_names if keep else None,
                self._output_names if keep_out else None,
                snap.activation_names,
            )
        elif tuple(snap.activation_names) != self._activations:
            self._activations = tuple(snap.activation_names)
            for l, section in enumerate(self._sections):
                section.set_title(self._title(l))
        self._snapshot = snap
        self._apply_values()

    def _apply_values(self) -> None:
        snap = self._snapshot
        if snap is None:
            return
        shared = theme.value_scale(snap.params) if self._scale_mode == "network" else None
        for section in self._sections:
            section.model.update_snapshot(snap, shared)
            section.legend.set_scale(section.model.scale)
            section.view.fit_columns()

    def set_scale_mode(self, mode: str) -> None:
        """``"network"``: one tint scale for all tables; ``"layer"``: one per table."""
        if mode not in self.SCALE_MODES:
            raise ValueError(f"scale mode is one of {self.SCALE_MODES}, not {mode!r}")
        if mode == self._scale_mode:
            return
        self._scale_mode = mode
        self._scale_box.setCurrentIndex(self.SCALE_MODES.index(mode))
        self._apply_values()

    def scale_mode(self) -> str:
        return self._scale_mode

    # -- selection ---------------------------------------------------------------

    def _on_current(self, view: WeightTableView, current: QModelIndex) -> None:
        if self._syncing or not current.isValid():
            return
        param = view.weight_model().param(current)
        if param is not None:
            self._echo = param
            try:
                self.parameterSelected.emit(param)
            finally:
                self._echo = None

    def _on_selection(self, view: WeightTableView, selected: QItemSelection) -> None:
        # One highlighted cell across the panel: selecting in one table clears
        # the others (also their current cell, so clicking it again re-emits).
        if self._syncing or selected.isEmpty():
            return
        self._clear_other_views(view)

    def _clear_other_views(self, keep: WeightTableView | None) -> None:
        was = self._syncing
        self._syncing = True
        try:
            for section in self._sections:
                if section.view is not keep:
                    sm = section.view.selectionModel()
                    sm.clearSelection()
                    sm.clearCurrentIndex()
        finally:
            self._syncing = was

    def select_param(self, param: Param | None) -> bool:
        """Highlight ``param``'s cell and scroll it into view; None clears.

        For selections made elsewhere (the graph, a plot), so it does not
        emit :attr:`parameterSelected`. Returns False if no table holds
        ``param``.
        """
        if param is None:
            self._clear_other_views(None)
            return False
        try:
            layer = int(param[1])
        except (TypeError, ValueError, IndexError):
            return False
        if not 0 <= layer < len(self._sections):
            return False
        view = self._sections[layer].view
        index = view.weight_model().index_of(param)
        if not index.isValid():
            return False
        # An echo of our own parameterSelected (the main window calls back while
        # we emit, mid-click): re-selecting would collapse a Ctrl/Shift
        # multi-selection the user is making, so only scroll.
        if self._echo is None or tuple(param) != self._echo:
            self._syncing = True
            try:
                self._clear_other_views(view)
                view.selectionModel().setCurrentIndex(
                    index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                )
            finally:
                self._syncing = False
        view.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        # Then scroll the page so the cell itself (not just the table's top) shows.
        rect = view.visualRect(index)
        centre = view.viewport().mapTo(self._content, rect.center())
        self._scroll.ensureVisible(centre.x(), centre.y(), rect.width(), rect.height() + 24)
        return True

    def selected_param(self) -> Param | None:
        """The param of the current cell in whichever table has one, else None."""
        for section in self._sections:
            sm = section.view.selectionModel()
            current = sm.currentIndex()
            if current.isValid() and sm.isSelected(current):
                return section.model.param(current)
        return None

    def copy_selection(self) -> None:
        """Copy the selected cells of the table that has a selection (as TSV)."""
        for section in self._sections:
            if section.view.selectionModel().hasSelection():
                section.view.copy_selection()
                return
