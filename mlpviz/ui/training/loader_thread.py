"""Run one slow job — loading a CSV file, preparing a big problem — off the GUI thread.

A :class:`BackgroundTask` owns a :class:`~PySide6.QtCore.QThread` and a
QObject worker moved into it, wired as every worker is
(:func:`~mlpviz.ui.training.command_worker.move_to_thread`), with the same
``started`` / ``failed`` / ``finished`` signals as a
:class:`~mlpviz.ui.training.command_worker.CommandWorker`. The job is a plain function
``job(progress, cancel) -> result``:

* ``progress(fraction)`` may be called from the worker thread at any time; it
  only emits a Qt signal, which Qt queues to the GUI thread.
* ``cancel()`` reads a :class:`threading.Event` the GUI thread sets; the job
  polls it between chunks (``load_csv`` does) and raises
  :class:`~mlpviz.data.LoadCancelled` to stop.

Results, errors and cancellations come back as queued signals, so every slot
runs in the GUI thread and never sees a half-built object.

No :class:`QThread` may be destroyed while it runs (Qt aborts the process).
A started task therefore keeps itself alive in a module-level set until its
thread has finished, whatever happens to the dialog that started it.
"""

from __future__ import annotations

import codecs
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from mlpviz.data import Dataset, DatasetError, LoadCancelled, load_csv
from mlpviz.ui.training.command_worker import hand_back, move_to_thread

__all__ = [
    "PREVIEW_ROWS",
    "BackgroundTask",
    "Job",
    "Loaded",
    "load_job",
    "read_head",
    "running_tasks",
]

Job = Callable[[Callable[[float], None], Callable[[], bool]], object]

# Rows of a loaded file the dialog's table preview shows.
PREVIEW_ROWS = 200
# Lines of raw file text kept to show (and to point at a bad line).
HEAD_LINES = 60
_HEAD_BYTES = 1 << 16

# Started tasks whose thread has not finished yet (see the module docstring).
_LIVE: set[BackgroundTask] = set()


def running_tasks() -> int:
    """How many background threads started here are still alive (for tests)."""
    return sum(1 for t in _LIVE if t.thread.isRunning())


class _Worker(QObject):
    """Lives in the background thread and runs the job once."""

    started = Signal()
    progressed = Signal(float)
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    finished = Signal()  # after exactly one of succeeded, failed, cancelled

    def __init__(self, job: Job, cancel: threading.Event) -> None:
        super().__init__()
        self._job = job
        self._cancel = cancel

    def _progress(self, fraction: float) -> None:
        # Called in the worker thread; a signal is the thread-safe way out.
        if not self._cancel.is_set():
            self.progressed.emit(float(fraction))

    @Slot()
    def work(self) -> None:
        self.started.emit()
        try:
            result = self._job(self._progress, self._cancel.is_set)
        except LoadCancelled:
            self.cancelled.emit()
        except Exception as exc:  # any failure must reach the GUI, not end the thread silently
            self.failed.emit(exc)
        else:
            if self._cancel.is_set():
                # Finished in the same instant the user gave up: honour the cancel.
                self.cancelled.emit()
            else:
                self.succeeded.emit(result)
        finally:
            hand_back(self)
            self.finished.emit()


