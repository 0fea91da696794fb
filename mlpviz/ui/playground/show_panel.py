"""The playground's "Show" box: which arrows to draw at every racer, and suggested rates."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QGroupBox, QHBoxLayout, QPushButton, QVBoxLayout


class ShowPanel(QGroupBox):
    """Check boxes for the −∇f and momentum arrows, and the suggested-rates button.

    ``toggled`` carries the contour view's attribute to set (``show_gradient``,
    ``show_momentum``) and the new value.
    """

    toggled = Signal(str, bool)
    suggest = Signal()

    def __init__(self) -> None:
        super().__init__("Show")
        show_gradient = QCheckBox("−∇f arrows")
        show_gradient.setToolTip(
            "At each racer, the steepest-descent direction −∇f (length grows with |∇f|)."
        )
        show_momentum = QCheckBox("Momentum arrows")
        show_momentum.setToolTip(
            "Where the accumulated velocity pushes: −v for momentum "
            "and Nesterov, −m (first moment) for Adam."
        )
        self.boxes = {"show_gradient": show_gradient, "show_momentum": show_momentum}
        for attr, box in self.boxes.items():
            box.setChecked(True)
            box.toggled.connect(lambda on, a=attr: self.toggled.emit(a, on))
        suggest = QPushButton("Suggested learning rates")
        suggest.setToolTip("Set every racer's η to a value that works on this function.")
        suggest.clicked.connect(self.suggest)
        layout = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addWidget(show_gradient)
        row.addWidget(show_momentum)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(suggest)
