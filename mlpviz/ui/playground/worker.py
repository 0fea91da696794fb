"""The optimizer playground's worker: races and contour grids off the GUI thread.

Like the training worker (:mod:`mlpviz.ui.training.worker`), a QObject living in its
own QThread. Commands arrive on a thread-safe queue; results leave as
immutable objects (a :class:`~mlpviz.playground.race.RaceSnapshot`, a
:class:`ContourGrid`), at most ~30 race updates a second however fast the
race runs. Nothing here touches a widget.
"""

from __future__ import annotations

import math
import queue
import time
import traceback
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, Signal, Slot

from mlpviz.playground.race import Race, RacerSpec
from mlpviz.playground.testfunctions import TestFunction
from mlpviz.ui.widgets.contour import contour_segments, iso_levels
from mlpviz.ui.widgets.heatmap import finite_range

SNAPSHOT_INTERVAL = 1 / 30  # seconds between race updates while running
CHUNK_SECONDS = 0.010  # unpaced: race time between looks at the queue
MAX_STEPS = 10_000  # a race pauses here: paths stay drawable, memory bounded
GRID_SIZE = 161
ISO_LINES = 14


# -- commands (immutable, posted from the GUI thread) ------------------------------------


@dataclass(frozen=True)
class Configure:
    """Any of: a new function (recomputes the contour), start point, racers, tolerance.

    Every change restarts the race from the start point; a playing race keeps playing.
    """

    function: TestFunction | None = None
    start: tuple[float, float] | None = None
    racers: tuple[RacerSpec, ...] | None = None
    tol: float | None = None


@dataclass(frozen=True)
class Play:
    pass


@dataclass(frozen=True)
class Pause:
    pass


@dataclass(frozen=True)
class Step:
    n: int = 1


@dataclass(frozen=True)
class Reset:
    pass


@dataclass(frozen=True)
class Speed:
    steps_per_second: float | None  # None: as fast as possible


@dataclass(frozen=True)
class Quit:
    pass


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


class PlaygroundWorker(QObject):
    """Owns the race; talk to it only through :meth:`post`."""

    raceUpdated = Signal(object)  # RaceSnapshot
    gridReady = Signal(object)  # ContourGrid
    runStateChanged = Signal(bool)
    stopped = Signal(str)  # why a playing race paused by itself
    failed = Signal(str)  # a command could not be applied; the race is unchanged
    finished = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._function: TestFunction | None = None
        self._start: tuple[float, float] = (0.0, 0.0)
        self._specs: tuple[RacerSpec, ...] = ()
        self._tol = 1e-3
        self._race: Race | None = None
        self._running = False
        self._speed: float | None = 20.0
        self._paced_from = (0.0, 0)  # (time, race step) pacing counts from
        self._chunk = 1
        self._last_sent = 0.0

    def post(self, command: object) -> None:
        """Queue a command (thread-safe)."""
        self._queue.put(command)

    @Slot()
    def work(self) -> None:
        try:
            while True:
                try:
                    command = self._queue.get(timeout=self._wait())
                except queue.Empty:
                    command = None
                if isinstance(command, Quit):
                    break
                if command is not None:
                    self._apply_safely(command)
                    continue  # everything queued first, then race on
                if self._running and self._race is not None:
                    self._advance()
        except Exception:  # pragma: no cover - last resort, shown to the user
            self.failed.emit("The playground worker stopped:\n" + traceback.format_exc(limit=4))
        finally:
            self.finished.emit()

    def _wait(self) -> float | None:
        if not self._running:
            return None  # sleep until a command arrives
        if self._speed is None or self._race is None:
            return 0.0
        t0, s0 = self._paced_from
        due = t0 + (self._race.steps + 1 - s0) / self._speed
        return max(0.0, due - time.perf_counter())

    def _apply_safely(self, command: object) -> None:
        try:
            self._apply(command)
        except ValueError as e:  # e.g. an optimizer option it does not have
            self.failed.emit(str(e))

    def _apply(self, c: object) -> None:
        if isinstance(c, Configure):
            self._configure(c)
        elif isinstance(c, Play):
            race = self._race
            if race is not None and (not race.running or race.steps >= MAX_STEPS):
                self._rebuild()  # a finished race replays from the start
            self._set_running(True)
        elif isinstance(c, Pause):
            self._set_running(False)
            self._send(force=True)
        elif isinstance(c, Step):
            self._set_running(False)
            if self._race is not None:
                self._race.step(c.n)
            self._send(force=True)
        elif isinstance(c, Reset):
            self._set_running(False)
            self._rebuild()
        elif isinstance(c, Speed):
            self._speed = c.steps_per_second
            self._restart_pacing()

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

    def _set_running(self, running: bool) -> None:
        if running != self._running:
            self._running = running
            self._restart_pacing()
            self._chunk = 1
            self.runStateChanged.emit(running)

    def _restart_pacing(self) -> None:
        steps = self._race.steps if self._race is not None else 0
        self._paced_from = (time.perf_counter(), steps)

    def _advance(self) -> None:
        race = self._race
        assert race is not None
        if self._speed is None:
            start = time.perf_counter()
            race.step(min(self._chunk, MAX_STEPS - race.steps))
            took = time.perf_counter() - start
            # Grow or shrink the chunk so one takes about CHUNK_SECONDS.
            if took < CHUNK_SECONDS / 2:
                self._chunk = min(self._chunk * 2, 4096)
            elif took > CHUNK_SECONDS * 2 and self._chunk > 1:
                self._chunk //= 2
        else:
            t0, s0 = self._paced_from
            due = s0 + int((time.perf_counter() - t0) * self._speed) - race.steps
            race.step(max(1, min(due, MAX_STEPS - race.steps, 1000)))
        reason = None
        if not race.racers:
            reason = "No racer is selected: tick at least one in the list of racers."
        elif not race.running:
            reason = f"All racers have finished (step {race.steps})."
        elif race.steps >= MAX_STEPS:
            reason = f"Paused at the step limit ({MAX_STEPS:,} steps)."
        if reason:
            self._set_running(False)
            self.stopped.emit(reason)
        self._send(force=reason is not None)

    def _send(self, force: bool = False) -> None:
        now = time.perf_counter()
        if self._race is None or (not force and now - self._last_sent < SNAPSHOT_INTERVAL):
            return
        self._last_sent = now
        self.raceUpdated.emit(self._race.snapshot(self._tol))
