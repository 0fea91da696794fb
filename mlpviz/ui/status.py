"""The status bar's live figures: epoch, losses, accuracy or R², run progress."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar

from .snapshot import Snapshot
from .steady import set_steady_text


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.6g}"


class TrainingStatus:
    """Permanent widgets on a QStatusBar, updated from snapshots."""

    def __init__(self, bar: QStatusBar) -> None:
        self.epoch = QLabel()
        self.loss = QLabel()
        self.test = QLabel()
        self.metric = QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.progress.setTextVisible(True)
        self.progress.hide()
        for w, tip in (
            (self.epoch, "Completed epochs · rows used in the current epoch"),
            (self.loss, "Training loss: mean over rows of ½Σ(y − z)² after the last epoch"),
            (self.test, "Loss on the held-out test rows"),
            (self.metric, "Accuracy (classification) or R² (regression) on the training rows"),
        ):
            w.setToolTip(tip)
            w.setMinimumWidth(110)
            bar.addPermanentWidget(w)
        bar.addPermanentWidget(self.progress)

    def update(self, snap: Snapshot) -> None:
        row = f" · row {snap.position}/{snap.n_rows}" if snap.position else ""
        set_steady_text(self.epoch, f"Epoch {snap.epoch}{row}")
        set_steady_text(self.loss, f"Train loss {_fmt(snap.train_loss)}")
        set_steady_text(self.test, f"Test loss {_fmt(snap.test_loss)}")
        if snap.metric is None:
            set_steady_text(self.metric, f"{snap.metric_name} —")
        elif snap.metric_name == "accuracy":
            set_steady_text(self.metric, f"Accuracy {snap.metric:.1%}")
        else:
            set_steady_text(self.metric, f"R² {snap.metric:.4f}")

    def show_progress(self, done: int, total: int) -> None:
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(f"{done} / {total} epochs")
        self.progress.setVisible(done < total)
