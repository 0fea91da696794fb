"""Writing a file off the GUI thread, its outcome delivered back to it.

A session's JSON grows with its history (tens of MB after a long run), so
serialising and writing it takes seconds that the GUI thread must not spend.
The write runs in a thread of its own; the result comes back as a queued
signal, so the caller's slot runs on the GUI thread. The thread is not a
daemon: a save under way when the app quits is finished, not cut.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QEventLoop, QObject, QTimer, Signal, SignalInstance


class BackgroundWriter(QObject):
    """Runs ``write()`` callables one at a time off the GUI thread.

    ``finished(token, error)`` arrives on the GUI thread: ``error`` is ""
    on success, else the message of the ``OSError`` or ``ValueError`` raised.
    """

    finished = Signal(int, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # One write at a time, in request order: two saves of one file never race.
        self._lock = threading.Lock()

    def start(self, token: int, write: Callable[[], object]) -> None:
        threading.Thread(
            target=self._run, args=(token, write), name="mlpviz-save", daemon=False
        ).start()

    def _run(self, token: int, write: Callable[[], object]) -> None:
        with self._lock:
            try:
                write()
                error = ""
            except (OSError, ValueError) as e:  # SessionFileError is a ValueError
                error = str(e) or type(e).__name__
        self.finished.emit(token, error)


def wait_for_outcome(outcome: SignalInstance, start: Callable[[], int], timeout_ms: int) -> bool:
    """Call ``start()`` (which returns a token) and run a local event loop until
    ``outcome(token, ok)`` arrives or ``timeout_ms`` passes; True when it came and
    said ok. The GUI keeps drawing meanwhile: the loop is Qt's own."""
    loop = QEventLoop()
    timer = QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)
    result: list[bool] = []
    token = -1

    def done(t: int, ok: bool) -> None:
        if t == token:
            result.append(ok)
            loop.quit()

    # Connected before asking: the answer is queued, so it cannot arrive
    # before the event loop runs.
    outcome.connect(done)
    token = start()
    timer.start(timeout_ms)
    loop.exec()
    timer.stop()
    outcome.disconnect(done)
    return bool(result and result[0])
