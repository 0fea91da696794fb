"""The "Lessons" menu: one action per lesson, all opening one shared window.

Wiring (main window)::

    from .lessons import build_lessons_menu
    self.lessons_menu = build_lessons_menu(self, on_load=self.load_lesson)
    self.menuBar().insertMenu(help_menu.menuAction(), self.lessons_menu)
"""

from __future__ import annotations

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from mlpviz.ui.lessons.window import LESSONS, LessonsWindow, open_lessons
from mlpviz.ui.lessons.worked_panel import OnLoad


class LessonsMenu(QMenu):
    """A QMenu that owns the (lazily created) :class:`LessonsWindow`."""

    def __init__(self, parent: QWidget | None = None, on_load: OnLoad | None = None) -> None:
        super().__init__("&Lessons", parent)
        self.on_load = on_load
        self.window: LessonsWindow | None = None
        self.lesson_actions = []
        for i, cls in enumerate(LESSONS):
            action = self.addAction(f"&{cls.number}  {cls.title}")
            action.setStatusTip(f"Lesson {cls.number}: {cls.title} ({cls.source})")
            action.setShortcut(QKeySequence(f"Ctrl+Shift+{cls.number}"))
            action.triggered.connect(lambda _=False, index=i: self.open_lesson(index))
            self.lesson_actions.append(action)

    def open_lesson(self, index: int) -> LessonsWindow:
        """Show lesson ``index`` (0-based) in the shared window."""
        parent = self.parentWidget()
        self.window = open_lessons(parent, index, self.on_load, self.window)
        return self.window


def build_lessons_menu(parent: QWidget | None = None, on_load: OnLoad | None = None) -> QMenu:
    """The "Lessons" menu for a menu bar.

    ``on_load(problem, spec, settings)`` is called by lesson 4's "Load into
    the main window" button; without it that button is disabled.
    """
    return LessonsMenu(parent, on_load)
