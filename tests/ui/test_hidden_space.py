"""The hidden-space view: the plane and the data as a hidden layer sees them.

Numbers, not widgets: what the view draws is checked against the engine's
own forward pass of the same inputs, projected with the basis the view shows.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from mlpviz.data import load_example
from mlpviz.data.problem import prepare
from mlpviz.engine.hidden_space import fit_basis
from mlpviz.engine.settings import NetworkSpec, TrainingSettings
from mlpviz.ui.plots.hidden_space import HiddenSpacePlot, axis_titles
from mlpviz.ui.training.hidden_space import LINE_POINTS, LINES, HiddenChoice, HiddenSpaceFeed

SPEC = NetworkSpec((8, 2), ("tanh", "tanh"), "sigmoid", None, "xavier", 0)


def spiral():
    ex = load_example("spiral", n=120)
    return prepare(ex.dataset, ex.inputs, ex.targets, "-1,1", "0,1", name=ex.name, task=ex.task)


def engine_activations(problem, params, layer: int, raw: np.ndarray) -> np.ndarray:
    """The engine's activations of hidden layer ``layer`` for raw input rows, one row at a time."""
    mlp = SPEC.build(len(problem.input_names), len(problem.target_names))
    mlp.set_params(params)
    return np.vstack(
        [mlp.forward(problem.encode_inputs(r[None, :])).activations[layer] for r in raw]
    )


# -- the worker's side ------------------------------------------------------------------


def test_grid_image_is_the_layers_activations_projected():
    problem = spiral()
    mlp = SPEC.build(2, len(problem.target_names))
    feed = HiddenSpaceFeed()
    for layer, units in ((1, 8), (2, 2)):
        feed.choose(HiddenChoice(layer))
        space = feed.compute(mlp, problem, classification=True, epoch=0)
        assert (space.layer, space.n_hidden, space.basis.units) == (layer, 2, units)
        assert space.basis.direct == (units == 2)
        assert space.lines.shape == space.line_image.shape == (2 * LINES, LINE_POINTS, 2)
        picks = [(0, 0), (3, 17), (LINES + 4, 59), (2 * LINES - 1, 31)]
        raw = np.array([space.lines[i, j] for i, j in picks])
        h = engine_activations(problem, mlp.params, layer, raw)
        shown = np.array([space.line_image[i, j] for i, j in picks])
        np.testing.assert_allclose(shown, space.basis.project(h), rtol=0, atol=1e-12)
        # The data points too, and their classes.
        h_points = engine_activations(problem, mlp.params, layer, space.points)
        np.testing.assert_allclose(space.image, space.basis.project(h_points), rtol=0, atol=1e-12)
        np.testing.assert_array_equal(space.values, problem.Z[space.rows].argmax(1))
        np.testing.assert_array_equal(space.points, problem.raw_inputs[space.rows])


def test_the_basis_holds_until_refit():
    problem = spiral()
    mlp = SPEC.build(2, len(problem.target_names))
    feed = HiddenSpaceFeed()
    first = feed.compute(mlp, problem, True, epoch=0)
    mlp.set_params(mlp.params * 1.5 + 0.1)
    moved = feed.compute(mlp, problem, True, epoch=7)
    assert moved.basis is first.basis and moved.fitted_epoch == 0
    assert not np.allclose(moved.image, first.image)
    feed.choose(HiddenChoice(1, refit=True))
    refit = feed.compute(mlp, problem, True, epoch=7)
    assert refit.fitted_epoch == 7 and refit.basis is not first.basis
    h = engine_activations(problem, mlp.params, 1, refit.points)
    np.testing.assert_allclose(refit.basis.mean, fit_basis(h).mean, rtol=0, atol=1e-12)
    np.testing.assert_allclose(refit.basis.axes, fit_basis(h).axes, rtol=0, atol=1e-12)
    # A new network fits afresh.
    feed.forget()
    assert feed.compute(mlp, problem, True, epoch=9).fitted_epoch == 9


