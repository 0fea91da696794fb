"""When a run ends by itself: Run N's count, the epoch limit, the target loss, patience.

Kept apart from the worker, which asks after every chunk of training: the
rules are plain arithmetic on the trainer's counters and histories.
"""

from __future__ import annotations

import math

from mlpviz.engine import Trainer
from mlpviz.engine.settings import TrainingSettings

# Patience looks this far back for the best test loss when it starts afresh
# (after a rebuild), so that a check never walks a million-epoch history.
PATIENCE_LOOKBACK = 10_000


class RunLimits:
    """The current run's own end (Run N) and the settings' stop conditions."""

    def __init__(self) -> None:
        self.target: int | None = None  # the epoch Run N ends at
        self.start_epoch = 0
        self.forget_best()

    def start(self, epoch: int, epochs: int | None) -> None:
        """A run starts at ``epoch``, for ``epochs`` epochs (None: until stopped)."""
        self.target = None if epochs is None else epoch + int(epochs)
        self.start_epoch = epoch

    def end(self) -> None:
        self.target = None

    def forget_best(self) -> None:
        """Another network or data: the best test loss so far is found afresh."""
        self._best_test = (math.inf, 0)

    def progress(self, epoch: int) -> tuple[int, int] | None:
        """(epochs done, epochs asked) of a Run N, else None."""
        if self.target is None:
            return None
        return epoch - self.start_epoch, self.target - self.start_epoch

    def epoch_limit(self, s: TrainingSettings) -> int | None:
        """The first epoch training must not go past: Run N's end or the settings' limit."""
        limits = [e for e in (self.target, s.max_epochs) if e is not None]
        return min(limits, default=None)

    def reason(self, t: Trainer, s: TrainingSettings) -> str | None:
        """Why the run stops now, or None to go on."""
        if self.target is not None and t.epoch >= self.target:
            return f"Finished {self.target - self.start_epoch} epochs."
        if s.max_epochs is not None and t.epoch >= s.max_epochs:
            return f"Stopped at epoch {t.epoch}: the epoch limit ({s.max_epochs}) is reached."
        if s.target_loss is not None and t.loss_history and t.loss_history[-1] <= s.target_loss:
            return f"Stopped at epoch {t.epoch}: the loss reached {s.target_loss:g}."
        if s.patience is not None and t.test_loss_history:
            tests = t.test_loss_history
            best, at = self._best_test
            for k in range(max(at, len(tests) - 1 - PATIENCE_LOOKBACK), len(tests)):
                if tests[k] < best:
                    best, at = tests[k], k
            self._best_test = (best, at)
            if len(tests) - 1 - at >= s.patience:
                return (
                    f"Stopped at epoch {t.epoch}: the test loss has not improved for "
                    f"{s.patience} epochs (best {best:.5g} at epoch {at + 1})."
                )
        return None
