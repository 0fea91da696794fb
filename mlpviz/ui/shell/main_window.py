"""The main window: the views in docks around the network graph, wired to
one :class:`Session`. It holds no numbers of its own beyond the latest
snapshot; every change goes to the worker as a command.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSettings, QSize, QTimer
from PySide6.QtGui import QCloseEvent, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QMainWindow,
)

from mlpviz.data import load_example
from mlpviz.data.problem import Problem, prepare
from mlpviz.engine.layout import param_name
from mlpviz.engine.settings import NetworkSpec, TrainingSettings
from mlpviz.ui.dataset.network_defaults import network_for
from mlpviz.ui.files.data_files import DataFiles
from mlpviz.ui.files.export_actions import ExportActions, ExportViews
from mlpviz.ui.files.session_actions import SessionActions
from mlpviz.ui.shell.controls import TrainingControls
from mlpviz.ui.shell.data_controls import DataControls
from mlpviz.ui.shell.history_bar import RewindCommand
from mlpviz.ui.shell.menus import build_menus
from mlpviz.ui.shell.network_resize import NetworkResizer
from mlpviz.ui.shell.panel_sync import PanelSync
from mlpviz.ui.shell.preset_actions import PresetActions
from mlpviz.ui.shell.status import TrainingStatus
from mlpviz.ui.shell.view_updates import DockedViews
from mlpviz.ui.shell.window_settings import restore_layout, save_layout
from mlpviz.ui.shell.window_views import build_views
from mlpviz.ui.training.hidden_space import HiddenChoice
from mlpviz.ui.training.session import Session
from mlpviz.ui.training.snapshot import Snapshot
from mlpviz.ui.training.undo import SetParameterCommand
from mlpviz.ui.widgets.window_fit import open_fitted

ORGANIZATION, APPLICATION = "mlpviz", "mlpviz"
QUIT_DEADLINE_MS = 1500  # a quit on a signal ends within this, saved or not
PREFERRED_SIZE = QSize(1360, 860)  # on a screen with room for it; else 90 % of the screen


def tutorial_problem() -> Problem:
    """The tutorial's exam-score data, min-max scaled to [0, 1]."""
    ex = load_example("exam-scores")
    return prepare(ex.dataset, ex.inputs, ex.targets, "0,1", "0,1", name=ex.name)


