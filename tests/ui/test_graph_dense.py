"""The network graph with a dense 784-128-64-10 network: the level of detail,
the cached bundle that draws its edges, and picking, selecting and editing
those edges (offscreen Qt, pytest-qt)."""

from __future__ import annotations

import numpy as np
import pytest
import shiboken6
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter
from PySide6.QtWidgets import QApplication

from mlpviz.bench.scale import _on_screen_candidates, _zoomed_detail
from mlpviz.engine import MLP, Trainer
from mlpviz.ui.graph.bundle import curve_rise, curve_t
from mlpviz.ui.graph.items import EdgeItem
from mlpviz.ui.graph.lod import EDGE_BUDGET, HIT_PIXELS
from mlpviz.ui.graph.view import NetworkGraphView
from mlpviz.ui.style import theme
from mlpviz.ui.training.measure import build_snapshot

BIG = (784, 128, 64, 10)


@pytest.fixture
def trainer() -> Trainer:
    mlp = MLP(BIG, "relu", "sigmoid", init="xavier", seed=5)
    rng = np.random.default_rng(5)
    X = rng.normal(size=(8, BIG[0]))
    Z = rng.integers(0, 2, size=(8, BIG[-1])).astype(float)
    trainer = Trainer(mlp, X, Z, learning_rate=0.1)
    trainer.step_batch()  # a gradient and an update exist
    return trainer


@pytest.fixture
def big(qtbot, trainer) -> NetworkGraphView:
    v = NetworkGraphView()
    qtbot.addWidget(v)
    v.resize(1000, 700)
    v.show()
    qtbot.waitExposed(v)
    v.set_architecture(BIG, [], [], trainer.mlp.activation_names)
    v.update_snapshot(build_snapshot(trainer, 0))
    yield v
    # The level-of-detail timer must have run out before the view goes; the
    # view's Qt side may already be gone (then so is its timer).
    timer = v._lod_timer
    qtbot.waitUntil(lambda: not shiboken6.isValid(timer) or not timer.isActive(), timeout=1000)


