"""Train a trainer's epochs in a child process while its copy here follows along.

:class:`OffloadedTraining` is the app's end of :mod:`offload_child`. The
process is started on first use and kept for the session; until it reports
ready (a few tenths of a second — it imports NumPy) :meth:`available` is
False and the caller trains as before, in its own thread. If the process
cannot be started or dies, training simply stays local: the trainer here is
always complete as of the last report, and a report is all or nothing.

Not thread-safe: one thread (the app's training worker) makes every call,
except :meth:`wake`, which any thread may call.
"""

from __future__ import annotations

import contextlib
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

from mlpviz.engine.offload.state import apply_progress, offloadable, start_message
from mlpviz.engine.offload.wire import read_message, write_message
from mlpviz.engine.trainer import Trainer, TrainingDiverged

STOP_TIMEOUT = 5.0  # seconds a stopped run may take to answer before the process is dropped
# A process that dies is started again at the next run, this many times; after
# that training stays in the caller's thread and :attr:`given_up` says why.
MAX_RESTARTS = 3
_WAKE = ({"kind": "wake"}, {})


class OffloadedTraining:
    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self.active = False  # a run is under way in the process
        self._process: subprocess.Popen | None = None
        self._inbox: queue.SimpleQueue = queue.SimpleQueue()
        self._ready = threading.Event()
        self._broken = False  # never started, or died too often: train locally
        self.deaths = 0  # processes that died (or hung) after starting
        self.reports = 0  # progress reports applied (for tests and benchmarks)
        self.error: str | None = None  # the process's traceback, if it failed

    # -- the process -----------------------------------------------------------

    def available(self, t: Trainer) -> bool:
        """True when ``t`` can train in the process now; starts it on first call."""
        # A frozen app's executable is the app itself, not a Python to run -m with.
        if not self.enabled or self._broken or getattr(sys, "frozen", False):
            return False
        if not offloadable(t):
            return False
        if self._process is None:
            self._launch()
        return self._ready.is_set() and not self._broken

    @property
    def given_up(self) -> bool:
        """The process died more than :data:`MAX_RESTARTS` times: training stays local."""
        return self.deaths > MAX_RESTARTS

    def _launch(self) -> None:
        # Each process has its own inbox and ready flag: a reader thread of a
        # process already dropped can only post to the queue nobody reads.
        self._inbox = queue.SimpleQueue()
        self._ready = threading.Event()
        env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
        # The child imports this very mlpviz, installed or not.
        root = str(Path(__file__).resolve().parents[3])
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "mlpviz.engine.offload.child"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                env=env,
                # No console window flashing up for a windowed app on Windows.
                creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
            )
        except OSError:
            self._broken = True
            return
        threading.Thread(
            target=self._read, args=(self._process.stdout, self._inbox, self._ready), daemon=True
        ).start()

    def _read(
        self,
        stream,
        inbox: queue.SimpleQueue | None = None,
        ready: threading.Event | None = None,
    ) -> None:
        inbox = self._inbox if inbox is None else inbox
        ready = self._ready if ready is None else ready
        try:
            while True:
                header, arrays = read_message(stream)
                if header.get("kind") == "ready":
                    ready.set()
                else:
                    inbox.put((header, arrays))
        except Exception:  # whatever ended the pipe (a bad header too), the run learns of it
            if not ready.is_set() and inbox is self._inbox:
                self._broken = True  # it never started: train here
            inbox.put(({"kind": "gone"}, {}))

    def close(self) -> None:
        """End the process (it also ends by itself when this one does)."""
        p, self._process = self._process, None
        self.active = False
        if p is None:
            return
        with contextlib.suppress(OSError, ValueError):
            write_message(p.stdin, {"kind": "quit"})
        _close_pipe(p)
        try:
            p.wait(timeout=2.0)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()

    def wake(self) -> None:
        """End a :meth:`collect` wait early (a command is waiting)."""
        if self.active:  # else nobody waits, and wakes would pile up
            self._inbox.put(_WAKE)

    # -- a run -------------------------------------------------------------------

    def start(
        self, t: Trainer, limit: int | None, target_loss: float | None, interval: float
    ) -> None:
        """Hand ``t``'s state to the process, which trains on from it."""
        try:
            write_message(self._process.stdin, *start_message(t, limit, target_loss, interval))
        except (OSError, ValueError, AttributeError):
            self._drop()
            return
        self.active = True

    def collect(self, t: Trainer, timeout: float) -> str | None:
        """Wait up to ``timeout`` for reports and apply every one that came.

        Returns why the run ended (``limit``, ``target``, ``recalled``,
        ``gone``) when it did, else None. A run that diverged raises
        :class:`TrainingDiverged` once ``t`` holds the last finite weights.
        """
        block = True
        while self.active:
            try:
                header, arrays = self._inbox.get(block, timeout)
            except queue.Empty:
                return None
            block = False  # after the first report, only what is already there
            kind = header["kind"]
            if kind in ("progress", "final"):
                apply_progress(t, header, arrays)
                self.reports += 1
            if kind == "final":
                self.active = False
                if header["reason"] == "diverged":
                    raise TrainingDiverged(header["message"], header["at_epoch"], header["at_step"])
                return header["reason"]
            if kind == "error":
                self.error = header["message"]
                # Training goes on here; the reason is worth a line on the console.
                print(
                    f"mlpviz: the training process failed; training here\n{self.error}",
                    file=sys.stderr,
                )
            if kind in ("gone", "error"):
                self._drop()
                return "gone"
        return None

    def recall(self, t: Trainer) -> str | None:
        """Stop the run and bring ``t`` up to where it stopped."""
        if not self.active:
            return None
        try:
            write_message(self._process.stdin, {"kind": "stop"})
        except (OSError, ValueError):
            self._drop()
            return "gone"
        deadline = time.monotonic() + STOP_TIMEOUT
        while self.active:
            reason = self.collect(t, max(0.0, deadline - time.monotonic()))
            if reason is not None:
                return reason
            if time.monotonic() >= deadline:  # no answer: hung
                self._drop()
        return "gone"

    def _drop(self) -> None:
        """End this process: training goes on locally from the last report, and the
        next run starts a new process unless they keep dying."""
        self.deaths += 1
        self._broken = self._broken or self.given_up
        self.active = False
        p, self._process = self._process, None
        if p is not None:
            with contextlib.suppress(OSError):
                p.kill()
            p.wait()
            _close_pipe(p)


def _close_pipe(p: subprocess.Popen) -> None:
    # Closing flushes what is buffered; to a process that has gone, that fails.
    with contextlib.suppress(OSError, ValueError):
        p.stdin.close()
