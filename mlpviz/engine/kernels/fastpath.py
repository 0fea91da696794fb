"""Per-sample SGD for small networks in plain Python floats.

For the tutorial's 2-3-1 network a NumPy step costs ~20 µs, almost all of it
call overhead on 2- and 3-element arrays; the arithmetic is ~60 flops.
Python floats in lists avoid that overhead. The kernel runs the same
operations in the same order as the NumPy path, so the two agree to an ulp
or two (libm vs NumPy exp and tanh, BLAS summation order).

Only plain per-sample SGD with the mse loss and no regularization or dropout
takes this path (see :func:`eligible`). Weights go into lists once per
:meth:`Kernel.__init__` and back into the MLP on :meth:`Kernel.write_back`,
so a run of many epochs touches NumPy only at its ends.
"""

from __future__ import annotations

import math
from operator import mul

import numpy as np

from mlpviz.engine.activations import get_activation
from mlpviz.engine.kernels.steps import Steps
from mlpviz.engine.losses import get_loss

Array = np.ndarray

# Above this many parameters NumPy's per-call overhead is amortized and its
# vectorized arithmetic wins.
MAX_PARAMS = 160

# Records the kernel writes out inline, by code; any other record with
# ``scalar`` and ``scalar_derivative`` runs through those (code _SCALAR).
_CODES = {"sigmoid": 0, "tanh": 1, "relu": 2, "linear": 3}
_SCALAR = 4


# σ on one float with NumPy's bits, also where math.exp overflows: the
# layers catch OverflowError (only sums below −709.78) and redo the layer
# with this — a try costs nothing until it raises.
_sigmoid_far = get_activation("sigmoid").scalar


def eligible(mlp, optimizer_name: str, l1: float, l2: float, dropout: float) -> bool:
    """Plain per-sample SGD with mse on a small network of scalar-capable records.

    An unknown activation or loss raises the registry's ValueError.
    """
    loss = get_loss(mlp.loss)
    records = [get_activation(name) for name in mlp.activation_names]
    return (
        optimizer_name == "sgd"
        and loss.name == "mse"
        and l1 == 0.0
        and l2 == 0.0
        and dropout == 0.0
        and mlp.n_params <= MAX_PARAMS
        and all(f.scalar is not None and f.scalar_derivative is not None for f in records)
    )


