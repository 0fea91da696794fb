"""File › Export: pictures of the views and the trained network as files.

:class:`ExportActions` owns the actions and a right-click "Export as
PNG…/SVG…" on the network graph and every plot; the main window only
creates it and calls :meth:`ExportActions.install_menu`. The views' classes
are untouched: their context menus are attached from here.

Pictures are rendered from the views' graphics scenes, so they are sharp:
PNG at twice the on-screen size, SVG as vectors. File names come from
:attr:`ExportActions.ask_path`, which tests replace to skip the dialogs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QAction, QImage, QPainter
from PySide6.QtWidgets import QFileDialog, QGraphicsView, QMenu

from mlpviz.io.atomic import write_bytes_atomic
from mlpviz.io.exports import (
    build_model,
    save_go_companion,
    save_predictions_csv,
    save_standalone_python,
    save_weights_csv,
)
from mlpviz.io.model_file import Model, save_model

try:  # part of PySide6-Essentials, but a trimmed install may lack it
    from PySide6.QtSvg import QSvgGenerator
except ImportError:  # pragma: no cover - depends on the installation
    QSvgGenerator = None

if TYPE_CHECKING:
    from mlpviz.ui.shell.main_window import MainWindow

__all__ = ["FOLDER", "SVG_AVAILABLE", "ExportActions", "render_png", "render_svg"]

SVG_AVAILABLE = QSvgGenerator is not None
# ask_path's filter for "choose a folder" (the Go companion files are two files).
FOLDER = "folder"
PNG, SVG = "PNG image (*.png)", "SVG drawing (*.svg)"
CSV, JSON, PY = "CSV table (*.csv)", "mlpviz model (*.json)", "Python module (*.py)"
# Longest side of an exported PNG: a huge network at 2× would be a gigapixel image.
MAX_PNG_SIDE = 8192
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


# -- rendering ---------------------------------------------------------------------------


def _area(view: QGraphicsView, whole_scene: bool) -> tuple[QRectF, QSize]:
    """What to draw (scene rect, or viewport rect in view coordinates) and its size."""
    port = view.viewport().rect()
    source, size = QRectF(port), port.size()
    if whole_scene:
        source = view.sceneRect()
        if source.isEmpty():
            raise ValueError("there is nothing drawn yet")
        # The whole scene at the size it has when fitted to the window.
        k = min(port.width() / source.width(), port.height() / source.height(), 1e6)
        size = QSize(round(source.width() * k), round(source.height() * k))
    if size.isEmpty():
        raise ValueError("the view is not shown or has nothing drawn yet")
    return source, size


def _paint(
    device: QImage | QSvgGenerator, view: QGraphicsView, source: QRectF, size: QSize, whole: bool
) -> None:
    painter = QPainter(device)
    try:
        painter.setRenderHints(
            QPainter.RenderHint.Antialiasing
            | QPainter.RenderHint.TextAntialiasing
            | QPainter.RenderHint.SmoothPixmapTransform
        )
        target = QRectF(0, 0, size.width(), size.height())
        brush = view.backgroundBrush()
        white = brush.style() == Qt.BrushStyle.NoBrush
        painter.fillRect(target, Qt.GlobalColor.white if white else brush)
        if whole:
            view.scene().render(painter, target, source)
        else:
            view.render(painter, target, source.toRect())
    finally:
        painter.end()


def _to_bytes(write: Callable[[QBuffer], object]) -> bytes:
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    if write(buf) is False:
        raise ValueError("could not encode the picture")
    buf.close()
    return bytes(data.data())


def render_png(view: QGraphicsView, whole_scene: bool = False, scale: float = 2.0) -> bytes:
    """PNG bytes of ``view`` (its visible part, or its whole scene) at ``scale``× size."""
    source, size = _area(view, whole_scene)
    scale = min(scale, MAX_PNG_SIDE / max(size.width(), size.height()))
    pixels = QSize(max(1, round(size.width() * scale)), max(1, round(size.height() * scale)))
    image = QImage(pixels, QImage.Format.Format_ARGB32_Premultiplied)
    # The painter keeps the view's logical size and draws vectors at device resolution.
    image.setDevicePixelRatio(scale)
    _paint(image, view, source, size, whole_scene)
    return _to_bytes(lambda buf: image.save(buf, "PNG"))


def render_svg(view: QGraphicsView, title: str, whole_scene: bool = False) -> bytes:
    """SVG bytes of ``view`` (its visible part, or its whole scene), as vectors."""
    if QSvgGenerator is None:
        raise ValueError("SVG export needs Qt's SVG module (PySide6.QtSvg), which is missing")
    source, size = _area(view, whole_scene)

    def write(buf: QBuffer) -> None:
        gen = QSvgGenerator()
        gen.setOutputDevice(buf)
        gen.setSize(size)
        gen.setViewBox(QRect(QPoint(0, 0), size))
        # At the default 72 dpi, fonts sized in points come out a quarter smaller
        # than on screen and pyqtgraph's axes no longer line up with their plot.
        gen.setResolution(view.logicalDpiX())
        gen.setTitle(title)
        gen.setDescription("Exported from mlpviz")
        _paint(gen, view, source, size, whole_scene)

    return _to_bytes(write)


def _slug(name: str) -> str:
    """A file-name-safe version of the data's name."""
    return re.sub(r"[^\w.-]+", "-", name).strip("-.") or "mlpviz"


