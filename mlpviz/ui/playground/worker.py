"""The optimizer playground's worker: races and contour grids off the GUI thread.

Like the training worker (:mod:`mlpviz.ui.training.worker`), a
:class:`~mlpviz.ui.training.command_worker.CommandWorker`: one step is one race
step, Run plays the race, Reset starts it over. Results leave as
immutable objects (a :class:`~mlpviz.playground.race.RaceSnapshot`, a
:class:`ContourGrid`), at most ~30 race updates a second however fast the
race runs. Nothing here touches a widget.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import Signal

from mlpviz.playground.race import Race, RacerSpec
from mlpviz.playground.testfunctions import TestFunction
from mlpviz.ui.training.command_worker import CommandWorker, Run, Step
from mlpviz.ui.widgets.contour import contour_segments, iso_levels
from mlpviz.ui.widgets.heatmap import finite_range

SNAPSHOT_INTERVAL = 1 / 30  # seconds between race updates while running
MAX_STEPS = 10_000  # a race pauses here: paths stay drawable, memory bounded
GRID_SIZE = 161
ISO_LINES = 14


# -- the playground's own command (the base's Run, Pause, Step, Reset, Speed and Quit too) --


@dataclass(frozen=True)
class Configure:
    """Any of: a new function (recomputes the contour), start point, racers, tolerance.

    Every change restarts the race from the start point; a playing race keeps playing.
    """

    function: TestFunction | None = None
    start: tuple[float, float] | None = None
    racers: tuple[RacerSpec, ...] | None = None
    tol: float | None = None


# -- the contour grid -----------------------------------------------------------------------


@dataclass(frozen=True)
class ContourGrid:
    """A function sampled over its box, ready to colour: ``shown`` is what the
    colours encode (log₁₀ of the height above the lowest sample when ``log``)."""

    function_key: str
    formula: str
    xs: np.ndarray
    ys: np.ndarray
    values: np.ndarray  # values[i, j] = f(xs[i], ys[j])
    shown: np.ndarray
    levels: tuple[float, float]
    log: bool
    offset: float  # shown = log10(max(values − offset, floor)) when log
    contour_x: np.ndarray
    contour_y: np.ndarray
    grad_scale: float  # a typical |∇f| over the box, to size the arrows


def _log_worthy(values: np.ndarray) -> bool:
    """Do most samples crowd into the bottom of the range (Rosenbrock-like)?

    Then a linear colour scale would paint nearly the whole box one colour.
    """
    finite = values[np.isfinite(values)]
    if finite.size < 4:
        return False
    lo, hi = float(finite.min()), float(finite.max())
    return hi > lo and (float(np.median(finite)) - lo) < 0.1 * (hi - lo)


def contour_grid(function: TestFunction, size: int = GRID_SIZE) -> ContourGrid:
    """Sample ``function`` over its box and precompute colours, iso-lines and scales."""
    x0, x1, y0, y1 = function.box
    xs, ys = np.linspace(x0, x1, size), np.linspace(y0, y1, size)
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    with np.errstate(all="ignore"):
        values = np.asarray(function.f(gx, gy), dtype=float) * np.ones_like(gx)
        grad = np.hypot(*(np.asarray(g, dtype=float) for g in function.grad(gx, gy)))
    values[np.abs(values) > 1e300] = np.nan
    log = function.log_colour or _log_worthy(values)
    lo, hi = finite_range(values)
    offset = 0.0
    if log:
        # log₁₀ of the height above min(lowest sample, 0), floored six decades below
        # the top so an exact zero (a minimum on the grid) does not stretch the scale.
        # Functions that are ≥ 0 (all the built-in ones) keep offset 0: the colour
        # bar's labels are then exactly f.
        offset = min(lo, 0.0)
        floor = max(hi - offset, 1e-300) * 1e-6
        with np.errstate(all="ignore"):
            shown = np.log10(np.maximum(values - offset, floor))
    else:
        shown = values.copy()
    levels = finite_range(shown)
    cx, cy = contour_segments(shown, iso_levels(*levels, ISO_LINES), xs, ys)
    finite_grad = grad[np.isfinite(grad)]
    scale = float(np.median(finite_grad)) if finite_grad.size else 1.0
    for a in (xs, ys, values, shown, cx, cy):
        a.flags.writeable = False
    return ContourGrid(
        function.key,
        function.formula,
        xs,
        ys,
        values,
        shown,
        levels,
        log,
        offset,
        cx,
        cy,
        scale if math.isfinite(scale) and scale > 0 else 1.0,
    )


# -- the worker ---------------------------------------------------------------------------


class PlaygroundWorker(CommandWorker):
    """Owns the race; talk to it only through :meth:`post`."""

    NAME = "playground worker"

    raceUpdated = Signal(object)  # RaceSnapshot
    gridReady = Signal(object)  # ContourGrid
    stopped = Signal(str)  # why a playing race paused by itself

    def __init__(self) -> None:
        super().__init__(speed=20.0)
        self._function: TestFunction | None = None
        self._start: tuple[float, float] = (0.0, 0.0)
        self._specs: tuple[RacerSpec, ...] = ()
        self._tol = 1e-3
        self._race: Race | None = None
        self._last_sent = 0.0

    def _command(self, c: object) -> None:
        try:
            self._dispatch(c)
        except ValueError as e:  # e.g. an optimizer option it does not have
            self.failed.emit(str(e))

    def _position(self) -> int:
        return self._race.steps if self._race is not None else 0

    def _start_running(self, c: Run) -> None:
        race = self._race
        if race is not None and (not race.running or race.steps >= MAX_STEPS):
            self._rebuild()  # a finished race replays from the start
        super()._start_running(c)

    def _paused(self) -> None:
        self._send(force=True)

    def _step(self, c: Step) -> None:
        if self._race is not None:
            self._race.step(c.n)
        self._send(force=True)

    def _reset(self) -> None:
        self._rebuild()

    def _apply(self, c: object) -> None:
        if isinstance(c, Configure):
            self._configure(c)
        else:
            super()._apply(c)

    def _configure(self, c: Configure) -> None:
        if c.tol is not None:
            self._tol = float(c.tol)
        if c.function is None and c.start is None and c.racers is None:
            self._send(force=True)  # only the tolerance: the table changes, the race goes on
            return
        function = c.function or self._function
        start = c.start if c.start is not None else self._start
        specs = c.racers if c.racers is not None else self._specs
        if function is None:
            return
        race = Race(function, start, specs)  # build first: a bad spec changes nothing
        if c.function is not None:
            self.gridReady.emit(contour_grid(function))
        self._function, self._start, self._specs, self._race = function, race.start, specs, race
        self._restart_pacing()
        self._send(force=True)

    def _rebuild(self) -> None:
        if self._function is not None:
            self._race = Race(self._function, self._start, self._specs)
            self._restart_pacing()
        self._send(force=True)

    def _advance(self) -> None:
        race = self._race
        if race is None:
            return
        if self._speed is None:
            start = time.perf_counter()
            race.step(min(self._chunk, MAX_STEPS - race.steps))
            self._adapt_chunk(time.perf_counter() - start)
        else:
            race.step(max(1, min(self._steps_due(), MAX_STEPS - race.steps, 1000)))
        reason = None
        if not race.racers:
            reason = "No racer is selected: tick at least one in the list of racers."
        elif not race.running:
            reason = f"All racers have finished (step {race.steps})."
        elif race.steps >= MAX_STEPS:
            reason = f"Paused at the step limit ({MAX_STEPS:,} steps)."
        if reason:
            self._stop_running()
            self.stopped.emit(reason)
        self._send(force=reason is not None)

    def _send(self, force: bool = False) -> None:
        now = time.perf_counter()
        if self._race is None or (not force and now - self._last_sent < SNAPSHOT_INTERVAL):
            return
        self._last_sent = now
        self.raceUpdated.emit(self._race.snapshot(self._tol))
