"""Fields and cells of a CSV line, and the exact (slow) parser behind load_csv.

:func:`parse_rows` is the reference: it decides what a valid row is and,
when a row is not valid, says where and why. :mod:`mlpviz.data.csv_loader`
lets ``np.loadtxt`` parse the bulk and comes here only when loadtxt objects
or its result is not clean, so nothing loadtxt accepts may be refused here,
or read differently (the property tests compare the two on fuzzed input).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mlpviz.data.dataset import DatasetError

# The float syntax np.loadtxt accepts, minus nan/inf (refused below with their
# own message). re.ASCII: Python's float() also takes other scripts' digits
# ("١") and underscores ("1_000"), loadtxt takes neither, and a file must not
# load differently depending on which path read it. Every pattern here is
# unambiguous (no two quantifiers can share a character), so a failed match
# costs linear time even on a 100 kB line of junk; Python 3.10 has no
# possessive quantifiers to guarantee that otherwise.
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_NON_FINITE = re.compile(r"[+-]?(?:nan|inf|infinity)", re.IGNORECASE)
_DECIMAL_COMMA = re.compile(r"[+-]?\d{1,3}(?:,\d+)+", re.ASCII)
# A quoted field: "..." with "" for a quote inside (the unrolled-loop form).
_QUOTED_FIELD = re.compile(r'"([^"]*(?:""[^"]*)*)"')
# Padding around a field: whitespace, but never the delimiter (tab).
_PADDING = {",": re.compile(r"\s*"), ";": re.compile(r"\s*"), "\t": re.compile(r"[^\S\t]*")}

# How much of a bad cell a message quotes; binary junk can be one huge "cell".
_QUOTE_LIMIT = 40


class FieldError(Exception):
    """A line's quoting is broken at ``column`` (1-based)."""

    def __init__(self, column: int) -> None:
        super().__init__(column)
        self.column = column


