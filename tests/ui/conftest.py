"""GUI test fixtures: every test must leave no thread running and no timer ticking.

Like napari's conftest: a test that leaks a QThread or an active QTimer fails,
because in the app such a leak is a worker that survives its window or a
redraw loop that never stops.
"""

from __future__ import annotations

import gc

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QSettings, QThread, QTimer

from mlpviz.engine.offload.process import OffloadedTraining

_WATCHED = (QThread, QTimer, OffloadedTraining)


def _live() -> dict[type, list]:
    """The live objects of each watched kind, from one pass over the heap.

    One pass, not one per kind: a window's heap holds ~80,000 objects, and
    each pass costs ~30 ms of every GUI test's set-up and teardown.
    """
    found: dict[type, list] = {kind: [] for kind in _WATCHED}
    for o in gc.get_objects():
        if isinstance(o, _WATCHED):
            for kind in _WATCHED:
                if isinstance(o, kind):
                    found[kind].append(o)
    return found


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
    gc.collect()
    gc.disable()
    before = {id(o) for objects in _live().values() for o in objects}
    try:
        yield
    finally:
        gc.enable()
    _drain()
    live = _live()
    threads = [t for t in live[QThread] if id(t) not in before and _alive(t) and t.isRunning()]
    timers = [t for t in live[QTimer] if id(t) not in before and _alive(t) and t.isActive()]
    # A training process outliving its worker would train on, unseen.
    processes = [
        o._process
        for o in live[OffloadedTraining]
        if id(o) not in before and o._process is not None and o._process.poll() is None
    ]
    for p in processes:
        p.kill()
        p.wait()
    for t in threads:  # stop them so one leak does not cascade into later tests
        t.quit()
        t.wait(2000)
    for t in timers:
        t.stop()
    assert not threads, (
        f"test left {len(threads)} QThread(s) running: {[t.objectName() for t in threads]}"
    )
    assert not timers, f"test left {len(timers)} QTimer(s) active"
    assert not processes, f"test left {len(processes)} training process(es) running"


def _alive(obj) -> bool:
    import shiboken6

    return shiboken6.isValid(obj)


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
