"""Settings the app cannot use: written by a newer mlpviz, or corrupted.

The app must start anyway, with the default layout and no recent files, say
so in its banner, and leave a clean settings file behind, so the next start is
normal again. Settings it can use (its own version, or an older file without
a version) are kept.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from mlpviz.ui.shell.main_window import MainWindow
from mlpviz.ui.shell.window_settings import SETTINGS_VERSION

RESET = "reset to the defaults"
LAYOUT = "layout could not be read"


def _write(store: QSettings, content: bytes | str) -> None:
    """Replace the INI file behind ``store`` and make ``store`` read it again."""
    path = Path(store.fileName())
    if isinstance(content, str):
        content = content.encode()
    path.write_bytes(content)
    store.sync()  # nothing pending in memory: this re-reads the file


def _open(qtbot, store: QSettings) -> MainWindow:
    window = MainWindow(settings_store=store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def _banner(window: MainWindow) -> str:
    return window.banner.text.text() if window.banner.isVisible() else ""


def _saved_layout(qtbot, store: QSettings) -> None:
    """A real saved layout (tables dock closed) and a recent file, as a session leaves them."""
    window = _open(qtbot, store)
    window.tables_dock.hide()
    window.data_files.remember("/data/scores.csv")
    window.close()
    store.sync()
    assert store.value("window/state") is not None


def test_own_settings_are_restored_without_a_word(qtbot, settings_store):
    _saved_layout(qtbot, settings_store)
    window = _open(qtbot, settings_store)
    assert _banner(window) == ""
    assert not window.tables_dock.isVisible()  # the saved layout
    assert window.data_files.recent_files() == ["/data/scores.csv"]
    window.close()


def test_settings_from_a_newer_version_are_reset_and_said_so(qtbot, settings_store):
    _saved_layout(qtbot, settings_store)
    settings_store.setValue("settings_version", 99)
    settings_store.setValue("window/future_panel", "something v99 knows")
    settings_store.sync()

    window = _open(qtbot, settings_store)

    text = _banner(window)
    assert "newer mlpviz" in text and "99" in text and RESET in text
    # Defaults: the layout the newer version saved is not used, nor its files.
    assert window.tables_dock.isVisible()
    assert window.data_files.recent_files() == []
    assert window.session.problem.name == "exam-scores"
    # The store now holds only what this version wrote.
    assert settings_store.allKeys() == ["settings_version"]
    assert int(settings_store.value("settings_version")) == SETTINGS_VERSION
    window.close()


@pytest.mark.parametrize(
    "version", ["abc", "1.5", "1, 2", "\xff\xfe", "99999999999999999999999"], ids=repr
)
def test_an_unreadable_or_absurd_version_resets(qtbot, settings_store, version):
    _write(settings_store, f"[General]\nsettings_version={version}\nrecent_files=/x.csv\n")
    window = _open(qtbot, settings_store)
    assert RESET in _banner(window)
    assert window.data_files.recent_files() == []
    window.close()


def test_an_older_file_without_a_version_is_kept(qtbot, settings_store):
    """Files from before ``settings_version`` existed are this format: keep them."""
    _write(settings_store, "[General]\nrecent_files=/old/a.csv, /old/b.csv\nlast_dir=/old\n")
    window = _open(qtbot, settings_store)
    assert _banner(window) == ""
    assert window.data_files.recent_files() == ["/old/a.csv", "/old/b.csv"]
    window.close()


@pytest.mark.parametrize(
    "content",
    [
        "[window]\nstate=not a byte array\n",
        "[window]\nstate=@ByteArray(garbage)\n",
        "[window]\nstate=@ByteArray()\ngeometry=@ByteArray()\n",
        "[window]\ngeometry=@ByteArray(\\0\\x1\\xd9\\xd0\\0\\x3)\n",
        "[window]\nstate=@Variant(\\0\\0\\0\\x2\\0\\0\\0\\x5)\n",
    ],
    ids=["string", "junk-bytes", "empty", "truncated-geometry", "an-int"],
)
def test_a_bogus_window_layout_falls_back_to_the_default(qtbot, settings_store, content):
    _write(settings_store, f"[General]\nsettings_version=1\nrecent_files=/kept.csv\n{content}")
    window = _open(qtbot, settings_store)
    assert LAYOUT in _banner(window)
    assert all(d.isVisible() for d in (window.tables_dock, window.loss_dock))
    # Only the layout is dropped; the rest of a readable file is kept.
    assert window.data_files.recent_files() == ["/kept.csv"]
    assert not any(k.startswith("window/") for k in settings_store.allKeys())
    window.close()


def test_an_ini_the_parser_refuses_resets(qtbot, settings_store):
    _write(settings_store, "[[[[\n===\n]]]]\nrecent_files=/x.csv\n")
    assert settings_store.status() == QSettings.Status.FormatError
    window = _open(qtbot, settings_store)
    assert "could not be read" in _banner(window) and RESET in _banner(window)
    assert window.data_files.recent_files() == []
    window.close()


def test_a_settings_path_that_cannot_be_opened(qtbot, tmp_path):
    folder = tmp_path / "mlpviz.ini"
    folder.mkdir()  # a folder where the file should be
    store = QSettings(str(folder), QSettings.Format.IniFormat)
    window = _open(qtbot, store)
    assert "could not be read" in _banner(window)
    assert window.session.problem.name == "exam-scores"
    window.close()  # saving fails quietly: closing must still work
    assert not window.session.thread.isRunning()


def test_recovery_sticks_the_next_start_is_normal(qtbot, settings_store):
    _write(settings_store, "[General]\nsettings_version=99\n")
    first = _open(qtbot, settings_store)
    assert RESET in _banner(first)
    first.loss_dock.hide()
    first.close()
    settings_store.sync()
    assert int(settings_store.value("settings_version")) == SETTINGS_VERSION

    second = _open(qtbot, settings_store)
    assert _banner(second) == ""
    assert not second.loss_dock.isVisible()  # the layout saved after the reset
    second.close()


@pytest.mark.parametrize(
    "content", [bytes(range(256)) * 4, b"\x00\x00\x00garbage\x00"], ids=["binary", "nul"]
)
def test_binary_garbage_is_reported(qtbot, settings_store, content):
    _write(settings_store, content)
    window = _open(qtbot, settings_store)
    assert window.session.problem.name == "exam-scores"  # starts, with defaults …
    assert "could not be read" in _banner(window)  # … and says so
    window.close()


def test_a_mistyped_recent_files_value_is_ignored(qtbot, settings_store):
    _write(settings_store, "[General]\nsettings_version=1\nrecent_files=@ByteArray(xyz)\n")
    window = _open(qtbot, settings_store)
    assert window.data_files.recent_files() == []
    window.close()
