"""The legend of the network graph: a small label in the view's bottom left
corner that says what colour and width mean (its text comes from the scene)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


class GraphLegend(QLabel):
    """Rich text over the graph that lets clicks through to it; hidden while
    there is nothing to explain."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setStyleSheet(
            "QLabel { background: rgba(255,255,255,225); color: #555; border: 1px solid #e4e4e4;"
            " border-radius: 4px; padding: 3px 8px; font-size: 12px; }"
        )
        self.setText("w")  # a real line height for the view's fit() before any snapshot
        self.setVisible(False)
        self._shown = ""

    def show_text(self, text: str, bottom: int) -> None:
        """Show ``text`` ("" hides) with its bottom edge just above ``bottom``;
        re-laid out only when the text changed."""
        if not text:
            self.setVisible(False)
            return
        if text != self._shown:
            self._shown = text
            self.setText(text)
            self.adjustSize()
            self.place(bottom)
        self.setVisible(True)

    def place(self, bottom: int) -> None:
        self.move(10, bottom - self.height() - 8)
