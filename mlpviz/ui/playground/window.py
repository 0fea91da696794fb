"""The optimizer playground: optimizers race on a 2-D function you can see.

Pick a test function (or type one), click the contour to choose the start,
and watch SGD, momentum, Adam and friends — and the tutorial's trial and
error — find their way down, with the −∇f and momentum arrows at each
racer and a table of what each one paid to get within the tolerance.
"Inside the step" draws one racer's next step piece by piece (the Sub-step
button reveals gradient, optimizer state and step in turn), and the "Why
momentum works" tab runs momentum on a quadratic under two sliders.

The race and the contour grid are computed by a :class:`PlaygroundWorker` in
its own thread; this module only draws what it sends.

This module holds the window; what it draws is in
:mod:`~mlpviz.ui.playground.views` and
:mod:`~mlpviz.ui.playground.internals_view`, the racers' panel in
:mod:`~mlpviz.ui.playground.racers`, the results in
:mod:`~mlpviz.ui.playground.results_panel`, the side boxes in
:mod:`~mlpviz.ui.playground.show_panel` and
:mod:`~mlpviz.ui.playground.internals_panel`, the momentum tab in
:mod:`~mlpviz.ui.playground.momentum_view`, its controls in
:mod:`~mlpviz.ui.playground.toolbar`.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QMainWindow,
    QScrollArea,
    QSplitter,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mlpviz.playground.expr import ExpressionError
from mlpviz.playground.race import RaceSnapshot
from mlpviz.playground.step_internals import STAGES
from mlpviz.playground.testfunctions import FUNCTIONS, TestFunction, from_expression
from mlpviz.ui.playground.internals_panel import InternalsPanel
from mlpviz.ui.playground.internals_view import InternalsOverlay
from mlpviz.ui.playground.momentum_view import MomentumView
from mlpviz.ui.playground.racers import RacersPanel, default_racers
from mlpviz.ui.playground.results_panel import ResultsPanel
from mlpviz.ui.playground.show_panel import ShowPanel
from mlpviz.ui.playground.toolbar import SPEEDS, PlaygroundToolbar
from mlpviz.ui.playground.views import ARROW_FRACTION, ContourView, SurfaceView
from mlpviz.ui.playground.worker import Configure, ContourGrid, PlaygroundWorker
from mlpviz.ui.style import theme
from mlpviz.ui.style.numbers import format_number
from mlpviz.ui.style.plot_style import note_label
from mlpviz.ui.training.command_worker import (
    STOP_TIMEOUT_MS,
    Pause,
    Reset,
    Run,
    Speed,
    Step,
    WorkerThread,
)
from mlpviz.ui.widgets.window_fit import open_fitted

__all__ = ["PlaygroundWindow"]

PREFERRED_SIZE = QSize(1320, 860)  # on a screen with room for it; else 90 % of the screen

HELP = (
    "Click the contour to move the start; drag to pan, scroll to zoom, double-click to fit. "
    "Solid arrows point down the slope (−∇f), dotted ones where momentum carries a racer. "
    "Gradient methods pay one gradient evaluation per step; trial and error pays up to "
    "1 + 2 × 2 function evaluations per step and never sees a gradient."
)


class PlaygroundWindow(QMainWindow):
    """Race optimizers on a 2-D function. Closing the window stops its worker thread."""

    CUSTOM = PlaygroundToolbar.CUSTOM

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Optimizer playground — mlpviz")
        self.setObjectName("mlpviz-playground")
        open_fitted(self, PREFERRED_SIZE)
        self.function: TestFunction = FUNCTIONS["bowl"]
        self.start: tuple[float, float] = self.function.start
        self.latest: RaceSnapshot | None = None
        self.grid: ContourGrid | None = None
        self.running = False
        # Which sub-step of the inspected racer's next step is drawn (1…3; None: all).
        self.substage: int | None = None
        self.inspected = ""

        self._build_toolbar()
        self.contour = ContourView()
        self.contour.startPicked.connect(self.set_start)
        self.surface = SurfaceView()
        self.tabs = QTabWidget()
        self.tabs.addTab(self.contour, "Contour")
        self.tabs.addTab(self.surface, "3-D")
        self.momentum_view = MomentumView()
        self.tabs.addTab(self.momentum_view, "Why momentum works")
        tip = "The function as a surface." if self.surface.available else self.surface.hint.text()
        self.tabs.setTabToolTip(1, tip)
        self.tabs.currentChanged.connect(lambda _i: self._redraw())

        self.racers_panel = RacersPanel(default_racers(self.function))
        self.racers_panel.changed.connect(self._racers_changed)
        show = ShowPanel()
        show.toggled.connect(self._toggle_overlay)
        show.suggest.connect(self._suggest_rates)
        self.inside = InternalsPanel()
        self.inside.chosen.connect(self._inspect)
        self.overlay = InternalsOverlay(self.contour.plot_item)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(6, 0, 0, 0)
        side_layout.addWidget(self.racers_panel)
        side_layout.addWidget(show)
        side_layout.addWidget(note_label(HELP))
        side_layout.addStretch(1)
        side.setMinimumWidth(300)
        side_scroll = QScrollArea()
        side_scroll.setWidget(side)
        side_scroll.setWidgetResizable(True)
        side_scroll.setFrameShape(QFrame.Shape.NoFrame)

        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.tabs)
        top.addWidget(side_scroll)
        top.setStretchFactor(0, 1)
        top.setStretchFactor(1, 0)
        top.setSizes([1000, 330])

        results = ResultsPanel()
        results.toleranceChanged.connect(lambda tol: self.worker.post(Configure(tol=tol)))
        self.results = results
        self.table, self.tolerance, self.step_label = (
            results.table,
            results.tolerance,
            results.step_label,
        )

        body = QSplitter(Qt.Orientation.Vertical)
        body.addWidget(top)
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(results)
        bottom.addWidget(self.inside)
        bottom.setStretchFactor(0, 1)
        bottom.setSizes([760, 560])
        body.addWidget(bottom)
        body.setStretchFactor(0, 3)
        body.setStretchFactor(1, 1)
        body.setSizes([600, 230])

        self.error = QLabel("")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c0392b; padding: 2px 4px;")
        self.error.hide()
        self.description = note_label(self.function.description)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 4, 8, 6)
        layout.setSpacing(4)
        layout.addWidget(self.error)
        layout.addWidget(self.description)
        layout.addWidget(body, 1)
        self.setCentralWidget(central)

        self._start_worker()
        self._configure(function=self.function, start=self.start)

    # -- building -------------------------------------------------------------------------

    def _build_toolbar(self) -> None:
        bar = PlaygroundToolbar(self)
        self.addToolBar(bar)
        self.chooser, self.custom, self.custom_action = bar.chooser, bar.custom, bar.custom_action
        self.play_action, self.speed, self.speed_label = bar.play_action, bar.speed, bar.speed_label
        self.chooser.currentIndexChanged.connect(self._chosen)
        self.custom.returnPressed.connect(self.apply_custom)
        self.play_action.triggered.connect(self.toggle_play)
        bar.step_action.triggered.connect(lambda: self.step())
        bar.substep_action.triggered.connect(self.substep)
        bar.reset_action.triggered.connect(self.reset)
        self.speed.valueChanged.connect(self._speed_changed)
        self._speed_changed(self.speed.value(), post=False)

    def _start_worker(self) -> None:
        self.worker = PlaygroundWorker()
        # Stops the worker on aboutToQuit too: a window may never be closed.
        self._worker_thread = WorkerThread(self.worker, "mlpviz-playground", self)
        self._thread = self._worker_thread.qthread
        # Queued explicitly, and to bound methods only: PySide calls a lambda in the
        # emitting (worker) thread, where touching a widget is undefined behaviour.
        queued = Qt.ConnectionType.QueuedConnection
        self.worker.raceUpdated.connect(self._race_updated, queued)
        self.worker.gridReady.connect(self._grid_ready, queued)
        self.worker.runStateChanged.connect(self._run_state, queued)
        self.worker.stopped.connect(self._message, queued)
        self.worker.failed.connect(self._message, queued)
        self.worker.post(Speed(SPEEDS[self.speed.value()]))
        self._worker_thread.start()

    # -- commands -------------------------------------------------------------------------

    def play(self) -> None:
        self.substage = None
        self.worker.post(Run())

    def pause(self) -> None:
        self.worker.post(Pause())

    def toggle_play(self) -> None:
        self.pause() if self.running else self.play()

    def step(self, n: int = 1) -> None:
        """``n`` steps for every running racer, then pause."""
        self.substage = None
        self.worker.post(Step(n=int(n)))

    def substep(self) -> None:
        """Reveal the inspected racer's next step one piece at a time; after the
        last piece, take the step (every racer moves, as with Step)."""
        if self.running:
            self.pause()
        if self.substage == len(STAGES):
            self.worker.post(Step(n=1))
            self.substage = 1  # the next snapshot is drawn from its gradient
            return
        self.substage = 1 if self.substage is None else self.substage + 1
        self._redraw()

    def reset(self) -> None:
        self.substage = None
        self.worker.post(Reset())

    def set_speed(self, steps_per_second: float | None) -> None:
        """Choose the nearest speed on the slider (None: as fast as possible)."""
        if steps_per_second is None:
            self.speed.setValue(len(SPEEDS) - 1)
        else:
            finite = [s for s in SPEEDS if s is not None]
            self.speed.setValue(
                int(np.argmin([abs(math.log(s / steps_per_second)) for s in finite]))
            )

    def set_start(self, x: float, y: float) -> None:
        self.start = (float(x), float(y))
        self._configure(start=self.start)
        x_text, y_text = (format_number(v, style="significant") for v in (x, y))
        self.statusBar().showMessage(f"Start moved to ({x_text}, {y_text}).", 4000)

    def set_function(self, key: str) -> None:
        """Select a built-in function by key, or "custom" to type one."""
        self.chooser.setCurrentIndex(self.chooser.findData(key))

    def apply_custom(self, text: str | None = None) -> bool:
        """Use the typed function; on an error, show it and keep the current function."""
        if text is not None:
            self.custom.setText(text)
        try:
            function = from_expression(self.custom.text())
        except ExpressionError as e:
            self.error.setText(f"Cannot use this function: {e}")
            self.error.show()
            self.custom.setStyleSheet("border: 1px solid #c0392b;")
            return False
        self.error.hide()
        self.custom.setStyleSheet("")
        self._use_function(function)
        return True

    def shutdown(self, timeout_ms: int = STOP_TIMEOUT_MS) -> bool:
        """Stop the worker thread; True if it ended within the timeout."""
        return self._worker_thread.stop(timeout_ms)

    # -- reacting -------------------------------------------------------------------------

    def _configure(self, **changes) -> None:
        self.substage = None
        self.worker.post(Configure(racers=self.racers_panel.specs(), tol=self._tol(), **changes))

    def _use_function(self, function: TestFunction) -> None:
        self.function = function
        self.start = function.start
        if function.learning_rates:
            self.racers_panel.apply_learning_rates(function.learning_rates)
        self.description.setText(function.description)
        self._configure(function=function, start=self.start)

    def _chosen(self, index: int) -> None:
        key = self.chooser.itemData(index)
        custom = key == self.CUSTOM
        self.custom_action.setVisible(custom)
        if custom:
            self.custom.setFocus()
            self.description.setText(
                "Type a function of x and y and press Enter; its gradient "
                "is worked out symbolically."
            )
            return
        self.error.hide()
        self._use_function(FUNCTIONS[key])

    def _racers_changed(self) -> None:
        self._configure()

    def _suggest_rates(self) -> None:
        if self.function.learning_rates:
            self.racers_panel.apply_learning_rates(self.function.learning_rates)
            self._configure()
        else:
            self.statusBar().showMessage("No suggestions for a custom function.", 4000)

    def _tol(self) -> float:
        return self.results.tol()

    def _speed_changed(self, index: int, post: bool = True) -> None:
        speed = SPEEDS[index]
        self.speed_label.setText(" max" if speed is None else f" {speed:g} steps/s")
        if post:
            self.worker.post(Speed(speed))

    def _toggle_overlay(self, attr: str, on: bool) -> None:
        setattr(self.contour, attr, on)
        self._redraw()

    def _inspect(self, name: str) -> None:
        self.inspected = name
        self._redraw()

    def _draw_internals(self, snap: RaceSnapshot, colours) -> None:
        racer = next((r for r in snap.racers if r.name == self.inspected), None)
        internals = None if racer is None else racer.internals
        colour = colours.get(self.inspected, QColor(theme.TEXT))
        reach = ARROW_FRACTION * self.contour.diagonal()
        self.overlay.show(internals, colour, self.substage, reach)
        note = f"{racer.name}: {racer.note or racer.status}." if racer is not None else ""
        self.inside.show_internals(internals, self.substage, note, self.overlay.scale)

    def _message(self, text: str) -> None:
        self.statusBar().showMessage(text, 10000)

    def _run_state(self, running: bool) -> None:
        self.running = running
        icon = (
            QStyle.StandardPixmap.SP_MediaPause if running else QStyle.StandardPixmap.SP_MediaPlay
        )
        self.play_action.setIcon(self.style().standardIcon(icon))
        self.play_action.setText("Pause" if running else "Play")

    def _grid_ready(self, grid: ContourGrid) -> None:
        self.grid = grid
        self.contour.set_grid(grid, self.function)
        self.surface.set_grid(grid)

    def _race_updated(self, snap: RaceSnapshot) -> None:
        self.latest = snap
        self._redraw()

    def _redraw(self) -> None:
        snap = self.latest
        if snap is None:
            return
        colours = self.racers_panel.colours()
        self.contour.set_race(snap, colours, self.inspected)
        self.surface.set_race(snap, colours)
        self.results.show_race(snap, colours)
        self.inside.set_racers(snap)
        self._draw_internals(snap, colours)

    def showEvent(self, event) -> None:
        # Closing stops the worker; a window shown again gets a fresh one, so the
        # owner can keep one instance and just show() it.
        if not self._worker_thread.is_running():
            self._start_worker()
            self.running = False
            self._run_state(False)
            self._configure(function=self.function, start=self.start)
        super().showEvent(event)

    def closeEvent(self, event) -> None:
        self.shutdown()
        self.contour.close()  # stops its hover-readout timer
        super().closeEvent(event)
