"""The mini-batch figures of ``mlpviz bench``: a 64-128-10 sigmoid net, 64-row batches.

Every contender is timed at two jobs, and only compared at the same one:

* **updates**: one epoch of SGD updates — what "samples per second" means
  for a training loop;
* **updates + loss**: the same, then the loss over all rows with the new
  weights — what ``Trainer.step_epoch`` must do, since it returns that loss.

Comparing the engine's second job with a loop's first would charge the
engine a forward pass over all 60,000 rows (a third of its epoch) that the
loop never makes. All contenders start from the same weights; the tests
check that the loop and the engine end at the same ones.
"""

from __future__ import annotations

import os
import time

import numpy as np

from mlpviz.engine import MLP, Trainer
from mlpviz.engine.kernels import batchpath

Array = np.ndarray
BATCH = 64
LR = 0.1


def sigmoid(s: Array) -> Array:
    return 1.0 / (1.0 + np.exp(-s))


def mnist_like(rows: int, seed: int = 0) -> tuple[Array, Array]:
    rng = np.random.default_rng(seed)
    return rng.random((rows, 64)), np.eye(10)[rng.integers(0, 10, rows)]


def start_net() -> MLP:
    return MLP((64, 128, 10), "sigmoid", "sigmoid", init="xavier", seed=1)


def loop_epoch(X: Array, Z: Array, epoch_loss: bool) -> tuple[float, list[Array], float | None]:
    """The straightforward batched NumPy loop: (seconds, [W1, b1, W2, b2], loss or None)."""
    net = start_net()
    W1, W2 = (w.copy() for w in net.weights)
    b1, b2 = (b.copy() for b in net.biases)
    loss = None
    t0 = time.perf_counter()
    for i in range(0, len(X), BATCH):
        x, z = X[i : i + BATCH], Z[i : i + BATCH]
        n = len(x)
        h = sigmoid(x @ W1.T + b1)
        y = sigmoid(h @ W2.T + b2)
        d_o = y * (1 - y) * (y - z)
        d_h = h * (1 - h) * (d_o @ W2)
        W2 -= LR * (d_o.T @ h) / n
        b2 -= LR * d_o.mean(0)
        W1 -= LR * (d_h.T @ x) / n
        b1 -= LR * d_h.mean(0)
    if epoch_loss:
        y = sigmoid(sigmoid(X @ W1.T + b1) @ W2.T + b2)
        loss = float((0.5 * ((y - Z) ** 2).sum(1)).mean())
    return time.perf_counter() - t0, [W1, b1, W2, b2], loss


