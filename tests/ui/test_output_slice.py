"""The output map over two of many inputs: the worker's slice, the class map, the controls."""

from __future__ import annotations

import numpy as np
import pytest

from mlpviz.data.dataset import Dataset
from mlpviz.data.problem import prepare
from mlpviz.engine.settings import NetworkSpec
from mlpviz.ui.plots.class_map import (
    FAINTEST,
    STRONGEST,
    border_grids,
    class_rgb,
    palette,
    strength,
)
from mlpviz.ui.plots.slice_controls import SliceControls, slice_text
from mlpviz.ui.plots.surface_plots import OutputSurfacePlot
from mlpviz.ui.style import theme
from mlpviz.ui.training.surfaces import output_surface, resolve_slice
from mlpviz.ui.training.worker_commands import SliceOutput

INPUTS = ("sepal", "petal", "width", "depth")
CLASSES = ("setosa", "versicolor", "virginica")


def four_inputs(classes: bool = True, n: int = 120, seed: int = 4):
    """4 inputs with different means and spreads; 3 one-hot classes or one number."""
    rng = np.random.default_rng(seed)
    X = rng.normal([5.0, -2.0, 0.3, 40.0], [1.0, 0.5, 0.1, 8.0], (n, 4))
    if classes:
        label = np.digitize(X[:, 0] + 2 * X[:, 1], [0.0, 1.5])
        Z = np.eye(3)[label]
        names = INPUTS + CLASSES
    else:
        Z = (X[:, :1] * 0.5 + X[:, 1:2] - 0.01 * X[:, 3:4]) ** 2
        names = (*INPUTS, "y")
    ds = Dataset(names, np.column_stack([X, Z]))
    targets = list(CLASSES) if classes else ["y"]
    # Test rows held out: the default slice is the mean of the training rows only.
    return prepare(ds, list(INPUTS), targets, test_fraction=0.25, seed=1)


def network(problem, output: str):
    spec = NetworkSpec((5,), ("tanh",), output, None, "xavier", 3)
    return spec.build(len(problem.input_names), len(problem.target_names))


def row_output(mlp, problem, row: np.ndarray) -> np.ndarray:
    """The MLP's output for one raw input row, through the problem's own scaling."""
    return mlp.forward(problem.encode_inputs(row[None, :])).activations[-1][0]


# -- the worker's surface (plain NumPy) ---------------------------------------------


def test_default_slice_is_the_training_mean():
    problem = four_inputs(classes=False)
    axes, held = resolve_slice(problem, None)
    assert axes == (0, 1)
    train_mean = problem.raw_inputs[problem.train].mean(0)
    np.testing.assert_array_equal(held, train_mean)
    # The held-out rows are not in it (they would move it).
    assert not np.allclose(held, problem.raw_inputs.mean(0), rtol=0, atol=1e-12)


@pytest.mark.parametrize("axes", [(0, 1), (2, 0), (3, 1)])
def test_regression_map_is_the_mlp_output_on_the_slice(axes):
    problem = four_inputs(classes=False)
    mlp = network(problem, "linear")
    held = (4.5, -1.5, 0.25, 37.0)
    surface = output_surface(mlp, problem, False, SliceOutput(axes, INPUTS, held))
    assert surface.axes == axes and surface.names == INPUTS
    np.testing.assert_array_equal(surface.held, held)
    a, b = axes
    for i, j in [(0, 0), (7, 31), (59, 59), (30, 12)]:
        row = np.array(held, dtype=float)
        row[a], row[b] = surface.xs[i], surface.ys[j]
        expected = problem.decode_targets(row_output(mlp, problem, row)[None, :])[0, 0]
        assert abs(surface.grid[i, j] - expected) <= 1e-12 * max(1.0, abs(expected))
    # The axes cover the chosen inputs' data.
    raw = problem.raw_inputs
    assert surface.xs[0] < raw[:, a].min() and surface.xs[-1] > raw[:, a].max()
    assert surface.ys[0] < raw[:, b].min() and surface.ys[-1] > raw[:, b].max()
    np.testing.assert_array_equal(surface.points, raw[:, [a, b]])


