"""Lesson 2 — gradient descent on the bowl f(x, y) = x² + y²,
from “The Math Behind Training MLP Neural Networks”.

From (3, 4) with η = 0.1 each step is x ← x − η·2x = 0.8·x (same for y),
so x_k = 3·0.8ᵏ, y_k = 4·0.8ᵏ and f_k = 25·0.64ᵏ. The lesson grows the
tutorial's table one row per step and compares it with the printed one.

The printed f column is f at (x_new, y_new). Its last three values are
wrong (0.7140, 0.3579, 0.2294 for 0.7037, 0.4504, 0.2882; docs/tutorial-notes.md,
item 5). A few other cells differ in the last digit because the text
carried its rounded numbers from row to row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

START = (3.0, 4.0)
LEARNING_RATE = 0.1
COLUMNS = ("x_old", "grad_x", "x_new", "y_old", "grad_y", "y_new", "f")

# The table as printed in the tutorial ("AN EXAMPLE USING THE GRADIENT DESCENT
# FORMULA"), steps 1–10; the start row there is (x, y, f) = (3, 4, 25).
PRINTED_START = (3.0, 4.0, 25.0)
PRINTED_TABLE: tuple[tuple[float, ...], ...] = (
    (3.0000, 6.0000, 2.4000, 4.0000, 8.0000, 3.2000, 16.0000),
    (2.4000, 4.8000, 1.9200, 3.2000, 6.4000, 2.5600, 10.2400),
    (1.9200, 3.8400, 1.5360, 2.5600, 5.1200, 2.0480, 6.5536),
    (1.5360, 3.0720, 1.2288, 2.0480, 4.0960, 1.6384, 4.1943),
    (1.2288, 2.4576, 0.9830, 1.6384, 3.2768, 1.3107, 2.6844),
    (0.9830, 1.9660, 0.7864, 1.3107, 2.6214, 1.0486, 1.7179),
    (0.7864, 1.5728, 0.6291, 1.0486, 2.0972, 0.8389, 1.0995),
    (0.6291, 1.2582, 0.5033, 0.8389, 1.6778, 0.6711, 0.7140),
    (0.5033, 1.0066, 0.4027, 0.6711, 1.3422, 0.5369, 0.3579),
    (0.4027, 0.8054, 0.3222, 0.5369, 1.0738, 0.4295, 0.2294),
)
# A printed value further than this from the exact one is a mistake, not
# the last digit of a rounded number carried along.
ROUNDING_SLACK = 2.5e-4


def bowl(x: float, y: float) -> float:
    """f(x, y) = x² + y²."""
    return x * x + y * y


def bowl_gradient(x: float, y: float) -> tuple[float, float]:
    """∇f = (∂f/∂x, ∂f/∂y) = (2x, 2y)."""
    return 2.0 * x, 2.0 * y


def closed_form(k: int, start: tuple[float, float] = START, lr: float = LEARNING_RATE):
    """(x_k, y_k) = start·(1 − 2η)ᵏ: each step multiplies by the same factor."""
    factor = (1.0 - 2.0 * lr) ** k
    return start[0] * factor, start[1] * factor


@dataclass(frozen=True)
class BowlRow:
    """One row of the tutorial's table; ``f`` is f(x_new, y_new), as printed."""

    step: int
    x_old: float
    grad_x: float
    x_new: float
    y_old: float
    grad_y: float
    y_new: float
    f: float

    def value(self, column: str) -> float:
        return float(getattr(self, column))


@dataclass(frozen=True)
class TableDifference:
    """A cell where the printed table and the exact computation disagree at 4 decimals."""

    step: int
    column: str
    printed: float
    correct: float

    @property
    def serious(self) -> bool:
        """True for a wrong number; False for a last-digit rounding difference."""
        return abs(self.printed - self.correct) > ROUNDING_SLACK


class BowlLesson:
    """Gradient descent on x² + y², one table row per :meth:`step`."""

    def __init__(self, start: tuple[float, float] = START, lr: float = LEARNING_RATE) -> None:
        self.start = (float(start[0]), float(start[1]))
        self.lr = float(lr)
        self.rows: list[BowlRow] = []

    @property
    def steps(self) -> int:
        return len(self.rows)

    @property
    def point(self) -> tuple[float, float]:
        if not self.rows:
            return self.start
        r = self.rows[-1]
        return r.x_new, r.y_new

    def f(self) -> float:
        return bowl(*self.point)

    def gradient(self) -> tuple[float, float]:
        return bowl_gradient(*self.point)

    def step(self) -> BowlRow:
        """x_new = x_old − η·2x_old (and y); appends and returns the new row."""
        x, y = self.point
        gx, gy = bowl_gradient(x, y)
        xn, yn = x - self.lr * gx, y - self.lr * gy
        row = BowlRow(self.steps + 1, x, gx, xn, y, gy, yn, bowl(xn, yn))
        self.rows.append(row)
        return row

    def back(self) -> bool:
        if not self.rows:
            return False
        self.rows.pop()
        return True

    def reset(self) -> None:
        self.rows.clear()

    def set_lr(self, lr: float) -> None:
        """A new η restarts the table (its rows all use one η, like the text's)."""
        self.lr = float(lr)
        self.rows.clear()

    @property
    def factor(self) -> float:
        """1 − 2η, what every step multiplies x and y by."""
        return 1.0 - 2.0 * self.lr

    def path(self) -> np.ndarray:
        """(steps + 1, 2): the start and every point reached."""
        pts = [self.start, *((r.x_new, r.y_new) for r in self.rows)]
        return np.asarray(pts, dtype=float)

    def is_tutorials_setup(self) -> bool:
        """True when start and η are the text's, so its printed table applies."""
        return self.start == START and abs(self.lr - LEARNING_RATE) < 1e-12

    def differences(self) -> list[TableDifference]:
        """Cells of the rows so far that differ from the printed table (4 decimals)."""
        if not self.is_tutorials_setup():
            return []
        return printed_differences(self.rows)


def printed_differences(rows: list[BowlRow]) -> list[TableDifference]:
    """Compare computed rows (steps 1–10 of the text's setup) with :data:`PRINTED_TABLE`."""
    out = []
    for row in rows:
        if not 1 <= row.step <= len(PRINTED_TABLE):
            continue
        printed = PRINTED_TABLE[row.step - 1]
        for column, p in zip(COLUMNS, printed):
            correct = row.value(column)
            if round(correct, 4) != p:
                out.append(TableDifference(row.step, column, p, correct))
    return out


def serious_differences(rows: list[BowlRow]) -> list[TableDifference]:
    """Only the printed numbers that are actually wrong (the three f values)."""
    return [d for d in printed_differences(rows) if d.serious]
