"""DockedViews: only the views on screen get snapshots, hidden ones catch up
when shown, and the worker is asked for exactly the surfaces on screen."""

from __future__ import annotations

from types import SimpleNamespace

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QDockWidget, QLabel, QMainWindow, QTabWidget, QWidget

from mlpviz.ui.shell.view_updates import DockedViews, showing


class Plot(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.got: list[object] = []

    def update_surface(self, surface: object) -> None:
        self.got.append(surface)


class FakeSession:
    def __init__(self) -> None:
        self.latest = None
        self.wanted: list[set[str]] = []

    def show_surfaces(self, wanted: set[str]) -> None:
        self.wanted.append(set(wanted))


def test_docked_views_feed_only_what_is_on_screen(qtbot):
    host = QMainWindow()
    qtbot.addWidget(host)
    host.setCentralWidget(QLabel("graph"))
    pair, pca = Plot(), Plot()
    tabs = QTabWidget()
    tabs.addTab(pair, "pair")
    tabs.addTab(pca, "pca")
    surface_dock, math_dock = QDockWidget("Surfaces", host), QDockWidget("Math", host)
    surface_dock.setWidget(tabs)
    math_dock.setWidget(QLabel("math"))
    for dock in (surface_dock, math_dock):
        host.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    host.show()
    qtbot.waitExposed(host)
    session, fed = FakeSession(), []
    views = DockedViews(
        session, tabs, surface_dock, {pair: "pair", pca: "pca"},
        [(math_dock, fed.append)], explain_docks=[math_dock],
    )  # fmt: skip
    assert showing(surface_dock) and showing(math_dock)
    assert session.wanted[-1] == {"pair", "explain"}

    snap = SimpleNamespace(pair="P1", pca="C1")
    views.update(snap)
    assert (pair.got, pca.got, fed) == (["P1"], [], [snap])

    tabs.setCurrentWidget(pca)
    assert session.wanted[-1] == {"pca", "explain"}
    math_dock.hide()
    QCoreApplication.processEvents()
    assert session.wanted[-1] == {"pca"}
    views.update(SimpleNamespace(pair="P2", pca="C2"))
    assert (pair.got, pca.got, fed) == (["P1"], ["C2"], [snap])

    # Shown again, the hidden view catches up from the session's latest snapshot.
    session.latest = SimpleNamespace(pair="P3", pca="C3")
    math_dock.show()
    QCoreApplication.processEvents()
    assert fed[-1] is session.latest
    assert session.wanted[-1] == {"pca", "explain"}
    surface_dock.hide()
    QCoreApplication.processEvents()
    assert session.wanted[-1] == {"explain"}
    views.update(SimpleNamespace(pair="P4", pca="C4"))
    assert pca.got == ["C2"]
