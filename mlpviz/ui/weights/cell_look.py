"""How one weight-table cell looks: its text, font, text colour and tooltip.

The model (:mod:`mlpviz.ui.weights.model`) decides *which* number a cell
holds; this module decides how that number is shown, so the table view can
size its columns with exactly the text the model draws.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication

from mlpviz.engine.layout import Param, param_name
from mlpviz.ui.style import theme
from mlpviz.ui.style.numbers import format_number

__all__ = ["cell_text", "cell_tooltip", "number_font", "text_colour"]

# Backgrounds darker than this (perceived luminance, 0–255) get white text;
# past roughly 60 % of the scale the blue and orange are too dark for black.
_DARK_LUMA = 140.0
_WHITE = QColor(255, 255, 255)


def cell_text(value: float) -> str:
    """A cell's display text: four decimals, as the tutorial prints them, with the
    ASCII minus so a copied cell pastes as a number anywhere."""
    return format_number(value, style="fixed", plain=True)


def number_font() -> QFont:
    """Fixed-width font at the application's size, so digits line up in columns."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    app_font = QGuiApplication.font()
    if app_font.pointSizeF() > 0:
        # The system fixed font is often a point larger than the UI font,
        # which makes dense tables look shouty next to the headers.
        font.setPointSizeF(app_font.pointSizeF())
    return font


def text_colour(background: QColor) -> QColor:
    """White on dark backgrounds, the theme's text colour on light ones."""
    bg = background
    luma = 0.299 * bg.red() + 0.587 * bg.green() + 0.114 * bg.blue()
    return _WHITE if luma < _DARK_LUMA else theme.TEXT


def cell_tooltip(
    param: Param,
    where: str,
    value: float,
    gradient: float | None,
    step: float | None,
    pending: float | None,
) -> str:
    """The tooltip of a cell: its name and place, its exact value, the last
    gradient and step when there were any, and an edit still waiting."""
    sym = param[0]
    lines = [f"{param_name(param)}  ({where})", f"value = {value!r}"]
    if gradient is not None:
        lines.append(f"∂L/∂{sym} = {format_number(gradient, digits=6, style='significant')}")
    if step is not None:
        lines.append(
            f"last Δ{sym} = {format_number(step, digits=6, style='significant', sign=True)}"
        )
    if pending is not None:
        lines.append(f"edit to {pending!r} pending")
    return "\n".join(lines)
