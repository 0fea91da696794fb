"""Tests of the network graph view (offscreen Qt, pytest-qt)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtGui import QHelpEvent, QImage
from PySide6.QtWidgets import QApplication, QGraphicsSimpleTextItem, QToolTip

from mlpviz.engine import MLP, Trainer
from mlpviz.engine.layout import ParamLayout, param_name
from mlpviz.ui.graph.items import EdgeItem
from mlpviz.ui.graph.view import NetworkGraphView
from mlpviz.ui.style import theme
from mlpviz.ui.style.numbers import format_number as fmt
from mlpviz.ui.style.numbers import parse_number
from mlpviz.ui.training.measure import build_snapshot

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Z = np.array([[0.0], [1.0], [1.0], [0.0]])


@pytest.fixture
def trainer() -> Trainer:
    return Trainer(MLP.tutorial(), XOR_X, XOR_Z, learning_rate=0.5)


@pytest.fixture
def view(qtbot, trainer) -> NetworkGraphView:
    """The tutorial network, shown at 900 × 600, with an untrained snapshot."""
    v = NetworkGraphView()
    qtbot.addWidget(v)
    mlp = trainer.mlp
    v.set_architecture(mlp.layer_sizes, ["I0", "I1"], ["Z0"], mlp.activation_names)
    v.update_snapshot(build_snapshot(trainer, 1))
    v.resize(900, 600)
    v.show()
    qtbot.waitExposed(v)
    return v


def _rgb(color) -> tuple[int, int, int]:
    return (color.red(), color.green(), color.blue())


def _texts(v: NetworkGraphView) -> list[str]:
    return [i.text() for i in v.scene().items() if isinstance(i, QGraphicsSimpleTextItem)]


def _click_point(v: NetworkGraphView, item) -> QPoint:
    """A viewport point where ``item`` (and not a crossing edge) is on top."""
    if isinstance(item, EdgeItem):
        for t in np.linspace(0.25, 0.8, 23):
            p = v.mapFromScene(item.anchor(float(t)))
            if v.item_at(p) is item:
                return p
        raise AssertionError(f"no clickable point on {item.param}")
    p = v.mapFromScene(item.sceneBoundingRect().center())
    assert v.item_at(p) is item
    return p


def _train(trainer: Trainer, steps: int = 6):
    for _ in range(steps):
        trainer.step_sample()
    return build_snapshot(trainer, 1)


# -- structure and colours -------------------------------------------------------------


def test_tutorial_network_items_labels_and_colours(view):
    assert len(view.node_items) == 6
    assert len(view.edge_items) == 9
    assert len(view.bias_items) == 4
    assert set(view.bias_items) == {(0, 0), (0, 1), (0, 2), (1, 0)}
    texts = _texts(view)
    for name in ("I0", "I1", "Z0", "Input", "Hidden 1", "Output"):
        assert name in texts
    assert "σ" in texts  # hidden activation shown on the nodes

    w000 = view.edge_items[(0, 0, 0)].pen()  # −0.5
    w001 = view.edge_items[(0, 0, 1)].pen()  # −1.0
    w100 = view.edge_items[(1, 0, 0)].pen()  # +0.5
    assert _rgb(w000.color()) == _rgb(theme.NEGATIVE)
    assert _rgb(w001.color()) == _rgb(theme.NEGATIVE)
    assert _rgb(w100.color()) == _rgb(theme.POSITIVE)
    assert w001.widthF() > w000.widthF()  # |−1.0| > |−0.5|
    assert w000.widthF() == pytest.approx(w100.widthF())
    assert 0.4 <= view.edge_items[(0, 2, 1)].pen().widthF() < w000.widthF()  # w = 0

    # Input node I1 = 1 is filled darker than I0 = 0 for sample #1.
    i0 = view.node_items[(0, 0)].brush().color()
    i1 = view.node_items[(0, 1)].brush().color()
    assert i1.lightness() < i0.lightness()
    assert view.node_items[(0, 1)].value_text.text() == "1.00"


def test_bias_badges_follow_bias_values(view, trainer):
    trainer.mlp.biases[0][...] = [0.5, -0.5, 0.0]
    view.update_snapshot(build_snapshot(trainer, 1))
    pos = view.bias_items[(0, 0)].brush().color()
    neg = view.bias_items[(0, 1)].brush().color()
    zero = view.bias_items[(0, 2)].brush().color()
    assert pos.blue() > pos.red()  # blue-ish for +
    assert neg.red() > neg.blue()  # orange-ish for −
    assert _rgb(zero) == _rgb(theme.NEUTRAL)


def test_update_snapshot_changes_items_in_place(view, trainer):
    edges = dict(view.edge_items)
    nodes = dict(view.node_items)
    biases = dict(view.bias_items)
    n_items = len(view.scene().items())
    width_before = view.edge_items[(0, 2, 1)].pen().widthF()
    fill_before = view.node_items[(2, 0)].brush().color().rgb()

    view.update_snapshot(_train(trainer, 200))

    assert len(view.scene().items()) == n_items
    assert all(view.edge_items[k] is item for k, item in edges.items())
    assert all(view.node_items[k] is item for k, item in nodes.items())
    assert all(view.bias_items[k] is item for k, item in biases.items())
    # w[0][2][1] starts at 0 and must have grown; the output changed.
    assert view.edge_items[(0, 2, 1)].pen().widthF() > width_before
    assert view.node_items[(2, 0)].brush().color().rgb() != fill_before


def test_snapshot_of_another_architecture_is_ignored(view):
    other = Trainer(MLP((2, 4, 1), seed=0), XOR_X, XOR_Z)
    pen = view.edge_items[(0, 0, 0)].pen()
    view.update_snapshot(build_snapshot(other, 0))
    assert view.edge_items[(0, 0, 0)].pen() == pen
    assert len(view.edge_items) == 9


@pytest.mark.parametrize("mode", ["gradient", "update"])
def test_edge_modes_follow_gradient_and_update_signs(view, trainer, mode):
    snap = _train(trainer, 2)  # the 2nd row, (0, 1), gives gradients of both signs
    view.update_snapshot(snap)
    view.set_edge_mode(mode)
    values = snap.gradient if mode == "gradient" else snap.update
    seen_signs = set()
    for (l, j, i), edge in view.edge_items.items():
        v = values[ParamLayout.of(snap.layer_sizes).index(("w", l, j, i))]
        if abs(v) < 1e-12:
            continue
        expected = theme.POSITIVE if v > 0 else theme.NEGATIVE
        assert _rgb(edge.pen().color()) == _rgb(expected), (l, j, i, v)
        seen_signs.add(v > 0)
    assert seen_signs == {True, False}
    # Back to weights: w[0][0][0] = −0.5-ish is orange again.
    view.set_edge_mode("weight")
    assert _rgb(view.edge_items[(0, 0, 0)].pen().color()) == _rgb(theme.NEGATIVE)


def test_gradient_mode_without_gradient_falls_back_to_grey_weights(view):
    view.set_edge_mode("gradient")  # the fixture's snapshot predates any step
    grey = _rgb(theme.MUTED)
    assert all(_rgb(e.pen().color()) == grey for e in view.edge_items.values())
    # Widths still follow |w|.
    assert view.edge_items[(0, 0, 1)].pen().widthF() > view.edge_items[(0, 0, 0)].pen().widthF()
    with pytest.raises(ValueError, match="edge mode"):
        view.set_edge_mode("colour")


# -- hover text --------------------------------------------------------------------------


def test_hover_text_for_edge_bias_and_node(view, trainer):
    snap = _train(trainer, 3)  # the 3rd row, (1, 0), moves the weights from I0
    view.update_snapshot(snap)
    param = ("w", 0, 1, 0)
    text = view.hover_text(view.edge_items[(0, 1, 0)])
    idx = ParamLayout.of(snap.layer_sizes).index(param)
    assert "w[0][1][0]" in text
    assert f"w = {fmt(snap.params[idx])}" in text
    assert f"∂L/∂w = {fmt(snap.gradient[idx])}" in text
    assert f"last Δw = {fmt(snap.update[idx])}" in text
    assert snap.update[idx] != 0

    bias = view.hover_text(view.bias_items[(1, 0)])
    bidx = ParamLayout.of(snap.layer_sizes).index(("b", 1, 0))
    assert "b[1][0]" in bias and f"b = {fmt(snap.params[bidx])}" in bias
    assert "∂L/∂b = " in bias and "last Δb = " in bias

    node = view.hover_text(view.node_items[(1, 0)])
    assert f"s = {fmt(snap.sample_sums[0][0])}" in node
    assert f"a = {fmt(snap.sample_activations[1][0])}" in node
    assert f"δ = {fmt(snap.sample_deltas[0][0])}" in node


def test_tooltip_event_shows_live_values(view, trainer):
    edge = view.edge_items[(0, 1, 0)]
    point = _click_point(view, edge)
    event = QHelpEvent(QEvent.Type.ToolTip, point, view.viewport().mapToGlobal(point))
    QApplication.sendEvent(view.viewport(), event)
    text = QToolTip.text()
    assert "w[0][1][0]" in text
    assert "w = −0.5000" in text
    assert "∂L/∂w = — (no step yet)" in text
    QToolTip.hideText()

    view.update_snapshot(_train(trainer, 1))  # live: the next tooltip has the new value
    QApplication.sendEvent(view.viewport(), QHelpEvent(QEvent.Type.ToolTip, point, point))
    assert "no step yet" not in QToolTip.text()
    QToolTip.hideText()


def test_number_formatting():
    assert fmt(-0.5) == "−0.5000"
    assert fmt(0.0) == "0.0000"
    assert fmt(-0.001593) == "−0.001593"
    assert fmt(None) == "—"
    assert param_name(("w", 0, 1, 0)) == "w[0][1][0]"
    assert param_name(("b", 1, 0)) == "b[1][0]"


# -- selection -------------------------------------------------------------------------


def test_click_on_edge_and_bias_selects_them(view, qtbot):
    edge = view.edge_items[(0, 1, 0)]
    with qtbot.waitSignal(view.parameterSelected, timeout=1000) as sig:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=_click_point(view, edge))
    assert sig.args == [("w", 0, 1, 0)]
    assert view.selected_params == [("w", 0, 1, 0)]
    assert view.scene().marks.halos[0].isVisible() and view.scene().marks.markers[0].isVisible()
    assert edge.zValue() > view.edge_items[(0, 0, 0)].zValue()  # raised above the others

    bias = view.bias_items[(0, 2)]
    with qtbot.waitSignal(view.parameterSelected, timeout=1000) as sig:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=_click_point(view, bias))
    assert sig.args == [("b", 0, 2)]
    assert view.selected_params == [("w", 0, 1, 0), ("b", 0, 2)]
    assert view.scene().marks.markers[1].isVisible()

    # A third selection drops the oldest; the descent plot gets the last two.
    view.select_param(("w", 1, 0, 2))
    assert view.selected_params == [("b", 0, 2), ("w", 1, 0, 2)]
    assert edge.zValue() == 0


def test_select_param_programmatic_does_not_emit(view, qtbot):
    with qtbot.assertNotEmitted(view.parameterSelected):
        assert view.select_param(("w", 0, 2, 1))
        assert view.select_param(("w", 0, 2, 1))  # again: still one entry
    assert view.selected_params == [("w", 0, 2, 1)]
    assert not view.select_param(("w", 5, 0, 0))
    assert not view.select_param(("b", 0, 7))
    assert view.selected_params == [("w", 0, 2, 1)]
    view.select_param(None)
    assert view.selected_params == []
    assert not view.scene().marks.halos[0].isVisible()


def test_click_on_empty_space_selects_nothing(view, qtbot):
    corner = QPoint(5, 5)
    assert view.item_at(corner) is None
    with qtbot.assertNotEmitted(view.parameterSelected):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=corner)
    assert view.selected_params == []


# -- editing ---------------------------------------------------------------------------


def test_double_click_edits_edge_with_validation(view, qtbot):
    edge = view.edge_items[(0, 1, 0)]
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=_click_point(view, edge))
    editor = view.editor
    assert editor is not None and editor.isVisible()
    assert editor.param == ("w", 0, 1, 0)
    assert float(editor.line_edit.text()) == -0.5  # pre-filled with the value

    line = editor.line_edit
    line.clear()
    qtbot.keyClicks(line, "abc")
    with (
        qtbot.assertNotEmitted(view.editRequested),
        qtbot.waitSignal(view.message, timeout=1000) as msg,
    ):
        qtbot.keyClick(line, Qt.Key.Key_Return)
    assert "not a number" in msg.args[0]
    assert view.editor is editor and editor.isVisible()  # stays open to fix it
    assert editor.error_label.isVisible() and "abc" in editor.error_label.text()
    assert line.property("invalid") is True
    assert "not a number" in line.toolTip()

    line.clear()
    qtbot.keyClicks(line, "0.25")
    assert line.property("invalid") is False  # typing clears the error
    with qtbot.waitSignal(view.editRequested, timeout=1000) as sig:
        qtbot.keyClick(line, Qt.Key.Key_Return)
    assert sig.args == [("w", 0, 1, 0), 0.25]
    assert view.editor is None
    # The view does not change itself: the next snapshot will.
    assert "w = −0.5000" in view.hover_text(edge)


def test_edit_bias_escape_cancels_and_nan_is_refused(view, qtbot):
    editor = view.edit_param(("b", 1, 0))
    assert editor is not None and float(editor.line_edit.text()) == 0.5
    editor.line_edit.setText("nan")
    with qtbot.assertNotEmitted(view.editRequested):
        qtbot.keyClick(editor.line_edit, Qt.Key.Key_Return)
    assert "finite" in editor.error
    with qtbot.assertNotEmitted(view.editRequested):
        qtbot.keyClick(editor.line_edit, Qt.Key.Key_Escape)
    assert view.editor is None


def test_parse_number():
    assert parse_number(" −1.5 ") == -1.5
    assert parse_number("0,25") == 0.25
    assert parse_number("1e-3") == 0.001
    for bad in ("", "abc", "inf", "-inf", "nan", "1,000.5,"):
        with pytest.raises(ValueError):
            parse_number(bad)


# -- zoom, fit, highlight --------------------------------------------------------------


def test_zoom_and_fit(view):
    fitted = view.transform().m11()
    view.zoom_in()
    assert view.transform().m11() == pytest.approx(fitted * 1.25)
    view.resize(700, 500)  # the user zoomed: a resize keeps the zoom
    assert view.transform().m11() == pytest.approx(fitted * 1.25)
    view.zoom_out()
    view.zoom_out()
    assert view.transform().m11() < fitted
    view.fit()
    refit = view.transform().m11()
    view.resize(1200, 800)  # fitted: a resize refits, so the network grows
    assert view.transform().m11() > refit
    assert view.sceneRect().contains(view.mapToScene(view.viewport().rect().center()))


def test_highlight_layer(view):
    view.highlight_layer(1)
    assert view.node_items[(1, 0)].opacity() == 1.0
    assert view.node_items[(0, 0)].opacity() < 1.0
    assert _rgb(view.node_items[(1, 2)].pen().color()) == _rgb(theme.ACCENT)
    view.highlight_layer(None)
    assert all(n.opacity() == 1.0 for n in view.node_items.values())


# -- scale -----------------------------------------------------------------------------


def _wide(sizes, seed=0):
    mlp = MLP(sizes, "relu", "sigmoid", init="xavier", seed=seed)
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(8, sizes[0]))
    Z = rng.integers(0, 2, size=(8, sizes[-1])).astype(float)
    return Trainer(mlp, X, Z, learning_rate=0.1)


def test_64_32_10_network_builds_and_updates(qtbot):
    tr = _wide((64, 32, 10))
    v = NetworkGraphView()
    qtbot.addWidget(v)
    outputs = [f"c{j}" for j in range(10)]
    v.set_architecture(tr.mlp.layer_sizes, [], outputs, tr.mlp.activation_names)
    assert len(v.edge_items) == 0  # one bundle draws the edges; items on first use
    assert len(v.node_items) == 106 and len(v.bias_items) == 42
    v.update_snapshot(build_snapshot(tr, 0))
    shown = v.visible_edge_count()
    assert 0 < shown < 64 * 32 + 32 * 10  # level of detail: the faint ones are hidden
    # Every edge into the 10 outputs fits the budget, minus the faint ones.
    assert sum(v.edge_drawn((1, j, i)) for j in range(10) for i in range(32)) > 250
    items = len(v.scene().items())
    tr.step_epoch()
    v.update_snapshot(build_snapshot(tr, 3))
    assert len(v.scene().items()) == items  # updated in place
    v.select_param(("w", 0, 5, 7))
    assert v.edge_drawn((0, 5, 7))  # a selected weight is always drawn
    assert v.edge_items[(0, 5, 7)].isVisible()  # and raised above the others
    v.clear_selection()
    assert not v.edge_items[(0, 5, 7)].isVisible()  # back in the bundle


def test_mnist_sized_network_draws_only_the_strongest_edges(qtbot):
    tr = _wide((784, 128, 64, 10))
    v = NetworkGraphView()
    qtbot.addWidget(v)
    v.resize(900, 600)
    v.show()
    qtbot.waitExposed(v)
    v.set_architecture(tr.mlp.layer_sizes, [], [], tr.mlp.activation_names)
    snap = build_snapshot(tr, 0)
    v.update_snapshot(snap)
    total = 784 * 128 + 128 * 64 + 64 * 10
    shown = v.visible_edge_count()
    assert 0 < shown <= 1500 < total
    assert len(v.edge_items) == 0  # no item per edge: one bundle draws them
    assert "1,500 of 109,184" in v._legend.text()
    # The drawn ones are the strongest of their layer.
    w0 = np.abs(snap.weights()[0])
    drawn0 = v.scene().edges.shown[: 784 * 128].reshape(128, 784)
    assert w0[drawn0].min() >= np.quantile(w0, 0.95)
    # Labels of the 784 inputs are hidden at this zoom, the outputs' shown.
    assert not v.node_items[(0, 0)].label.isVisible()
    assert v.node_items[(3, 0)].label.isVisible()

    v.zoom_in()
    v.zoom_in()
    v.zoom_in()
    on_screen = v.scene().edges_on_screen()
    before = int((v.scene().edges.shown & on_screen).sum())
    v._refresh_lod()  # what the zoom timer does
    assert (
        int((v.scene().edges.shown & on_screen).sum()) > before
    )  # more detail where the user looks
    assert v.visible_edge_count() <= 1500  # at the same paint cost
    assert v.edge_items[(0, 3, 400)].param == ("w", 0, 3, 400)  # created on demand


# -- screenshot ------------------------------------------------------------------------


def test_screenshot_is_not_blank(view, trainer, tmp_path):
    view.update_snapshot(_train(trainer, 20))
    view.select_param(("w", 0, 1, 0))
    view.select_param(("b", 1, 0))
    QApplication.processEvents()
    image = view.grab().toImage()
    for path in (tmp_path / "graph.png", Path("/tmp/mlpviz_shots/graph.png")):
        path.parent.mkdir(parents=True, exist_ok=True)
        assert image.save(str(path))
    small = image.scaled(180, 120).convertToFormat(QImage.Format.Format_RGB32)
    colours = {small.pixel(x, y) for x in range(small.width()) for y in range(small.height())}
    assert len(colours) > 50
    # The background dominates but is not everything: the network is drawn.
    background = view.backgroundBrush().color().rgb()
    share = sum(small.pixel(x, y) == background for x in range(180) for y in range(120)) / 21600
    assert 0.4 < share < 0.97
    # The strongest edge, w[1][0][1] ≈ −1, is drawn orange where it should be.
    p = view.mapFromScene(view.edge_items[(1, 0, 1)].anchor(0.5))
    pixel = image.pixelColor(p)
    assert pixel.red() > pixel.blue() + 60


def test_graph_editor_reads_numbers_as_the_weight_table_does(view, qtbot):
    # Same inputs, same refusal text as every editor: the one parser's.
    for text, value in (("0,5", 0.5), ("−0.25", -0.25)):
        editor = view.edit_param(("w", 0, 1, 0))
        editor.line_edit.setText(text)
        with qtbot.waitSignal(view.editRequested, timeout=1000) as sig:
            qtbot.keyClick(editor.line_edit, Qt.Key.Key_Return)
        assert sig.args == [("w", 0, 1, 0), value]
    editor = view.edit_param(("w", 0, 1, 0))
    editor.line_edit.setText("abc")
    with qtbot.assertNotEmitted(view.editRequested):
        qtbot.keyClick(editor.line_edit, Qt.Key.Key_Return)
    with pytest.raises(ValueError) as err:
        parse_number("abc")
    assert editor.error == str(err.value) == "'abc' is not a number"
