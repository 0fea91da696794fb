"""The GUI benchmark runs and reports its three figures (no timing asserted:
these machines are shared; `mlpviz bench --gui` prints the real figures)."""

from __future__ import annotations

import math

import pytest

from mlpviz.bench import gui as bench_gui


@pytest.mark.slow
def test_gui_bench_reports_lateness_refreshes_and_speed(qtbot, capsys):
    from PySide6.QtWidgets import QApplication

    # The benchmark closes its window but keeps the shared QApplication.
    result = bench_gui.main(quick=True, rounds=1)
    out = capsys.readouterr().out
    assert 0.0 <= result["lateness_p50_ms"] <= result["lateness_p99_ms"]
    assert math.isfinite(result["lateness_p99_ms"])
    # Training ran and the views followed it.
    assert result["refresh_hz"] > 0 and result["epochs_s"] > 0
    assert result["headless_epochs_s"] > 0
    assert result["speed_ratio"] == pytest.approx(result["epochs_s"] / result["headless_epochs_s"])
    for figure in ("lateness", "view refreshes", "training speed", "headless"):
        assert figure in out
    # The window's run trained in the training process, and the report says so.
    assert result["offloaded"]
    assert "a training process of its own" in out
    assert QApplication.instance() is not None
