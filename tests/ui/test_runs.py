"""The Runs list end to end: runs kept on reset and on a new setting, overlaid with their exact
losses, trained again from the same starting weights bit for bit, bounded, and saved."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from mlpviz.engine import MLP
from mlpviz.engine.run_record import MAX_RUNS, capture_run
from mlpviz.engine.settings import NetworkSpec, TrainingSettings
from mlpviz.io.session_file import load_session
from mlpviz.ui.training.runs import RunsKeeper
from tests.ui.session_helpers import side_actions

TUTORIAL = MLP.tutorial().params


def train(window, qtbot, epochs: int) -> np.ndarray:
    """Train ``epochs`` more, paused after; returns the live curve's losses."""
    s = window.session
    target = s.latest.epoch + epochs
    s.run(epochs)
    qtbot.waitUntil(lambda: s.latest.epoch == target and not s.running, timeout=15000)
    qtbot.waitUntil(lambda: len(window.loss_plot.train_losses) == target)
    return window.loss_plot.train_losses.copy()


def set_rate(window, rate: float) -> None:
    panel = window.settings_panel
    panel.set_values(window.session.spec, TrainingSettings(learning_rate=rate))


def test_reset_keeps_the_run_and_the_plot_overlays_its_exact_losses(window, qtbot):
    losses = train(window, qtbot, 40)
    window.controls.reset.trigger()
    qtbot.waitUntil(lambda: len(window.session.runs) == 1 and window.session.latest.epoch == 0)
    run = window.session.runs.records[0]
    np.testing.assert_array_equal(run.train, losses)
    np.testing.assert_array_equal(run.initial_params, TUTORIAL)
    assert run.epochs == 40 and run.shown
    plot = window.loss_plot
    assert plot.overlay.runs == [run]
    plot.refresh()
    x, y = plot.overlay.curves[0][0].getData()
    np.testing.assert_array_equal(x, np.arange(1, 41))
    np.testing.assert_array_equal(y, losses)
    # Unchecking hides it: nothing is overlaid.
    item = window.runs_panel.item_for(run.serial)
    item.setCheckState(0, Qt.CheckState.Unchecked)
    qtbot.waitUntil(lambda: not run.shown)
    assert plot.overlay.runs == []


def test_run_again_from_the_same_starting_weights_with_a_new_rate(window, qtbot):
    first = train(window, qtbot, 30)
    set_rate(window, 1.0)
    window.runs_panel.restart_action.trigger()
    s = window.session
    qtbot.waitUntil(lambda: len(s.runs) == 1 and s.latest.epoch == 0)
    assert s.latest.params.tobytes() == TUTORIAL.tobytes()
    assert s.settings.learning_rate == 1.0
    second = train(window, qtbot, 30)
    kept = s.runs.records[0]
    np.testing.assert_array_equal(kept.train, first)
    assert kept.settings.learning_rate == 0.1
    assert second[-1] < first[-1]  # the faster rate descends further in 30 epochs
    # The legend and title name the difference.
    assert window.runs_panel.title == "η 0.1 vs 1"
    assert window.loss_plot.overlay.labels == ["η 0.1"]
    assert window.loss_plot.title_label.text() == "Loss · η 0.1 vs 1"
    # The Train menu holds the action.
    assert window.runs_panel.restart_action in window.menus.train_menu.actions()
    assert window.runs_panel.tree.topLevelItem(0).text(1) == "η 1"


def test_run_again_from_a_kept_runs_weights_is_bit_identical(window, qtbot):
    s = window.session
    window.settings_panel.set_values(
        NetworkSpec(init="xavier", seed=5), TrainingSettings(learning_rate=0.3)
    )
    window.settings_panel.rebuild_button.click()
    qtbot.waitUntil(lambda: not np.array_equal(s.latest.params, TUTORIAL))
    start = s.latest.params.copy()
    train(window, qtbot, 10)
    window.controls.reset.trigger()
    qtbot.waitUntil(lambda: len(s.runs) >= 1 and s.latest.epoch == 0)
    run = s.runs.records[-1]
    np.testing.assert_array_equal(run.initial_params, start)
    train(window, qtbot, 5)
    set_rate(window, 2.0)
    window.runs_panel.restart(run.serial)
    qtbot.waitUntil(lambda: s.latest.epoch == 0 and s.settings.learning_rate == 2.0)
    assert s.latest.params.tobytes() == run.initial_params.tobytes()


