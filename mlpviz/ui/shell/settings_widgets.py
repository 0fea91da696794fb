"""The settings panel's small widgets: number boxes, optional rows, a hidden-layer row."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mlpviz.engine.activations import HIDDEN_ACTIVATIONS

MAX_NEURONS = 512  # per hidden layer


def number_box(lo: float, hi: float, decimals: int, step: float, tip: str) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(lo, hi)
    box.setDecimals(decimals)
    box.setSingleStep(step)
    box.setToolTip(tip)
    box.setKeyboardTracking(False)
    return box


def optional_row(widget: QWidget, label: str, tip: str) -> tuple[QWidget, QCheckBox]:
    row = QWidget()
    lay = QHBoxLayout(row)
    lay.setContentsMargins(0, 0, 0, 0)
    check = QCheckBox(label)
    check.setToolTip(tip)
    widget.setEnabled(False)
    check.toggled.connect(widget.setEnabled)
    lay.addWidget(check)
    lay.addWidget(widget, 1)
    return row, check


def offer(combo: QComboBox, refusals: dict[str, str | None], prefix: str) -> None:
    """Enable the items named in ``refusals`` that have no reason against them; a
    disabled item's tooltip gives the reason after ``prefix``."""
    for name, why in refusals.items():
        item = combo.model().item(combo.findText(name))
        item.setEnabled(why is None)
        item.setToolTip(f"{prefix}{why}" if why else "")


class LayerRow(QWidget):
    changed = Signal()
    removeRequested = Signal(object)

    def __init__(self, index: int, neurons: int, activation: str) -> None:
        super().__init__()
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.neurons = QSpinBox()
        self.neurons.setRange(1, MAX_NEURONS)
        self.neurons.setValue(neurons)
        self.neurons.setSuffix(" neurons")
        self.neurons.setToolTip("Nodes in this hidden layer")
        self.activation = QComboBox()
        self.activation.addItems(HIDDEN_ACTIVATIONS)
        self.activation.setCurrentText(activation)
        self.activation.setToolTip("Activation function f(s) of this layer")
        remove = QToolButton()
        remove.setText("✕")
        remove.setToolTip("Remove this hidden layer")
        remove.clicked.connect(lambda: self.removeRequested.emit(self))
        for w in (self.label, self.neurons, self.activation, remove):
            lay.addWidget(w)
        self.set_index(index)
        self.neurons.valueChanged.connect(self.changed)
        self.activation.currentTextChanged.connect(self.changed)

    def set_index(self, index: int) -> None:
        self.label.setText(f"Hidden {index + 1}")


class StopConditions(QGroupBox):
    """When a run stops by itself: an epoch, a loss, a stalled test loss; each optional."""

    changed = Signal()

    def __init__(self) -> None:
        super().__init__("Stop a run")
        lay = QVBoxLayout(self)
        self.max_epochs = QSpinBox()
        self.max_epochs.setRange(1, 10**9)
        self.max_epochs.setValue(1000)
        self.target_loss = number_box(
            0.0, 1e6, 6, 0.001, "Stop when the training loss is at or below this"
        )
        self.target_loss.setValue(0.001)
        self.patience = QSpinBox()
        self.patience.setRange(1, 10**7)
        self.patience.setValue(100)
        row1, self.use_max_epochs = optional_row(
            self.max_epochs, "after epoch", "Stop a run at this epoch"
        )
        row2, self.use_target = optional_row(
            self.target_loss, "at loss ≤", "Stop when the loss reaches a target"
        )
        row3, self.use_patience = optional_row(
            self.patience,
            "test loss stalls for",
            "Stop when the test loss has not improved for N epochs",
        )
        self.patience.setSuffix(" epochs")
        for row in (row1, row2, row3):
            lay.addWidget(row)
        for w in (self.use_max_epochs, self.use_target, self.use_patience):
            w.toggled.connect(self.changed)
        self.max_epochs.valueChanged.connect(self.changed)
        self.target_loss.valueChanged.connect(self.changed)
        self.patience.valueChanged.connect(self.changed)
