"""The GUI side of training: starts the worker thread, forwards commands,
and hands the views at most ~30 snapshots a second.

Views subscribe to :attr:`Session.updated` and :attr:`Session.architectureChanged`;
they never talk to the worker, and nothing here blocks the GUI thread
(except :meth:`shutdown`, which waits a bounded time for the thread to end;
it runs on the window's close and on ``QCoreApplication.aboutToQuit``).
"""

from __future__ import annotations

import dataclasses
import time

import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QThread, QTimer, Signal

from mlpviz.data.problem import Problem
from mlpviz.engine.settings import NetworkSpec, TrainingSettings
from mlpviz.ui.training import worker_commands as cmd
from mlpviz.ui.training.command_worker import (
    STOP_TIMEOUT_MS,
    Pause,
    Reset,
    Run,
    Speed,
    Step,
    WorkerThread,
)
from mlpviz.ui.training.runs import RestartFrom, RunsKeeper
from mlpviz.ui.training.snapshot import Snapshot
from mlpviz.ui.training.worker import TrainingWorker

REFRESH_HZ = 30
MIN_FRAME_GAP = 1.0 / (REFRESH_HZ + 10)  # seconds; frames come no closer than this
# Posted at low priority after a frame's updates: Qt posts the window's repaint
# (UpdateRequest) at low priority too and handles equal priorities in order,
# so this event arrives once the frame has been painted, not before.
_FRAME_DRAWN = QEvent.Type(QEvent.registerEventType())
_LOW_PRIORITY = Qt.EventPriority.LowEventPriority.value
FRAME_HOPS = 2


