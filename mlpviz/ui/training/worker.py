"""The training worker: a :class:`~mlpviz.ui.training.command_worker.CommandWorker`.

It owns the network while the app runs. Commands (:mod:`.worker_commands` and
the base's Run, Pause, Step, Reset, Speed, Quit) are applied between training
steps; one step while running is one chunk of training (``_train_chunk``).
Results leave as immutable snapshots, paced by a :class:`~.view_feed.ViewFeed`.
Nothing here touches a widget.

Continuous runs of small jobs (any optimizer; see
``engine.offload_state.offloadable``) train in a child process
(``engine.offload``): this thread then applies its reports to the trainer
here, which always equals the process's as of the last report, and recalls
it before applying any command.
"""

from __future__ import annotations

import math
import os
import threading
import time

import numpy as np
from PySide6.QtCore import Signal

from mlpviz.data.problem import Problem
from mlpviz.engine import MLP, Trainer, TrainingDiverged, WeightHistory
from mlpviz.engine.history import capacity_for
from mlpviz.engine.offload.process import OffloadedTraining
from mlpviz.engine.offload.state import FAST_ROWS
from mlpviz.engine.resize import resize_network
from mlpviz.engine.run_record import RunTracker, start_from, starting_params
from mlpviz.engine.settings import NetworkSpec, TrainingSettings
from mlpviz.ui.training import worker_commands as cmd
from mlpviz.ui.training.command_worker import CommandWorker, Run, Step
from mlpviz.ui.training.hidden_space import HiddenChoice
from mlpviz.ui.training.measure import is_classification
from mlpviz.ui.training.run_limits import RunLimits
from mlpviz.ui.training.runs import RestartFrom
from mlpviz.ui.training.shared_core import SharedCore
from mlpviz.ui.training.state import TrainingState
from mlpviz.ui.training.view_feed import SNAPSHOT_INTERVAL, ViewFeed


