"""Training with early stopping: stop when the validation loss stalls, keep the best weights."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from mlpviz.engine.trainer import Trainer


def train_epochs(
    trainer: Trainer,
    epochs: int,
    patience: int | None = None,
    every: int = 1,
    report: Callable[[int], object] | None = None,
) -> int | None:
    """Run up to ``epochs`` epochs; return the epoch whose weights were kept
    (None when every epoch ran and the last weights stand).

    With ``patience`` (and validation rows given to the trainer as its test
    set) training stops once the validation loss has not improved for
    ``patience`` epochs, and the weights of the best epoch are restored: the
    network then is the one that generalised best, not the last one.
    ``report(epoch)`` is called every ``every`` epochs and at the end.
    """
    use_patience = patience is not None and trainer.X_test is not None
    if not use_patience:
        while trainer.epoch < epochs:
            step = min(epochs, (trainer.epoch // every + 1) * every) - trainer.epoch
            trainer.run(step)
            if report is not None:
                report(trainer.epoch)
        return None
    best, best_epoch = np.inf, trainer.epoch
    best_params = trainer.mlp.params.copy()
    while trainer.epoch < epochs:
        trainer.run(1)
        val = trainer.test_loss_history[-1]
        if val < best:
            best, best_epoch = val, trainer.epoch
            best_params = trainer.mlp.params.copy()
        stop = trainer.epoch - best_epoch >= patience
        if report is not None and (trainer.epoch % every == 0 or stop or trainer.epoch == epochs):
            report(trainer.epoch)
        if stop:
            break
    trainer.mlp.set_params(best_params)
    return best_epoch
