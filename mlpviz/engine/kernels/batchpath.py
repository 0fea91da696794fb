"""Mini-batch SGD without per-batch Python objects.

The generic step (``Trainer._step_rows``) builds a Trace and a Gradients per
batch and allocates every intermediate; for a 64-128-10 net on 64-row
batches that is about a third of the step. This kernel runs the same
operations — the same ufuncs and BLAS calls on the same operands, in the
same order — into buffers allocated once, so its numbers are the generic
path's bit for bit (the tests pin this). The epoch's loss is computed over
the same blocks of rows as ``MLP.loss_value``, with preallocated blocks, and
by default with a helper thread (see :data:`THREADS`).

The kernel only *detects* trouble, with cheap sufficient conditions for
"all finite": Σ(y − z)² per batch, and the weights after each :func:`step`
or once per epoch in :func:`run`. When one fails, the step — or, in
:func:`run`, the epoch — is undone and replayed on the generic path, which
stops at the exact step with its exact message, or, after a false alarm
(huge but finite numbers), simply trains on.

Only plain SGD without regularization or dropout takes this path (see
:func:`eligible`); everything else stays on the generic step.
"""

from __future__ import annotations

import math
import os

import numpy as np

from mlpviz.engine.kernels.batchkernel import BatchKernel, can_train
from mlpviz.engine.kernels.epochloss import Helper, LossEvaluator
from mlpviz.engine.kernels.steps import Steps

Array = np.ndarray

# Threads computing epoch losses: the one training plus a helper. A helper
# computes an epoch's loss while the next epoch trains, and shares the last
# epoch's loss with the training thread. 1 turns both off.
THREADS = 2 if (os.cpu_count() or 1) > 1 else 1


def eligible(mlp, optimizer_name: str, l1: float, l2: float, dropout: float) -> bool:
    """Plain SGD on a network whose every record the kernel can do.

    An unknown activation or loss raises the registry's ValueError.
    """
    plain = optimizer_name == "sgd" and l1 == 0.0 and l2 == 0.0 and dropout == 0.0
    return can_train(mlp) and plain


# -- the epoch loop ---------------------------------------------------------------


# What one epoch of run() changes on the trainer, besides weights, counts and RNG.
_STATE = ("epoch", "position", "steps", "order", "_last_gradient", "_last_rows", "last_batch_loss")


class _Checkpoint:
    """The trainer as an epoch began: what run() rolls back to on an alarm."""

    def __init__(self, tr) -> None:
        self.params = tr.mlp.params.copy()
        self.before_last = tr._before_last.copy()
        self.state = {k: getattr(tr, k) for k in _STATE}
        self.counts = dict(tr.evaluations), tr.optimizer.t
        self.rng = tr._rng.bit_generator.state

    def restore(self, tr) -> None:
        tr.mlp.set_params(self.params)
        np.copyto(tr._before_last, self.before_last)
        for k, v in self.state.items():
            setattr(tr, k, v)
        evaluations, tr.optimizer.t = self.counts
        tr.evaluations.update(evaluations)
        tr._rng.bit_generator.state = self.rng


class _Pending:
    """An epoch whose losses a helper thread computes while the next one trains."""

    def __init__(self, tr, checkpoint: _Checkpoint, evaluate: LossEvaluator) -> None:
        self.checkpoint = checkpoint
        self.epoch = tr.epoch + 1
        self.params = P = tr.mlp.params.copy()
        X, Z, X_test, Z_test = tr.X, tr.Z, tr.X_test, tr.Z_test

        def losses() -> tuple[float, float | None]:
            test = None if X_test is None else evaluate(X_test, Z_test, P)
            return evaluate(X, Z, P), test

        self.helper = Helper(losses)

    def join(self) -> tuple[float, float | None]:
        return self.helper.join()  # type: ignore[return-value]


class Cache:
    """A trainer's kernel and loss evaluator, kept between steps while they fit."""

    def __init__(self, tr) -> None:
        self.kernel = BatchKernel(tr.mlp, tr.X, tr.Z, tr.batch_size)
        self.evaluate = LossEvaluator(tr.mlp)
        self.key = (tr.mlp, tr.mlp.params, tr.X, tr.Z, tr.batch_size)
        self.before = np.empty_like(tr.mlp.params)

    @staticmethod
    def of(tr) -> Cache:
        c = tr._batch_cache
        key = (tr.mlp, tr.mlp.params, tr.X, tr.Z, tr.batch_size)
        if c is None or any(a is not b for a, b in zip(c.key, key)):
            c = tr._batch_cache = Cache(tr)
        return c


