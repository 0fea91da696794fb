"""What the main window remembers between runs (QSettings): its layout —
and what it does when those settings are unusable. A remembered geometry
that no longer fits the screen is shrunk and moved onto it. The recent files are
kept by :mod:`mlpviz.ui.files.recent`.

A settings file from a newer mlpviz, or one that cannot be read, must not
break the start: the app starts with defaults and says so.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow

from mlpviz.ui.widgets.window_fit import keep_on_screen

SETTINGS_VERSION = 1  # bump when the meaning of a stored setting changes


def settings_problem(store: QSettings) -> str | None:
    """Why the stored settings cannot be used, or None."""
    if store.status() != QSettings.Status.NoError:
        return "The settings file could not be read."
    path = Path(store.fileName())
    if not store.allKeys() and path.is_file() and path.stat().st_size > 0:
        # QSettings reads binary junk as an empty INI file without complaint.
        return "The settings file could not be read."
    version = store.value("settings_version", SETTINGS_VERSION)
    try:
        version = int(version)
    except (TypeError, ValueError):
        return f"The settings file has an unreadable version ({version!r})."
    if version > SETTINGS_VERSION:
        return f"The settings were written by a newer mlpviz (settings version {version})."
    return None


def restore_layout(window: QMainWindow, store: QSettings) -> str | None:
    """Restore geometry and docks; returns a message when settings had to be reset."""
    problem = settings_problem(store)
    if problem:
        store.clear()
        store.setValue("settings_version", SETTINGS_VERSION)
        return f"{problem} They were reset to the defaults."
    geometry = store.value("window/geometry")
    state = store.value("window/state")
    ok = True
    if geometry is not None:
        ok &= isinstance(geometry, QByteArray) and window.restoreGeometry(geometry)
    if state is not None:
        ok &= isinstance(state, QByteArray) and window.restoreState(state)
    if not ok:
        store.remove("window")
        return "The saved window layout could not be read; the default layout is used."
    if geometry is not None:
        keep_on_screen(window)  # saved on a bigger screen, or at another resolution
    return None


def save_layout(window: QMainWindow, store: QSettings) -> None:
    store.setValue("settings_version", SETTINGS_VERSION)
    store.setValue("window/geometry", window.saveGeometry())
    store.setValue("window/state", window.saveState())
