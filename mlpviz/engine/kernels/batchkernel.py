"""The mini-batch SGD step into buffers allocated once: :class:`BatchKernel`.

It runs the generic step's operations (``Trainer._step_rows``) — the same
ufuncs and BLAS calls on the same operands, in the same order — so its
numbers are the generic path's bit for bit. Each layer's activation record
is looked up once per kernel, so a step does no name dispatch.
"""

from __future__ import annotations

import math

import numpy as np

from mlpviz.engine import losses
from mlpviz.engine.activations import get_activation
from mlpviz.engine.kernels.epochloss import Buffers, layer_
from mlpviz.engine.losses import get_loss

Array = np.ndarray

# Squared errors summing past this might overflow in the generic loss's own
# summation order; such a batch is checked exactly on the generic path.
_SAFE_SQUARES = 1e300
# Per loss the kernel can bound: targets below this keep every finite
# output's loss finite once Σ(y − z)² is (cross-entropy's terms are
# |z|·|log p| ≤ 34.6·|z|). A loss missing here keeps the kernel out.
SAFE_TARGETS = {"mse": math.inf, "cross-entropy": 1e250}


def can_train(mlp) -> bool:
    """True when the kernel does every layer's f′ and the loss's bound.

    Raises the registry's ValueError for an unknown activation or loss.
    """
    loss = get_loss(mlp.loss)
    records = [get_activation(n) for n in mlp.activation_names]
    hidden_ok = all(f.times_derivative_ is not None for f in records[:-1])
    output_ok = loss.error_delta or records[-1].times_derivative_ is not None
    return loss.name in SAFE_TARGETS and hidden_ok and output_ok


class _Views:
    """A kernel's buffers cut to ``n`` rows, and the layer loops' operands.

    Built once per batch length (an epoch has at most two), so a step does
    no slicing or tuple building of its own: at 64 rows the arithmetic is
    ~100 µs and every avoided microsecond of Python shows.
    """

    def __init__(self, k: BatchKernel, n: int) -> None:
        self.x, self.z = k.x[:n], k.z[:n]
        self.g, self.delta, self.out_mask = k.g[:n], k.delta[:n], k.out_mask[:n]
        self.out_tmp = k.out_tmp[:n]
        self.rows, self.rowbuf = k.rows[:n], k.fwd.rowbuf[:n]
        acts = [buf[:n] for buf in k.fwd.acts]
        self.forward = list(zip(k.WT, k.b, k.fwd.neg_b, k.records, acts))
        # Output layer first; each entry: ∇W, ∇b, the layer's input (None: the
        # batch's x) and, below the output, what δ of the layer below needs.
        self.backward = []
        for l in range(len(k.W) - 1, -1, -1):
            below = None
            if l:
                below = (
                    k.W[l],
                    k.back[l - 1][:n],
                    k.records[l - 1].times_derivative_,
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
        self.records = mlp.activation_records
        # δ_o = y − z, or f′(s)·(y − z) by the output's own record.
        error_delta = get_loss(mlp.loss).error_delta
        self.output_times = None if error_delta else self.records[-1].times_derivative_
        self.W, self.b = mlp.weights, mlp.biases
        self.WT = [w.T for w in self.W]
        rows = min(batch_size, X.shape[0])
        self.fwd = Buffers(sizes, rows)
        self.x = np.empty((rows, sizes[0]))
        self.z = np.empty((rows, sizes[-1]))
        self.g = np.empty((rows, sizes[-1]))
        self.delta = np.empty((rows, sizes[-1]))
        self.out_mask = np.empty((rows, sizes[-1]), dtype=bool)
        self.out_tmp = np.empty((rows, sizes[-1]))
        self.rows = np.empty(rows)
        self.back = [np.empty((rows, n)) for n in sizes[1:-1]]
        self.tmp = [np.empty((rows, n)) for n in sizes[1:-1]]
        self.mask = [np.empty((rows, n), dtype=bool) for n in sizes[1:-1]]
        # The gradient in MLP.params layout: one update of the flat vector, as
        # the optimizer makes, instead of three ufunc calls per array.
        self.grad = np.empty_like(mlp.params)
        self.gW, self.gb = mlp.views_of(self.grad)
        self.mse = mlp.loss == "mse"
        bound = SAFE_TARGETS[mlp.loss]
        self.tame_targets = bound == math.inf or bool(np.abs(Z).max() < bound)
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
        for w_t, b, neg_b, f, s in v.forward:
            layer_(a, w_t, b, neg_b, f, s, row)
            a = s
        y = a
        g = np.subtract(y, z, out=v.g)
        # Σ(y − z)² finite bounds every row's loss; NaN fails the comparison.
        if not (self.tame_targets and np.vdot(g, g) < _SAFE_SQUARES):
            return False
        delta = g  # an error-δ loss: f'(s)·∂L/∂y collapses to y − z
        if self.output_times is not None:
            # The tutorial's δ_o = f'(s)·(y − z); g stays y − z for the batch's loss.
            delta = self.output_times(y, g, v.delta, v.out_tmp, v.out_mask)
        for gw, gb, a_prev, below in v.backward:
            a_prev = x if a_prev is None else a_prev
            np.matmul(delta.T, a_prev, out=gw)
            np.add.reduce(delta, axis=0, out=gb)
            if below is not None:
                w, back, times_derivative_, tmp, mask = below
                np.matmul(delta, w, out=back)
                delta = times_derivative_(a_prev, back, back, tmp, mask)
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
        if not self.mse:
            y = self.fwd.acts[-1][:n]
            return losses.mean_loss(self.mlp.loss, self.names[-1], y, self.last_z)
        # losses.row_losses' ½·Σ(y − z)² per row and its mean, on the y − z
        # already at hand, without its temporaries (twice as fast per step).
        g = self._views[n].g
        rows = np.einsum("ij,ij->i", g, g, out=self._views[n].rows)
        rows *= 0.5
        return float(np.add.reduce(rows) / n)
