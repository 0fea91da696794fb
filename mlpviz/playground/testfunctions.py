"""Two-dimensional test functions for the optimizer playground.

Each is a :class:`TestFunction`: its value and exact gradient (vectorised
over NumPy arrays), a view box that shows its interesting part, a start point
from which the race is worth watching, and its known minima, so a race can
report how many steps and evaluations each optimizer needed to get close.
:func:`from_expression` wraps a function the user typed the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from mlpviz.playground.expr import parse

Point = tuple[float, float]
Box = tuple[float, float, float, float]  # (x_min, x_max, y_min, y_max)
Field = Callable[[np.ndarray, np.ndarray], np.ndarray]
GradField = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]

CUSTOM_BOX: Box = (-5.0, 5.0, -5.0, 5.0)
CUSTOM_START: Point = (3.0, 4.0)


@dataclass(frozen=True)
class TestFunction:
    """A function of (x, y) to race optimizers on.

    ``min_value`` is the value at the minima (None when there is no known
    minimum: the saddle, a user's function); ``log_colour`` suggests a
    logarithmic colour scale for functions whose values span many decades.
    """

    __test__ = False  # not a pytest test class, despite the name

    key: str
    name: str
    formula: str
    f: Field
    grad: GradField
    box: Box
    start: Point
    minima: tuple[Point, ...] = ()
    min_value: float | None = None
    log_colour: bool = False
    description: str = ""
    # Per optimizer, a learning rate that makes a watchable race here (the
    # scales differ by 100× between functions); empty for user functions.
    learning_rates: dict[str, float] = field(default_factory=dict)

    def value(self, x: float, y: float) -> float:
        """f at one point, as a Python float (nan/inf where undefined)."""
        with np.errstate(all="ignore"):
            return float(self.f(np.float64(x), np.float64(y)))

    def gradient(self, x: float, y: float) -> np.ndarray:
        """∇f at one point, shape (2,)."""
        with np.errstate(all="ignore"):
            gx, gy = self.grad(np.float64(x), np.float64(y))
        return np.array([float(gx), float(gy)])


def _rates(sgd, momentum, nesterov, adagrad, rmsprop, adam, trial) -> dict[str, float]:
    names = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "trial-and-error")
    return dict(zip(names, (sgd, momentum, nesterov, adagrad, rmsprop, adam, trial)))


# -- the built-in functions: value and gradient written out by hand --------------------


def _bowl(x, y):
    return x**2 + y**2


def _bowl_grad(x, y):
    return 2 * x, 2 * y


# Curvature 10× larger along y than along x (condition number 10): plain
# gradient descent must keep η < 0.1 for y and then crawls along x, the
# zig-zag that momentum and per-coordinate scaling (RMSProp, Adam) cure.
def _elongated(x, y):
    return x**2 + 10 * y**2


def _elongated_grad(x, y):
    return 2 * x, 20 * y


def _rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def _rosenbrock_grad(x, y):
    return -2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)


def _saddle(x, y):
    return x**2 - y**2


def _saddle_grad(x, y):
    return 2 * x, -2 * y


def _himmelblau(x, y):
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


def _himmelblau_grad(x, y):
    a, b = x**2 + y - 11, x + y**2 - 7
    return 4 * x * a + 2 * b, 2 * a + 4 * y * b


def _beale(x, y):
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


def _beale_grad(x, y):
    a = 1.5 - x + x * y
    b = 2.25 - x + x * y**2
    c = 2.625 - x + x * y**3
    gx = 2 * a * (y - 1) + 2 * b * (y**2 - 1) + 2 * c * (y**3 - 1)
    gy = 2 * a * x + 2 * b * (2 * x * y) + 2 * c * (3 * x * y**2)
    return gx, gy


FUNCTIONS: dict[str, TestFunction] = {
    tf.key: tf
    for tf in (
        TestFunction(
            "bowl", "Bowl", "x² + y²", _bowl, _bowl_grad,
            box=(-5.0, 5.0, -5.0, 5.0), start=(3.0, 4.0), minima=((0.0, 0.0),), min_value=0.0,
            description="The tutorial's paraboloid: from (3, 4) with η = 0.1 gradient "
            "descent multiplies both coordinates by 0.8 each step.",
            learning_rates=_rates(0.1, 0.03, 0.03, 1.0, 0.1, 0.3, 0.1),
        ),
        TestFunction(
            "elongated", "Elongated bowl", "x² + 10·y²", _elongated, _elongated_grad,
            box=(-5.0, 5.0, -3.0, 3.0), start=(-4.5, 2.0), minima=((0.0, 0.0),), min_value=0.0,
            description="Ten times steeper along y than along x: gradient descent "
            "zig-zags across the valley and crawls along it.",
            learning_rates=_rates(0.09, 0.01, 0.01, 1.0, 0.1, 0.3, 0.1),
        ),
        TestFunction(
            "rosenbrock", "Rosenbrock", "(1 − x)² + 100·(y − x²)²",
            _rosenbrock, _rosenbrock_grad,
            box=(-2.0, 2.0, -1.0, 3.0), start=(-1.2, 1.0), minima=((1.0, 1.0),), min_value=0.0,
            log_colour=True,
            description="A curved, nearly flat valley: easy to find, slow to follow "
            "to the minimum at (1, 1).",
            learning_rates=_rates(0.002, 0.001, 0.001, 1.0, 0.01, 0.3, 0.003),
        ),
        TestFunction(
            "saddle", "Saddle", "x² − y²", _saddle, _saddle_grad,
            box=(-5.0, 5.0, -5.0, 5.0), start=(-4.5, 0.05),
            description="No minimum: a stationary point at (0, 0) that is a minimum "
            "along x and a maximum along y. Starting near y = 0, who escapes first?",
            learning_rates=_rates(0.03, 0.01, 0.01, 0.3, 0.03, 0.1, 0.1),
        ),
        TestFunction(
            "himmelblau", "Himmelblau", "(x² + y − 11)² + (x + y² − 7)²",
            _himmelblau, _himmelblau_grad,
            box=(-5.0, 5.0, -5.0, 5.0), start=(-0.5, -0.5),
            minima=((3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186),
                    (3.584428, -1.848126)),
            min_value=0.0, log_colour=True,
            description="Four minima of equal depth (f = 0): optimizers from the same "
            "start may settle in different ones.",
            learning_rates=_rates(0.01, 0.003, 0.003, 0.3, 0.03, 0.1, 0.03),
        ),
        TestFunction(
            "beale", "Beale", "(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
            _beale, _beale_grad,
            box=(-4.5, 4.5, -4.5, 4.5), start=(-1.0, -1.0), minima=((3.0, 0.5),), min_value=0.0,
            log_colour=True,
            description="Flat plateaus and steep ridges (values span ten decades); "
            "the minimum at (3, 0.5) lies in a narrow curved valley.",
            learning_rates=_rates(0.01, 0.001, 0.001, 1.0, 0.01, 0.1, 0.01),
        ),
    )
}  # fmt: skip


def from_expression(text: str, box: Box = CUSTOM_BOX, start: Point = CUSTOM_START) -> TestFunction:
    """A user's function of x and y (raises ``ExpressionError`` for bad text).

    Its minima are unknown, so races judge convergence by |∇f| instead.
    """
    expr = parse(text)
    dfdx, dfdy = (_short(t) for t in expr.gradient_text())
    return TestFunction(
        "custom",
        "Custom",
        text.strip(),
        expr,
        expr.gradient,
        box=box,
        start=start,
        description="Your function; its gradient is differentiated symbolically: "
        f"∂f/∂x = {dfdx}, ∂f/∂y = {dfdy}",
    )


def _short(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
