"""Scale benchmark: the app with big data, a big network and a long history.

Every figure is printed beside a baseline measured in the same run (these
machines are shared and noisy, so the comparison means more than the value):

(a) GUI event-loop lateness (a 10 ms probe timer, p50/p99) while a
    1,000,000-row CSV loads in the dataset dialog's loader thread, and while
    the session trains on those rows in mini-batches of 64 — against the
    lateness of the idle window;
(b) frames per second of the network graph panning and zooming a
    784-128-64-10 network — against the tutorial's 2-3-1 network in the same
    view — and how many edges it draws at full zoom-out and zoomed in;
(c) memory of 10⁶ epochs of weight history (bounded by its capacity) and of
    the loss curve, against the unbounded arrays; and the loss plot's refresh
    time at 10⁶ points against 10³.

``main(quick=True)`` uses 100,000 rows, 10⁵ epochs and short probes.
"""

from __future__ import annotations

import gc
import itertools
import os
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np

BIG_NET = (784, 128, 64, 10)
TUTORIAL_NET = (2, 3, 1)


# -- helpers ---------------------------------------------------------------------------


def _app():
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def _run_loop(ms: int, until: Callable[[], bool] | None = None, poll_ms: int = 20) -> None:
    """Run the Qt event loop for ``ms`` milliseconds, or until ``until()`` holds."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    deadline = QTimer()
    deadline.setSingleShot(True)
    deadline.timeout.connect(loop.quit)
    poll = QTimer()
    if until is not None:
        poll.timeout.connect(lambda: until() and loop.quit())
        poll.start(poll_ms)
    deadline.start(ms)
    if until is None or not until():
        loop.exec()
    poll.stop()
    deadline.stop()


class LatenessProbe:
    """How late a 10 ms QTimer fires: a busy GUI thread makes it late."""

    def __init__(self, interval_ms: int = 10) -> None:
        from PySide6.QtCore import QElapsedTimer, QTimer

        self.interval = interval_ms / 1000
        self.lateness: list[float] = []
        self._clock = QElapsedTimer()
        self._timer = QTimer()
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)
        self._last = 0.0

    def _tick(self) -> None:
        now = self._clock.nsecsElapsed() / 1e9
        if self._last:
            self.lateness.append(max(0.0, now - self._last - self.interval))
        self._last = now

    def start(self) -> None:
        self.lateness.clear()
        self._last = 0.0
        self._clock.start()
        self._timer.start()

    def stop(self) -> dict:
        self._timer.stop()
        ms = np.array(self.lateness or [0.0]) * 1000
        return {
            "p50_ms": float(np.percentile(ms, 50)),
            "p99_ms": float(np.percentile(ms, 99)),
            "max_ms": float(ms.max()),
            "ticks": len(self.lateness),
        }


def _write_csv(path: Path, rows: int) -> None:
    """A rows × 3 numeric CSV with a header (x, y → z), written in blocks."""
    rng = np.random.default_rng(0)
    with path.open("w", encoding="utf-8", newline="\n") as f:
        f.write("x,y,z\n")
        done = 0
        while done < rows:
            n = min(100_000, rows - done)
            v = rng.uniform(-1.0, 1.0, (n, 3))
            v[:, 2] = np.sin(3 * v[:, 0]) * v[:, 1]  # something learnable
            f.write("\n".join(f"{a:.6f},{b:.6f},{c:.6f}" for a, b, c in v.tolist()))
            f.write("\n")
            done += n


def _snapshot(sizes: tuple[int, ...], rows: int = 8):
    """A real snapshot of a ``sizes`` network (random data), for the graph view."""
    from mlpviz.engine import MLP, Trainer
    from mlpviz.ui.training.measure import build_snapshot

    rng = np.random.default_rng(2)
    mlp = MLP(sizes, "sigmoid", "sigmoid", init="xavier", seed=3)
    X = rng.random((rows, sizes[0]))
    Z = rng.random((rows, sizes[-1]))
    trainer = Trainer(mlp, X, Z, batch_size=rows)
    trainer.step_batch()  # gradients and updates exist, as after a step
    return build_snapshot(trainer, explanation=None)


# -- (a) GUI lateness with a million rows ---------------------------------------------


def _headless_samples_s(window, problem, settings, seconds: float) -> float:
    """The engine alone on the same rows, network and settings: the speed baseline."""
    mlp = window.session.spec.build(len(problem.input_names), len(problem.target_names))
    trainer = settings.make_trainer(mlp, problem.X_train, problem.Z_train)
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        trainer.step_batch()
        steps += 1
    return steps * settings.batch_size / (time.perf_counter() - start)


def bench_big_data(rows: int, seconds: float) -> dict:
    """Lateness idle, while loading ``rows`` rows, and while training on them."""
    from PySide6.QtCore import QSettings

    from mlpviz.data.problem import prepare
    from mlpviz.engine.settings import TrainingSettings
    from mlpviz.ui.shell.app import settle_heap
    from mlpviz.ui.shell.main_window import MainWindow

    _app()
    out: dict = {"rows": rows}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"scale-{rows}.csv"
        _write_csv(path, rows)
        store = QSettings(str(Path(tmp) / "bench.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings_store=store)
        # Neither the user's settings nor their crash-recovery autosave are touched,
        # and a benchmark's run is not work to keep.
        window.session_actions.autosave_path = Path(tmp) / "autosave.mlpviz"
        window.session_actions.ask = lambda: "discard"
        window.resize(1360, 860)
        window.show()
        settle_heap()  # as the app does once its window is up
        _run_loop(10_000, lambda: window.session.latest is not None)
        _run_loop(500)  # first frames, docks laid out
        probe = LatenessProbe()
        try:
            probe.start()
            _run_loop(int(seconds * 1000))
            out["idle"] = probe.stop()

            # Loading again until the probe has run for ``seconds``: a small file
            # loads in less time than a few probe ticks.
            dialog = window.data_files.open_dialog()
            loads, start = [], time.perf_counter()
            probe.start()
            while not loads or time.perf_counter() - start < seconds:
                t0 = time.perf_counter()
                dialog.load(str(path))
                _run_loop(300_000, lambda: not dialog.is_busy)
                loads.append(time.perf_counter() - t0)
            out["loading"] = probe.stop()
            out["load_s"] = float(np.median(loads))
            out["loads"] = len(loads)
            dataset = dialog.dataset
            if dataset is None:
                raise RuntimeError(f"the benchmark CSV did not load: {dialog.message_text()}")
            dialog.reject()

            problem = prepare(dataset, ["x", "y"], ["z"], name=path.name)
            settings = TrainingSettings(batch_size=64)
            out["headless_samples_s"] = _headless_samples_s(window, problem, settings, seconds)
            window.session.configure(problem=problem, settings=settings)
            _run_loop(30_000, lambda: window.session.latest.n_rows == rows)
            window.session.run()
            _run_loop(500)  # the run and its frames settle
            steps0, t0 = window.session.latest.steps, time.perf_counter()
            probe.start()
            _run_loop(int(seconds * 1000))
            out["training"] = probe.stop()
            elapsed = time.perf_counter() - t0
            out["train_samples_s"] = (window.session.latest.steps - steps0) * 64 / elapsed
            out["train_speed_ratio"] = out["train_samples_s"] / out["headless_samples_s"]
            window.session.pause()
            _run_loop(5000, lambda: not window.session.running)
        finally:
            window.close()
            gc.unfreeze()  # leave a longer process (the tests) as it was
    return out


# -- (b) the graph view with a big network --------------------------------------------


def _on_screen_candidates(graph, snap) -> int:
    """Edges of which a part is inside the visible area, above the faint cut:
    what full detail draws.

    Worked out here from the nodes and the curve's control points (dense
    samples of its Bézier polynomial), not with the view's own formula.
    """
    from mlpviz.ui.graph.lod import FAINT

    area = graph.mapToScene(graph.viewport().rect()).boundingRect()
    sizes = snap.layer_sizes
    weights = snap.weights()
    vmax = max(float(np.abs(w).max()) for w in weights)
    # An edge from (xa, ya) to (xb, yb) has control points halfway across at
    # its end heights: x and the rise fraction along t, in Bernstein form.
    t = np.linspace(0.0, 1.0, 20001)
    b1, b2, b3 = 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t**2, t**3
    x_frac = 0.5 * b1 + 0.5 * b2 + b3
    rise = b2 + b3
    total = 0
    for l, w in enumerate(weights):
        nodes_in = [graph.node_items[(l, i)] for i in range(sizes[l])]
        nodes_out = [graph.node_items[(l + 1, j)] for j in range(sizes[l + 1])]
        xa = nodes_in[0].pos().x() + nodes_in[0].radius
        xb = nodes_out[0].pos().x() - nodes_out[0].radius
        left, right = max(area.left(), xa), min(area.right(), xb)
        if left > right:
            continue
        # The curve's height is monotone along it: the part inside the view's
        # columns spans its heights where it enters and leaves them.
        ends = [(left - xa) / (xb - xa), (right - xa) / (xb - xa)]
        r_left, r_right = np.interp(ends, x_frac, rise)
        y_in = np.array([n.pos().y() for n in nodes_in])[None, :]
        y_out = np.array([n.pos().y() for n in nodes_out])[:, None]
        at_left = y_in + (y_out - y_in) * r_left
        at_right = y_in + (y_out - y_in) * r_right
        on = (np.maximum(at_left, at_right) >= area.top()) & (
            np.minimum(at_left, at_right) <= area.bottom()
        )
        total += int((on & (np.abs(w) >= FAINT * vmax)).sum())
    return total


def _frames(graph, frames: int) -> dict:
    """Pan and zoom ``frames`` times, repainting each; frames per second.

    A frame is the view change, the events it causes (the level of detail's
    timer, when due) and a synchronous repaint; the repaint alone is also kept.
    """
    from PySide6.QtWidgets import QApplication

    rect = graph.sceneRect()
    times, paints = [], []
    for k in range(frames):
        t0 = time.perf_counter()
        if k % 4 == 3:
            factor = 1.15 if (k // 4) % 2 == 0 else 1 / 1.15
            graph.scale(factor, factor)
        else:
            # A slow sweep across the network and back.
            u = (k % 40) / 40
            x = rect.left() + rect.width() * (0.2 + 0.6 * abs(2 * u - 1))
            graph.centerOn(x, rect.center().y() + rect.height() * 0.2 * np.sin(k / 5))
        QApplication.processEvents()
        t1 = time.perf_counter()
        graph.viewport().repaint()
        t2 = time.perf_counter()
        times.append(t2 - t0)
        paints.append(t2 - t1)
    t = np.array(times)
    return {
        "fps": float(len(t) / t.sum()),
        "frame_p50_ms": float(np.percentile(t, 50) * 1000),
        "frame_p95_ms": float(np.percentile(t, 95) * 1000),
        "paint_p50_ms": float(np.percentile(paints, 50) * 1000),
    }


def _zoomed_detail(graph, snap, layer: int) -> dict:
    """Zoom in as far as the view allows between ``layer`` and the next, at the
    middle of the column; edges drawn against edges on screen."""
    for _ in range(40):  # the view clamps the zoom; this reaches the limit
        graph.zoom_in()
    sizes = snap.layer_sizes
    a = graph.node_items[(layer, sizes[layer] // 2)].pos()
    b = graph.node_items[(layer + 1, sizes[layer + 1] // 2)].pos()
    graph.centerOn((a.x() + b.x()) / 2, (a.y() + b.y()) / 2)
    _run_loop(150)  # the level-of-detail timer (60 ms) fires
    drawn, on_screen = graph.visible_edge_count(), _on_screen_candidates(graph, snap)
    return {
        "zoom": float(graph.transform().m11()),
        "drawn": drawn,
        "on_screen": on_screen,
        "full_detail": drawn == on_screen,
    }


def bench_graph(frames: int) -> dict:
    """Pan/zoom frame rate of the big network vs the tutorial's, and the edges drawn."""
    from mlpviz.ui.graph.view import NetworkGraphView

    _app()
    out: dict = {}
    for name, sizes in (("tutorial", TUTORIAL_NET), ("big", BIG_NET)):
        graph = NetworkGraphView()
        graph.resize(1000, 700)
        graph.show()
        t0 = time.perf_counter()
        graph.set_architecture(sizes)
        snap = _snapshot(sizes)
        graph.update_snapshot(snap)
        build_s = time.perf_counter() - t0
        _run_loop(100)
        _frames(graph, 5)  # warm-up: lazily created edges, caches
        graph.fit()
        r = _frames(graph, frames)
        r["build_s"] = build_s
        r["edges"] = int(sum(a * b for a, b in itertools.pairwise(sizes)))
        graph.fit()
        _run_loop(150)  # the level-of-detail timer (60 ms) fires
        r["drawn_fit"] = graph.visible_edge_count()
        if name == "big":
            # Fully zoomed in between the two hidden layers (128 × 64 weights),
            # and between the last hidden layer and the output (64 × 10).
            r["zoomed_hidden"] = _zoomed_detail(graph, snap, 1)
            graph.fit()
            r["zoomed_output"] = _zoomed_detail(graph, snap, 2)
        graph.close()
        graph.deleteLater()
        out[name] = r
    _run_loop(50)
    return out


