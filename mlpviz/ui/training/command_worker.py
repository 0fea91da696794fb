"""A worker that lives in a QThread of its own and takes commands between steps.

:class:`CommandWorker` is the base of the training worker and of the optimizer
playground's worker. The GUI thread only ever :meth:`~CommandWorker.post`\\ s a
command (thread-safe, returns at once); the worker applies every queued
command before its next step, in the order they were posted, and never in the
middle of a step. Run, Pause, Step, Reset, Speed and Quit mean the same for
every worker and are handled here; a subclass says what one step is
(:meth:`~CommandWorker._advance`, :meth:`~CommandWorker._step`), what a reset
is (:meth:`~CommandWorker._reset`) and applies its own commands
(:meth:`~CommandWorker._apply`).

Pacing: while running at ``speed`` steps a second, step *k* after Run (or after
a Speed) is due ``(k − 1) / speed`` seconds later; between due steps the worker
sleeps on its queue, so a command wakes it at once. At full speed it steps in
chunks sized to take about ``CHUNK_SECONDS`` each, so a command waits no longer.

:class:`WorkerThread` starts a worker in its thread and stops it, from the GUI
thread, wired the same way every time (superqt's pattern): ``moveToThread``,
``thread.started → work``, ``finished → thread.quit``, ``deleteLater`` on both.
It stops the worker when asked (its owner's close) and on
``QCoreApplication.aboutToQuit``: a QThread destroyed while it runs aborts the
process, and ``QApplication.exit()`` may come while a run goes on.
"""

from __future__ import annotations

import queue
import time
import traceback
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, Slot

STOP_TIMEOUT_MS = 2000  # the longest a close waits for a worker's thread to end


# -- the commands every worker understands ------------------------------------------------


@dataclass(frozen=True)
class Run:
    count: int | None = None  # steps to run (the trainer's: epochs); None: until paused


@dataclass(frozen=True)
class Pause:
    pass


@dataclass(frozen=True, kw_only=True)
class Step:
    """``n`` steps, then pause; ``kind`` names the step where a worker has several.

    Keyword-only: a worker reads only the field it has, so a positional value
    must not land silently in the other one.
    """

    kind: str = "epoch"  # the training worker's: "sample", "batch" or "epoch"
    n: int = 1


@dataclass(frozen=True)
class Reset:
    pass


@dataclass(frozen=True)
class Speed:
    per_second: float | None  # steps (the trainer's: epochs) a second; None: as fast as possible


@dataclass(frozen=True)
class Quit:
    pass


# -- the worker ---------------------------------------------------------------------------


class CommandWorker(QObject):
    """Steps while running, applies posted commands between steps; see the module docstring.

    Everything but :meth:`post` runs in the worker's thread.
    """

    started = Signal()  # work began, in the worker's thread
    runStateChanged = Signal(bool)
    failed = Signal(str)  # a command could not be applied, or the worker stopped
    finished = Signal()  # work ended; the last signal the worker emits

    NAME = "worker"  # in the message of a worker that stopped on an unexpected error
    CHUNK_SECONDS = 0.010  # full speed: stepping time between looks at the queue
    MAX_CHUNK = 4096  # full speed: most steps in one chunk

    def __init__(self, speed: float | None = None) -> None:
        super().__init__()
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._running = False
        self._speed = speed
        self._paced_from: tuple[float, int] = (0.0, 0)  # (time, position) pacing counts from
        self._chunk = 1  # steps in the next full-speed chunk (see _adapt_chunk)

    # -- called from the GUI thread -----------------------------------------------------

    def post(self, command: object) -> None:
        """Queue a command (thread-safe, returns at once); it is applied before the next step."""
        self._queue.put(command)
        self._posted()

    def _posted(self) -> None:
        """Called in the posting thread after each post (a hook to wake a waiting step)."""

    # -- the worker thread --------------------------------------------------------------

    @Slot()
    def work(self) -> None:
        self.started.emit()
        try:
            self._begin()
            while True:
                try:
                    command = self._queue.get(timeout=self._idle_wait())
                except queue.Empty:
                    command = None
                if isinstance(command, Quit):
                    break
                if command is not None:
                    self._command(command)
                    continue  # everything queued first, then step on
                if self._running:
                    self._advance()
        except Exception:  # pragma: no cover - last resort, shown to the user
            self.failed.emit(f"The {self.NAME} stopped:\n" + traceback.format_exc(limit=4))
        finally:
            try:
                self._end()
            finally:
                hand_back(self)
                self.finished.emit()

    def _idle_wait(self) -> float | None:
        """Seconds to wait for a command before the next step; None: until one comes."""
        if not self._running:
            return None
        if self._speed is None:
            return 0.0
        t0, n0 = self._paced_from
        due = t0 + (self._position() - n0) / self._speed
        return max(0.0, due - time.perf_counter())

    def _steps_due(self) -> int:
        """Paced: how many steps are due now (≤ 0 when the next one is not)."""
        t0, n0 = self._paced_from
        assert self._speed is not None
        return n0 + int((time.perf_counter() - t0) * self._speed) + 1 - self._position()

    def _restart_pacing(self) -> None:
        self._paced_from = (time.perf_counter(), self._position())

    def _adapt_chunk(self, took: float) -> None:
        """Grow or shrink the full-speed chunk so one takes about CHUNK_SECONDS."""
        if took < self.CHUNK_SECONDS / 2:
            self._chunk = min(self._chunk * 2, self.MAX_CHUNK)
        elif took > self.CHUNK_SECONDS * 2 and self._chunk > 1:
            self._chunk //= 2

    def _command(self, c: object) -> None:
        """Apply one command; subclasses wrap this to report what cannot be applied."""
        self._dispatch(c)

    def _dispatch(self, c: object) -> None:
        if isinstance(c, Run):
            self._start_running(c)
        elif isinstance(c, Pause):
            self._stop_running()
            self._paused()
        elif isinstance(c, Step):
            self._stop_running()
            self._step(c)
        elif isinstance(c, Reset):
            self._stop_running()
            self._reset()
        elif isinstance(c, Speed):
            self._speed = c.per_second
            self._restart_pacing()
        else:
            self._apply(c)

    def _start_running(self, c: Run) -> None:
        self._running = True
        self._restart_pacing()
        self._chunk = 1
        self.runStateChanged.emit(True)

    def _stop_running(self) -> None:
        if self._running:
            self._running = False
            self.runStateChanged.emit(False)

    # -- what a subclass says -----------------------------------------------------------

    def _begin(self) -> None:
        """Runs first in the worker's thread, before any command."""

    def _end(self) -> None:
        """Runs last in the worker's thread, however work ended."""

    def _position(self) -> int:
        """Steps done so far (pacing counts them)."""
        raise NotImplementedError

    def _advance(self) -> None:
        """While running: the steps due now (one chunk at full speed)."""
        raise NotImplementedError

    def _step(self, c: Step) -> None:
        """Step: ``c.n`` steps of ``c.kind`` while paused, and show the result."""
        raise NotImplementedError

    def _reset(self) -> None:
        """Reset: back to the start, paused, and show it."""
        raise NotImplementedError

    def _paused(self) -> None:
        """Pause: show the state the run reached."""

    def _apply(self, c: object) -> None:
        """A command of the subclass's own."""
        raise TypeError(f"{type(self).__name__} has no command {c!r}")