class Kernel:
    """An MLP's parameters as nested lists, trained one row at a time."""

    def __init__(self, mlp, X: list, Z: list) -> None:
        self.mlp = mlp
        self.X, self.Z = X, Z
        self.W = [w.tolist() for w in mlp.weights]
        self.B = [b.tolist() for b in mlp.biases]
        records = mlp.activation_records
        self.codes = [_CODES.get(f.name, _SCALAR) for f in records]
        self.scalars = [f.scalar for f in records]
        self.derivatives = [f.scalar_derivative for f in records]
        self.before_last: tuple[list, list] | None = None

    def output(self, x: list) -> list:
        tanh, exp = math.tanh, math.exp
        a = x
        for Wl, Bl, code, f in zip(self.W, self.B, self.codes, self.scalars):
            s = [sum(map(mul, w, a)) + b for w, b in zip(Wl, Bl)]
            if code == 0:
                try:
                    a = [1.0 / (1.0 + exp(-v)) for v in s]
                except OverflowError:
                    a = [_sigmoid_far(v) for v in s]
            elif code == 1:
                a = [tanh(v) for v in s]
            elif code == 2:
                a = [max(v, 0.0) for v in s]
            elif code == 3:
                a = s
            else:
                a = [f(v) for v in s]
        return a

    def train(self, rows: list, lr: float, keep_before_last: bool = False) -> float:
        """One epoch (or part of one): see :meth:`train_epochs`."""
        _, loss, _ = self.train_epochs([rows], [lr], keep_before_last, record=False)
        return loss

    def train_epochs(
        self,
        epoch_rows: list[list[int]],
        lrs: list[float],
        keep_before_last: bool = False,
        record: bool = True,
    ) -> tuple[list[list[float]], float, int | None]:
        """One update per row, in order, epoch after epoch.

        Returns the parameters after each epoch (flat lists, when ``record``),
        the last row's loss before its update, and the index of the first
        epoch that produced a non-finite number (None if all are finite; the
        kernel's weights are then those after that epoch, for the caller to
        roll back). Several epochs per call keep the per-epoch cost to a few
        list operations.

        Written out in one function on purpose: at ~60 flops a step, each
        helper call would cost as much as the arithmetic it saves. Every f'
        is taken from the activation a alone (σ' = a(1 − a), tanh' = 1 − a²,
        relu' = [a > 0]), so the sums s need not be kept.
        """
        tanh, exp = math.tanh, math.exp
        W, B, codes = self.W, self.B, self.codes
        layers = list(zip(W, B, codes, self.scalars))
        backs = list(zip(W[1:], codes[:-1], self.derivatives[:-1]))[::-1]
        out_code, out_fd = codes[-1], self.derivatives[-1]
        X, Z = self.X, self.Z
        a = z = []
        flats: list[list[float]] = []
        last_epoch = len(epoch_rows) - 1
        for e, (rows, lr) in enumerate(zip(epoch_rows, lrs)):
            # Only the very last update of the call keeps the weights before it.
            final = len(rows) - 1 if keep_before_last and e == last_epoch else -1
            for i, r in enumerate(rows):
                a = X[r]
                acts = [a]
                for Wl, Bl, code, f in layers:
                    if code == 0:
                        try:
                            a = [
                                1.0 / (1.0 + exp(-(sum(map(mul, w, a)) + b)))
                                for w, b in zip(Wl, Bl)
                            ]
                        except OverflowError:  # a sum below −709.78: σ = 0 there
                            a = [_sigmoid_far(sum(map(mul, w, a)) + b) for w, b in zip(Wl, Bl)]
                    elif code == 1:
                        a = [tanh(sum(map(mul, w, a)) + b) for w, b in zip(Wl, Bl)]
                    elif code == 2:
                        a = [max(sum(map(mul, w, a)) + b, 0.0) for w, b in zip(Wl, Bl)]
                    elif code == 3:
                        a = [sum(map(mul, w, a)) + b for w, b in zip(Wl, Bl)]
                    else:
                        a = [f(sum(map(mul, w, a)) + b) for w, b in zip(Wl, Bl)]
                    acts.append(a)
                # δ_o = f'(s)·(y − z), then δ_h = f'(s_h)·Σ_j w_jh·δ_j — every δ from
                # the weights as they were in the forward pass, before any update.
                z = Z[r]
                if out_code == 0:
                    delta = [(y * (1.0 - y)) * (y - t) for y, t in zip(a, z)]
                elif out_code == 1:
                    delta = [(1.0 - y * y) * (y - t) for y, t in zip(a, z)]
                elif out_code == 2:
                    delta = [(1.0 if y > 0.0 else 0.0) * (y - t) for y, t in zip(a, z)]
                elif out_code == 3:
                    delta = [1.0 * (y - t) for y, t in zip(a, z)]
                else:
                    delta = [out_fd(y) * (y - t) for y, t in zip(a, z)]
                deltas = [delta]
                l = len(layers) - 1
                for Wn, code, fd in backs:
                    # Σ_j w_jh·δ_j accumulated row by row in j order, as NumPy's δ @ W
                    # does; cheaper than columns since output layers are narrow.
                    back = [w * delta[0] for w in Wn[0]]
                    for row, d in zip(Wn[1:], delta[1:]):
                        back = [g + w * d for g, w in zip(back, row)]
                    h = acts[l]
                    if code == 0:
                        delta = [(y * (1.0 - y)) * g for y, g in zip(h, back)]
                    elif code == 1:
                        delta = [(1.0 - y * y) * g for y, g in zip(h, back)]
                    elif code == 2:
                        delta = [(1.0 if y > 0.0 else 0.0) * g for y, g in zip(h, back)]
                    elif code == 3:
                        delta = [1.0 * g for g in back]
                    else:
                        delta = [fd(y) * g for y, g in zip(h, back)]
                    deltas.append(delta)
                    l -= 1
                if i == final:
                    self.before_last = self.snapshot()
                # w ← w − η·(δ·a), b ← b − η·δ
                for (Wl, Bl, _, _), a_prev, delta in zip(layers, acts, reversed(deltas)):
                    for j, d in enumerate(delta):
                        Wl[j] = [w - lr * (d * x) for w, x in zip(Wl[j], a_prev)]
                        Bl[j] -= lr * d
            if record or e == last_epoch:
                flat = self.flat_list()
                # A sum is non-finite if any term is (inf − inf is NaN); a false
                # alarm from overflow of finite terms costs only an exact replay.
                if not math.isfinite(sum(flat)):
                    return flats, math.nan, e
                if record:
                    flats.append(flat)
        if not z:
            return flats, math.nan, None
        err = [y - t for y, t in zip(a, z)]
        loss = 0.5 * sum(map(mul, err, err))
        return flats, loss, (None if math.isfinite(loss) else last_epoch)

    def mean_loss(self, X: list, Z: list) -> float:
        """Mean over rows of ½Σ(y − z)² at the current weights."""
        total = 0.0
        for x, z in zip(X, Z):
            y = self.output(x)
            total += 0.5 * sum((a - t) * (a - t) for a, t in zip(y, z))
        return total / len(X)

    def snapshot(self) -> tuple[list, list]:
        return [[r[:] for r in Wl] for Wl in self.W], [Bl[:] for Bl in self.B]

    def restore(self, state: tuple[list, list]) -> None:
        self.W, self.B = state

    def flat_list(self) -> list[float]:
        """The parameters in :attr:`MLP.params` order (per layer: W row-major, then b)."""
        out: list[float] = []
        for Wl, Bl in zip(self.W, self.B):
            for row in Wl:
                out += row
            out += Bl
        return out

    def load_flat(self, flat: list[float]) -> None:
        self.mlp.set_params(flat)
        self.W = [w.tolist() for w in self.mlp.weights]
        self.B = [b.tolist() for b in self.mlp.biases]

    def finite(self) -> bool:
        # A sum is non-finite if any term is (inf − inf is NaN); a false alarm
        # from overflow of finite terms only costs an exact NumPy replay.
        return math.isfinite(sum(sum(map(sum, Wl)) + sum(Bl) for Wl, Bl in zip(self.W, self.B)))

    def flat(self, state: tuple[list, list] | None = None) -> np.ndarray:
        W, B = state if state is not None else (self.W, self.B)
        out = np.empty_like(self.mlp.params)
        ws, bs = self.mlp.views_of(out)
        for l in range(len(W)):
            ws[l][...] = W[l]
            bs[l][...] = B[l]
        return out

    def write_back(self) -> None:
        self.mlp.set_params(self.flat())


