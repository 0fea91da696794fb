"""The small pieces of the file actions: recent paths in QSettings, what
counts as unsaved, and data files dropped on the main window."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMenu

from mlpviz.ui.files.recent import MAX_RECENT, fill_recent_menu, recent_paths, remember_path
from mlpviz.ui.files.unsaved_changes import UnsavedChanges, state_key


def test_recent_paths_newest_first_once_and_capped(settings_store):
    assert recent_paths(settings_store, "k") == []
    for i in range(MAX_RECENT + 3):
        remember_path(settings_store, "k", f"/p{i}")
    remember_path(settings_store, "k", "/p5")
    got = recent_paths(settings_store, "k")
    assert got[0] == "/p5" and len(got) == MAX_RECENT and len(set(got)) == MAX_RECENT
    assert got[1] == f"/p{MAX_RECENT + 2}"
    assert recent_paths(settings_store, "other") == []  # each key is its own list
    settings_store.setValue("bad", 42)
    assert recent_paths(settings_store, "bad") == []
    settings_store.setValue("one", "/only")
    assert recent_paths(settings_store, "one") == ["/only"]


def test_fill_recent_menu_opens_the_chosen_path(qtbot):
    menu = QMenu()
    opened: list[str] = []
    fill_recent_menu(menu, ["/a.csv", "/b.csv"], opened.append, "Open {path}")
    assert [a.text() for a in menu.actions()] == ["/a.csv", "/b.csv"]
    assert menu.actions()[1].statusTip() == "Open /b.csv"
    menu.actions()[1].trigger()
    assert opened == ["/b.csv"]
    fill_recent_menu(menu, [], opened.append)
    (empty,) = menu.actions()
    assert empty.text() == "(none yet)" and not empty.isEnabled()


def _snap(epoch: int, params) -> SimpleNamespace:
    return SimpleNamespace(layer_sizes=(2, 3, 1), epoch=epoch, steps=epoch, params=params)


def test_unsaved_changes_compare_state_data_and_settings():
    problem, spec, settings = object(), "spec", "settings"
    changes = UnsavedChanges(problem, spec, settings)
    params = np.linspace(0.0, 1.0, 13)
    assert not changes.differ(problem, spec, settings, undo_clean=True)
    changes.seen(_snap(0, params))  # a new window's first state counts as saved
    assert not changes.differ(problem, spec, settings, undo_clean=True)
    assert changes.differ(problem, spec, settings, undo_clean=False)
    assert changes.differ(object(), spec, settings, undo_clean=True)
    assert changes.differ(problem, "other spec", settings, undo_clean=True)
    nudged = params.copy()
    nudged[4] = np.nextafter(nudged[4], 2.0)  # one ulp is a change
    changes.seen(_snap(0, nudged))
    assert changes.differ(problem, spec, settings, undo_clean=True)
    assert state_key((2, 3, 1), 0, 0, nudged) == changes.latest
    changes.restored = True
    changes.seen(_snap(0, params))
    assert changes.differ(problem, spec, settings, undo_clean=True)


def _drop(urls: list[QUrl]) -> tuple[QDropEvent, QMimeData]:
    mime = QMimeData()
    mime.setUrls(urls)
    event = QDropEvent(
        QPointF(5, 5),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    return event, mime


def test_a_dropped_local_file_opens_the_dataset_dialog_on_it(window, qtbot, tmp_path):
    event, _mime = _drop([QUrl("https://example.com/data.csv")])
    window.dropEvent(event)
    assert window.data_files.dialog is None
    path = tmp_path / "dropped.csv"
    path.write_text("x, y\n1, 2\n3, 5\n4, 4\n", encoding="utf-8")
    event, _mime = _drop([QUrl.fromLocalFile(str(path))])
    window.dropEvent(event)
    assert event.isAccepted()
    dialog = window.data_files.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.dataset is not None)
    assert dialog.path == str(path)
    dialog.accept()
    qtbot.waitUntil(lambda: window.session.problem.name == "dropped.csv")
    assert window.data_files.recent_files()[0] == str(path)
