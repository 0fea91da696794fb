"""Scale benchmark (b): frames per second of the network graph panning and
zooming a 784-128-64-10 network against the tutorial's 2-3-1 network in the
same view, and how many edges it draws fitted and fully zoomed in, against the
edges on screen (worked out independently of the view)."""

from __future__ import annotations

import itertools
import time

import numpy as np

from mlpviz.bench.event_loop import app, run_loop

BIG_NET = (784, 128, 64, 10)
TUTORIAL_NET = (2, 3, 1)


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
    run_loop(150)  # the level-of-detail timer (60 ms) fires
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

    app()
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
        run_loop(100)
        _frames(graph, 5)  # warm-up: lazily created edges, caches
        graph.fit()
        r = _frames(graph, frames)
        r["build_s"] = build_s
        r["edges"] = int(sum(a * b for a, b in itertools.pairwise(sizes)))
        graph.fit()
        run_loop(150)  # the level-of-detail timer (60 ms) fires
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
    run_loop(50)
    return out
