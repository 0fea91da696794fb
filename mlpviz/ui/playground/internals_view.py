"""One racer's next step drawn on the contour, sub-step by sub-step.

:class:`InternalsOverlay` draws a :class:`~mlpviz.playground.step_internals.StepInternals`
in the contour's own coordinates, at true scale (the arrows are the moves
they describe, in the units of the path):

1. **gradient** — −∇f from the racer's point;
2. **state** — what the optimizer keeps: momentum's carried velocity
   −β·v with −∇f added at its tip (their sum, times η, is momentum's step),
   Adam's first moment as −m̂, and for Adam, Adagrad and RMSProp an
   axis-aligned ellipse with semi-axes √(second moment) per coordinate — the
   step divides by it, so the arrow measured in ellipse radii, times η, is
   the step along each axis;
3. **step** — the update itself, from the point to where the racer lands.

Gradient-unit vectors are drawn times a scale k (:attr:`InternalsOverlay.scale`):
η for SGD, momentum and Nesterov, so the arrows are the moves themselves and
add up to the step; for the adaptive methods, whose step is not η·∇f, k
makes the largest of ∇f, m̂ and the ellipse ``reach`` long. The step is
always drawn at true size.

:attr:`InternalsOverlay.drawn` keeps every drawn vector by name, so what is
on screen can be checked against the optimizer's state.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from mlpviz.playground.step_internals import STAGES, StepInternals
from mlpviz.ui.playground.views import arrow_segments
from mlpviz.ui.style import theme

ELLIPSE_POINTS = 97
# Fixed colours, apart from the racers' own: the gradient red, the optimizer's
# state purple, the step black.
GRADIENT_COLOUR = QColor(192, 57, 43)
STATE_COLOUR = QColor(106, 61, 154)
STEP_COLOUR = QColor(20, 20, 20)


def ellipse_outline(centre, semi_axes) -> np.ndarray:
    """(ELLIPSE_POINTS, 2) closed outline of an axis-aligned ellipse."""
    t = np.linspace(0.0, 2.0 * math.pi, ELLIPSE_POINTS)
    a, b = (float(v) for v in semi_axes)
    return np.column_stack([centre[0] + a * np.cos(t), centre[1] + b * np.sin(t)])


def display_scale(i: StepInternals, reach: float) -> float:
    """k for ``i``'s gradient-unit vectors: η, or for adaptive methods the factor
    that makes the largest of |∇f|, |m̂| and the ellipse's axes ``reach`` long."""
    if i.second is None:
        return i.lr
    parts = [np.abs(i.gradient), i.second]
    if i.m_hat is not None:
        parts.append(np.abs(i.m_hat))
    values = np.concatenate(parts)
    values = values[np.isfinite(values)]
    biggest = float(values.max()) if values.size else 0.0
    return reach / biggest if biggest > 0 else 0.0