# -- (c) a million epochs of history --------------------------------------------------


def bench_history(epochs: int, refreshes: int = 15) -> dict:
    """Weight history and loss curve after ``epochs`` epochs; loss-plot refresh time."""
    from mlpviz.engine import MLP, WeightHistory
    from mlpviz.ui.plots.loss_plot import LossPlot
    from mlpviz.ui.training.worker import HISTORY_CAPACITY

    _app()
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
    _run_loop(50)
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
    out["refresh_big_points"] = len(plot.train_losses)
    out["refresh_big_ms"] = timed_refreshes(epochs) * 1000
    out["refresh_ratio"] = out["refresh_big_ms"] / max(out["refresh_small_ms"], 1e-9)
    plot.stop_refresh()
    plot.close()
    plot.deleteLater()
    _run_loop(50)
    return out


# -- the report -------------------------------------------------------------------------


def _mb(n: float) -> str:
    return f"{n / 1e6:,.1f} MB"


def main(quick: bool = False) -> dict:
    """Run (a), (b) and (c); print the figures; return them as a dict."""
    rows = 100_000 if quick else 1_000_000
    seconds = 1.0 if quick else 3.0
    frames = 20 if quick else 80
    epochs = 100_000 if quick else 1_000_000

    a = bench_big_data(rows, seconds)
    print(f"(a) GUI lateness with {rows:,} rows (10 ms probe timer; target p99 ≤ 50 ms)")
    for key, label in (
        ("idle", "idle window (baseline)"),
        ("loading", f"loading the CSV ({a['load_s']:.2f} s, ×{a['loads']})"),
        ("training", "training, batches of 64"),
    ):
        r = a[key]
        print(f"  {label:<32} p50 {r['p50_ms']:6.1f} ms   p99 {r['p99_ms']:6.1f} ms")
    print(
        f"  training speed                   {a['train_samples_s']:,.0f} samples/s in the window"
        f" vs {a['headless_samples_s']:,.0f} headless = {a['train_speed_ratio']:.1%}\n"
    )

    g = bench_graph(frames)
    big, small = g["big"], g["tutorial"]
    print("(b) network graph, pan and zoom (target ≥ 30 fps)")
    for name, r in (("2-3-1 (baseline)", small), ("784-128-64-10", big)):
        print(
            f"  {name:<17} {r['fps']:6.1f} fps   frame p50 {r['frame_p50_ms']:5.1f} ms"
            f"   p95 {r['frame_p95_ms']:5.1f} ms   (paint p50 {r['paint_p50_ms']:.1f} ms)"
            f"   built in {r['build_s']:.2f} s"
        )
    print(f"  edges drawn when fitted: {big['drawn_fit']:,} of {big['edges']:,}")
    for key, label in (("zoomed_hidden", "128 → 64"), ("zoomed_output", "64 → 10")):
        z = big[key]
        detail = "full detail" if z["full_detail"] else "NOT full detail"
        print(
            f"  zoomed {z['zoom']:5.1f}× on {label}: {z['drawn']:,} drawn of the "
            f"{z['on_screen']:,} on screen ({detail})"
        )
    print()

    h = bench_history(epochs)
    print(f"(c) {epochs:,} epochs of history")
    print(
        f"  weight history     {_mb(h['history_bytes'])} ({h['history_rows']:,} rows, "
        f"every {h['history_stride']:,}th epoch) vs {_mb(h['history_unbounded_bytes'])} "
        f"unbounded; for {'-'.join(map(str, BIG_NET))}: {_mb(h['history_bytes_big_net'])}"
    )
    print(
        f"  loss curve arrays  {_mb(h['loss_curve_bytes'])} vs {_mb(h['loss_curve_raw_bytes'])}"
        " raw (train + test float64)"
    )
    print(
        f"  loss plot refresh  {h['refresh_big_ms']:.1f} ms at {h['refresh_big_points']:,}"
        f" points vs {h['refresh_small_ms']:.1f} ms at {h['refresh_small_points']:,}"
        f" = {h['refresh_ratio']:.2f}× (flat ≈ 1)"
    )
    return {"big_data": a, "graph": g, "history": h}


if __name__ == "__main__":  # pragma: no cover
    main()
