"""The frame every lesson shares: its text on the left, its views on the right,
and Step / Back / Reset (and Play) underneath.

A lesson subclass owns a pure lesson object from :mod:`mlpviz.lessons` and
implements :meth:`LessonPanel.do_step`, :meth:`do_back`, :meth:`do_reset`
and :meth:`refresh`; the base wires the buttons, the Play timer and the
``changed`` signal, so every lesson behaves the same way.
"""

from __future__ import annotations

import html

import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QTextDocumentFragment
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from mlpviz.lessons.worked_example import fmt4
from mlpviz.ui.style import theme
from mlpviz.ui.style.plot_style import (
    BACKGROUND,
    ValueAxis,
    font,
    paint_white,
    set_axis_label,
    style_plot_item,
)

__all__ = ["LessonPanel", "make_plot", "note_box", "signed4", "spin_box"]

TEXT_WIDTH = 360  # the explanation column: ~55 characters a line, easy to read
PLAY_INTERVAL_MS = 450  # slow enough to follow each step with the eye
NOTE_BG = "#fff4e5"  # warm tint for "where the tutorial differs"
NOTE_EDGE = "#e0a050"
TRIAL = QColor(214, 96, 39)  # orange, the theme's negative: trial and error
GRADIENT = QColor(33, 102, 172)  # blue, the theme's positive: gradient descent
CURRENT = QColor(220, 40, 40)

# Qt's rich text understands a CSS subset; these rules keep every lesson's
# text in one consistent, readable style.
TEXT_CSS = f"""
body {{ color: {theme.TEXT.name()}; }}
h2 {{ font-size: 15pt; margin: 0 0 6px 0; }}
h3 {{ font-size: 11.5pt; margin: 12px 0 4px 0; color: #1f4e79; }}
p {{ margin: 0 0 7px 0; line-height: 125%; }}
.formula {{ font-family: 'DejaVu Serif'; font-size: 11.5pt; color: #1f1f1f; }}
.muted {{ color: {theme.MUTED.name()}; }}
.good {{ color: #1b7f3b; font-weight: bold; }}
.bad {{ color: #b03a12; font-weight: bold; }}
td {{ padding: 2px 6px; }}
th {{ padding: 2px 6px; background-color: #eef3f8; }}
"""


def signed4(value: float) -> str:
    """Like :func:`fmt4` with an explicit + on positive values: +4.6667 (a slope's sign matters)."""
    text = fmt4(value)
    return "+" + text if value > 0 and text != "0.0000" else text


def note_box(title: str, items: list[tuple[str, str]]) -> str:
    """HTML for a tinted box listing (heading, detail) notes on the tutorial's text."""
    rows = "".join(
        f"<p><b>{html.escape(head)}.</b> {html.escape(body)}</p>" for head, body in items
    )
    return (
        f'<table width="100%" cellpadding="8" style="background-color:{NOTE_BG}; '
        f'border: 1px solid {NOTE_EDGE};"><tr><td>'
        f'<p style="color:#8a4b00;"><b>⚠ {html.escape(title)}</b></p>{rows}</td></tr></table>'
    )


def spin_box(
    value: float, low: float, high: float, step: float, decimals: int = 4, tip: str = ""
) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(low, high)
    box.setDecimals(decimals)
    box.setSingleStep(step)
    box.setValue(value)
    box.setKeyboardTracking(False)  # one change per edit, not per keystroke
    box.setToolTip(tip)
    return box


def make_plot(
    title: str, x_label: str, y_label: str, log_y: bool = False, log_x: bool = False
) -> pg.PlotWidget:
    """A light pyqtgraph plot in the app's style, with a bold title.

    Log axes label their ticks as values (0.01, 0.02, 0.05), not exponents.
    """
    axes = {}
    if log_x:
        axes["bottom"] = ValueAxis("bottom")
    if log_y:
        axes["left"] = ValueAxis("left")
    widget = pg.PlotWidget(axisItems=axes)
    widget.setBackground(BACKGROUND)
    item = widget.getPlotItem()
    style_plot_item(item)
    item.setMenuEnabled(False)
    item.setTitle(title, color=theme.TEXT.name(), size="11pt", bold=True)
    item.showGrid(x=True, y=True, alpha=0.18)
    set_axis_label(item, "bottom", x_label)
    set_axis_label(item, "left", y_label)
    if log_x or log_y:
        item.setLogMode(x=log_x, y=log_y)
    return widget