def test_default_slice_holds_the_other_inputs_at_their_means():
    problem = four_inputs(classes=False)
    mlp = network(problem, "linear")
    surface = output_surface(mlp, problem, False)
    means = problem.raw_inputs[problem.train].mean(0)
    row = means.copy()
    row[0], row[1] = surface.xs[5], surface.ys[9]
    expected = problem.decode_targets(row_output(mlp, problem, row)[None, :])[0, 0]
    assert abs(surface.grid[5, 9] - expected) <= 1e-12 * max(1.0, abs(expected))


def test_a_choice_for_other_inputs_or_bad_axes_falls_back_to_the_default():
    problem = four_inputs(classes=False)
    means = problem.raw_inputs[problem.train].mean(0)
    for choice in (
        SliceOutput((2, 3), ("a", "b", "c", "d"), None),  # made for other data
        SliceOutput((2, 2), INPUTS, None),  # the same input twice
        SliceOutput((0, 4), INPUTS, None),  # no fifth input
    ):
        axes, held = resolve_slice(problem, choice)
        assert axes == (0, 1)
        np.testing.assert_array_equal(held, means)
    # Held values of the wrong length or not finite keep the means.
    axes, held = resolve_slice(problem, SliceOutput((3, 2), INPUTS, (1.0, float("nan"), 2, 3)))
    assert axes == (3, 2)
    np.testing.assert_array_equal(held, means)


def test_class_map_winner_is_the_argmax_and_grid_its_probability():
    problem = four_inputs(classes=True)
    mlp = network(problem, "softmax")
    held = (5.2, -1.8, 0.31, 44.0)
    surface = output_surface(mlp, problem, True, SliceOutput((1, 3), INPUTS, held))
    assert surface.classes == CLASSES
    assert surface.winner.shape == surface.grid.shape == (60, 60)
    for i, j in [(0, 0), (20, 40), (59, 1), (33, 33)]:
        row = np.array(held)
        row[1], row[3] = surface.xs[i], surface.ys[j]
        p = row_output(mlp, problem, row)
        assert surface.winner[i, j] == p.argmax()
        assert abs(surface.grid[i, j] - p.max()) <= 1e-12
    # Points carry their class index.
    np.testing.assert_array_equal(surface.targets, problem.raw_targets.argmax(1))


def test_one_input_has_no_map():
    ds = Dataset(("x", "y"), np.array([[0.0, 1.0], [1.0, 2.0], [2.0, 0.5]]))
    problem = prepare(ds, ["x"], ["y"])
    assert output_surface(network(problem, "linear"), problem, False) is None


# -- the class colours ---------------------------------------------------------------


def nearest_class(pixel: np.ndarray, n: int) -> int:
    """The class whose colour, mixed with white, best explains ``pixel``."""
    white = np.full(3, 255.0)
    errors = []
    for c in palette(n):
        d = c - white
        s = float(np.dot(pixel - white, d) / np.dot(d, d))
        errors.append(np.linalg.norm(pixel - (white + s * d)) if s > 0 else np.inf)
    return int(np.argmin(errors))


def test_class_rgb_colour_is_the_winner_and_certainty_is_stronger():
    rng = np.random.default_rng(0)
    winner = rng.integers(0, 5, (30, 20))
    prob = rng.uniform(0.2, 1.0, (30, 20))
    rgb = class_rgb(winner, prob, 5).astype(float)
    for i, j in [(0, 0), (3, 7), (29, 19), (15, 4)]:
        assert nearest_class(rgb[i, j], 5) == winner[i, j]
    # Probability 1 is the strongest tint of the class's colour; chance the faintest.
    sure = class_rgb(np.array([[2]]), np.array([[1.0]]), 5)[0, 0].astype(float)
    c = palette(5)[2]
    np.testing.assert_allclose(sure, 255 + (c - 255) * STRONGEST, atol=0.5)
    assert strength(np.array(0.2), 5) == pytest.approx(FAINTEST)
    assert strength(np.array(1.0), 5) == pytest.approx(STRONGEST)
    assert strength(np.array(0.9), 5) > strength(np.array(0.6), 5)


