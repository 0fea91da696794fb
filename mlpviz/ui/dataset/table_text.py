"""How the dataset dialog and the data view write numbers and counts.

A fixed-width font so digits line up (:func:`fixed_font`) and "3 rows"
(:func:`plural`); the numbers themselves are written by
:func:`mlpviz.ui.style.numbers.format_number` (six significant digits, plain minus).
"""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase, QFontInfo, QGuiApplication


def fixed_font() -> QFont:
    """A fixed-pitch font at the UI's size, so digits line up.

    The system's fixed font when Qt reports it fixed-pitch; on machines where
    it resolves to a proportional face (fontconfig's "monospace" can be Noto
    Sans Mono, which Qt reports as not fixed), the first family the font
    database reports as fixed-pitch; the system's choice only when there is none.
    """
    font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
    if not QFontInfo(font).fixedPitch():
        family = first_fixed_family(QFontDatabase.families())
        if family is not None:
            font = QFont(family)
    font.setStyleHint(QFont.StyleHint.TypeWriter)
    size = QGuiApplication.font().pointSizeF()
    if size > 0:
        # The system fixed font is often a point larger than the UI font.
        font.setPointSizeF(size)
    return font


def first_fixed_family(families: list[str]) -> str | None:
    """The first of ``families`` that the font database reports as fixed-pitch."""
    return next((f for f in families if QFontDatabase.isFixedPitch(f)), None)


def plural(n: int, word: str) -> str:
    """ "1 row", "3 rows", "1,000,000 rows"."""
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def name_list(names: list[str] | tuple[str, ...], most: int = 8) -> str:
    """ "a, b, c", or for a long list its first names, "…" and the last one: a
    message names a table's columns without growing with a 5,000-column file."""
    if len(names) <= most:
        return ", ".join(names)
    return ", ".join(names[: most - 1]) + f", …, {names[-1]}"
