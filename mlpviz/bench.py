"""``mlpviz bench``: performance figures, each against a baseline measured
in the same process (these machines are shared and noisy, so ratios mean
more than seconds).
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from .engine import MLP, Trainer, batchpath


def best_of(fn: Callable[[], object], repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def _sigmoid(s: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-s))


def _tutorial_data() -> tuple[np.ndarray, np.ndarray]:
    raw = np.array([[70, 98, 91], [50, 85, 82], [65, 67, 80], [25, 95, 68]], dtype=float)
    scaled = (raw - raw.min(0)) / (raw.max(0) - raw.min(0))
    return scaled[:, :2], scaled[:, 2:]


def baseline_per_sample(epochs: int) -> float:
    """The straightforward NumPy loop: forward, backward with np.outer, update."""
    X, Z = _tutorial_data()
    W1 = np.array([[-0.5, -1.0], [-0.5, 0.5], [1.0, 0.0]])
    b1 = np.full(3, 0.5)
    W2 = np.array([[0.5, -1.0, 0.0]])
    b2 = np.array([0.5])
    lr = 0.1
    t0 = time.perf_counter()
    for _ in range(epochs):
        for x, z in zip(X, Z):
            h = _sigmoid(W1 @ x + b1)
            y = _sigmoid(W2 @ h + b2)
            d_o = y * (1 - y) * (y - z)
            d_h = h * (1 - h) * (W2.T @ d_o)
            W2 -= lr * np.outer(d_o, h)
            b2 -= lr * d_o
            W1 -= lr * np.outer(d_h, x)
            b1 -= lr * d_h
    return time.perf_counter() - t0


def engine_per_sample(epochs: int) -> float:
    X, Z = _tutorial_data()
    trainer = Trainer(MLP.tutorial(), X, Z, learning_rate=0.1)
    t0 = time.perf_counter()
    trainer.run(epochs)
    return time.perf_counter() - t0


def bench_per_sample(epochs: int = 1500, rounds: int = 11) -> dict:
    """Steps per second, tutorial 2-3-1 net, 4 rows, per-sample SGD."""
    steps = 4 * epochs
    base = eng = float("inf")
    for _ in range(rounds):  # interleaved, so both see the same machine load
        base = min(base, baseline_per_sample(epochs))
        eng = min(eng, engine_per_sample(epochs))
    return {"baseline_steps_s": steps / base, "engine_steps_s": steps / eng, "ratio": base / eng}


def _mnist_like(rows: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.random((rows, 64))
    Z = np.eye(10)[rng.integers(0, 10, rows)]
    return X, Z


def baseline_minibatch(
    X: np.ndarray, Z: np.ndarray, batch: int = 64, lr: float = 0.1, epoch_loss: bool = True
) -> float:
    """The straightforward batched NumPy loop for a 64-128-10 sigmoid net.

    With ``epoch_loss`` it does the whole job ``Trainer.step_epoch`` does: one
    epoch of updates, then the loss over all rows with the new weights.
    """
    rng = np.random.default_rng(1)
    W1 = rng.uniform(-0.1, 0.1, (128, 64))
    b1 = np.zeros(128)
    W2 = rng.uniform(-0.1, 0.1, (10, 128))
    b2 = np.zeros(10)
    t0 = time.perf_counter()
    for i in range(0, len(X), batch):
        x, z = X[i : i + batch], Z[i : i + batch]
        n = len(x)
        h = _sigmoid(x @ W1.T + b1)
        y = _sigmoid(h @ W2.T + b2)
        d_o = y * (1 - y) * (y - z)
        d_h = h * (1 - h) * (d_o @ W2)
        W2 -= lr * (d_o.T @ h) / n
        b2 -= lr * d_o.mean(0)
        W1 -= lr * (d_h.T @ x) / n
        b1 -= lr * d_h.mean(0)
    if epoch_loss:
        y = _sigmoid(_sigmoid(X @ W1.T + b1) @ W2.T + b2)
        float((0.5 * ((y - Z) ** 2).sum(1)).mean())
    return time.perf_counter() - t0


def engine_minibatch(X: np.ndarray, Z: np.ndarray, batch: int = 64, threads: int = 1) -> float:
    """One ``Trainer.run(1)``; ``threads`` = 2 lets a helper thread share the epoch's loss."""
    mlp = MLP((64, 128, 10), "sigmoid", "sigmoid", init="xavier", seed=1)
    trainer = Trainer(mlp, X, Z, learning_rate=0.1, batch_size=batch)
    saved, batchpath.THREADS = batchpath.THREADS, threads
    try:
        t0 = time.perf_counter()
        trainer.run(1)
        return time.perf_counter() - t0
    finally:
        batchpath.THREADS = saved


