"""The weight-tables panel: every layer's weights and biases as tinted tables.

One :class:`WeightTableView` per weight layer, stacked vertically in a scroll
area under a title such as "Layer 1: Input → Hidden 1 (sigmoid)". Each view
shows a :class:`~mlpviz.ui.weights.model.WeightTableModel`, so only the cells
on screen are ever painted and a 784-128-64-10 network stays responsive.

The panel never changes a number itself. Edits are validated and forwarded
as :attr:`WeightTablesPanel.editRequested`; the main window turns them into
undoable :class:`~mlpviz.ui.training.undo.SetParameterCommand` s, the worker
applies them, and the next snapshot shows the new value.

The view and its cell painting live in :mod:`mlpviz.ui.weights.table_view`,
the title / note / legend block around each view in
:mod:`mlpviz.ui.weights.layer_section`.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from mlpviz.engine.layout import Param
from mlpviz.ui.style import theme
from mlpviz.ui.training.snapshot import Snapshot
from mlpviz.ui.weights.layer_section import _LayerSection
from mlpviz.ui.weights.model import WeightTableModel
from mlpviz.ui.weights.table_view import _BORDER, WeightTableView

__all__ = ["WeightTablesPanel", "layer_title"]


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
