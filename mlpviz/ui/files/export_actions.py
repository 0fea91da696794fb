"""File › Export: pictures of the views and the trained network as files.

:class:`ExportActions` owns the actions and a right-click "Export as
PNG…/SVG…" on the network graph and every plot; the main window only
creates it from the views it exports (:class:`ExportViews`) and calls
:meth:`ExportActions.install_menu`. The views' classes are untouched: their
context menus are attached from here.

Pictures are rendered by :mod:`~mlpviz.ui.files.view_pictures`. File names
come from :attr:`ExportActions.ask_path`, which tests replace to skip the
dialogs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QGraphicsView, QMenu, QStatusBar, QTabWidget, QWidget

from mlpviz.io.atomic import write_bytes_atomic
from mlpviz.io.exports import (
    build_model,
    save_go_companion,
    save_predictions_csv,
    save_standalone_python,
    save_weights_csv,
)
from mlpviz.io.model_file import Model, save_model
from mlpviz.ui.files import view_pictures

if TYPE_CHECKING:
    from mlpviz.ui.graph.view import NetworkGraphView
    from mlpviz.ui.plots.loss_plot import LossPlot
    from mlpviz.ui.plots.surface_plots import OutputSurfacePlot, PairSurfacePlot, PcaSurfacePlot
    from mlpviz.ui.training.session import Session
    from mlpviz.ui.widgets.banner import Banner

__all__ = ["FOLDER", "ExportActions", "ExportViews"]

# ask_path's filter for "choose a folder" (the Go companion files are two files).
FOLDER = "folder"
PNG, SVG = "PNG image (*.png)", "SVG drawing (*.svg)"
CSV, JSON, PY = "CSV table (*.csv)", "mlpviz model (*.json)", "Python module (*.py)"
AskPath = Callable[[str, str, str], "str | None"]

# Picture exports: key → (menu text, title for dialogs and the SVG).
_PICTURES = {
    "graph": ("Network graph", "Network graph"),
    "loss": ("Loss plot", "Loss"),
    "surface": ("Descent-path plot (current tab)", "Descent path"),
}
# File exports: key → (menu text, what it is, default name's ending, dialog filter, tip).
_FILES = {
    "weights_csv": (
        "&Weights and biases as CSV…", "the weights and biases", "-weights.csv", CSV,
        "One table per layer: rows are nodes, columns their inputs and the bias",
    ),
    "predictions_csv": (
        "&Predictions and residuals as CSV…", "the predictions", "-predictions.csv", CSV,
        "Every row: inputs, targets, predictions and residuals in the data's units",
    ),
    "model_json": (
        "&Model as JSON…", "the model", "-model.json", JSON,
        "An mlpviz model file: network, scalers, column names and settings",
    ),
    "go_files": (
        "&Go companion files…", "the Go companion files", "", FOLDER,
        "trained-weights-biases.json and minmax.json for the tutorial's Go code",
    ),
    "python": (
        "Model as standalone P&ython…", "the standalone Python model", ".py", PY,
        "A .py file that predicts with only NumPy installed",
    ),
}  # fmt: skip


def _slug(name: str) -> str:
    """A file-name-safe version of the data's name."""
    return re.sub(r"[^\w.-]+", "-", name).strip("-.") or "mlpviz"


# -- the actions -------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportViews:
    """The views whose pictures are exported; ``surfaces`` is the tab widget
    holding the three descent-path plots ("current tab" is its current one)."""

    graph: NetworkGraphView
    loss_plot: LossPlot
    surfaces: QTabWidget
    pair_plot: PairSurfacePlot
    pca_plot: PcaSurfacePlot
    output_plot: OutputSurfacePlot