def _hover_at(view: NetworkGraphView, p: QPoint) -> None:
    """A mouse move with no button held. (QTest's own mouseMove reports the
    buttons of its last synthetic click, and after an earlier test's
    double-click that is the left button — a drag, not a hover.)"""
    viewport = view.viewport()
    event = QMouseEvent(
        QEvent.Type.MouseMove,
        QPointF(p),
        viewport.mapToGlobal(QPointF(p)),
        Qt.MouseButton.NoButton,
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(viewport, event)


def _rgb(color) -> tuple[int, int, int]:
    return (color.red(), color.green(), color.blue())


def _stroke_counts(v: NetworkGraphView) -> dict[tuple[int, int, int], int]:
    """Edges the bundle draws, by pen colour (a curve is 4 path elements)."""
    counts: dict[tuple[int, int, int], int] = {}
    for pen, path in v._bundle._strokes:
        counts[_rgb(pen.color())] = counts.get(_rgb(pen.color()), 0) + path.elementCount() // 4
    return counts


def _repaint(v: NetworkGraphView) -> QImage:
    v.viewport().repaint()
    return v.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def _drawn_point(v: NetworkGraphView, layer: int) -> tuple[tuple, QPoint]:
    """A drawn edge of ``layer`` and a viewport point on it, inside the view."""
    rect = v.viewport().rect().adjusted(20, 20, -20, -20)
    lo, hi = int(v._edge_offsets[layer]), int(v._edge_offsets[layer + 1])
    for idx in lo + np.flatnonzero(v._edge_shown[lo:hi]):
        key = v._edge_key(int(idx))
        for t in np.linspace(0.05, 0.95, 37):
            p = v.mapFromScene(v.edge_items[key].anchor(float(t)))
            if rect.contains(p) and v._pick(p) is v.edge_items[key]:
                return key, p
    raise AssertionError(f"no drawn edge of layer {layer} can be pointed at")


# -- level of detail -------------------------------------------------------------------


def test_fitted_draws_the_budget_and_zoomed_in_every_edge_on_screen(big, trainer):
    snap = big._snap
    assert 0 < big.visible_edge_count() <= EDGE_BUDGET
    assert big._bundle is not None and len(big.edge_items) == 0
    # Zoomed in as far as it goes, every edge on screen above the faint cut
    # is drawn, counted independently of the view (bench_scale).
    for layer in (1, 2):
        big.fit()
        detail = _zoomed_detail(big, snap, layer)
        assert detail["full_detail"], detail
        assert detail["drawn"] == _on_screen_candidates(big, snap) > 0


def test_on_screen_matches_the_curves(big):
    """The closed-form on-screen test agrees with points sampled on the curves."""
    for _ in range(7):
        big.zoom_in()
    big.centerOn(big._x[1] + 115, 30)  # between hidden layers 1 and 2 only
    assert big.mapToScene(big.viewport().rect()).boundingRect().width() < 220
    area = big.mapToScene(big.viewport().rect()).boundingRect()
    on = big._on_screen()
    lo, hi = int(big._edge_offsets[1]), int(big._edge_offsets[2])
    xa, xb = big._edge_x[1]
    t = curve_t(np.linspace(0, 1, 4001))
    xs = xa + (xb - xa) * np.linspace(0, 1, 4001)
    inside_x = (xs >= area.left()) & (xs <= area.right())
    y0, y1 = big._edge_y0[lo:hi, None], big._edge_y1[lo:hi, None]
    ys = y0 + (y1 - y0) * curve_rise(t)[None, :]
    sampled = ((ys >= area.top()) & (ys <= area.bottom()) & inside_x[None, :]).any(axis=1)
    assert 0 < sampled.sum() < hi - lo
    assert np.array_equal(on[lo:hi], sampled)
    assert not on[:lo].any() and not on[hi:].any()  # the other layers are off screen


# -- colours ---------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["weight", "gradient", "update"])
def test_bundle_colours_follow_the_sign(big, mode):
    big.set_edge_mode(mode)
    snap = big._snap
    source = {"weight": snap.params, "gradient": snap.gradient, "update": snap.update}[mode]
    values = source[big._w_index][big._edge_shown]
    counts = _stroke_counts(big)
    assert counts == {
        _rgb(theme.POSITIVE): int((values >= 0).sum()),
        _rgb(theme.NEGATIVE): int((values < 0).sum()),
    }
    # Weakest first: the strongest edges end on top.
    alphas = [pen.color().alpha() for pen, _path in big._bundle._strokes]
    assert alphas == sorted(alphas)
    assert big.visible_edge_count() == sum(counts.values())


def test_snapshots_update_the_bundle_in_place(big, trainer):
    items = len(big.scene().items())
    bundle, strokes = big._bundle, big._bundle._strokes
    trainer.step_batch()
    trainer.step_batch()
    big.update_snapshot(build_snapshot(trainer, 0))
    assert big._bundle is bundle and len(big.scene().items()) == items
    assert big._bundle._strokes is not strokes  # new weights, new paths
    _repaint(big)
    strokes, renders = big._bundle._strokes, big._bundle.renders
    big.update_snapshot(big._snap)  # the same values: no new paths, no redraw
    _repaint(big)
    assert big._bundle._strokes is strokes and big._bundle.renders == renders


# -- the cache -------------------------------------------------------------------------


def test_pans_and_zooms_reuse_the_cached_pixels(big, qtbot):
    _repaint(big)
    bundle = big._bundle
    renders = bundle.renders
    centre = big.mapToScene(big.viewport().rect().center())
    big.centerOn(centre.x() + 40, centre.y())  # within the margin: shifted pixels
    _repaint(big)
    assert bundle.renders == renders
    big.scale(1.15, 1.15)  # a zoom step: the cache is drawn scaled
    _repaint(big)
    assert bundle.renders == renders
    qtbot.waitUntil(lambda: not big._lod_timer.isActive(), timeout=1000)
    _repaint(big)  # the zoom rests: sharp pixels again
    assert bundle.renders > renders


def test_strips_drawn_after_a_long_pan_match_a_full_redraw(big, qtbot):
    for _ in range(3):
        big.zoom_in()
    qtbot.waitUntil(lambda: not big._lod_timer.isActive(), timeout=1000)
    _repaint(big)
    renders = big._bundle.renders
    centre = big.mapToScene(big.viewport().rect().center())
    step = 400 / big._scale()  # past the margin (250 px) in x
    big.centerOn(centre.x() + step, centre.y() + 150 / big._scale())
    panned = _repaint(big)
    assert 1 <= big._bundle.renders - renders <= 4  # strips, not a whole redraw
    big._bundle.set_strokes(big._bundle._strokes)  # drop the cache
    fresh = _repaint(big)
    a = np.frombuffer(panned.constBits(), np.uint8).reshape(-1, 4).astype(int)
    b = np.frombuffer(fresh.constBits(), np.uint8).reshape(-1, 4).astype(int)
    differs = np.abs(a - b).max(axis=1) > 40
    assert differs.mean() < 0.01  # the same picture, up to half-pixel seams


def test_a_resized_view_keeps_its_pixels_and_draws_the_new_part(big, qtbot):
    big.zoom_in()
    qtbot.waitUntil(lambda: not big._lod_timer.isActive(), timeout=1000)
    _repaint(big)
    big.resize(1700, 1200)  # zoomed by the user: the zoom stays
    qtbot.waitUntil(lambda: not big._lod_timer.isActive(), timeout=1000)
    grown = _repaint(big)
    assert big._bundle._image.deviceIndependentSize().width() >= 1700
    big._bundle.set_strokes(big._bundle._strokes)  # drop the cache
    fresh = _repaint(big)
    a = np.frombuffer(grown.constBits(), np.uint8).reshape(-1, 4).astype(int)
    b = np.frombuffer(fresh.constBits(), np.uint8).reshape(-1, 4).astype(int)
    assert (np.abs(a - b).max(axis=1) > 40).mean() < 0.01


# -- picking, selecting, editing -------------------------------------------------------


def test_click_hover_and_double_click_edit_an_edge_zoomed_in(big, qtbot):
    _zoomed_detail(big, big._snap, 2)
    key, p = _drawn_point(big, 2)
    edge = big.edge_items[key]
    assert isinstance(edge, EdgeItem) and edge.param == ("w", *key)
    # Hover raises the edge's own item, with its value's pen, and the halo.
    _hover_at(big, p)
    assert big._hover is edge and edge.isVisible() and big._hover_halo.isVisible()
    value = big._snap.param_value(edge.param)
    sign_colour = theme.NEGATIVE if value < 0 else theme.POSITIVE
    assert _rgb(edge.pen().color()) == _rgb(sign_colour)
    assert "click: select" in big.hover_text(edge)
    # Away from every edge: nothing is hovered and the item hides again.
    empty = next(
        QPoint(x, y)
        for x in range(5, 1000, 40)
        for y in range(5, 700, 40)
        if big._pick(QPoint(x, y)) is None
    )
    _hover_at(big, empty)
    assert big._hover is None and not edge.isVisible()
    assert not big._hover_halo.isVisible()
    # A click selects it.
    with qtbot.waitSignal(big.parameterSelected, timeout=1000) as sig:
        qtbot.mouseClick(big.viewport(), Qt.MouseButton.LeftButton, pos=p)
    assert sig.args == [edge.param]
    assert big.selected_params == [edge.param] and big._halos[0].isVisible()
    # A double-click edits it.
    qtbot.mouseDClick(big.viewport(), Qt.MouseButton.LeftButton, pos=p)
    editor = big.editor
    assert editor is not None and editor.param == edge.param
    assert float(editor.line_edit.text()) == pytest.approx(value, abs=1e-4)
    editor.line_edit.setText("0.5")
    with qtbot.waitSignal(big.editRequested, timeout=1000) as sig:
        qtbot.keyClick(editor.line_edit, Qt.Key.Key_Return)
    assert sig.args == [edge.param, 0.5]
    big._set_hover(None)
    big.clear_selection()
    assert not edge.isVisible()  # neither selected nor hovered: the bundle draws it
    assert big.edge_drawn(key)


def test_picking_misses_edges_that_are_not_drawn_or_too_far(big):
    _zoomed_detail(big, big._snap, 2)
    key, p = _drawn_point(big, 2)
    idx = big._edge_index(key)
    xa, xb = big._edge_x[2]
    scene = big.mapToScene(p)
    t = float(curve_t((scene.x() - xa) / (xb - xa)))
    y = big._edge_y0[idx] + (big._edge_y1[idx] - big._edge_y0[idx]) * curve_rise(t)
    assert abs(scene.y() - y) * big._scale() <= HIT_PIXELS / 2 + 1
    # Hide everything: nothing left to pick between the columns.
    big._edge_shown[:] = False
    assert big._pick(p) is None


def test_pictures_draw_the_edges_as_vectors_not_the_screen_cache(big):
    """An export paints on its own device: the bundle draws its paths there."""
    source = big.sceneRect()
    image = QImage(1200, 900, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    big.scene().render(painter, QRectF(image.rect()), source)
    painter.end()
    renders = big._bundle.renders
    # Between the input and the first hidden column there are only edges.
    x = round((big._x[0] + big._x[1]) / 2 - source.left()) * 1200 // round(source.width())
    column = [image.pixelColor(x, y) for y in range(200, 700, 5)]
    assert sum(c.rgb() != QColor(Qt.GlobalColor.white).rgb() for c in column) > 20
    assert big._bundle.renders == renders  # the screen cache was not used
