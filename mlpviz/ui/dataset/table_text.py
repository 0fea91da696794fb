"""How the dataset dialog and the data view write numbers and counts.

A fixed-width font so digits line up (:func:`fixed_font`) and "3 rows"
(:func:`plural`); the numbers themselves are written by
:func:`mlpviz.ui.style.numbers.format_number` (six significant digits, plain minus).
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication


def fixed_font() -> QFont:
    """The system fixed-width font at the UI's size, so digits line up."""
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    size = QGuiApplication.font().pointSizeF()
    if size > 0:
        # The system fixed font is often a point larger than the UI font.
        font.setPointSizeF(size)
    return font


def plural(n: int, word: str) -> str:
    """ "1 row", "3 rows", "1,000,000 rows"."""
    return f"{n:,} {word}" + ("" if n == 1 else "s")