def test_a_changed_setting_keeps_the_run_so_far(window, qtbot):
    losses = train(window, qtbot, 12)
    window.session.configure(settings=TrainingSettings(learning_rate=0.7))
    qtbot.waitUntil(lambda: len(window.session.runs) == 1)
    run = window.session.runs.records[0]
    np.testing.assert_array_equal(run.train, losses)
    assert run.settings.learning_rate == 0.1
    # The live run goes on from where it was (the curve is not started over).
    qtbot.waitUntil(lambda: window.session.settings.learning_rate == 0.7)
    assert window.session.latest.epoch == 12


def test_the_keeper_drops_the_oldest_unpinned_run(window, qtbot):
    train(window, qtbot, 3)
    t = window.session.worker.trainer  # paused: the worker does not touch it now
    record = capture_run(t, window.session.spec, window.session.settings, TUTORIAL)
    keeper = RunsKeeper(limit=3)
    runs = [
        capture_run(t, window.session.spec, window.session.settings, TUTORIAL) for _ in range(5)
    ]
    runs[0].pinned = True
    for r in runs:
        assert keeper.add(r)
    assert keeper.records == (runs[0], runs[3], runs[4])
    for r in keeper.records:
        keeper.set_pinned(r.serial, True)
    assert not keeper.add(record)  # every kept run pinned: no room
    assert len(keeper) == 3 and keeper.nbytes == sum(r.nbytes for r in keeper.records)
    assert window.session.runs.limit == MAX_RUNS


def test_rename_delete_and_the_memory_shown(window, qtbot):
    train(window, qtbot, 8)
    window.controls.reset.trigger()
    keeper = window.session.runs
    qtbot.waitUntil(lambda: len(keeper) == 1)
    run = keeper.records[0]
    panel = window.runs_panel
    assert panel.memory.text().startswith(f"1 of {MAX_RUNS} runs kept · ")
    panel.item_for(run.serial).setText(0, "baseline")
    qtbot.waitUntil(lambda: run.name == "baseline")
    assert panel.item_for(run.serial).text(0) == "baseline"
    assert window.loss_plot.overlay.labels == ["baseline"]  # nothing differs: its name
    menu = panel.context_menu(run.serial)
    [delete] = [a for a in menu.actions() if a.text() == "Delete"]
    delete.trigger()
    assert len(keeper) == 0 and window.loss_plot.overlay.runs == []
    assert panel.memory.text().startswith(f"0 of {MAX_RUNS} runs kept · 0 B")


def test_saved_sessions_keep_the_runs(window, qtbot, tmp_path):
    losses = train(window, qtbot, 15)
    window.controls.reset.trigger()
    qtbot.waitUntil(lambda: len(window.session.runs) == 1)
    actions = side_actions(window, tmp_path / "autosave.mlpviz")
    path = tmp_path / "s.mlpviz"
    assert actions.save_blocking(path)
    [run] = load_session(path).runs
    np.testing.assert_array_equal(run.train, losses)
    assert run.initial_params.tobytes() == TUTORIAL.tobytes()
    window.session.runs.load([])
    assert actions.open_session(path)
    qtbot.waitUntil(lambda: len(window.session.runs) == 1)
    np.testing.assert_array_equal(window.session.runs.records[0].train, losses)


def test_renaming_checking_or_deleting_a_run_is_an_unsaved_change(window, qtbot, tmp_path):
    train(window, qtbot, 6)
    window.controls.reset.trigger()
    keeper = window.session.runs
    qtbot.waitUntil(lambda: len(keeper) == 1 and window.session.latest.epoch == 0)
    actions = side_actions(window, tmp_path / "autosave.mlpviz")
    path = tmp_path / "runs.mlpviz"
    assert actions.save_blocking(path)
    assert not actions.is_dirty
    run = keeper.records[0]
    keeper.rename(run.serial, "slow")
    assert actions.is_dirty and "runs*" in actions.window_title()
    assert actions.save_blocking(path)
    assert not actions.is_dirty and load_session(path).runs[0].name == "slow"
    keeper.set_shown(run.serial, False)
    assert actions.is_dirty
    assert actions.save_blocking(path)
    keeper.remove(run.serial)
    assert actions.is_dirty