def floor_epoch(X: Array, Z: Array) -> tuple[float, Array]:
    """The engine's NumPy calls for this net, written out in a straight line.

    The same ufuncs and BLAS calls on the same operands as the batch kernel,
    into buffers allocated once, without its checks or its generality: what
    an epoch of updates costs in NumPy itself. Returns (seconds, parameters);
    the tests check they are the engine's, bit for bit.
    """
    net = start_net()
    P = net.params
    (W1, W2), (b1, b2) = net.weights, net.biases
    grad = np.empty_like(P)
    (gW1, gW2), (gb1, gb2) = net.views_of(grad)
    W1T, W2T = W1.T, W2.T
    h, back, tmp = np.empty((BATCH, 128)), np.empty((BATCH, 128)), np.empty((BATCH, 128))
    y, g, d = np.empty((BATCH, 10)), np.empty((BATCH, 10)), np.empty((BATCH, 10))
    nb1, nb2 = np.empty(128), np.empty(10)
    mm, neg, sub, mul = np.matmul, np.negative, np.subtract, np.multiply
    exp, rec, add, red = np.exp, np.reciprocal, np.add, np.add.reduce
    t0 = time.perf_counter()
    for i in range(0, len(X), BATCH):
        x, z = X[i : i + BATCH], Z[i : i + BATCH]
        n = len(x)
        hn, yn, gn, dn, bn, tn = h[:n], y[:n], g[:n], d[:n], back[:n], tmp[:n]
        # σ(a·Wᵀ + b) as 1/(1 + e^((−b) − a·Wᵀ)), the hidden layer then the output
        for a, WT, b, nb, s in ((x, W1T, b1, nb1, hn), (hn, W2T, b2, nb2, yn)):
            mm(a, WT, out=s)
            neg(b, out=nb)
            sub(nb, s, out=s)
            exp(s, out=s)
            add(s, 1.0, out=s)
            rec(s, out=s)
        # δ_o = (1 − y)·y·(y − z); δ_h = (1 − h)·h·(δ_o·W2)
        sub(yn, z, out=gn)
        sub(1.0, yn, out=dn)
        mul(dn, yn, out=dn)
        mul(dn, gn, out=dn)
        mm(dn.T, hn, out=gW2)
        red(dn, axis=0, out=gb2)
        mm(dn, W2, out=bn)
        sub(1.0, hn, out=tn)
        mul(tn, hn, out=tn)
        mul(bn, tn, out=bn)
        mm(bn.T, x, out=gW1)
        red(bn, axis=0, out=gb1)
        if n & (n - 1):
            np.divide(grad, n, out=grad)
        else:
            mul(grad, 1.0 / n, out=grad)
        mul(grad, LR, out=grad)
        sub(P, grad, out=P)
    return time.perf_counter() - t0, P


def engine_epoch(X: Array, Z: Array, epoch_loss: bool, threads: int = 1) -> tuple[float, Trainer]:
    """The engine's epoch: ``Trainer.run(1)``, or with ``epoch_loss`` False its updates alone.

    The updates alone are the batch kernel's epoch, the part of ``run`` that
    trains; ``threads`` = 2 lets a helper thread share the epoch's loss.
    """
    trainer = Trainer(start_net(), X, Z, learning_rate=LR, batch_size=BATCH)
    if not epoch_loss:
        kernel = batchpath.Cache.of(trainer).kernel
        before_last = np.empty_like(trainer.mlp.params)
        t0 = time.perf_counter()
        ok, _, _ = kernel.train_epoch(None, 0, LR, before_last)
        seconds = time.perf_counter() - t0
        if not ok:  # cannot happen at this rate and scale; a figure from it would be wrong
            raise RuntimeError("the benchmark's network diverged")
        return seconds, trainer
    saved, batchpath.THREADS = batchpath.THREADS, threads
    try:
        t0 = time.perf_counter()
        trainer.run(1)
        return time.perf_counter() - t0, trainer
    finally:
        batchpath.THREADS = saved


