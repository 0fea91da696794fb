"""The command-queue worker base: commands between steps, Pause, Step, Reset, Speed, Quit.

A counting worker stands in for the training and playground workers: one step
adds one to a counter and logs it, so the log shows exactly what ran between
which commands. Waits are on signals (qtbot.waitSignal), never on sleeps: on
a :class:`Relay`'s, which live in the GUI thread as the app's receivers do
(pytest-qt's blocker is no QObject, so a worker's own signal would reach it in
the worker's thread, racing the wait).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import pytest
import shiboken6
from PySide6.QtCore import QObject, Signal

from mlpviz.ui.training.command_worker import (
    CommandWorker,
    Pause,
    Reset,
    Run,
    Speed,
    Step,
    WorkerThread,
)

WAIT = 5000  # ms; a generous ceiling, the waits end as soon as the signal comes


@dataclass(frozen=True)
class Mark:
    label: str


@dataclass(frozen=True)
class Hold:
    """Blocks the worker, inside a command, until ``release`` is set."""

    release: threading.Event


LIMIT = 3000  # a run pauses here by itself: an endless one would flood the GUI with signals


class Counter(CommandWorker):
    stepped = Signal(int)  # the position after a step
    applied = Signal(str)  # a Mark's label
    reset_done = Signal()
    paused_shown = Signal()

    def __init__(self, speed: float | None = None) -> None:
        super().__init__(speed=speed)
        self.steps = 0
        self.log: list[tuple[str, object, float]] = []  # (what, detail, perf_counter)

    def _position(self) -> int:
        return self.steps

    def _one(self, how: str) -> None:
        self.steps += 1
        self.log.append((how, self.steps, time.perf_counter()))
        self.stepped.emit(self.steps)

    def _advance(self) -> None:
        self._one("run")
        if self.steps >= LIMIT:
            self._stop_running()

    def _step(self, c: Step) -> None:
        for _ in range(c.n):
            self._one("step")

    def _reset(self) -> None:
        self.steps = 0
        self.log.append(("reset", 0, time.perf_counter()))
        self.reset_done.emit()

    def _start_running(self, c: Run) -> None:
        super()._start_running(c)
        self.log.append(("started", self.steps, self._paced_from[0]))

    def _paused(self) -> None:
        self.log.append(("paused", self.steps, time.perf_counter()))
        self.paused_shown.emit()

    def _apply(self, c: object) -> None:
        if isinstance(c, Hold):
            c.release.wait(10.0)
            self.log.append(("held", self.steps, time.perf_counter()))
        elif isinstance(c, Mark):
            self.log.append(("mark", c.label, time.perf_counter()))
            self.applied.emit(c.label)
        else:
            super()._apply(c)


class Relay(QObject):
    """The worker's signals, re-emitted in the GUI thread (queued, as the app receives them)."""

    started = Signal()
    runStateChanged = Signal(bool)
    failed = Signal(str)
    finished = Signal()
    stepped = Signal(int)
    applied = Signal(str)
    reset_done = Signal()

    def __init__(self, worker: Counter, parent: QObject) -> None:
        super().__init__(parent)
        for name in (
            "started",
            "runStateChanged",
            "failed",
            "finished",
            "stepped",
            "applied",
            "reset_done",
        ):
            getattr(worker, name).connect(getattr(self, name))
        self.worker = worker

    def post(self, command: object) -> None:
        self.worker.post(command)

    @property
    def steps(self) -> int:
        return self.worker.steps

    @property
    def log(self) -> list:
        return self.worker.log


@pytest.fixture
def started(qtbot):
    """A Counter running in its WorkerThread; stopped at the end of the test."""
    handles: list[WorkerThread] = []

    def start(speed: float | None = 200.0) -> tuple[Relay, WorkerThread]:
        owner = QObject()
        counter = Counter(speed)
        worker = Relay(counter, owner)
        handle = WorkerThread(counter, "mlpviz-test-worker", owner)
        handle._owner = owner  # keep the parent alive with the handle
        with qtbot.waitSignal(worker.started, timeout=WAIT):
            handle.start()
        handles.append(handle)
        return worker, handle

    yield start
    for handle in handles:
        assert handle.stop()


def _mark(qtbot, worker: Relay, label: str) -> None:
    """Post a Mark and wait until the worker has applied it (and all before it)."""
    with qtbot.waitSignal(worker.applied, timeout=WAIT, check_params_cb=lambda x: x == label):
        worker.post(Mark(label))


def _kinds(log, start: int = 0) -> list[str]:
    return [what for what, _, _ in log[start:]]


