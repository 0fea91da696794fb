"""The benchmarks' Qt instruments: the application, running its event loop for
a while, and a probe timer that measures how late the loop serves it."""

from __future__ import annotations

import os
from collections.abc import Callable

import numpy as np


def app():
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def run_loop(ms: int, until: Callable[[], bool] | None = None, poll_ms: int = 20) -> None:
    """Run the Qt event loop for ``ms`` milliseconds, or until ``until()`` holds."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    deadline = QTimer()
    deadline.setSingleShot(True)
    deadline.timeout.connect(loop.quit)
    poll = QTimer()
    if until is not None:
        poll.timeout.connect(lambda: until() and loop.quit())
        poll.start(poll_ms)
    deadline.start(ms)
    if until is None or not until():
        loop.exec()
    poll.stop()
    deadline.stop()


class LatenessProbe:
    """How late a 10 ms QTimer fires: a busy GUI thread makes it late."""

    def __init__(self, interval_ms: int = 10) -> None:
        from PySide6.QtCore import QElapsedTimer, QTimer

        self.interval = interval_ms / 1000
        self.lateness: list[float] = []
        self._clock = QElapsedTimer()
        self._timer = QTimer()
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)
        self._last = 0.0
        # Called with each tick's lateness (seconds), to place stalls in time.
        self.on_tick: Callable[[float], None] | None = None

    def _tick(self) -> None:
        now = self._clock.nsecsElapsed() / 1e9
        if self._last:
            late = max(0.0, now - self._last - self.interval)
            self.lateness.append(late)
            if self.on_tick is not None:
                self.on_tick(late)
        self._last = now

    def start(self) -> None:
        self.lateness.clear()
        self._last = 0.0
        self._clock.start()
        self._timer.start()

    def stop(self) -> dict:
        self._timer.stop()
        ms = np.array(self.lateness or [0.0]) * 1000
        return {
            "p50_ms": float(np.percentile(ms, 50)),
            "p99_ms": float(np.percentile(ms, 99)),
            "max_ms": float(ms.max()),
            "ticks": len(self.lateness),
        }
