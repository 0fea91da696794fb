"""Scale benchmark (c): memory of a long run's weight history (bounded by its
capacity) and loss curve against the unbounded arrays, and the loss plot's
refresh time at that many points against a thousand."""

from __future__ import annotations

import time
import tracemalloc

import numpy as np

from mlpviz.bench.big_graph import BIG_NET
from mlpviz.bench.event_loop import app, run_loop


def bench_history(epochs: int, refreshes: int = 15) -> dict:
    """Weight history and loss curve after ``epochs`` epochs; loss-plot refresh time."""
    from mlpviz.engine import MLP, WeightHistory
    from mlpviz.engine.history import HISTORY_CAPACITY
    from mlpviz.ui.plots.loss_plot import LossPlot

    app()
    out: dict = {"epochs": epochs}
    # The weight history as the worker keeps it, fed a random walk of weights.
    mlp = MLP.tutorial()
    history = WeightHistory(mlp.n_params, HISTORY_CAPACITY)
    rng = np.random.default_rng(4)
    params = mlp.params.copy()
    steps = rng.normal(0, 1e-3, (1000, mlp.n_params))
    t0 = time.perf_counter()
    for e in range(epochs + 1):
        params += steps[e % 1000]
        history.record(e, params)
    out["history_record_s"] = time.perf_counter() - t0
    out["history_rows"] = len(history)
    out["history_stride"] = history.stride
    out["history_bytes"] = history.nbytes
    out["history_unbounded_bytes"] = (epochs + 1) * mlp.n_params * 8
    # The same capacity for the big network: capacity × parameters × 8 bytes.
    per_row = WeightHistory(MLP(BIG_NET).n_params, 4).nbytes // 4
    out["history_bytes_big_net"] = per_row * HISTORY_CAPACITY

    # The loss curve: memory of the arrays behind it, measured by tracemalloc
    # (NumPy reports its buffers to it), against one float64 array of the losses.
    plot = LossPlot()
    plot.resize(800, 300)
    plot.show()
    run_loop(50)
    losses = 1.0 / np.sqrt(np.arange(1, epochs + 1)) + rng.normal(0, 1e-3, epochs)

    def timed_refreshes(n: int) -> float:
        times = []
        for k in range(refreshes):
            plot.append(n + k, [float(losses[(n + k) % epochs])])  # new data: dirty
            t = time.perf_counter()
            plot.refresh()
            plot.plot_widget.viewport().repaint()
            times.append(time.perf_counter() - t)
        plot.append(n, [])  # back to n points
        return float(np.median(times))

    small = min(1000, epochs)
    plot.append(0, losses[:small])
    out["refresh_small_points"] = small
    out["refresh_small_ms"] = timed_refreshes(small) * 1000
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    block = 1000  # as snapshots deliver them: a block of epochs at a time
    for lo in range(small, epochs, block):
        plot.append(lo, losses[lo : lo + block])
    out["loss_curve_bytes"] = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    out["loss_curve_raw_bytes"] = (epochs - small) * 2 * 8  # train + test, float64
    out["refresh_big_points"] = len(plot)  # epochs shown, folded ones included
    out["refresh_big_ms"] = timed_refreshes(epochs) * 1000
    out["refresh_ratio"] = out["refresh_big_ms"] / max(out["refresh_small_ms"], 1e-9)
    plot.stop_refresh()
    plot.close()
    plot.deleteLater()
    run_loop(50)
    return out
