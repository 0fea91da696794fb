"""The Lessons: four interactive pages that teach what the two tutorials teach.

Each page shows its text beside its plots, with Step / Back / Reset; the
numbers come from :mod:`mlpviz.lessons` (pure NumPy). Use
:func:`build_lessons_menu` to add them to a menu bar, or
:class:`LessonsWindow` on its own.
"""

from .base import LessonPanel
from .bowl_panel import BowlPanel
from .derivative_panel import DerivativePanel
from .menu import LessonsMenu, build_lessons_menu
from .trial_panel import TrialPanel
from .window import LESSONS, LessonsWindow, lesson_titles, open_lessons
from .worked_panel import WorkedPanel

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
