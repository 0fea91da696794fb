"""An inline message bar (like an IDE's info bar): visible, non-modal,
dismissable — a diverged run should not trap the user in a dialog."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QWidget

_STYLES = {
    "error": ("#fdecea", "#b3261e", "⚠"),
    "warning": ("#fff4e5", "#8a5300", "⚠"),
    "info": ("#e8f1fb", "#0b4f8a", "ℹ"),
}


class Banner(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        lay = QHBoxLayout(self)
        lay.setContentsMargins(10, 6, 6, 6)
        self.icon = QLabel()
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton()
        close.setText("✕")
        close.setToolTip("Dismiss")
        close.setAutoRaise(True)
        close.clicked.connect(self.hide)
        lay.addWidget(self.icon)
        lay.addWidget(self.text, 1)
        lay.addWidget(close)
        self.kind = "info"
        self.hide()

    def show_message(self, text: str, kind: str = "info") -> None:
        bg, fg, icon = _STYLES.get(kind, _STYLES["info"])
        self.kind = kind
        self.setStyleSheet(
            f"#banner {{ background: {bg}; border: 1px solid {fg}; border-radius: 4px; }}"
            f"#banner QLabel {{ color: {fg}; }}"
        )
        self.icon.setText(icon)
        self.text.setText(text)
        self.show()
