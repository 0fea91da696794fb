"""How the app writes numbers for people, and how it reads the numbers they type.

Views differ in precision (a weight cell shows four decimals, the status bar
six significant digits), never in the rules, which live here only:

- a missing value (None) is "—"; NaN is "NaN"; infinities are "∞" / "−∞";
- negative numbers carry the typographic minus "−", except with ``plain=True``
  (table cells that are copied into spreadsheets and CSV files, where only
  the ASCII "-" reads back as a number);
- ``sign=True`` writes "+" before positive numbers (changes, Δ); an exact
  zero is never negative (a tiny negative number rounded to zero keeps its
  minus: it says which side of zero the value is on);
- the exponent form is Python's (``1.5e+05``), and when it is used depends
  on the style, see :func:`format_number`;
- thousands separators ("1,234,567") only with ``thousands=True``, for counts
  and rates that are read, never typed back: :func:`parse_number` reads a
  lone comma as a decimal comma.

:func:`parse_number` is the one reader of typed numbers: every editor accepts
the same texts and refuses the rest with the same messages.
"""

from __future__ import annotations

import math
import re

__all__ = ["MINUS", "MISSING", "STYLES", "format_number", "parse_number"]

MINUS = "\u2212"
MISSING = "—"
STYLES = ("auto", "fixed", "significant", "compact")

# Plain decimal numbers only: float() would also take "1_000", "nan" or Arabic digits.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NON_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)


def format_number(
    value: float | None,
    *,
    digits: int = 4,
    style: str = "auto",
    plain: bool = False,
    sign: bool = False,
    thousands: bool = False,
) -> str:
    """``value`` as text, with ``digits`` of precision in the given ``style``.

    Styles:

    - ``"fixed"``: ``digits`` decimals (``0.5000``);
    - ``"significant"``: ``digits`` significant digits, exponent for very large
      or small values (Python's ``g``: ``0.5``, ``1.235e+05``);
    - ``"auto"``: fixed decimals for 0.1 ≤ |x| < 10⁵ and for 0, ``digits - 1``
      decimals of exponent from 10⁵ up, ``digits`` significant digits below 0.1
      (a gradient of 3e-5 must not read as 0.0000);
    - ``"compact"``: fixed decimals below 100, exponent from 100 up (text that
      has to fit inside a node).
    """
    if value is None:
        return MISSING
    v = float(value)
    minus = "-" if plain else MINUS
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "∞" if v > 0 else minus + "∞"
    if v == 0:
        v = 0.0  # zero has no sign: −0.0 from a product still reads "0.0000"
    plus = "+" if sign else ""
    if style == "fixed":
        code = "f"
    elif style == "significant":
        code = "g"
    elif style == "auto":
        a = abs(v)
        code = "f" if v == 0 or 0.1 <= a < 1e5 else ("e" if a >= 1e5 else "g")
    elif style == "compact":
        code = "f" if abs(v) < 100 else "e"
    else:
        raise ValueError(f"unknown number style {style!r}; expected one of {STYLES}")
    places = max(digits - 1, 0) if code == "e" else digits
    group = "," if thousands else ""
    text = f"{v:{plus}{group}.{places}{code}}"
    return text if plain else text.replace("-", MINUS)


# A non-zero integer part of 1–3 digits, a comma and exactly three digits.
_THOUSANDS_LIKE = re.compile(r"\s*[+-]?[1-9]\d{0,2},\d{3}\s*")


def parse_number(text: object) -> float:
    """The finite number in ``text``, or ``ValueError`` saying what is wrong with it.

    Accepts a plain decimal number with optional exponent ("0.5", "1e-3",
    ".5", "2."), a leading "+" or "-" or the typographic minus "−", spaces
    around it, and a decimal comma when it is the only separator ("0,5"), but
    not where it could be a thousands separator ("1,000" is refused as ambiguous).
    Refuses empty text, NaN and infinities (one non-finite weight turns every
    output into NaN) and anything else. An int or float is taken as it is,
    NaN and infinities again refused.
    """
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        value = float(text)
        shown = repr(value)
    else:
        shown = str(text).strip()
        if not shown:
            raise ValueError("an empty value is not a number")
        cleaned = shown.replace(MINUS, "-")
        if cleaned.count(",") == 1 and "." not in cleaned:
            if _THOUSANDS_LIKE.fullmatch(cleaned):
                # "1,000" is a thousand in one convention and 1.0 in the other:
                # guessing would silently change a weight by a factor of 1,000.
                raise ValueError(
                    f"{shown!r} is ambiguous (a thousands separator or a decimal comma?): "
                    f"write {cleaned.replace(',', '')} or "
                    f"{cleaned.replace(',', '.')}"
                )
            cleaned = cleaned.replace(",", ".")
        if _NON_FINITE.fullmatch(cleaned):
            raise ValueError(f"{shown!r} is not a finite number")
        if not _NUMBER.fullmatch(cleaned):
            raise ValueError(f"{shown!r} is not a number")
        value = float(cleaned)
    if not math.isfinite(value):
        raise ValueError(f"{shown!r} is not a finite number")
    return value
