"""The network graph stays readable for wide networks (offscreen Qt): nodes
never fitted below a legible size (the view scrolls), long labels elided with
the full name in the tooltip, one-hot inputs drawn as bracketed groups."""

from __future__ import annotations

import numpy as np
import pytest

from mlpviz.engine import MLP, Trainer
from mlpviz.ui.graph.groups import InputGroup, one_hot_groups, short_names
from mlpviz.ui.graph.items import LABEL_WIDTH
from mlpviz.ui.graph.layout import LEGIBLE_NODES, MIN_NODE_PX, NODE_GAP, GraphLayout
from mlpviz.ui.graph.view import NetworkGraphView
from mlpviz.ui.training.measure import build_snapshot


def _view(qtbot, sizes, inputs=(), outputs=(), size=(900, 560)) -> NetworkGraphView:
    mlp = MLP(sizes, "tanh", "sigmoid", init="xavier", seed=2)
    rng = np.random.default_rng(2)
    trainer = Trainer(mlp, rng.random((6, sizes[0])), rng.random((6, sizes[-1])), batch_size=6)
    trainer.step_batch()
    v = NetworkGraphView()
    qtbot.addWidget(v)
    v.resize(*size)
    v.show()
    qtbot.waitExposed(v)
    v.set_architecture(sizes, list(inputs), list(outputs), mlp.activation_names)
    v.update_snapshot(build_snapshot(trainer, 0))
    v.fit()
    return v


def _screen_diameter(v: NetworkGraphView, node) -> float:
    return v.mapFromScene(node.sceneBoundingRect()).boundingRect().height()


@pytest.mark.parametrize("sizes", [(64, 16, 10), (64, 128, 10), (10, 128, 128, 3)])
def test_fitted_nodes_are_never_smaller_than_legible(qtbot, sizes):
    v = _view(qtbot, sizes, [f"x{i}" for i in range(sizes[0])])
    assert min(_screen_diameter(v, n) for n in v.node_items.values()) >= MIN_NODE_PX - 1
    # The network is taller than the view at that size: the view scrolls.
    assert v.scrolls
    bar = v.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > bar.minimum(), timeout=1000)
    # The inputs' labels are big enough to be shown.
    assert all(v.node_items[(0, j)].label.isVisible() for j in range(sizes[0]))
    # Zooming out still shows the whole network.
    for _ in range(12):
        v.zoom_out()
    shown = v.mapToScene(v.viewport().rect()).boundingRect()
    nodes = v.scene().itemsBoundingRect()
    assert shown.top() <= nodes.top() and nodes.bottom() <= shown.bottom()
    v.fit()  # back to the legible size
    assert min(_screen_diameter(v, n) for n in v.node_items.values()) >= MIN_NODE_PX - 1


def test_a_layer_keeps_its_nodes_apart_and_a_small_one_keeps_the_gap():
    lay = GraphLayout((2, 64, 128, 3))
    assert lay.spacing[0] == NODE_GAP and lay.spacing[3] == NODE_GAP
    assert lay.spacing[1] == lay.spacing[2] >= 2.5 * lay.radius[1]
    heights = [float(ys[-1] - ys[0]) for ys in lay.ys]
    assert heights[2] > heights[1] > heights[0]  # grows with its nodes, not squeezed
    assert not lay.overview and lay.legible_scale() * 2 * min(lay.radius) == MIN_NODE_PX


def test_the_tutorial_network_is_fitted_whole_without_scrolling(qtbot):
    v = _view(qtbot, (2, 3, 1), ["I0", "I1"], ["Z0"])
    assert not v.scrolls
    shown = v.mapToScene(v.viewport().rect()).boundingRect()
    assert shown.contains(v.scene().itemsBoundingRect())


def test_a_network_beyond_legible_size_is_an_overview_fitted_whole(qtbot):
    sizes = (LEGIBLE_NODES + 72, 32, 10)
    v = _view(qtbot, sizes, size=(1000, 700))
    assert v.scene().layout.overview and v.scene().layout.legible_scale() == 0.0
    assert not v.scrolls
    shown = v.mapToScene(v.viewport().rect()).boundingRect()
    nodes = v.scene().itemsBoundingRect()
    assert shown.top() <= nodes.top() and nodes.bottom() <= shown.bottom()


# -- labels ----------------------------------------------------------------------------


def test_long_labels_are_elided_and_the_tooltip_names_them_in_full(qtbot):
    long_in = "mean concave points of the tumour, worst of three"
    long_out = "probability of a malignant diagnosis"
    v = _view(qtbot, (3, 4, 1), ["age", long_in, "income"], [long_out])
    short = v.node_items[(0, 0)].label
    assert short.text() == "age"
    for key, name in (((0, 1), long_in), ((2, 0), long_out)):
        label = v.node_items[key].label
        assert label.text() != name and label.text().endswith("…")
        assert name.startswith(label.text()[:-1])
        assert label.boundingRect().width() <= LABEL_WIDTH
        assert v.hover_text(key).startswith(name) or f"{name}:" in v.hover_text(key)


# -- one-hot groups --------------------------------------------------------------------


def test_one_hot_groups_are_runs_of_the_same_column():
    names = ["age", "site=north", "site=south", "site=east", "colour=red", "x", "colour=blue"]
    groups = one_hot_groups(names)
    assert groups == [
        InputGroup("site", 1, 4, ("north", "south", "east")),
        InputGroup("colour", 4, 5, ("red",)),
        InputGroup("colour", 6, 7, ("blue",)),
    ]
    assert short_names(names, groups) == ["age", "north", "south", "east", "red", "x", "blue"]
    assert one_hot_groups(["a", "b", "=c", "d="]) == [InputGroup("d", 3, 4, ("",))]


def test_each_group_gets_a_bracket_spanning_its_nodes_and_named_by_its_column(qtbot):
    names = ["age", "site=north", "site=south", "site=east", "colour=red", "colour=blue", "z"]
    v = _view(qtbot, (7, 5, 2), names, ["no", "yes"])
    items = v.scene().group_items
    assert [g.name.text() for g in items] == ["site", "colour"]
    ys = [v.node_items[(0, j)].pos().y() for j in range(7)]
    label_left = min(v.node_items[(0, j)].label.sceneBoundingRect().left() for j in range(7))
    for item, (start, stop) in zip(items, [(1, 4), (4, 6)]):
        top, bottom = item.span
        inside = ys[start:stop]
        assert top < min(inside) and max(inside) < bottom
        outside = ys[:start] + ys[stop:]
        assert all(y < top or y > bottom for y in outside)
        # Left of every label, with the column's name left of the bracket.
        assert item.sceneBoundingRect().right() < label_left
        assert item.name.sceneBoundingRect().right() < item.sceneBoundingRect().left()
        # The nodes say only their value; their tooltips the whole name.
        for j in range(start, stop):
            assert v.node_items[(0, j)].label.text() == names[j].partition("=")[2]
            assert v.hover_text((0, j)).startswith(names[j])
    assert v.node_items[(0, 0)].label.text() == "age"
    assert "site" in v.hover_text(items[0]) and "north, south, east" in v.hover_text(items[0])
    # Pointing at a group's name finds the group (its tooltip).
    point = v.mapFromScene(items[1].name.sceneBoundingRect().center())
    assert v.item_at(point) is items[1]


def test_a_network_without_one_hot_inputs_has_no_groups(qtbot):
    v = _view(qtbot, (3, 3, 1), ["a", "b", "c"], ["y"])
    assert v.scene().group_items == []