def torch_minibatch(
    X: np.ndarray, Z: np.ndarray, batch: int = 64, threads: int = 1
) -> float | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(threads)  # the engine's budget: 1, or 2 against its helper thread
    Xt, Zt = torch.from_numpy(X), torch.from_numpy(Z)
    model = torch.nn.Sequential(
        torch.nn.Linear(64, 128), torch.nn.Sigmoid(), torch.nn.Linear(128, 10), torch.nn.Sigmoid()
    ).double()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    t0 = time.perf_counter()
    for i in range(0, len(Xt), batch):
        opt.zero_grad()
        y = model(Xt[i : i + batch])
        loss = 0.5 * ((y - Zt[i : i + batch]) ** 2).sum(1).mean()
        loss.backward()
        opt.step()
    with torch.no_grad():  # the same job as Trainer.step_epoch: the epoch's loss after it
        float((0.5 * ((model(Xt) - Zt) ** 2).sum(1)).mean())
    return time.perf_counter() - t0


def bench_minibatch(rows: int = 60_000, rounds: int = 3) -> dict:
    """Samples per second for one epoch, each figure the best of ``rounds`` interleaved runs.

    The engine runs twice: on one thread, and with the helper thread it uses
    by default (``batchpath.THREADS``) for the epoch's loss. PyTorch gets the
    same number of threads in each comparison.
    """
    X, Z = _mnist_like(rows)
    helper = batchpath.THREADS > 1
    best: dict[str, float] = {}

    def timed(key: str, seconds: float | None) -> None:
        if seconds is not None:
            best[key] = min(best.get(key, float("inf")), seconds)

    for _ in range(rounds):  # interleaved, so all see the same machine load
        timed("baseline", baseline_minibatch(X, Z))
        timed("plain", baseline_minibatch(X, Z, epoch_loss=False))
        timed("engine", engine_minibatch(X, Z))
        timed("torch", torch_minibatch(X, Z))
        if helper:
            timed("engine_2", engine_minibatch(X, Z, threads=2))
            timed("torch_2", torch_minibatch(X, Z, threads=2))
    out = {
        "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "OpenBLAS default"),
        "baseline_samples_s": rows / best["baseline"],
        "plain_samples_s": rows / best["plain"],
        "engine_samples_s": rows / best["engine"],
        "ratio": best["baseline"] / best["engine"],
        "ratio_plain": best["plain"] / best["engine"],
    }
    if helper:
        out["engine_2_samples_s"] = rows / best["engine_2"]
        out["ratio_2"] = best["baseline"] / best["engine_2"]
        out["ratio_plain_2"] = best["plain"] / best["engine_2"]
    if "torch" in best:
        out["torch_samples_s"] = rows / best["torch"]
        out["ratio_vs_torch"] = best["torch"] / best["engine"]
        if helper:
            out["torch_2_samples_s"] = rows / best["torch_2"]
            # Against PyTorch's faster setting: a second thread rarely helps it here,
            # and on a loaded machine its idle-waiting threads can make it far slower.
            out["ratio_vs_torch_2"] = min(best["torch"], best["torch_2"]) / best["engine_2"]
    return out


