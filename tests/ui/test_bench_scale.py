"""The scale benchmark runs (quick sizes) and reports sane figures; and what it
showed about scale, pinned as deterministic tests (no timings: shared machines).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from mlpviz.bench import scale as bench_scale
from mlpviz.data import Dataset
from mlpviz.data.problem import Problem, prepare
from mlpviz.engine import MLP, WeightHistory
from mlpviz.engine.history import HISTORY_CAPACITY
from mlpviz.engine.settings import NetworkSpec, TrainingSettings
from mlpviz.ui.graph.lod import EDGE_BUDGET
from mlpviz.ui.training import surfaces
from mlpviz.ui.training.measure import build_snapshot

BIG_EDGES = 784 * 128 + 128 * 64 + 64 * 10


def _lateness_ok(r: dict) -> None:
    assert r["ticks"] > 0
    assert 0.0 <= r["p50_ms"] <= r["p99_ms"] <= r["max_ms"]
    assert math.isfinite(r["max_ms"])


@pytest.mark.slow
def test_quick_scale_bench_reports_every_figure(qtbot, capsys):
    result = bench_scale.main(quick=True)
    a, g, h = result["big_data"], result["graph"], result["history"]

    # (a) big data: three lateness probes, a load, training speeds.
    assert a["rows"] == 100_000
    for key in ("idle", "loading", "training"):
        _lateness_ok(a[key])
    assert a["load_s"] > 0 and a["loads"] >= 1
    assert a["train_samples_s"] > 0 and a["headless_samples_s"] > 0
    assert a["train_speed_ratio"] == pytest.approx(a["train_samples_s"] / a["headless_samples_s"])

    # (b) the graph: frame rates of both networks, edges drawn within the budget.
    small, big = g["tutorial"], g["big"]
    for r in (small, big):
        assert r["fps"] > 0 and r["frame_p50_ms"] <= r["frame_p95_ms"]
        assert 0 < r["paint_p50_ms"] <= r["frame_p95_ms"]
    assert small["edges"] == small["drawn_fit"] == 9  # a small network is drawn whole
    assert big["edges"] == BIG_EDGES
    assert 0 < big["drawn_fit"] <= EDGE_BUDGET
    for key in ("zoomed_hidden", "zoomed_output"):
        z = big[key]
        assert z["zoom"] > 1 and 0 < z["drawn"] <= z["on_screen"]
        assert z["full_detail"] == (z["drawn"] == z["on_screen"])
    # 64 × 10 weights fit the budget: zoomed in there, every one on screen is drawn.
    assert big["zoomed_output"]["full_detail"]

    # (c) history: bounded by the capacity, the loss curve near its raw size.
    n_params = MLP.tutorial().n_params
    assert h["epochs"] == 100_000
    assert 0 < h["history_rows"] <= HISTORY_CAPACITY
    assert h["history_stride"] > 1  # 10⁵ epochs did not fit undecimated
    assert h["history_bytes"] == HISTORY_CAPACITY * (n_params + 1) * 8
    assert h["history_unbounded_bytes"] == (100_000 + 1) * n_params * 8
    assert h["history_bytes_big_net"] == HISTORY_CAPACITY * (BIG_EDGES + 128 + 64 + 10 + 1) * 8
    assert 0 < h["loss_curve_bytes"] < 10 * h["loss_curve_raw_bytes"]
    assert h["refresh_small_points"] == 1000 and h["refresh_big_points"] == 100_000
    assert h["refresh_small_ms"] > 0 and h["refresh_big_ms"] > 0

    # (d) a long run: every checkpoint reached, memory measured, stalls placed.
    d = result["long_run"]
    assert [c["epoch"] >= e for c, e in zip(d["checkpoints"], (50_000, 250_000))] == [True] * 2
    for c in d["checkpoints"]:
        assert c["app_rss"] > 0 and c["autosave_bytes"] > 0
    assert d["autosaves"] >= 1
    assert 0 <= d["autosave_max_ms"] <= d["run_max_ms"] and d["idle_max_ms"] > 0
    # The loss record is bounded: far less growth than the unbounded record's.
    assert d["growth_per_million"] < 0.5 * d["unbounded_per_million"]

    printed = capsys.readouterr().out
    for head in ("(a) GUI lateness", "(b) network graph", "(c) 100,000 epochs", "(d) a long run"):
        assert head in printed
    assert "784-128-64-10" in printed


# -- what the benchmark showed --------------------------------------------------------


def _rows_problem(rows: int, columns: int = 2, targets: int = 1) -> Problem:
    rng = np.random.default_rng(0)
    values = rng.uniform(-1, 1, (rows, columns + targets))
    names = tuple(f"c{i}" for i in range(columns + targets))
    return prepare(Dataset(names, values), names[:columns], names[columns:])


def test_weight_history_of_a_784_128_64_10_network_fits_in_memory(qtbot, settings_store):
    from mlpviz.ui.shell.main_window import MainWindow

    problem = _rows_problem(20, columns=784, targets=10)
    window = MainWindow(
        problem=problem,
        spec=NetworkSpec(hidden=(128, 64), hidden_activations=("relu",), init="he"),
        settings_store=settings_store,
    )
    qtbot.addWidget(window)
    try:
        qtbot.waitUntil(lambda: window.session.latest is not None, timeout=20_000)
        snap = window.session.latest
        assert snap.layer_sizes == (784, 128, 64, 10)
        assert snap.history_nbytes <= 256 * 2**20, f"{snap.history_nbytes / 1e9:.1f} GB"
    finally:
        window.close()


def test_snapshots_within_an_epoch_do_not_each_pass_over_every_row():
    problem = _rows_problem(200_000)
    mlp = NetworkSpec().build(2, 1)
    trainer = TrainingSettings(batch_size=64).make_trainer(mlp, problem.X_train, problem.Z_train)
    trainer.history = WeightHistory(mlp.n_params, HISTORY_CAPACITY)
    evaluated = []
    forward = mlp.forward

    def counting_forward(X, *args, **kwargs):
        evaluated.append(len(np.atleast_2d(X)))
        return forward(X, *args, **kwargs)

    mlp.forward = counting_forward  # the instance's passes, whoever calls them
    for _ in range(10):  # ten snapshots, all inside the first epoch
        trainer.step_batch()
        build_snapshot(trainer, explanation=None)
    assert trainer.epoch == 0
    # A training step itself evaluates one batch; snapshots may add one full pass
    # over the rows in all (a cached metric) or a sample each — not ten passes.
    assert sum(evaluated) <= 1.5 * problem.n_rows, f"{sum(evaluated):,} rows evaluated"


def test_the_output_map_of_a_big_dataset_shows_a_sample_of_its_rows():
    problem = _rows_problem(100_000)
    mlp = NetworkSpec().build(2, 1)
    out = surfaces.output_surface(mlp, problem, classification=False)
    assert out is not None
    assert len(out.points) == len(out.targets) <= surfaces.MAX_ROWS


def test_a_view_behind_another_tab_skips_snapshots(qtbot, settings_store):
    from PySide6.QtCore import QCoreApplication

    from mlpviz.ui.shell.main_window import MainWindow

    window = MainWindow(settings_store=settings_store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    try:
        qtbot.waitUntil(lambda: window.session.latest is not None)
        QCoreApplication.processEvents()
        # The default layout: Math is a tab behind "Weights & biases", not on screen.
        assert window.inspector_dock in window.tabifiedDockWidgets(window.tables_dock)
        assert window.inspector.visibleRegion().isEmpty()
        shown = window.inspector.browser.toHtml()
        window.controls.step_sample.trigger()
        qtbot.waitUntil(lambda: window.session.latest.steps == 1)
        QCoreApplication.processEvents()
        assert window.inspector.browser.toHtml() == shown, "re-rendered while covered"
        # Brought to the front, it catches up with the step.
        window.inspector_dock.raise_()
        qtbot.waitUntil(lambda: window.inspector.browser.toHtml() != shown)
    finally:
        window.close()
