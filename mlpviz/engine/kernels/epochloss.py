"""The epoch's loss over all rows: ``MLP.loss_value``'s numbers, sooner.

``loss_value`` evaluates big inputs in blocks of rows that stay in cache,
allocating each block's arrays afresh (~1 MB each: page faults every
time). :class:`LossEvaluator` computes the same blocks with the same
operations into arrays allocated once, adds the blocks' sums in the same
order — so it returns ``loss_value``'s bits — and can share the blocks
with helper threads: NumPy's BLAS calls and ufuncs release the GIL.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable

import numpy as np

from mlpviz.engine import losses
from mlpviz.engine.activations import Activation, sigmoid_of_negated_

Array = np.ndarray


def softmax_(s: Array, row: Array) -> None:
    # activations.softmax in place: exp(s − max) / Σ, the same ufuncs and reductions.
    np.maximum.reduce(s, axis=1, out=row)
    s -= row[:, None]
    np.exp(s, out=s)
    np.add.reduce(s, axis=1, out=row)
    s /= row[:, None]


def activate_(f: Activation, s: Array, row: Array) -> None:
    """s ← f(s) in place; ``row`` is scratch space of one value per row (softmax)."""
    if f.name == "softmax":
        softmax_(s, row)  # activations.softmax allocates; this reuses ``row``
    else:
        out = f.f_in_place(s)
        if out is not s:
            np.copyto(s, out)


def layer_(
    a: Array, w_t: Array, b: Array, neg_b: Array, f: Activation, s: Array, row: Array
) -> None:
    """s ← f(a·wᵀ + b) in place, with the bits of ``MLP.forward``'s layer.

    σ starts from −(a·wᵀ + b): (−b) − a·wᵀ is that number to the bit (IEEE
    rounding is symmetric), so the sum's negation costs no pass over s.
    ``neg_b`` is scratch space shaped like b.
    """
    np.matmul(a, w_t, out=s)
    if f.name == "sigmoid":
        np.negative(b, out=neg_b)
        np.subtract(neg_b, s, out=s)
        sigmoid_of_negated_(s)
    else:
        s += b
        activate_(f, s, row)


class Buffers:
    """Per-layer work arrays for up to ``rows`` rows; row-prefix views serve shorter batches."""

    def __init__(self, sizes: tuple[int, ...], rows: int) -> None:
        self.acts = [np.empty((rows, n)) for n in sizes[1:]]
        self.neg_b = [np.empty(n) for n in sizes[1:]]
        self.rowbuf = np.empty(rows)


class LossEvaluator:
    """Mean loss over many rows, block by block, as :meth:`MLP.loss_value` computes it.

    With ``threads`` > 1, helper threads take contiguous runs of the blocks;
    the sums are still added in block order. One call at a time: calls
    share the buffers.
    """

    def __init__(self, mlp) -> None:
        self.mlp = mlp
        self.step = mlp.loss_block_rows
        self._bufs: list[Buffers] = []

    def _buffers(self, k: int) -> Buffers:
        while len(self._bufs) <= k:
            self._bufs.append(Buffers(self.mlp.layer_sizes, self.step))
        return self._bufs[k]

    def _row_losses(self, X: Array, Z: Array, params: Array | None, bufs: Buffers) -> Array:
        mlp = self.mlp
        ws, bs = (mlp.weights, mlp.biases) if params is None else mlp.views_of(params)
        n = X.shape[0]
        a = X
        row = bufs.rowbuf[:n]
        records = mlp.activation_records
        for w, b, f, buf, neg_b in zip(ws, bs, records, bufs.acts, bufs.neg_b):
            s = buf[:n]
            layer_(a, w.T, b, neg_b, f, s, row)
            a = s
        return losses.row_losses(mlp.loss, mlp.output_activation, a, Z)

    def __call__(self, X: Array, Z: Array, params: Array | None = None, threads: int = 1) -> float:
        n, step = X.shape[0], self.step
        if n <= step:
            return float(self._row_losses(X, Z, params, self._buffers(0)).mean())
        starts = range(0, n, step)
        sums = [0.0] * len(starts)

        def work(k: int, blocks: range) -> None:
            bufs = self._bufs[k]
            for i in blocks:
                lo = starts[i]
                rows = self._row_losses(X[lo : lo + step], Z[lo : lo + step], params, bufs)
                sums[i] = float(rows.sum())

        threads = max(1, min(threads, len(starts)))
        self._buffers(threads - 1)  # allocated here, not raced for in the threads
        # Contiguous shares: each thread streams through its own part of X.
        cut = [len(starts) * k // threads for k in range(threads + 1)]
        run_parallel(work, [range(cut[k], cut[k + 1]) for k in range(threads)])
        total = 0.0
        for s in sums:
            total += s
        return total / n


class Helper:
    """``fn()`` in a helper thread; :meth:`join` returns its result or raises its exception.

    The helper runs under the caller's NumPy error settings (they are per
    thread: a new thread would start from NumPy's defaults and, say, warn
    about an overflow the trainer has chosen to report as divergence).
    """

    def __init__(self, fn: Callable[[], object]) -> None:
        self._fn, self._errstate = fn, np.geterr()
        self._result: object = None
        self._error: BaseException | None = None
        self.thread = threading.Thread(target=self._main, name="mlpviz-loss", daemon=True)
        self.thread.start()

    def _main(self) -> None:
        try:
            with np.errstate(**self._errstate):
                self._result = self._fn()
        except BaseException as e:  # handed to the joining thread
            self._error = e

    def join(self) -> object:
        self.thread.join()
        if self._error is not None:
            raise self._error
        return self._result


def run_parallel(work: Callable[[int, range], None], parts: list[range]) -> None:
    """``work(k, parts[k])`` for every k: k > 0 in helper threads, k = 0 in this one.

    Helpers are always joined, even if this thread's share raises or is
    interrupted; then the first exception, this thread's or a helper's, propagates.
    """
    helpers: list[Helper] = []
    try:
        for k in range(1, len(parts)):
            helpers.append(Helper(functools.partial(work, k, parts[k])))
        work(0, parts[0])
    finally:
        for h in helpers:
            h.thread.join()
    for h in helpers:
        h.join()
