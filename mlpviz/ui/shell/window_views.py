"""The main window's views: the graph in the middle, every other view in a dock.

:func:`build_views` makes each view and its dock and sets them as
attributes of the main window ``w`` (``w.graph``, ``w.loss_plot``,
``w.loss_dock`` …), which wires them; this module does not import the main
window, so the two make no import cycle. ``w.docks`` lists every dock, for
the View menu and the saved layout.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QMainWindow, QTabWidget, QVBoxLayout, QWidget

from mlpviz.ui.dataset.data_view import DataView
from mlpviz.ui.dataset.draw_data import DrawController, DrawPalette
from mlpviz.ui.graph.node_map_plot import NeuronMapPlot
from mlpviz.ui.graph.view import NetworkGraphView
from mlpviz.ui.inspector.panel import MathInspector
from mlpviz.ui.inspector.step_through import StepThrough
from mlpviz.ui.plots.confusion import ConfusionView
from mlpviz.ui.plots.hidden_space import HiddenSpacePlot
from mlpviz.ui.plots.line_slice_plot import LineSlicePlot
from mlpviz.ui.plots.loss_plot import LossPlot
from mlpviz.ui.plots.runs_panel import RunsPanel
from mlpviz.ui.plots.surface_plots import OutputSurfacePlot, PairSurfacePlot, PcaSurfacePlot
from mlpviz.ui.shell.history_bar import HistoryBar
from mlpviz.ui.shell.settings_panel import SettingsPanel
from mlpviz.ui.weights.tables import WeightTablesPanel
from mlpviz.ui.weights.weight_pictures import WeightPictures
from mlpviz.ui.widgets.banner import Banner


def _dock(
    w: QMainWindow, title: str, widget: QWidget, area: Qt.DockWidgetArea, name: str
) -> QDockWidget:
    dock = QDockWidget(title, w)
    dock.setObjectName(name)
    dock.setWidget(widget)
    dock.setFeatures(
        QDockWidget.DockWidgetFeature.DockWidgetMovable
        | QDockWidget.DockWidgetFeature.DockWidgetFloatable
        | QDockWidget.DockWidgetFeature.DockWidgetClosable
    )
    w.addDockWidget(area, dock)
    return dock


def build_views(w: QMainWindow) -> None:
    central = QWidget()
    lay = QVBoxLayout(central)
    lay.setContentsMargins(4, 4, 4, 4)
    w.banner = Banner()
    w.graph = NetworkGraphView()
    w.history_bar = HistoryBar()
    lay.addWidget(w.banner)
    lay.addWidget(w.graph, 1)
    lay.addWidget(w.history_bar)
    w.setCentralWidget(central)

    w.tables = WeightTablesPanel()
    w.settings_panel = SettingsPanel()
    w.loss_plot = LossPlot()
    w.pair_plot = PairSurfacePlot()
    w.pca_plot = PcaSurfacePlot()
    w.output_plot = OutputSurfacePlot()
    w.data_view = DataView()
    w.surfaces = QTabWidget()
    w.surfaces.setDocumentMode(True)
    w.surfaces.addTab(w.pair_plot, "Two weights")
    w.surfaces.addTab(w.pca_plot, "Whole path (PCA)")
    w.line_plot = LineSlicePlot()
    w.surfaces.addTab(w.line_plot, "Line slice")
    w.surfaces.addTab(w.output_plot, "Output over inputs")
    w.neuron_plot = NeuronMapPlot()
    w.surfaces.addTab(w.neuron_plot, "Neuron map")
    w.draw_palette = DrawPalette()
    w.draw_palette.hide()
    w.draw = DrawController(w.draw_palette, w)
    surface_box = QWidget()
    box = QVBoxLayout(surface_box)
    box.setContentsMargins(0, 0, 0, 0)
    box.setSpacing(0)
    box.addWidget(w.draw_palette)
    box.addWidget(w.surfaces, 1)

    left = Qt.DockWidgetArea.LeftDockWidgetArea
    right = Qt.DockWidgetArea.RightDockWidgetArea
    bottom = Qt.DockWidgetArea.BottomDockWidgetArea
    w.settings_dock = _dock(w, "Network && training", w.settings_panel, left, "settings-dock")
    w.tables_dock = _dock(w, "Weights && biases", w.tables, right, "tables-dock")
    w.loss_dock = _dock(w, "Loss", w.loss_plot, bottom, "loss-dock")
    w.surface_dock = _dock(w, "Descent path", surface_box, bottom, "surface-dock")
    w.inspector = MathInspector()
    w.step_through = StepThrough(w.graph, w.inspector)
    w.inspector_dock = _dock(w, "Math", w.inspector, right, "inspector-dock")
    w.tabifyDockWidget(w.tables_dock, w.inspector_dock)
    w.weight_pictures = WeightPictures()
    w.pictures_dock = _dock(w, "Weight pictures", w.weight_pictures, right, "pictures-dock")
    w.tabifyDockWidget(w.tables_dock, w.pictures_dock)
    w.tables_dock.raise_()
    w.step_dock = _dock(w, "Step through one sample", w.step_through.widget, bottom, "step-dock")
    w.step_dock.hide()
    w.data_dock = _dock(w, "Data", w.data_view, bottom, "data-dock")
    w.confusion_view = ConfusionView()
    w.confusion_dock = _dock(w, "Confusion matrix", w.confusion_view, bottom, "confusion-dock")
    w.hidden_plot = HiddenSpacePlot()
    w.hidden_dock = _dock(w, "Hidden space", w.hidden_plot, bottom, "hidden-dock")
    w.runs_panel = RunsPanel(w.session, w.loss_plot, w._current, w._before_reset)
    w.runs_dock = _dock(w, "Runs", w.runs_panel, bottom, "runs-dock")
    w.splitDockWidget(w.loss_dock, w.surface_dock, Qt.Orientation.Horizontal)
    for dock in (w.data_dock, w.confusion_dock, w.hidden_dock):
        w.tabifyDockWidget(w.loss_dock, dock)
    w.tabifyDockWidget(w.surface_dock, w.runs_dock)
    w.surface_dock.raise_()
    w.loss_dock.raise_()
    w.docks = [
        w.settings_dock, w.tables_dock, w.inspector_dock, w.loss_dock,
        w.surface_dock, w.data_dock, w.confusion_dock, w.hidden_dock,
        w.step_dock, w.pictures_dock, w.runs_dock,
    ]  # fmt: skip
    # Give the network graph the room: side docks narrow, bottom docks short.
    w.resizeDocks([w.settings_dock, w.tables_dock], [330, 360], Qt.Orientation.Horizontal)
    w.resizeDocks([w.loss_dock, w.surface_dock], [300, 300], Qt.Orientation.Vertical)
    w.resizeDocks([w.loss_dock, w.surface_dock], [1, 1], Qt.Orientation.Horizontal)
