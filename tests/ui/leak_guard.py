"""What a GUI test started and left going: threads, timers, training processes.

Like napari's ``_dangling_qthreads``: ``QThread.start``, ``QTimer.start`` and
the launch of a training process are wrapped once per session, and each
object is recorded, as it starts, in every open :class:`Started` (the running
test's). At the test's end :func:`still_going` checks only those objects,
so the check costs nothing like a walk over the ~80,000 objects of a
window's heap.

Records are weak references: recording never keeps a thread, timer or
training alive longer than the code under test does.
"""

from __future__ import annotations

import operator
import subprocess
import weakref
from dataclasses import dataclass, field

import shiboken6
from PySide6.QtCore import QThread, QTimer

from mlpviz.engine.offload.process import OffloadedTraining

_QTHREAD_START = QThread.start
_QTIMER_START = QTimer.start
_LAUNCH = OffloadedTraining._launch


@dataclass
class Started:
    """Weak references to what was started while this record was current."""

    threads: list[weakref.ref] = field(default_factory=list)
    timers: list[weakref.ref] = field(default_factory=list)
    trainings: list[weakref.ref] = field(default_factory=list)


@dataclass
class Leaks:
    """What a test started and left going."""

    threads: list[QThread]
    timers: list[QTimer]
    processes: list[subprocess.Popen]

    def __bool__(self) -> bool:
        return bool(self.threads or self.timers or self.processes)

    def messages(self) -> list[str]:
        out = []
        if self.threads:
            names = [t.objectName() for t in self.threads]
            out.append(f"test left {len(self.threads)} QThread(s) running: {names}")
        if self.timers:
            out.append(f"test left {len(self.timers)} QTimer(s) active")
        if self.processes:
            out.append(f"test left {len(self.processes)} training process(es) running")
        return out

    def stop(self) -> None:
        """End them all, so one test's leak does not cascade into later tests."""
        for p in self.processes:
            p.kill()
            p.wait()
        for t in self.threads:
            t.quit()
            t.wait(2000)
        for t in self.timers:
            t.stop()


_recording: list[Started] = []


def begin() -> Started:
    """A new record; everything started from now on goes into it (and into
    any record begun before it and not yet ended)."""
    started = Started()
    _recording.append(started)
    return started


def end(started: Started) -> None:
    """Stop recording into ``started`` (objects started between tests belong to no test)."""
    _recording.remove(started)


def _record(kind: str, obj) -> None:
    ref = weakref.ref(obj)
    for started in tuple(_recording):
        getattr(started, kind).append(ref)


def _thread_start(self, *args):
    _record("threads", self)
    return _QTHREAD_START(self, *args)


def _timer_start(self, *args):
    _record("timers", self)
    # A signal connected to ``start`` calls it with the signal's own arguments;
    # Qt's slot resolution makes that start(msec) for an integer and start()
    # for anything else (a pyqtgraph ViewBox).
    if args:
        try:
            operator.index(args[0])
        except TypeError:
            args = ()
    return _QTIMER_START(self, *args)


def _launch(self):
    _record("trainings", self)
    return _LAUNCH(self)


def install() -> None:
    """Wrap the three ways a test starts something; idempotent."""
    QThread.start = _thread_start
    QTimer.start = _timer_start
    OffloadedTraining._launch = _launch


def _valid(refs: list[weakref.ref]) -> list:
    objects = (r() for r in refs)
    return [o for o in objects if o is not None and shiboken6.isValid(o)]


def still_going(started: Started) -> Leaks:
    """The recorded threads still running, timers still active, and training
    processes still alive (a process outliving its worker would train on, unseen)."""
    threads = list({id(t): t for t in _valid(started.threads) if t.isRunning()}.values())
    timers = list({id(t): t for t in _valid(started.timers) if t.isActive()}.values())
    trainings = {id(o): o for o in (r() for r in started.trainings) if o is not None}
    processes = [
        o._process
        for o in trainings.values()
        if o._process is not None and o._process.poll() is None
    ]
    return Leaks(threads, timers, processes)
