"""Lesson 2 — gradient descent on x² + y²: the contour with the path, and the
tutorial's table growing one row per step with the printed table beside it."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from mlpviz.lessons.bowl import (
    COLUMNS,
    LEARNING_RATE,
    PRINTED_TABLE,
    START,
    BowlLesson,
    bowl,
    closed_form,
)
from mlpviz.lessons.tutorials import MLP_MATH
from mlpviz.lessons.worked_example import fmt4
from mlpviz.ui.lessons.base import CURRENT, TRIAL, LessonPanel, make_plot, note_box, spin_box
from mlpviz.ui.style import theme
from mlpviz.ui.style.plot_style import font
from mlpviz.ui.widgets.contour import contour_segments
from mlpviz.ui.widgets.heatmap import HeatmapPlot

EXTENT = (-1.5, 5.0)  # the contour's square: the start (3, 4) and the minimum, with margin
GRID = 121
MAX_STEPS = 60  # beyond this the numbers stop changing at 4 decimals
HEADERS = ("step", "x_old", "∇f(x)", "x_new", "y_old", "∇f(y)", "y_new", "f(x, y)")
NAMES = dict(zip(COLUMNS, HEADERS[1:]))
WRONG = QColor(248, 205, 160)  # a printed number that is wrong
ROUNDED = QColor(255, 241, 214)  # a printed number off in the last digit
WHITE = QColor(255, 255, 255)


class BowlContour(HeatmapPlot):
    """f(x, y) over the plane, iso-lines through the visited points, and the path."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("f(x, y) = x² + y² from above", "", parent)
        self._set_extent(EXTENT)
        self._set_axis_names("x", "y", "x", "y")
        # The colours only say "lower towards the centre"; a bar would take room
        # from the plane, whose iso-lines carry the values.
        self.colorbar.hide()
        self.plot_item.layout.removeItem(self.colorbar)
        self.plot_item.setAspectLocked(True)
        self.path = pg.PlotDataItem(
            pen=pg.mkPen(WHITE, width=2),
            symbol="o",
            symbolSize=7,
            symbolBrush=pg.mkBrush(WHITE),
            symbolPen=None,
            antialias=True,
        )
        self.arrow = pg.PlotDataItem(pen=pg.mkPen(255, 220, 120, 230, width=2.5))
        self.point = pg.ScatterPlotItem(size=15, pen=pg.mkPen(WHITE, width=2), brush=CURRENT)
        for z, item in enumerate((self.arrow, self.path, self.point)):
            item.setZValue(5 + z)
            self.plot_item.addItem(item)

    def _set_extent(self, extent: tuple[float, float]) -> None:
        """Sample f on the square ``extent``² (the colours show √f, the distance to 0)."""
        self.extent = extent
        xs = ys = np.linspace(*extent, GRID)
        self.xs, self.ys = xs, ys
        self.grid = xs[:, None] ** 2 + ys[None, :] ** 2
        root = np.sqrt(self.grid)
        self._set_heatmap(xs, ys, root, (0.0, float(root.max())), values=self.grid)

    def show_path(self, path: np.ndarray, gradient: tuple[float, float], lr: float) -> None:
        # A large η overshoots beyond the usual square: the plane grows to follow it.
        extent = (
            min(EXTENT[0], float(path.min()) - 0.5),
            max(EXTENT[1], float(path.max()) + 0.5),
        )
        if extent != self.extent:
            self._set_extent(extent)
        levels = sorted({round(bowl(*p), 10) for p in path[:8]})
        self.contours.setData(*contour_segments(self.grid, levels, self.xs, self.ys))
        self.contours.setPen(pg.mkPen(255, 255, 255, 150, width=1.2))
        self.path.setData(path[:, 0], path[:, 1])
        self.point.setData(pos=path[-1:])

        # −η∇f: where the next step goes.
        x, y = path[-1]
        self.arrow.setData([x, x - lr * gradient[0]], [y, y - lr * gradient[1]])
        self.readout.setText("")


