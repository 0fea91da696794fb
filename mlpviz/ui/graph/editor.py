"""The inline editor of the network graph: a small popup over the graph to
type a parameter's new value, read by :func:`mlpviz.ui.style.numbers.parse_number`
like every other number a user types.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from mlpviz.engine.layout import Param, param_name
from mlpviz.ui.style import theme
from mlpviz.ui.style.numbers import parse_number

# A dynamic "invalid" property on the line edit switches on the red border.
_EDITOR_STYLE = """
#inlineEditor { background: white; border: 1px solid ACCENT; border-radius: 6px; }
QLabel { color: #333; }
QLabel#error { color: #c62828; font-size: 11px; }
QLineEdit { border: 1px solid #bbb; border-radius: 3px; padding: 2px 4px; }
QLineEdit[invalid="true"] { border: 2px solid #c62828; background: #fff5f5; }
""".replace("ACCENT", theme.ACCENT.name())


class _LineEdit(QLineEdit):
    """A line edit that reports Escape instead of swallowing it."""

    escaped = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.escaped.emit()
            return
        super().keyPressEvent(event)


class InlineEditor(QFrame):
    """A small popup over the graph to type a parameter's new value.

    Enter submits a valid number (``submitted``), refuses anything else with
    a red border and a message (``rejected``) and stays open; Esc cancels.
    """

    submitted = Signal(object, float)
    rejected = Signal(str)
    cancelled = Signal()

    def __init__(self, parent: QWidget, param: Param, value: float) -> None:
        super().__init__(parent)
        self.param = param
        self.error = ""
        self.setObjectName("inlineEditor")
        self.setStyleSheet(_EDITOR_STYLE)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 6, 8, 6)
        outer.setSpacing(3)
        row = QHBoxLayout()
        row.setSpacing(6)
        self.label = QLabel(f"{param_name(param)} =")
        self.line_edit = _LineEdit(repr(float(value)))  # the shortest exact form
        self.line_edit.setMinimumWidth(96)
        self.line_edit.setToolTip("Enter applies · Esc cancels")
        row.addWidget(self.label)
        row.addWidget(self.line_edit)
        outer.addLayout(row)
        self.error_label = QLabel()
        self.error_label.setObjectName("error")
        self.error_label.setWordWrap(True)
        self.setFixedWidth(250)  # room for the messages without reflowing the popup
        self.error_label.setVisible(False)
        outer.addWidget(self.error_label)
        self.line_edit.returnPressed.connect(self._submit)
        self.line_edit.escaped.connect(self.cancelled.emit)
        self.line_edit.textEdited.connect(self._clear_error)

    def _submit(self) -> None:
        try:
            value = parse_number(self.line_edit.text())
        except ValueError as e:
            self._show_error(str(e))
            return
        self.submitted.emit(self.param, value)

    def _show_error(self, text: str) -> None:
        self.error = text
        self.line_edit.setProperty("invalid", True)
        self.line_edit.setToolTip(text)
        self.error_label.setText(text)
        self.error_label.setVisible(True)
        self._restyle()
        self.rejected.emit(text)

    def _clear_error(self) -> None:
        if not self.error:
            return
        self.error = ""
        self.line_edit.setProperty("invalid", False)
        self.line_edit.setToolTip("Enter applies · Esc cancels")
        self.error_label.setVisible(False)
        self._restyle()

    def _restyle(self) -> None:
        # A dynamic property only restyles after an unpolish/polish cycle.
        self.line_edit.style().unpolish(self.line_edit)
        self.line_edit.style().polish(self.line_edit)
        self.adjustSize()

    def open_at(self, point: QPoint) -> None:
        """Show with the top-left near ``point``, kept inside the parent."""
        self.adjustSize()
        parent = self.parentWidget()
        x = min(max(4, point.x() + 10), max(4, parent.width() - self.width() - 4))
        y = min(max(4, point.y() - self.height() - 8), max(4, parent.height() - self.height() - 4))
        self.move(x, y)
        self.show()
        self.raise_()
        self.line_edit.setFocus()
        self.line_edit.selectAll()