class MainWindow(QMainWindow):
    def __init__(
        self,
        problem: Problem | None = None,
        spec: NetworkSpec | None = None,
        settings: TrainingSettings | None = None,
        settings_store: QSettings | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("mlpviz-main")
        self.store = settings_store or QSettings(ORGANIZATION, APPLICATION)
        problem = problem or tutorial_problem()
        spec = spec or NetworkSpec()
        settings = settings or TrainingSettings()
        self.session = Session(problem, spec, settings, self)
        self.undo = QUndoStack(self)
        self.selected: list[tuple] = []
        self.playground = None  # the optimizer playground's window, made when first opened
        self._quitting = False  # a quit on a signal: close without asking
        build_views(self)
        self.data_files = DataFiles(self, self.session, self.store, self.set_problem)
        self.controls = TrainingControls(self)
        self.addToolBar(self.controls.toolbar(self))
        self.menus = build_menus(
            self, self.undo, self.controls, self.graph, self.docks,
            open_csv=self.data_files.open_dialog, open_example=self.data_files.open_example,
            set_drawing=self.set_drawing, fill_recent=self.data_files.fill_recent,
            open_playground=self.open_playground, load_lesson=self.load_lesson,
        )  # fmt: skip
        self.menus.train_menu.addAction(self.runs_panel.restart_action)
        self._build_file_actions()
        self.status = TrainingStatus(self.statusBar())
        self._wire()
        self.resizer = NetworkResizer(
            self.graph.scene().layer_controls, self.session, self.undo, self.settings_panel,
            self.panel_sync, lambda m: self.banner.show_message(m, "warning"),
        )  # fmt: skip
        self.data_controls = DataControls(self.session)
        self.settings_panel.widget().layout().insertWidget(0, self.data_controls)
        self.settings_panel.set_values(spec, settings)
        self._set_title()
        self.setAcceptDrops(True)
        open_fitted(self, PREFERRED_SIZE)
        self._restore_layout()

    # -- construction -------------------------------------------------------------

    def _build_file_actions(self) -> None:
        """File › Export and the session entries, above the separator before Quit."""
        plots = (self.pair_plot, self.pca_plot, self.output_plot)
        views = ExportViews(self.graph, self.loss_plot, self.surfaces, *plots)
        status = {"banner": self.banner, "store": self.store, "status_bar": self.statusBar()}
        self.exports = ExportActions(self, self.session, views, **status)
        self.exports.install_menu(self.menus.file_menu)
        self.session_actions = SessionActions(
            self, self.session, self.undo, **status,
            show_settings=self.settings_panel.set_values, set_title=self.setWindowTitle,
        )  # fmt: skip
        self.session_actions.install_menu(self.menus.file_menu, self.menus.quit_action)
        self.presets = PresetActions(self)
        self.presets.install_menu(self.menus.file_menu, self.menus.quit_action)

    def _surface_plots(self) -> dict:
        """Each descent-path tab's plot → the snapshot field it draws."""
        plots = (self.pair_plot, self.pca_plot, self.output_plot, self.neuron_plot, self.line_plot)
        return dict(zip(plots, ("pair", "pca", "output", "maps", "line")))

    def _wire(self) -> None:
        s = self.session
        self.panel_sync = PanelSync(
            self.settings_panel, s, self.banner, self.statusBar(), self.loss_plot, self._rebuild
        )
        self.controls.drive(
            s, self.panel_sync.before_training, self.banner.hide, self._before_reset
        )
        s.architectureChanged.connect(self._architecture_changed)
        s.updated.connect(self._update)
        s.diverged.connect(lambda m: self.banner.show_message(f"Training diverged. {m}", "error"))
        panel = self.settings_panel
        for message in (s.failed, self.tables.editRejected, self.graph.message, panel.message):
            message.connect(lambda m: self.banner.show_message(m, "warning"))
        s.runProgress.connect(self.status.show_progress)
        s.runStopped.connect(lambda m: self.statusBar().showMessage(m, 8000))
        s.notice.connect(lambda m: self.statusBar().showMessage(m, 15000))
        for view in (self.graph, self.tables):
            view.editRequested.connect(self.edit_param)
            view.parameterSelected.connect(self.select_param)
        self.settings_panel.settingsChanged.connect(lambda st: s.configure(settings=st))
        self.settings_panel.networkChanged.connect(self._rebuild)
        # The loss curve redraws inside every other frame (≈ 12 Hz), not on a
        # timer of its own: frames are when the worker pauses for the GUI (see
        # TrainingWorker._yield_to_gui), and pyqtgraph's axes are costly.
        self._frames = 0
        self.history_bar.rewindRequested.connect(self.rewind)
        self.step_dock.visibilityChanged.connect(self.step_through.set_active)
        self.docked_views = DockedViews(
            s,
            self.surfaces,
            self.surface_dock,
            self._surface_plots(),
            [
                (self.tables_dock, self.tables.update_snapshot),
                (self.data_dock, self.data_view.update_snapshot),
                (self.inspector_dock, self.inspector.update_snapshot),
                (self.step_dock, lambda snap: self.step_through.set_explanation(snap.explanation)),
                (self.confusion_dock, self.confusion_view.update_snapshot),
                (self.pictures_dock, self.weight_pictures.update_snapshot),
                (self.hidden_dock, self.hidden_plot.update_snapshot),
            ],
            explain_docks=[self.inspector_dock, self.step_dock],
            needs=[(self.confusion_dock, "confusion"), (self.hidden_dock, "hidden")],
            also=lambda: {"maps"} if self.graph.maps.on else (),
        )
        self.graph.maps.modeChanged.connect(self.docked_views.send_wanted)
        self.graph.maps.nodeClicked.connect(self.show_neuron_map)
        self.hidden_plot.choiceMade.connect(lambda k, refit: s.worker.post(HiddenChoice(k, refit)))
        self.hidden_plot.pointHovered.connect(self._hidden_point_hovered)
        self.step_through.applyRequested.connect(
            lambda: self.settings_panel.flush() or s.step("sample")
        )
        self.output_plot.planeClicked.connect(self._plane_clicked)
        self.output_plot.sliceChosen.connect(lambda c: s.worker.post(c))  # posted from here
        self.draw.pointsChanged.connect(self.session.swap_data)
        s.problemChanged.connect(self.data_view.set_problem)
        self.data_view.set_problem(s.problem)
        s.problemChanged.connect(self.confusion_view.set_problem)
        self.confusion_view.set_problem(s.problem)
        self.confusion_view.rowsSelected.connect(self._select_rows)
        self.data_view.sampleSelected.connect(lambda i: s.select(sample=i))
        self.data_view.predictionsRequested.connect(s.request_predictions)
        s.predictionsReady.connect(lambda pred, epoch: self.data_view.set_predictions(pred, epoch))

    # -- session events ------------------------------------------------------------

    def _architecture_changed(self, snap: Snapshot) -> None:
        p = self.session.problem
        args = (snap.layer_sizes, p.input_names, p.target_names, snap.activation_names)
        self.graph.set_architecture(*args)
        self.tables.set_architecture(*args)
        self.weight_pictures.set_architecture(snap.layer_sizes, p.target_names)
        self.loss_plot.clear()
        self.selected = []
        self.output_plot.set_axis_names(*([*list(p.raw_input_names), "", ""])[:2])
        QTimer.singleShot(0, self.graph.fit)

    def _update(self, snap: Snapshot) -> None:
        self.graph.update_snapshot(snap)
        self.history_bar.update_snapshot(snap)
        self.loss_plot.append(snap)
        self._frames += 1
        if self._frames % 2 == 0 or not snap.running:
            self.loss_plot.refresh()
        self.docked_views.update(snap)
        self.status.update(snap)
        self.panel_sync.update(snap)

    # -- user actions --------------------------------------------------------------

    def _current(self) -> tuple[NetworkSpec, TrainingSettings]:
        """The settings panel's network and training settings, pending edits applied."""
        self.settings_panel.flush()
        return self.settings_panel.network_spec(), self.settings_panel.training_settings()

    def _before_reset(self) -> None:
        self.banner.hide()
        self.undo.clear()

    def _rebuild(self, spec: NetworkSpec) -> None:
        try:
            spec.build(
                len(self.session.problem.input_names), len(self.session.problem.target_names)
            )
        except ValueError as e:
            self.banner.show_message(str(e), "warning")
            return
        self.undo.clear()
        self.session.configure(
            spec=spec, settings=self.settings_panel.training_settings(), reinit=True
        )
        self.panel_sync.track()

    def _select_rows(self, rows) -> None:
        self.data_dock.show()
        self.data_dock.raise_()
        self.data_view.select_rows(rows)

    def _hidden_point_hovered(self, row: int, inputs) -> None:
        """A point hovered in the hidden space: ring it over the inputs, select its row."""
        self.output_plot.mark_point(inputs if inputs is not None and len(inputs) == 2 else None)
        if row >= 0:
            self.data_view.select_rows([row])

    def edit_param(self, param: tuple, value: float) -> None:
        """An undoable weight edit; the worker applies it between steps."""
        snap = self.session.latest
        if snap is None:
            return
        old = snap.param_value(param)
        self.undo.push(SetParameterCommand(self.session.set_param, param, old, float(value)))

    def set_drawing(self, on: bool) -> None:
        """Draw-your-own-data mode: a two-input classification plane to click on."""
        self.draw_palette.setVisible(on)
        if on:
            seed = [[-3.0, -3.0, 0.0], [3.0, 3.0, 0.0], [-3.0, 3.0, 1.0], [3.0, -3.0, 1.0]]
            self.set_problem(self.draw.start(np.array(seed)))
            self.surface_dock.show()
            self.surfaces.setCurrentWidget(self.output_plot)

    def show_neuron_map(self, key: tuple[int, int]) -> None:
        """Node ``key``'s map, large, in the descent-path dock."""
        self.neuron_plot.set_node(key)
        self.surface_dock.show()
        self.surface_dock.raise_()
        self.surfaces.setCurrentWidget(self.neuron_plot)

    def _plane_clicked(self, x: float, y: float, modifiers) -> None:
        if self.menus.draw_action.isChecked():
            self.draw.click(x, y, modifiers)

    def load_lesson(self, problem: Problem, spec: NetworkSpec, settings: TrainingSettings) -> None:
        """A lesson's "Load into the main window": its data, network and settings
        (refused while a preset locks any of them)."""
        if self.presets.locked:
            self.banner.show_message(
                "A preset locks this window's settings: File › Leave the preset, "
                "then load the lesson.",
                "warning",
            )
            return
        self.undo.clear()
        self.banner.hide()
        self.settings_panel.set_values(spec, settings)
        self.session.configure(problem=problem, spec=spec, settings=settings, reinit=True)
        self._set_title()

    def open_playground(self) -> None:
        from mlpviz.ui.playground.window import (
            PlaygroundWindow,  # its OpenGL probe is lazy and costly
        )

        if self.playground is None:
            self.playground = PlaygroundWindow(self)
        self.playground.show()
        self.playground.raise_()
        self.playground.activateWindow()

    def rewind(self, epoch: int) -> None:
        """Undoably go back to the weights recorded at ``epoch``."""
        self.undo.push(RewindCommand(self.session.rewind, self.session.unrewind, epoch))

    def select_param(self, param: tuple) -> None:
        if param in self.selected:
            self.selected.remove(param)
        self.selected = ([*self.selected, param])[-2:]
        self.graph.select_param(param)
        self.tables.select_param(param)
        self.inspector.select_param(param)
        if len(self.selected) == 2:
            self.session.select(pair=tuple(self.selected))
            self.surfaces.setCurrentWidget(self.pair_plot)
        self.statusBar().showMessage(
            "Descent path axes: " + " × ".join(param_name(p) for p in self.selected), 5000
        )

    def set_problem(self, problem: Problem) -> None:
        """Train on new data: a classification gets the settings that fit its
        classes; a regression keeps the hidden layers (network_for decides)."""
        self.undo.clear()
        self.banner.hide()
        panel_spec, panel_settings = (
            self.settings_panel.network_spec(),
            self.settings_panel.training_settings(),
        )
        spec, settings = network_for(problem, panel_spec, panel_settings)
        if (spec, settings) != (panel_spec, panel_settings):
            self.settings_panel.set_values(spec, settings)
        changed = settings if settings != panel_settings else None
        self.session.configure(problem=problem, spec=spec, settings=changed, reinit=True)
        self._set_title()
        for w in problem.warnings:
            self.banner.show_message(w, "info")

    def dragEnterEvent(self, event) -> None:
        self.data_files.drag_enter(event)

    def dropEvent(self, event) -> None:
        self.data_files.drop(event)

    # -- window state ----------------------------------------------------------------

    def _set_title(self) -> None:
        self.setWindowTitle(self.session_actions.window_title())

    def _restore_layout(self) -> None:
        message = restore_layout(self, self.store)
        if message:
            self.banner.show_message(message, "info")

    def quit_on_signal(self, _signum: int = 0) -> None:
        """SIGINT or SIGTERM: save unsaved work to the autosave, asking nothing,
        and quit within ``QUIT_DEADLINE_MS`` even if the save has not answered."""
        if self._quitting:
            return
        self._quitting = True
        self._quit_deadline = QTimer(self, singleShot=True, interval=QUIT_DEADLINE_MS)
        self._quit_deadline.timeout.connect(self._finish_quit)
        self._quit_deadline.start()
        self.session_actions.save_for_recovery(self._finish_quit)

    def _finish_quit(self) -> None:
        self._quit_deadline.stop()
        if self.isVisible():
            self.close()
        app = QApplication.instance()
        if app is not None:
            app.quit()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._quitting and not self.session_actions.confirm_close():
            event.ignore()
            return
        self.session_actions.shutdown()
        self.data_files.close_dialog()
        save_layout(self, self.store)
        self.loss_plot.stop_refresh()
        if self.playground is not None:
            self.playground.close()
        self.session.shutdown()
        super().closeEvent(event)
