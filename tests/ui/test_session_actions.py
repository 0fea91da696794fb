"""Sessions in the main window: save, open, unsaved changes, closing, autosave, recent files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mlpviz.engine import history
from mlpviz.io import session_file, session_read
from mlpviz.ui.files.session_actions import SessionActions
from mlpviz.ui.shell.main_window import MainWindow
from mlpviz.ui.training import worker
from tests.ui.session_helpers import side_actions


def no_question(*_):
    raise AssertionError("nothing should have been asked")


@pytest.fixture
def make(qtbot, settings_store, tmp_path):
    """Windows with SessionActions (as the lead will wire them), closed cleanly at the end."""
    made: list[tuple[MainWindow, SessionActions]] = []

    def new(interval_ms: int = 60_000) -> tuple[MainWindow, SessionActions]:
        w = MainWindow(settings_store=settings_store)
        qtbot.addWidget(w)
        actions = side_actions(w, tmp_path / "data" / "autosave.mlpviz", interval_ms)
        actions.ask = actions.ask_restore = no_question
        w.show()
        qtbot.waitUntil(lambda: w.session.latest is not None)
        made.append((w, actions))
        return w, actions

    yield new
    for w, actions in made:
        actions.autosave_timer.stop()
        w.close()


def epochs(window, qtbot, n: int) -> None:
    target = window.session.latest.epoch + n
    for _ in range(n):
        window.controls.step_epoch.trigger()
    qtbot.waitUntil(lambda: window.session.latest.epoch == target)


def save(actions, qtbot, path: Path) -> None:
    with qtbot.waitSignal(actions.saved, timeout=5000):
        actions.save_to(path)


def test_a_saved_session_opens_in_a_fresh_window_where_it_left_off(make, qtbot, tmp_path):
    w, actions = make()
    epochs(w, qtbot, 5)
    path = tmp_path / "five.mlpviz"
    save(actions, qtbot, path)
    params = w.session.latest.params.copy()

    w2, actions2 = make()
    epochs(w2, qtbot, 8)  # unsaved work; open_session (unlike the menu) does not ask
    assert actions2.open_session(path)
    qtbot.waitUntil(lambda: w2.session.latest.epoch == 5)
    np.testing.assert_array_equal(w2.session.latest.params, params)
    qtbot.waitUntil(lambda: len(w2.loss_plot.train_losses) == 5)
    with qtbot.waitSignal(w2.session.stateReady) as got:
        w2.session.request_state(7)
    assert len(got.args[1].state["losses"]) == 5
    assert len(got.args[1].state["history"][1]) == 6  # epochs 0..5
    assert not actions2.is_dirty
    assert w2.windowTitle() == "exam-scores — five — mlpviz"
    # Training goes on from there.
    epochs(w2, qtbot, 1)
    assert w2.session.latest.epoch == 6


def test_a_corrupt_session_shows_the_error_and_changes_nothing(make, qtbot, tmp_path):
    w, actions = make()
    epochs(w, qtbot, 2)
    before = w.session.latest
    bad = tmp_path / "bad.mlpviz"
    bad.write_text('{"format": "mlpviz-session", "version": 2, "name": "x", "dat')
    assert not actions.open_session(bad)
    assert w.banner.isVisible() and w.banner.kind == "error"
    assert "bad.mlpviz" in w.banner.text.text() and "truncated" in w.banner.text.text()
    # Nothing was sent to the worker: a step continues the old session.
    epochs(w, qtbot, 1)
    assert w.session.latest.epoch == before.epoch + 1
    assert w.session.problem.name == "exam-scores"
    assert actions.path is None


def test_the_title_names_the_session_and_stars_unsaved_changes(make, qtbot, tmp_path):
    w, actions = make()
    titles: list[str] = []
    actions.titleChanged.connect(titles.append)
    assert actions.window_title() == "exam-scores — untitled — mlpviz"
    assert w.windowTitle() == actions.window_title()
    assert not actions.is_dirty

    epochs(w, qtbot, 1)
    qtbot.waitUntil(lambda: actions.is_dirty)
    assert w.windowTitle() == "exam-scores — untitled* — mlpviz"

    save(actions, qtbot, tmp_path / "lesson one.mlpviz")
    assert not actions.is_dirty
    assert w.windowTitle() == "exam-scores — lesson one — mlpviz"
    assert titles[-2:] == ["exam-scores — untitled* — mlpviz", "exam-scores — lesson one — mlpviz"]

    # An undoable edit makes it dirty; undoing it makes it clean again.
    w.edit_param(("w", 0, 0, 0), 0.125)
    qtbot.waitUntil(lambda: w.session.latest.param_value(("w", 0, 0, 0)) == 0.125)
    assert actions.is_dirty and w.windowTitle().endswith("one* — mlpviz")
    w.undo.undo()
    qtbot.waitUntil(lambda: not actions.is_dirty)
    assert w.windowTitle() == "exam-scores — lesson one — mlpviz"


def test_confirm_close_asks_only_when_there_are_unsaved_changes(make, qtbot, tmp_path):
    w, actions = make()
    assert actions.confirm_close()  # nothing to lose, nothing asked
    epochs(w, qtbot, 1)
    qtbot.waitUntil(lambda: actions.is_dirty)

    asked: list[str] = []

    def answer(reply):
        def ask():
            asked.append(reply)
            return reply

        return ask

    actions.ask = answer("cancel")
    assert not actions.confirm_close()
    actions.ask = answer("discard")
    assert actions.confirm_close()
    actions.choose_save_path = lambda: None  # the user cancels the file dialog
    actions.ask = answer("save")
    assert not actions.confirm_close()
    target = tmp_path / "closing.mlpviz"
    actions.choose_save_path = lambda: str(target)
    assert actions.confirm_close()
    assert asked == ["cancel", "discard", "save", "save"]
    assert target.is_file() and not actions.is_dirty
    assert session_file.load_session(target).state["epoch"] == 1


def test_autosave_while_dirty_removed_on_clean_close_and_offered_after_a_crash(
    make, qtbot, tmp_path
):
    w, actions = make(interval_ms=50)
    auto = actions.autosave_path
    assert not auto.exists()
    epochs(w, qtbot, 3)
    with qtbot.waitSignal(actions.autosaved, timeout=5000):
        pass
    assert session_file.load_session(auto).state["epoch"] == 3
    actions.shutdown()  # a clean close
    assert not auto.exists() and not actions.autosave_timer.isActive()

    # A crash: the autosave stays behind.
    w2, actions2 = make(interval_ms=50)
    epochs(w2, qtbot, 4)
    with qtbot.waitSignal(actions2.autosaved, timeout=5000):
        pass
    actions2.autosave_timer.stop()
    assert auto.is_file()

    w3, actions3 = make()
    offered: list[Path] = []
    actions3.ask_restore = lambda path: offered.append(path) or True
    assert actions3.offer_restore()
    assert offered == [auto]
    qtbot.waitUntil(lambda: w3.session.latest.epoch == 4)
    assert actions3.is_dirty and actions3.session_name == "untitled"
    assert w3.windowTitle() == "exam-scores — untitled* — mlpviz"
    assert auto.is_file()  # kept until the restored work is saved or closed cleanly

    _, actions4 = make()
    actions4.ask_restore = lambda path: False
    assert not actions4.offer_restore()
    assert not auto.exists()
    assert not actions4.offer_restore()  # nothing left to offer


def test_recent_sessions_are_listed_and_open(make, qtbot, tmp_path):
    w, actions = make()
    a, b = tmp_path / "a.mlpviz", tmp_path / "b.mlpviz"
    save(actions, qtbot, a)
    epochs(w, qtbot, 1)
    save(actions, qtbot, b)
    save(actions, qtbot, a)
    assert actions.recent_sessions() == [str(a), str(b)]
    actions.recent_menu.aboutToShow.emit()
    entries = [x.text() for x in actions.recent_menu.actions()]
    assert entries == [str(a), str(b)]

    w2, actions2 = make()
    assert actions2.recent_sessions() == [str(a), str(b)]  # shared through QSettings
    actions2.recent_menu.aboutToShow.emit()
    with qtbot.waitSignal(actions2.opened):
        actions2.recent_menu.actions()[1].trigger()
    assert actions2.path == b
    qtbot.waitUntil(lambda: w2.session.latest.epoch == 1)


def test_menu_entries_and_the_save_action(make, qtbot, tmp_path):
    w, actions = make()
    file_menu = w.menuBar().actions()[0].menu()
    actions.install_menu(file_menu, w.menus.quit_action)
    texts = [a.text() for a in file_menu.actions()]
    i = texts.index("Open &session…")
    assert texts[i : i + 4] == [
        "Open &session…",
        "Open recent sessio&n",
        "&Save session",
        "Save session &as…",
    ]
    assert texts.index("&Quit") > i + 3
    assert actions.save_action.shortcut().toString() == "Ctrl+S"
    assert actions.open_action.shortcut().toString() == "Ctrl+Shift+O"
    assert actions.save_as_action.shortcut().toString() == "Ctrl+Shift+S"
    assert all(a.statusTip() for a in actions.actions)
    # Save on an untitled session asks for a file; then saves there silently.
    target = tmp_path / "via-menu.mlpviz"
    actions.choose_save_path = lambda: str(target)
    with qtbot.waitSignal(actions.saved):
        actions.save_action.trigger()
    actions.choose_save_path = no_question
    epochs(w, qtbot, 1)
    with qtbot.waitSignal(actions.saved):
        actions.save_action.trigger()
    assert session_file.load_session(target).state["epoch"] == 1


def test_the_loader_refuses_histories_longer_than_the_worker_keeps():
    # One constant serves both (engine.history); the worker never keeps more.
    assert session_read.HISTORY_CAPACITY is history.HISTORY_CAPACITY
    assert worker.capacity_for is history.capacity_for
    assert history.capacity_for(17) == history.HISTORY_CAPACITY
    assert 16 <= history.capacity_for(109_184) < history.HISTORY_CAPACITY


def test_sessions_are_written_off_the_gui_thread(make, qtbot, tmp_path, monkeypatch):
    import threading

    from mlpviz.ui.files import session_actions as sa

    w, actions = make()
    epochs(w, qtbot, 2)
    writers: list[threading.Thread] = []
    real = sa.save_session

    def recording(*args, **kwargs):
        writers.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(sa, "save_session", recording)
    path = tmp_path / "bg.mlpviz"
    save(actions, qtbot, path)
    assert writers and writers[0] is not threading.main_thread()
    assert session_file.load_session(path).state["epoch"] == 2
    # A failing write still reaches the banner, on the GUI thread.
    assert not actions.save_blocking(tmp_path / "no-such-folder" / "x.mlpviz", 5000)
    assert "Could not save the session" in w.banner.text.text()
    assert "no-such-folder" in w.banner.text.text()


def test_an_autosave_still_being_written_at_a_clean_close_leaves_no_autosave(
    make, qtbot, monkeypatch
):
    import threading

    from mlpviz.ui.files import session_actions as sa

    w, actions = make()
    epochs(w, qtbot, 2)
    writing, finish, done = threading.Event(), threading.Event(), threading.Event()
    real = sa.save_session

    def held(*args, **kwargs):
        writing.set()
        assert finish.wait(10)
        real(*args, **kwargs)

    monkeypatch.setattr(sa, "save_session", held)
    actions._written.connect(lambda *_: done.set())
    actions.autosave()
    qtbot.waitUntil(writing.is_set)
    actions.shutdown()  # a clean close while the file is being written
    finish.set()
    qtbot.waitUntil(done.is_set)
    assert not actions.autosave_path.exists()