class BowlPanel(LessonPanel):
    number = 2
    title = "Gradient descent on a bowl"
    source = f"From “{MLP_MATH}”: the gradient descent formula, x² + y²"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.lesson = BowlLesson()
        self.lr_box = spin_box(LEARNING_RATE, 0.01, 1.2, 0.05, tip="Learning rate η (restarts)")
        self.lr_box.valueChanged.connect(self._lr_changed)
        self.add_option("η", self.lr_box)

        self.contour = BowlContour()
        self.table = QTableWidget(0, len(HEADERS) + 1)
        self.table.setHorizontalHeaderLabels([*HEADERS, "text's f"])
        self.table.horizontalHeaderItem(len(HEADERS) - 1).setToolTip(
            "f at (x_new, y_new), as the tutorial's column"
        )
        self.table.horizontalHeaderItem(len(HEADERS)).setToolTip("the value the tutorial prints")
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFont(font(10))
        self.table.horizontalHeader().setFont(font(10, bold=True))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setStretchLastSection(True)
        # Wide enough for "−0.0000" and "25.0000": the table never squeezes its numbers.
        widths = [40, *([62] * (len(HEADERS) - 2)), 68, 66]
        for col, width in enumerate(widths):
            self.table.setColumnWidth(col, width)
        self.table.setFixedWidth(sum(widths) + 22)
        self.table.setAlternatingRowColors(True)
        self.table.setStyleSheet("QTableWidget { gridline-color: #e2e2e2; }")

        self.f_plot = make_plot("f after each step (log scale)", "step k", "f", log_y=True)
        fp = self.f_plot.getPlotItem()
        self.f_curve = fp.plot(
            pen=pg.mkPen(theme.POSITIVE, width=2),
            symbol="o",
            symbolSize=6,
            symbolBrush=theme.POSITIVE,
            symbolPen=None,
            name="computed",
        )
        self.f_printed = pg.PlotDataItem(
            pen=None, symbol="x", symbolSize=13, symbolPen=pg.mkPen(TRIAL, width=2.5)
        )
        fp.addItem(self.f_printed)
        legend = fp.addLegend(offset=(-8, 8), labelTextColor=theme.TEXT)
        legend.addItem(self.f_printed, "the text's wrong f")
        left = QVBoxLayout()
        left.addWidget(self.contour, 3)
        left.addWidget(self.f_plot, 2)
        views = QHBoxLayout()
        legend = QLabel(
            f"<span style='background:{WRONG.name()}'>&nbsp;&nbsp;&nbsp;&nbsp;</span> the text "
            f"prints a wrong value &nbsp; <span style='background:{ROUNDED.name()}'>&nbsp;&nbsp;"
            "&nbsp;&nbsp;</span> the text is off in the last digit (hover for its value)"
        )
        legend.setWordWrap(True)
        legend.setFont(font(9))
        legend.setMaximumWidth(self.table.width())
        table_box = QVBoxLayout()
        table_box.addWidget(self.table, 1)
        table_box.addWidget(legend)
        views.addLayout(left, 1)
        views.addLayout(table_box, 0)
        self.body.addLayout(views, 1)
        self.refresh()

    # -- controls ----------------------------------------------------------------------

    def _lr_changed(self, value: float) -> None:
        self.lesson.set_lr(value)
        self._changed()

    def do_step(self) -> bool:
        if self.lesson.steps >= MAX_STEPS:
            return False
        self.lesson.step()
        return True

    # -- drawing -----------------------------------------------------------------------------

    def refresh(self) -> None:
        L = self.lesson
        self.contour.show_path(L.path(), L.gradient(), L.lr)
        self._fill_table()
        self._plot_f()
        k = L.steps
        x, y = L.point
        q = L.factor
        xk, yk = closed_form(k, L.start, L.lr)
        base = fmt4(q) if q >= 0 else f"({fmt4(q)})"
        self.readout.setText(
            f"<span style='font-size:13pt'>step <b>{k}</b> &nbsp;·&nbsp; (x, y) = "
            f"(<b>{fmt4(x)}</b>, <b>{fmt4(y)}</b>) &nbsp;·&nbsp; f(x, y) = <b>{fmt4(L.f())}</b>"
            f"</span><br><span style='color:{theme.MUTED.name()}'>closed form: "
            f"x<sub>k</sub> = {L.start[0]:g}·{base}<sup>k</sup> = {fmt4(xk)}, "
            f"y<sub>k</sub> = {L.start[1]:g}·{base}<sup>k</sup> = {fmt4(yk)}, "
            f"f<sub>k</sub> = {bowl(*L.start):g}·{fmt4(q * q)}<sup>k</sup> = "
            f"{fmt4(bowl(xk, yk))}</span>{self._row_note()}"
        )
        self.set_text(self._html())

    def _row_note(self) -> str:
        """A line on the newest row when the printed table differs there."""
        here = [d for d in self.lesson.differences() if d.step == self.lesson.steps]
        if not here:
            return ""
        parts = ", ".join(
            f"{NAMES[d.column]} = {fmt4(d.printed)} (it is {fmt4(d.correct)}"
            + ("" if d.serious else ", last digit")
            + ")"
            for d in here
        )
        return f"<br><span style='color:{TRIAL.name()}'>the text prints {parts}</span>"

    def _plot_f(self) -> None:
        L = self.lesson
        ks = np.arange(L.steps + 1)
        fs = np.array([bowl(*p) for p in L.path()])
        # Log axis: a zero f (reached only by η = 0.5) is drawn at the floor.
        self.f_curve.setData(ks, np.maximum(fs, 1e-12))
        wrong = [d for d in L.differences() if d.serious and d.column == "f"]
        self.f_printed.setData([d.step for d in wrong], [d.printed for d in wrong])

    def _fill_table(self) -> None:
        L = self.lesson
        diffs = {(d.step, d.column): d for d in L.differences()}
        rows = L.rows
        self.table.setRowCount(len(rows) + 1)
        start = ["0", "", "", fmt4(L.start[0]), "", "", fmt4(L.start[1]), fmt4(bowl(*L.start))]
        printed_start = fmt4(25.0) if L.is_tutorials_setup() else ""
        self._set_row(0, [*start, printed_start])
        for i, r in enumerate(rows, start=1):
            cells = [str(r.step), *(fmt4(r.value(c)) for c in COLUMNS)]
            printed = ""
            if L.is_tutorials_setup() and r.step <= len(PRINTED_TABLE):
                printed = fmt4(PRINTED_TABLE[r.step - 1][-1])
            self._set_row(i, [*cells, printed])
            for j, column in enumerate(COLUMNS, start=1):
                d = diffs.get((r.step, column))
                if d is None:
                    continue
                item = self.table.item(i, j)
                item.setBackground(QBrush(WRONG if d.serious else ROUNDED))
                kind = "wrong" if d.serious else "last digit: the text carried rounded numbers"
                item.setToolTip(f"the tutorial prints {fmt4(d.printed)} ({kind})")
                if column == "f":
                    printed_item = self.table.item(i, len(HEADERS))
                    printed_item.setBackground(QBrush(WRONG if d.serious else ROUNDED))
        self.table.scrollToBottom()

    def _set_row(self, row: int, texts: list[str]) -> None:
        for col, text in enumerate(texts):
            item = QTableWidgetItem(text)
            align = Qt.AlignmentFlag.AlignRight if col else Qt.AlignmentFlag.AlignCenter
            item.setTextAlignment(align | Qt.AlignmentFlag.AlignVCenter)
            if col == len(HEADERS):
                item.setForeground(QBrush(theme.MUTED))
            self.table.setItem(row, col, item)

    def extra_texts(self) -> list[str]:
        cells = []
        for r in range(self.table.rowCount()):
            cells.append(
                " ".join(self.table.item(r, c).text() for c in range(self.table.columnCount()))
            )
        return cells

    def _html(self) -> str:
        L = self.lesson
        q = L.factor
        base = fmt4(q) if q >= 0 else f"({fmt4(q)})"
        diffs = L.differences()
        serious = [d for d in diffs if d.serious]
        small = [d for d in diffs if not d.serious]
        notes = [
            (
                "The last three f values",
                "The printed table gives f = 0.7140, 0.3579, 0.2294 for steps 8–10. With "
                "x_k = 3·0.8ᵏ and y_k = 4·0.8ᵏ, f = 25·0.64ᵏ is "
                + ", ".join(fmt4(25 * 0.64**k) for k in (8, 9, 10))
                + " (marked dark orange when those rows are reached).",
            ),
            (
                "Which point f is taken at",
                "The f column is f(x_new, y_new) — the value after the step: the first "
                "row's 16.0000 is f(2.4, 3.2), not f(3, 4) = 25.",
            ),
            (
                "Last digits",
                "A few other printed cells differ in the fourth decimal (1.9660 for 1.9661, "
                "0.3222 for 0.3221, …): the text carried its rounded numbers from row to row. "
                "They are marked light orange; hover a cell for the printed value.",
            ),
        ]
        if not L.is_tutorials_setup():
            status = (
                f"<p class='muted'>With η = {fmt4(L.lr)} this is not the text's table "
                f"(η = {LEARNING_RATE:g}), so nothing is compared.</p>"
            )
        elif L.steps:
            status = (
                f"<p>Rows so far differ from the printed table in <b>{len(serious)}</b> wrong "
                f"and <b>{len(small)}</b> last-digit cell(s).</p>"
            )
        else:
            status = ""
        factor_note = (
            "<p class='bad'>With 1 − 2η negative, each step jumps across the minimum; "
            "below −1 it diverges.</p>"
            if q < 0
            else ""
        )
        return f"""
<h2>2 · Gradient descent on a bowl</h2>
<p class='muted'>{self.source}</p>
<p>The bowl <span class='formula'>f(x, y) = x² + y²</span> has its minimum at (0, 0).
Its gradient collects the two partial derivatives:</p>
<p align='center' class='formula'>∇f = (∂f/∂x, ∂f/∂y) = (2x, 2y)</p>
<p>Gradient descent moves both coordinates against it at once:</p>
<p align='center' class='formula'>x<sub>new</sub> = x<sub>old</sub> − η·2x<sub>old</sub>
= x<sub>old</sub>(1 − 2η)</p>
<p>With η = {fmt4(L.lr)} every step multiplies x and y by 1 − 2η = <b>{fmt4(q)}</b>, so
from ({START[0]:g}, {START[1]:g}):</p>
<p align='center' class='formula'>x<sub>k</sub> = 3·{base}<sup>k</sup>, &nbsp;
y<sub>k</sub> = 4·{base}<sup>k</sup>, &nbsp; f<sub>k</sub> = 25·{fmt4(q * q)}<sup>k</sup></p>
{factor_note}
<p>The path is a straight line to the minimum — the gradient of a round bowl points
straight at its centre — and the steps shrink because the slope does. The white rings are
the iso-lines through the points visited; the short yellow line is the next step −η∇f.</p>
{status}
{note_box("Where the printed table differs", notes)}
"""
