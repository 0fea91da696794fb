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
    time at 10⁶ points against 10³;
(d) a long run in the window (10⁶ and 10⁷ epochs): memory growth per 10⁶
    epochs against an unbounded loss record, and the longest GUI stall over
    the run and at its autosaves against the idle window's.

``main(quick=True)`` uses 100,000 rows, 10⁵ epochs (50,000 → 250,000 in (d)) and
short probes.
"""

from __future__ import annotations

from mlpviz.bench.big_data import bench_big_data
from mlpviz.bench.big_graph import BIG_NET, bench_graph
from mlpviz.bench.long_history import bench_history
from mlpviz.bench.long_run import bench_long_run, print_long_run


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
    print()

    d = bench_long_run((50_000, 250_000) if quick else (1_000_000, 10_000_000))
    print_long_run(d)
    return {"big_data": a, "graph": g, "history": h, "long_run": d}


if __name__ == "__main__":  # pragma: no cover
    main()
