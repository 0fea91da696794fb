"""The main window's Data group: noise, points, test share, Regenerate — the network kept."""

from __future__ import annotations

import numpy as np

from mlpviz.data import load_example
from mlpviz.ui.shell.data_controls import Recipe, generate


def latest(window):
    return window.session.latest


def open_spiral(window, qtbot):
    window.data_files.open_example("spiral")
    qtbot.waitUntil(lambda: window.session.worker.problem.name == "spiral")
    qtbot.waitUntil(lambda: latest(window).n_rows == 200)


def train_a_little(window, qtbot):
    window.controls.step_epoch.trigger()
    qtbot.waitUntil(lambda: latest(window).epoch == 1)
    return latest(window).params.copy()


def test_an_example_shows_its_recipe_and_a_csv_like_table_disables_the_group(window, qtbot):
    group = window.data_controls
    # The tutorial's exam scores: a fixed table.
    assert not group.noise.isEnabled() and not group.regenerate.isEnabled()
    assert "fixed table" in group.toolTip()
    open_spiral(window, qtbot)
    assert group.regenerate.isEnabled() and group.toolTip() == ""
    assert (group.noise.value(), group.points.value(), group.test.value()) == (10, 200, 0)
    assert group.recipe == Recipe("spiral", 200, 0.1, 0, 0.0)


def test_changing_noise_draws_the_data_again_and_keeps_the_weights(window, qtbot):
    open_spiral(window, qtbot)
    params = train_a_little(window, qtbot)
    before, before_snap = window.session.problem, latest(window)
    window.data_controls.noise.setValue(30)
    assert window.data_controls.apply()
    problem = window.session.problem
    assert problem is not before
    expected = load_example("spiral", n=200, noise=0.3, seed=0)
    np.testing.assert_array_equal(problem.raw_inputs, expected.X)
    qtbot.waitUntil(lambda: window.session.worker.problem is problem)
    qtbot.waitUntil(lambda: latest(window) is not before_snap)  # sent after the swap
    # Same network, same weights: only the data changed.
    np.testing.assert_array_equal(latest(window).params, params)
    assert latest(window).epoch == 1
    assert window.data_view.problem is problem


def test_the_point_count_and_test_share_follow(window, qtbot):
    open_spiral(window, qtbot)
    params = train_a_little(window, qtbot)
    group = window.data_controls
    group.points.setValue(340)
    group.test.setValue(25)
    assert group.apply()
    problem = window.session.problem
    assert len(problem.X) == 340
    assert len(problem.test) == 85 and len(problem.train) == 255
    qtbot.waitUntil(lambda: latest(window).n_rows == 255)  # the training rows
    np.testing.assert_array_equal(latest(window).params, params)
    # Nothing changed: nothing to do.
    assert not group.apply()


def test_regenerate_draws_from_the_next_seed(window, qtbot):
    open_spiral(window, qtbot)
    group = window.data_controls
    group.regenerate.click()
    assert group.recipe.seed == 1
    like = window.session.problem
    np.testing.assert_array_equal(
        like.raw_inputs, generate(Recipe("spiral", 200, 0.1, 1, 0.0), like).raw_inputs
    )
    assert "seed 1" in group.source.text()
    # The group knows its own data again when the session says it changed.
    assert group.noise.isEnabled()


def test_an_edit_applies_by_itself_after_the_debounce(window, qtbot):
    open_spiral(window, qtbot)
    window.data_controls.points.setValue(120)
    qtbot.waitUntil(lambda: len(window.session.problem.X) == 120)
    qtbot.waitUntil(lambda: latest(window).n_rows == 120)


def test_drawn_points_have_no_recipe_and_the_group_says_why(window, qtbot):
    open_spiral(window, qtbot)
    window.set_drawing(True)
    qtbot.waitUntil(lambda: window.session.worker.problem.name != "spiral")
    group = window.data_controls
    assert not group.regenerate.isEnabled() and group.fields.isHidden()
    assert "not generated here" in group.toolTip()
    assert not group.apply() and not group.draw_again()