def hand_back(worker: QObject) -> None:
    """Called by a worker in its own thread as its work ends, before ``finished``:
    move it to the GUI thread, so it is deleted there.

    Deleting a Python-made QObject in another thread takes Qt's signal locks and
    then waits for the GIL, while the GUI thread may hold the GIL and wait for
    one of those locks (connecting a signal): a deadlock. The GUI thread deletes
    it holding the GIL.
    """
    app = QCoreApplication.instance()
    if app is not None:
        worker.moveToThread(app.thread())


def move_to_thread(worker: QObject, name: str) -> QThread:
    """A new, not yet started QThread named ``name`` that runs ``worker.work()`` once.

    ``worker`` needs a ``work`` slot and a ``finished`` signal, emitted last,
    after :func:`hand_back`. The thread quits as soon as ``finished`` is emitted
    (a direct call, in the worker's thread: it must not wait for the GUI thread,
    which may be waiting for this one); the worker is then deleted in the GUI
    thread.
    """
    thread = QThread()
    thread.setObjectName(name)
    worker.moveToThread(thread)
    thread.started.connect(worker.work)
    worker.finished.connect(thread.quit, Qt.ConnectionType.DirectConnection)
    worker.finished.connect(worker.deleteLater)
    return thread


class WorkerThread(QObject):
    """A :class:`CommandWorker` running in a QThread of its own, as the GUI thread holds it.

    Give it a ``parent`` that outlives the worker's use (the window or session);
    its :meth:`stop` runs on ``QCoreApplication.aboutToQuit`` while it lives. Its
    Qt side is deleted once the thread has ended; :meth:`stop` and
    :meth:`is_running` still answer (True, False) through the Python object.
    """

    def __init__(self, worker: CommandWorker, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.worker = worker
        self.qthread = move_to_thread(worker, name)
        self.qthread.finished.connect(self.qthread.deleteLater)
        # Gone with its thread: an owner that starts a new worker keeps no old one.
        self.qthread.finished.connect(self.deleteLater)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)

    def start(self) -> None:
        self.qthread.start()

    def is_running(self) -> bool:
        return shiboken6.isValid(self.qthread) and self.qthread.isRunning()

    @Slot()
    def stop(self, timeout_ms: int = STOP_TIMEOUT_MS) -> bool:
        """Post Quit and wait at most ``timeout_ms`` for the thread to end; True if it did.

        The worker leaves after the step it is in: a step is kept short (one
        chunk) for this bound.
        """
        if not self.is_running():
            return True
        self.worker.post(Quit())
        return bool(self.qthread.wait(timeout_ms))
