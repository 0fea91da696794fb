"""Recently used paths, remembered in QSettings, newest first: the data files
(File › Open recent) and the sessions (File › Open recent session).

A value that is not a list of strings (a settings file edited by hand or
written by something else) reads as no recent paths rather than an error.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMenu

MAX_RECENT = 8
RECENT_FILES = "recent_files"  # the QSettings key of the data files
RECENT_SESSIONS = "recent_sessions"  # the QSettings key of the session files


def recent_paths(store: QSettings, key: str) -> list[str]:
    """The paths remembered under ``key``; anything but a non-empty string is ignored."""
    value = store.value(key, [])
    if isinstance(value, str):  # QSettings returns a one-item list as a string
        value = [value]
    if not isinstance(value, list):
        return []
    return [v for v in value if isinstance(v, str) and v][:MAX_RECENT]


def remember_path(store: QSettings, key: str, path: str) -> None:
    """Put ``path`` first under ``key``, once, keeping at most :data:`MAX_RECENT`."""
    recent = [p for p in recent_paths(store, key) if p != path]
    store.setValue(key, [path, *recent][:MAX_RECENT])


def fill_recent_menu(
    menu: QMenu, paths: list[str], open_path: Callable[[str], object], tip: str = ""
) -> None:
    """One entry per path calling ``open_path(path)``; ``tip`` may hold ``{path}``."""
    menu.clear()
    for path in paths:
        action = menu.addAction(path)
        if tip:
            action.setStatusTip(tip.format(path=path))
        action.triggered.connect(lambda _=False, p=path: open_path(p))
    if not paths:
        menu.addAction("(none yet)").setEnabled(False)