def torch_epoch(X: Array, Z: Array, epoch_loss: bool, threads: int = 1) -> float | None:
    """PyTorch CPU, float64, from the same weights; None where torch is not installed."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(threads)
    net = start_net()
    Xt, Zt = torch.from_numpy(X), torch.from_numpy(Z)
    model = torch.nn.Sequential(
        torch.nn.Linear(64, 128), torch.nn.Sigmoid(), torch.nn.Linear(128, 10), torch.nn.Sigmoid()
    ).double()
    with torch.no_grad():
        for layer, w, b in zip((model[0], model[2]), net.weights, net.biases):
            layer.weight.copy_(torch.from_numpy(w))
            layer.bias.copy_(torch.from_numpy(b))
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    t0 = time.perf_counter()
    for i in range(0, len(Xt), BATCH):
        opt.zero_grad()
        y = model(Xt[i : i + BATCH])
        loss = 0.5 * ((y - Zt[i : i + BATCH]) ** 2).sum(1).mean()
        loss.backward()
        opt.step()
    if epoch_loss:
        with torch.no_grad():
            float((0.5 * ((model(Xt) - Zt) ** 2).sum(1)).mean())
    return time.perf_counter() - t0


JOBS = {"updates": False, "with_loss": True}


def bench_minibatch(rows: int = 60_000, rounds: int = 5) -> dict:
    """Samples per second, each the best of ``rounds`` interleaved runs.

    Keys ``"{contender}/{job}"``: contenders ``loop``, ``engine``, ``torch``
    (all on one thread) and, when the engine has a helper thread,
    ``engine_2`` and ``torch_2`` for the job with the loss.
    """
    X, Z = mnist_like(rows)
    helper = batchpath.THREADS > 1
    best: dict[str, float] = {}

    def timed(key: str, seconds: float | None) -> None:
        if seconds is not None:
            best[key] = min(best.get(key, float("inf")), seconds)

    for _ in range(rounds):  # interleaved, so all see the same machine load
        timed("floor/updates", floor_epoch(X, Z)[0])
        for job, with_loss in JOBS.items():
            timed(f"loop/{job}", loop_epoch(X, Z, with_loss)[0])
            timed(f"engine/{job}", engine_epoch(X, Z, with_loss)[0])
            timed(f"torch/{job}", torch_epoch(X, Z, with_loss))
        if helper:
            timed("engine_2/with_loss", engine_epoch(X, Z, True, threads=2)[0])
            timed("torch_2/with_loss", torch_epoch(X, Z, True, threads=2))
    out: dict = {"rows": rows, "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default")}
    out.update({f"{key}_samples_s": rows / s for key, s in best.items()})
    out["vs_floor/updates"] = best["floor/updates"] / best["engine/updates"]
    for job in JOBS:
        out[f"vs_loop/{job}"] = best[f"loop/{job}"] / best[f"engine/{job}"]
        if f"torch/{job}" in best:
            out[f"vs_torch/{job}"] = best[f"torch/{job}"] / best[f"engine/{job}"]
    if helper:
        out["vs_loop_2/with_loss"] = best["loop/with_loss"] / best["engine_2/with_loss"]
        if "torch_2/with_loss" in best:
            # Against PyTorch's faster setting: a second thread rarely helps it
            # here, and on a loaded machine its waiting threads can slow it down.
            fastest = min(best["torch/with_loss"], best["torch_2/with_loss"])
            out["vs_torch_2/with_loss"] = fastest / best["engine_2/with_loss"]
    return out


def print_minibatch(r: dict) -> None:
    print(
        f"mini-batch 64, 64-128-10 net, {r['rows']:,} rows, one epoch "
        "(target ≥ 1× the NumPy loop, ≥ 3× PyTorch CPU)"
    )
    print(f"  each job against the same job; NumPy's BLAS threads: {r['blas_threads']}")
    print(f"  {'samples/s':<32} {'updates':>18} {'updates + loss':>16}")

    def line(label: str, key: str) -> None:
        cells = [r.get(f"{key}/{job}_samples_s") for job in JOBS]
        if any(c is not None for c in cells):
            text = [f"{c:,.0f}" if c is not None else "—" for c in cells]
            print(f"  {label:<32} {text[0]:>18} {text[1]:>16}")

    line("NumPy loop", "loop")
    line("the engine's NumPy calls alone", "floor")
    line("PyTorch CPU, 1 thread", "torch")
    line("PyTorch CPU, 2 threads", "torch_2")
    line("mlpviz engine, 1 thread", "engine")
    line("mlpviz engine + loss thread", "engine_2")
    print(
        f"  engine vs its own NumPy calls written out: {r['vs_floor/updates']:.2f}× "
        "(updates; 1× = no overhead of its own)"
    )
    for against, name in (("loop", "the loop"), ("torch", "PyTorch")):
        ratios = [r.get(f"vs_{against}/{job}") for job in JOBS]
        if ratios[0] is None:
            print(f"  {name}: not installed here (skipped)")
            continue
        text = f"  engine vs {name}: {ratios[0]:.2f}× (updates), {ratios[1]:.2f}× (updates + loss)"
        two = r.get(f"vs_{against}_2/with_loss")
        if two is not None:
            text += f", {two:.2f}× with the loss thread"
        print(text)
    print()