class Session(QObject):
    updated = Signal(object)  # Snapshot, ≤ REFRESH_HZ per second
    architectureChanged = Signal(object)  # the first Snapshot of a new network
    problemChanged = Signal(object)  # Problem
    diverged = Signal(str)
    failed = Signal(str)
    runStateChanged = Signal(bool)
    runProgress = Signal(int, int)
    runStopped = Signal(str)
    notice = Signal(str)  # for the status bar: e.g. the training process was restarted
    predictionsReady = Signal(object, int)
    stateReady = Signal(int, object)  # token, training_state.TrainingState

    def __init__(
        self,
        problem: Problem,
        spec: NetworkSpec,
        settings: TrainingSettings,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.problem, self.spec, self.settings = problem, spec, settings
        self.latest: Snapshot | None = None
        self.running = False
        self._pending: Snapshot | None = None
        self._pending_losses: list[np.ndarray] = []
        self._pending_tests: list[np.ndarray] = []
        self._pending_start = 0
        self._pending_archive = None
        self._layout: tuple | None = None
        self.frames = 0  # view refreshes delivered (for the benchmark)
        self._last_flush = 0.0
        self._frame_hops = 0

        self.worker = TrainingWorker(problem, spec, settings)
        # Stops the worker on aboutToQuit too, while this session lives.
        self._worker_thread = WorkerThread(self.worker, "mlpviz-training", self)
        self.worker.snapshotReady.connect(self._receive)
        self.worker.diverged.connect(self.diverged)
        self.worker.failed.connect(self.failed)
        self.worker.runStateChanged.connect(self._run_state)
        self.worker.runProgress.connect(self.runProgress)
        self.worker.runStopped.connect(self.runStopped)
        self.worker.notice.connect(self.notice)
        self.worker.predictionsReady.connect(self.predictionsReady)
        # A saved state carries the kept runs (see mlpviz.io.session_runs).
        self.runs = RunsKeeper(self)
        self.worker.runKept.connect(self.runs.add)
        self.worker.stateReady.connect(self._state_ready)

        # Flushes a snapshot that arrived too soon after the last frame. Single
        # shot, started only then: a periodic timer would wake the GUI thread
        # 30 times a second for nothing, and every wake-up takes the GIL from
        # a training worker (about a millisecond each on these machines).
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._flush)
        self._worker_thread.start()

    # -- commands ---------------------------------------------------------------

    def step(self, kind: str) -> None:
        self.worker.post(Step(kind=kind))

    def run(self, epochs: int | None = None) -> None:
        self.worker.post(Run(epochs))

    def pause(self) -> None:
        self.worker.post(Pause())

    def toggle_run(self) -> None:
        self.pause() if self.running else self.run()

    def reset(self) -> None:
        self.worker.post(Reset())

    def set_param(self, param: tuple, value: float) -> None:
        self.worker.post(cmd.SetParam(param, float(value)))

    def set_params(self, params: np.ndarray) -> None:
        self.worker.post(cmd.SetParams(np.array(params, dtype=float)))

    def select(self, sample: int | None = None, pair: tuple | None = None) -> None:
        self.worker.post(cmd.Select(sample, pair))

    def show_surfaces(self, names: set[str]) -> None:
        """Compute only the surfaces a view is showing."""
        self.worker.post(cmd.Surfaces(frozenset(names)))

    def rewind(self, epoch: int) -> None:
        self.worker.post(cmd.Rewind(int(epoch)))

    def unrewind(self) -> None:
        self.worker.post(cmd.Unrewind())

    def swap_data(self, problem: Problem) -> None:
        """Same columns, other rows: keep training (used while drawing points)."""
        self.problem = problem
        self.problemChanged.emit(problem)
        self.worker.post(cmd.SwapData(problem))

    def request_state(self, token: int = 0) -> None:
        """Ask the worker for the whole training state; answered by :attr:`stateReady`."""
        self.worker.post(cmd.GetState(token))

    def set_state(
        self, problem: Problem, spec: NetworkSpec, settings: TrainingSettings, state: dict
    ) -> None:
        """Replace data, network, settings and training state (opening a session)."""
        self.problem, self.spec, self.settings = problem, spec, settings
        self.problemChanged.emit(problem)
        self.worker.post(cmd.SetState(problem, spec, settings, state))

    def restart_from(
        self,
        params: np.ndarray | None = None,
        spec: NetworkSpec | None = None,
        settings: TrainingSettings | None = None,
    ) -> None:
        """Train again from ``params`` (None: the current run's start), bit for bit, under
        ``spec`` and ``settings`` (None: the current ones); the run so far is kept."""
        self.spec, self.settings = spec or self.spec, settings or self.settings
        copied = None if params is None else np.array(params, dtype=np.float64)
        self.worker.post(RestartFrom(copied, spec, settings))

    def request_predictions(self) -> None:
        self.worker.post(cmd.Predict())

    def set_speed(self, epochs_per_second: float | None) -> None:
        self.worker.post(Speed(epochs_per_second))

    def configure(
        self,
        problem: Problem | None = None,
        spec: NetworkSpec | None = None,
        settings: TrainingSettings | None = None,
        reinit: bool = False,
    ) -> None:
        self.problem = problem or self.problem
        self.spec = spec or self.spec
        self.settings = settings or self.settings
        if problem is not None:
            self.problemChanged.emit(problem)
        self.worker.post(cmd.Configure(problem, spec, settings, reinit))

    def resize(self, spec: NetworkSpec, params: np.ndarray | None = None) -> None:
        """Other hidden layers, keeping the weights whose places remain (or ``params``)."""
        self.spec = spec
        self.worker.post(cmd.Resize(spec, None if params is None else np.array(params, float)))

    def shutdown(self, timeout_ms: int = STOP_TIMEOUT_MS) -> bool:
        """Stop the worker and its thread; True if it ended within the timeout."""
        self._timer.stop()
        return self._worker_thread.stop(timeout_ms)

    @property
    def thread(self) -> QThread:
        return self._worker_thread.qthread

    # -- snapshots ----------------------------------------------------------------

    def _state_ready(self, token: int, ts) -> None:
        self.stateReady.emit(token, dataclasses.replace(ts, runs=self.runs.records))

    def _run_state(self, running: bool) -> None:
        self.running = running
        self.runStateChanged.emit(running)

    def _receive(self, snap: Snapshot) -> None:
        # Keep only the newest snapshot, but every loss block, so the curve is whole.
        # A block that starts before the pending ones end (a reset or rewind)
        # replaces what it overlaps.
        pending = sum(len(b) for b in self._pending_losses)
        if (
            self._pending is None
            or snap.loss_archive is not None
            or not (self._pending_start <= snap.loss_start <= self._pending_start + pending)
        ):
            self._pending_losses, self._pending_tests = [], []
            self._pending_start = snap.loss_start
            self._pending_archive = snap.loss_archive
        elif snap.loss_start < self._pending_start + pending:
            keep = snap.loss_start - self._pending_start
            losses = np.concatenate(self._pending_losses)[:keep]
            tests = np.concatenate(self._pending_tests)
            self._pending_losses, self._pending_tests = [losses], [tests[: min(keep, len(tests))]]
        self._pending_losses.append(snap.new_losses)
        self._pending_tests.append(snap.new_test_losses)
        self._pending = snap
        layout = (snap.layer_sizes, snap.activation_names)
        if layout != self._layout:
            self._layout = layout
            self._flush()
        elif time.perf_counter() - self._last_flush >= MIN_FRAME_GAP:
            # Draw now, while the worker pauses for us (see TrainingWorker._yield_to_gui).
            self._flush()
        if self._pending is snap:
            self.worker.gui_idle.set()  # not drawn now: the worker need not wait
            if not self._timer.isActive():
                due = self._last_flush + MIN_FRAME_GAP - time.perf_counter()
                self._timer.start(max(0, round(due * 1000)))

    def _flush(self) -> None:
        snap = self._pending
        if snap is None:
            return
        self._pending = None
        self.worker.gui_idle.clear()
        self._last_flush = time.perf_counter()
        merged = dataclasses.replace(
            snap,
            loss_start=self._pending_start,
            new_losses=np.concatenate(self._pending_losses),
            new_test_losses=np.concatenate(self._pending_tests),
            loss_archive=self._pending_archive,
        )
        self._pending_losses, self._pending_tests = [], []
        self._pending_archive = None
        first = self.latest is None or (
            (self.latest.layer_sizes, self.latest.activation_names)
            != (snap.layer_sizes, snap.activation_names)
        )
        self.latest = merged
        self.frames += 1
        if first:
            self.architectureChanged.emit(merged)
        self.updated.emit(merged)
        self._frame_hops = FRAME_HOPS
        QCoreApplication.postEvent(self, QEvent(_FRAME_DRAWN), _LOW_PRIORITY)

    def event(self, e: QEvent) -> bool:
        if e.type() == _FRAME_DRAWN:
            # Graphics views repaint a round later than widgets (the scene
            # collects its changes in a queued call, then asks the view to
            # update): pass the marker through the queue again, behind them.
            self._frame_hops -= 1
            if self._frame_hops > 0:
                QCoreApplication.postEvent(self, QEvent(_FRAME_DRAWN), _LOW_PRIORITY)
            else:
                self._frame_drawn()
            return True
        return super().event(e)

    def _frame_drawn(self) -> None:
        self.worker.gui_idle.set()