# -- the view (pytest-qt) -------------------------------------------------------------


def test_class_map_colour_at_a_point_is_the_argmax_class(qtbot):
    problem = four_inputs(classes=True)
    mlp = network(problem, "softmax")
    # Weights big enough that all three classes win somewhere on the slice.
    mlp.set_params(np.random.default_rng(7).normal(0, 3, mlp.n_params))
    surface = output_surface(mlp, problem, True, SliceOutput((0, 1), INPUTS, None))
    assert len(np.unique(surface.winner)) >= 2
    plot = OutputSurfacePlot()
    qtbot.addWidget(plot)
    plot.update_surface(surface)
    image = np.asarray(plot.class_image.image, dtype=float)
    assert plot.class_image.isVisible() or not plot.isVisible()
    for i in range(0, 60, 7):
        for j in range(0, 60, 11):
            assert nearest_class(image[i, j], 3) == surface.winner[i, j]
    # The borders run where the winner changes: beside every border point a
    # neighbouring grid point has another winner.
    x, y = plot.contours.getData()
    assert len(x) > 10 and len(border_grids(surface.probabilities)) >= 2
    for px, py in zip(x[::5], y[::5]):
        i = int(np.abs(surface.xs - px).argmin())
        j = int(np.abs(surface.ys - py).argmin())
        near = surface.winner[max(i - 1, 0) : i + 2, max(j - 1, 0) : j + 2]
        assert len(np.unique(near)) > 1
    # The legend names the classes; the colour bar is the winner's probability.
    for name in CLASSES:
        assert name in plot.legend_label.text()
    assert plot.colorbar.levels() == pytest.approx((1 / 3, 1.0))
    # Points in their class's colour.
    brushes = [p.brush().color().rgb() for p in plot.scatter.points()]
    expected = [theme.class_colour(int(t), len(CLASSES)).rgb() for t in surface.targets]
    assert brushes == expected
    # The readout names the class under the cursor.
    text = plot.readout_text(float(surface.xs[3]), float(surface.ys[50]))
    assert text.endswith(f"class {CLASSES[int(surface.winner[3, 50])]}")


def test_changing_the_chosen_pair_updates_the_axis_labels(qtbot):
    problem = four_inputs(classes=False)
    mlp = network(problem, "linear")
    plot = OutputSurfacePlot()
    qtbot.addWidget(plot)
    plot.update_surface(output_surface(mlp, problem, False))
    assert plot.axis_labels == ("sepal", "petal")
    assert plot.plot_item.getAxis("bottom").labelText == "sepal"
    assert not plot.controls.isHidden()
    assert plot.controls.toggle.toolTip().startswith("The other inputs are held at: width = ")
    chosen = []
    plot.sliceChosen.connect(chosen.append)
    plot.controls.choose_axes(3, 2)
    assert chosen[-1] == SliceOutput((3, 2), INPUTS, None)
    # A surface computed before the choice reached the worker leaves the choice shown.
    plot.update_surface(output_surface(mlp, problem, False))
    assert plot.controls.x_combo.currentText() == "depth"
    plot.update_surface(output_surface(mlp, problem, False, chosen[-1]))
    assert plot.axis_labels == ("depth", "width")
    assert plot.plot_item.getAxis("bottom").labelText == "depth"
    assert plot.plot_item.getAxis("left").labelText == "width"
    # The held inputs are now sepal and petal, in the summary.
    assert plot.controls.toggle.toolTip().startswith("The other inputs are held at: sepal = ")
    # The form holds the two inputs not spanned.
    assert not plot.controls.spins[0].isHidden() and not plot.controls.spins[1].isHidden()
    assert plot.controls.spins[3].isHidden() and plot.controls.spins[2].isHidden()


