"""File › Export and the views' right-click export: every export writes a
file of the right kind that reads back, with the dialogs replaced by a path."""

from __future__ import annotations

import csv
import dataclasses
import io
import runpy

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, QPoint, Qt
from PySide6.QtGui import QContextMenuEvent, QImage

from mlpviz.io import load_model, read_minmax, read_trained_weights
from mlpviz.ui.files import view_pictures
from mlpviz.ui.files.export_actions import FOLDER, ExportActions, ExportViews

ALL = [
    "graph_png", "graph_svg", "loss_png", "loss_svg", "surface_png", "surface_svg",
    "weights_csv", "predictions_csv", "model_json", "go_files", "python",
]  # fmt: skip


class Paths:
    """Stands in for the file dialog: answers with ``next`` and records the questions."""

    def __init__(self) -> None:
        self.next: str | None = None
        self.asked: list[tuple[str, str, str]] = []

    def __call__(self, title: str, default_name: str, filter_: str) -> str | None:
        self.asked.append((title, default_name, filter_))
        return self.next


@pytest.fixture
def out(tmp_path):
    """A folder of its own: tmp_path also holds the settings file."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def exports(window):
    plots = (window.pair_plot, window.pca_plot, window.output_plot)
    views = ExportViews(window.graph, window.loss_plot, window.surfaces, *plots)
    ex = ExportActions(
        window,
        window.session,
        views,
        banner=window.banner,
        store=window.store,
        status_bar=window.statusBar(),
    )
    ex.install_menu(window.menuBar().actions()[0].menu())
    ex.ask_path = Paths()
    return ex


def trigger(ex: ExportActions, key: str, path) -> None:
    ex.ask_path.next = str(path)
    ex.actions[key].trigger()


def check_png(path) -> QImage:
    image = QImage(str(path))
    assert not image.isNull()
    assert 200 <= image.width() <= 8192 and 100 <= image.height() <= 8192
    small = image.scaled(64, 64)
    colours = {small.pixel(x, y) for x in range(64) for y in range(64)}
    assert len(colours) > 8, "the picture is blank"
    return image


def check_svg(path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<?xml") and "<svg" in text
    assert "<path" in text or "<polyline" in text or "<image" in text


def test_export_menu_sits_above_quit_with_every_action(window, exports):
    file_menu = window.menuBar().actions()[0].menu()
    entries = file_menu.actions()
    export_at = next(i for i, a in enumerate(entries) if a.menu() is exports.menu)
    assert entries[export_at + 1].isSeparator() and entries[-1] is window.menus.quit_action
    texts = [a.text() for a in exports.menu.actions() if not a.isSeparator()]
    assert texts[:2] == ["Network graph as PNG…", "Network graph as SVG…"]
    assert "Descent-path plot (current tab) as SVG…" in texts
    assert [exports.actions[k] for k in ALL] == [
        a for a in exports.menu.actions() if not a.isSeparator()
    ]
    assert all(exports.actions[k].isEnabled() for k in ALL)


def test_pictures_of_graph_loss_and_descent_path(window, exports, qtbot, out):
    window.controls.epochs.setValue(30)
    window.controls.run_n.trigger()
    qtbot.waitUntil(lambda: len(window.loss_plot.train_losses) >= 30, timeout=10000)
    window.surfaces.setCurrentWidget(window.output_plot)
    qtbot.waitUntil(lambda: not window.output_plot.showing_hint)
    for key in ("graph", "loss", "surface"):
        trigger(exports, f"{key}_png", out / f"{key}.png")
        trigger(exports, f"{key}_svg", out / f"{key}.svg")
        check_svg(out / f"{key}.svg")
        image = check_png(out / f"{key}.png")
        if key != "graph":  # the plots at twice their on-screen size
            view = window.loss_plot.plot_widget if key == "loss" else window.output_plot.view
            assert image.width() == 2 * view.viewport().width()
    assert not window.banner.isVisible()
    assert "Exported" in window.statusBar().currentMessage()
    # The dialog was asked with a sensible name and filter.
    assert exports.ask_path.asked[0][1:] == ("exam-scores.png", "PNG image (*.png)")
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{k}.{f}" for k in ("graph", "loss", "surface") for f in ("png", "svg")
    )


def test_data_exports_read_back(window, exports, qtbot, out):
    snap = window.session.latest
    p = window.session.problem
    trigger(exports, "weights_csv", out / "w.csv")
    rows = list(csv.reader(io.StringIO((out / "w.csv").read_text())))
    assert rows[0][0].startswith("# layer 1") and rows[1] == ["node", "I0", "I1", "bias"]
    np.testing.assert_array_equal(
        [[float(v) for v in r[1:]] for r in rows[2:5]],
        np.column_stack([snap.weights()[0], snap.biases()[0]]),
    )

    trigger(exports, "predictions_csv", out / "p.csv")
    rows = list(csv.reader(io.StringIO((out / "p.csv").read_text())))
    assert rows[0] == ["row", "split", "I0", "I1", "Z0", "Z0 predicted", "Z0 residual"]
    assert len(rows) == 1 + p.n_rows
    np.testing.assert_array_equal([float(r[5]) for r in rows[1:]], snap.predictions[:, 0])

    trigger(exports, "model_json", out / "m.json")
    model = load_model(out / "m.json")
    np.testing.assert_array_equal(model.mlp.params, snap.params)
    assert model.input_names == p.raw_input_names and model.target_names == p.target_names

    trigger(exports, "python", out / "m.py")
    ns = runpy.run_path(str(out / "m.py"))
    np.testing.assert_allclose(ns["predict"](p.raw_inputs), snap.predictions, rtol=1e-12)
    assert exports.ask_path.asked[-1][1] == "exam_scores_predict.py"

    (out / "go").mkdir()
    exports.ask_path.next = str(out / "go")
    exports.actions["go_files"].trigger()
    assert exports.ask_path.asked[-1][2] == FOLDER
    mlp = read_trained_weights(out / "go" / "trained-weights-biases.json")
    assert mlp.layer_sizes == snap.layer_sizes
    np.testing.assert_array_equal(mlp.params, snap.params)
    ins, outs = read_minmax(out / "go" / "minmax.json")
    np.testing.assert_array_equal(ins.transform(p.raw_inputs), p.X)
    np.testing.assert_array_equal(outs.transform(p.raw_targets), p.Z)
    assert not window.banner.isVisible()


def test_predictions_come_from_the_worker_when_the_snapshot_has_none(window, exports, qtbot, out):
    window.session.latest = dataclasses.replace(window.session.latest, predictions=None)
    trigger(exports, "predictions_csv", out / "p.csv")
    qtbot.waitUntil(lambda: (out / "p.csv").exists())
    rows = list(csv.reader(io.StringIO((out / "p.csv").read_text())))
    assert len(rows) == 1 + window.session.problem.n_rows


def test_cancel_errors_and_refusals(window, exports, monkeypatch, out):
    exports.ask_path.next = None
    exports.actions["model_json"].trigger()
    assert list(out.iterdir()) == [] and not window.banner.isVisible()
    # A path without an extension gets the default one.
    trigger(exports, "weights_csv", out / "weights")
    assert (out / "weights.csv").exists()
    trigger(exports, "graph_png", out / "no-such-folder" / "g.png")
    assert window.banner.isVisible() and window.banner.kind == "error"
    assert "Could not save" in window.banner.text.text()
    # A descent-path tab showing its hint has nothing to export.
    window.surfaces.setCurrentWidget(window.pca_plot)  # the weights have not moved yet
    assert window.pca_plot.showing_hint
    assert not exports.export_picture("surface", "png", str(out / "x.png"))
    assert window.banner.kind == "warning" and "nothing" in window.banner.text.text()
    assert not (out / "x.png").exists()
    # Without Qt's SVG module the SVG actions are disabled and say why.
    monkeypatch.setattr(view_pictures, "SVG_AVAILABLE", False)
    monkeypatch.setattr(view_pictures, "QSvgGenerator", None)
    action = exports._new_action("Loss plot as SVG…", "svg", lambda: None)
    assert not action.isEnabled() and "PySide6.QtSvg" in action.toolTip()
    assert not exports.export_picture("graph", "svg", str(out / "g.svg"))
    assert window.banner.kind == "error" and "QtSvg" in window.banner.text.text()
    assert not (out / "g.svg").exists()


def test_right_click_export_on_the_graph_and_plots(window, exports, qtbot, out):
    views = {
        "graph": window.graph,
        "pair": window.pair_plot.view,
        "pca": window.pca_plot.view,
        "output": window.output_plot.view,
    }
    for key, view in views.items():
        assert view.contextMenuPolicy() == Qt.ContextMenuPolicy.CustomContextMenu
        menu = exports.context_menus[key]
        assert [a.text() for a in menu.actions()] == ["Export as PNG…", "Export as SVG…"]
    # A real right click (as a context-menu event) pops the menu up.
    view = window.graph
    pos = QPoint(30, 30)
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, view.viewport().mapToGlobal(pos))
    QCoreApplication.sendEvent(view.viewport(), event)
    menu = exports.context_menus["graph"]
    qtbot.waitUntil(menu.isVisible)
    exports.ask_path.next = str(out / "graph.png")
    menu.actions()[0].trigger()
    menu.hide()
    check_png(out / "graph.png")
    # The loss plot keeps pyqtgraph's own menu; the export joins it.
    loss_menu = window.loss_plot.plot_item.getViewBox().menu
    assert exports.context_menus["loss"] is loss_menu
    texts = [a.text() for a in loss_menu.actions()]
    assert texts[-2:] == ["Export as PNG…", "Export as SVG…"]
    exports.ask_path.next = str(out / "loss.svg")
    loss_menu.actions()[-1].trigger()
    check_svg(out / "loss.svg")
