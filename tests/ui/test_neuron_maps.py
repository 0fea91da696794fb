"""Neuron maps: the worker's maps are the engine's activations on the grid, the
graph draws them as node images, View › Node values toggles them, hovering
enlarges one and clicking shows it large in the "Neuron map" tab."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget

from mlpviz.data import load_example
from mlpviz.data.dataset import Dataset
from mlpviz.data.problem import prepare
from mlpviz.engine import MLP
from mlpviz.engine.settings import NetworkSpec
from mlpviz.ui.graph.node_maps import NODE_TINT, _argb_lut, class_colormap, map_levels
from mlpviz.ui.training import view_feed
from mlpviz.ui.training.neuron_maps import MAP_GRID, neuron_maps

SPEC = NetworkSpec(hidden=(8, 8), hidden_activations=("tanh",), init="xavier", seed=3)


def spiral_problem():
    ex = load_example("spiral")
    return prepare(ex.dataset, ex.inputs, ex.targets, "-1,1", name=ex.name)


def engine_activation(mlp: MLP, problem, x: float, y: float, layer: int, node: int, rest=()):
    """The engine's activation of ``(layer, node)`` for ONE raw input row."""
    raw = np.array([[x, y, *rest]], dtype=float)
    return float(mlp.forward(problem.encode_inputs(raw)[0]).activations[layer].reshape(-1)[node])


def test_every_node_map_is_the_engines_activation_on_the_grid():
    problem = spiral_problem()
    mlp = SPEC.build(2, 1)
    maps = neuron_maps(mlp, problem, classification=True)
    assert [m.shape for m in maps.layers] == [(8, MAP_GRID, MAP_GRID)] * 2 + [(1, 24, 24)]
    raw = problem.raw_inputs
    assert maps.xs[0] < raw[:, 0].min() and maps.xs[-1] > raw[:, 0].max()
    assert maps.ys[0] < raw[:, 1].min() and maps.ys[-1] > raw[:, 1].max()
    rng = np.random.default_rng(0)
    for layer, node in [(1, 0), (1, 7), (2, 3), (3, 0)]:
        for i, k in rng.integers(0, MAP_GRID, size=(12, 2)):
            want = engine_activation(mlp, problem, maps.xs[i], maps.ys[k], layer, node)
            assert abs(maps.map_of(layer, node)[i, k] - want) <= 1e-12


def test_other_inputs_are_held_at_their_training_mean():
    rng = np.random.default_rng(1)
    values = np.column_stack([rng.normal(size=(60, 3)) * [1, 2, 5] + [0, 1, 7], rng.random(60)])
    data = Dataset(columns=("a", "b", "c", "z"), values=values)
    problem = prepare(data, ["a", "b", "c"], ["z"], test_fraction=0.25, seed=2)
    mlp = NetworkSpec(hidden=(4,), init="xavier").build(3, 1)
    maps = neuron_maps(mlp, problem, classification=False)
    mean_c = float(problem.raw_inputs[problem.train, 2].mean())
    assert maps.held == (("c", mean_c),)
    assert mean_c != pytest.approx(float(problem.raw_inputs[:, 2].mean()), abs=1e-9)
    for i, k in [(0, 0), (5, 17), (23, 23)]:
        want = engine_activation(mlp, problem, maps.xs[i], maps.ys[k], 1, 2, rest=(mean_c,))
        assert abs(maps.map_of(1, 2)[i, k] - want) <= 1e-12


def test_one_input_has_no_plane():
    data = Dataset(columns=("a", "z"), values=np.arange(20.0).reshape(10, 2))
    problem = prepare(data, ["a"], ["z"])
    assert neuron_maps(NetworkSpec(init="xavier").build(1, 1), problem, False) is None


# -- in the window ------------------------------------------------------------------


@pytest.fixture
def spiral_window(window, qtbot):
    window.session.configure(problem=spiral_problem(), spec=SPEC, reinit=True)
    qtbot.waitUntil(lambda: window.session.latest.layer_sizes == (2, 8, 8, 1))
    return window


def mlp_of(snap) -> MLP:
    mlp = SPEC.build(2, 1)
    mlp.set_params(snap.params)
    return mlp


def turn_maps_on(window, qtbot):
    window.menus.maps_action.setChecked(True)
    qtbot.waitUntil(lambda: window.session.latest.maps is not None)
    qtbot.waitUntil(lambda: window.graph.maps.maps is not None)


def test_maps_are_computed_only_while_shown(spiral_window, qtbot, monkeypatch):
    w = spiral_window
    calls = []
    real = view_feed.neuron_maps
    monkeypatch.setattr(view_feed, "neuron_maps", lambda *a: calls.append(1) or real(*a))
    w.session.step("epoch")
    qtbot.waitUntil(lambda: w.session.latest.epoch == 1)
    assert w.session.latest.maps is None and calls == []
    assert not any(item.isVisible() for item in w.graph.maps.items.values())
    turn_maps_on(w, qtbot)
    assert calls
    w.menus.maps_action.setChecked(False)
    w.session.step("epoch")
    qtbot.waitUntil(lambda: w.session.latest.epoch == 2)
    assert w.session.latest.maps is None
    n = len(calls)
    w.session.step("epoch")
    qtbot.waitUntil(lambda: w.session.latest.epoch == 3)
    assert len(calls) == n


