"""Controls of the settings panel a preset locks: disabled, with a tooltip saying why.

A locked control takes no input (keys, wheel, clicks), so its setting stays
what the preset chose; the window may still set it (loading a preset or a
session). Widgets the panel makes later (an optimizer's option boxes, a
hidden-layer row) are locked when :meth:`SettingsLocks.refresh` runs, which
the panel calls whenever it rebuilds or re-describes them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import shiboken6
from PySide6.QtWidgets import QWidget

from mlpviz.ui.shell.settings_widgets import StopConditions

LOCKED_TIP = "Locked by the preset"
# The panel's share of the preset locks ("data" locks menus, not the panel).
PANEL_LOCKS = (
    "network", "learning_rate", "optimizer", "batch_size", "regularization", "stopping", "seed",
)  # fmt: skip


class SettingsLocks:
    """Which of :data:`PANEL_LOCKS` hold on ``panel``; each lock disables its widgets."""

    def __init__(self, panel: Any) -> None:  # the SettingsPanel that owns this
        self._panel = panel
        self.locked: frozenset[str] = frozenset()
        self._tips: dict[QWidget, str] = {}  # a locked widget → its own tooltip

    def widgets(self, name: str) -> list[QWidget]:
        """The widgets lock ``name`` disables (each with its children)."""
        p = self._panel
        if name == "network":
            return [p.output_activation.parentWidget()]  # the whole Network group
        if name == "learning_rate":
            return [p.learning_rate, p.schedule, p.gamma, p.every, p.period]
        if name == "optimizer":
            return [p.optimizer, *p._opt_boxes.values()]
        if name == "batch_size":
            return [p.batch_size, p.shuffle]
        if name == "regularization":
            return [p.l1, p.l2, p.dropout]
        if name == "stopping":
            return [p.findChild(StopConditions)]
        if name == "seed":
            return [p.train_seed]
        raise ValueError(f"unknown lock {name!r}; choose from {', '.join(PANEL_LOCKS)}")

    def set(self, names: Iterable[str]) -> None:
        """Lock exactly ``names`` (those not for the panel are ignored); unlock the rest."""
        self._release()
        self.locked = frozenset(n for n in names if n in PANEL_LOCKS)
        self.refresh()

    def is_locked(self, widget: QWidget) -> bool:
        """True when ``widget`` is one a lock holds (directly or inside a locked group)."""
        return widget in self._tips

    def refresh(self) -> None:
        """Lock the widgets of the held locks again (new ones included)."""
        for name in self.locked:
            for root in self.widgets(name):
                root.setEnabled(False)
                for w in (root, *root.findChildren(QWidget)):
                    if w not in self._tips:
                        self._tips[w] = w.toolTip()
                    w.setToolTip(LOCKED_TIP)

    def _release(self) -> None:
        roots = [w for name in self.locked for w in self.widgets(name)]
        for w, tip in self._tips.items():
            if shiboken6.isValid(w) and w.toolTip() == LOCKED_TIP:
                w.setToolTip(tip)
        self._tips = {}
        for w in roots:
            w.setEnabled(True)
