"""File › session's entries: Open, Open recent, Save and Save as, with their shortcuts."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

WHAT = "data, network, settings, weights and training history"


def session_menu_entries(
    parent: QWidget,
    open_dialog: Callable[[], object],
    save: Callable[[], object],
    save_as: Callable[[], object],
    fill_recent: Callable[[], object],
) -> tuple[QAction, QAction, QAction, QMenu]:
    """The Open, Save and Save as actions and the recent-sessions menu (filled when shown)."""

    def action(text: str, keys: str, tip: str, slot: Callable[[], object]) -> QAction:
        a = QAction(text, parent)
        a.setShortcut(QKeySequence(keys))
        a.setStatusTip(tip)
        a.triggered.connect(lambda _=False: slot())
        return a

    open_action = action(
        "Open &session…", "Ctrl+Shift+O", f"Open a saved session: {WHAT}", open_dialog
    )
    save_action = action("&Save session", "Ctrl+S", f"Save the {WHAT}", save)
    save_as_action = action(
        "Save session &as…", "Ctrl+Shift+S", "Save the session to a new file", save_as
    )
    recent = QMenu("Open recent sessio&n", parent)
    recent.menuAction().setStatusTip("Open one of the last sessions you used")
    recent.aboutToShow.connect(fill_recent)
    return open_action, save_action, save_as_action, recent