class LessonPanel(QWidget):
    """One lesson: rich text beside its plots, with Step / Back / Reset / Play.

    A subclass sets ``self.lesson``, its model (``step()``, ``back()``,
    ``reset()``), and draws it in :meth:`refresh`.
    """

    lesson: object

    changed = Signal()
    number = 0
    title = ""
    source = ""  # the tutorial the lesson follows, by its title
    can_play = True
    options_row = False  # True: the inputs get a row above the buttons

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        paint_white(self)
        self.text = QTextBrowser()
        self.text.setOpenExternalLinks(False)
        self.text.document().setDefaultStyleSheet(TEXT_CSS)
        self.text.setFont(font(10.5))
        self.text.setFrameShape(QFrame.Shape.NoFrame)
        self.text.setStyleSheet("QTextBrowser { background: #fbfbfa; padding: 10px; }")
        self.text.setMinimumWidth(300)

        self.readout = QLabel()
        self.readout.setTextFormat(Qt.TextFormat.RichText)
        self.readout.setWordWrap(True)
        self.readout.setFont(font(11))
        self.readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.readout.setStyleSheet(
            "QLabel { background: #f3f7fb; border: 1px solid #d5e1ec; border-radius: 4px;"
            " padding: 8px 10px; }"
        )
        self.readout.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

        self.body = QVBoxLayout()
        self.body.setContentsMargins(0, 0, 0, 0)
        self.body.setSpacing(6)
        self.body.addWidget(self.readout)

        self.step_button = QPushButton("Step ▶")
        self.back_button = QPushButton("◀ Back")
        self.reset_button = QPushButton("Reset ⟲")
        self.play_button = QPushButton("Play")
        self.play_button.setCheckable(True)
        self.play_button.setVisible(self.can_play)
        for b in (self.back_button, self.step_button, self.reset_button, self.play_button):
            b.setFont(font(10.5, bold=b is self.step_button))
            b.setMinimumWidth(76)
        self.step_button.setToolTip("One step (Right arrow)")
        self.back_button.setToolTip("Undo the last step (Left arrow)")
        self.reset_button.setToolTip("Back to the start")
        self.step_button.setShortcut(Qt.Key.Key_Right)
        self.back_button.setShortcut(Qt.Key.Key_Left)
        self.step_button.clicked.connect(self.step)
        self.back_button.clicked.connect(self.back)
        self.reset_button.clicked.connect(self.reset)
        self.play_button.toggled.connect(self._play_toggled)

        self.controls = QVBoxLayout()
        self.controls.setSpacing(4)
        self.options = QHBoxLayout()  # lesson-specific inputs
        self.options.setSpacing(6)
        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        if self.options_row:
            # Many inputs: a row of their own, so the lesson fits a laptop screen.
            self.options.addStretch(1)
            self.controls.addLayout(self.options)
        else:
            buttons.addLayout(self.options)
        buttons.addStretch(1)
        for b in (self.back_button, self.step_button, self.reset_button, self.play_button):
            buttons.addWidget(b)
        self.controls.addLayout(buttons)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 8, 8, 8)
        right_layout.setSpacing(6)
        right_layout.addLayout(self.body, 1)
        bar = QFrame()
        bar.setFrameShape(QFrame.Shape.StyledPanel)
        bar.setStyleSheet("QFrame { background: #f4f4f2; border-radius: 4px; }")
        bar.setLayout(self.controls)
        # The buttons keep their height; the views give way when the window is short.
        bar.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        right_layout.addWidget(bar)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.text)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([TEXT_WIDTH, 1000])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.splitter)

        self._timer = QTimer(self)
        self._timer.setInterval(PLAY_INTERVAL_MS)
        self._timer.timeout.connect(self._tick)

    # -- what a lesson implements ------------------------------------------------------

    def do_step(self) -> bool:
        """Advance one step; False if there is nothing more to do (stops Play)."""
        self.lesson.step()
        return True

    def do_back(self) -> bool:
        return self.lesson.back()

    def do_reset(self) -> None:
        self.lesson.reset()

    def refresh(self) -> None:
        """Redraw every view and number from the lesson's state."""
        raise NotImplementedError

    # -- the shared controls ---------------------------------------------------------------

    def step(self) -> None:
        if not self.do_step():
            self.play_button.setChecked(False)
        self._changed()

    def back(self) -> None:
        self.do_back()
        self._changed()

    def reset(self) -> None:
        self.play_button.setChecked(False)
        self.do_reset()
        self._changed()

    def _changed(self) -> None:
        self.refresh()
        self.changed.emit()

    def add_option(self, label: str, widget: QWidget) -> None:
        """A labelled input in the control bar."""
        # With an options row its stretch must stay last, so insert before it.
        at = self.options.count() - 1 if self.options_row else self.options.count()
        if label:
            text = QLabel(label)
            text.setFont(font(10))
            self.options.insertWidget(at, text)
            at += 1
        self.options.insertWidget(at, widget)
        self.options.insertSpacing(at + 1, 8)

    def set_text(self, html_text: str) -> None:
        """The lesson's explanation; keeps the reader's scroll position."""
        bar = self.text.verticalScrollBar()
        pos = bar.value()
        self.text.setHtml(html_text)
        bar.setValue(pos)

    def readout_text(self) -> str:
        """Everything the lesson shows as text (numbers, notes), for tests and copy."""
        readout = QTextDocumentFragment.fromHtml(self.readout.text()).toPlainText()
        return "\n".join([readout, self.text.toPlainText(), *self.extra_texts()])

    def extra_texts(self) -> list[str]:
        """Text of further views (tables, labels) a lesson adds."""
        return []

    # -- Play --------------------------------------------------------------------------------

    @property
    def playing(self) -> bool:
        return self._timer.isActive()

    def _play_toggled(self, on: bool) -> None:
        self.play_button.setText("Pause" if on else "Play")
        if on:
            self._timer.start()
        else:
            self._timer.stop()

    def _tick(self) -> None:
        self.step()

    def stop(self) -> None:
        """Stop playing (the window calls this when the lesson is hidden or closed)."""
        self.play_button.setChecked(False)

    def hideEvent(self, event) -> None:
        self.stop()
        super().hideEvent(event)
