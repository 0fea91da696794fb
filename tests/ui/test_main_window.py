"""The main window end to end: controls drive the worker, the views follow."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from PySide6.QtCore import QThread
from PySide6.QtGui import QImage

from mlpviz.engine import MLP
from mlpviz.ui.shell.main_window import MainWindow

TUTORIAL = MLP.tutorial().params


def latest(window):
    return window.session.latest


def table_values(window, layer):
    model = window.tables.model(layer)
    return np.array(
        [
            [float(model.data(model.index(r, c))) for c in range(model.columnCount())]
            for r in range(model.rowCount())
        ]
    )


def test_opens_on_the_tutorial_network(window):
    snap = latest(window)
    assert snap.layer_sizes == (2, 3, 1)
    np.testing.assert_array_equal(snap.params, TUTORIAL)
    assert len(window.graph.node_items) == 6
    assert len(window.graph.edge_items) == 9
    assert len(window.graph.bias_items) == 4
    # Rows: hidden nodes; columns: I0, I1, bias — the tutorial's printed weights.
    np.testing.assert_allclose(
        table_values(window, 0), [[-0.5, -1.0, 0.5], [-0.5, 0.5, 0.5], [1.0, 0.0, 0.5]]
    )
    np.testing.assert_allclose(table_values(window, 1), [[0.5, -1.0, 0.0, 0.5]])
    assert "exam-scores" in window.windowTitle()


def test_step_sample_batch_and_epoch(window, qtbot):
    window.controls.step_sample.trigger()
    qtbot.waitUntil(lambda: latest(window).steps == 1)
    assert latest(window).position == 1
    assert not np.array_equal(latest(window).params, TUTORIAL)
    # The tables follow the snapshot.
    qtbot.waitUntil(
        lambda: np.allclose(table_values(window, 0)[:, :2], latest(window).weights()[0], atol=5e-5)
    )
    window.controls.step_batch.trigger()
    qtbot.waitUntil(lambda: latest(window).steps == 2)
    window.controls.step_epoch.trigger()
    qtbot.waitUntil(lambda: latest(window).epoch == 1)
    assert latest(window).position == 0
    assert latest(window).steps == 4


def test_run_pause_and_run_n(window, qtbot):
    window.controls.run.trigger()
    qtbot.waitUntil(lambda: window.session.running and latest(window).epoch > 50, timeout=10000)
    window.controls.run.trigger()
    qtbot.waitUntil(lambda: not window.session.running)
    qtbot.waitUntil(lambda: not latest(window).running)
    paused_at = latest(window).epoch
    window.controls.epochs.setValue(25)
    window.controls.run_n.trigger()
    qtbot.waitUntil(
        lambda: latest(window).epoch == paused_at + 25 and not window.session.running, timeout=10000
    )
    # The loss plot has one point per epoch, and names epochs as the status bar does.
    qtbot.waitUntil(lambda: len(window.loss_plot.train_losses) == paused_at + 25)
    window.loss_plot.refresh()
    end = paused_at + 25
    assert window.loss_plot.train_curve.getData()[0][-1] == end
    assert window.loss_plot.readout.text().startswith(f"epoch {end:,} · ")
    assert window.status.epoch.text().startswith(f"Epoch {end}")


def test_reset_restores_the_tutorial_weights(window, qtbot):
    window.controls.step_epoch.trigger()
    qtbot.waitUntil(lambda: latest(window).epoch == 1)
    window.controls.reset.trigger()
    qtbot.waitUntil(lambda: latest(window).epoch == 0)
    np.testing.assert_array_equal(latest(window).params, TUTORIAL)


def test_table_edit_is_used_by_the_next_step_and_undoable(window, qtbot):
    model = window.tables.model(0)
    index = model.index(1, 0)  # w[0][1][0]
    assert model.setData(index, "0.25")
    qtbot.waitUntil(lambda: latest(window).param_value(("w", 0, 1, 0)) == 0.25)
    # The graph shows the new value too.
    assert "0.25" in window.graph.hover_text(window.graph.edge_items[(0, 1, 0)])
    # The next step starts from the edited weight: replay it in the engine.
    mlp = MLP.tutorial()
    mlp.weights[0][1, 0] = 0.25
    from mlpviz.engine import Trainer

    p = window.session.problem
    t = Trainer(mlp, p.X_train, p.Z_train)
    t.step_sample()
    window.controls.step_sample.trigger()
    qtbot.waitUntil(lambda: latest(window).steps == 1)
    np.testing.assert_allclose(latest(window).params, mlp.params, rtol=1e-12)
    # Undo the step? No: undo restores the edited weight's old value.
    window.menus.undo_action.trigger()
    qtbot.waitUntil(lambda: latest(window).param_value(("w", 0, 1, 0)) == -0.5)
    window.menus.redo_action.trigger()
    qtbot.waitUntil(lambda: latest(window).param_value(("w", 0, 1, 0)) == 0.25)


def test_non_number_edit_is_refused_with_a_message(window, qtbot):
    model = window.tables.model(0)
    before = latest(window).params.copy()
    assert not model.setData(model.index(0, 0), "abc")
    assert window.banner.isVisible()
    assert "abc" in window.banner.text.text()
    np.testing.assert_array_equal(latest(window).params, before)


def test_selecting_two_weights_gives_the_pair_surface(window, qtbot):
    window.select_param(("w", 0, 1, 0))
    window.select_param(("w", 1, 0, 2))
    qtbot.waitUntil(
        lambda: latest(window).pair is not None and latest(window).pair.a == ("w", 0, 1, 0)
    )
    pair = latest(window).pair
    assert pair.b == ("w", 1, 0, 2)
    assert pair.grid.shape == (len(pair.a_values), len(pair.b_values))


def test_divergence_pauses_and_keeps_finite_weights(window, qtbot):
    from mlpviz.engine.settings import NetworkSpec, TrainingSettings

    window.session.configure(
        spec=NetworkSpec(output_activation="linear", init="xavier"),
        settings=TrainingSettings(learning_rate=1e6),
        reinit=True,
    )
    qtbot.waitUntil(lambda: latest(window).activation_names[-1] == "linear")
    window.controls.run.trigger()
    qtbot.waitUntil(
        lambda: window.banner.isVisible() and "diverged" in window.banner.text.text(), timeout=10000
    )
    qtbot.waitUntil(lambda: not window.session.running)
    assert np.isfinite(latest(window).params).all()


def test_close_mid_run_stops_the_thread(qtbot, settings_store):
    w = MainWindow(settings_store=settings_store)
    qtbot.addWidget(w)
    w.show()
    thread: QThread = w.session.thread
    w.controls.run.trigger()
    qtbot.waitUntil(lambda: w.session.running)
    w.close()
    assert not thread.isRunning()


def test_layout_is_remembered(qtbot, settings_store):
    w = MainWindow(settings_store=settings_store)
    qtbot.addWidget(w)
    w.show()
    w.tables_dock.hide()
    w.close()
    w2 = MainWindow(settings_store=settings_store)
    qtbot.addWidget(w2)
    w2.show()
    assert not w2.tables_dock.isVisible()
    w2.close()


@pytest.mark.slow
def test_long_live_run_repaints_thousands_of_times(window, qtbot):
    """PySide6 6.12.0 on Python < 3.12 aborts after a few thousand QPainter
    draw calls; the dependency pin excludes it. This run must survive."""
    window.controls.run.trigger()
    frames0 = window.session.frames
    for _ in range(150):
        qtbot.wait(5)
        window.graph.viewport().repaint()
        window.loss_plot.repaint()
    window.controls.run.trigger()
    qtbot.waitUntil(lambda: not window.session.running)
    assert window.session.frames > frames0


def test_screenshot_after_100_epochs_is_not_blank(window, qtbot, tmp_path):
    window.resize(1360, 860)
    window.controls.epochs.setValue(100)
    window.controls.run_n.trigger()
    qtbot.waitUntil(
        lambda: latest(window).epoch == 100 and not window.session.running, timeout=10000
    )
    qtbot.waitUntil(lambda: len(window.loss_plot.train_losses) == 100)
    window.loss_plot.refresh()
    path = tmp_path / "main.png"
    assert window.grab().save(str(path))
    image = QImage(str(path))
    assert image.width() > 1000
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
    }
    assert len(colours) > 50


def test_rewind_to_a_recorded_epoch_and_undo(window, qtbot):
    window.controls.epochs.setValue(30)
    window.controls.run_n.trigger()
    qtbot.waitUntil(
        lambda: latest(window).epoch == 30 and not window.session.running, timeout=10000
    )
    at_30 = latest(window).params.copy()
    assert list(latest(window).history_epochs[:3]) == [0, 1, 2]
    assert latest(window).history_nbytes > 0
    # The weights recorded at epoch 10 are what a fresh run reaches after 10 epochs.
    from mlpviz.engine import MLP, Trainer

    p = window.session.problem
    t = Trainer(MLP.tutorial(), p.X_train, p.Z_train)
    t.run(10)
    window.rewind(10)
    qtbot.waitUntil(lambda: latest(window).epoch == 10)
    np.testing.assert_allclose(latest(window).params, t.mlp.params, rtol=1e-12)
    qtbot.waitUntil(lambda: len(window.loss_plot.train_losses) == 10)
    # Training continues from there.
    window.controls.step_epoch.trigger()
    qtbot.waitUntil(lambda: latest(window).epoch == 11)
    # Undo brings back the dropped epochs.
    window.menus.undo_action.trigger()
    qtbot.waitUntil(lambda: latest(window).epoch == 30)
    np.testing.assert_array_equal(latest(window).params, at_30)
    qtbot.waitUntil(lambda: len(window.loss_plot.train_losses) == 30)


def n_points(window) -> int:
    out = latest(window).output
    return -1 if out is None else len(out.points)


def test_draw_your_own_data(window, qtbot, tmp_path):
    from PySide6.QtCore import Qt

    window.menus.draw_action.setChecked(True)
    qtbot.waitUntil(lambda: window.session.problem.name == "drawn data")
    qtbot.waitUntil(lambda: n_points(window) == 4)
    window.output_plot.planeClicked.emit(1.0, 2.0, Qt.KeyboardModifier.NoModifier)
    window.output_plot.planeClicked.emit(-1.0, -2.0, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: n_points(window) == 6)
    targets = latest(window).output.targets
    assert targets[-2] == 1.0 and targets[-1] == 0.0  # click: class 1, Shift-click: the other
    window.output_plot.planeClicked.emit(1.1, 2.1, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: n_points(window) == 5)
    assert not np.any(np.all(np.isclose(latest(window).output.points, [1.0, 2.0]), axis=1))
    # Training goes on over the drawn data, and the points save as CSV.
    window.controls.step_epoch.trigger()
    qtbot.waitUntil(lambda: latest(window).epoch >= 1)
    from mlpviz.data import load_csv
    from mlpviz.ui.dataset.draw_data import write_points_csv

    write_points_csv(str(tmp_path / "drawn.csv"), window.draw.points)
    ds = load_csv(tmp_path / "drawn.csv")
    np.testing.assert_array_equal(ds.values, window.draw.points)
    assert ds.columns == ("x1", "x2", "class")


def test_bad_csv_shows_the_error_in_the_dialog_and_keeps_the_session(window, qtbot, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,c\n1,2,3\n4,x,6\n")
    before = window.session.problem
    params = latest(window).params.copy()
    dialog = window.data_files.open_dialog(str(bad))
    qtbot.waitUntil(lambda: "line 3" in dialog.message_text())
    assert dialog.isVisible()
    assert not dialog.ok_button.isEnabled()
    assert dialog.problem is None
    dialog.reject()
    assert window.session.problem is before
    np.testing.assert_array_equal(latest(window).params, params)


def test_open_csv_replaces_the_data_and_keeps_the_hidden_layers(window, qtbot, tmp_path):
    good = tmp_path / "scores.csv"
    good.write_text("hours, sleep, score\n1, 8, 50\n2, 7, 60\n3, 6, 65\n4, 8, 80\n5, 5, 70\n")
    dialog = window.data_files.open_dialog(str(good))
    qtbot.waitUntil(lambda: dialog.dataset is not None)
    dialog.accept()
    qtbot.waitUntil(lambda: window.session.problem.name == "scores.csv")
    qtbot.waitUntil(lambda: latest(window).n_rows == 5)
    assert latest(window).layer_sizes == (2, 3, 1)
    assert str(good) in window.data_files.recent_files()
    assert "scores.csv" in window.windowTitle()


def test_tools_menu_opens_the_playground(window, qtbot):
    window.menus.playground_action.trigger()
    qtbot.waitUntil(lambda: window.playground is not None and window.playground.isVisible())
    window.close()
    assert not window.playground.isVisible()


def test_lessons_menu_and_loading_the_worked_example(window, qtbot):
    titles = [a.text() for a in window.menus.lessons_menu.actions() if a.text()]
    assert len(titles) == 4
    from mlpviz.lessons.worked_example import WorkedExample

    ex = WorkedExample()
    window.controls.step_epoch.trigger()
    qtbot.waitUntil(lambda: latest(window).epoch == 1)
    window.load_lesson(window.session.problem, ex.spec(), ex.settings())
    qtbot.waitUntil(lambda: latest(window).epoch == 0)
    np.testing.assert_array_equal(latest(window).params, TUTORIAL)


def test_training_state_round_trips_through_the_worker(window, qtbot):
    window.controls.epochs.setValue(12)
    window.controls.run_n.trigger()
    qtbot.waitUntil(
        lambda: latest(window).epoch == 12 and not window.session.running, timeout=10000
    )
    got = []
    window.session.stateReady.connect(lambda token, st: got.append((token, st)))
    window.session.request_state(7)
    qtbot.waitUntil(lambda: bool(got))
    token, st = got[0]
    assert token == 7 and st.state["epoch"] == 12 and len(st.state["losses"]) == 12
    params = latest(window).params.copy()
    window.controls.reset.trigger()
    qtbot.waitUntil(lambda: latest(window).epoch == 0)
    window.session.set_state(st.problem, st.spec, st.settings, st.state)
    qtbot.waitUntil(lambda: latest(window).epoch == 12)
    np.testing.assert_array_equal(latest(window).params, params)
    qtbot.waitUntil(lambda: len(window.loss_plot.train_losses) == 12)


def test_inspector_shows_the_update_the_next_step_applies(window, qtbot):
    window.inspector_dock.show()
    window.inspector_dock.raise_()
    window.select_param(("w", 1, 0, 1))
    qtbot.waitUntil(lambda: latest(window).explanation is not None)
    qtbot.waitUntil(lambda: window.inspector.shown_update() is not None)
    name, old, new = window.inspector.shown_update()
    assert name == "wo[0][1]" or "1" in name
    assert old == latest(window).param_value(("w", 1, 0, 1))
    window.controls.step_sample.trigger()
    qtbot.waitUntil(lambda: latest(window).steps == 1)
    assert round(latest(window).param_value(("w", 1, 0, 1)), 4) == round(new, 4)


def test_step_through_walks_the_sample_and_applies_it(window, qtbot):
    window.step_dock.show()
    qtbot.waitUntil(lambda: latest(window).explanation is not None)
    qtbot.waitUntil(lambda: window.step_through.steps != [])
    titles = list(window.step_through.steps)
    for _ in range(len(titles) - 1):
        window.step_through.next()
    assert window.step_through.index == len(titles) - 1
    window.step_through.applyRequested.emit()
    qtbot.waitUntil(lambda: latest(window).steps == 1)


@pytest.mark.parametrize(
    "content, says",
    [
        ("[General]\nsettings_version=99\nrecent_files=/x.csv\n", "newer mlpviz"),
        ("[General]\nsettings_version=abc\n", "unreadable version"),
        (
            "[window]\nstate=@ByteArray(garbage)\ngeometry=@ByteArray(junk)\n",
            "layout could not be read",
        ),
    ],
)
def test_unusable_settings_start_with_defaults_and_say_so(qtbot, tmp_path, content, says):
    from PySide6.QtCore import QSettings

    path = tmp_path / "mlpviz.ini"
    path.write_text(content)
    store = QSettings(str(path), QSettings.Format.IniFormat)
    w = MainWindow(settings_store=store)
    qtbot.addWidget(w)
    assert w.banner.isVisibleTo(w) and says in w.banner.text.text()
    assert w.data_files.recent_files() == []
    assert w.session.problem.name == "exam-scores"
    w.close()


def test_changing_a_training_setting_keeps_the_run_going(window, qtbot):
    s = window.session
    s.run(40)
    qtbot.waitUntil(lambda: latest(window).epoch == 40, timeout=10_000)
    s.configure(settings=dataclasses.replace(s.settings, learning_rate=0.3))
    qtbot.waitUntil(lambda: latest(window).learning_rate == 0.3, timeout=10_000)
    # Not a new run: the epoch, the loss curve and the weight history stay.
    assert latest(window).epoch == 40
    window.loss_plot.refresh()
    assert len(window.loss_plot.train_losses) == 40
    assert len(latest(window).history_epochs) == 41
    s.run(10)
    qtbot.waitUntil(lambda: latest(window).epoch == 50, timeout=10_000)
    # The same as 40 epochs at η = 0.1, then 10 at 0.3.
    p = s.problem
    mlp = s.spec.build(len(p.input_names), len(p.target_names))
    local = dataclasses.replace(s.settings, learning_rate=0.1).make_trainer(
        mlp, p.X_train, p.Z_train
    )
    local.run(40)
    local.base_learning_rate = 0.3
    local.run(10)
    assert latest(window).params.tobytes() == local.mlp.params.tobytes()
    # Another optimizer starts from its own fresh state, still on the same run.
    s.configure(settings=dataclasses.replace(s.settings, optimizer="momentum"))
    qtbot.waitUntil(lambda: s.worker.trainer.optimizer.name == "momentum", timeout=10_000)
    assert latest(window).epoch == 50
