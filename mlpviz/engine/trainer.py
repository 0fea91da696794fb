"""The training loop: batches, epochs, optimizers, regularization, divergence.

Default behaviour is the tutorial's companion code: per-sample SGD in file
order, every δ computed from the weights before the update, the epoch's loss
reported as the mean over all rows of ½Σ(y − z)² after the epoch.

Plain SGD (no regularization or dropout) takes a faster path with the same
numbers: ``fastpath`` for small per-sample networks in :meth:`Trainer.run`,
``batchpath`` otherwise; every other setting takes the generic step below.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from mlpviz.engine import loss_archive, losses, trainer_state
from mlpviz.engine.data_checks import check_data
from mlpviz.engine.history import WeightHistory
from mlpviz.engine.kernels import batchpath, fastpath
from mlpviz.engine.kernels.steps import Steps
from mlpviz.engine.loss_archive import SERIES, LossArchive, fold_oldest
from mlpviz.engine.mlp import MLP
from mlpviz.engine.optimizers import Optimizer, make_optimizer
from mlpviz.engine.schedules import Schedule

Array = np.ndarray


class TrainingDiverged(FloatingPointError):
    """A step produced a non-finite loss or parameter; the last finite ones are kept."""

    def __init__(self, message: str, epoch: int, step: int) -> None:
        super().__init__(message)
        self.epoch = epoch
        self.step = step


class Trainer:
    """Trains ``mlp`` in place on inputs ``X`` (n, n_in) and targets ``Z`` (n, n_out).

    Parameters
    ----------
    learning_rate : η, the base rate (a ``schedule`` may change it per epoch).
    batch_size : rows per update; 1 is the tutorial's per-sample SGD.
    optimizer : ``sgd``, ``momentum``, ``nesterov``, ``adagrad``, ``rmsprop``,
        ``adam`` or ``trial-and-error``; ``optimizer_options`` its hyperparameters.
    shuffle : visit rows in a new seeded random order each epoch (else file order).
    l1, l2 : regularization rates; the penalty λ₁Σ|w| + ½λ₂Σw² over weights
        (not biases) is added to the loss being minimized and reported in
        :attr:`penalty_history`, separately from :attr:`loss_history`.
    dropout : probability of dropping each hidden activation during training.
    X_test, Z_test : optional held-out rows; their loss is recorded per epoch.
    """

    def __init__(
        self,
        mlp: MLP,
        X: Array,
        Z: Array,
        learning_rate: float = 0.1,
        batch_size: int = 1,
        optimizer: str | Optimizer = "sgd",
        shuffle: bool = False,
        seed: int | None = None,
        *,
        optimizer_options: Mapping[str, float] | None = None,
        schedule: Schedule | str = "constant",
        l1: float = 0.0,
        l2: float = 0.0,
        dropout: float = 0.0,
        X_test: Array | None = None,
        Z_test: Array | None = None,
    ) -> None:
        self.mlp = mlp
        self.X, self.Z = check_data(mlp, X, Z, "training")
        if self.X.shape[0] == 0:
            raise ValueError("training data have no rows")
        if X_test is not None and Z_test is not None and len(X_test):
            self.X_test, self.Z_test = check_data(mlp, X_test, Z_test, "test")
        else:
            self.X_test = self.Z_test = None
        if not (np.isfinite(learning_rate) and learning_rate > 0):
            raise ValueError(f"learning rate must be a positive number, got {learning_rate}")
        if int(batch_size) < 1:
            raise ValueError(f"batch size must be at least 1, got {batch_size}")
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {dropout}")
        if l1 < 0 or l2 < 0:
            raise ValueError("regularization rates must be ≥ 0")
        self.base_learning_rate = float(learning_rate)
        self.batch_size = int(batch_size)
        if isinstance(optimizer, Optimizer):
            self.optimizer = optimizer
        else:
            self.optimizer = make_optimizer(optimizer, **dict(optimizer_options or {}))
        self.schedule = Schedule(schedule) if isinstance(schedule, str) else schedule
        self.shuffle = shuffle
        self.seed = seed
        self.l1, self.l2, self.dropout = float(l1), float(l2), float(dropout)
        self._rng = np.random.default_rng(seed)
        self._weight_mask = np.zeros_like(mlp.params)
        for w in mlp.views_of(self._weight_mask)[0]:
            w[...] = 1.0

        self.epoch = 0
        self.position = 0
        self.steps = 0
        self.loss_history: list[float] = []
        self.penalty_history: list[float] = []
        self.test_loss_history: list[float] = []
        # The epochs folded out of the three lists above (see loss_archive);
        # None as recent_epochs keeps every epoch in the lists.
        self.loss_archive = LossArchive()
        self.recent_epochs: int | None = loss_archive.RECENT_EPOCHS
        # What each optimizer cost: forward-only loss evaluations and
        # forward+backward gradient evaluations (monitoring is not counted).
        self.evaluations = {"loss": 0, "gradient": 0}
        self.last_batch_loss: float | None = None
        self._before_last = mlp.params.copy()
        self._last_gradient: Array | None = None
        self._last_rows: Array | None = None
        self._fast_cache: tuple[list, list] | None = None
        self._batch_cache: batchpath.Cache | None = None
        self.history: WeightHistory | None = None
        self.order = self._new_order()

    # -- properties the views read -------------------------------------------

    @property
    def n_rows(self) -> int:
        return self.X.shape[0]

    @property
    def epochs_logged(self) -> int:
        """Epochs whose losses were logged: the archived ones, then the lists'."""
        return self.loss_archive.end + len(self.loss_history)

    @property
    def learning_rate(self) -> float:
        """The rate in force this epoch."""
        return self.schedule.rate(self.base_learning_rate, self.epoch)

    @property
    def last_update(self) -> Array:
        """Δparams of the last step (zeros before the first)."""
        return self.mlp.params - self._before_last

    @property
    def last_gradient(self) -> Array | None:
        """The gradient the last step used (flat), or None before the first step."""
        if not self.optimizer.uses_gradient:
            return None  # trial and error never computes one
        if self._last_gradient is None and self._last_rows is not None:
            rows = self._last_rows
            trace = self.mlp.forward(self.X[rows], params=self._before_last)
            grads = self.mlp.backward(trace, self.Z[rows], params=self._before_last)
            self._last_gradient = grads.flat + self._penalty_gradient(self._before_last)
        return self._last_gradient

    def rewind(self, epoch: int) -> int:
        """Go back to the weights recorded in :attr:`history` at or before ``epoch``.

        The losses and the history after that epoch are dropped and optimizer
        state (momentum, moment estimates) is reset, since it was not recorded.
        Returns the epoch actually restored.
        """
        h = self.history
        if h is None or len(h) == 0:
            raise ValueError("no weight history is recorded")
        i = int(np.searchsorted(h.epochs, epoch, side="right")) - 1
        if i < 0:
            raise ValueError(f"no weights recorded at or before epoch {epoch}")
        target = int(h.epochs[i])
        self.mlp.set_params(h.params[i])
        if target < self.loss_archive.end:
            self.loss_archive.truncate(target)
            self.loss_history.clear()
            self.penalty_history.clear()
            self.test_loss_history.clear()
        kept = target - self.loss_archive.end
        del self.loss_history[kept:]
        del self.penalty_history[kept:]
        del self.test_loss_history[kept:]
        h.truncate(target + 1)
        self.epoch, self.position = target, 0
        self.optimizer.reset()
        np.copyto(self._before_last, self.mlp.params)
        self._last_gradient, self._last_rows = None, None
        self.order = self._new_order()
        return target

    def set_data(
        self, X: Array, Z: Array, X_test: Array | None = None, Z_test: Array | None = None
    ) -> None:
        """Train on other rows from the next step on, keeping weights and history.

        The current epoch restarts (its position is reset), so every epoch's
        loss is a mean over one dataset.
        """
        X, Z = check_data(self.mlp, X, Z, "training")
        if X.shape[0] == 0:
            raise ValueError("training data have no rows")
        self.X, self.Z = X, Z
        if X_test is not None and Z_test is not None and len(X_test):
            self.X_test, self.Z_test = check_data(self.mlp, X_test, Z_test, "test")
        else:
            self.X_test = self.Z_test = None
        self._fast_cache = self._batch_cache = None
        self.position = 0
        self.order = self._new_order()

    def penalty(self, params: Array | None = None) -> float:
        p = self.mlp.params if params is None else params
        if not (self.l1 or self.l2):
            return 0.0
        w = p * self._weight_mask
        return float(self.l1 * np.abs(w).sum() + 0.5 * self.l2 * (w @ w))

    def _penalty_gradient(self, params: Array) -> Array | float:
        if not (self.l1 or self.l2):
            return 0.0
        return (self.l1 * np.sign(params) + self.l2 * params) * self._weight_mask

    # -- stepping ------------------------------------------------------------

    def _new_order(self) -> Array:
        n = self.n_rows
        return self._rng.permutation(n) if self.shuffle else np.arange(n)

    def _diverged(self, what: str) -> TrainingDiverged:
        return TrainingDiverged(
            f"training diverged at epoch {self.epoch + 1}, step {self.steps + 1}: {what}; "
            f"the last finite weights are kept — try a smaller learning rate "
            f"(now {self.learning_rate:g})",
            self.epoch,
            self.steps,
        )

    def _step_rows(self, rows: Array) -> float:
        # Overflow is what TrainingDiverged reports; NumPy's
        # own "overflow encountered" RuntimeWarnings about it are noise (and
        # errors under the project's pytest filterwarnings).
        with np.errstate(over="ignore", invalid="ignore"):
            if self._batched():
                return batchpath.step(self, rows)
            return self._step_rows_quiet(rows)

    def _step_rows_quiet(self, rows: Array) -> float:
        # Always under _step_rows' or run's errstate: the MLP's private passes
        # skip their own (see MLP.forward).
        mlp, params = self.mlp, self.mlp.params
        lr = self.learning_rate
        Xb, Zb = self.X[rows], self.Z[rows]
        if self.optimizer.uses_gradient:
            trace = mlp._forward(Xb, dropout=self.dropout, rng=self._rng, keep_sums=False)
            batch_loss = losses.mean_loss(
                mlp.loss, mlp.output_activation, trace.activations[-1], Zb
            )
            if not np.isfinite(batch_loss):
                raise self._diverged("the loss is not finite")
            grad = mlp.backward(trace, Zb).flat
            if self.l1 or self.l2:
                grad = grad + self._penalty_gradient(params)
            self.evaluations["gradient"] += 1
            np.copyto(self._before_last, params)
            self.optimizer.step(params, grad, lr)
        else:

            def loss(p: Array) -> float:
                value = mlp._loss_value(Xb, Zb, params=p) + self.penalty(p)
                # NaN compares false with everything, so a NaN trial is never kept.
                return value if np.isfinite(value) else np.inf

            np.copyto(self._before_last, params)
            batch_loss = mlp._loss_value(Xb, Zb)
            self.evaluations["loss"] += self.optimizer.trial_step(params, loss, lr)
            grad = None
        if not np.isfinite(params).all():
            np.copyto(params, self._before_last)
            raise self._diverged("a weight became infinite or NaN")
        # Check the epoch's loss before committing the step, and undo the step
        # if it is not finite, like any other diverging step: the failed step is
        # neither kept nor counted, `position` stays at its batch (a committed
        # one would leave it at the epoch's end, with an empty batch next), and
        # the message names the step that failed.
        epoch_loss = None
        n_rows = len(Xb)
        if self.position + n_rows >= self.n_rows:
            epoch_loss = mlp._loss_value(self.X, self.Z)
            if not np.isfinite(epoch_loss):
                np.copyto(params, self._before_last)
                raise self._diverged("the epoch's loss is not finite")
        self._last_gradient, self._last_rows = grad, rows
        self.last_batch_loss = batch_loss
        self.steps += 1
        self.position += n_rows
        if epoch_loss is not None:
            self._finish_epoch(epoch_loss)
        return batch_loss

    def _commit(self, done: Steps) -> Array:
        """Apply a kernel's updates; returns the before-last buffer ``done`` replaced.

        The caller may reuse that buffer (the batch kernel swaps two).
        """
        self.steps += done.count
        self.evaluations["gradient"] += done.count
        self.optimizer.t += done.count
        self.epoch += done.epochs
        if done.position is not None:
            self.position = done.position
        if done.order is not None:
            self.order = done.order
        if done.last_rows is not None:
            self._last_gradient, self._last_rows = None, done.last_rows
        if done.last_batch_loss is not None:
            self.last_batch_loss = done.last_batch_loss
        replaced = self._before_last
        if done.before_last is not None:
            self._before_last = done.before_last
        return replaced

    def _finish_epoch(self, loss: float, test_loss: float | None = None) -> None:
        self._advance_epoch()
        self._log_epoch(self.epoch, loss, test_loss, self.mlp.params)

    def _advance_epoch(self) -> None:
        self.epoch += 1
        self.position = 0
        self.order = self._new_order()

    def _log_epoch(self, epoch: int, loss: float, test_loss: float | None, params: Array) -> None:
        """Record epoch ``epoch``'s losses and weights ``params`` (the test loss if None)."""
        self.loss_history.append(loss)
        self.penalty_history.append(self.penalty(params))
        if self.X_test is not None:
            if test_loss is None:
                test_loss = self.mlp.loss_value(self.X_test, self.Z_test, params=params)
            self.test_loss_history.append(test_loss)
        if self.history is not None:
            self.history.record(epoch, params)
        self.fold_losses()

    def log_losses(self, losses, penalties, tests) -> None:
        """Log the losses of the epochs after :attr:`epochs_logged`, in order."""
        self.loss_history.extend(losses)
        self.penalty_history.extend(penalties)
        self.test_loss_history.extend(tests)
        self.fold_losses()

    def fold_losses(self) -> None:
        """Keep the loss lists bounded: see :mod:`mlpviz.engine.loss_archive`."""
        if self.recent_epochs is not None:
            lists = (self.loss_history, self.penalty_history, self.test_loss_history)
            fold_oldest(self.loss_archive, dict(zip(SERIES, lists)), self.recent_epochs)

    def _next_rows(self, size: int) -> Array | slice:
        lo, hi = self.position, min(self.position + size, self.n_rows)
        # In file order a batch is a slice: X[lo:hi] is a view, where fancy
        # indexing would copy every batch.
        return slice(lo, hi) if not self.shuffle else self.order[lo:hi]

    def step_sample(self) -> float:
        """Update on the next single row; returns its loss before the update."""
        return self._step_rows(self._next_rows(1))

    def step_batch(self) -> float:
        """Update on the next batch (shorter at the epoch's end); returns its loss before."""
        return self._step_rows(self._next_rows(self.batch_size))

    def step_epoch(self) -> float:
        """Finish the current epoch; returns its loss (mean ½Σ(y − z)² after it)."""
        self.run(1)
        return self.loss_history[-1]

    def _fast(self) -> bool:
        return self.batch_size == 1 and fastpath.eligible(
            self.mlp, self.optimizer.name, self.l1, self.l2, self.dropout
        )

    def _batched(self) -> bool:
        return batchpath.eligible(self.mlp, self.optimizer.name, self.l1, self.l2, self.dropout)

    def run(self, epochs: int) -> float:
        """Finish the current epoch and train ``epochs − 1`` more; returns the last loss."""
        if epochs < 1:
            return self.loss_history[-1] if self.loss_history else float("nan")
        if self._fast():
            # As in _step_rows, no overflow RuntimeWarnings.
            with np.errstate(over="ignore", invalid="ignore"):
                fastpath.run(self, epochs)
        elif self._batched():
            with np.errstate(over="ignore", invalid="ignore"):
                batchpath.run(self, epochs)
        else:
            with np.errstate(over="ignore", invalid="ignore"):
                self._run_generic(epochs)
        return self.loss_history[-1]

    def _run_generic(self, epochs: int) -> None:
        for _ in range(epochs):
            self._step_rows_quiet(self._next_rows(self.batch_size))
            while self.position:
                self._step_rows_quiet(self._next_rows(self.batch_size))

    # -- state ----------------------------------------------------------------

    def state_dict(self, *, history: bool = True) -> dict:
        """The whole run as plain Python and NumPy values (copies).

        A trainer built with ``settings`` (:func:`trainer_state.trainer_kwargs`)
        and given this dict by :meth:`load_state_dict` trains on with the same
        bits. The keys are listed in :mod:`mlpviz.engine.trainer_state`; without
        ``history`` the weight history is left out.
        """
        return trainer_state.state_dict(self, history)

    def load_state_dict(self, d: Mapping) -> None:
        """Bring this trainer (same architecture) to the point ``d`` describes.

        Every key present is restored (copied); every key absent keeps this
        trainer's own value. ``settings`` is never applied (a run may go on
        under new ones).
        """
        trainer_state.load_state_dict(self, d)