def step(tr, rows: Array | slice) -> float:
    """``Trainer._step_rows`` for :func:`eligible` trainers: one update in the kernel.

    On an alarm the weights go back and the generic step runs instead, from
    the same weights: it raises where it should, or trains on.
    """
    c = Cache.of(tr)
    params = tr.mlp.params
    # Not into tr._before_last yet: a step that fails leaves that as it was.
    np.copyto(c.before, params)
    n = rows.stop - rows.start if isinstance(rows, slice) else len(rows)
    epoch_end = tr.position + n >= tr.n_rows
    loss = 0.0
    try:
        # Σp² is finite only if every p is (a false alarm past 1e308 costs a generic step).
        ok = c.kernel.step(rows, tr.learning_rate) and math.isfinite(params @ params)
        if ok and epoch_end:
            loss = c.evaluate(tr.X, tr.Z)
            ok = math.isfinite(loss)
    except BaseException:  # interrupted half-way through the layers: undo the step
        np.copyto(params, c.before)
        raise
    if not ok:
        np.copyto(params, c.before)
        _generic_from_here(tr)
        return tr._step_rows_quiet(rows)
    batch_loss = c.kernel.last_batch_loss()
    # The trainer takes c.before and hands back its old buffer: a swap, not a copy.
    c.before = tr._commit(Steps(1, tr.position + n, 0, None, rows, batch_loss, c.before))
    if epoch_end:
        test_loss = None if tr.X_test is None else c.evaluate(tr.X_test, tr.Z_test)
        tr._finish_epoch(loss, test_loss)
    return batch_loss


def run(tr, epochs: int, threads: int | None = None) -> None:
    """``Trainer.run`` for :func:`eligible` trainers: the same results, faster."""
    threads = THREADS if threads is None else threads
    c = Cache.of(tr)
    kernel, evaluate = c.kernel, c.evaluate
    pending: _Pending | None = None
    replay: tuple[_Checkpoint, int] | None = None
    checkpoint = None
    try:
        for e in range(epochs):
            checkpoint = _Checkpoint(tr)
            ok = _train_epoch(tr, kernel)
            if pending is not None:
                # The previous epoch's losses: a non-finite one voids this epoch too.
                loss, test_loss = pending.join()
                done, pending = pending, None
                if not math.isfinite(loss):
                    replay = (done.checkpoint, epochs - e + 1)
                    break
                tr._log_epoch(done.epoch, loss, test_loss, done.params)
            if not ok:
                replay = (checkpoint, epochs - e)
                break
            if e == epochs - 1 or threads < 2:
                loss = evaluate(tr.X, tr.Z, threads=threads)
                if not math.isfinite(loss):
                    replay = (checkpoint, epochs - e)
                    break
                test_loss = None
                if tr.X_test is not None:
                    test_loss = evaluate(tr.X_test, tr.Z_test, threads=threads)
                tr._finish_epoch(loss, test_loss)
            else:
                pending = _Pending(tr, checkpoint, evaluate)
                tr._advance_epoch()
    except BaseException:
        # Interrupted or failed: leave the trainer as the epoch in progress began
        # (and the one before it, if its losses cannot be logged).
        if pending is not None:
            try:
                loss, test_loss = pending.join()
            except BaseException:
                loss = math.nan
            if math.isfinite(loss):
                tr._log_epoch(pending.epoch, loss, test_loss, pending.params)
            else:
                checkpoint = pending.checkpoint
        if checkpoint is not None:
            checkpoint.restore(tr)
        raise
    if replay is not None:
        # Roll back to where the failing epoch began and replay it on the
        # generic path: it stops at the exact step that fails, with its own
        # message — or, after a false alarm, trains on.
        checkpoint, left = replay
        checkpoint.restore(tr)
        _generic_from_here(tr)
        tr._run_generic(left)


def _generic_from_here(tr) -> None:
    """Ready the trainer for generic steps after kernel ones.

    The kernel leaves the last gradient to be recomputed on demand from the
    weights before the last step; a generic step overwrites those weights
    even when it fails, so the gradient is computed now, while it still can be.
    """
    if tr._last_gradient is None and tr._last_rows is not None:
        tr.last_gradient  # noqa: B018 — the property computes and keeps it


def _train_epoch(tr, kernel: BatchKernel) -> bool:
    """The rest of the current epoch in the kernel; False on an alarm."""
    params = tr.mlp.params
    ok, steps, rows = kernel.train_epoch(
        tr.order if tr.shuffle else None, tr.position, tr.learning_rate, tr._before_last
    )
    if not (ok and np.isfinite(params).all()):
        return False
    tr._commit(Steps(steps, tr.n_rows, last_rows=rows, last_batch_loss=kernel.last_batch_loss()))
    return True
