"""The training controls: actions with shortcuts, the toolbar, the speed slider."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QSlider, QSpinBox, QStyle, QToolBar, QWidget

if TYPE_CHECKING:
    from mlpviz.ui.training.session import Session

# Epochs per second for each slider notch; None is "as fast as possible".
SPEEDS: list[float | None] = [0.5, 1, 2, 5, 10, 30, 100, 300, 1000, None]


def speed_text(speed: float | None) -> str:
    if speed is None:
        return "max"
    return f"{speed:g} ep/s"


class TrainingControls(QObject):
    """Owns the training actions; the main window wires them to the session."""

    speedChanged = Signal(object)  # float | None

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        style = parent.style()

        def action(text: str, shortcut: str, tip: str, icon=None) -> QAction:
            a = QAction(text, parent)
            a.setShortcut(QKeySequence(shortcut))
            a.setToolTip(
                f"{tip} ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})"
            )
            a.setStatusTip(tip)
            if icon is not None:
                a.setIcon(style.standardIcon(icon))
            return a

        P = QStyle.StandardPixmap
        self.step_sample = action(
            "Step sample",
            "F6",
            "Forward, backward and update on the next row",
            P.SP_MediaSeekForward,
        )
        self.step_batch = action(
            "Step batch", "F7", "One update on the next batch of rows", P.SP_MediaSkipForward
        )
        self.step_epoch = action("Step epoch", "F8", "Finish the current epoch", P.SP_ArrowForward)
        self.run = action(
            "Run", "F5", "Train until paused or a stop condition holds", P.SP_MediaPlay
        )
        self.run.setCheckable(True)
        self.run_n = action(
            "Run N epochs",
            "Ctrl+F5",
            "Train the number of epochs set beside it",
            P.SP_MediaSkipForward,
        )
        self.reset = action(
            "Reset",
            "Ctrl+R",
            "Re-initialize the weights (reproducibly, from the seed)",
            P.SP_BrowserReload,
        )
        self.faster = action("Faster", "Ctrl+]", "Train faster")
        self.slower = action("Slower", "Ctrl+[", "Train slower, to watch")
        self.epochs = QSpinBox()
        self.epochs.setRange(1, 10_000_000)
        self.epochs.setValue(100)
        self.epochs.setSuffix(" epochs")
        self.epochs.setToolTip("Epochs for Run N epochs")
        self.speed = QSlider(Qt.Orientation.Horizontal)
        self.speed.setRange(0, len(SPEEDS) - 1)
        self.speed.setValue(len(SPEEDS) - 1)
        self.speed.setFixedWidth(110)
        self.speed.setToolTip("Training speed: slow it down to watch each epoch")
        self.speed_label = QLabel(speed_text(None))
        self.speed_label.setMinimumWidth(64)
        self.speed.valueChanged.connect(self._speed_moved)
        self.faster.triggered.connect(lambda: self.speed.setValue(self.speed.value() + 1))
        self.slower.triggered.connect(lambda: self.speed.setValue(self.speed.value() - 1))

    def drive(
        self,
        session: Session,
        before_training: Callable[[], object],
        before_run: Callable[[], object],
        before_reset: Callable[[], object],
    ) -> None:
        """Wire the actions and the speed to ``session``, and its run state back.

        ``before_training`` runs before every step or run (settings still waiting
        in the panel's debounce go first); a true result refuses that step or
        run (the network the panel shows cannot be trained). ``before_run`` runs
        when Run starts a run (not when it pauses one); ``before_reset`` before
        the weights are reset.
        """
        self.step_sample.triggered.connect(lambda: before_training() or session.step("sample"))
        self.step_batch.triggered.connect(lambda: before_training() or session.step("batch"))
        self.step_epoch.triggered.connect(lambda: before_training() or session.step("epoch"))
        self.run_n.triggered.connect(lambda: before_training() or session.run(self.epochs.value()))

        def toggle_run() -> None:
            if session.running:
                session.pause()
            elif not before_training():
                before_run()
                session.run()
            else:
                self.set_running(False)  # refused: the checkable action unchecks

        self.run.triggered.connect(toggle_run)
        self.reset.triggered.connect(lambda: before_reset() or session.reset())
        self.speedChanged.connect(session.set_speed)
        session.runStateChanged.connect(self.set_running)

    @property
    def actions(self) -> list[QAction]:
        return [
            self.step_sample,
            self.step_batch,
            self.step_epoch,
            self.run,
            self.run_n,
            self.reset,
        ]

    def _speed_moved(self, notch: int) -> None:
        speed = SPEEDS[notch]
        self.speed_label.setText(speed_text(speed))
        self.speedChanged.emit(speed)

    def toolbar(self, parent: QWidget) -> QToolBar:
        bar = QToolBar("Training", parent)
        bar.setObjectName("training-toolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for a in (self.step_sample, self.step_batch, self.step_epoch):
            bar.addAction(a)
        bar.addSeparator()
        bar.addAction(self.run)
        bar.addAction(self.run_n)
        bar.addWidget(self.epochs)
        bar.addSeparator()
        bar.addWidget(QLabel(" Speed "))
        bar.addWidget(self.speed)
        bar.addWidget(self.speed_label)
        bar.addSeparator()
        bar.addAction(self.reset)
        return bar

    def set_running(self, running: bool) -> None:
        self.run.setChecked(running)
        self.run.setText("Pause" if running else "Run")
        icon = (
            QStyle.StandardPixmap.SP_MediaPause if running else QStyle.StandardPixmap.SP_MediaPlay
        )
        self.run.setIcon(self.parent().style().standardIcon(icon))
