"""The descent-path dock's honest landscapes: the line slice tab and the PCA residual strip."""

from __future__ import annotations

import numpy as np
import pytest

from mlpviz.ui.plots.line_slice_plot import LineSlicePlot
from mlpviz.ui.plots.plane_residual_plot import off_plane_share
from mlpviz.ui.training.snapshot import LineSlice, PcaSurface


def _line(losses, path_losses) -> LineSlice:
    alphas = np.linspace(-0.5, 1.5, len(losses))
    return LineSlice(
        alphas, np.asarray(losses, float), np.array([0.0, 0.6, 1.0]),
        np.asarray(path_losses, float), np.array([0, 5, 10]), 2.5,
    )  # fmt: skip


def test_line_slice_plot_draws_the_line_and_the_path_dots(qtbot):
    plot = LineSlicePlot()
    qtbot.addWidget(plot)
    assert plot.showing_hint
    line = _line([3.0, 2.0, 1.0, 0.5, 0.8], [2.0, 1.4, 0.5])
    plot.update_surface(line)
    assert not plot.showing_hint
    x, y = plot.curve.getData()
    np.testing.assert_array_equal(x, line.alphas)
    np.testing.assert_array_equal(y, line.losses)
    np.testing.assert_array_equal(plot.dots.xData, line.path_alphas)
    np.testing.assert_array_equal(plot.dots.yData, line.path_losses)
    assert not plot.log
    assert "α = 1.00" in plot.readout.text()  # the lowest loss on the line
    plot.update_surface(_line([1000.0, 1.0, 0.5], [9.0, 1.0, 0.5]))
    assert plot.log  # a span of 2000× goes on a log axis
    # There the dots sit where their losses are (log10 coordinates), as the curve does.
    np.testing.assert_allclose(plot.dots.scatter.data["y"], np.log10([9.0, 1.0, 0.5]))
    np.testing.assert_allclose(plot.curve.getData()[1], np.log10([1000.0, 1.0, 0.5]))
    plot.update_surface(None)
    assert plot.showing_hint


def test_off_plane_share_compares_residual_with_the_path_reach():
    path = np.array([[3.0, 0.0], [0.0, 0.0]])
    pca = PcaSurface(
        np.zeros(2), np.zeros(2), np.zeros((2, 2)), path, (1.0, 0.0),
        residual=np.array([4.0, 0.0]), epochs=np.array([0, 1]),
    )  # fmt: skip
    assert off_plane_share(pca) == 4.0 / 5.0


def test_main_window_line_tab_gets_the_line_from_the_worker(window, qtbot):
    window.surface_dock.show()
    window.surfaces.setCurrentWidget(window.line_plot)
    window.controls.epochs.setValue(30)
    window.controls.run_n.trigger()
    qtbot.waitUntil(lambda: window.session.latest.epoch == 30, timeout=10000)
    qtbot.waitUntil(lambda: window.line_plot.surface is not None, timeout=5000)
    qtbot.waitUntil(lambda: window.line_plot.surface.path_epochs[-1] == 30, timeout=5000)
    line = window.line_plot.surface
    assert line.path_alphas[-1] == pytest.approx(1.0) and line.path_alphas[0] == 0.0
    window.surfaces.setCurrentWidget(window.pca_plot)
    qtbot.waitUntil(lambda: window.pca_plot.surface is not None, timeout=5000)
    pca = window.pca_plot.surface
    np.testing.assert_array_equal(window.pca_plot.residual.curve.getData()[1], pca.residual)
    assert window.pca_plot.residual.share == off_plane_share(pca)
