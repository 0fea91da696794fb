"""GUI test fixtures: every test must leave no thread running and no timer ticking.

Like napari's conftest: a test that leaks a QThread or an active QTimer fails,
because in the app such a leak is a worker that survives its window or a
redraw loop that never stops. :mod:`tests.ui.leak_guard` records what each
test starts; the check looks at those objects only.
"""

from __future__ import annotations

import gc

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QSettings

from tests.ui import leak_guard

leak_guard.install()


def _drain() -> None:
    for _ in range(3):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        QCoreApplication.processEvents()


@pytest.fixture(autouse=True)
def no_leaked_threads_or_timers(qapp):
    # Collect the previous tests' garbage now, while no worker thread runs, and
    # not during this test: a cycle holding Qt wrappers of closed windows, torn
    # down by the collector in the middle of a live training run, has crashed
    # PySide6 here (a segfault "Garbage-collecting" in the GUI thread while the
    # worker trained). Refcounting still frees everything else as usual.
    # Then freeze what survived: this pass walks only what the previous test
    # left, and a test that unfreezes the heap (the app's settle_heap test, the
    # benchmarks) does not leave the tests after it walking everything again.
    gc.collect()
    gc.freeze()
    gc.disable()
    started = leak_guard.begin()
    try:
        yield
    finally:
        gc.enable()
        _drain()
        leak_guard.end(started)
    leaks = leak_guard.still_going(started)
    leaks.stop()
    assert not leaks, "; ".join(leaks.messages())


@pytest.fixture
def settings_store(tmp_path):
    """A QSettings in a temp folder, so tests never read or write the user's settings."""
    return QSettings(str(tmp_path / "mlpviz.ini"), QSettings.Format.IniFormat)


@pytest.fixture(autouse=True)
def _no_session_dialogs(monkeypatch, tmp_path):
    """Closing a window with unsaved training asks Save/Discard/Cancel, and a
    crash leaves an autosave: in tests, discard, never restore, and keep the
    autosave in a temp folder instead of the user's data directory."""
    from mlpviz.ui.files import session_actions as sa

    monkeypatch.setattr(sa, "default_autosave_path", lambda: tmp_path / "autosave.mlpviz")
    monkeypatch.setattr(sa.SessionActions, "_ask_save", lambda self: "discard")
    monkeypatch.setattr(sa.SessionActions, "_ask_restore", lambda self, path: False)


@pytest.fixture
def window(qtbot, settings_store):
    """The main window, shown, with the worker's first snapshot arrived."""
    from mlpviz.ui.shell.main_window import MainWindow

    w = MainWindow(settings_store=settings_store)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.session.latest is not None)
    yield w
    w.close()
