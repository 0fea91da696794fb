"""SIGINT and SIGTERM wake the idle GUI loop and call the handler on its thread."""

from __future__ import annotations

import os
import signal
import threading

from mlpviz.ui.shell.quit_signals import QuitSignals


def test_signals_reach_the_handler_on_the_gui_thread(qtbot):
    seen: list[tuple[int, bool]] = []
    main = threading.main_thread()
    q = QuitSignals(lambda s: seen.append((s, threading.current_thread() is main)))
    try:
        os.kill(os.getpid(), signal.SIGTERM)
        qtbot.waitUntil(lambda: len(seen) == 1, timeout=2000)
        os.kill(os.getpid(), signal.SIGINT)
        qtbot.waitUntil(lambda: len(seen) == 2, timeout=2000)
    finally:
        q.uninstall()
    assert seen == [(signal.SIGTERM, True), (signal.SIGINT, True)]


def test_uninstall_restores_the_previous_handlers(qtbot):
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    q = QuitSignals(lambda s: None)
    assert signal.getsignal(signal.SIGTERM) is not before[signal.SIGTERM]
    q.uninstall()
    assert {s: signal.getsignal(s) for s in before} == before
