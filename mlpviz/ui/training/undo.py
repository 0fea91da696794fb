"""Undoable edits for the main window's :class:`QUndoStack`.

Views never own the network, so a command does not change numbers itself: it
calls an ``apply(param, value)`` callback (the main window forwards that to
the training worker), and the next snapshot shows the result everywhere.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from mlpviz.engine.layout import Param, param_name
from mlpviz.ui.style.numbers import format_number

__all__ = ["SetParameterCommand"]

# Any constant unique among the app's mergeable commands; QUndoStack only
# tries to merge consecutive commands that report the same id.
_SET_PARAMETER_ID = 0x6D6C_7001


class SetParameterCommand(QUndoCommand):
    """Set one weight or bias; undo restores the value it had before.

    ``redo`` calls ``apply(param, new)``, ``undo`` calls ``apply(param, old)``.
    Consecutive edits of the same parameter merge into one step, so fiddling
    with a cell several times is undone in one go, back to the original value;
    an edit that ends where it started becomes obsolete and leaves the stack.
    """

    def __init__(
        self,
        apply: Callable[[Param, float], None],
        param: Param,
        old: float,
        new: float,
        parent: QUndoCommand | None = None,
    ) -> None:
        super().__init__(parent)
        self._apply = apply
        self.param: Param = tuple(param)
        self.old = float(old)
        self.new = float(new)
        self._update_text()

    def _update_text(self) -> None:
        value = format_number(self.new, digits=6, style="significant")
        self.setText(f"Set {param_name(self.param)} to {value}")

    def redo(self) -> None:
        self._apply(self.param, self.new)

    def undo(self) -> None:
        self._apply(self.param, self.old)

    def id(self) -> int:
        return _SET_PARAMETER_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, SetParameterCommand) or other.param != self.param:
            return False
        self.new = other.new
        self._update_text()
        # Back where it began: nothing left to undo, so drop the step.
        self.setObsolete(self.new == self.old)
        return True