def test_editing_a_held_value_sends_every_held_value(qtbot):
    problem = four_inputs(classes=False)
    mlp = network(problem, "linear")
    controls = SliceControls()
    qtbot.addWidget(controls)
    surface = output_surface(mlp, problem, False)
    controls.show_surface(surface)
    np.testing.assert_array_equal(controls.held, problem.raw_inputs[problem.train].mean(0))
    chosen = []
    controls.sliceChosen.connect(chosen.append)
    controls.spins[3].setValue(50.0)
    held = chosen[-1].held
    assert chosen[-1].axes == (0, 1) and held[3] == 50.0
    assert held[2] == pytest.approx(surface.held[2], abs=10 ** -controls.spins[2].decimals())
    # Choosing the same input twice swaps instead.
    controls.y_combo.setCurrentIndex(0)
    controls.y_combo.activated.emit(0)
    assert chosen[-1].axes == (1, 0)
    assert chosen[-1].held[3] == 50.0  # the user's values stay
    controls.means_button.click()
    assert chosen[-1].held is None


def test_slice_text_names_the_held_inputs():
    names = ("a", "b", "c", "d", "e", "f", "g")
    held = np.arange(7) + 0.5
    assert slice_text(names, (0, 1), held, None) == ("c = 2.5, d = 3.5, e = 4.5, f = 5.5, g = 6.5")
    assert slice_text(names, (6, 2), held, 2) == "a = 0.5, b = 1.5, … (3 more)"


def test_the_summary_names_what_fits_the_button(qtbot):
    problem = four_inputs(classes=False)
    controls = SliceControls()
    qtbot.addWidget(controls)
    controls.show_surface(output_surface(network(problem, "linear"), problem, False))
    full = "Slice at " + slice_text(INPUTS, (0, 1), controls.held, None)
    metrics = controls.toggle.fontMetrics()
    controls.toggle.resize(metrics.horizontalAdvance(full) + 80, 30)
    controls._set_summary()
    assert controls.toggle.text() == full
    controls.toggle.resize(20, 30)
    controls._set_summary()
    assert controls.toggle.text() == "Slice: 2 other inputs held"


def test_two_inputs_hide_the_slice_controls(qtbot):
    ds = Dataset(("u", "v", "y"), np.random.default_rng(1).normal(size=(30, 3)))
    problem = prepare(ds, ["u", "v"], ["y"])
    plot = OutputSurfacePlot()
    qtbot.addWidget(plot)
    plot.update_surface(output_surface(network(problem, "linear"), problem, False))
    assert plot.controls.isHidden()
    assert plot.axis_labels == ("u", "v")


def test_window_worker_computes_the_chosen_slice(window, qtbot):
    problem = four_inputs(classes=True)
    window.set_problem(problem)
    window.surface_dock.show()
    window.surfaces.setCurrentWidget(window.output_plot)
    plot = window.output_plot

    def shown(axes):
        s = plot.surface
        return s is not None and s.names == INPUTS and s.axes == axes

    qtbot.waitUntil(lambda: shown((0, 1)), timeout=10000)
    assert plot.surface.classes == CLASSES
    plot.controls.choose_axes(2, 3)
    qtbot.waitUntil(lambda: shown((2, 3)), timeout=10000)
    assert plot.axis_labels == ("width", "depth")
    plot.controls.spins[0].setValue(6.25)
    qtbot.waitUntil(lambda: plot.surface.held[0] == 6.25, timeout=10000)
    assert plot.controls.toggle.toolTip().startswith("The other inputs are held at: sepal = 6.25,")
