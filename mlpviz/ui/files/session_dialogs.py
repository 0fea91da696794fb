"""The questions File › session asks: save before closing, restore the
autosave, which file to save to or open. Each returns the answer only;
:class:`~mlpviz.ui.files.session_actions.SessionActions` holds them as
replaceable attributes, so tests answer without dialogs.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from mlpviz.io.session_file import SUFFIX

FILE_FILTER = f"mlpviz sessions (*{SUFFIX});;All files (*)"


def ask_save_changes(parent: QWidget, session_name: str) -> str:
    """``"save"``, ``"discard"`` or ``"cancel"`` for unsaved changes to ``session_name``."""
    buttons = QMessageBox.StandardButton
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Unsaved session",
        f"Save the changes to the session {session_name}?",
        buttons.Save | buttons.Discard | buttons.Cancel,
        parent,
    )
    box.setInformativeText("Training since the last save is lost if you don't save.")
    box.setDefaultButton(buttons.Save)
    answer = buttons(box.exec())
    return {buttons.Save: "save", buttons.Discard: "discard"}.get(answer, "cancel")


def ask_restore(parent: QWidget, path: Path) -> bool:
    """True to restore the autosave at ``path`` that an unclean exit left behind."""
    answer = QMessageBox.question(
        parent,
        "Restore the session?",
        "mlpviz did not close normally last time. Restore the session it saved "
        f"automatically?\n\n{path}",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def choose_save_path(parent: QWidget, start_dir: str, session_name: str) -> str | None:
    """A session file to write (its suffix added if missing), or None if cancelled."""
    start = str(Path(start_dir) / f"{session_name}{SUFFIX}")
    path, _ = QFileDialog.getSaveFileName(parent, "Save session", start, FILE_FILTER)
    if path and not path.endswith(SUFFIX):
        path += SUFFIX
    return path or None


def choose_open_path(parent: QWidget, start_dir: str) -> str | None:
    """A session file to open, or None if cancelled."""
    path, _ = QFileDialog.getOpenFileName(parent, "Open session", start_dir, FILE_FILTER)
    return path or None