# -- the epoch loop ---------------------------------------------------------------


def run(tr, epochs: int) -> None:
    """``Trainer.run`` for :func:`eligible` trainers with batch size 1."""
    if tr._fast_cache is None:
        tr._fast_cache = (tr.X.tolist(), tr.Z.tolist())
    X, Z = tr._fast_cache
    kernel = Kernel(tr.mlp, X, Z)
    n = tr.n_rows
    start_epoch = tr.epoch
    start_params = tr.mlp.params.copy()
    start_counts = (tr.position, tr.steps, tr.evaluations["gradient"], tr.optimizer.t)
    # Every epoch's rows and rate up front, drawing shuffles from the RNG in
    # the same order the NumPy path would, so both paths stay identical.
    orders = [tr.order]
    for _ in range(epochs - 1 if tr.shuffle else 0):
        orders.append(tr._rng.permutation(n))
    in_order = list(range(n))
    epoch_rows = []
    for e in range(epochs):
        if tr.shuffle:
            rows = orders[e][tr.position if e == 0 else 0 :].tolist()
        else:
            rows = in_order[tr.position :] if e == 0 else in_order
        epoch_rows.append(rows)
    lrs = [tr.schedule.rate(tr.base_learning_rate, start_epoch + e) for e in range(epochs)]
    flats, last_loss, bad = kernel.train_epochs(epoch_rows, lrs, keep_before_last=True)
    done = len(flats)
    trained = sum(len(r) for r in epoch_rows[:done])
    order = None
    if done and tr.shuffle:
        # The order for the epoch after the last one trained.
        order = orders[done] if done < epochs else tr._rng.permutation(n)
    tr._commit(Steps(trained, 0 if done else None, done, order))
    if bad is not None:
        kernel.load_flat(flats[-1] if flats else start_params.tolist())
    if flats:
        _record_epochs(tr, start_epoch, np.array(flats), start_params, orders, start_counts)
    if bad is None:
        kernel.write_back()
        if kernel.before_last is None:
            tr._commit(Steps(0, last_batch_loss=last_loss))
        else:
            last_rows = np.asarray(epoch_rows[-1][-1:])
            before = kernel.flat(kernel.before_last)
            tr._commit(Steps(0, None, 0, None, last_rows, last_loss, before))
        return
    # Replay the failing epoch in NumPy, which stops at the exact step that
    # diverged and keeps the weights from before it. Bounded by the epochs
    # asked for: the kernel's sum check also fires when finite weights merely
    # sum past 1e308, and NumPy then trains on without diverging.
    for _ in range(epochs - done):
        tr.step_batch()
        while tr.position:
            tr.step_batch()


