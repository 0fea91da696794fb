"""Hover and tooltips of the network graph: the event filter on the view's
viewport (offscreen Qt, pytest-qt)."""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QHelpEvent, QMouseEvent
from PySide6.QtWidgets import QApplication, QToolTip, QWidget

from mlpviz.engine import MLP, Trainer
from mlpviz.engine.layout import param_name
from mlpviz.ui.graph.hover import HoverFilter
from mlpviz.ui.graph.items import EdgeItem
from mlpviz.ui.graph.view import NetworkGraphView
from mlpviz.ui.style.numbers import format_number as fmt
from mlpviz.ui.training.measure import build_snapshot

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Z = np.array([[0.0], [1.0], [1.0], [0.0]])


@pytest.fixture
def view(qtbot) -> NetworkGraphView:
    trainer = Trainer(MLP.tutorial(), XOR_X, XOR_Z, learning_rate=0.5)
    for _ in range(3):
        trainer.step_sample()
    v = NetworkGraphView()
    qtbot.addWidget(v)
    v.set_architecture(trainer.mlp.layer_sizes, ["I0", "I1"], ["Z0"])
    v.update_snapshot(build_snapshot(trainer, 1))
    v.resize(900, 600)
    v.show()
    qtbot.waitExposed(v)
    return v


def _move(widget: QWidget, p: QPoint, buttons=Qt.MouseButton.NoButton) -> None:
    event = QMouseEvent(
        QEvent.Type.MouseMove,
        QPointF(p),
        widget.mapToGlobal(QPointF(p)),
        Qt.MouseButton.NoButton,
        buttons,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, event)


def _tooltip(widget: QWidget, p: QPoint) -> str:
    QApplication.sendEvent(widget, QHelpEvent(QEvent.Type.ToolTip, p, widget.mapToGlobal(p)))
    text = QToolTip.text()
    QToolTip.hideText()
    return text


def _point_on(view: NetworkGraphView, edge: EdgeItem) -> QPoint:
    for t in np.linspace(0.25, 0.8, 23):
        p = view.mapFromScene(edge.anchor(float(t)))
        if view.item_at(p) is edge:
            return p
    raise AssertionError(f"no point on {edge.param} where it is on top")


def test_hovering_an_edge_marks_it_and_its_tooltip_shows_its_weight(view):
    for key in ((0, 1, 0), (1, 0, 2)):
        edge = view.edge_items[key]
        p = _point_on(view, edge)
        _move(view.viewport(), p)
        marks = view.scene().marks
        assert marks.hovered is edge and marks.hover_halo.isVisible()
        assert view.viewport().cursor().shape() == Qt.CursorShape.PointingHandCursor
        text = _tooltip(view.viewport(), p)
        value = view.scene().snapshot.param_value(edge.param)
        assert param_name(edge.param) in text
        assert f"w = {fmt(value)}" in text
    QApplication.sendEvent(view.viewport(), QEvent(QEvent.Type.Leave))
    assert view.scene().marks.hovered is None
    assert not view.scene().marks.hover_halo.isVisible()


def test_hover_follows_the_mouse_but_not_a_drag(view):
    edge = view.edge_items[(0, 1, 0)]
    p = _point_on(view, edge)
    _move(view.viewport(), p, Qt.MouseButton.LeftButton)  # a drag pans, it does not hover
    assert view.scene().marks.hovered is None
    _move(view.viewport(), p)
    assert view.scene().marks.hovered is edge
    _move(view.viewport(), QPoint(3, 3))  # empty space
    assert view.scene().marks.hovered is None
    assert view.viewport().cursor().shape() == Qt.CursorShape.OpenHandCursor
    assert _tooltip(view.viewport(), QPoint(3, 3)) == ""


def test_the_filter_works_on_any_widget_with_its_callbacks(qtbot):
    widget = QWidget()
    qtbot.addWidget(widget)
    widget.resize(200, 100)
    widget.setMouseTracking(True)  # else Qt drops moves with no button held
    hovered: list = []
    target = EdgeItem(("w", 0, 0, 0), QPointF(0, 0), QPointF(10, 0))

    def pick(p: QPoint):
        return target if p.x() < 100 else None

    HoverFilter(widget, pick, hovered.append, lambda item: f"tip of {item.param}")
    _move(widget, QPoint(10, 10))
    _move(widget, QPoint(150, 10))
    assert hovered == [target, None]
    assert _tooltip(widget, QPoint(10, 10)) == "tip of ('w', 0, 0, 0)"


def test_a_deleted_view_is_freed_without_a_garbage_collection(qtbot):
    """The filter holds the view's methods weakly: no reference cycle keeps
    the Python view alive once Qt deleted it."""
    view = NetworkGraphView()
    view.set_architecture((2, 3, 1))
    ref = weakref.ref(view)
    view.deleteLater()
    del view
    gc.disable()
    try:
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        assert ref() is None
    finally:
        gc.enable()
