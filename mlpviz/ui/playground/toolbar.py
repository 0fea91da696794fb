"""The optimizer playground's toolbar: the function chooser, the field for a
typed function, play / step / reset, and the speed slider.

It only holds the controls; :class:`~mlpviz.ui.playground.window.PlaygroundWindow`
connects them to what they do.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QSlider, QStyle, QToolBar, QWidget

from mlpviz.playground.testfunctions import FUNCTIONS

SPEEDS: list[float | None] = [1, 2, 5, 10, 20, 50, 100, 200, 500, None]
DEFAULT_SPEED = 4  # 20 steps a second: a 100-step race takes five seconds to watch


class PlaygroundToolbar(QToolBar):
    """The playground's controls along the top of its window.

    The actions belong to ``parent`` (the window), so their shortcuts work
    wherever the focus is in it.
    """

    CUSTOM = "custom"  # the chooser's item data for "Custom…"

    def __init__(self, parent: QWidget) -> None:
        super().__init__("Playground", parent)
        self.setMovable(False)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.addWidget(QLabel(" Function "))
        self.chooser = QComboBox()
        for key, tf in FUNCTIONS.items():
            self.chooser.addItem(tf.name, key)
            self.chooser.setItemData(
                self.chooser.count() - 1, f"f(x, y) = {tf.formula}", Qt.ItemDataRole.ToolTipRole
            )
        self.chooser.addItem("Custom…", self.CUSTOM)
        self.chooser.setToolTip("The function the optimizers race on.")
        self.addWidget(self.chooser)
        self.custom = QLineEdit()
        self.custom.setPlaceholderText(
            "f(x, y) =  e.g.  x^2 + 3*y^2   or   sin(x)*cos(y) + 0.1*x^2"
        )
        self.custom.setToolTip(
            "A function of x and y: numbers, x, y, pi, e, + − * / ^, "
            "parentheses, and sin cos tan exp log sqrt abs tanh sinh cosh. "
            "Press Enter to use it."
        )
        self.custom.setMinimumWidth(320)
        self.custom_action = self.addWidget(self.custom)
        self.custom_action.setVisible(False)
        self.addSeparator()
        style = parent.style()
        self.play_action = QAction(
            style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay), "Play", parent
        )
        self.play_action.setShortcut(QKeySequence(Qt.Key.Key_Space))
        self.play_action.setToolTip(
            "Run the race (Space); pauses by itself when every racer has converged or diverged."
        )
        self.step_action = QAction(
            style.standardIcon(QStyle.StandardPixmap.SP_MediaSkipForward), "Step", parent
        )
        self.step_action.setShortcut(QKeySequence(Qt.Key.Key_Right))
        self.step_action.setToolTip("One step for every racer (→).")
        self.substep_action = QAction(
            style.standardIcon(QStyle.StandardPixmap.SP_ArrowRight), "Sub-step", parent
        )
        self.substep_action.setShortcut(QKeySequence("Shift+Right"))
        self.substep_action.setToolTip(
            "Reveal the next step piece by piece for the racer chosen under “Inside the step”: "
            "gradient, then the optimizer's state, then the step; a fourth press takes it "
            "(Shift+→)."
        )
        self.reset_action = QAction(
            style.standardIcon(QStyle.StandardPixmap.SP_BrowserReload), "Reset", parent
        )
        self.reset_action.setShortcut(QKeySequence("Ctrl+R"))
        self.reset_action.setToolTip("Back to the start point with fresh optimizer state (Ctrl+R).")
        for action in (self.play_action, self.step_action, self.substep_action, self.reset_action):
            self.addAction(action)
        self.addSeparator()
        self.addWidget(QLabel(" Speed "))
        self.speed = QSlider(Qt.Orientation.Horizontal)
        self.speed.setRange(0, len(SPEEDS) - 1)
        self.speed.setValue(DEFAULT_SPEED)
        self.speed.setFixedWidth(140)
        self.speed.setToolTip(
            "Steps per second while playing; the far right is as fast as possible."
        )
        self.addWidget(self.speed)
        self.speed_label = QLabel()
        self.speed_label.setMinimumWidth(80)
        self.addWidget(self.speed_label)
