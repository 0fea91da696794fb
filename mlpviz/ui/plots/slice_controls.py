"""The output map's slice: which two inputs it spans, and the values of the others.

Shown above the map when the data have more than two inputs. Two combo
boxes choose the spanned inputs; a toggle row ("Slice at x3 = 0.52, …")
opens a form with one spin box per other input, in raw units. Every choice
leaves as a :class:`~mlpviz.ui.training.worker_commands.SliceOutput` for
the worker, which computes the map; what is shown here always comes back
from the worker's surface, so the form displays the slice actually drawn.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mlpviz.ui.style.numbers import format_number
from mlpviz.ui.training.snapshot import OutputSurface
from mlpviz.ui.training.worker_commands import SliceOutput

SUMMARY_NAMES = 4  # held inputs named in the toggle's text; the tooltip names all
FORM_COLUMNS = 3  # label + spin box pairs per form row
FORM_HEIGHT = 120  # the open form's most height before it scrolls
SPIN_LIMIT = 1e12


def slice_text(names: tuple[str, ...], axes: tuple[int, int], held, limit: int | None) -> str:
    """ "x3 = 0.52, x4 = 1.3" for the inputs not spanned (``limit`` of them named)."""
    others = [i for i in range(len(names)) if i not in axes]
    shown = others if limit is None else others[:limit]
    parts = [f"{names[i]} = {format_number(float(held[i]), style='significant')}" for i in shown]
    if len(others) > len(shown):
        parts.append(f"… ({len(others) - len(shown)} more)")
    return ", ".join(parts)


def _decimals(low: float, high: float) -> tuple[int, float]:
    """Spin-box decimals (a thousandth of the input's range shows) and step (a hundredth)."""
    span = high - low
    if not (math.isfinite(span) and span > 0):
        return 2, 0.1
    step = 10.0 ** math.floor(math.log10(span / 100))
    return min(max(0, 1 - math.floor(math.log10(step))), 8), step


class SliceControls(QWidget):
    """Combo boxes for the two spanned inputs and a form for the held values."""

    sliceChosen = Signal(object)  # SliceOutput

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.names: tuple[str, ...] = ()
        self.axes: tuple[int, int] = (0, 1)
        self.held = np.empty(0)
        self.user_held = False  # the user set values: axis changes keep them
        self.spins: dict[int, QDoubleSpinBox] = {}
        self.labels: dict[int, QLabel] = {}
        self._placed: tuple[int, int] | None = None  # the axes the form is laid out for
        self._sent: tuple | None = None  # (axes, held) chosen and not yet shown by the worker

        self.x_combo, self.y_combo = QComboBox(), QComboBox()
        for combo, tip in ((self.x_combo, "horizontal"), (self.y_combo, "vertical")):
            combo.setToolTip(f"The input on the map's {tip} axis")
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.setMaximumWidth(180)
            combo.activated.connect(self._axis_chosen)
        self.toggle = QToolButton()
        self.toggle.setCheckable(True)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setAutoRaise(True)
        self.toggle.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.toggle.toggled.connect(self._set_open)
        self.toggle.installEventFilter(self)

        self.means_button = QPushButton("Hold at the means")
        self.means_button.setToolTip("Hold every other input at its mean over the training rows")
        self.means_button.clicked.connect(self._to_means)
        self.means_button.hide()
        row = QHBoxLayout()
        row.setContentsMargins(4, 0, 4, 0)
        row.setSpacing(4)
        row.addWidget(QLabel("Across"))
        row.addWidget(self.x_combo)
        row.addWidget(QLabel("and"))
        row.addWidget(self.y_combo)
        row.addWidget(self.toggle, 1)
        row.addWidget(self.means_button)

        self.form = QWidget()
        self.grid = QGridLayout(self.form)
        self.grid.setContentsMargins(4, 2, 4, 2)
        self.grid.setHorizontalSpacing(6)
        self.grid.setVerticalSpacing(2)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setWidget(self.form)
        self.scroll.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 2)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.scroll)

    # -- from the worker -----------------------------------------------------------

    def show_surface(self, surface: OutputSurface) -> None:
        """Show the slice ``surface`` was computed on (a spin box being edited keeps its text)."""
        names = tuple(surface.names)
        held = np.asarray(surface.held if surface.held is not None else [], dtype=float)
        if names != self.names:
            self._set_names(names, surface)
        elif self._sent is not None:
            axes, sent_held = self._sent
            if tuple(surface.axes) != axes or (
                sent_held is not None and not np.array_equal(held, sent_held)
            ):
                return  # computed before the user's last choice reached the worker
        self._sent = None
        self.axes = tuple(int(i) for i in surface.axes)  # type: ignore[assignment]
        self.held = held.copy()
        for combo, i in ((self.x_combo, self.axes[0]), (self.y_combo, self.axes[1])):
            if combo.currentIndex() != i:
                combo.setCurrentIndex(i)
        if self._placed != self.axes:
            self._place()
        for i, spin in self.spins.items():
            if not spin.hasFocus() and i < len(held) and spin.value() != held[i]:
                spin.blockSignals(True)
                spin.setValue(float(held[i]))
                spin.blockSignals(False)
        self._set_summary()

    def _set_names(self, names: tuple[str, ...], surface: OutputSurface) -> None:
        self.names, self.user_held = names, False
        for combo in (self.x_combo, self.y_combo):
            combo.clear()
            combo.addItems(list(names))
            for i, name in enumerate(names):
                combo.setItemData(i, name, Qt.ItemDataRole.ToolTipRole)
        for widget in (*self.spins.values(), *self.labels.values()):
            widget.deleteLater()
        self.spins, self.labels = {}, {}
        self._placed = None
        lows = surface.lows if surface.lows is not None else np.zeros(len(names))
        highs = surface.highs if surface.highs is not None else np.ones(len(names))
        for i, name in enumerate(names):
            label = QLabel()
            label.setText(label.fontMetrics().elidedText(name, Qt.TextElideMode.ElideMiddle, 120))
            label.setToolTip(name)
            spin = QDoubleSpinBox()
            spin.setMinimumWidth(90)
            decimals, step = _decimals(float(lows[i]), float(highs[i]))
            spin.setDecimals(decimals)
            spin.setRange(-SPIN_LIMIT, SPIN_LIMIT)
            spin.setSingleStep(step)
            spin.setKeyboardTracking(False)  # typing sends on Enter, not per key
            spin.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.UpDownArrows)
            spin.setToolTip(
                f"{name}: held at this value (data from "
                f"{format_number(float(lows[i]), style='significant')} to "
                f"{format_number(float(highs[i]), style='significant')})"
            )
            spin.valueChanged.connect(lambda value, i=i: self._held_changed(i, value))
            label.setBuddy(spin)
            self.spins[i], self.labels[i] = spin, label

    def _place(self) -> None:
        """Lay out the held inputs' label and spin box pairs, row by row."""
        while self.grid.count():
            self.grid.takeAt(0)
        held = [i for i in self.spins if i not in self.axes]
        for n, i in enumerate(held):
            r, c = divmod(n, FORM_COLUMNS)
            self.grid.addWidget(self.labels[i], r, 2 * c, Qt.AlignmentFlag.AlignRight)
            self.grid.addWidget(self.spins[i], r, 2 * c + 1)
        for i in self.axes:
            if i in self.spins:
                self.spins[i].hide()
                self.labels[i].hide()
        for i in held:
            self.spins[i].show()
            self.labels[i].show()
        self.grid.setColumnStretch(2 * FORM_COLUMNS, 1)
        self._placed = self.axes
        # As tall as its rows, up to FORM_HEIGHT; more rows scroll.
        self.scroll.setFixedHeight(min(FORM_HEIGHT, self.form.sizeHint().height() + 2))

    def _set_summary(self) -> None:
        if len(self.held) != len(self.names):
            self.toggle.setText("")
            return
        # As many names as fit the button; none fits: how many inputs are held.
        room = self.toggle.width() - 2 * self.toggle.iconSize().width()
        metrics = self.toggle.fontMetrics()
        text = f"Slice: {len(self.names) - 2} other inputs held"
        for limit in range(SUMMARY_NAMES, 0, -1):
            candidate = "Slice at " + slice_text(self.names, self.axes, self.held, limit)
            if metrics.horizontalAdvance(candidate) <= room:
                text = candidate
                break
        self.toggle.setText(text)
        self.toggle.setToolTip(
            "The other inputs are held at: "
            + slice_text(self.names, self.axes, self.held, None)
            + "\nClick to change them"
        )

    def eventFilter(self, watched, event) -> bool:
        if watched is self.toggle and event.type() == QEvent.Type.Resize:
            self._set_summary()  # the names that fit change with the button's width
        return super().eventFilter(watched, event)

    def _set_open(self, on: bool) -> None:
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
        self.scroll.setVisible(on)
        self.means_button.setVisible(on)

    # -- the user's choices ----------------------------------------------------------

    def choose_axes(self, x: int, y: int) -> None:
        """Span inputs ``x`` and ``y`` (as if chosen in the combo boxes)."""
        self.x_combo.setCurrentIndex(x)
        self.y_combo.setCurrentIndex(y)
        self._axis_chosen()

    def _axis_chosen(self, _index: int = 0) -> None:
        x, y = self.x_combo.currentIndex(), self.y_combo.currentIndex()
        if x < 0 or y < 0:
            return
        if x == y:
            # The same input twice: the other combo takes the one just left.
            old_x, old_y = self.axes
            if self.sender() is self.y_combo:
                x = old_y if old_y != y else old_x
            else:
                y = old_x if old_x != x else old_y
            if x == y:
                y = (x + 1) % max(len(self.names), 1)
            self.x_combo.setCurrentIndex(x)
            self.y_combo.setCurrentIndex(y)
        self.axes = (x, y)
        self._emit()

    def _held_changed(self, i: int, value: float) -> None:
        if i < len(self.held):
            self.held[i] = value
            self.user_held = True
            self._set_summary()
            self._emit()

    def _to_means(self) -> None:
        self.user_held = False
        self._emit()

    def _emit(self) -> None:
        held = tuple(float(v) for v in self.held) if self.user_held else None
        self._sent = (self.axes, held)
        self.sliceChosen.emit(SliceOutput(self.axes, self.names, held))