class ExportActions(QObject):
    """The export actions of the main window, its Export menu and context menus.

    ``parent`` owns the actions and centres the dialogs; ``session`` gives the
    model and the data; failures go to ``banner``, successes to ``status_bar``;
    the last export folder is kept in ``store``.

    Attributes
    ----------
    ask_path : ``(title, default_name, filter) -> str | None``
        Asks where to save (``filter`` :data:`FOLDER`: a folder); None cancels.
    actions : dict of str to QAction
        ``graph_png``, ``graph_svg``, ``loss_png``, ``loss_svg``, ``surface_png``,
        ``surface_svg``, then the keys of the file exports: ``weights_csv``,
        ``predictions_csv``, ``model_json``, ``go_files``, ``python``.
    context_menus : dict of str to QMenu
        The right-click menus of ``graph``, ``loss``, ``pair``, ``pca``, ``output``.
    """

    def __init__(
        self,
        parent: QWidget,
        session: Session,
        views: ExportViews,
        *,
        banner: Banner,
        store: QSettings,
        status_bar: QStatusBar,
    ) -> None:
        super().__init__(parent)
        self._parent, self.session, self.views = parent, session, views
        self.banner, self.store, self.status_bar = banner, store, status_bar
        self.ask_path: AskPath = self._dialog
        self.menu: QMenu | None = None
        self.actions: dict[str, QAction] = {}
        self.context_menus: dict[str, QMenu] = {}
        self._pending_predictions: str | None = None
        for key, (text, _title) in _PICTURES.items():
            for fmt in ("png", "svg"):
                self.actions[f"{key}_{fmt}"] = self._new_action(
                    f"{text} as {fmt.upper()}…", fmt, lambda k=key, f=fmt: self.export_picture(k, f)
                )
        for key, (text, *_rest, tip) in _FILES.items():
            self.actions[key] = self._new_action(text, "", lambda k=key: self.export_file(k))
            self.actions[key].setStatusTip(tip)
        session.predictionsReady.connect(self._predictions_ready)
        self._install_context_menus()

    def _new_action(self, text: str, fmt: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(lambda _checked=False: slot())
        if fmt == "svg" and not view_pictures.SVG_AVAILABLE:
            action.setEnabled(False)
            action.setToolTip("SVG export needs Qt's SVG module (PySide6.QtSvg)")
        return action

    # -- menus -----------------------------------------------------------------------------

    def install_menu(self, file_menu: QMenu) -> QMenu:
        """Add File › Export ▸, above the separator before Quit (else at the end)."""
        menu = QMenu("&Export", file_menu)
        menu.setToolTipsVisible(True)  # the disabled SVG actions say why
        for i, key in enumerate(self.actions):
            if i in (6, 8):  # pictures | tables | the network as a program's input
                menu.addSeparator()
            menu.addAction(self.actions[key])
        separators = [a for a in file_menu.actions() if a.isSeparator()]
        if separators:
            file_menu.insertMenu(separators[-1], menu)
        else:
            file_menu.addMenu(menu)
        self.menu = menu
        return menu

    def _install_context_menus(self) -> None:
        w = self.views
        targets = {
            "graph": (w.graph, "Network graph"),
            "loss": (w.loss_plot.plot_widget, "Loss"),
            "pair": (w.pair_plot.view, "Descent path: two weights"),
            "pca": (w.pca_plot.view, "Descent path: whole path (PCA)"),
            "output": (w.output_plot.view, "Network output over the inputs"),
        }
        for key, (view, title) in targets.items():
            vb = w.loss_plot.plot_item.getViewBox() if key == "loss" else None
            if vb is not None and vb.menu is not None:
                # pyqtgraph shows its own menu on a right click here; a second
                # Qt menu would pop up on top of it, so join pyqtgraph's instead.
                menu = vb.menu
                menu.addSeparator()
            else:
                menu = QMenu(view)
                view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
                view.customContextMenuRequested.connect(
                    lambda pos, v=view, m=menu: m.popup(v.viewport().mapToGlobal(pos))
                )
            for fmt in ("png", "svg"):
                slot = partial(self._picture, view, title, fmt, key == "graph")
                menu.addAction(self._new_action(f"Export as {fmt.upper()}…", fmt, slot))
            self.context_menus[key] = menu

    # -- helpers ---------------------------------------------------------------------------

    def _dialog(self, title: str, default_name: str, filter_: str) -> str | None:
        start = self._start_dir()
        if filter_ == FOLDER:
            path = QFileDialog.getExistingDirectory(self._parent, title, start)
        else:
            path, _ = QFileDialog.getSaveFileName(
                self._parent, title, str(Path(start) / default_name), filter_
            )
        return path or None

    def _start_dir(self) -> str:
        store = self.store
        return str(store.value("export_dir", "") or store.value("last_dir", "") or Path.home())

    def _ask(self, title: str, suffix: str, filter_: str) -> str | None:
        name = _slug(self.session.problem.name)
        if suffix == ".py":  # importable: a module name has no dashes
            name = re.sub(r"\W", "_", name)
            name = name if name[:1].isalpha() else f"model_{name}"
            suffix = "_predict.py"
        path = self.ask_path(title, name + suffix, filter_)
        if not path:
            return None
        p = Path(path)
        if filter_ != FOLDER and not p.suffix:  # some dialogs do not add the extension
            p = p.with_name(p.name + Path(suffix).suffix)
        self.store.setValue("export_dir", str(p if filter_ == FOLDER else p.parent))
        return str(p)

    def _save(self, what: str, path: str, write: Callable[[], object]) -> bool:
        """Run ``write``; report success in the status bar, failure in the banner."""
        try:
            warnings = write()
        except OSError as e:
            msg = f"Could not save {what} to {path}: {e.strerror or e}"
            self.banner.show_message(msg, "error")
            return False
        except ValueError as e:
            self.banner.show_message(f"Could not export {what}: {e}", "error")
            return False
        self.status_bar.showMessage(f"Exported {what} to {path}", 8000)
        if warnings:
            msg = f"Exported {what}, but: " + "; ".join(warnings) + "."
            self.banner.show_message(msg, "warning")
        return True

    def model(self) -> Model:
        """The network as it is now (the latest snapshot), with the data's scalers."""
        s = self.session
        snap = s.latest
        if snap is None:
            raise ValueError("the network is not ready yet; try again in a moment")
        args = (snap.layer_sizes, snap.activation_names, snap.params)
        return build_model(s.problem, *args, s.spec, s.settings, snap.epoch)

    # -- exports ----------------------------------------------------------------------------

    def export_picture(self, key: str, fmt: str, path: str | None = None) -> bool:
        """The graph, the loss plot or the current descent-path plot as ``fmt`` (png, svg)."""
        w = self.views
        title = _PICTURES[key][1]
        if key == "graph":
            view: QGraphicsView = w.graph
        elif key == "loss":
            view = w.loss_plot.plot_widget
        else:
            plot, tab = w.surfaces.currentWidget(), w.surfaces.tabText(w.surfaces.currentIndex())
            if plot.showing_hint:
                msg = f"The “{tab}” plot has nothing drawn yet; nothing to export."
                self.banner.show_message(msg, "warning")
                return False
            view, title = plot.view, f"{title}: {tab}"
        return self._picture(view, title, fmt, key == "graph", path)

    def _picture(
        self, view: QGraphicsView, title: str, fmt: str, whole: bool, path: str | None = None
    ) -> bool:
        filter_ = PNG if fmt == "png" else SVG
        path = path or self._ask(f"Export {title} as {fmt.upper()}", f".{fmt}", filter_)
        if not path:
            return False

        def write() -> None:
            if fmt == "png":
                data = view_pictures.render_png(view, whole)
            else:
                data = view_pictures.render_svg(view, title, whole)
            write_bytes_atomic(path, data)

        return self._save(f"the picture of {title}", path, write)

    def export_file(self, key: str, path: str | None = None) -> bool:
        """One of the file exports (a key of :data:`_FILES`) to ``path``, or ask where."""
        text, what, suffix, filter_, _tip = _FILES[key]
        path = path or self._ask(text.replace("&", "").rstrip("…"), suffix, filter_)
        if not path:
            return False
        s = self.session
        if key == "predictions_csv":
            snap = s.latest
            pred = snap.predictions if snap is not None else None
            if pred is None or np.size(pred) != s.problem.raw_targets.size:
                # Large datasets leave predictions out of snapshots; the worker computes them.
                self._pending_predictions = path
                s.request_predictions()
                self.status_bar.showMessage("Computing predictions for every row…", 8000)
                return True
            return self._save(what, path, lambda: save_predictions_csv(path, s.problem, pred))
        writers: dict[str, Callable[[], object]] = {
            "weights_csv": lambda: save_weights_csv(
                path, self.model().mlp, s.problem.input_names, s.problem.target_names
            ),
            "model_json": lambda: save_model(path, self.model()),
            # The Go code assumes sigmoid and [0, 1]; the warnings say where this differs.
            "go_files": lambda: save_go_companion(path, self.model())[1],
            "python": lambda: save_standalone_python(path, self.model()),
        }
        return self._save(what, path, writers[key])

    def _predictions_ready(self, pred: np.ndarray, _epoch: int) -> None:
        path, self._pending_predictions = self._pending_predictions, None
        if path is not None:
            problem = self.session.problem
            self._save("the predictions", path, lambda: save_predictions_csv(path, problem, pred))
