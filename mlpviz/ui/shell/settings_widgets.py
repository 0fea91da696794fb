"""The settings panel's small widgets: number boxes, optional rows, a hidden-layer row."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QToolButton,
    QWidget,
)

from mlpviz.engine.activations import HIDDEN_ACTIVATIONS


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


class LayerRow(QWidget):
    changed = Signal()
    removeRequested = Signal(object)

    def __init__(self, index: int, neurons: int, activation: str) -> None:
        super().__init__()
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel()
        self.neurons = QSpinBox()
        self.neurons.setRange(1, 512)
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
