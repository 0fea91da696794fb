"""The GUI tests' leak guard reports what a test starts and leaves going:
a running QThread, an active QTimer, a live training process; and nothing
that was stopped, or started outside the test."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QObject, QThread, QTimer, Signal

from mlpviz.engine.offload.process import OffloadedTraining
from tests.ui import leak_guard

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def record():
    started = leak_guard.begin()
    yield started
    leak_guard.end(started)


def test_a_thread_left_running_is_reported_by_name(record):
    thread = QThread()
    thread.setObjectName("leaky-worker")
    thread.start()
    leaks = leak_guard.still_going(record)
    assert leaks.threads == [thread]
    assert "1 QThread(s) running: ['leaky-worker']" in leaks.messages()[0]
    leaks.stop()
    assert not thread.isRunning()
    assert not leak_guard.still_going(record)


def test_a_finished_thread_is_not_reported(record):
    thread = QThread()
    thread.start()
    thread.quit()
    assert thread.wait(2000)
    assert len(record.threads) == 1
    assert not leak_guard.still_going(record)


def test_an_active_timer_is_reported_and_a_stopped_one_is_not(qapp, record):
    ticking, stopped = QTimer(), QTimer()
    ticking.start(1000)
    stopped.start(1000)
    stopped.stop()
    leaks = leak_guard.still_going(record)
    assert leaks.timers == [ticking]
    assert leaks.messages() == ["test left 1 QTimer(s) active"]
    leaks.stop()
    assert not ticking.isActive()


class _Emitter(QObject):
    with_object = Signal(object)
    with_int = Signal(int)


def test_a_timer_started_by_a_signal_is_recorded_and_starts_as_qt_would(qapp, record):
    # Qt calls a connected start() with the signal's arguments: an int is the
    # interval, anything else is dropped.
    emitter = _Emitter()
    by_object, by_int = QTimer(), QTimer()
    by_object.setInterval(15)
    emitter.with_object.connect(by_object.start)
    emitter.with_int.connect(by_int.start)
    emitter.with_object.emit(emitter)
    emitter.with_int.emit(250)
    assert by_object.isActive() and by_object.interval() == 15
    assert by_int.isActive() and by_int.interval() == 250
    leaks = leak_guard.still_going(record)
    assert sorted(t.interval() for t in leaks.timers) == [15, 250]
    leaks.stop()


def test_a_training_process_left_running_is_reported(record):
    training = OffloadedTraining()
    training._launch()
    try:
        process = training._process
        assert process is not None
        assert leak_guard.still_going(record).processes == [process]
    finally:
        training.close()
    assert not leak_guard.still_going(record)


def test_what_starts_outside_a_record_is_not_in_it(qapp):
    before = QTimer()
    before.start(1000)
    started = leak_guard.begin()
    try:
        during = QTimer()
        during.start(1000)
        assert leak_guard.still_going(started).timers == [during]
    finally:
        leak_guard.end(started)
        before.stop()
        during.stop()
    after = QTimer()
    after.start(1000)
    after.stop()
    assert [r() for r in started.timers] == [during]


@pytest.mark.slow  # a pytest of its own in a new interpreter
def test_the_fixture_fails_a_test_that_leaks_and_passes_one_that_cleans_up(pytester, monkeypatch):
    # The real conftest, run on two tests in a fresh pytest: only the leak fails.
    pytester.makeconftest(
        "from tests.ui.conftest import _no_session_dialogs, no_leaked_threads_or_timers\n"
    )
    pytester.makepyfile(
        textwrap.dedent(
            """
            from PySide6.QtCore import QThread, QTimer

            def test_leaks_a_thread_and_a_timer():
                test_leaks_a_thread_and_a_timer.thread = thread = QThread()
                thread.setObjectName("left-behind")
                thread.start()
                test_leaks_a_thread_and_a_timer.timer = timer = QTimer()
                timer.start(1000)

            def test_cleans_up():
                thread = QThread()
                thread.start()
                timer = QTimer()
                timer.start(1000)
                timer.stop()
                thread.quit()
                thread.wait(2000)
            """
        )
    )
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-o", "qt_api=pyside6")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        ["*ERROR at teardown of test_leaks_a_thread_and_a_timer*"], consecutive=False
    )
    result.stdout.fnmatch_lines(["*test left 1 QThread(s) running: ?'left-behind'?*"])
    result.stdout.fnmatch_lines(["*test left 1 QTimer(s) active*"])
