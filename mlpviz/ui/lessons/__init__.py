"""The Lessons: four interactive pages that teach what the two tutorials teach.

Each page shows its text beside its plots, with Step / Back / Reset; the
numbers come from :mod:`mlpviz.lessons` (pure NumPy). Use
:func:`build_lessons_menu` to add them to a menu bar, or
:class:`LessonsWindow` on its own.
"""

from mlpviz.ui.lessons.base import LessonPanel
from mlpviz.ui.lessons.bowl_panel import BowlPanel
from mlpviz.ui.lessons.derivative_panel import DerivativePanel
from mlpviz.ui.lessons.menu import LessonsMenu, build_lessons_menu
from mlpviz.ui.lessons.trial_panel import TrialPanel
from mlpviz.ui.lessons.window import LESSONS, LessonsWindow, lesson_titles, open_lessons
from mlpviz.ui.lessons.worked_panel import WorkedPanel

__all__ = [
    "LESSONS",
    "BowlPanel",
    "DerivativePanel",
    "LessonPanel",
    "LessonsMenu",
    "LessonsWindow",
    "TrialPanel",
    "WorkedPanel",
    "build_lessons_menu",
    "lesson_titles",
    "open_lessons",
]
