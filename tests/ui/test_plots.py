"""Live plots: loss curve, loss surfaces, output map (pytest-qt, offscreen)."""

from __future__ import annotations

import dataclasses
import math
import time
from pathlib import Path

import numpy as np
import pytest
import shiboken6
from PySide6.QtCore import QEvent, QObject, QPointF, QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from mlpviz.engine.layout import param_name
from mlpviz.engine.loss_archive import ARCHIVE_BUCKETS, RECENT_EPOCHS
from mlpviz.ui.plots.follow import follow_range, nice_ceiling
from mlpviz.ui.plots.loss_plot import LossPlot
from mlpviz.ui.plots.series import FACTOR, PeakSeries
from mlpviz.ui.plots.surface_plots import OutputSurfacePlot, PairSurfacePlot, PcaSurfacePlot
from mlpviz.ui.style import theme
from mlpviz.ui.style.plot_style import log_ticks, value_label
from mlpviz.ui.training.snapshot import OutputSurface, PairSurface, PcaSurface, Snapshot
from mlpviz.ui.widgets.contour import contour_segments, iso_levels
from mlpviz.ui.widgets.heatmap import cell_rect

SHOTS = Path("/tmp/mlpviz_shots")


# ---------------------------------------------------------------- fixtures


def make_snapshot(loss_start: int, losses, test_losses=()) -> Snapshot:
    """A real Snapshot carrying only a loss block (the rest is filler)."""
    z = np.zeros(1)
    return Snapshot(
        layer_sizes=(1, 1),
        activation_names=("identity",),
        params=np.zeros(2),
        epoch=loss_start + len(losses),
        position=0,
        steps=0,
        n_rows=1,
        learning_rate=0.1,
        running=True,
        train_loss=None,
        test_loss=None,
        metric_name="R²",
        metric=None,
        gradient=None,
        update=np.zeros(2),
        sample_index=0,
        sample_sums=(z,),
        sample_activations=(z, z),
        sample_deltas=(z,),
        sample_target=z,
        loss_start=loss_start,
        new_losses=np.asarray(losses, dtype=float),
        new_test_losses=np.asarray(test_losses, dtype=float),
    )


def bowl(na: int = 41, nb: int = 31, offset: float = 0.5):
    """A tilted quadratic bowl with its minimum at (0.5, 1); grid[i, j] at (a[i], b[j])."""
    a = np.linspace(-2.0, 3.0, na)
    b = np.linspace(-1.0, 3.0, nb)
    A, B = np.meshgrid(a, b, indexing="ij")
    grid = (A - 0.5) ** 2 + 0.5 * (B - 1.0) ** 2 + 0.3 * (A - 0.5) * (B - 1.0) + offset
    t = np.linspace(0.0, 1.0, 25)
    path = np.column_stack([-1.5 + 2.0 * t, 2.5 - 1.5 * t])
    return a, b, grid, path


def pair_surface(**kw) -> PairSurface:
    a, b, grid, path = bowl(**kw)
    return PairSurface(("w", 0, 1, 0), ("b", 1, 0), a, b, grid, path)


def pca_surface() -> PcaSurface:
    a, b, grid, path = bowl(31, 31, offset=0.02)
    return PcaSurface(a / 3, b / 3, grid, (path - path[-1]) / 3, (0.873, 0.091))


def output_surface(classification: bool = True, n: int = 90) -> OutputSurface:
    xs = np.linspace(-1.2, 1.2, 60)
    ys = np.linspace(-1.0, 1.4, 50)
    X, Y = np.meshgrid(xs, ys, indexing="ij")
    rng = np.random.default_rng(3)
    points = rng.uniform(-1.1, 1.1, (n, 2))
    if classification:
        grid = 1.0 / (1.0 + np.exp(-8.0 * (0.5 - (X**2 + Y**2))))
        targets = (points[:, 0] ** 2 + points[:, 1] ** 2 < 0.5).astype(float)
    else:
        grid = np.sin(2 * X) + Y
        targets = np.sin(2 * points[:, 0]) + points[:, 1]
    return OutputSurface(xs, ys, grid, points, targets, classification)


def settle(widget, rounds: int = 6) -> None:
    """Let layouts, axis widths and deferred redraws settle before looking."""
    for _ in range(rounds):
        QApplication.processEvents()
        if isinstance(widget, LossPlot):
            widget.refresh()


def curve_xy(item) -> tuple[np.ndarray, np.ndarray]:
    """A PlotDataItem's data, with pyqtgraph's (None, None) for "empty" as empty arrays."""
    x, y = item.getData()
    return (np.empty(0), np.empty(0)) if x is None else (x, y)


