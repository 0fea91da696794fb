"""The training process: ``python -m mlpviz.engine.offload.child``.

Why a process: the pure-Python kernel that trains small networks fastest
holds the GIL for as long as it runs, and NumPy on small arrays is mostly
Python too, so in a thread of the app training can only run while the GUI
is not drawing — and the GUI draws twenty-odd frames a second. In a process
of its own it trains on the other CPU, and the app's threads are left with
nothing to wait for.

Reads messages (:mod:`mlpviz.engine.offload.wire`) on stdin and writes them on stdout:

- ``start``: a trainer (:func:`mlpviz.engine.offload.state.start_message`); training begins
  and a ``progress`` report follows every ``interval`` seconds;
- ``stop``: finish the current chunk and send a ``final`` report;
- ``quit`` (or stdin closed): exit.

A ``final`` report also ends a run that reached its epoch ``limit`` or its
``target_loss``, or diverged (with the engine's message). Training runs in
chunks of a few milliseconds, so a stop is answered about as fast.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
import time
import traceback

import numpy as np

from mlpviz.engine.offload.state import FAST_ROWS, build_trainer, progress_message
from mlpviz.engine.offload.wire import read_message, write_message
from mlpviz.engine.trainer import TrainingDiverged

CHUNK_SECONDS = 0.004


def main() -> int:
    out = sys.stdout.buffer
    inbox: queue.SimpleQueue = queue.SimpleQueue()

    def read_stdin() -> None:
        # A thread of its own, so training never blocks on the pipe (and this
        # works where select() cannot wait on pipes, i.e. Windows).
        try:
            while True:
                inbox.put(read_message(sys.stdin.buffer))
        except (EOFError, OSError, ValueError):
            inbox.put(({"kind": "quit"}, {}))

    threading.Thread(target=read_stdin, daemon=True).start()
    write_message(out, {"kind": "ready", "pid": os.getpid()})
    while True:
        header, arrays = inbox.get()
        kind = header.get("kind")
        if kind == "quit":
            return 0
        if kind != "start":
            continue  # a stop that crossed a run's own end
        try:
            t = build_trainer(header, arrays)
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                reason, extra = _train(t, header, inbox, out)
        except Exception:  # a bug: said once, and the app trains on by itself
            write_message(out, {"kind": "error", "message": traceback.format_exc(limit=4)})
            return 1
        write_message(out, *progress_message(t, "final", reason=reason, **extra))
        if reason == "quit":
            return 0


def _train(t, header: dict, inbox: queue.SimpleQueue, out) -> tuple[str, dict]:
    """Train until stopped, the limit, the target loss or divergence; returns why."""
    limit, target, interval = header["limit"], header["target_loss"], header["interval"]
    n, last_sent = 1, time.perf_counter()
    # The pure-Python kernel trains whole epochs (n of them a chunk) of small
    # data; the rest goes step by step, so a stop never waits for a long
    # epoch — as the app's worker trains them itself.
    fast = t._fast() and t.n_rows <= FAST_ROWS
    while True:
        try:
            message, _ = inbox.get_nowait()
        except queue.Empty:
            message = None
        if message is not None and message.get("kind") in ("stop", "quit"):
            return ("recalled" if message["kind"] == "stop" else "quit"), {}
        if limit is not None and t.epoch >= limit:
            return "limit", {}
        start, epoch = time.perf_counter(), t.epoch
        try:
            if fast:
                t.run(n if limit is None else max(1, min(n, limit - t.epoch)))
            else:
                _steps_until(t, start + CHUNK_SECONDS, limit)
        except TrainingDiverged as e:
            return "diverged", {"message": str(e), "at_epoch": e.epoch, "at_step": e.step}
        now = time.perf_counter()
        # About CHUNK_SECONDS a chunk: a stop waits no longer than that.
        if now - start < CHUNK_SECONDS / 2:
            n = min(n * 2, 1 << 16)
        elif now - start > CHUNK_SECONDS * 2 and n > 1:
            n //= 2
        if t.epoch > epoch and target is not None and t.loss_history[-1] <= target:
            return "target", {}
        if now - last_sent >= interval:
            write_message(out, *progress_message(t))
            last_sent = now


def _steps_until(t, deadline: float, limit: int | None) -> None:
    """Steps (batches) until ``deadline`` or the epoch ``limit``, at least one."""
    while True:
        t.step_batch()
        if limit is not None and t.epoch >= limit:
            return
        if time.perf_counter() >= deadline:
            return


if __name__ == "__main__":
    sys.exit(main())
