"""Live text that does not re-lay out the window on every change.

A label whose text changes with every frame (epoch, loss, history size) asks
its layout to recompute each time, the request climbs to the main window,
and the main window lays out — and animates — every dock again: twenty times
a second while training. Qt skips all of that for a widget of fixed size, so
these labels keep a fixed size that only ever grows to fit.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

_SLACK = 6  # px beyond the text, so small changes never need a wider label


def set_steady_text(label: QLabel, text: str) -> None:
    """``label.setText(text)``, growing the label's fixed width only when needed."""
    if text == label.text():
        return
    need = label.fontMetrics().horizontalAdvance(text) + _SLACK
    margins = label.contentsMargins()
    need += margins.left() + margins.right() + 2 * label.margin()
    height = label.sizeHint().height()
    if need > label.maximumWidth() or label.minimumWidth() != label.maximumWidth():
        label.setFixedSize(max(need, label.minimumWidth()), height)
    label.setText(text)
