"""The history scrubber: rewind to any recorded epoch, undoably.

The worker records the weights every epoch (decimated on long runs, so the
memory stays bounded); this bar shows what is recorded and how much memory
it takes, and rewinds on release. Training continues from the rewound epoch;
the later history is dropped — and comes back with Undo.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSlider, QStyle, QToolButton, QWidget

from mlpviz.ui.style.numbers import format_number
from mlpviz.ui.training.snapshot import Snapshot
from mlpviz.ui.widgets.steady import ElidedText, set_steady_text


def _bytes(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            text = format_number(n, digits=0 if unit == "B" else 1, style="fixed")
            return f"{text} {unit}"
        n /= 1024
    return f"{format_number(n, digits=1, style='fixed')} GB"


class RewindCommand(QUndoCommand):
    """Rewind to an epoch; undo restores the dropped epochs."""

    def __init__(self, rewind: Callable[[int], None], unrewind: Callable[[], None], epoch: int):
        super().__init__(f"Rewind to epoch {epoch}")
        self._rewind, self._unrewind, self.epoch = rewind, unrewind, epoch

    def redo(self) -> None:
        self._rewind(self.epoch)

    def undo(self) -> None:
        self._unrewind()


class HistoryBar(QWidget):
    """Emits :attr:`rewindRequested` with an epoch when the user lets go of the slider."""

    rewindRequested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 2, 6, 2)
        self.title = QLabel("History")
        self.title.setToolTip("Weights recorded during training; drag to rewind")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setToolTip(
            "Drag and release to rewind to a recorded epoch. Training then continues "
            "from there; Undo (Ctrl+Z) brings the later epochs back."
        )
        self.slider.setRange(0, 0)
        self.position = QLabel("epoch 0")
        self.position.setMinimumWidth(120)
        # Takes what room is left, cut short with "…" in a narrow window.
        self.memory = ElidedText(
            "The record is decimated when full (every other entry dropped, the stride doubled), "
            "so its memory never grows past its capacity."
        )
        self.memory.setStyleSheet("color: #777;")
        self.slider.setMinimumWidth(90)
        self.rewind_button = QToolButton()
        self.rewind_button.setText("Rewind")
        self.rewind_button.setIcon(
            self.style().standardIcon(QStyle.StandardPixmap.SP_MediaSkipBackward)
        )
        self.rewind_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.rewind_button.setToolTip("Rewind to the epoch under the slider")
        for w in (self.title, self.slider, self.position, self.rewind_button, self.memory):
            lay.addWidget(w, 1 if w is self.slider else 0)
        self._epochs = np.zeros(1, dtype=np.int64)
        self._current = 0
        self.slider.valueChanged.connect(self._moved)
        self.slider.sliderReleased.connect(self._request)
        self.rewind_button.clicked.connect(self._request)

    def update_snapshot(self, snap: Snapshot) -> None:
        self._epochs = snap.history_epochs
        self._current = snap.epoch
        if self.slider.isSliderDown():
            return  # do not yank the slider from under the user's mouse
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(len(self._epochs) - 1, 0))
        self.slider.setValue(len(self._epochs) - 1)
        self.slider.blockSignals(False)
        self._moved(self.slider.value())
        every = f"every {snap.history_stride} epochs" if snap.history_stride > 1 else "every epoch"
        self.memory.setText(f"{len(self._epochs)} records, {every} · {_bytes(snap.history_nbytes)}")

    def selected_epoch(self) -> int:
        i = min(max(self.slider.value(), 0), len(self._epochs) - 1)
        return int(self._epochs[i]) if len(self._epochs) else 0

    def _moved(self, _value: int) -> None:
        e = self.selected_epoch()
        set_steady_text(self.position, f"epoch {e} of {self._current}")
        self.rewind_button.setEnabled(e < self._current)

    def _request(self) -> None:
        e = self.selected_epoch()
        if e < self._current:
            self.rewindRequested.emit(e)
