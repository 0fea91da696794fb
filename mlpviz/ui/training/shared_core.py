"""Keep the GUI thread and a GIL-bound training thread on one CPU during a run.

Runs of small jobs normally train in a process of their own
(``engine.offload``); this is for when they train in the worker thread:
until that process is ready, with ``MLPVIZ_OFFLOAD=0``, or where it cannot start.

While the pure-Python kernel trains, the two threads never compute at the
same time: training holds the GIL, and it waits while the GUI draws a frame
(see ``TrainingWorker._yield_to_gui``). Every frame is then two hand-overs —
snapshot to the GUI, "drawn" back to the worker — and on separate CPUs each
one wakes a CPU that went idle meanwhile. On shared virtual machines such a
wake-up can take milliseconds, and training fell to a third of its headless
speed in spells (``mlpviz bench --gui``: median 56 % over 8 rounds, 71 % on
one CPU, measured in alternating rounds). On one CPU a hand-over is a context
switch on a CPU that never idles.

Only threads that cannot run in parallel anyway are pinned: NumPy training
releases the GIL inside its array operations and keeps both CPUs. Linux only
(``os.sched_setaffinity`` takes thread ids there); elsewhere this does nothing.
"""

from __future__ import annotations

import contextlib
import os
import sys

_LINUX = sys.platform.startswith("linux") and hasattr(os, "sched_setaffinity")


def current_cpu() -> int | None:
    """The CPU the calling thread last ran on, or None where that can't be read."""
    if not _LINUX:
        return None
    try:
        with open("/proc/thread-self/stat", encoding="ascii") as f:
            # Field 39 (processor); the fields after the ")" of the command name start at 3.
            return int(f.read().rsplit(")", 1)[1].split()[36])
    except (OSError, ValueError, IndexError):
        return None


class SharedCore:
    """Pins threads (by native id) to one CPU and gives each its old CPUs back."""

    def __init__(self) -> None:
        self._saved: dict[int, set[int]] = {}

    @property
    def pinned(self) -> bool:
        return bool(self._saved)

    def pin(self, thread_ids: list[int]) -> bool:
        """Pin ``thread_ids`` to the CPU the caller runs on; False if nothing was pinned."""
        if self._saved or not _LINUX:
            return bool(self._saved)
        cpu = current_cpu()
        if cpu is None:
            return False
        try:
            for tid in thread_ids:
                allowed = os.sched_getaffinity(tid)
                if cpu not in allowed or len(allowed) == 1:
                    continue  # not ours to move there, or nowhere else to go anyway
                self._saved[tid] = allowed
                os.sched_setaffinity(tid, {cpu})
        except OSError:  # a thread ended, or the system refuses: leave things as they were
            self.release()
            return False
        return bool(self._saved)

    def release(self) -> None:
        for tid, allowed in self._saved.items():
            with contextlib.suppress(OSError):  # the thread has ended
                os.sched_setaffinity(tid, allowed)
        self._saved.clear()