def _print_minibatch(r: dict, rows: int) -> None:
    print(
        f"mini-batch 64, 64-128-10 net, {rows:,} rows, one epoch "
        "(target ≥ 1× the NumPy loop, ≥ 3× PyTorch CPU)"
    )
    print(f"  NumPy's BLAS threads: {r['blas_threads']}; PyTorch: as many as the engine uses")
    print(
        f"  NumPy loop + epoch loss        {r['baseline_samples_s']:>10,.0f} samples/s   (same job)"
    )
    print(f"  NumPy loop, updates only       {r['plain_samples_s']:>10,.0f} samples/s")
    print(
        f"  mlpviz engine, 1 thread        {r['engine_samples_s']:>10,.0f} samples/s   "
        f"ratio {r['ratio']:.2f}× (same job), {r['ratio_plain']:.2f}× (updates only)"
    )
    if "engine_2_samples_s" in r:
        print(
            f"  mlpviz engine + loss thread    {r['engine_2_samples_s']:>10,.0f} samples/s   "
            f"ratio {r['ratio_2']:.2f}× (same job), {r['ratio_plain_2']:.2f}× (updates only)"
        )
    if "torch_samples_s" in r:
        print(
            f"  PyTorch CPU + loss, 1 thread   {r['torch_samples_s']:>10,.0f} samples/s   "
            f"mlpviz (1 thread)/torch {r['ratio_vs_torch']:.2f}×"
        )
        if "torch_2_samples_s" in r:
            print(
                f"  PyTorch CPU + loss, 2 threads  {r['torch_2_samples_s']:>10,.0f} samples/s   "
                f"mlpviz (2 threads)/torch (faster of 1, 2) {r['ratio_vs_torch_2']:.2f}×"
            )
    else:
        print("  PyTorch                        not installed here (skipped)")
    print()


def main(quick: bool = False, gui: bool = False, scale: bool = False) -> int:
    from .data.bench import bench_load_csv
    from .engine.landscape import bench_loss_grid

    print("mlpviz bench — every figure is against a baseline run in this process\n")
    r = bench_per_sample(rounds=5 if quick else 11)
    print("per-sample SGD, tutorial 2-3-1 net, 4 rows (target ≥ 2× the plain NumPy loop)")
    print(f"  plain NumPy loop  {r['baseline_steps_s']:>12,.0f} steps/s")
    print(f"  mlpviz engine     {r['engine_steps_s']:>12,.0f} steps/s   ratio {r['ratio']:.2f}×\n")

    rows = 10_000 if quick else 60_000
    _print_minibatch(bench_minibatch(rows=rows, rounds=3 if quick else 5), rows)

    g = bench_loss_grid(naive_rows=20 if quick else None)
    print("loss_grid 200×200, 1,000 rows, 2-16-1 net (target ≤ 0.2 s)")
    rows = [
        ("two first-layer weights, 2 threads", "different_nodes_s"),
        ("the same, 1 thread", "different_nodes_1thread_s"),
        ("two weights of one node", "same_node_s"),
        ("two output weights", "output_layer_s"),
        ("weights in different layers", "across_layers_s"),
        ("PCA plane 50×50", "pca_50x50_s"),
        ("naive batched forward (baseline)", "naive_s"),
    ]
    for label, key in rows:
        if key in g:
            print(f"  {label:<36} {g[key]:7.3f} s")
    if "speedup" in g:
        print(f"  speed-up over the baseline           {g['speedup']:7.1f}×")
    print()

    with tempfile.TemporaryDirectory() as tmp:
        c = bench_load_csv(Path(tmp), rows=200_000 if quick else 1_000_000)
    print("load_csv, 1,000,000 × 3 file (target ≤ 1.5× numpy.loadtxt)")
    print(f"  numpy.loadtxt     {c['loadtxt_s']:.3f} s")
    print(f"  load_csv          {c['load_csv_s']:.3f} s   ratio {c['ratio']:.2f}×")
    if gui:
        from .ui.bench_gui import main as gui_bench

        print()
        gui_bench(quick=quick)
    if scale:
        from .ui.bench_scale import main as scale_bench

        print()
        scale_bench(quick=quick)
    return 0
