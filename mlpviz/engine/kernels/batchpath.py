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

from mlpviz.engine import losses
from mlpviz.engine.kernels.epochloss import Buffers, Helper, LossEvaluator, layer_

Array = np.ndarray

# Squared errors summing past this might overflow in the generic loss's own
# summation order; such a batch is checked exactly on the generic path.
_SAFE_SQUARES = 1e300
# Cross-entropy terms are |z|·|log p| ≤ 34.6·|z|: targets below this keep
# every finite output's loss finite.
_SAFE_TARGET = 1e250


# Threads computing epoch losses: the one training plus a helper. A helper
# computes an epoch's loss while the next epoch trains, and shares the last
# epoch's loss with the training thread. 1 turns both off.
THREADS = 2 if (os.cpu_count() or 1) > 1 else 1


def eligible(mlp, optimizer_name: str, l1: float, l2: float, dropout: float) -> bool:
    return optimizer_name == "sgd" and l1 == 0.0 and l2 == 0.0 and dropout == 0.0


def _times_derivative(name: str, a: Array, g: Array, tmp: Array, mask: Array) -> Array:
    """g ← f'(s)·g from the activation a, as activations.derivative_times forms it.

    ``derivative_times`` computes d = f'(a) then d *= g; IEEE products are
    commutative, so g *= d gives the same bits without a new array.
    """
    if name == "sigmoid":
        np.subtract(1.0, a, out=tmp)
        tmp *= a
        g *= tmp
    elif name == "tanh":
        np.multiply(a, a, out=tmp)
        np.subtract(1.0, tmp, out=tmp)
        g *= tmp
    elif name == "relu":
        np.greater(a, 0.0, out=mask)
        np.multiply(g, mask, out=g)
    # linear: f' = 1 and 1·g == g
    return g


class _Views:
    """A kernel's buffers cut to ``n`` rows, and the layer loops' operands.

    Built once per batch length (an epoch has at most two), so a step does
    no slicing or tuple building of its own: at 64 rows the arithmetic is
    ~100 µs and every avoided microsecond of Python shows.
    """

    def __init__(self, k: BatchKernel, n: int) -> None:
        self.x, self.z = k.x[:n], k.z[:n]
        self.g, self.delta, self.out_mask = k.g[:n], k.delta[:n], k.out_mask[:n]
        self.rows, self.rowbuf = k.rows[:n], k.fwd.rowbuf[:n]
        acts = [buf[:n] for buf in k.fwd.acts]
        self.forward = list(zip(k.WT, k.b, k.fwd.neg_b, k.names, acts))
        # Output layer first; each entry: ∇W, ∇b, the layer's input (None: the
        # batch's x) and, below the output, what δ of the layer below needs.
        self.backward = []
        for l in range(len(k.W) - 1, -1, -1):
            below = None
            if l:
                below = (
                    k.W[l],
                    k.back[l - 1][:n],
                    k.names[l - 1],
                    k.tmp[l - 1][:n],
                    k.mask[l - 1][:n],
                )
            self.backward.append((k.gW[l], k.gb[l], acts[l - 1] if l else None, below))


