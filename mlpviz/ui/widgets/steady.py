"""Live text that does not re-lay out the window on every change.

A label whose text changes with every frame (epoch, loss, history size) asks
its layout to recompute each time, the request climbs to the main window,
and the main window lays out — and animates — every dock again: twenty times
a second while training. Qt skips all of that for a widget of fixed size, so
these labels keep a fixed size that only ever grows to fit.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

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


class ElidedText(QWidget):
    """One line of live text that takes the room left over, cut with "…" when short of it.

    Unlike a QLabel, new text never asks for a new layout (the size hint is
    fixed by the font, not the text): it only repaints. ``tip`` is the
    tooltip; when the text is cut, the tooltip shows it whole first.
    """

    def __init__(self, tip: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text, self._tip = "", tip
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self._update_tip()

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:
        if text != self._text:
            self._text = text
            self._update_tip()
            self.update()

    def elided(self) -> bool:
        return self.fontMetrics().horizontalAdvance(self._text) > self.width()

    def _update_tip(self) -> None:
        parts = [self._text] if self._text and self.elided() else []
        self.setToolTip("\n\n".join([*parts, self._tip] if self._tip else parts))

    def sizeHint(self) -> QSize:
        fm = self.fontMetrics()
        return QSize(fm.horizontalAdvance("0" * 40), fm.height())

    def minimumSizeHint(self) -> QSize:
        return QSize(0, self.fontMetrics().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._update_tip()
        super().resizeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        fm = self.fontMetrics()
        shown = fm.elidedText(self._text, Qt.TextElideMode.ElideRight, self.width())
        align = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
        painter.drawText(self.rect(), align, shown)
