"""Keeps the settings panel, the session and the loss axis telling one story.

The panel shows a network; the session trains one. :class:`PanelSync` tells
the panel which network trains (so it can say when it shows another; a
network set by other means than the panel is shown in it), makes
every step or run train the network the panel shows (rebuilding it first, or
refusing with the reason when it cannot be built), keeps the panel's choices
in step with the data's shape, and names the loss in use on the loss axis.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QStatusBar

from mlpviz.data.problem import Problem
from mlpviz.engine.losses import LOSSES
from mlpviz.engine.settings import NetworkSpec
from mlpviz.ui.plots.loss_plot import LossPlot
from mlpviz.ui.shell.settings_panel import SettingsPanel
from mlpviz.ui.shell.settings_rules import describe, structure
from mlpviz.ui.training.session import Session
from mlpviz.ui.training.snapshot import Snapshot
from mlpviz.ui.widgets.banner import Banner


class PanelSync:
    def __init__(
        self,
        panel: SettingsPanel,
        session: Session,
        banner: Banner,
        status_bar: QStatusBar,
        loss_plot: LossPlot,
        rebuild: Callable[[NetworkSpec], object],
    ) -> None:
        self.panel, self.session, self.banner = panel, session, banner
        self.status_bar, self.loss_plot, self.rebuild = status_bar, loss_plot, rebuild
        self._applied: NetworkSpec | None = None
        self._loss_name: str | None = None
        session.problemChanged.connect(self.set_problem)
        self.set_problem(session.problem)

    def set_problem(self, problem: Problem) -> None:
        # The session has its new network too by now (it changes both, then says so).
        self.track()
        self.panel.set_data_shape(len(problem.input_names), len(problem.target_names))

    def track(self) -> None:
        """Tell the panel which network the session trains, when that changed.

        A network the panel did not ask for (set by a lesson, a file, a script)
        is shown in the panel, with the settings it trains under.
        """
        spec = self.session.spec
        if spec is self._applied:
            return
        first, self._applied = self._applied is None, spec
        if not first and structure(spec) != structure(self.panel.network_spec()):
            self.panel.set_values(spec, self.session.settings)
        self.panel.set_applied(spec)

    def update(self, snap: Snapshot) -> None:
        """Per snapshot: the session's network, the loss axis's name."""
        self.track()
        if snap.loss_name != self._loss_name:
            self._loss_name = snap.loss_name
            record = LOSSES.get(snap.loss_name)
            self.loss_plot.set_loss_name(record.axis_label if record else snap.loss_name)

    def before_training(self) -> bool:
        """Before a step or run: True refuses it (the panel's network cannot be built).

        Settings waiting in the panel's debounce go first; a network the panel
        shows but the session does not train yet is built first.
        """
        self.panel.flush()
        self.track()
        spec = self.panel.network_spec()
        if structure(spec) == structure(self.session.spec):
            return False
        why = self.panel.refusal()
        if why:
            self.banner.show_message(
                f"Not trained: the panel's network cannot be built. {why}", "warning"
            )
            return True
        self.rebuild(spec)
        self.track()
        problem = self.session.problem
        shown = describe(spec, len(problem.input_names), len(problem.target_names))
        self.status_bar.showMessage(f"Rebuilt the network the panel shows: {shown}", 8000)
        return False