# -- the actions -------------------------------------------------------------------------


class ExportActions(QObject):
    """The export actions of a :class:`MainWindow`, its Export menu and context menus.

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

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
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
        window.session.predictionsReady.connect(self._predictions_ready)
        self._install_context_menus()

    def _new_action(self, text: str, fmt: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self)
        action.triggered.connect(lambda _checked=False: slot())
        if fmt == "svg" and not SVG_AVAILABLE:
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
        w = self.window
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
            path = QFileDialog.getExistingDirectory(self.window, title, start)
        else:
            path, _ = QFileDialog.getSaveFileName(
                self.window, title, str(Path(start) / default_name), filter_
            )
        return path or None

    def _start_dir(self) -> str:
        store = self.window.store
        return str(store.value("export_dir", "") or store.value("last_dir", "") or Path.home())

    def _ask(self, title: str, suffix: str, filter_: str) -> str | None:
        name = _slug(self.window.session.problem.name)
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
        self.window.store.setValue("export_dir", str(p if filter_ == FOLDER else p.parent))
        return str(p)

    def _save(self, what: str, path: str, write: Callable[[], object]) -> bool:
        """Run ``write``; report success in the status bar, failure in the banner."""
        try:
            warnings = write()
        except OSError as e:
            msg = f"Could not save {what} to {path}: {e.strerror or e}"
            self.window.banner.show_message(msg, "error")
            return False
        except ValueError as e:
            self.window.banner.show_message(f"Could not export {what}: {e}", "error")
            return False
        self.window.statusBar().showMessage(f"Exported {what} to {path}", 8000)
        if warnings:
            msg = f"Exported {what}, but: " + "; ".join(warnings) + "."
            self.window.banner.show_message(msg, "warning")
        return True

    def model(self) -> Model:
        """The network as it is now (the latest snapshot), with the data's scalers."""
        s = self.window.session
        snap = s.latest
        if snap is None:
            raise ValueError("the network is not ready yet; try again in a moment")
        args = (snap.layer_sizes, snap.activation_names, snap.params)
        return build_model(s.problem, *args, s.spec, s.settings, snap.epoch)

    # -- exports ----------------------------------------------------------------------------

    def export_picture(self, key: str, fmt: str, path: str | None = None) -> bool:
        """The graph, the loss plot or the current descent-path plot as ``fmt`` (png, svg)."""
        w = self.window
        title = _PICTURES[key][1]
        if key == "graph":
            view: QGraphicsView = w.graph
        elif key == "loss":
            view = w.loss_plot.plot_widget
        else:
            plot, tab = w.surfaces.currentWidget(), w.surfaces.tabText(w.surfaces.currentIndex())
            if plot.showing_hint:
                msg = f"The “{tab}” plot has nothing drawn yet; nothing to export."
                w.banner.show_message(msg, "warning")
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
            data = render_png(view, whole) if fmt == "png" else render_svg(view, title, whole)
            write_bytes_atomic(path, data)

        return self._save(f"the picture of {title}", path, write)

    def export_file(self, key: str, path: str | None = None) -> bool:
        """One of the file exports (a key of :data:`_FILES`) to ``path``, or ask where."""
        text, what, suffix, filter_, _tip = _FILES[key]
        path = path or self._ask(text.replace("&", "").rstrip("…"), suffix, filter_)
        if not path:
            return False
        s = self.window.session
        if key == "predictions_csv":
            snap = s.latest
            pred = snap.predictions if snap is not None else None
            if pred is None or np.size(pred) != s.problem.raw_targets.size:
                # Large datasets leave predictions out of snapshots; the worker computes them.
                self._pending_predictions = path
                s.request_predictions()
                self.window.statusBar().showMessage("Computing predictions for every row…", 8000)
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
            problem = self.window.session.problem
            self._save("the predictions", path, lambda: save_predictions_csv(path, problem, pred))
