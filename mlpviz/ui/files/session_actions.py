"""File › Open/Save session, unsaved-changes tracking and autosave for the main window.

The session's numbers live in the training worker, so saving asks for them
(:meth:`Session.request_state`) and writes the file when they arrive; opening
validates the whole file first (:func:`mlpviz.io.session_file.load_session`)
and only then replaces anything. The window changes nothing here beyond its
title; the questions it would ask (save before closing? restore the
autosave? which file?) are attributes, so tests answer them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import QDir, QEventLoop, QObject, QStandardPaths, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox
from shiboken6 import isValid

from mlpviz.io.session_file import SUFFIX, SessionFileError, load_session, save_session
from mlpviz.io.session_read import LoadedSession

AUTOSAVE_MS = 60_000
MAX_RECENT = 8
RECENT_KEY = "recent_sessions"
# request_state tokens of our own, far from the small ones other callers use.
TOKEN_BASE = 0x5E55_0000
FILE_FILTER = f"mlpviz sessions (*{SUFFIX});;All files (*)"


def default_autosave_path() -> Path:
    """``autosave.mlpviz`` in the user's application data folder."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(folder or QDir.homePath()) / f"autosave{SUFFIX}"


def _key(sizes: Any, epoch: int, steps: int, params: Any) -> tuple:
    """What "the same training state" means for unsaved-changes tracking."""
    return (tuple(sizes), int(epoch), int(steps), np.asarray(params, dtype=np.float64).tobytes())