def _record_epochs(
    tr,
    first_epoch: int,
    P: Array,
    start_params: Array,
    orders: list[Array],
    start_counts: tuple[int, int, int, int] = (0, 0, 0, 0),
) -> None:
    """Losses (one stacked NumPy pass) and history for epochs trained in the kernel."""
    train = tr.mlp.losses_for(P, tr.X, tr.Z)
    bad = np.flatnonzero(~np.isfinite(train))
    if bad.size:
        # Roll back to the last epoch with a finite loss and replay the next in NumPy.
        k = int(bad[0])
        P, train = P[:k], train[:k]
        done = first_epoch + k
        tr.mlp.set_params(P[-1] if k else start_params)
        # The position and the step, gradient and optimizer counts go back
        # with the weights: a run begun mid-epoch replays from its own row,
        # and the error names the step the NumPy path names.
        position, steps, evals, t = start_counts
        done_rows = (tr.n_rows - position) + (k - 1) * tr.n_rows if k else 0
        tr.epoch, tr.position = done, 0 if k else position
        tr.steps, tr.evaluations["gradient"] = steps + done_rows, evals + done_rows
        tr.optimizer.t = t + done_rows
        tr.order = orders[k] if tr.shuffle else tr.order
        _append_epochs(tr, first_epoch, P, train)
        while True:
            tr.step_batch()
    _append_epochs(tr, first_epoch, P, train)


def _append_epochs(tr, first_epoch: int, P: Array, train: Array) -> None:
    tests = []
    if tr.X_test is not None and len(train):
        tests = tr.mlp.losses_for(P, tr.X_test, tr.Z_test).tolist()
    tr.log_losses(train.tolist(), [0.0] * len(train), tests)
    if tr.history is not None:
        for k in range(len(train)):
            if tr.history.wants(first_epoch + k + 1):
                tr.history.record(first_epoch + k + 1, P[k])
