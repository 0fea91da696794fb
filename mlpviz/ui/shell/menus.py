"""The main window's menu bar: File, Edit, Train, View, Tools, Lessons, Help.

Built from the window's own actions and views; every action has a shortcut
or a status tip, and the View menu toggles each dock.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMessageBox

from mlpviz.data import EXAMPLES

if TYPE_CHECKING:
    from mlpviz.ui.shell.main_window import MainWindow


def build_menus(window: MainWindow) -> None:
    bar = window.menuBar()
    file = bar.addMenu("&File")
    window.file_menu = file
    window.open_action = file.addAction("&Open CSV…", lambda: window.open_csv_dialog())
    window.open_action.setShortcut(QKeySequence.StandardKey.Open)
    window.examples_menu = file.addMenu("&Examples")
    for name in EXAMPLES:
        window.examples_menu.addAction(name, lambda n=name: window.open_example(n))
    window.draw_action = file.addAction("&Draw your own data")
    window.draw_action.setCheckable(True)
    window.draw_action.setStatusTip(
        "Click the input plane to add points and watch the network fit them"
    )
    window.draw_action.toggled.connect(window.set_drawing)
    window.recent_menu = file.addMenu("Open &recent")
    window.recent_menu.aboutToShow.connect(window._fill_recent)
    file.addSeparator()
    window.quit_action = file.addAction("&Quit", window.close)
    window.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
    from mlpviz.ui.files.export_actions import (
        ExportActions,  # needs the views, built before the menus
    )

    window.exports = ExportActions(window)
    window.exports.install_menu(file)

    edit = bar.addMenu("&Edit")
    undo = window.undo.createUndoAction(window, "&Undo")
    undo.setShortcut(QKeySequence.StandardKey.Undo)
    redo = window.undo.createRedoAction(window, "&Redo")
    redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence.StandardKey.Redo])
    edit.addAction(undo)
    edit.addAction(redo)
    window.undo_action, window.redo_action = undo, redo

    train = bar.addMenu("&Train")
    for a in window.controls.actions:
        train.addAction(a)
    train.addSeparator()
    train.addAction(window.controls.faster)
    train.addAction(window.controls.slower)

    view = bar.addMenu("&View")
    fit = view.addAction("&Fit network to window", window.graph.fit)
    fit.setShortcut(QKeySequence("Ctrl+0"))
    zin = view.addAction("Zoom &in", window.graph.zoom_in)
    zin.setShortcut(QKeySequence.StandardKey.ZoomIn)
    zout = view.addAction("Zoom &out", window.graph.zoom_out)
    zout.setShortcut(QKeySequence.StandardKey.ZoomOut)
    edges = view.addMenu("&Colour edges by")
    group = QActionGroup(window)
    window.edge_actions: dict[str, QAction] = {}
    for key, text in (
        ("weight", "&Weight"),
        ("gradient", "&Gradient ∂L/∂w"),
        ("update", "Last &update Δw"),
    ):
        a = edges.addAction(text)
        a.setCheckable(True)
        a.setChecked(key == "weight")
        a.triggered.connect(lambda _=False, k=key: window.graph.set_edge_mode(k))
        group.addAction(a)
        window.edge_actions[key] = a
    view.addSeparator()
    for dock in window.docks:
        view.addAction(dock.toggleViewAction())
    window.view_menu = view

    tools = bar.addMenu("T&ools")
    window.playground_action = tools.addAction("Optimizer &playground…", window.open_playground)
    window.playground_action.setShortcut(QKeySequence("Ctrl+Shift+P"))
    window.playground_action.setStatusTip("Race optimizers on 2-D test functions")
    window.tools_menu = tools
    window.playground = None

    from mlpviz.ui.lessons import build_lessons_menu

    window.lessons_menu = build_lessons_menu(window, on_load=window.load_lesson)
    bar.addMenu(window.lessons_menu)

    help_ = bar.addMenu("&Help")
    help_.addAction("&Keyboard shortcuts", lambda: show_shortcuts(window))
    help_.addAction("&About mlpviz", lambda: show_about(window))


def show_shortcuts(window: MainWindow) -> None:
    lines = [
        f"<tr><td>{a.text()}</td><td><b>{a.shortcut().toString()}</b></td></tr>"
        for a in window.controls.actions
    ]
    QMessageBox.information(window, "Keyboard shortcuts", "<table>" + "".join(lines) + "</table>")


def show_about(window: MainWindow) -> None:
    QMessageBox.about(
        window,
        "About mlpviz",
        "<b>mlpviz</b> — watch, step and poke a multi-layer perceptron while it learns.<br>"
        "The math follows the tutorial: s = Σ x·w + b, a = f(s), δ, ∇ = δ·a, w ← w − η∇.",
    )