def test_toggle_switches_the_graph_between_numbers_and_maps(spiral_window, qtbot):
    w = spiral_window
    action = w.menus.maps_action
    assert action.shortcut().toString() == "Ctrl+M"
    assert w.graph.maps.mode == "numbers"
    turn_maps_on(w, qtbot)
    assert w.graph.maps.mode == "maps"
    items = w.graph.maps.items
    assert set(items) == {k for k in w.graph.node_items if k[0] > 0}
    assert all(item.isVisible() for item in items.values())
    action.trigger()  # the menu's own toggle, as Ctrl+M does
    assert w.graph.maps.mode == "numbers"
    assert not any(item.isVisible() for item in items.values())
    action.trigger()
    assert all(item.isVisible() for item in items.values())


def test_a_node_image_shows_its_map_in_the_colours_of_its_layer(spiral_window, qtbot):
    w = spiral_window
    turn_maps_on(w, qtbot)
    qtbot.waitUntil(lambda: w.graph.maps.maps is w.session.latest.maps)
    maps, mlp = w.graph.maps.maps, mlp_of(w.session.latest)
    lut = _argb_lut(class_colormap(NODE_TINT))
    for layer, node in [(1, 4), (2, 0)]:
        image = w.graph.maps.items[(layer, node)].image
        assert (image.width(), image.height()) == (MAP_GRID, MAP_GRID)
        lo, hi = map_levels(maps, layer)
        assert (lo, hi) == (-1.0, 1.0)  # tanh's own range
        for i, k in [(0, 0), (3, 20), (23, 11)]:
            value = maps.map_of(layer, node)[i, k]
            if mlp is not None:
                want = engine_activation(
                    mlp, w.session.problem, maps.xs[i], maps.ys[k], layer, node
                )
                assert abs(value - want) <= 1e-12
            level = int(np.rint((value - lo) / (hi - lo) * 255))
            # x to the right, y upwards: image row 0 is the largest y.
            assert image.pixel(i, MAP_GRID - 1 - k) == int(lut[level])


def _mouse(widget: QWidget, kind, p: QPoint, button=Qt.MouseButton.NoButton) -> None:
    event = QMouseEvent(
        kind,
        QPointF(p),
        widget.mapToGlobal(QPointF(p)),
        button,
        button,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, event)


def node_point(window, key) -> QPoint:
    return window.graph.mapFromScene(window.graph.node_items[key].scenePos())


def click(window, key) -> None:
    left = Qt.MouseButton.LeftButton
    _mouse(window.graph.viewport(), QEvent.Type.MouseButtonPress, node_point(window, key), left)
    _mouse(window.graph.viewport(), QEvent.Type.MouseButtonRelease, node_point(window, key), left)


def test_hovering_a_node_enlarges_its_map(spiral_window, qtbot):
    w = spiral_window
    turn_maps_on(w, qtbot)
    viewport = w.graph.viewport()
    _mouse(viewport, QEvent.Type.MouseMove, node_point(w, (2, 5)))
    assert w.graph.maps.hovered == (2, 5)
    assert w.graph.maps.enlarged((2, 5)) >= 2.0
    assert w.graph.maps.enlarged((2, 4)) == 1.0
    assert w.graph.node_items[(2, 5)].zValue() > w.graph.node_items[(2, 4)].zValue()
    _mouse(viewport, QEvent.Type.MouseMove, QPoint(2, 2))  # empty space
    assert w.graph.maps.hovered is None
    assert w.graph.maps.enlarged((2, 5)) == 1.0
    _mouse(viewport, QEvent.Type.MouseMove, node_point(w, (3, 0)))
    assert w.graph.maps.enlarged((3, 0)) >= 2.0
    QApplication.sendEvent(viewport, QEvent(QEvent.Type.Leave))
    assert w.graph.maps.enlarged((3, 0)) == 1.0


def test_clicking_a_node_shows_its_map_large(spiral_window, qtbot):
    w = spiral_window
    w.surfaces.setCurrentWidget(w.pair_plot)
    key = (1, 3)
    click(w, key)
    assert w.surfaces.currentWidget() is w.neuron_plot
    assert w.neuron_plot.node == key
    # The tab on screen asks the worker for the maps, with the graph in numbers mode.
    assert w.graph.maps.mode == "numbers"
    qtbot.waitUntil(lambda: w.neuron_plot.shown_grid() is not None)
    maps = w.neuron_plot.maps
    np.testing.assert_array_equal(w.neuron_plot.shown_grid(), maps.map_of(*key))
    assert "hidden layer 1, node 4" in w.neuron_plot.title_label.text()
    # The large map follows training.
    w.session.step("epoch")
    qtbot.waitUntil(lambda: w.neuron_plot.maps is not maps and w.session.latest.epoch == 1)
    snap = w.session.latest
    qtbot.waitUntil(lambda: w.neuron_plot.maps is snap.maps)
    mlp, m = mlp_of(snap), snap.maps
    for i, k in [(2, 2), (12, 19)]:
        want = engine_activation(mlp, w.session.problem, m.xs[i], m.ys[k], *key)
        assert abs(w.neuron_plot.shown_grid()[i, k] - want) <= 1e-12
    # An input node has no map: the click changes nothing.
    w.surfaces.setCurrentWidget(w.pair_plot)
    click(w, (0, 0))
    assert w.surfaces.currentWidget() is w.pair_plot


def test_the_gui_bench_measures_the_spiral_with_maps_off_and_on(window):
    from mlpviz.bench.gui import neuron_maps_case

    out = neuron_maps_case(window, seconds=0.4, rounds=1)
    assert window.session.latest.layer_sizes == (2, 8, 8, 1)
    for state in ("off", "on"):
        assert 0.0 <= out[f"maps_{state}_p99_ms"] < 10_000
        assert out[f"maps_{state}_refresh_hz"] > 0  # the views followed the run
    assert not window.graph.maps.on  # left as it found the window
