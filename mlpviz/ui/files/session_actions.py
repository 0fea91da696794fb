"""File › Open/Save session, unsaved-changes tracking and autosave for the main window.

The session's numbers live in the training worker, so saving asks for them
(:meth:`Session.request_state`) and writes the file when they arrive; opening
validates the whole file first (:func:`mlpviz.io.session_file.load_session`)
and only then replaces anything. It is given only what it uses (the
session, the undo stack, the banner, the settings store, the status bar and
two callables: show loaded settings, set the window title); the questions it
would ask (save before closing? restore the autosave? which file?) are
attributes, so tests answer them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDir, QObject, QSettings, QTimer, Signal
from PySide6.QtGui import QAction, QUndoStack
from PySide6.QtWidgets import QMenu, QStatusBar, QWidget
from shiboken6 import isValid

from mlpviz.io.session_file import SessionFileError, load_session, save_session
from mlpviz.io.session_read import LoadedSession
from mlpviz.ui.files import session_dialogs
from mlpviz.ui.files.autosave_file import default_autosave_path, set_aside
from mlpviz.ui.files.background_write import BackgroundWriter, wait_for_outcome
from mlpviz.ui.files.recent import RECENT_SESSIONS, fill_recent_menu, recent_paths, remember_path
from mlpviz.ui.files.session_menu import session_menu_entries
from mlpviz.ui.files.unsaved_changes import UnsavedChanges, runs_key

if TYPE_CHECKING:
    from mlpviz.engine.settings import NetworkSpec, TrainingSettings
    from mlpviz.ui.training.session import Session
    from mlpviz.ui.widgets.banner import Banner

AUTOSAVE_MS = 60_000
# request_state tokens of our own, far from the small ones other callers use.
TOKEN_BASE = 0x5E55_0000


class SessionActions(QObject):
    """Open, save, save-as, recent sessions, the dirty flag, the title and autosave.

    Parameters
    ----------
    parent : owns the actions; the dialogs are centred on it.
    session, undo : the training session and the window's undo stack (clean = saved).
    banner, store, status_bar : where errors, recent sessions and "Saved …" go.
    show_settings : ``(spec, settings)`` of an opened session, for the settings panel.
    set_title : receives :meth:`window_title` whenever it changes.
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
        parent: QWidget,
        session: Session,
        undo: QUndoStack,
        *,
        banner: Banner,
        store: QSettings,
        status_bar: QStatusBar,
        show_settings: Callable[[NetworkSpec, TrainingSettings], object],
        set_title: Callable[[str], object],
        autosave_path: str | Path | None = None,
        autosave_interval_ms: int = AUTOSAVE_MS,
    ) -> None:
        super().__init__(parent)
        self._parent, self.session, self.undo = parent, session, undo
        self.banner, self.store, self.status_bar = banner, store, status_bar
        self.show_settings, self.set_title = show_settings, set_title
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
        s = session
        self._changes = UnsavedChanges(s.problem, s.spec, s.settings)
        self._dirty = False
        self._title = ""
        self._closed = False
        self.keep_autosave = False  # a quit on a signal: the autosave is the recovery

        self._writer = BackgroundWriter(self)
        self._writer.finished.connect(self._written_off_thread)
        self._writing: dict[int, tuple[str, Path, Any]] = {}  # token → what is being written
        self.autosave_timer = QTimer(self)
        self.autosave_timer.setInterval(int(autosave_interval_ms))
        self.autosave_timer.timeout.connect(self.autosave)
        self._build_actions()
        s.updated.connect(self._snapshot)
        s.stateReady.connect(self._state_ready)
        s.problemChanged.connect(self._refresh)
        s.runs.changed.connect(self._runs_changed)
        undo.indexChanged.connect(self._refresh)
        if s.latest is not None:
            self._snapshot(s.latest)
        self._refresh()

    # -- actions ------------------------------------------------------------------------

    def _build_actions(self) -> None:
        self.open_action, self.save_action, self.save_as_action, self.recent_menu = (
            session_menu_entries(
                self._parent, self.open_dialog, self.save, self.save_as, self._fill_recent
            )
        )
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
        return f"{self.session.problem.name} — {self.session_name}{star} — mlpviz"

    def _snapshot(self, snap: Any) -> None:
        self._changes.seen(snap)
        self._refresh()

    def _runs_changed(self) -> None:
        self._changes.runs_now = runs_key(self.session.runs.records)
        self._refresh()

    def _refresh(self, *_: object) -> None:
        # The undo stack signals while the window is being destroyed: nothing to do then.
        if self._closed or not isValid(self._parent) or not isValid(self.undo):
            return
        s = self.session
        self._dirty = self._changes.differ(s.problem, s.spec, s.settings, self.undo.isClean())
        # Autosave only has something to do while there are unsaved changes.
        if self._dirty and not self._closed:
            if not self.autosave_timer.isActive():
                self.autosave_timer.start()
        else:
            self.autosave_timer.stop()
        title = self.window_title()
        if title != self._title:
            self._title = title
            self.set_title(title)
            self.titleChanged.emit(title)

    def _mark_clean(self, loaded: LoadedSession | Any) -> None:
        """``loaded`` (a LoadedSession or a TrainingState) is what the file now holds."""
        self._changes.saved(loaded)
        self.undo.setClean()

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
        return wait_for_outcome(
            self._written, lambda: self._request("save", Path(path)), timeout_ms
        )

    def autosave(self) -> None:
        """Write the session to :attr:`autosave_path` if there are unsaved changes."""
        if self._dirty and not self._closed and "autosave" not in self._purposes():
            self._request("autosave", self.autosave_path)

    def save_for_recovery(self, done: Callable[[], object]) -> None:
        """Write unsaved work to the autosave now, asking nothing, then call ``done``.

        For a quit the user did not ask for in the window (SIGTERM at logout,
        Ctrl+C in the terminal): the autosave stays, and the next start offers
        it as after a crash. ``done`` is called once the file is written or the
        write failed (the banner says so), at once when nothing is unsaved.
        """
        self.keep_autosave = True
        if not self._dirty or self._closed:
            done()
            return
        token = -1

        def written(t: int, _ok: bool) -> None:
            if t == token:
                self._written.disconnect(written)
                done()

        self._written.connect(written)  # before asking: the answer is queued
        token = self._request("autosave", self.autosave_path)

    def _purposes(self) -> set[str]:
        """What is asked of the worker or being written: one autosave at a time."""
        waiting = {purpose for purpose, _ in self._requests.values()}
        return waiting | {purpose for purpose, _, _ in self._writing.values()}

    def _request(self, purpose: str, path: Path) -> int:
        token = next(self._tokens)
        self._requests[token] = (purpose, path)
        self.session.request_state(token)
        return token

    def _state_ready(self, token: int, training_state: Any) -> None:
        request = self._requests.pop(token, None)
        if request is None or self._closed:
            return  # someone else's request, or an autosave that arrived after closing
        purpose, path = request
        # Autosaves embed the data: they must restore even if the CSV moves.
        mode = "embed" if purpose == "autosave" else self.dataset_mode
        source = self.source_path

        def write() -> None:
            if purpose == "autosave":
                path.parent.mkdir(parents=True, exist_ok=True)
            save_session(path, training_state, mode, source)
            # A clean close may have come while this autosave was written: its
            # unlink ran first, so the file must go now (checked after writing,
            # so either order of the two leaves no autosave to offer).
            if purpose == "autosave" and self._closed and not self.keep_autosave:
                path.unlink(missing_ok=True)

        self._writing[token] = (purpose, path, training_state)
        self._writer.start(token, write)

    def _written_off_thread(self, token: int, error: str) -> None:
        purpose, path, training_state = self._writing.pop(token)
        self._written.emit(token, self._after_write(purpose, path, training_state, error))

    def _after_write(self, purpose: str, path: Path, training_state: Any, error: str) -> bool:
        autosave = purpose == "autosave"
        if error:
            what = "Autosave failed" if autosave else "Could not save the session"
            self.banner.show_message(f"{what}: {error}", "warning" if autosave else "error")
            return False
        if autosave:
            self.autosaved.emit(str(path))
            return True
        self.path = path
        self._changes.restored = False
        self._mark_clean(training_state)
        self._remember(path)
        self._refresh()
        self.status_bar.showMessage(f"Saved {path}", 5000)
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
        self._changes.restored = False
        self._remember(path)
        self._refresh()
        self.opened.emit(str(path))
        return True

    def _apply(self, path: Path) -> bool:
        try:
            loaded = load_session(path)
        except SessionFileError as e:
            self.banner.show_message(f"Could not open the session. {e}", "error")
            return False
        self.banner.hide()
        self.session.set_state(loaded.problem, loaded.spec, loaded.settings, loaded.state)
        self.session.runs.load(loaded.runs)
        self.show_settings(loaded.spec, loaded.settings)
        self.undo.clear()
        self._mark_clean(loaded)
        # Until the worker's first snapshot of the new state, the views show the old one.
        self._changes.latest = self._changes.baseline
        for warning in loaded.problem.warnings:
            self.banner.show_message(warning, "info")
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
        """A close: stop autosaving; a clean one removes the autosave (nothing to
        recover), a quit on a signal keeps it (see :meth:`save_for_recovery`)."""
        self._closed = True
        self.autosave_timer.stop()
        if not self.keep_autosave:
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
            # Unreadable here (damaged, or from a newer mlpviz): never deleted,
            # set aside so it is not offered at every start; the banner says where.
            kept = set_aside(path)
            if kept is not None:  # after _apply's message, which says what is wrong
                said = self.banner.text.text()
                self.banner.show_message(f"{said} The autosave was kept as {kept}.", "error")
            return False
        # The restored work is saved nowhere but the autosave, which stays until
        # the next autosave or a clean close.
        self.path = None
        self._changes.restored = True
        self._refresh()
        return True

    # -- recent sessions and the default questions --------------------------------------

    def recent_sessions(self) -> list[str]:
        return recent_paths(self.store, RECENT_SESSIONS)

    def _remember(self, path: Path) -> None:
        remember_path(self.store, RECENT_SESSIONS, str(path.resolve()))

    def _fill_recent(self) -> None:
        def open_path(path: str) -> object:
            return self.confirm_close() and self.open_session(path)

        tip = "Open the session {path}"
        fill_recent_menu(self.recent_menu, self.recent_sessions(), open_path, tip)

    def _ask_save(self) -> str:
        return session_dialogs.ask_save_changes(self._parent, self.session_name)

    def _ask_restore(self, path: Path) -> bool:
        return session_dialogs.ask_restore(self._parent, path)

    def _start_dir(self) -> str:
        if self.path is not None:
            return str(self.path.parent)
        return str(self.store.value("last_dir", QDir.homePath()))

    def _choose_save_path(self) -> str | None:
        return session_dialogs.choose_save_path(self._parent, self._start_dir(), self.session_name)

    def _choose_open_path(self) -> str | None:
        return session_dialogs.choose_open_path(self._parent, self._start_dir())