class BackgroundTask(QObject):
    """One job on its own thread, with progress, cancel and a bounded stop.

    Signals (all delivered in the GUI thread; none after :meth:`discard`)
    -------
    started()
        The job began.
    progressed(float)
        Fraction done, in (0, 1].
    succeeded(object)
        The job's return value.
    failed(object)
        The exception the job raised.
    cancelled()
        The job stopped because :meth:`cancel` was called.
    finished()
        The job ended, after one of the three above.
    """

    started = Signal()
    progressed = Signal(float)
    succeeded = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    finished = Signal()

    def __init__(self, job: Job, name: str = "mlpviz-task") -> None:
        # No parent: the dialog may be deleted while the thread still runs.
        super().__init__()
        self._cancel = threading.Event()
        self._discarded = False
        self._worker = _Worker(job, self._cancel)
        # The thread stays this task's (Python's) until it has ended: the
        # dialog and tests ask it isRunning() after that.
        self.thread = move_to_thread(self._worker, name)
        # The task lives in the GUI thread, so these connections are queued.
        self._worker.started.connect(self._on_started)
        self._worker.progressed.connect(self._on_progressed)
        self._worker.succeeded.connect(self._on_succeeded)
        self._worker.failed.connect(self._on_failed)
        self._worker.cancelled.connect(self._on_cancelled)
        self._worker.finished.connect(self._on_finished)
        self.thread.finished.connect(self._release)

    def start(self) -> None:
        """Start the thread; the job begins as soon as it runs."""
        _LIVE.add(self)
        self.thread.start()

    def cancel(self) -> None:
        """Ask the job to stop at its next check (thread-safe, returns at once)."""
        self._cancel.set()

    def discard(self) -> None:
        """Cancel and stop relaying signals: a newer task has taken over."""
        self._discarded = True
        self.cancel()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def is_running(self) -> bool:
        return self.thread.isRunning()

    def stop(self, timeout_ms: int = 2000) -> bool:
        """Discard the task and wait at most ``timeout_ms`` for the thread to end.

        Returns whether it ended. If not (a job that cannot be interrupted),
        the task stays alive on its own until the thread finishes.
        """
        self.discard()
        if not self.thread.isRunning():
            return True
        return bool(self.thread.wait(timeout_ms))

    @Slot()
    def _on_started(self) -> None:
        if not self._discarded:
            self.started.emit()

    @Slot(float)
    def _on_progressed(self, fraction: float) -> None:
        if not self._discarded:
            self.progressed.emit(fraction)

    @Slot(object)
    def _on_succeeded(self, result: object) -> None:
        if not self._discarded:
            self.succeeded.emit(result)

    @Slot(object)
    def _on_failed(self, exc: object) -> None:
        if not self._discarded:
            self.failed.emit(exc)

    @Slot()
    def _on_cancelled(self) -> None:
        if not self._discarded:
            self.cancelled.emit()

    @Slot()
    def _on_finished(self) -> None:
        if not self._discarded:
            self.finished.emit()

    @Slot()
    def _release(self) -> None:
        # finished() is emitted just before the thread really returns; wait
        # for that last instant so the QThread can be destroyed safely.
        self.thread.wait()
        _LIVE.discard(self)


# -- the CSV load job ---------------------------------------------------------------


def read_head(path: str | Path, max_lines: int = HEAD_LINES) -> list[str]:
    """The first lines of a file as text, for display only; [] if unreadable.

    Bytes that are not valid text are replaced rather than refused: the
    loader reports those properly, this only has to show something.
    """
    try:
        with open(path, "rb") as f:
            raw = f.read(_HEAD_BYTES)
            more = bool(f.read(1))
    except OSError:
        return []
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = raw.decode("utf-16", errors="replace")
    else:
        text = raw.decode("utf-8-sig", errors="replace")
    lines = text.replace("\x00", "␀").splitlines()
    if more and lines:
        lines.pop()  # cut mid-line by the byte limit
    return lines[:max_lines]


@dataclass(frozen=True, eq=False)
class Loaded:
    """The outcome of :func:`load_job`: a dataset with its summary, or an error."""

    path: Path | None
    head: list[str]
    dataset: Dataset | None = None
    error: DatasetError | None = None
    minima: np.ndarray = field(default_factory=lambda: np.empty(0))
    maxima: np.ndarray = field(default_factory=lambda: np.empty(0))
    preview: np.ndarray = field(default_factory=lambda: np.empty((0, 0)))

    @classmethod
    def of(cls, dataset: Dataset, head: list[str] | None = None) -> Loaded:
        """Summarize a dataset (column extremes, first rows); O(n·k) numpy work."""
        values = dataset.values
        return cls(
            path=dataset.path,
            head=head or [],
            dataset=dataset,
            minima=values.min(axis=0),
            maxima=values.max(axis=0),
            preview=values[:PREVIEW_ROWS].copy(),
        )


def load_job(path: str | Path) -> Job:
    """A :class:`BackgroundTask` job that loads ``path``.

    A :class:`DatasetError` is returned inside the :class:`Loaded` (with the
    file's first lines, to point at the bad one) instead of raised, so the
    dialog gets both in one message. ``LoadCancelled`` propagates.
    """
    path = Path(path)

    def job(progress: Callable[[float], None], cancel: Callable[[], bool]) -> Loaded:
        head = read_head(path)
        try:
            dataset = load_csv(path, progress=progress, cancel=cancel)
        except DatasetError as exc:
            return Loaded(path=path, head=head, error=exc)
        return Loaded.of(dataset, head)

    return job