class BatchKernel:
    """One trainer's mini-batch SGD on ``mlp``'s own parameter views."""

    def __init__(self, mlp, X: Array, Z: Array, batch_size: int) -> None:
        self.mlp = mlp
        self.X, self.Z = X, Z
        self.batch_size = batch_size
        sizes = mlp.layer_sizes
        self.names = mlp.activation_names
        self.W, self.b = mlp.weights, mlp.biases
        self.WT = [w.T for w in self.W]
        rows = min(batch_size, X.shape[0])
        self.fwd = Buffers(sizes, rows)
        self.x = np.empty((rows, sizes[0]))
        self.z = np.empty((rows, sizes[-1]))
        self.g = np.empty((rows, sizes[-1]))
        self.delta = np.empty((rows, sizes[-1]))
        self.out_mask = np.empty((rows, sizes[-1]), dtype=bool)
        self.rows = np.empty(rows)
        self.back = [np.empty((rows, n)) for n in sizes[1:-1]]
        self.tmp = [np.empty((rows, n)) for n in sizes[1:-1]]
        self.mask = [np.empty((rows, n), dtype=bool) for n in sizes[1:-1]]
        # The gradient in MLP.params layout: one update of the flat vector, as
        # the optimizer makes, instead of three ufunc calls per array.
        self.grad = np.empty_like(mlp.params)
        self.gW, self.gb = mlp.views_of(self.grad)
        self.cross_entropy = mlp.loss == "cross-entropy"
        self.tame_targets = not self.cross_entropy or bool(np.abs(Z).max() < _SAFE_TARGET)
        self._views: dict[int, _Views] = {}
        self.n = 0  # rows in the last batch; its output and targets stay in the buffers
        self.last_z = self.z[:0]

    def train_epoch(
        self, order: Array | None, start: int, lr: float, before_last: Array
    ) -> tuple[bool, int, Array | slice]:
        """Batches from row ``start`` to the epoch's end, in file order or ``order``.

        Copies the parameters into ``before_last`` before the last update.
        Returns (no alarm, updates made, the last batch's rows) — the rows as
        ``Trainer._next_rows`` gives them: a slice in file order.
        """
        n_rows, size = self.X.shape[0], self.batch_size
        lo, steps = start, 0
        rows: Array | slice = slice(lo, lo)
        while lo < n_rows:
            hi = min(lo + size, n_rows)
            rows = slice(lo, hi) if order is None else order[lo:hi]
            if hi == n_rows:
                np.copyto(before_last, self.mlp.params)
            if not self.step(rows, lr):
                return False, steps, rows
            steps += 1
            lo = hi
        return True, steps, rows

    def step(self, rows: Array | slice, lr: float) -> bool:
        """One update on ``rows``; False if the batch's loss may not be finite.

        Weights are not checked here: once a weight is infinite or NaN, every
        later SGD update keeps it so (∞ − finite = ∞, ∞ − ∞ = NaN), so one
        check at the epoch's end catches every step that made one.
        """
        if isinstance(rows, slice):
            x, z = self.X[rows], self.Z[rows]
            n = x.shape[0]
            v = self._views.get(n) or self._make_views(n)
        else:
            n = rows.shape[0]
            v = self._views.get(n) or self._make_views(n)
            # mode="wrap": the rows are valid, and "raise" would buffer the copy.
            x = np.take(self.X, rows, axis=0, out=v.x, mode="wrap")
            z = np.take(self.Z, rows, axis=0, out=v.z, mode="wrap")
        self.n, self.last_z = n, z
        a = x
        row = v.rowbuf
        for w_t, b, neg_b, name, s in v.forward:
            layer_(a, w_t, b, neg_b, name, s, row)
            a = s
        y = a
        g = np.subtract(y, z, out=v.g)
        # Σ(y − z)² finite bounds every row's loss; NaN fails the comparison.
        if not (self.tame_targets and np.vdot(g, g) < _SAFE_SQUARES):
            return False
        delta = g  # cross-entropy: f'(s)·∂L/∂y collapses to y − z
        if not self.cross_entropy:
            # The tutorial's δ_o = f'(s)·(y − z), formed as derivative_times does.
            name = self.names[-1]
            if name == "sigmoid":
                delta = np.subtract(1.0, y, out=v.delta)
                delta *= y
                delta *= g
            elif name == "tanh":
                delta = np.multiply(y, y, out=v.delta)
                np.subtract(1.0, delta, out=delta)
                delta *= g
            elif name == "relu":
                mask = np.greater(y, 0.0, out=v.out_mask)
                delta = np.multiply(mask, g, out=v.delta)
        for gw, gb, a_prev, below in v.backward:
            a_prev = x if a_prev is None else a_prev
            np.matmul(delta.T, a_prev, out=gw)
            np.add.reduce(delta, axis=0, out=gb)
            if below is not None:
                w, back, name, tmp, mask = below
                np.matmul(delta, w, out=back)
                delta = _times_derivative(name, a_prev, back, tmp, mask)
        # The mean gradient, then SGD's params −= lr·grad. 1/n is exact for a
        # power of two, and x·(1/n) is then x/n to the bit, only faster.
        grad = self.grad
        if n & (n - 1):
            grad /= n
        else:
            grad *= 1.0 / n
        grad *= lr
        self.mlp.params -= grad
        return True

    def _make_views(self, n: int) -> _Views:
        v = self._views[n] = _Views(self, n)
        return v

    def last_batch_loss(self) -> float:
        """The last batch's loss before its update, as the generic step computes it."""
        n = self.n
        if self.cross_entropy:
            y = self.fwd.acts[-1][:n]
            return losses.mean_loss(self.mlp.loss, self.names[-1], y, self.last_z)
        # losses.row_losses' ½·Σ(y − z)² per row and its mean, on the y − z
        # already at hand, without its temporaries (twice as fast per step).
        g = self._views[n].g
        rows = np.einsum("ij,ij->i", g, g, out=self._views[n].rows)
        rows *= 0.5
        return float(np.add.reduce(rows) / n)


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
    tr._before_last, c.before = c.before, tr._before_last  # a swap, not a copy
    tr._last_gradient, tr._last_rows = None, rows
    tr.last_batch_loss = batch_loss
    tr.steps += 1
    tr.evaluations["gradient"] += 1
    tr.optimizer.t += 1
    tr.position += n
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
    tr.position = tr.n_rows
    tr.steps += steps
    tr.evaluations["gradient"] += steps
    tr.optimizer.t += steps
    tr._last_gradient, tr._last_rows = None, rows
    tr.last_batch_loss = kernel.last_batch_loss()
    return True