class TrainingWorker(CommandWorker):
    """Runs the engine's Trainer; talk to it only through :meth:`post`."""

    NAME = "training worker"
    CHUNK_SECONDS = 0.012  # training time between looks at the queue
    MAX_CHUNK = 1 << 16

    snapshotReady = Signal(object)  # Snapshot
    diverged = Signal(str)
    runProgress = Signal(int, int)  # epochs done, epochs asked (Run N)
    runStopped = Signal(str)  # why a run ended by itself
    notice = Signal(str)  # something the user should know, for the status bar
    predictionsReady = Signal(object, int)  # (n, n_out) raw units, epoch
    stateReady = Signal(int, object)  # token, TrainingState (copies)
    runKept = Signal(object)  # RunRecord: a run that just ended (see _keep_run)

    def __init__(
        self,
        problem: Problem,
        spec: NetworkSpec,
        settings: TrainingSettings,
        offload: bool | None = None,
    ) -> None:
        super().__init__(speed=None)
        self.problem, self.spec, self.settings = problem, spec, settings
        self._limits = RunLimits()
        self._runs = RunTracker()
        self._sample = 0
        self._pair: tuple[tuple, tuple] | None = None
        self._checkpoints: list[dict] = []  # states dropped by Rewind, for undo
        # Loss-history length when a weight was edited by hand (None: not since
        # the last build or rewind): until a new loss is logged, the logged
        # losses describe other weights.
        self._edited_at: int | None = None
        self._feed = ViewFeed(self.snapshotReady.emit)
        # Set and cleared by the Session around frames (see ViewFeed).
        self.gui_idle = self._feed.gui_idle
        # Built in the GUI thread: its id, to share a CPU with it (see shared_core).
        self._gui_thread_id = threading.get_native_id()
        self._core = SharedCore()
        # Continuous runs of small jobs train in a process of their own (see
        # engine.offload_child); this thread then only relays.
        # MLPVIZ_OFFLOAD=0 keeps them in this thread.
        if offload is None:
            offload = os.environ.get("MLPVIZ_OFFLOAD", "1") != "0"
        self.offload = OffloadedTraining(enabled=offload)
        self._deaths_told = 0  # training-process deaths the user has been told of
        self.mlp: MLP
        self.trainer: Trainer

    # -- called from the GUI thread -------------------------------------------

    def _posted(self) -> None:
        # A command also ends a wait for a frame (see ViewFeed.wait_for_frame):
        # Pause, Quit or an edit must not wait behind a frame the GUI may not
        # finish — e.g. while it is itself waiting for this thread to end.
        self.gui_idle.set()
        self.offload.wake()

    # -- the worker thread ----------------------------------------------------

    def _begin(self) -> None:
        self._thread_id = threading.get_native_id()
        self._build(self.problem, self.spec, self.settings, new_network=True)
        self._send(force=True, surfaces=True)

    def _end(self) -> None:
        self._core.release()
        self.offload.close()

    def _position(self) -> int:
        return self.trainer.epoch

    def _advance(self) -> None:
        self._feed.wait_for_frame()  # a frame drawn off the Session's own timer
        self._survive(self._train_chunk)

    def _survive(self, fn, *args) -> bool:
        """Run ``fn``; an unexpected error pauses training and is reported, and
        the worker lives on (a dead worker would freeze every view)."""
        try:
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                fn(*args)
            return True
        except Exception as e:
            self._stop_running()
            self.failed.emit(f"{type(e).__name__}: {e}")
            return False

    def _command(self, command: object) -> None:
        # Commands apply to the state training has reached.
        self._recall()
        try:
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                self._dispatch(command)
        except (ValueError, IndexError) as e:
            self.failed.emit(str(e))
            self._survive(self._send, True)
        except Exception as e:
            self._stop_running()
            self.failed.emit(f"{type(e).__name__}: {e}")
            self._survive(self._send, True)

    def _step(self, c: Step) -> None:
        for _ in range(c.n):
            if not self._guarded(self._step_once, c.kind):
                break
        self._send(force=True, surfaces=True)

    def _paused(self) -> None:
        self._send(force=True, surfaces=True)

    def _reset(self) -> None:
        self._keep_run()
        self._build(self.problem, self.spec, self.settings, new_network=True)
        self._send(force=True, surfaces=True)

    def _apply(self, c: object) -> None:
        if isinstance(c, cmd.SetParam):
            value = float(c.value)
            if not math.isfinite(value):
                raise ValueError(f"{c.value!r} is not a finite number")
            self.mlp.params[self.mlp.param_index(c.param)] = value
            self._edited_at = self.trainer.epochs_logged
            self._send(force=True, surfaces=True)
        elif isinstance(c, cmd.SetParams):
            self.mlp.set_params(c.params)
            self._edited_at = self.trainer.epochs_logged
            self._send(force=True, surfaces=True)
        elif isinstance(c, cmd.Configure):
            self._configure(c)
        elif isinstance(c, cmd.Resize):
            p = self.problem
            shape = len(p.input_names), len(p.target_names)
            self.mlp = resize_network(self.mlp, c.spec, *shape, params=c.params)
            self._build(p, c.spec, self.settings, new_network=False)
            self._send(force=True, surfaces=True, loss_start=0)
        elif isinstance(c, cmd.Select):
            if c.sample is not None:
                self._sample = int(c.sample)
            if c.pair is not None:
                for param in c.pair:  # a selection made on a network since replaced
                    self.mlp.param_index(param)
                self._pair = c.pair
            self._send(force=True, surfaces=c.pair is not None)
        elif isinstance(c, cmd.Surfaces):
            self._feed.wanted = frozenset(c.names)
            self._send(force=True, surfaces=True)
        elif isinstance(c, HiddenChoice):
            self._feed.hidden.choose(c)
            self._send(force=True, surfaces=True)
        elif isinstance(c, cmd.SliceOutput):
            self._feed.output_slice = c
            self._send(force=True, surfaces=True)
        elif isinstance(c, cmd.Rewind):
            self._stop_running()
            self._checkpoints.append(self._checkpoint())
            self._keep_run()
            self.trainer.rewind(c.epoch)
            self._edited_at = None
            self._feed.loss_sent = self.trainer.epochs_logged
            self._send(force=True, surfaces=True, loss_start=self.trainer.epoch)
        elif isinstance(c, cmd.Unrewind):
            if self._checkpoints:
                self._stop_running()
                self._restore(self._checkpoints.pop())
                self._edited_at = None
                self._send(force=True, surfaces=True, loss_start=0)
        elif isinstance(c, cmd.SwapData):
            p = c.problem
            self.trainer.set_data(p.X_train, p.Z_train, p.X_test, p.Z_test)
            self.problem = p
            self._send(force=True, surfaces=True)
        elif isinstance(c, cmd.GetState):
            self.stateReady.emit(
                c.token,
                TrainingState(self.problem, self.spec, self.settings, self._checkpoint()),
            )
        elif isinstance(c, cmd.SetState):
            self._stop_running()
            self._build(c.problem, c.spec, c.settings, new_network=True)
            self._restore(c.state)
            self._send(force=True, surfaces=True, loss_start=0)
        elif isinstance(c, RestartFrom):
            self._restart_from(c)
        elif isinstance(c, cmd.Predict):
            p = self.problem
            pred = p.decode_targets(self.mlp.forward(p.X).activations[-1])
            self.predictionsReady.emit(pred, self.trainer.epoch)
        else:
            super()._apply(c)

    def _configure(self, c: cmd.Configure) -> None:
        problem = c.problem or self.problem
        spec = c.spec or self.spec
        settings = c.settings or self.settings
        sizes = spec.layer_sizes(len(problem.input_names), len(problem.target_names))
        new_network = (
            c.reinit
            or sizes != self.mlp.layer_sizes
            or spec.activations() != self.mlp.activation_names[:-1]
            or spec.output_activation != self.mlp.output_activation
            or (spec.loss or self.mlp.loss) != self.mlp.loss
        )
        # The same network on the same data: the run goes on under the new
        # settings (a new rate does not start the loss curve over).
        carry = None if new_network or c.problem is not None else self._checkpoint()
        if carry is not None:
            if settings.optimizer != self.settings.optimizer:
                del carry["optimizer"]  # another optimizer's state means nothing
            if (settings.shuffle, settings.seed) != (self.settings.shuffle, self.settings.seed):
                del carry["order"], carry["rng"]  # the new trainer's own order
        if new_network or c.problem is not None or settings != self.settings:
            self._keep_run()
        checkpoints, edited_at = self._checkpoints, self._edited_at
        # Build first, swap after: a bad setting leaves everything as it was.
        self._build(problem, spec, settings, new_network=new_network)
        if carry is not None:
            self._restore(carry)
            self._checkpoints, self._edited_at = checkpoints, edited_at
        self._send(force=True, surfaces=True, loss_start=0)

    def _keep_run(self) -> None:
        """Offer the run so far to the Runs list (once, and only if it trained)."""
        record = self._runs.keep(self.trainer, self.spec, self.settings)
        if record is not None:
            self.runKept.emit(record)

    def _restart_from(self, c: RestartFrom) -> None:
        """Train again from ``c.params`` (None: this run's start) under ``c``'s settings."""
        self._stop_running()
        spec, settings = c.spec or self.spec, c.settings or self.settings
        n_in, n_out = len(self.problem.input_names), len(self.problem.target_names)
        start = starting_params(self.trainer, c.params, spec.layer_sizes(n_in, n_out))
        self._keep_run()
        self._build(self.problem, spec, settings, new_network=True)
        start_from(self.trainer, start)
        self._send(force=True, surfaces=True, loss_start=0)

    def _build(
        self, problem: Problem, spec: NetworkSpec, settings: TrainingSettings, new_network: bool
    ) -> None:
        n_in, n_out = len(problem.input_names), len(problem.target_names)
        mlp = spec.build(n_in, n_out) if new_network else self.mlp
        if new_network:
            self._feed.hidden.forget()
        trainer = settings.make_trainer(
            mlp, problem.X_train, problem.Z_train, problem.X_test, problem.Z_test
        )
        rows = capacity_for(mlp.n_params)
        trainer.history = WeightHistory(mlp.n_params, rows)
        trainer.history.record(0, mlp.params)
        self.problem, self.spec, self.settings = problem, spec, settings
        self.mlp, self.trainer = mlp, trainer
        self._feed.forget()
        self._checkpoints = []
        self._edited_at = None
        self._limits.forget_best()
        self._classification = is_classification(problem.Z_train, mlp.output_activation)
        if self._pair is not None:
            try:
                mlp.param_index(self._pair[0])
                mlp.param_index(self._pair[1])
            except (IndexError, ValueError):
                self._pair = None
        if self._pair is None and mlp.n_params >= 2:
            self._pair = (("w", 0, 0, 0), ("w", 0, 0, 1) if n_in > 1 else ("b", 0, 0))

    # -- training ---------------------------------------------------------------

    def _guarded(self, fn, *args) -> bool:
        try:
            fn(*args)
            return True
        except TrainingDiverged as e:
            self._stop_running()
            self.diverged.emit(str(e))
            return False

    def _step_once(self, kind: str) -> None:
        t = self.trainer
        if kind == "sample":
            t.step_sample()
        elif kind == "batch":
            t.step_batch()
        else:
            t.step_epoch()

    def _start_running(self, c: Run) -> None:
        self._limits.start(self.trainer.epoch, c.count)
        super()._start_running(c)
        if c.count is not None:
            self.runProgress.emit(0, int(c.count))

    def _stop_running(self) -> None:
        self._recall()
        self._core.release()
        if self._running:
            self._limits.end()
        super()._stop_running()

    def _train_chunk(self) -> None:
        t = self.trainer
        # Small jobs train in the training process. Here, epochs of a small
        # per-sample net take microseconds in the pure-Python kernel, which
        # holds the GIL throughout: it shares the GUI's CPU. NumPy training
        # releases the GIL and keeps a CPU of its own.
        gil_bound = self._speed is None and t._fast() and t.n_rows <= FAST_ROWS
        self._tell_offload_deaths()
        if self._speed is None and self.offload.available(t):
            # In the training process, on a CPU of its own.
            self._core.release()
            ok = self._guarded(self._train_offloaded)
        elif self._speed is not None:
            # Paced: one epoch when it is due (slow enough to watch).
            self._core.release()
            ok = self._guarded(t.step_epoch)
        elif gil_bound:
            # Many epochs per chunk, here until the training process is ready.
            self._core.pin([self._gui_thread_id, self._thread_id])
            n = self._chunk
            if self._limits.target is not None:
                n = max(1, min(n, self._limits.target - t.epoch))
            start = time.perf_counter()
            ok = self._guarded(t.run, n)
            self._adapt_chunk(time.perf_counter() - start)
        else:
            self._core.release()
            # Batch by batch, so a long epoch (a million rows) never keeps a
            # command — Pause, Quit — waiting longer than one chunk.
            deadline = time.perf_counter() + self.CHUNK_SECONDS
            ok = True
            while ok and time.perf_counter() < deadline:
                ok = self._guarded(t.step_batch)
                if self._limits.target is not None and t.epoch >= self._limits.target:
                    break
        if not ok:
            self._send(force=True, surfaces=True)
            return
        reason = self._limits.reason(t, self.settings)
        progress = self._limits.progress(t.epoch)
        if progress is not None:
            self.runProgress.emit(*progress)
        if reason:
            self._stop_running()
            self.runStopped.emit(reason)
            self._send(force=True, surfaces=True)
        else:
            self._send()

    def _train_offloaded(self) -> None:
        """Apply what the training process did since the last look (≤ one snapshot interval)."""
        t, o = self.trainer, self.offload
        if not o.active:
            limit = self._limits.epoch_limit(self.settings)
            o.start(t, limit, self.settings.target_loss, SNAPSHOT_INTERVAL)
        o.collect(t, SNAPSHOT_INTERVAL)

    def _tell_offload_deaths(self) -> None:
        """Say in the status bar when the training process died, and when it is given up on."""
        o = self.offload
        if o.deaths == self._deaths_told:
            return
        self._deaths_told = o.deaths
        if o.given_up:
            self.notice.emit(
                f"The training process stopped {o.deaths} times; training goes on in the "
                "app itself (slower while the window draws)"
            )
        else:
            self.notice.emit("The training process stopped; training goes on in a new one")

    def _recall(self) -> None:
        """Bring the trainer here up to the training process's and stop that."""
        if self.offload.active:
            self._guarded(self.offload.recall, self.trainer)

    # -- rewinding -----------------------------------------------------------------

    def _checkpoint(self) -> dict:
        return self.trainer.state_dict()

    def _restore(self, state: dict) -> None:
        self.trainer.load_state_dict(state)

    # -- snapshots ----------------------------------------------------------------

    def _send(
        self, force: bool = False, surfaces: bool = False, loss_start: int | None = None
    ) -> None:
        self._feed.send(
            self.trainer,
            self.problem,
            sample=self._sample,
            pair=self._pair,
            classification=self._classification,
            running=self._running,
            can_unrewind=bool(self._checkpoints),
            force=force,
            surfaces=surfaces,
            loss_start=loss_start,
            weights_edited=self._edited_at == self.trainer.epochs_logged,
        )
