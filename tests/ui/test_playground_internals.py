"""The playground's "Inside the step": what is drawn equals the optimizer's state for that step."""

from __future__ import annotations

import numpy as np
import pytest

from mlpviz.playground.momentum_1d import momentum_path, optimal
from mlpviz.playground.race import Race
from mlpviz.playground.testfunctions import FUNCTIONS
from mlpviz.ui.playground.window import PlaygroundWindow

WAIT = 5000
pytestmark = [
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore("propagateSizeHints"),
]


@pytest.fixture
def window(qtbot):
    w = PlaygroundWindow()
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.grid is not None and w.latest is not None, timeout=WAIT)
    w.set_function("rosenbrock")
    qtbot.waitUntil(lambda: w.latest.function_key == "rosenbrock", timeout=WAIT)
    w.step(5)
    qtbot.waitUntil(lambda: w.latest.step == 5, timeout=WAIT)
    yield w
    w.close()


def replay(w: PlaygroundWindow, name: str, steps: int):
    """The same race run here, independently: the racer after ``steps`` steps."""
    race = Race(FUNCTIONS["rosenbrock"], w.latest.start, w.racers_panel.specs())
    race.step(steps)
    return next(r for r in race.racers if r.spec.name == name)


def test_drawn_adam_state_equals_the_optimizers_state_after_the_step(window, qtbot):
    window.inside.racer.setCurrentText("Adam")
    overlay = window.overlay
    assert overlay.internals is not None and overlay.internals.t == 6
    before, after = replay(window, "Adam", 5), replay(window, "Adam", 6)
    opt = after.optimizer
    b1, b2, t = opt.options["beta1"], opt.options["beta2"], opt.t
    k = overlay.scale
    np.testing.assert_array_equal(overlay.drawn["moment"], -k * (opt.state["m"] / (1 - b1**t)))
    np.testing.assert_array_equal(
        overlay.drawn["ellipse"], k * np.sqrt(opt.state["v"] / (1 - b2**t))
    )
    np.testing.assert_array_equal(overlay.drawn["gradient"], -k * before.grad)
    np.testing.assert_array_equal(overlay.drawn["next_point"], after.point)
    np.testing.assert_array_equal(overlay.drawn["step"], after.point - before.point)
    # The adaptive drawing is scaled to fit: its largest vector is the arrow reach.
    drawn = [np.abs(overlay.drawn[n]).max() for n in ("gradient", "moment", "ellipse")]
    assert max(drawn) == pytest.approx(0.12 * window.contour.diagonal())
    assert "m̂" in window.inside.table.text() and "v̂" in window.inside.table.text()


def test_drawn_momentum_is_carried_velocity_plus_gradient_step(window):
    window.inside.racer.setCurrentText("Momentum")
    drawn, lr = window.overlay.drawn, window.overlay.internals.lr
    before, after = replay(window, "Momentum", 5), replay(window, "Momentum", 6)
    beta = after.optimizer.options["beta"]
    assert window.overlay.scale == lr  # momentum is drawn at true size
    np.testing.assert_array_equal(drawn["carried"], -lr * beta * before.optimizer.state["velocity"])
    np.testing.assert_array_equal(drawn["gradient"], -lr * before.grad)
    np.testing.assert_array_equal(drawn["next_point"], after.point)
    # Their sum is the step: −η(βv + ∇f) = −η·v_new.
    np.testing.assert_allclose(drawn["carried"] + drawn["gradient"], drawn["step"], rtol=1e-12)
    np.testing.assert_allclose(-lr * after.optimizer.state["velocity"], drawn["step"], rtol=1e-12)


def test_sub_step_reveals_gradient_then_state_then_step_then_steps(window, qtbot):
    window.inside.racer.setCurrentText("Adam")
    assert {"gradient", "moment", "ellipse", "step"} <= set(window.overlay.drawn)
    window.substep()
    assert set(window.overlay.drawn) == {"gradient"}
    assert "sub-step 1 of 3" in window.inside.stage.text()
    window.substep()
    assert set(window.overlay.drawn) == {"gradient", "moment", "ellipse"}
    window.substep()
    assert {"step", "next_point"} <= set(window.overlay.drawn)
    landing = window.overlay.drawn["next_point"].copy()
    assert window.latest.step == 5
    window.substep()  # the fourth press takes the step
    qtbot.waitUntil(lambda: window.latest.step == 6, timeout=WAIT)
    adam = next(r for r in window.latest.racers if r.name == "Adam")
    np.testing.assert_array_equal(adam.point, landing)
    assert set(window.overlay.drawn) == {"gradient"} and window.substage == 1
    window.step()
    qtbot.waitUntil(lambda: window.latest.step == 7, timeout=WAIT)
    assert window.substage is None and "step" in window.overlay.drawn


def test_trial_and_error_is_not_offered_and_none_draws_nothing(window):
    items = [window.inside.racer.itemText(i) for i in range(window.inside.racer.count())]
    assert "Trial & error" not in items and "Adam" in items
    window.inside.racer.setCurrentIndex(0)  # (none)
    assert window.overlay.drawn == {} and window.overlay.internals is None


def test_momentum_sliders_redraw_the_whole_path(window):
    view = window.momentum_view
    view.set_parameters(0.15, 0.6)
    expected = momentum_path(view.lambdas, view.alpha, view.beta)
    np.testing.assert_array_equal(view.path.w, expected.w)
    for k, curve in enumerate(view.curves):
        np.testing.assert_array_equal(curve.getData()[1], expected.w[:, k])
    assert view.alpha == pytest.approx(0.15, rel=0.02) and view.beta == pytest.approx(0.6, abs=0.01)
    view.set_optimal()
    alpha, beta = optimal(view.lambdas)
    assert view.alpha == pytest.approx(alpha, rel=0.02) and view.beta == pytest.approx(
        beta, abs=0.01
    )
    assert "converges" in view.readout.text()
    view.set_parameters(0.3, 0.0)  # past 2/λ = 0.2 for λ = 10
    assert "diverges" in view.readout.text()
    assert np.isnan(view.path.w[-1]).all()


@pytest.mark.parametrize(("name", "key"), [("Adagrad", "sum_sq"), ("RMSProp", "mean_sq")])
def test_drawn_accumulator_ellipse_equals_the_optimizers_accumulator(window, name, key):
    window.inside.racer.setCurrentText(name)
    after = replay(window, name, 6)
    k = window.overlay.scale
    np.testing.assert_array_equal(
        window.overlay.drawn["ellipse"], k * np.sqrt(after.optimizer.state[key])
    )
    np.testing.assert_array_equal(window.overlay.drawn["next_point"], after.point)
    assert "moment" not in window.overlay.drawn and "carried" not in window.overlay.drawn