def image_stats(image: QImage) -> tuple[int, float]:
    """(distinct colours, fraction of non-white pixels) of a grabbed widget."""
    img = image.convertToFormat(QImage.Format.Format_RGB32)
    w, h = img.width(), img.height()
    buf = np.frombuffer(img.constBits(), dtype=np.uint32, count=img.bytesPerLine() * h // 4)
    px = buf.reshape(h, img.bytesPerLine() // 4)[:, :w] & 0xFFFFFF
    return int(np.unique(px).size), float((px != 0xFFFFFF).mean())


# ------------------------------------------------------------ pure helpers


def test_param_name():
    assert param_name(("w", 0, 1, 0)) == "w[0][1][0]"
    assert param_name(("b", 1, 2)) == "b[1][2]"
    assert param_name(("w", np.int64(2), 0, 3)) == "w[2][0][3]"


def test_peak_series_levels_match_brute_force():
    rng = np.random.default_rng(0)
    values = rng.normal(size=5000)
    values[[7, 100, 101, 4000]] = [np.nan, np.inf, -np.inf, np.nan]
    s = PeakSeries()
    for start in range(0, 5000, 333):
        s.write(start, values[start : start + 333])
    # Rewind into the middle and rewrite: the levels must forget the old tail.
    s.write(2500, values[2500:3000] * 2)
    expected = np.concatenate([values[:2500], values[2500:3000] * 2])
    expected[~np.isfinite(expected)] = np.nan
    assert len(s) == 3000
    np.testing.assert_array_equal(s.values, expected)
    x, y = s.view(0, 3000, 100)  # too many raw points: a decimated level
    size = FACTOR ** round(math.log(3000 / (len(x) / 2), FACTOR))
    assert len(x) <= 2 * 200
    padded = np.concatenate([expected, np.full(-len(expected) % size, np.nan)]).reshape(-1, size)
    np.testing.assert_array_equal(y[0::2], np.nanmax(padded, axis=1))
    np.testing.assert_array_equal(y[1::2], np.nanmin(padded, axis=1))
    # A narrow window returns the raw values themselves.
    x, y = s.view(10, 20, 100)
    np.testing.assert_array_equal(x, np.arange(10, 21))
    np.testing.assert_array_equal(y, expected[10:21])


def test_decimated_view_spans_exactly_the_covered_indexes():
    # Whatever the length modulo the bin size, a view that reaches the end of
    # the data ends on its last index, and one from 0 starts on index 0.
    rng = np.random.default_rng(1)
    for n in range(2320, 2340):
        s = PeakSeries()
        s.write(0, rng.normal(size=n))
        for budget in (50, 200, 1000):
            x, y = s.view(0, n - 1, budget)
            assert len(x) < n  # decimated, not raw
            assert x[0] == 0 and x[-1] == n - 1
            assert np.all(np.diff(x) >= 0)
            # The envelope is still every bin's max then min.
            assert np.nanmax(y) == np.nanmax(s.values) and np.nanmin(y) == np.nanmin(s.values)


def test_loss_curve_ends_on_the_last_epoch_when_decimated(loss_plot):
    for n in (2328, 2329, 2330, 2331):
        loss_plot.clear()
        loss_plot.append(0, np.linspace(1.0, 0.1, n), np.linspace(1.1, 0.2, n))
        loss_plot.refresh()
        x, _ = loss_plot.train_curve.getData()
        sx, _ = loss_plot.test_curve.getData()
        assert len(x) < n  # the pyramid drew it
        assert x[0] == 1 and x[-1] == n
        assert sx[-1] == n


def test_follow_range_moves_only_when_the_data_leave_the_view():
    assert [nice_ceiling(x) for x in (3, 10, 11, 105, 2001, 7000)] == [10, 10, 15, 150, 3000, 8000]
    ys = np.linspace(1.0, 0.1, 100)
    view = follow_range(100, ys, False, ((0.0, 10.0), (5.0, 6.0)))
    assert view is not None
    (x0, x1), (y0, y1) = view
    assert (x0, x1) == (0, 150) and y0 < 0.1 and y1 > 1.0
    # Once in view, more epochs within the frame move nothing; leaving it does.
    assert follow_range(100, ys, False, view) is None
    assert follow_range(140, ys, False, view) is None
    grown = follow_range(151, ys, False, view)
    assert grown is not None and grown[0] == (0, 200) and grown[1] == view[1]
    # Log axis: y in log10 units; nothing finite and positive: no move.
    (_, _), (ly0, ly1) = follow_range(100, ys, True, ((0.0, 10.0), (5.0, 6.0)))
    assert ly0 < -1.0 < 0.0 < ly1
    assert follow_range(5, np.array([np.nan, 0.0, -1.0]), True, view) is None


def test_peak_series_gap_and_clear():
    s = PeakSeries()
    s.write(0, [1.0, 2.0])
    s.write(5, [3.0])  # snapshots skipped: a NaN gap, not a shift
    assert len(s) == 6
    assert np.isnan(s.values[2:5]).all() and s.value(5) == 3.0
    s.clear()
    assert len(s) == 0 and s.view(0, 10, 100)[0].size == 0


def test_contour_segments_of_a_bowl_lie_on_circles():
    xs = np.linspace(-2, 2, 41)
    ys = np.linspace(-1, 3, 37)
    g = xs[:, None] ** 2 + (ys[None, :] - 1) ** 2
    x, y = contour_segments(g, [0.25, 1.0], xs, ys)
    assert len(x) == len(y) and len(x) % 2 == 0 and len(x) > 40
    r = np.hypot(x, y - 1)
    assert np.all((np.abs(r - 0.5) < 0.02) | (np.abs(r - 1.0) < 0.02))
    # NaN holes have no lines; flat grids and levels outside the range have none.
    g[15:25, 15:25] = np.nan
    x2, _ = contour_segments(g, [0.25], xs, ys)
    assert len(x2) < len(contour_segments(xs[:, None] ** 2 + 0 * ys, [0.25], xs, ys)[0]) + 1
    assert contour_segments(np.ones((5, 5)), [1.0], np.arange(5), np.arange(5))[0].size == 0
    assert contour_segments(g, [100.0], xs, ys)[0].size == 0
    np.testing.assert_allclose(iso_levels(0, 9, 8), np.arange(1, 9))


def test_log_ticks_and_labels():
    major, minor = log_ticks(-2.0, 0.0, 8)  # 0.01 … 1
    assert [value_label(10**v) for v in major] == ["0.01", "0.02", "0.05", "0.1", "0.2", "0.5", "1"]
    assert minor and not set(major) & set(minor)
    major, _ = log_ticks(-12.0, 0.0, 5)  # many decades: every k-th decade
    assert 2 <= len(major) <= 5
    major, _ = log_ticks(math.log10(0.2), math.log10(0.3), 6)  # a sliver: even steps
    assert len(major) >= 2
    assert value_label(2e-5) == "2×10⁻⁵" and value_label(1e6) == "10⁶"
    assert value_label(float("nan")) == "—"


def test_cell_rect_centres_pixels_on_samples():
    r = cell_rect(np.linspace(0, 4, 5), np.linspace(-1, 1, 3))
    assert (r.left(), r.right(), r.top(), r.bottom()) == (-0.5, 4.5, -1.5, 1.5)


# --------------------------------------------------------------- LossPlot


@pytest.fixture
def loss_plot(qtbot):
    plot = LossPlot()
    qtbot.addWidget(plot)
    return plot


def test_append_blocks_grow_the_curves(loss_plot):
    train = np.linspace(1.0, 0.1, 30)
    test = train + 0.05
    for k in range(0, 30, 10):
        loss_plot.append(k, train[k : k + 10], test[k : k + 10])
        # Storing is not drawing: the curve changes only on refresh.
        assert loss_plot.dirty
    assert len(curve_xy(loss_plot.train_curve)[0]) == 0
    assert loss_plot.refresh() is True
    assert loss_plot.refresh() is False  # nothing new: no redraw
    x, y = loss_plot.train_curve.getData()
    # The loss after epoch k is drawn at epoch k: the first at 1.
    np.testing.assert_array_equal(x, np.arange(1, 31))
    np.testing.assert_allclose(y, train)
    np.testing.assert_allclose(loss_plot.test_curve.getData()[1], test)
    assert len(loss_plot) == 30
    labels = [label.text for _, label in loss_plot.legend.items]
    assert labels == ["train", "test"]


def test_append_accepts_snapshots(loss_plot):
    loss_plot.append(make_snapshot(0, [0.5, 0.4], [0.6, 0.55]))
    loss_plot.append(make_snapshot(2, [0.3]))  # no test set this time: a gap
    loss_plot.refresh()
    np.testing.assert_allclose(loss_plot.train_losses, [0.5, 0.4, 0.3])
    np.testing.assert_allclose(loss_plot.test_losses[:2], [0.6, 0.55])
    assert np.isnan(loss_plot.test_losses[2])
    assert loss_plot.readout.text() == "epoch 3 · train 0.3 · test —"


def test_without_test_losses_there_is_no_test_series(loss_plot):
    loss_plot.append(0, [0.5, 0.25])
    loss_plot.refresh()
    assert [label.text for _, label in loss_plot.legend.items] == ["train"]
    assert len(curve_xy(loss_plot.test_curve)[0]) == 0
    assert loss_plot.readout_text(1) == "epoch 1 · train 0.5"
    assert loss_plot.readout_text() == "epoch 2 · train 0.25"


def test_rewind_truncates_then_appends(loss_plot):
    loss_plot.append(0, np.arange(100.0) + 1, np.arange(100.0) + 2)
    loss_plot.refresh()
    loss_plot.append(50, [-7.0, -8.0])  # history rewound to epoch 50
    loss_plot.refresh()
    assert len(loss_plot) == 52
    x, y = loss_plot.train_curve.getData()
    np.testing.assert_array_equal(x, np.arange(1, 53))
    np.testing.assert_array_equal(y[48:], [49.0, 50.0, -7.0, -8.0])
    # loss_start 0 with nothing new is a reset.
    loss_plot.append(0, [])
    loss_plot.refresh()
    assert len(loss_plot) == 0 and len(curve_xy(loss_plot.train_curve)[0]) == 0


def test_clear_resets_everything(loss_plot):
    loss_plot.append(0, [1.0, 0.5], [1.1, 0.6])
    loss_plot.set_follow(False)
    loss_plot.clear()
    assert len(loss_plot) == 0
    assert loss_plot.following
    assert [label.text for _, label in loss_plot.legend.items] == ["train"]
    assert loss_plot.readout.text() == ""


def test_log_scale_toggles_log_mode(loss_plot):
    loss_plot.append(0, np.geomspace(1.0, 1e-4, 200))
    loss_plot.set_log_scale(True)
    loss_plot.refresh()
    assert loss_plot.log_check.isChecked() and loss_plot.log_scale
    assert loss_plot.train_curve.opts["logMode"] == [False, True]
    assert loss_plot.plot_item.getAxis("left").logMode
    loss_plot.log_check.setChecked(False)  # the toolbar checkbox drives it too
    assert loss_plot.train_curve.opts["logMode"] == [False, False]


def test_non_finite_values_are_gaps(loss_plot):
    loss_plot.append(0, [1.0, np.nan, np.inf, -np.inf, 0.5, 0.0], [np.nan] * 6)
    loss_plot.set_log_scale(True)  # log10(0) must not break anything either
    assert loss_plot.refresh()
    y = loss_plot.train_losses
    assert np.isnan(y[1:4]).all() and y[4] == 0.5
    assert loss_plot.readout_text(3) == "epoch 3 · train —"
    loss_plot.set_log_scale(False)
    loss_plot.refresh()
    _, y = loss_plot.train_curve.getData()
    assert np.isfinite(y).sum() == 3


def test_a_million_epochs_in_100_blocks(loss_plot, qtbot):
    loss_plot.resize(600, 400)
    loss_plot.show()
    qtbot.waitExposed(loss_plot)
    n, blocks = 1_000_000, 100
    epochs = np.arange(n)
    train = 0.5 * np.exp(-epochs / 2e5) + 1e-3
    test = train * 1.1
    t0 = time.perf_counter()
    per = n // blocks
    for k in range(blocks):
        sl = slice(k * per, (k + 1) * per)
        loss_plot.append(k * per, train[sl], test[sl])
        loss_plot.refresh()
        QApplication.processEvents()
    elapsed = time.perf_counter() - t0
    assert len(loss_plot) == n
    # The last epochs are held exactly, the rest as bounded min/max envelopes.
    first = loss_plot.exact_from
    assert RECENT_EPOCHS <= n - first + 1 <= 2 * RECENT_EPOCHS
    np.testing.assert_array_equal(loss_plot.train_losses, train[first - 1 :])
    assert len(loss_plot.store.archive) <= ARCHIVE_BUCKETS
    x, y = loss_plot.train_curve.getData()
    # The curve gets a screen's worth of bins, yet spans the whole run and its range.
    assert 100 < len(x) < 20_000
    assert x[0] < 1_000 and x[-1] > n - 1_000
    assert np.nanmax(y) == pytest.approx(train.max()) and np.nanmin(y) == pytest.approx(train.min())
    assert loss_plot.readout.text().startswith("epoch 1,000,000 · train 0.00")
    print(f"1e6 epochs in 100 blocks with refresh: {elapsed:.2f} s")
    # Zooming in by hand hands over raw values for the visible exact range…
    loss_plot.plot_item.getViewBox().setXRange(n - 300, n - 100, padding=0)
    loss_plot.set_follow(False)
    loss_plot.refresh()
    x, y = loss_plot.train_curve.getData()
    inside = (x >= n - 300) & (x <= n - 100)
    np.testing.assert_array_equal(y[inside], train[x[inside].astype(int) - 1])
    # …and, in the archived part, each bucket's true min and max.
    loss_plot.plot_item.getViewBox().setXRange(500_000, 500_200, padding=0)
    loss_plot.set_follow(False)
    loss_plot.refresh()
    x, y = loss_plot.train_curve.getData()
    a = loss_plot.store.archive
    j = int(np.searchsorted(a.lasts, 500_100))
    lo, hi = train[a.firsts[j] - 1 : a.lasts[j]].min(), train[a.firsts[j] - 1 : a.lasts[j]].max()
    at = x == (a.firsts[j] + a.lasts[j]) / 2
    assert sorted(y[at]) == [lo, hi]


def test_hover_readout_names_the_nearest_epoch(loss_plot, qtbot):
    train = np.full(100, 0.5)
    test = np.full(100, 0.6)
    train[40], test[40] = 0.01234, 0.0150
    loss_plot.append(0, train, test)
    loss_plot.resize(600, 400)
    loss_plot.show()
    qtbot.waitExposed(loss_plot)
    settle(loss_plot)
    vb = loss_plot.plot_item.getViewBox()
    # Stored index 40 is the loss after epoch 41.
    scene = vb.mapViewToScene(QPointF(41.3, 0.3))
    loss_plot._on_mouse_moved((scene,))
    assert loss_plot.readout.text() == "epoch 41 · train 0.01234 · test 0.015"
    assert loss_plot._cursor.isVisible() and loss_plot._cursor.value() == 41
    assert len(loss_plot._hover_dots.getData()[0]) == 2
    # Leaving the plot area falls back to the latest epoch.
    loss_plot._on_mouse_moved((QPointF(-50, -50),))
    assert loss_plot.readout.text() == "epoch 100 · train 0.5 · test 0.6"
    assert not loss_plot._cursor.isVisible()


def test_loss_name_sets_the_axis_label(loss_plot):
    assert "½Σ(y−z)²" in loss_plot.plot_item.getAxis("left").labelText
    loss_plot.set_loss_name("cross-entropy")
    assert loss_plot.plot_item.getAxis("left").labelText == "cross-entropy"
    assert loss_plot.plot_item.getAxis("bottom").labelText == "epoch"


def test_refresh_timer_redraws_and_stops_on_close(loss_plot, qtbot):
    loss_plot.start_refresh(hz=60)
    assert loss_plot._timer.isActive() and loss_plot._timer.interval() == 17
    loss_plot.append(0, [1.0, 0.5])
    qtbot.waitUntil(lambda: not loss_plot.dirty, timeout=2000)
    assert len(loss_plot.train_curve.getData()[0]) == 2
    loss_plot.stop_refresh()
    assert not loss_plot.refreshing
    loss_plot.start_refresh()
    loss_plot.close()
    assert not loss_plot._timer.isActive()
    assert not loss_plot._view_timer.isActive()


def test_no_timer_survives_delete_later(qtbot):
    plot = LossPlot()
    plot.start_refresh()
    timer = plot._timer
    assert timer.isActive()
    plot.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(timer), timeout=2000)
    assert not shiboken6.isValid(plot)


@pytest.mark.parametrize("cls", [LossPlot, PairSurfacePlot, PcaSurfacePlot, OutputSurfacePlot])
def test_closing_leaves_no_timer_running(qtbot, cls):
    widget = cls()
    qtbot.addWidget(widget)
    widget.resize(400, 300)
    widget.show()
    qtbot.waitExposed(widget)
    if isinstance(widget, LossPlot):
        widget.start_refresh()
    # Hover traffic arms the SignalProxy's rate-limit timer too.
    view = widget.plot_item.scene()
    view.sigMouseMoved.emit(QPointF(100, 100))
    widget.close()
    running = [t for t in widget.findChildren(QTimer) if t.isActive()]
    assert running == [] and not widget._mouse_proxy.timer.isActive()


# ----------------------------------------------------------- loss surfaces


@pytest.fixture
def pair_plot(qtbot):
    plot = PairSurfacePlot()
    qtbot.addWidget(plot)
    return plot


def test_pair_surface_draws_grid_rect_path_and_labels(pair_plot):
    surface = pair_surface()
    pair_plot.update_surface(surface)
    assert not pair_plot.showing_hint
    # Modest range: linear colours, so the image is the grid itself, (na, nb).
    np.testing.assert_array_equal(pair_plot.image.image, surface.grid)
    rect = pair_plot.image.mapRectToParent(pair_plot.image.boundingRect())
    da = surface.a_values[1] - surface.a_values[0]
    db = surface.b_values[1] - surface.b_values[0]
    assert rect.left() == pytest.approx(surface.a_values[0] - da / 2)
    assert rect.right() == pytest.approx(surface.a_values[-1] + da / 2)
    assert rect.top() == pytest.approx(surface.b_values[0] - db / 2)
    assert rect.bottom() == pytest.approx(surface.b_values[-1] + db / 2)
    # Axis order: sample (a[i], b[j]) sits in pixel (i, j).
    p = pair_plot.image.mapFromParent(QPointF(surface.a_values[7], surface.b_values[3]))
    assert (p.x(), p.y()) == (pytest.approx(7.5), pytest.approx(3.5))
    x, y = pair_plot.path_curve.getData()
    np.testing.assert_allclose(np.column_stack([x, y]), surface.path)
    start = pair_plot.start_marker.getData()
    now = pair_plot.current_marker.getData()
    assert (start[0][0], start[1][0]) == tuple(surface.path[0])
    assert (now[0][0], now[1][0]) == tuple(surface.path[-1])
    assert pair_plot.plot_item.getAxis("bottom").labelText == "w[0][1][0]"
    assert pair_plot.plot_item.getAxis("left").labelText == "b[1][0]"
    assert len(pair_plot.contours.getData()[0]) > 0
    assert pair_plot.colorbar.levels() == pytest.approx((surface.grid.min(), surface.grid.max()))


def test_pair_surface_colours_decades_logarithmically(pair_plot):
    surface = pair_surface(offset=1e-4)  # 1e-4 … ~10: five decades
    pair_plot.update_surface(surface)
    np.testing.assert_allclose(pair_plot.image.image, np.log10(surface.grid))
    ticks = pair_plot.colorbar.axis._tickLevels
    assert ticks is not None and "0.01" in [label for _, label in ticks[0]]
    # The readout reports the loss itself, not its logarithm.
    a, b = surface.a_values[10], surface.b_values[5]
    assert pair_plot.readout_text(a, b).endswith(f"loss {surface.grid[10, 5]:.4g}")


def test_colour_bar_has_room_for_its_labels_and_title(pair_plot, qtbot):
    # pyqtgraph fixes a colour bar's axis at 45 px: its title would cover
    # labels such as 0.002. The axis must hold the widest label and the title.
    pair_plot.resize(700, 400)
    pair_plot.show()
    qtbot.waitExposed(pair_plot)
    pair_plot.update_surface(pair_surface(offset=1e-4))
    axis = pair_plot.colorbar.axis
    qtbot.waitUntil(lambda: axis.textWidth > 0)
    pair_plot.grab()  # paint, so the axis measures the labels it draws
    assert axis.fixedWidth is None
    title = axis.label.boundingRect().height() * 0.8
    # The layout applies the measured width on its next pass.
    qtbot.waitUntil(lambda: axis.width() >= axis.textWidth + title, timeout=2000)


def test_pair_surface_none_shows_hint_and_updates_in_place(pair_plot):
    assert pair_plot.showing_hint
    assert "Select two weights" in pair_plot.hint.text()
    surface = pair_surface()
    pair_plot.update_surface(surface)
    image, curve = pair_plot.image, pair_plot.path_curve
    # Same object again: nothing is redone. Same grid, new path: only the path moves.
    pair_plot.image.setImage = None  # would raise if called
    pair_plot.update_surface(surface)
    moved = PairSurface(
        surface.a, surface.b, surface.a_values, surface.b_values, surface.grid, surface.path[:5]
    )
    pair_plot.update_surface(moved)
    assert len(pair_plot.path_curve.getData()[0]) == 5
    del pair_plot.image.setImage
    assert pair_plot.image is image and pair_plot.path_curve is curve
    pair_plot.update_surface(None)
    assert pair_plot.showing_hint and pair_plot.readout.text() == ""


def test_pair_surface_hover_readout(pair_plot, qtbot):
    surface = pair_surface()
    pair_plot.update_surface(surface)
    pair_plot.resize(600, 400)
    pair_plot.show()
    qtbot.waitExposed(pair_plot)
    settle(pair_plot)
    vb = pair_plot.plot_item.getViewBox()
    a, b = surface.a_values[20], surface.b_values[10]
    pair_plot._on_mouse_moved((vb.mapViewToScene(QPointF(a + 0.01, b - 0.01)),))
    assert pair_plot.readout.text() == (
        f"w[0][1][0] = {a:.4g} · b[1][0] = {b:.4g} · loss {surface.grid[20, 10]:.4g}"
    ).replace("-", "−")


def test_pca_surface_labels_and_note(qtbot):
    plot = PcaSurfacePlot()
    qtbot.addWidget(plot)
    assert plot.showing_hint
    plot.update_surface(pca_surface())
    assert plot.plot_item.getAxis("bottom").labelText == "PC1 (87.3 % of variance)"
    assert plot.plot_item.getAxis("left").labelText == "PC2 (9.1 %)"
    assert "Li et al. 2018" in plot.note.text() and "Approximation" in plot.note.text()
    plot.show()
    qtbot.waitExposed(plot)
    assert plot.note.isVisible()
    x, y = plot.path_curve.getData()
    assert (x[-1], y[-1]) == (0.0, 0.0)
    plot.update_surface(None)
    assert plot.showing_hint


# ------------------------------------------------------------- output map


def test_output_surface_classification_points_and_boundary(qtbot):
    plot = OutputSurfacePlot()
    qtbot.addWidget(plot)
    assert plot.showing_hint and plot.hint.text() == "Needs at least two input columns"
    surface = output_surface(classification=True, n=90)
    plot.set_axis_names("x", "y")
    plot.update_surface(surface)
    assert not plot.showing_hint
    assert len(plot.scatter.data) == 90
    colours = {p.brush().color().rgb() for p in plot.scatter.points()}
    assert colours == {theme.POSITIVE.rgb(), theme.NEGATIVE.rgb()}
    np.testing.assert_array_equal(plot.image.image, surface.grid)
    # The decision boundary at 0.5 is the circle x² + y² = 0.5.
    x, y = plot.contours.getData()
    assert len(x) > 20
    np.testing.assert_allclose(np.hypot(x, y), math.sqrt(0.5), atol=0.03)
    assert plot.colorbar.levels() == (0.0, 1.0)
    assert plot.plot_item.getAxis("bottom").labelText == "x"
    assert plot.plot_item.getAxis("left").labelText == "y"
    plot.update_surface(None)
    assert plot.showing_hint


def test_output_surface_regression(qtbot):
    plot = OutputSurfacePlot()
    qtbot.addWidget(plot)
    plot.set_axis_names("", "")
    assert plot.plot_item.getAxis("bottom").labelText == "x₁"
    plot.update_surface(output_surface(classification=False, n=40))
    assert len(plot.scatter.data) == 40
    assert len({p.brush().color().rgb() for p in plot.scatter.points()}) > 10


# ------------------------------------------------------------------ stress


@pytest.mark.slow
def test_stress_thousands_of_repaints(qtbot):
    """Guards against PySide6 6.12.0 on Python < 3.12, which aborts the process
    after a few thousand QPainter draw calls (our dependency pin excludes it).

    3000 data updates; every 6th (loss) / 12th (surface) is painted
    synchronously, which keeps the test well under 20 s on a slow machine.
    """

    class PaintCounter(QObject):
        paints = 0

        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint:
                PaintCounter.paints += 1
            return False

    loss = LossPlot()
    pair = PairSurfacePlot()
    counter = PaintCounter()
    for w, view in ((loss, loss.plot_widget), (pair, pair.view)):
        qtbot.addWidget(w)
        w.resize(320, 220)
        w.show()
        qtbot.waitExposed(w)
        view.viewport().installEventFilter(counter)
    surface = pair_surface()
    rng = np.random.default_rng(1)
    iterations = 3000
    for k in range(iterations):
        epochs = 5 * k + np.arange(5)
        train = 1.0 / (1.0 + 0.01 * epochs) + rng.uniform(0.0, 0.01, 5)
        loss.append(5 * k, train, train * 1.1)
        loss.refresh()
        if k % 6 == 0:
            loss.plot_widget.viewport().repaint()  # synchronous: one full QPainter pass
        if k % 12 == 0:
            path = surface.path[: 2 + (k // 12) % 23]
            pair.update_surface(
                PairSurface(
                    surface.a, surface.b, surface.a_values, surface.b_values, surface.grid, path
                )
            )
            pair.view.viewport().repaint()
        if k % 10 == 0:
            QApplication.processEvents()
        if k % 1000 == 0:
            assert not loss.grab().isNull() and not pair.grab().isNull()
    assert len(loss) == 5 * iterations
    # ~750 passes; each issues dozens of draw calls (curves, ticks, labels,
    # image), so well over ten thousand QPainter calls in all.
    assert PaintCounter.paints >= iterations // 6 + iterations // 12


# ------------------------------------------------------------- screenshots


def _shoot(widget, qtbot, tmp_path: Path, name: str) -> None:
    qtbot.addWidget(widget)
    widget.resize(600, 400)
    widget.show()
    qtbot.waitExposed(widget)
    settle(widget)
    image = widget.grab().toImage()
    assert image.width() >= 600 and image.height() >= 400
    colours, inked = image_stats(image)
    assert colours > 30 and inked > 0.05, (name, colours, inked)
    assert image.save(str(tmp_path / f"{name}.png"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    image.save(str(SHOTS / f"{name}.png"))


def test_screenshots(qtbot, tmp_path):
    loss = LossPlot()
    e = np.arange(3000)
    rng = np.random.default_rng(0)
    train = 0.25 * np.exp(-e / 400) + 0.01 + 0.002 * rng.random(3000)
    test = 0.27 * np.exp(-e / 450) + 0.018 + 0.004 * rng.random(3000)
    for k in range(0, 3000, 100):
        loss.append(k, train[k : k + 100], test[k : k + 100])
    loss.set_log_scale(True)
    _shoot(loss, qtbot, tmp_path, "loss")

    pair = PairSurfacePlot()
    pair.update_surface(pair_surface(offset=0.01))
    _shoot(pair, qtbot, tmp_path, "pair")

    pca = PcaSurfacePlot()
    pca.update_surface(pca_surface())
    _shoot(pca, qtbot, tmp_path, "pca")

    output = OutputSurfacePlot()
    output.set_axis_names("x", "y")
    output.update_surface(output_surface(classification=True, n=120))
    _shoot(output, qtbot, tmp_path, "output")


def test_pair_surface_keeps_colour_levels_and_axes_while_values_drift(pair_plot):
    # While training, a new surface comes twice a second with a slightly
    # different loss range; regenerating the colour bar's axis and the plot's
    # axis labels each time costs the GUI's frame, so steady ranges are kept.
    surface = pair_surface()
    pair_plot.update_surface(surface)
    levels = pair_plot.colorbar.levels()
    bottom = pair_plot.plot_item.getAxis("bottom")
    label_item = bottom.label
    drifted = dataclasses.replace(surface, grid=surface.grid * 0.97 + 0.02)
    calls = []
    bottom.setLabel = lambda *a, **k: calls.append(a)  # would record a regeneration
    pair_plot.update_surface(drifted)
    assert pair_plot.colorbar.levels() == pytest.approx(levels)
    assert calls == [] and bottom.label is label_item
    # Values well outside (or far inside) the old range get their own levels.
    grown = dataclasses.replace(surface, grid=surface.grid * 3.0)
    pair_plot.update_surface(grown)
    assert pair_plot.colorbar.levels() == pytest.approx((grown.grid.min(), grown.grid.max()))
    shrunk = dataclasses.replace(surface, grid=surface.grid * 0.2 + 0.4)
    pair_plot.update_surface(shrunk)
    assert pair_plot.colorbar.levels() == pytest.approx((shrunk.grid.min(), shrunk.grid.max()))
    del bottom.setLabel


def test_pair_surface_near_the_float_limit_does_not_raise(pair_plot):
    # Found by the monkey test: weights typed in as -1e308 and 1e300 make a
    # grid wider than the float range; the plot keeps its view instead of
    # raising from inside a frame.
    t = np.linspace(0.0, 1.0, 41)
    a = -1e308 * (1.0 - t) + 1e308 * t  # np.linspace itself would overflow
    b = np.linspace(-1.0, 1.0, 31)
    grid = np.ones((41, 31))
    path = np.array([[-1e308, 0.0], [1e308, 0.5]])
    pair_plot.update_surface(PairSurface(("w", 0, 1, 0), ("b", 1, 0), a, b, grid, path))
    assert not pair_plot.showing_hint
    np.testing.assert_array_equal(pair_plot.image.image, grid)