class CellError(Exception):
    """One cell is not a usable number.

    ``reason`` is the message text; ``kind`` is one of "empty", "nan", "inf",
    "overflow", "comma" (decimal comma) or "text".
    """

    def __init__(self, reason: str, kind: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind


def looks_numeric(cell: str) -> bool:
    """True if a stripped cell is a number, NaN or infinity (i.e. data, not a name)."""
    return bool(_NUMBER.fullmatch(cell) or _NON_FINITE.fullmatch(cell))


def split_fields(line: str, delimiter: str) -> list[str]:
    """Split one line into stripped, unquoted fields.

    Quotes follow RFC 4180 (``"1.5"``, ``""`` inside quotes is a quote) with
    one addition real files need: whitespace may surround a quoted field, as
    in ``70,  "98"``.

    Raises
    ------
    FieldError
        A quote is unbalanced, a quote appears inside an unquoted field, or
        text follows a closing quote.
    """
    if '"' not in line:
        return [f.strip() for f in line.split(delimiter)]
    padding = _PADDING[delimiter]
    fields: list[str] = []
    pos = 0
    while True:
        start = padding.match(line, pos).end()  # type: ignore[union-attr]  # \s* always matches
        quoted = _QUOTED_FIELD.match(line, start)
        if quoted is not None:
            fields.append(quoted.group(1).replace('""', '"').strip())
            end = padding.match(line, quoted.end()).end()  # type: ignore[union-attr]
            if end < len(line) and line[end] != delimiter:
                raise FieldError(len(fields))
        else:
            end = line.find(delimiter, pos)
            if end < 0:
                end = len(line)
            bare = line[pos:end]
            if '"' in bare:
                raise FieldError(len(fields) + 1)
            fields.append(bare.strip())
        if end >= len(line):
            return fields
        pos = end + 1


def _shown(text: str) -> str:
    """``text`` cut to ``_QUOTE_LIMIT`` characters: a message quotes a cell, never a megabyte."""
    return text if len(text) <= _QUOTE_LIMIT else text[:_QUOTE_LIMIT] + "…"


def parse_cell(cell: str) -> float:
    """Convert one stripped cell to a finite float.

    Raises
    ------
    CellError
        The cell is empty, not a number, NaN or infinite.
    """
    if _NUMBER.fullmatch(cell):
        value = float(cell)
        if math.isinf(value):
            raise CellError(
                f"{_shown(cell)!r} is too large for a float64 (it overflows to infinity)",
                "overflow",
            )
        return value
    if not cell:
        raise CellError("the cell is empty; fill it in or remove the row", "empty")
    shown = _shown(cell)
    if _NON_FINITE.fullmatch(cell):
        if cell.lstrip("+-").lower().startswith("n"):
            raise CellError(f"{shown!r} is not a number (NaN); fill it in or remove the row", "nan")
        raise CellError(f"{shown!r} is infinite; only finite numbers can be used", "inf")
    if _DECIMAL_COMMA.fullmatch(cell):
        raise CellError(
            f"{shown!r} is not a number: use '.' as the decimal point, no thousands separators",
            "comma",
        )
    raise CellError(f"{shown!r} is not a number", "text")


@dataclass(frozen=True)
class Layout:
    """What is known about a file once its first row is read; formats errors.

    Attributes
    ----------
    path : Path or None
    delimiter : str
    columns : tuple of str — the column names (generated when no header).
    has_header : bool
    first_line : int — 1-based line of the header, or of the first data row.
    """

    path: Path | None
    delimiter: str
    columns: tuple[str, ...]
    has_header: bool
    first_line: int

    @property
    def n_columns(self) -> int:
        return len(self.columns)

    @property
    def name(self) -> str:
        return self.path.name if self.path is not None else "<text>"

    def error(
        self, message: str, line: int, column: int | None = None, cell_kind: str | None = None
    ) -> DatasetError:
        """Build the DatasetError for a problem at a 1-based line and column."""
        where = f"{self.name}, line {line}"
        if column is not None:
            where += f", column {column}"
            if self.has_header and column <= self.n_columns:  # a ragged row has more
                where += f" ({_shown(self.columns[column - 1])!r})"
        return DatasetError(
            f"{where}: {message}", path=self.path, line=line, column=column, cell_kind=cell_kind
        )


def parse_rows(lines: list[str], first_line: int, layout: Layout) -> np.ndarray:
    """Parse lines the slow, exact way; return (rows, k) float64 or raise.

    Parameters
    ----------
    lines : list of str
        Consecutive physical lines without line endings.
    first_line : int
        1-based line number of ``lines[0]`` in the file.
    layout : Layout

    Returns
    -------
    ndarray, shape (r, k)
        One row per non-blank line; blank (whitespace-only) lines are skipped.

    Raises
    ------
    DatasetError
        At the first bad line: wrong number of fields, broken quoting, or a
        cell that is empty, not a number, NaN or infinite.
    """
    k = layout.n_columns
    flat: list[float] = []
    for offset, line in enumerate(lines):
        number = first_line + offset
        fields = row_fields(line, number, layout)
        if fields is None:
            continue
        for col, cell in enumerate(fields, start=1):
            try:
                flat.append(parse_cell(cell))
            except CellError as exc:
                reason = exc.reason
                if exc.kind == "text" and number == layout.first_line:
                    # A header with one numeric-looking name is read as data.
                    reason += "; if this line holds column names, none of them may be a number"
                raise layout.error(reason, number, col, exc.kind) from None
    return np.array(flat, dtype=np.float64).reshape(-1, k)


def row_fields(line: str, number: int, layout: Layout) -> list[str] | None:
    """The cells of file line ``number``; None for a blank line. Raises the
    loader's DatasetError for broken quoting or the wrong number of cells."""
    if not line.strip():
        return None
    try:
        fields = split_fields(line, layout.delimiter)
    except FieldError as exc:
        raise layout.error(
            "unbalanced quote or text after a closing quote", number, exc.column
        ) from None
    if len(fields) != layout.n_columns:
        raise layout.error(ragged_message(len(fields), layout), number)
    return fields


def ragged_message(found: int, layout: Layout) -> str:
    source = "the header" if layout.has_header else "the first row"
    delim = {"\t": "tab", ",": "','", ";": "';'"}[layout.delimiter]
    return (
        f"{found} field{'s' if found != 1 else ''} separated by {delim}, "
        f"expected {layout.n_columns} like {source} on line {layout.first_line}"
    )
