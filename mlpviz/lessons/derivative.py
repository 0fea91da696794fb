"""Lesson 1 — the derivative as a slope, from
“Understanding Derivatives and Gradient Descent in Machine Learning”.

The model y = w·x is fitted to (1, 2), (2, 4), (3, 6) with the mean loss
L(w) = mean ½(w·x − y)². Its derivative dL/dw = mean x·(w·x − y) says which
way to move w: negative → increase w, positive → decrease w. One step of
gradient descent is w ← w − η·dL/dw.

The text only gives the signs at w = 1 and w = 3; the values (∓4.6667) are
ours (docs/tutorial-notes.md).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

XS = (1.0, 2.0, 3.0)
YS = (2.0, 4.0, 6.0)

# The tutorial's aside: f(x) = x² at x = 1 with Δx = 0.1 gives 0.21 / 0.1 = 2.1.
ASIDE_X = 1.0
ASIDE_DX = 0.1


def line_loss(w: float, xs: Sequence[float] = XS, ys: Sequence[float] = YS) -> float:
    """L(w) = mean over the points of ½(w·x − y)²."""
    x, y = np.asarray(xs, float), np.asarray(ys, float)
    r = w * x - y
    return float(np.mean(0.5 * r * r))


def line_slope(w: float, xs: Sequence[float] = XS, ys: Sequence[float] = YS) -> float:
    """dL/dw = mean x·(w·x − y) — the chain rule on ½(w·x − y)²."""
    x, y = np.asarray(xs, float), np.asarray(ys, float)
    return float(np.mean(x * (w * x - y)))


def best_w(xs: Sequence[float] = XS, ys: Sequence[float] = YS) -> float:
    """The w where dL/dw = 0: Σxy / Σx² (2 for the lesson's points)."""
    x, y = np.asarray(xs, float), np.asarray(ys, float)
    return float(x @ y / (x @ x))


def stable_lr_limit(xs: Sequence[float] = XS) -> float:
    """η above which the steps overshoot further each time: 2 / mean(x²) = 3/7.

    L is a parabola with curvature mean(x²), so each step multiplies the
    distance to the minimum by (1 − η·mean(x²)); it grows once that factor
    drops below −1.
    """
    x = np.asarray(xs, float)
    return float(2.0 / np.mean(x * x))


def advice(slope: float, tol: float = 1e-12) -> str:
    """The tutorial's reading of the derivative's sign."""
    if slope < -tol:
        return "negative: increase w"
    if slope > tol:
        return "positive: decrease w"
    return "zero: w is at the minimum"


def difference_quotient(f: Callable[[float], float], x: float, dx: float) -> float:
    """Δy / Δx = (f(x + Δx) − f(x)) / Δx, the slope of the secant."""
    return (f(x + dx) - f(x)) / dx


def x_squared_quotients(
    x: float = ASIDE_X, dxs: Sequence[float] = (1.0, ASIDE_DX, 0.01, 0.001)
) -> list[tuple[float, float]]:
    """(Δx, Δy/Δx) for f(x) = x²: 2.1 at Δx = 0.1, approaching 2x = 2 as Δx shrinks."""
    return [(dx, difference_quotient(lambda t: t * t, x, dx)) for dx in dxs]


class DerivativeLesson:
    """w stepped by gradient descent on the line-fit loss, with Back and Reset.

    ``history[0]`` is the start; each :meth:`step` appends the new w, so Back
    and Reset restore earlier values exactly (no arithmetic undoes a step).
    """

    def __init__(
        self,
        w: float = 1.0,
        lr: float = 0.1,
        xs: Sequence[float] = XS,
        ys: Sequence[float] = YS,
    ) -> None:
        self.xs = tuple(float(v) for v in xs)
        self.ys = tuple(float(v) for v in ys)
        self.lr = float(lr)
        self.history: list[float] = [float(w)]

    # -- state -----------------------------------------------------------------

    @property
    def w(self) -> float:
        return self.history[-1]

    @property
    def start(self) -> float:
        return self.history[0]

    @property
    def steps(self) -> int:
        return len(self.history) - 1

    def step(self) -> float:
        """w ← w − η·dL/dw; returns the new w."""
        self.history.append(self.next_w())
        return self.w

    def back(self) -> bool:
        """Undo the last step; False when already at the start."""
        if len(self.history) == 1:
            return False
        self.history.pop()
        return True

    def reset(self, w: float | None = None) -> None:
        """Back to the start, or to a new start ``w``."""
        self.history = [self.start if w is None else float(w)]

    def set_lr(self, lr: float) -> None:
        """A new η applies to the following steps (the path so far stays)."""
        self.lr = float(lr)

    # -- queries ---------------------------------------------------------------

    def loss(self, w: float | None = None) -> float:
        return line_loss(self.w if w is None else w, self.xs, self.ys)

    def slope(self, w: float | None = None) -> float:
        return line_slope(self.w if w is None else w, self.xs, self.ys)

    def advice(self) -> str:
        return advice(self.slope())

    def next_w(self) -> float:
        """Where the next step would land."""
        return self.w - self.lr * self.slope()

    def predictions(self) -> tuple[float, ...]:
        """w·x at each point: (1, 2, 3) at w = 1, underestimating the targets."""
        return tuple(self.w * x for x in self.xs)

    def tangent(self, ws: np.ndarray) -> np.ndarray:
        """The tangent line L(w₀) + dL/dw(w₀)·(w − w₀) at the current w₀."""
        w0 = self.w
        return self.loss() + self.slope() * (np.asarray(ws, float) - w0)

    def curve(self, ws: np.ndarray) -> np.ndarray:
        """L over an array of w (for the plot)."""
        x, y = np.asarray(self.xs), np.asarray(self.ys)
        r = np.asarray(ws, float)[:, None] * x[None, :] - y[None, :]
        return np.mean(0.5 * r * r, axis=1)

    def path(self) -> tuple[np.ndarray, np.ndarray]:
        """(w, L(w)) of every point visited."""
        ws = np.asarray(self.history)
        return ws, self.curve(ws)
