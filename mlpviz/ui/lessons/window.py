"""The Lessons window: a chooser on the left, one lesson at a time on the right.

Lessons are built when first shown, so opening the window costs only the
lesson asked for (lesson 3 prepares a dataset and a network).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from mlpviz.ui.lessons.base import LessonPanel
from mlpviz.ui.lessons.bowl_panel import BowlPanel
from mlpviz.ui.lessons.derivative_panel import DerivativePanel
from mlpviz.ui.lessons.trial_panel import TrialPanel
from mlpviz.ui.lessons.worked_panel import OnLoad, WorkedPanel
from mlpviz.ui.style.plot_style import font
from mlpviz.ui.widgets.window_fit import open_fitted

PREFERRED_SIZE = QSize(1500, 900)  # on a screen with room for it; else 90 % of the screen
LESSONS: tuple[type[LessonPanel], ...] = (DerivativePanel, BowlPanel, TrialPanel, WorkedPanel)


def lesson_titles() -> list[str]:
    return [f"{cls.number}. {cls.title}" for cls in LESSONS]


def _settle(widget: QWidget) -> None:
    """Lay a newly shown page out now rather than on the next event-loop pass.

    A page built while the window is visible gets its final geometry from
    queued layout requests; until the loop runs them, a first frame or a grab
    showed the control bar squeezed to one row.
    """
    for w in (widget, *widget.findChildren(QWidget)):
        layout = w.layout()
        if layout is not None:
            layout.activate()


class LessonsWindow(QWidget):
    """All lessons in one window; :meth:`show_lesson` picks one (0-based)."""

    lessonChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None, on_load: OnLoad | None = None) -> None:
        super().__init__(parent)
        # A window of its own even with a parent, so it can sit beside the main window.
        self.setWindowFlag(Qt.WindowType.Window, True)
        self.setWindowTitle("Lessons — mlpviz")
        self.setObjectName("mlpviz-lessons")
        self.on_load = on_load
        self.chooser = QListWidget()
        self.chooser.setFont(font(11))
        self.chooser.setFixedWidth(210)
        self.chooser.setWordWrap(True)
        self.chooser.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.chooser.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.chooser.setStyleSheet(
            "QListWidget { background: #f1f4f7; border: none; padding-top: 6px; }"
            "QListWidget::item { padding: 10px 8px; border-radius: 4px; margin: 2px 6px; }"
            "QListWidget::item:selected { background: #1f4e79; color: white; }"
        )
        for cls in LESSONS:
            # Explicit line breaks: QListWidget's own word wrap measures items unreliably.
            item = QListWidgetItem(
                f"{cls.number}  " + textwrap.fill(cls.title, 20).replace("\n", "\n    ")
            )
            item.setToolTip(cls.source)
            self.chooser.addItem(item)
        heading = QLabel("Lessons")
        heading.setFont(font(14, bold=True))
        heading.setStyleSheet("QLabel { background: #f1f4f7; padding: 12px 14px 4px 14px; }")
        side = QWidget()
        side.setStyleSheet("background: #f1f4f7;")
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.setSpacing(0)
        side_layout.addWidget(heading)
        side_layout.addWidget(self.chooser, 1)

        self.stack = QStackedWidget()
        self.panels: list[LessonPanel | None] = [None] * len(LESSONS)
        for _ in LESSONS:
            self.stack.addWidget(QWidget())  # placeholders until first shown
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(side)
        layout.addWidget(self.stack, 1)
        self.chooser.currentRowChanged.connect(self._chosen)
        open_fitted(self, PREFERRED_SIZE)
        self.show_lesson(0)

    def panel(self, index: int) -> LessonPanel:
        """The lesson at ``index``, built on first use."""
        existing = self.panels[index]
        if existing is not None:
            return existing
        cls = LESSONS[index]
        panel = cls(on_load=self.on_load) if cls is WorkedPanel else cls()
        placeholder = self.stack.widget(index)
        self.stack.insertWidget(index, panel)
        self.stack.removeWidget(placeholder)
        placeholder.deleteLater()
        self.panels[index] = panel
        return panel

    def show_lesson(self, index: int) -> LessonPanel:
        panel = self.panel(index)
        if self.chooser.currentRow() != index:
            self.chooser.setCurrentRow(index)  # re-enters through _chosen
        self.stack.setCurrentWidget(panel)
        _settle(panel)
        return panel

    def current_panel(self) -> LessonPanel:
        return self.panel(self.stack.currentIndex())

    def _chosen(self, index: int) -> None:
        if index < 0:
            return
        for i, p in enumerate(self.panels):
            if p is not None and i != index:
                p.stop()
        panel = self.panel(index)
        self.stack.setCurrentWidget(panel)
        _settle(panel)
        self.lessonChanged.emit(index)

    def closeEvent(self, event) -> None:
        for p in self.panels:
            if p is not None:
                p.stop()
        super().closeEvent(event)


def open_lessons(
    parent: QWidget | None = None,
    index: int = 0,
    on_load: Callable | None = None,
    window: LessonsWindow | None = None,
) -> LessonsWindow:
    """Show (creating if needed) the Lessons window at lesson ``index``."""
    if window is None:
        window = LessonsWindow(parent, on_load)
    window.show_lesson(index)
    window.show()
    window.raise_()
    window.activateWindow()
    return window