class InternalsOverlay:
    """The items on ``plot_item`` that show one racer's next step, up to a stage."""

    def __init__(self, plot_item: pg.PlotItem) -> None:
        self.plot_item = plot_item
        self.items: dict[str, pg.GraphicsObject] = {}
        for name, z in (
            ("ellipse", 9),
            ("gradient", 10),
            ("carried", 10),
            ("added", 10),
            ("moment", 10),
            ("step", 11),
        ):
            item = pg.PlotCurveItem(connect="all" if name == "ellipse" else "pairs", antialias=True)
            item.setZValue(z)
            plot_item.addItem(item, ignoreBounds=True)
            self.items[name] = item
        self.landing = pg.ScatterPlotItem(
            size=11, pen=pg.mkPen(STEP_COLOUR, width=1.5), brush=pg.mkBrush(255, 255, 255, 160)
        )
        self.landing.setZValue(11)
        plot_item.addItem(self.landing, ignoreBounds=True)
        self.labels: dict[str, pg.TextItem] = {}
        for name in ("gradient", "carried", "moment", "step", "ellipse"):
            label = pg.TextItem(color=theme.TEXT, anchor=(0, 1))
            label.setZValue(12)
            plot_item.addItem(label, ignoreBounds=True)
            self.labels[name] = label
        self.drawn: dict[str, np.ndarray] = {}
        self.stage = len(STAGES)
        self.scale = 1.0
        self.internals: StepInternals | None = None

    def clear(self) -> None:
        self.show(None, QColor(theme.TEXT))

    def show(
        self,
        internals: StepInternals | None,
        colour: QColor,
        stage: int | None = None,
        reach: float = 1.0,
    ) -> None:
        """Draw ``internals`` up to ``stage`` (1 gradient, 2 state, 3 step; None: all)."""
        self.internals = internals
        self.stage = len(STAGES) if stage is None else int(stage)
        self.drawn = {}
        segments: dict[str, np.ndarray] = {}
        i = internals
        if i is not None:
            p = np.asarray(i.point)
            k = self.scale = display_scale(i, reach)
            size = float(np.hypot(*i.step)) + k * float(np.hypot(*i.gradient))
            head = min(0.18 * size, 0.04 * reach) if math.isfinite(size) and size > 0 else 0.0
            gradient = -k * i.gradient
            self._vector(segments, "gradient", p, gradient, head, stage=1)
            if self.stage >= 2:
                if i.velocity_before is not None:
                    carried = -k * i.beta * i.velocity_before
                    self._vector(segments, "carried", p, carried, head, stage=2)
                    self._vector(segments, "added", p + carried, gradient, head, stage=2)
                if i.m_hat is not None:
                    self._vector(segments, "moment", p, -k * i.m_hat, head, stage=2)
                if i.second is not None and np.all(np.isfinite(i.second)):
                    axes = k * i.second
                    self.drawn["ellipse"] = axes
                    segments["ellipse"] = ellipse_outline(p, axes)
            if self.stage >= 3:
                self._vector(segments, "step", p, np.asarray(i.step), head, stage=3)
                self.drawn["next_point"] = np.asarray(i.next_point)
        self._paint(segments, colour)

    def _vector(self, segments, name: str, origin, vector, head: float, stage: int) -> None:
        if self.stage < stage:
            return
        vector = np.asarray(vector, dtype=float)
        self.drawn[name] = vector
        length = float(np.hypot(*vector))
        segments[name] = arrow_segments(origin, vector, length, head)

    def _paint(self, segments: dict[str, np.ndarray], colour: QColor) -> None:
        dash = Qt.PenStyle.DashLine
        pens = {
            "gradient": pg.mkPen(GRADIENT_COLOUR, width=2.5),
            "carried": pg.mkPen(STATE_COLOUR, width=2.5),
            "added": pg.mkPen(GRADIENT_COLOUR, width=1.5, style=dash),
            "moment": pg.mkPen(STATE_COLOUR, width=2.5),
            "ellipse": pg.mkPen(STATE_COLOUR, width=1.8, style=dash),
            "step": pg.mkPen(STEP_COLOUR, width=3),
        }
        colours = {"gradient": GRADIENT_COLOUR, "step": STEP_COLOUR}
        for name, item in self.items.items():
            seg = segments.get(name, np.empty((0, 2)))
            item.setPen(pens[name])
            item.setData(seg[:, 0], seg[:, 1])
        landing = self.drawn.get("next_point")
        # Where the racer lands: a ring in its own colour.
        ring = pg.mkBrush(colour.red(), colour.green(), colour.blue(), 140)
        self.landing.setData(pos=[] if landing is None else [tuple(landing)], brush=ring)
        i = self.internals
        k = "η" if i is None or i.second is None else "k"
        second = {"adam": "√v̂", "adagrad": "√G", "rmsprop": "√E[∇f²]"}
        texts = {
            "gradient": f"−{k}∇f",
            "carried": f"−{k}βv",
            "moment": f"−{k}m̂",
            "step": "Δ",
            "ellipse": k + second.get(i.optimizer if i else "", ""),
        }
        for name, label in self.labels.items():
            seg = segments.get(name)
            if seg is None or len(seg) == 0:
                label.setText("")
                continue
            # Arrows: at the tip; the ellipse: at its top.
            where = seg[1] if name != "ellipse" else seg[ELLIPSE_POINTS // 4]
            label.setText(texts[name], color=colours.get(name, STATE_COLOUR))
            label.setPos(float(where[0]), float(where[1]))