class SessionActions(QObject):
    """Open, save, save-as, recent sessions, the dirty flag, the title and autosave.

    Parameters
    ----------
    window : MainWindow
        Uses its ``session``, ``undo``, ``store``, ``banner``, ``settings_panel``.
    autosave_path : where autosaves go (default :func:`default_autosave_path`).
    autosave_interval_ms : time between autosaves while there are unsaved changes.
    """

    titleChanged = Signal(str)
    saved = Signal(str)  # path of a session written by Save / Save as
    opened = Signal(str)  # path of a session now open
    autosaved = Signal(str)  # path of the autosave just written
    _written = Signal(int, bool)  # token, success (for save_blocking)

    def __init__(
        self,
        window: Any,
        autosave_path: str | Path | None = None,
        autosave_interval_ms: int = AUTOSAVE_MS,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.path: Path | None = None
        # "reference" stores source_path and its checksum instead of a copy of the data.
        self.dataset_mode = "embed"
        self.source_path: Path | None = None
        self.autosave_path = Path(autosave_path) if autosave_path else default_autosave_path()
        # The questions, replaceable (tests answer them without dialogs).
        self.ask: Callable[[], str] = self._ask_save  # → "save" | "discard" | "cancel"
        self.ask_restore: Callable[[Path], bool] = self._ask_restore
        self.choose_save_path: Callable[[], str | None] = self._choose_save_path
        self.choose_open_path: Callable[[], str | None] = self._choose_open_path

        self._tokens = itertools.count(TOKEN_BASE)
        self._requests: dict[int, tuple[str, Path]] = {}  # token → (purpose, path)
        s = window.session
        self._baseline: tuple | None = None  # the state last saved or opened
        self._latest: tuple | None = None  # the state the views show now
        self._config = (s.problem, s.spec, s.settings)  # ... and its data and settings
        self._unsaved_restore = False  # restored from an autosave: saved nowhere yet
        self._dirty = False
        self._title = ""
        self._closed = False

        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(int(autosave_interval_ms))
        self.autosave_timer.timeout.connect(self.autosave)
        self._build_actions()
        s.updated.connect(self._snapshot)
        s.stateReady.connect(self._state_ready)
        s.problemChanged.connect(self._refresh)
        window.undo.indexChanged.connect(self._refresh)
        if s.latest is not None:
            self._snapshot(s.latest)
        self._refresh()

    # -- actions ------------------------------------------------------------------------

    def _build_actions(self) -> None:
        def action(text: str, keys: str, tip: str, slot: Callable[[], object]) -> QAction:
            a = QAction(text, self.window)
            a.setShortcut(QKeySequence(keys))
            a.setStatusTip(tip)
            a.triggered.connect(lambda _=False: slot())
            return a

        what = "data, network, settings, weights and training history"
        self.open_action = action(
            "Open &session…", "Ctrl+Shift+O", f"Open a saved session: {what}", self.open_dialog
        )
        self.save_action = action("&Save session", "Ctrl+S", f"Save the {what}", self.save)
        self.save_as_action = action(
            "Save session &as…", "Ctrl+Shift+S", "Save the session to a new file", self.save_as
        )
        self.recent_menu = QMenu("Open recent sessio&n", self.window)
        self.recent_menu.menuAction().setStatusTip("Open one of the last sessions you used")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.actions = [self.open_action, self.save_action, self.save_as_action]

    def install_menu(self, file_menu: QMenu, before_action: QAction | None = None) -> None:
        """Put the session entries into ``file_menu`` before ``before_action`` (or at the end)."""
        file_menu.insertAction(before_action, self.open_action)
        file_menu.insertMenu(before_action, self.recent_menu)
        file_menu.insertAction(before_action, self.save_action)
        file_menu.insertAction(before_action, self.save_as_action)
        file_menu.insertSeparator(before_action)

    # -- unsaved changes and the title --------------------------------------------------

    @property
    def is_dirty(self) -> bool:
        """True when something changed since the session was last saved or opened."""
        return self._dirty

    @property
    def session_name(self) -> str:
        return self.path.stem if self.path is not None else "untitled"

    def window_title(self) -> str:
        """E.g. ``"exam-scores — untitled* — mlpviz"``."""
        star = "*" if self._dirty else ""
        return f"{self.window.session.problem.name} — {self.session_name}{star} — mlpviz"

    def _snapshot(self, snap: Any) -> None:
        self._latest = _key(snap.layer_sizes, snap.epoch, snap.steps, snap.params)
        if self._baseline is None:  # the first state of a new window is "saved"
            self._baseline = self._latest
        self._refresh()

    def _refresh(self, *_: object) -> None:
        # The undo stack signals while the window is being destroyed: nothing to do then.
        if self._closed or not isValid(self.window) or not isValid(self.window.undo):
            return
        s = self.window.session
        problem, spec, settings = self._config
        self._dirty = (
            self._unsaved_restore
            or (self._latest is not None and self._latest != self._baseline)
            or not self.window.undo.isClean()
            or s.problem is not problem
            or s.spec != spec
            or s.settings != settings
        )
        # Autosave only has something to do while there are unsaved changes.
        if self._dirty and not self._closed:
            if not self.autosave_timer.isActive():
                self.autosave_timer.start()
        else:
            self.autosave_timer.stop()
        title = self.window_title()
        if title != self._title:
            self._title = title
            self.window.setWindowTitle(title)
            self.titleChanged.emit(title)

    def _mark_clean(self, loaded: LoadedSession | Any) -> None:
        """``loaded`` (a LoadedSession or a TrainingState) is what the file now holds."""
        p, st = loaded.problem, loaded.state
        sizes = loaded.spec.layer_sizes(len(p.input_names), len(p.target_names))
        self._baseline = _key(sizes, st["epoch"], st["steps"], st["params"])
        self._config = (p, loaded.spec, loaded.settings)
        self.window.undo.setClean()

    # -- saving --------------------------------------------------------------------------

    def save(self) -> bool:
        """Save to the current file, or ask for one; False if no file was chosen."""
        if self.path is None:
            return self.save_as()
        self.save_to(self.path)
        return True

    def save_as(self) -> bool:
        path = self.choose_save_path()
        if not path:
            return False
        self.save_to(path)
        return True

    def save_to(self, path: str | Path) -> int:
        """Start saving to ``path``; :attr:`saved` is emitted when it is written.

        Returns the request token.
        """
        return self._request("save", Path(path))

    def save_blocking(self, path: str | Path | None = None, timeout_ms: int = 10_000) -> bool:
        """Save and wait for the file to be written (for closing); True on success."""
        if path is None:
            path = self.path or self.choose_save_path()
            if not path:
                return False
        loop = QEventLoop()
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.timeout.connect(loop.quit)
        result: list[bool] = []

        def done(t: int, ok: bool) -> None:
            if t == token:
                result.append(ok)
                loop.quit()

        # Connected before asking: the answer is queued, so it cannot arrive
        # before the event loop runs.
        self._written.connect(done)
        token = self._request("save", Path(path))
        timer.start(timeout_ms)
        loop.exec()
        timer.stop()
        self._written.disconnect(done)
        timer.deleteLater()
        return bool(result and result[0])

    def autosave(self) -> None:
        """Write the session to :attr:`autosave_path` if there are unsaved changes."""
        if self._dirty and not self._closed and "autosave" not in self._purposes():
            self._request("autosave", self.autosave_path)

    def _purposes(self) -> set[str]:
        return {purpose for purpose, _ in self._requests.values()}

    def _request(self, purpose: str, path: Path) -> int:
        token = next(self._tokens)
        self._requests[token] = (purpose, path)
        self.window.session.request_state(token)
        return token

    def _state_ready(self, token: int, training_state: Any) -> None:
        request = self._requests.pop(token, None)
        if request is None or self._closed:
            return  # someone else's request, or an autosave that arrived after closing
        purpose, path = request
        self._written.emit(token, self._write(purpose, path, training_state))

    def _write(self, purpose: str, path: Path, training_state: Any) -> bool:
        autosave = purpose == "autosave"
        try:
            if autosave:
                path.parent.mkdir(parents=True, exist_ok=True)
            # Autosaves embed the data: they must restore even if the CSV moves.
            mode = "embed" if autosave else self.dataset_mode
            save_session(path, training_state, mode, self.source_path)
        except (OSError, SessionFileError) as e:
            what = "Autosave failed" if autosave else "Could not save the session"
            self.window.banner.show_message(f"{what}: {e}", "warning" if autosave else "error")
            return False
        if autosave:
            self.autosaved.emit(str(path))
            return True
        self.path = path
        self._unsaved_restore = False
        self._mark_clean(training_state)
        self._remember(path)
        self._refresh()
        self.window.statusBar().showMessage(f"Saved {path}", 5000)
        self.saved.emit(str(path))
        return True

    # -- opening -------------------------------------------------------------------------

    def open_dialog(self) -> bool:
        if not self.confirm_close():
            return False
        path = self.choose_open_path()
        return bool(path) and self.open_session(path)

    def open_session(self, path: str | Path) -> bool:
        """Replace the session with the one in ``path``; on any error show it and change nothing."""
        path = Path(path)
        if not self._apply(path):
            return False
        self.path = path
        self._unsaved_restore = False
        self._remember(path)
        self._refresh()
        self.opened.emit(str(path))
        return True

    def _apply(self, path: Path) -> bool:
        try:
            loaded = load_session(path)
        except SessionFileError as e:
            self.window.banner.show_message(f"Could not open the session. {e}", "error")
            return False
        w = self.window
        w.banner.hide()
        w.session.set_state(loaded.problem, loaded.spec, loaded.settings, loaded.state)
        w.settings_panel.set_values(loaded.spec, loaded.settings)
        w.undo.clear()
        self._mark_clean(loaded)
        # Until the worker's first snapshot of the new state, the views show the old one.
        self._latest = self._baseline
        for warning in loaded.problem.warnings:
            w.banner.show_message(warning, "info")
        return True

    # -- closing and restoring -----------------------------------------------------------

    def confirm_close(self) -> bool:
        """True if the session may be closed or replaced: nothing unsaved, or the
        user saved it or chose to discard it; False to cancel."""
        if not self._dirty:
            return True
        answer = self.ask()
        if answer == "discard":
            return True
        if answer == "save":
            return self.save_blocking()
        return False

    def shutdown(self) -> None:
        """A clean close: stop autosaving and remove the autosave (nothing to recover)."""
        self._closed = True
        self.autosave_timer.stop()
        self.autosave_path.unlink(missing_ok=True)

    def offer_restore(self) -> bool:
        """At startup: offer the autosave a crash left behind; restore it or delete it.

        Returns True if a session was restored.
        """
        path = self.autosave_path
        if not path.is_file():
            return False
        if not self.ask_restore(path):
            path.unlink(missing_ok=True)
            return False
        if not self._apply(path):
            path.unlink(missing_ok=True)  # unreadable: offering it again would not help
            return False
        # The restored work is saved nowhere but the autosave, which stays until
        # the next autosave or a clean close.
        self.path = None
        self._unsaved_restore = True
        self._refresh()
        return True

    # -- recent sessions -----------------------------------------------------------------

    def recent_sessions(self) -> list[str]:
        value = self.window.store.value(RECENT_KEY, [])
        if isinstance(value, str):  # QSettings returns a one-item list as a string
            value = [value]
        return [str(v) for v in (value or [])][:MAX_RECENT]

    def _remember(self, path: Path) -> None:
        text = str(path.resolve())
        recent = [p for p in self.recent_sessions() if p != text]
        self.window.store.setValue(RECENT_KEY, [text, *recent][:MAX_RECENT])

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for text in self.recent_sessions():
            a = self.recent_menu.addAction(text)
            a.setStatusTip(f"Open the session {text}")
            a.triggered.connect(
                lambda _=False, p=text: self.confirm_close() and self.open_session(p)
            )
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("(none yet)").setEnabled(False)

    # -- the default questions -----------------------------------------------------------

    def _ask_save(self) -> str:
        buttons = QMessageBox.StandardButton
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Unsaved session",
            f"Save the changes to the session {self.session_name}?",
            buttons.Save | buttons.Discard | buttons.Cancel,
            self.window,
        )
        box.setInformativeText("Training since the last save is lost if you don't save.")
        box.setDefaultButton(buttons.Save)
        answer = buttons(box.exec())
        return {buttons.Save: "save", buttons.Discard: "discard"}.get(answer, "cancel")

    def _ask_restore(self, path: Path) -> bool:
        answer = QMessageBox.question(
            self.window,
            "Restore the session?",
            "mlpviz did not close normally last time. Restore the session it saved "
            f"automatically?\n\n{path}",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _start_dir(self) -> str:
        if self.path is not None:
            return str(self.path.parent)
        return str(self.window.store.value("last_dir", QDir.homePath()))

    def _choose_save_path(self) -> str | None:
        start = str(Path(self._start_dir()) / f"{self.session_name}{SUFFIX}")
        path, _ = QFileDialog.getSaveFileName(self.window, "Save session", start, FILE_FILTER)
        if path and not path.endswith(SUFFIX):
            path += SUFFIX
        return path or None

    def _choose_open_path(self) -> str | None:
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Open session", self._start_dir(), FILE_FILTER
        )
        return path or None
