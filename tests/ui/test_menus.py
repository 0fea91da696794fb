"""The menu bar as one Menus object: every action named, no shortcut shared,
and the shell and file-action modules free of import cycles."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

from PySide6.QtGui import QKeySequence, QUndoStack
from PySide6.QtWidgets import QDockWidget, QMainWindow, QWidget

import mlpviz
from mlpviz.ui.graph.view import NetworkGraphView
from mlpviz.ui.shell.controls import TrainingControls
from mlpviz.ui.shell.menus import Menus, build_menus


def shortcut_owners(actions) -> Counter:
    """How many actions each key sequence triggers (an action's own repeats count once)."""
    owners: Counter = Counter()
    for a in actions:
        keys = {k.toString() for k in a.shortcuts() if not k.isEmpty()}
        owners.update(keys)
    return owners


def test_build_menus_returns_menus_with_named_actions_and_unique_shortcuts(qtbot):
    host = QMainWindow()
    qtbot.addWidget(host)
    opened: list[str] = []
    graph = NetworkGraphView()
    docks = [QDockWidget(title, host) for title in ("One", "Two")]
    for dock in docks:
        dock.setWidget(QWidget())
    menus = build_menus(
        host, QUndoStack(host), TrainingControls(host), graph, docks,
        open_csv=lambda: opened.append("csv"), open_example=opened.append,
        set_drawing=lambda on: opened.append(f"draw {on}"), fill_recent=lambda menu: None,
        open_playground=lambda: opened.append("playground"), load_lesson=lambda *a: None,
    )  # fmt: skip
    assert isinstance(menus, Menus)
    actions = list(menus.actions())
    assert len(actions) > 20
    assert all(a.text().strip() for a in actions)
    assert [m.menuAction() for m in menus.menus()] == host.menuBar().actions()
    repeated = {k: n for k, n in shortcut_owners(actions).items() if n > 1}
    assert repeated == {}
    # The entries call what they were given, not the window.
    menus.open_action.trigger()
    menus.playground_action.trigger()
    menus.draw_action.setChecked(True)
    menus.examples_menu.actions()[0].trigger()
    assert opened[:3] == ["csv", "playground", "draw True"]
    assert opened[3] == menus.examples_menu.actions()[0].text()
    assert {d.toggleViewAction() for d in docks} <= set(menus.view_menu.actions())
    assert not hasattr(host, "open_action")


def test_the_main_windows_full_menu_bar_has_unique_shortcuts(window):
    menus = window.menus
    actions = list(menus.actions())
    texts = {a.text() for a in actions}
    # The session and export entries are added to File after build_menus.
    assert {"&Save session", "Open &session…", "&Model as JSON…"} <= texts
    assert all(a.text().strip() for a in actions)
    owners = shortcut_owners(actions)
    assert {k: n for k, n in owners.items() if n > 1} == {}
    assert owners[QKeySequence("Ctrl+S").toString()] == 1
    assert menus.edge_actions["weight"].isChecked()


def _imports(path: Path) -> set[str]:
    """The mlpviz modules ``path`` imports, type-checking-only imports included."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("mlpviz"):
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names if a.name.startswith("mlpviz"))
    return names


def test_no_import_cycles_among_the_shell_and_the_file_actions():
    root = Path(mlpviz.__file__).parent
    modules = {}
    for folder in ("ui/shell", "ui/files"):
        for path in sorted((root / folder).glob("*.py")):
            name = "mlpviz." + ".".join(path.relative_to(root).with_suffix("").parts)
            modules[name.removesuffix(".__init__")] = path
    graph = {m: _imports(p) & modules.keys() - {m} for m, p in modules.items()}
    assert "mlpviz.ui.files.export_actions" in graph["mlpviz.ui.shell.main_window"]

    def reach(start: str) -> set[str]:
        seen, todo = set(), list(graph[start])
        while todo:
            m = todo.pop()
            if m not in seen:
                seen.add(m)
                todo.extend(graph[m])
        return seen

    cycles = sorted(m for m in graph if m in reach(m))
    assert cycles == []
