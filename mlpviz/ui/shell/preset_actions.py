"""File › Open preset…, File › Presets, File › Save as preset…, and applying one.

Opening a preset reads and validates the whole file first (see
:mod:`mlpviz.io.preset_file`); a file it refuses changes nothing in the
window and the banner names the file and the field. An accepted preset sets
the data, network and settings (as a lesson's "Load" does), shows exactly
its docks, locks its controls and shows its steps in the Preset dock.

The presets shipped with mlpviz are JSON files in ``mlpviz/lessons/presets``,
read through :mod:`importlib.resources` so they work from a wheel or a zip.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDockWidget, QFileDialog, QMenu

from mlpviz.io.atomic import SaveError
from mlpviz.io.preset_file import (
    DOCKS,
    MAX_PRESET_BYTES,
    Preset,
    PresetStep,
    data_from_problem,
    preset_from_text,
    preset_problem,
    read_preset,
    write_preset,
)
from mlpviz.io.validate import FileFormatError
from mlpviz.ui.files.preset_dialog import PresetSaveDialog, steps_text
from mlpviz.ui.shell.preset_panel import PresetPanel
from mlpviz.ui.shell.settings_locks import LOCKED_TIP

FILTER = "mlpviz presets (*.mlpviz-preset.json *.json);;All files (*)"
SUFFIX = ".mlpviz-preset.json"


def builtin_presets() -> dict[str, str]:
    """The shipped presets: file name → JSON text, sorted by file name."""
    folder = resources.files("mlpviz.lessons").joinpath("presets")
    out = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json") and entry.is_file():
            out[entry.name] = entry.read_text(encoding="utf-8")[:MAX_PRESET_BYTES]
    return out


class PresetActions(QObject):
    """The preset entries of ``window``'s File menu and the Preset dock."""

    def __init__(self, window: Any) -> None:  # the MainWindow (which imports this module)
        super().__init__(window)
        self.window = window
        self.preset: Preset | None = None
        self.locked: frozenset[str] = frozenset()
        self._tips: dict[QAction, str] = {}  # a data action's own status tip
        self.panel = PresetPanel()
        dock = QDockWidget("Preset", window)
        dock.setObjectName("preset-dock")
        dock.setWidget(self.panel)
        window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
        # Beside the weight tables, as a tab: the steps get the side's full height.
        window.tabifyDockWidget(window.tables_dock, dock)
        dock.hide()
        window.tables_dock.raise_()  # the tab shown until a preset opens
        self.dock = dock
        self.open_action = QAction("Open pr&eset…", self)
        self.open_action.setStatusTip("A teacher's set-up: data, network, settings and steps")
        self.open_action.triggered.connect(self.open_dialog)
        self.presets_menu = QMenu("&Presets", window)
        for name, text in builtin_presets().items():
            self.presets_menu.addAction(
                _menu_title(text, name), lambda n=name, t=text: self.open_builtin(n, t)
            )
        self.save_action = QAction("Save as pre&set…", self)
        self.save_action.setStatusTip("Make a preset of this window, with locks and steps")
        self.save_action.triggered.connect(self.save_dialog)
        self.unlock_action = QAction("&Leave the preset (unlock)", self)
        self.unlock_action.triggered.connect(self.leave)
        self.unlock_action.setEnabled(False)

    def install_menu(self, file_menu: QMenu, before_action: QAction | None = None) -> None:
        """Put the preset entries into ``file_menu`` before ``before_action``."""
        file_menu.insertAction(before_action, self.open_action)
        file_menu.insertMenu(before_action, self.presets_menu)
        file_menu.insertAction(before_action, self.save_action)
        file_menu.insertAction(before_action, self.unlock_action)
        file_menu.insertSeparator(before_action)
        self.window.menus.view_menu.addAction(self.dock.toggleViewAction())

    # -- opening ------------------------------------------------------------------------

    def open_dialog(self) -> None:
        start = str(self.window.store.value("last_dir", "") or "")
        path, _ = QFileDialog.getOpenFileName(self.window, "Open preset", start, FILTER)
        if path:
            self.open_file(path)

    def open_file(self, path: str | Path) -> bool:
        """Read, validate and apply the preset at ``path``; False (and the banner says
        why, naming the file and the field) when it is refused, the window unchanged."""
        try:
            preset = read_preset(path)
        except (FileFormatError, OSError) as e:
            self.window.banner.show_message(f"Cannot open the preset: {e}", "error")
            return False
        self.apply(preset)
        return True

    def open_builtin(self, name: str, text: str) -> bool:
        try:
            preset = preset_from_text(text, f"the built-in preset {name}")
        except FileFormatError as e:
            self.window.banner.show_message(f"Cannot open the preset: {e}", "error")
            return False
        self.apply(preset)
        return True

    def apply(self, preset: Preset) -> None:
        """Set the window up as ``preset`` says (it was validated and rehearsed)."""
        w = self.window
        w.menus.draw_action.setChecked(False)
        problem = preset_problem(preset.data)
        self._lock(frozenset())  # a new preset replaces the last one and its locks
        w.load_lesson(problem, preset.spec, preset.settings)
        for dock in w.docks:
            dock.setVisible(dock.objectName().removesuffix("-dock") in preset.docks)
        self.preset = preset
        self._lock(preset.locked)
        self.panel.set_preset(preset)
        self.dock.show()
        self.dock.raise_()
        self.unlock_action.setEnabled(bool(preset.locked))
        w.statusBar().showMessage(f"Preset: {preset.title}", 8000)

    def leave(self) -> None:
        """Unlock every control; the steps stay in the Preset dock."""
        self._lock(frozenset())
        self.unlock_action.setEnabled(False)

    def _lock(self, locked: frozenset[str]) -> None:
        w = self.window
        self.locked = locked
        w.settings_panel.set_locked(locked)
        data_locked = "data" in locked
        m = w.menus
        actions = (m.open_action, m.examples_menu.menuAction(), m.draw_action)
        for a in (*actions, m.recent_menu.menuAction()):
            tip = self._tips.setdefault(a, a.statusTip())
            a.setEnabled(not data_locked)
            a.setStatusTip(LOCKED_TIP if data_locked else tip)
        w.setAcceptDrops(not data_locked)
        # A session replaces data, network and settings at once: any lock keeps it out.
        s = w.session_actions
        for a in (s.open_action, s.recent_menu.menuAction()):
            tip = self._tips.setdefault(a, a.statusTip())
            a.setEnabled(not locked)
            a.setStatusTip(LOCKED_TIP if locked else tip)

    # -- saving -------------------------------------------------------------------------

    def current(self, title: str, locked: frozenset[str], steps: tuple[PresetStep, ...]) -> Preset:
        """The window as a preset: the session's data, network and settings, the docks shown."""
        w, s = self.window, self.window.session
        shown = tuple(d.objectName().removesuffix("-dock") for d in w.docks if not d.isHidden())
        w.settings_panel.flush()
        return Preset(
            title,
            data_from_problem(s.problem),
            s.spec,
            w.settings_panel.training_settings(),
            tuple(k for k in DOCKS if k in shown),
            locked,
            steps,
        )

    def save_file(self, path: str | Path, preset: Preset) -> bool:
        try:
            write_preset(path, preset)
        except (SaveError, OSError) as e:
            self.window.banner.show_message(f"Cannot save the preset: {e}", "error")
            return False
        self.window.statusBar().showMessage(f"Preset saved to {path}", 8000)
        return True

    def save_dialog(self) -> None:
        w = self.window
        title = self.preset.title if self.preset else w.session.problem.name
        dialog = PresetSaveDialog(w, title, self.preset.locked if self.preset else frozenset())
        if self.preset is not None:
            dialog.steps.setPlainText(steps_text(self.preset.steps))
        if not dialog.exec():
            return
        title, locked, steps = dialog.values()
        start = str(w.store.value("last_dir", "") or "")
        name = "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-") or "preset"
        path, _ = QFileDialog.getSaveFileName(
            w, "Save as preset", str(Path(start) / f"{name}{SUFFIX}"), FILTER
        )
        if path:
            self.save_file(path, self.current(title, locked, steps))


def _menu_title(text: str, name: str) -> str:
    """A shipped preset's title for the menu (its file name if it has none); the
    file is validated when it is opened, not while the menu is built."""
    try:
        title = json.loads(text).get("title")
    except (ValueError, AttributeError):
        return name
    return title if isinstance(title, str) and title.strip() else name