def test_no_hidden_layer_no_space():
    problem = spiral()
    mlp = NetworkSpec((), (), "sigmoid", None, "xavier", 0).build(2, 2)
    assert HiddenSpaceFeed().compute(mlp, problem, True, 0) is None


# -- the view ------------------------------------------------------------------------------


def test_view_draws_the_lines_and_names_the_axes(qtbot):
    problem = spiral()
    mlp = SPEC.build(2, len(problem.target_names))
    feed = HiddenSpaceFeed()
    view = HiddenSpacePlot()
    qtbot.addWidget(view)
    space = feed.compute(mlp, problem, True, 0)
    view.update_space(space)
    assert not view.showing_hint
    e1, e2 = (100 * e for e in space.basis.explained)
    assert axis_titles(space) == (f"PC1 of Hidden 1 ({e1:.0f} %)", f"PC2 of Hidden 1 ({e2:.0f} %)")
    assert view.plot_item.getAxis("bottom").labelText == axis_titles(space)[0]
    # Lines of constant x: one polyline, each line followed by a NaN break.
    x, y = view.x_lines.getData()
    drawn = np.column_stack([x, y]).reshape(LINES, LINE_POINTS + 1, 2)
    np.testing.assert_array_equal(drawn[:, :-1], space.line_image[:LINES])
    assert np.isnan(drawn[:, -1]).all()
    feed.choose(HiddenChoice(2))
    direct = feed.compute(mlp, problem, True, 0)
    view.update_space(direct)
    assert axis_titles(direct) == ("h1 of Hidden 2", "h2 of Hidden 2")
    assert view.plot_item.getAxis("left").labelText == "h2 of Hidden 2"
    assert not view.refit_button.isEnabled()


# -- in the window --------------------------------------------------------------------------


@pytest.fixture
def spiral_window(qtbot, settings_store):
    from mlpviz.ui.shell.main_window import MainWindow

    w = MainWindow(spiral(), SPEC, TrainingSettings(), settings_store=settings_store)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: w.session.latest is not None)
    yield w


def _show(qtbot, w):
    w.hidden_dock.show()
    w.hidden_dock.raise_()
    qtbot.waitUntil(lambda: w.session.latest.hidden is not None and w.hidden_plot.space is not None)


def test_computed_only_while_on_screen(qtbot, spiral_window):
    w = spiral_window
    # Its dock starts behind the loss plot: snapshots keep whatever space was
    # last computed and never compute a new one.
    w.session.step("epoch")
    qtbot.waitUntil(lambda: w.session.latest.epoch == 1)
    kept = w.session.latest.hidden
    for _ in range(2):
        w.session.step("epoch")
    qtbot.waitUntil(lambda: w.session.latest.epoch == 3)
    assert w.session.latest.hidden is kept
    assert w.hidden_plot.space is None  # nor drawn
    _show(qtbot, w)
    qtbot.waitUntil(lambda: w.hidden_plot.space is not kept)
    space = w.hidden_plot.space
    h = engine_activations(w.session.problem, w.session.latest.params, 1, space.points)
    np.testing.assert_allclose(space.image, space.basis.project(h), rtol=0, atol=1e-12)


