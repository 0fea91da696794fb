"""The status bar's live figures: epoch, losses, accuracy or R², speed, run progress.

Every figure names what it shows: which rows (train or test) and which loss;
the test figures appear only when the data has a test split.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar

from mlpviz.engine.losses import LOSSES
from mlpviz.ui.style.numbers import format_number
from mlpviz.ui.training.snapshot import Snapshot
from mlpviz.ui.widgets.steady import set_steady_text

# Seconds over which the shown speed is averaged: steady enough to read,
# quick enough to follow a change of settings.
SPEED_SECONDS = 1.0


def metric_text(rows: str, name: str, value: float | None) -> str:
    """E.g. "Train accuracy 97.5%", "Test R² 0.812", "Test accuracy —"."""
    label = f"{rows} {'accuracy' if name == 'accuracy' else name}"
    if value is None:
        return f"{label} —"
    if name == "accuracy":
        return f"{label} {value:.1%}"
    return f"{label} {format_number(value, style='fixed')}"


class TrainingStatus:
    """Permanent widgets on a QStatusBar, updated from snapshots."""

    def __init__(self, bar: QStatusBar, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._last: tuple[float, int, int] | None = None  # time, epoch, steps of a running snapshot
        self._rates = (0.0, 0.0)  # epochs/s, steps/s, averaged
        self.speed = QLabel()
        self.epoch = QLabel()
        self.loss = QLabel()
        self.test = QLabel()
        self.metric = QLabel()
        self.test_metric = QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.test_metric.hide()
        for w, tip in (
            (self.speed, "Training speed while running, over the last second"),
            (self.epoch, "Completed epochs · rows used in the current epoch"),
            (self.loss, "Training loss: mean over the training rows"),
            (self.test, "Loss on the held-out test rows"),
            (self.metric, "Accuracy (classification) or R² (regression) on the training rows"),
            (self.test_metric, "Accuracy (classification) or R² (regression) on the test rows"),
        ):
            w.setToolTip(tip)
            w.setMinimumWidth(110)
            bar.addPermanentWidget(w)
        bar.addPermanentWidget(self.progress)

    def update(self, snap: Snapshot) -> None:
        row = f" · row {snap.position}/{snap.n_rows}" if snap.position else ""
        set_steady_text(self.epoch, f"Epoch {snap.epoch}{row}")
        set_steady_text(
            self.loss, f"Train loss {format_number(snap.train_loss, digits=6, style='significant')}"
        )
        set_steady_text(
            self.test, f"Test loss {format_number(snap.test_loss, digits=6, style='significant')}"
        )
        loss = LOSSES[snap.loss_name].label if snap.loss_name in LOSSES else snap.loss_name
        rule = "½Σ(y − z)²" if snap.loss_name == "mse" else loss
        self.loss.setToolTip(f"Training loss ({loss}): mean over the training rows of {rule}")
        self.test.setToolTip(f"Test loss ({loss}): mean over the held-out test rows of {rule}")
        has_test = snap.test_loss is not None
        self.test.setVisible(has_test)
        self.test_metric.setVisible(has_test)
        set_steady_text(self.metric, metric_text("Train", snap.metric_name, snap.metric))
        set_steady_text(self.test_metric, metric_text("Test", snap.metric_name, snap.test_metric))

        self._update_speed(snap)

    def _update_speed(self, snap: Snapshot) -> None:
        now = self._clock()
        if not snap.running:
            self._last, self._rates = None, (0.0, 0.0)
            set_steady_text(self.speed, "")
            return
        if self._last is not None and now > self._last[0]:
            t0, e0, s0 = self._last
            dt = now - t0
            new = ((snap.epoch - e0) / dt, (snap.steps - s0) / dt)
            # An average over about SPEED_SECONDS, whatever the frame rate.
            k = min(1.0, dt / SPEED_SECONDS) if any(self._rates) else 1.0
            self._rates = tuple(r + k * (n - r) for r, n in zip(self._rates, new))
            epochs, steps = self._rates
            # Big data trains less than an epoch a second: count steps then.
            rate, unit = (epochs, "epochs/s") if epochs >= 10 else (steps, "steps/s")
            text = f"{format_number(rate, digits=0, style='fixed', thousands=True)} {unit}"
            set_steady_text(self.speed, text)
        self._last = (now, snap.epoch, snap.steps)

    def show_progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"{done} / {total} epochs")
        self.progress.setVisible(done < total)
