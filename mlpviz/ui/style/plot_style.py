"""Shared light styling for mlpviz's pyqtgraph plots.

pyqtgraph defaults to a black "oscilloscope" look; the app is a light desktop
tool, so every plot goes through these helpers instead of changing
``pg.setConfigOptions`` globally (which would also restyle plots other
modules create, and only affects items created afterwards anyway).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QGraphicsItem, QHBoxLayout, QLabel, QSizePolicy, QWidget

from mlpviz.ui.style import theme
from mlpviz.ui.style.numbers import MISSING, format_number

BACKGROUND = QColor(255, 255, 255)
AXIS_LINE = QColor(160, 160, 160)
GRID_ALPHA = 0.18


def font(point_size: float, bold: bool = False) -> QFont:
    """The application font at ``point_size`` (keeps the platform family)."""
    f = QFont()
    f.setPointSizeF(point_size)
    f.setBold(bold)
    return f


def paint_white(widget: QWidget) -> None:
    """Give ``widget`` the plot background, so header, hint and plot read as one card."""
    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.Window, BACKGROUND)
    palette.setColor(QPalette.ColorRole.WindowText, theme.TEXT)
    widget.setPalette(palette)
    widget.setAutoFillBackground(True)


def style_plot_item(plot: pg.PlotItem) -> None:
    """Dark-grey ticks and labels on light-grey axis lines, no pyqtgraph "A" button."""
    for side in ("left", "bottom"):
        axis = plot.getAxis(side)
        axis.setPen(pg.mkPen(AXIS_LINE))
        axis.setTextPen(pg.mkPen(theme.TEXT))
        axis.setStyle(tickFont=font(9), tickTextOffset=4)
        # "(x0.001)" beside an axis title is easy to miss; ticks carry the units.
        axis.enableAutoSIPrefix(False)
        # Every curve update repaints the strip of axis it overlaps, and
        # replaying the axis's tick text costs milliseconds a frame while
        # training; a cached pixmap is redrawn only when the range changes.
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    # The auto-range button looks like a debug control; the widgets offer
    # their own "Follow" toggle or reset the view themselves.
    plot.hideButtons()


def set_axis_label(plot: pg.PlotItem, side: str, text: str) -> None:
    """Axis title in the shared text colour and size."""
    plot.getAxis(side).setLabel(text, color=theme.TEXT.name(), **{"font-size": "10pt"})


def header_row(title: str) -> tuple[QHBoxLayout, QLabel, QLabel]:
    """A title on the left and a muted readout label; callers append controls."""
    row = QHBoxLayout()
    row.setContentsMargins(4, 0, 4, 0)
    row.setSpacing(12)
    title_label = QLabel(title)
    title_label.setFont(font(11, bold=True))
    readout = QLabel("")
    readout.setFont(font(9.5))
    readout.setStyleSheet(f"color: {theme.MUTED.name()};")
    # The readout changes length with every mouse move; it must never make
    # the row (and so the plot) jump, so it takes the spare space and elides.
    readout.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    readout.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    row.addWidget(title_label)
    row.addWidget(readout, 1)
    return row, title_label, readout


def hint_label(text: str) -> QLabel:
    """Centered, muted, wrapped text shown where a plot has nothing to draw yet."""
    label = QLabel(text)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    label.setFont(font(11))
    label.setStyleSheet(f"color: {theme.MUTED.name()}; padding: 24px;")
    return label


def note_label(text: str) -> QLabel:
    """A small muted caption under a plot (method notes, caveats)."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setFont(font(8.5))
    label.setStyleSheet(f"color: {theme.MUTED.name()}; padding: 0 6px;")
    return label


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def value_label(value: float) -> str:
    """A tick label: plain decimals for 0.001…9999, "2×10⁻⁵" beyond; no value
    (—) at a non-finite position, which an axis only reaches when it is empty."""
    if not math.isfinite(value):
        return MISSING
    if value == 0:
        return format_number(value, style="significant")
    exponent = math.floor(math.log10(abs(value)) + 1e-9)
    if -3 <= exponent <= 3:
        return format_number(value, style="significant")
    mantissa = round(value / 10.0**exponent, 3)
    power = "10" + str(exponent).translate(_SUPERSCRIPT)
    return power if mantissa == 1 else f"{mantissa:g}×{power}"


def _nice_step(span: float, count: int) -> float:
    raw = span / max(count, 1)
    base = 10.0 ** math.floor(math.log10(raw))
    return next(m * base for m in (1, 2, 5, 10) if m * base >= raw)


def log_ticks(low: float, high: float, max_labels: int) -> tuple[list[float], list[float]]:
    """Labelled and unlabelled tick positions for a log axis spanning log₁₀ [low, high].

    Picks the richest of 1×, 1-2-5× and 1…9× each decade that still fits
    ``max_labels``; over many decades it labels every k-th decade; over a small
    fraction of a decade it falls back to evenly spaced values.
    """
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return [], []
    max_labels = max(int(max_labels), 2)
    decades = np.arange(math.floor(low), math.ceil(high) + 1)

    def at(mantissas) -> list[float]:
        v = (decades[:, None] + np.log10(np.asarray(mantissas, dtype=float))[None, :]).ravel()
        return [float(x) for x in v if low <= x <= high]

    sets = ([1], [1, 2, 5], list(range(1, 10)))
    fits = [m for m in sets if 2 <= len(at(m)) <= max_labels]
    if fits:
        major = fits[-1]
        finer = sets[min(sets.index(major) + 1, 2)]
        return at(major), [x for x in at(finer) if x not in at(major)]
    if len(at([1])) > max_labels:
        stride = math.ceil(len(at([1])) / max_labels)
        return [x for x in at([1]) if round(x) % stride == 0], at([1])
    # Less than a factor of ~2 in view: even steps in value space read best.
    lo_v, hi_v = 10.0**low, 10.0**high
    step = _nice_step(hi_v - lo_v, max_labels)
    values = np.arange(math.ceil(lo_v / step), math.floor(hi_v / step) + 1) * step
    return [float(math.log10(v)) for v in values if v > 0], []


class ValueAxis(pg.AxisItem):
    """An axis whose log mode labels ticks as values (0.01, 0.02, 0.05) not exponents.

    pyqtgraph's log axis labels only powers of ten and, over less than a
    decade, scatters bare minor-tick digits; a loss curve that falls from
    0.3 to 0.05 then shows almost no labels.
    """

    def __init__(self, orientation: str, **kwargs):
        super().__init__(orientation, **kwargs)
        self.enableAutoSIPrefix(False)

    def logTickValues(self, minVal, maxVal, size, stdTicks):
        major, minor = log_ticks(minVal, maxVal, int(size // 38))
        # spacing=None marks the unlabelled level for tickStrings.
        return [(1.0, major), (None, minor)]

    def tickStrings(self, values, scale, spacing):
        if not self.logMode:
            return super().tickStrings(values, scale, spacing)
        if spacing is None:
            return ["" for _ in values]
        return [value_label(10.0**v) for v in values]
