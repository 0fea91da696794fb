"""The status bar's figures, the training speed among them (mlpviz/ui/shell/status.py)."""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import QStatusBar

from mlpviz.engine import MLP, Trainer
from mlpviz.ui.shell.status import TrainingStatus
from mlpviz.ui.training.measure import build_snapshot
from tests.ui.test_run_limits import X, Z


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_speed_is_shown_while_running_averaged_and_cleared_on_pause(qtbot):
    bar = QStatusBar()
    qtbot.addWidget(bar)
    clock = Clock()
    status = TrainingStatus(bar, clock=clock)
    base = build_snapshot(Trainer(MLP.tutorial(), X, Z))

    def frame(dt: float, epoch: int, running: bool = True) -> str:
        clock.now += dt
        status.update(dataclasses.replace(base, epoch=epoch, steps=4 * epoch, running=running))
        return status.speed.text()

    assert frame(0.0, 0) == ""  # one look is not a speed yet
    assert frame(0.04, 400) == "10,000 epochs/s"
    # Averaged over about a second: one slow frame moves it by its share.
    assert frame(0.04, 420) == "9,620 epochs/s"  # 10,000 + 0.04·(500 − 10,000)
    assert frame(0.0, 425) == "9,620 epochs/s"  # no time passed: nothing to measure
    assert frame(0.5, 425, running=False) == ""  # paused
    # Less than ten epochs a second (big data): steps a second instead.
    frame(0.0, 425)
    assert frame(1.0, 427) == "8 steps/s"
    assert status.epoch.text() == "Epoch 427"
