"""Which docked views get each training snapshot, and which loss surfaces
the worker computes: only what is on screen.

A dock behind another tab is still "visible" to Qt, so :func:`showing` also
asks for a non-empty visible region. A view skipped while hidden catches up
from the session's latest snapshot when its dock is shown; a surface plot
catches up from the next snapshot, which carries the surface once asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDockWidget, QTabWidget, QWidget

if TYPE_CHECKING:
    from mlpviz.ui.training.session import Session
    from mlpviz.ui.training.snapshot import Snapshot

Update = Callable[["Snapshot"], object]


def showing(dock: QDockWidget) -> bool:
    """On screen: a dock behind another tab is still "visible" to Qt, only moved
    off screen — and must not be redrawn for every snapshot."""
    return dock.isVisible() and not dock.visibleRegion().isEmpty()


class DockedViews:
    """Feeds the docked views and keeps :meth:`Session.show_surfaces` in step.

    Parameters
    ----------
    surfaces, surface_dock : the descent-path tabs and their dock.
    surface_plots : surface plot (a tab of ``surfaces``) → the name of its
        surface (``"pair"``, ``"pca"``, ``"output"``): both the Snapshot
        attribute its ``update_surface`` receives and the worker's name for it.
    docked : (dock, update) for every other docked view.
    explain_docks : docks whose views need the worked explanation (``"explain"``).
    needs : (dock, name) for other docks whose views need a computation the
        worker makes only on request (e.g. ``"confusion"``).
    also : the names wanted by views outside the docks (e.g. the graph's ``"maps"``).
    """

    def __init__(
        self,
        session: Session,
        surfaces: QTabWidget,
        surface_dock: QDockWidget,
        surface_plots: dict[QWidget, str],
        docked: Sequence[tuple[QDockWidget, Update]],
        explain_docks: Sequence[QDockWidget],
        needs: Sequence[tuple[QDockWidget, str]] = (),
        also: Callable[[], Iterable[str]] = tuple,
    ) -> None:
        self.session, self.surfaces, self.surface_dock = session, surfaces, surface_dock
        self.surface_plots, self.docked = surface_plots, list(docked)
        self.explain_docks = list(explain_docks)
        self.needs = list(needs)
        self.also = also
        surfaces.currentChanged.connect(self.send_wanted)
        surface_dock.visibilityChanged.connect(self.send_wanted)
        for dock, update in self.docked:
            dock.visibilityChanged.connect(lambda v, u=update: self._catch_up(v, u))
        for dock in [*self.explain_docks, *(d for d, _ in self.needs)]:
            dock.visibilityChanged.connect(self.send_wanted)
        self.send_wanted()

    def update(self, snap: Snapshot) -> None:
        """Send ``snap`` to the views on screen; hidden ones are skipped."""
        plot = self.surfaces.currentWidget()
        if showing(self.surface_dock) and plot in self.surface_plots:
            plot.update_surface(getattr(snap, self.surface_plots[plot]))
        for dock, update in self.docked:
            if showing(dock):
                update(snap)

    def send_wanted(self, *_: object) -> None:
        """Ask the worker for the surfaces of the views on screen, and no others."""
        shown = self.surface_plots.get(self.surfaces.currentWidget())
        wanted = {shown} if shown and showing(self.surface_dock) else set()
        if any(showing(dock) for dock in self.explain_docks):
            wanted.add("explain")
        wanted.update(name for dock, name in self.needs if showing(dock))
        wanted.update(self.also())
        self.session.show_surfaces(wanted)

    def _catch_up(self, visible: bool, update: Update) -> None:
        if visible and self.session.latest is not None:
            update(self.session.latest)