def test_window_draws_the_engines_activations(qtbot, spiral_window):
    w = spiral_window
    _show(qtbot, w)
    snap = w.session.latest
    space = w.hidden_plot.space
    assert space is snap.hidden and space.layer == 1
    x, y = w.hidden_plot.y_lines.getData()
    drawn = np.column_stack([x, y]).reshape(LINES, LINE_POINTS + 1, 2)[:, :-1]
    raw = space.lines[LINES:].reshape(-1, 2)
    h = engine_activations(w.session.problem, snap.params, 1, raw)
    np.testing.assert_allclose(drawn.reshape(-1, 2), space.basis.project(h), rtol=0, atol=1e-12)
    # The 2-unit layer: its units are the axes.
    w.hidden_plot.layer_combo.setCurrentIndex(1)
    w.hidden_plot.layer_combo.activated.emit(1)
    qtbot.waitUntil(lambda: w.hidden_plot.space is not None and w.hidden_plot.space.layer == 2)
    space = w.hidden_plot.space
    assert space.basis.direct
    assert w.hidden_plot.plot_item.getAxis("bottom").labelText == "h1 of Hidden 2"
    h = engine_activations(w.session.problem, w.session.latest.params, 2, space.points)
    np.testing.assert_allclose(w.hidden_plot.scatter.getData()[0], h[:, 0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(w.hidden_plot.scatter.getData()[1], h[:, 1], rtol=0, atol=1e-12)


def test_projection_stays_fixed_until_refit(qtbot, spiral_window):
    w = spiral_window
    _show(qtbot, w)
    first = w.hidden_plot.space
    for _ in range(3):
        w.session.step("epoch")
    qtbot.waitUntil(lambda: w.hidden_plot.space.image is not first.image)
    qtbot.waitUntil(lambda: w.session.latest.epoch == 3)
    moved = w.hidden_plot.space
    np.testing.assert_array_equal(moved.basis.axes, first.basis.axes)
    np.testing.assert_array_equal(moved.basis.mean, first.basis.mean)
    assert moved.fitted_epoch == 0
    assert not np.array_equal(moved.image, first.image)
    w.hidden_plot.refit_button.click()
    qtbot.waitUntil(lambda: w.hidden_plot.space.fitted_epoch == 3)
    refit = w.hidden_plot.space
    h = engine_activations(w.session.problem, w.session.latest.params, 1, refit.points)
    np.testing.assert_allclose(refit.basis.axes, fit_basis(h).axes, rtol=0, atol=1e-12)
    assert not np.allclose(refit.basis.axes, first.basis.axes)


def _hover(plot: HiddenSpacePlot, x: float, y: float) -> None:
    """A mouse move with no button held, to view position (x, y)."""
    scene_pos = plot.plot_item.getViewBox().mapViewToScene(QPointF(x, y))
    p = plot.view.mapFromScene(scene_pos)
    viewport = plot.view.viewport()
    event = QMouseEvent(
        QEvent.Type.MouseMove,
        QPointF(p),
        viewport.mapToGlobal(QPointF(p)),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(viewport, event)


def test_hovering_a_point_selects_its_row_and_marks_it(qtbot, spiral_window):
    w = spiral_window
    _show(qtbot, w)
    space = w.hidden_plot.space
    # A point with no other within a few pixels' reach of it.
    d = np.linalg.norm(space.image[:, None] - space.image[None], axis=2)
    np.fill_diagonal(d, np.inf)
    i = int(np.argmax(d.min(1)))
    _hover(w.hidden_plot, *space.image[i])
    qtbot.waitUntil(lambda: len(w.data_view.selected_rows()) == 1)
    assert w.data_view.selected_rows().tolist() == [int(space.rows[i])]
    np.testing.assert_array_equal(w.output_plot.marker.getData()[0], [space.points[i, 0]])
    np.testing.assert_array_equal(w.output_plot.marker.getData()[1], [space.points[i, 1]])
    assert w.hidden_plot.readout.text().startswith(f"row {int(space.rows[i])} ")

    # Leaving the points takes the ring away.
    def leave() -> bool:
        # A corner of the plot, taken afresh: a new snapshot may reframe the view.
        (x0, x1), (y0, y1) = w.hidden_plot.plot_item.getViewBox().viewRange()
        away = (x0 + 0.01 * (x1 - x0), y1 - 0.01 * (y1 - y0))
        assert w.hidden_plot.point_at(*away) == -1
        _hover(w.hidden_plot, *away)
        return len(w.output_plot.marker.getData()[0]) == 0

    qtbot.waitUntil(leave)
