"""SIGINT and SIGTERM reach the GUI thread as a call, even while Qt's loop sleeps.

Python runs a signal handler only when the interpreter gets control, which an
idle Qt event loop never gives it: Ctrl+C in the terminal would wait for the
next mouse move. ``signal.set_wakeup_fd`` makes the C-level handler write the
signal's number to a socket that a QSocketNotifier watches, so the loop wakes
at once and the handler runs on the GUI thread, between events.
"""

from __future__ import annotations

import contextlib
import signal
import socket
from collections.abc import Callable

from PySide6.QtCore import QObject, QSocketNotifier

QUIT_SIGNALS = tuple(
    s for s in (getattr(signal, "SIGINT", None), getattr(signal, "SIGTERM", None)) if s
)


class QuitSignals(QObject):
    """Calls ``handler(signum)`` on the GUI thread for SIGINT and SIGTERM.

    Create it on the main thread (only there may Python set signal handlers);
    :meth:`uninstall` puts the previous handlers back.
    """

    def __init__(self, handler: Callable[[int], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._handler = handler
        self._read, self._write = socket.socketpair()
        self._read.setblocking(False)
        self._write.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._write.fileno())
        # A Python-level handler that does nothing: the work is done from the
        # notifier, and the default handlers (KeyboardInterrupt, exit) must not run.
        self._previous = {s: signal.signal(s, lambda *_: None) for s in QUIT_SIGNALS}
        self._notifier = QSocketNotifier(self._read.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)

    def _drain(self) -> None:
        try:
            data = self._read.recv(64)
        except OSError:
            return
        for signum in dict.fromkeys(data):  # each signal once, in arrival order
            if signum in QUIT_SIGNALS:
                self._handler(signum)

    def uninstall(self) -> None:
        self._notifier.setEnabled(False)
        with contextlib.suppress(ValueError):  # not on the main thread any more
            signal.set_wakeup_fd(self._previous_fd)
            for s, h in self._previous.items():
                signal.signal(s, h)
        self._read.close()
        self._write.close()