def test_commands_queued_during_a_step_all_apply_in_order_before_the_next(qtbot, started):
    worker, _ = started()
    with qtbot.waitSignal(worker.stepped, timeout=WAIT):
        worker.post(Run())
    release = threading.Event()
    worker.post(Hold(release))
    for label in "abc":
        worker.post(Mark(label))
    with qtbot.waitSignal(worker.applied, timeout=WAIT, check_params_cb=lambda x: x == "c"):
        release.set()
    held = _kinds(worker.log).index("held")
    # Posted while the worker was busy: applied together, in order, no step between.
    after = [(what, detail) for what, detail, _ in worker.log[held + 1 : held + 4]]
    assert after == [("mark", "a"), ("mark", "b"), ("mark", "c")]
    assert "run" in _kinds(worker.log)[:held]  # it was running before the hold
    qtbot.waitSignal(worker.stepped, timeout=WAIT).wait()  # and runs on after them


def test_pause_stops_the_steps(qtbot, started):
    worker, _ = started()
    with qtbot.waitSignal(worker.runStateChanged, timeout=WAIT, check_params_cb=bool):
        worker.post(Run())
    qtbot.waitSignal(worker.stepped, timeout=WAIT).wait()
    with qtbot.waitSignal(worker.runStateChanged, timeout=WAIT, check_params_cb=lambda r: not r):
        worker.post(Pause())
    paused_at = worker.steps
    _mark(qtbot, worker, "after")
    assert worker.steps == paused_at
    after_pause = _kinds(worker.log)[_kinds(worker.log).index("paused") :]
    assert after_pause == ["paused", "mark"]


def test_step_runs_exactly_one_and_pauses(qtbot, started):
    worker, _ = started()
    with qtbot.waitSignal(worker.stepped, timeout=WAIT, check_params_cb=lambda n: n == 1):
        worker.post(Step())
    _mark(qtbot, worker, "after")
    assert worker.steps == 1
    assert _kinds(worker.log) == ["step", "mark"]
    # While running, a Step stops the run first: one step, then nothing.
    with qtbot.waitSignal(worker.runStateChanged, timeout=WAIT, check_params_cb=bool):
        worker.post(Run())
    with qtbot.waitSignal(worker.runStateChanged, timeout=WAIT, check_params_cb=lambda r: not r):
        worker.post(Step(n=3))
    _mark(qtbot, worker, "end")
    assert _kinds(worker.log)[-4:] == ["step", "step", "step", "mark"]


def test_reset_pauses_and_starts_over(qtbot, started):
    worker, _ = started()
    with qtbot.waitSignal(worker.stepped, timeout=WAIT, check_params_cb=lambda n: n >= 3):
        worker.post(Run())
    with qtbot.waitSignal(worker.reset_done, timeout=WAIT):
        worker.post(Reset())
    _mark(qtbot, worker, "after")
    assert worker.steps == 0
    assert _kinds(worker.log)[-2:] == ["reset", "mark"]


def test_speed_paces_the_steps(qtbot, started):
    speed = 40.0  # steps a second
    worker, _ = started(speed=speed)
    n = 6
    with qtbot.waitSignal(worker.stepped, timeout=WAIT, check_params_cb=lambda k: k == n):
        worker.post(Run())
    started_at = next(t for what, _, t in worker.log if what == "started")
    runs = [t for what, _, t in worker.log if what == "run"]
    # Step k (from 1) is due (k − 1) / speed after Run: never earlier.
    assert len(runs) == n
    for k, t in enumerate(runs):
        assert t - started_at >= k / speed - 1e-3
    # Unpaced, many steps come in far less time than they would paced.
    with qtbot.waitSignal(worker.runStateChanged, timeout=WAIT, check_params_cb=lambda r: not r):
        worker.post(Speed(None))
    assert worker.steps == LIMIT
    fast = [t for what, k, t in worker.log if what == "run" and k > n + 1]
    assert len(fast) >= 1000
    assert fast[999] - fast[0] < 999 / speed


def test_quit_ends_the_thread(qtbot, started):
    worker, handle = started()
    with qtbot.waitSignal(worker.runStateChanged, timeout=WAIT, check_params_cb=bool):
        worker.post(Run())
    thread = handle.qthread
    with qtbot.waitSignal(worker.finished, timeout=WAIT):
        assert handle.stop()
    assert not thread.isRunning()
    assert not handle.is_running()
    assert handle.stop()  # a second stop is a no-op
    # The thread, the worker and the handle's Qt side go once the thread has ended.
    qtbot.waitUntil(lambda: not shiboken6.isValid(handle), timeout=WAIT)
    assert not shiboken6.isValid(thread)
    assert not shiboken6.isValid(worker.worker)
    assert not handle.is_running() and handle.stop()


def test_an_unknown_command_is_reported_and_the_worker_ends(qtbot, started):
    worker, handle = started()
    with qtbot.waitSignal(worker.failed, timeout=WAIT) as failed:
        worker.post(object())
    assert "Counter has no command" in failed.args[0]
    qtbot.waitUntil(lambda: not handle.is_running(), timeout=WAIT)
