"""The main window's menu bar: File, Edit, Train, View, Tools, Lessons, Help.

:func:`build_menus` fills a window's menu bar from what the menus act on
(the undo stack, the training controls, the graph, the docks and a few
callables) and returns the menus and their actions as one :class:`Menus`.
Every action has text, and none shares a shortcut with another; the View
menu toggles each dock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QUndoStack
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QMessageBox, QWidget

from mlpviz.data import EXAMPLES
from mlpviz.ui.files.example_thumbnails import add_thumbnails
from mlpviz.ui.lessons.menu import build_lessons_menu

if TYPE_CHECKING:
    from mlpviz.ui.graph.view import NetworkGraphView
    from mlpviz.ui.lessons.worked_panel import OnLoad
    from mlpviz.ui.shell.controls import TrainingControls

# Colour edges by: key for NetworkGraphView.set_edge_mode → menu text.
EDGE_MODES = {"weight": "&Weight", "gradient": "&Gradient ∂L/∂w", "update": "Last &update Δw"}


@dataclass(frozen=True)
class Menus:
    """The menu bar's menus and the actions other code checks or triggers."""

    file_menu: QMenu
    open_action: QAction
    examples_menu: QMenu
    draw_action: QAction  # checkable: draw-your-own-data mode
    recent_menu: QMenu  # recent data files, filled each time it opens
    quit_action: QAction
    edit_menu: QMenu
    undo_action: QAction
    redo_action: QAction
    train_menu: QMenu
    view_menu: QMenu
    fit_action: QAction
    zoom_in_action: QAction
    zoom_out_action: QAction
    edge_actions: dict[str, QAction]  # keys of EDGE_MODES, exclusive
    tools_menu: QMenu
    playground_action: QAction
    lessons_menu: QMenu
    help_menu: QMenu
    maps_action: QAction | None = None  # checkable: node values as maps, else numbers

    def menus(self) -> list[QMenu]:
        """The menu bar's menus, left to right."""
        names = ("file", "edit", "train", "view", "tools", "lessons", "help")
        return [getattr(self, f"{n}_menu") for n in names]

    def actions(self) -> Iterator[QAction]:
        """Every action of every menu and submenu, separators and submenus left out
        (entries added to the menus after :func:`build_menus` included)."""

        def walk(menu: QMenu) -> Iterator[QAction]:
            for a in menu.actions():
                if a.menu() is not None:
                    yield from walk(a.menu())
                elif not a.isSeparator():
                    yield a

        for menu in self.menus():
            yield from walk(menu)


def build_menus(
    window: QMainWindow,
    undo: QUndoStack,
    controls: TrainingControls,
    graph: NetworkGraphView,
    docks: Sequence[QDockWidget],
    *,
    open_csv: Callable[[], object],
    open_example: Callable[[str], object],
    set_drawing: Callable[[bool], object],
    fill_recent: Callable[[QMenu], object],
    open_playground: Callable[[], object],
    load_lesson: OnLoad,
) -> Menus:
    """Fill ``window``'s menu bar; the callables are what the entries do."""
    bar = window.menuBar()
    file = bar.addMenu("&File")
    open_action = file.addAction("&Open CSV…", lambda: open_csv())
    open_action.setShortcut(QKeySequence.StandardKey.Open)
    examples = file.addMenu("&Examples")
    for name in EXAMPLES:
        examples.addAction(name, lambda n=name: open_example(n))
    add_thumbnails(examples)
    draw = file.addAction("&Draw your own data")
    draw.setCheckable(True)
    draw.setStatusTip("Click the input plane to add points and watch the network fit them")
    draw.toggled.connect(set_drawing)
    recent = file.addMenu("Open &recent")
    recent.aboutToShow.connect(lambda: fill_recent(recent))
    file.addSeparator()
    quit_action = file.addAction("&Quit", window.close)
    quit_action.setShortcut(QKeySequence.StandardKey.Quit)

    edit = bar.addMenu("&Edit")
    undo_action = undo.createUndoAction(window, "&Undo")
    undo_action.setShortcut(QKeySequence.StandardKey.Undo)
    redo_action = undo.createRedoAction(window, "&Redo")
    redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence.StandardKey.Redo])
    edit.addAction(undo_action)
    edit.addAction(redo_action)

    train = bar.addMenu("&Train")
    for a in controls.actions:
        train.addAction(a)
    train.addSeparator()
    train.addAction(controls.faster)
    train.addAction(controls.slower)

    view = bar.addMenu("&View")
    fit = view.addAction("&Fit network to window", graph.fit)
    fit.setShortcut(QKeySequence("Ctrl+0"))
    zoom_in = view.addAction("Zoom &in", graph.zoom_in)
    zoom_in.setShortcut(QKeySequence.StandardKey.ZoomIn)
    zoom_out = view.addAction("Zoom &out", graph.zoom_out)
    zoom_out.setShortcut(QKeySequence.StandardKey.ZoomOut)
    edges = view.addMenu("&Colour edges by")
    group = QActionGroup(window)
    edge_actions: dict[str, QAction] = {}
    for key, text in EDGE_MODES.items():
        a = edges.addAction(text)
        a.setCheckable(True)
        a.setChecked(key == "weight")
        a.triggered.connect(lambda _=False, k=key: graph.set_edge_mode(k))
        group.addAction(a)
        edge_actions[key] = a
    maps = view.addAction("Node values: numbers / &maps")
    maps.setCheckable(True)
    maps.setShortcut(QKeySequence("Ctrl+M"))
    maps.setStatusTip("Draw each neuron as a map of its activation over the two plotted inputs")
    maps.toggled.connect(lambda on: graph.maps.set_mode("maps" if on else "numbers"))
    view.addSeparator()
    for dock in docks:
        view.addAction(dock.toggleViewAction())

    tools = bar.addMenu("T&ools")
    playground = tools.addAction("Optimizer &playground…", open_playground)
    playground.setShortcut(QKeySequence("Ctrl+Shift+P"))
    playground.setStatusTip("Race optimizers on 2-D test functions")

    lessons = build_lessons_menu(window, on_load=load_lesson)
    bar.addMenu(lessons)

    help_ = bar.addMenu("&Help")
    help_.addAction("&Keyboard shortcuts", lambda: show_shortcuts(window, controls.actions))
    help_.addAction("&About mlpviz", lambda: show_about(window))
    return Menus(
        file, open_action, examples, draw, recent, quit_action,
        edit, undo_action, redo_action, train,
        view, fit, zoom_in, zoom_out, edge_actions,
        tools, playground, lessons, help_, maps_action=maps,
    )  # fmt: skip


def show_shortcuts(parent: QWidget, actions: Sequence[QAction]) -> None:
    lines = [
        f"<tr><td>{a.text()}</td><td><b>{a.shortcut().toString()}</b></td></tr>" for a in actions
    ]
    QMessageBox.information(parent, "Keyboard shortcuts", "<table>" + "".join(lines) + "</table>")


def show_about(parent: QWidget) -> None:
    QMessageBox.about(
        parent,
        "About mlpviz",
        "<b>mlpviz</b> — watch, step and poke a multi-layer perceptron while it learns.<br>"
        "The math follows the tutorial: s = Σ x·w + b, a = f(s), δ, ∇ = δ·a, w ← w − η∇.",
    )
