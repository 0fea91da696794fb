"""SIGINT and SIGTERM: unsaved work goes to the autosave, nothing is asked, the app quits."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from mlpviz.io import session_file
from mlpviz.ui.files import autosave_file
from mlpviz.ui.shell.quit_signals import QuitSignals
from tests.ui.session_helpers import side_actions

ROOT = Path(__file__).resolve().parents[2]


def never_asked(*_):
    raise AssertionError("a quit on a signal asks nothing")


def test_sigterm_writes_the_autosave_and_closes_without_asking(window, qtbot):
    actions = window.session_actions
    actions.ask = actions.ask_restore = never_asked
    for _ in range(3):
        window.controls.step_epoch.trigger()
    qtbot.waitUntil(lambda: window.session.latest.epoch == 3 and actions.is_dirty)
    auto = actions.autosave_path
    assert not auto.exists()
    signals = QuitSignals(window.quit_on_signal, window)
    try:
        started = time.monotonic()
        os.kill(os.getpid(), signal.SIGTERM)
        qtbot.waitUntil(lambda: not window.isVisible(), timeout=3000)
        assert time.monotonic() - started < 2.0
    finally:
        signals.uninstall()
    # Kept for the next start, which offers it as after a crash.
    assert session_file.load_session(auto).state["epoch"] == 3
    assert actions.keep_autosave


def test_a_clean_window_quits_on_sigint_and_leaves_no_autosave(window, qtbot):
    actions = window.session_actions
    actions.ask = never_asked
    assert not actions.is_dirty
    window.quit_on_signal(signal.SIGINT)
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=3000)
    assert not actions.autosave_path.exists()


def test_an_autosave_that_cannot_be_restored_is_set_aside_not_deleted(
    qtbot, settings_store, tmp_path
):
    from mlpviz.ui.shell.main_window import MainWindow

    w = MainWindow(settings_store=settings_store)
    qtbot.addWidget(w)
    auto = tmp_path / "auto" / "autosave.mlpviz"
    auto.parent.mkdir()
    newer = '{"format": "mlpviz-session", "version": 999}'
    auto.write_text(newer)
    actions = side_actions(w, auto)
    actions.ask_restore = lambda path: True
    assert not actions.offer_restore()
    kept = auto.with_name("autosave-unreadable-1.mlpviz")
    assert not auto.exists() and kept.read_text() == newer
    assert str(kept) in w.banner.text.text() and "newer" in w.banner.text.text()
    assert autosave_file.set_aside(tmp_path / "missing.mlpviz") is None
    actions.autosave_timer.stop()
    w.close()


# The real app, started as `mlpviz` starts it, saying "ready" once its window is
# up (after the signal handlers are installed), so the test waits on that line.
APP = """
import sys
import mlpviz.ui.shell.app as app
settle = app.settle_heap
def ready():
    settle()
    print("ready", flush=True)
app.settle_heap = ready
from mlpviz.cli import main
sys.exit(main([]))
"""


def test_the_app_quits_on_sigint_within_two_seconds(tmp_path):
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        HOME=str(tmp_path),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        PYTHONPATH=str(ROOT),
    )
    p = subprocess.Popen(
        [sys.executable, "-c", APP],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        ready, _, _ = select.select([p.stdout], [], [], 60)
        assert ready and p.stdout.readline().strip() == "ready", p.stderr.read()
        p.send_signal(signal.SIGINT)
        started = time.monotonic()
        code = p.wait(timeout=10)
        assert time.monotonic() - started < 2.0
        err = p.stderr.read()
        assert code == 0, err
        assert "Traceback" not in err and "KeyboardInterrupt" not in err
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        p.stdout.close()
        p.stderr.close()
