"""``mlpviz bench``: performance figures, each against a baseline measured
in the same process (these machines are shared and noisy, so ratios mean
more than seconds).
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import numpy as np

from mlpviz.bench.minibatch import bench_minibatch, print_minibatch, sigmoid
from mlpviz.engine import MLP, Trainer


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
            h = sigmoid(W1 @ x + b1)
            y = sigmoid(W2 @ h + b2)
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


def main(quick: bool = False, gui: bool = False, scale: bool = False, sklearn: bool = False) -> int:
    from mlpviz.bench.csv_load import bench_load_csv
    from mlpviz.bench.landscape import bench_loss_grid

    print("mlpviz bench — every figure is against a baseline run in this process\n")
    r = bench_per_sample(rounds=5 if quick else 11)
    print("per-sample SGD, tutorial 2-3-1 net, 4 rows (target ≥ 2× the plain NumPy loop)")
    print(f"  plain NumPy loop  {r['baseline_steps_s']:>12,.0f} steps/s")
    print(f"  mlpviz engine     {r['engine_steps_s']:>12,.0f} steps/s   ratio {r['ratio']:.2f}×\n")

    rows = 10_000 if quick else 60_000
    print_minibatch(bench_minibatch(rows=rows, rounds=3 if quick else 5))

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
    if sklearn:
        from mlpviz.bench.sklearn_compare import bench_sklearn, print_sklearn

        print()
        print_sklearn(bench_sklearn())
    if gui:
        from mlpviz.bench.gui import main as gui_bench

        print()
        gui_bench(quick=quick)
    if scale:
        from mlpviz.bench.scale import main as scale_bench

        print()
        scale_bench(quick=quick)
    return 0
