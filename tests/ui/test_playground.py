"""The optimizer playground window (pytest-qt, offscreen): races, errors, clicks, closing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage

from mlpviz.playground.testfunctions import FUNCTIONS, from_expression
from mlpviz.ui.playground.views import arrow_segments, opengl_problem
from mlpviz.ui.playground.window import PlaygroundWindow
from mlpviz.ui.playground.worker import contour_grid

SHOTS = Path("/tmp/mlpviz_shots")
WAIT = 5000  # ms; a generous ceiling, the waits end as soon as the condition holds


@pytest.fixture
def window(qtbot):
    w = PlaygroundWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.grid is not None and w.latest is not None, timeout=WAIT)
    yield w
    w.close()


def racer(w: PlaygroundWindow, name: str):
    return next(r for r in w.latest.racers if r.name == name)


def not_blank(image: QImage) -> bool:
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
    }
    return image.width() > 600 and len(colours) > 50


# Any Qt warning fails these tests, e.g. "Cannot set parent, new parent is in a different
# thread" from a widget touched by the worker thread (the offscreen plugin's size-hint
# notice is harmless).
pytestmark = [
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore("propagateSizeHints"),
]


def test_races_the_bowl_with_every_optimizer(window, qtbot):
    assert window.grid.function_key == "bowl" and window.latest.start == (3.0, 4.0)
    names = [r.name for r in window.latest.racers]
    assert names == ["SGD", "Momentum", "Nesterov", "Adagrad", "RMSProp", "Adam", "Trial & error"]
    window.set_speed(None)
    window.play()
    # At full speed the bowl race may finish (and pause itself) within milliseconds.
    qtbot.waitUntil(lambda: window.latest.step >= 30 or not window.latest.running, timeout=WAIT)
    window.pause()
    qtbot.waitUntil(lambda: not window.running, timeout=WAIT)
    snap = window.latest
    for r in snap.racers:
        assert r.steps >= 30 or r.status == "converged"
        assert len(r.path) == r.steps + 1
    # The tutorial: SGD with η = 0.1 from (3, 4) scales the point by 0.8 per step.
    sgd = racer(window, "SGD")
    np.testing.assert_allclose(sgd.path[3], [3 * 0.8**3, 4 * 0.8**3])
    assert racer(window, "Trial & error").loss_evals > 0
    assert racer(window, "Trial & error").grad_evals == 0
    assert window.table.rowCount() == 7
    assert window.table.item(0, 0).text() == "SGD"
    assert window.table.item(0, 6).text() not in ("", "—")  # SGD got within 1e-3
    assert window.contour.current.data.size == 7
    # Played on, the bowl race ends by itself once every racer has converged.
    window.play()
    qtbot.waitUntil(lambda: not window.latest.running, timeout=WAIT)
    qtbot.waitUntil(lambda: not window.running, timeout=WAIT)
    assert all(r.status == "converged" for r in window.latest.racers)
    assert "All racers have finished" in window.statusBar().currentMessage()


def test_step_and_reset(window, qtbot):
    window.step()
    qtbot.waitUntil(lambda: window.latest.step == 1, timeout=WAIT)
    window.step()
    qtbot.waitUntil(lambda: window.latest.step == 2, timeout=WAIT)
    assert window.step_label.text().startswith("Step 2")
    window.reset()
    qtbot.waitUntil(lambda: window.latest.step == 0, timeout=WAIT)


def test_a_diverging_racer_stops_while_the_others_go_on(window, qtbot):
    window.racers_panel.set_racer(0, lr=1.5)  # SGD: x ← (1 − 2·1.5)·x = −2x
    qtbot.waitUntil(lambda: window.latest.racers[0].lr == 1.5, timeout=WAIT)
    window.set_speed(None)
    window.play()
    qtbot.waitUntil(lambda: racer(window, "SGD").status == "diverged", timeout=WAIT)
    stopped_at = racer(window, "SGD").steps
    qtbot.waitUntil(lambda: window.latest.step >= stopped_at + 10, timeout=WAIT)
    window.pause()
    sgd = racer(window, "SGD")
    assert sgd.note == f"diverged at step {stopped_at}" and sgd.steps == stopped_at
    others = [r for r in window.latest.racers if r.name != "SGD"]
    assert all(r.status != "diverged" for r in others)
    assert max(r.steps for r in others) >= stopped_at + 10
    assert window.table.item(0, 1).text() == f"diverged at step {stopped_at}"


def test_bad_custom_expression_shows_the_error_and_keeps_the_function(window, qtbot):
    window.set_function("custom")
    assert window.custom_action.isVisible()
    assert not window.apply_custom("x.__class__")
    assert window.error.isVisible()
    assert "unexpected '.' at column 2" in window.error.text()
    assert window.function.key == "bowl" and window.grid.function_key == "bowl"
    assert not window.apply_custom("x^2 + foo")
    assert "unknown name 'foo' at column 7" in window.error.text()

    assert window.apply_custom("x^2 + 3*y^2")
    assert not window.error.isVisible()
    qtbot.waitUntil(lambda: window.grid.function_key == "custom", timeout=WAIT)
    assert window.grid.formula == "x^2 + 3*y^2"
    assert window.latest.start == (3.0, 4.0)
    assert "x^2 + 3*y^2" in window.contour.title_label.text()
    window.step()
    qtbot.waitUntil(lambda: window.latest.step == 1, timeout=WAIT)
    # SGD, η = 0.1 on x² + 3y²: x ← 0.8x, y ← (1 − 0.6)y.
    np.testing.assert_allclose(racer(window, "SGD").point, [2.4, 1.6])


def test_switching_functions_sets_box_start_and_suggested_rates(window, qtbot):
    window.set_function("rosenbrock")
    qtbot.waitUntil(lambda: window.grid.function_key == "rosenbrock", timeout=WAIT)
    qtbot.waitUntil(lambda: window.latest.function_key == "rosenbrock", timeout=WAIT)
    assert window.grid.log and window.latest.start == FUNCTIONS["rosenbrock"].start
    assert racer(window, "Adam").lr == FUNCTIONS["rosenbrock"].learning_rates["adam"]
    assert window.grid.xs[0] == -2.0 and window.grid.ys[-1] == 3.0


def test_clicking_the_contour_sets_the_start(window, qtbot):
    vb = window.contour.plot_item.getViewBox()
    scene_pos = vb.mapViewToScene(QPointF(1.0, -2.0))
    view = window.contour.view
    pos = view.mapFromScene(scene_pos)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.waitUntil(lambda: window.latest.start != (3.0, 4.0), timeout=WAIT)
    x, y = window.latest.start
    assert x == pytest.approx(1.0, abs=0.1) and y == pytest.approx(-2.0, abs=0.1)
    assert all(r.steps == 0 for r in window.latest.racers)  # the race restarted there
    # Outside the box nothing happens.
    window.contour.pick_start(50.0, 0.0)
    assert window.start == (x, y)


def test_tolerance_and_unticked_racers(window, qtbot):
    window.tolerance.setCurrentText("1e-1")
    window.step()
    qtbot.waitUntil(lambda: window.latest.tol == 0.1 and window.latest.step == 1, timeout=WAIT)
    item = window.racers_panel.list.item(6)
    item.setCheckState(Qt.CheckState.Unchecked)  # trial and error sits out
    qtbot.waitUntil(lambda: len(window.latest.racers) == 6, timeout=WAIT)
    assert window.table.rowCount() == 6


def test_three_d_tab_explains_when_opengl_is_missing(window):
    assert window.tabs.tabText(1) == "3-D"
    if opengl_problem() is None:  # pragma: no cover - a real display with OpenGL
        assert window.surface.available
    else:
        assert not window.surface.available
        assert "needs OpenGL" in window.surface.hint.text()


def test_closing_stops_the_worker_thread(qtbot):
    w = PlaygroundWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.latest is not None, timeout=WAIT)
    w.play()  # at 20 steps a second: still running when the window closes
    qtbot.waitUntil(lambda: w.running and w.latest.step >= 1, timeout=WAIT)
    thread = w._thread
    w.close()
    assert not thread.isRunning()
    # Shown again, the same window starts a fresh worker and races on.
    w.show()
    assert w._thread.isRunning() and w._thread is not thread
    w.step(3)
    qtbot.waitUntil(lambda: w.latest.step == 3, timeout=WAIT)
    w.close()
    assert not w._thread.isRunning()


def test_contour_grid_and_arrows():
    grid = contour_grid(FUNCTIONS["rosenbrock"], size=41)
    assert grid.log and grid.offset == 0.0
    assert grid.shown.shape == (41, 41) and grid.contour_x.size > 0
    assert grid.levels[1] - grid.levels[0] == pytest.approx(6.0, abs=0.5)  # floored decades
    linear = contour_grid(from_expression("x^2 + 3*y^2"), size=41)
    assert not linear.log and linear.levels == (0.0, 100.0)
    assert not contour_grid(FUNCTIONS["saddle"], size=21).log
    seg = arrow_segments((0.0, 0.0), (3.0, 4.0), 1.0, 0.2)
    assert seg.shape == (6, 2) and np.allclose(seg[1], [0.6, 0.8])
    assert arrow_segments((0.0, 0.0), (0.0, 0.0), 1.0, 0.2).size == 0


def test_screenshot(window, qtbot, tmp_path):
    window.resize(1320, 860)
    window.set_function("rosenbrock")
    qtbot.waitUntil(lambda: window.latest.function_key == "rosenbrock", timeout=WAIT)
    window.step(250)
    qtbot.waitUntil(lambda: window.latest.step == 250, timeout=WAIT)
    image = window.grab().toImage()
    assert not_blank(image)
    assert image.save(str(tmp_path / "playground.png"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert image.save(str(SHOTS / "playground.png"))
