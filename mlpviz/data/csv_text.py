"""Tables with text columns: the cells read as text, each column then typed.

:func:`mlpviz.data.csv_loader.load_csv` comes here only when the numeric
parser meets a cell that is text (a word, not an empty, NaN or infinite cell).
Every line is split into fields the exact way (:func:`split_fields`), and each
column becomes either numbers or text:

- a column all of whose cells are numbers is a number column, read with
  :func:`parse_cell`, so it holds the same floats the numeric path gives;
- any other column is a text column: its values are codes into its sorted
  distinct cells (``Dataset.categories``), and ``Dataset.text_cells`` keeps
  where its first non-number is, so it can be refused with file, line and
  column when it is chosen as a number column;
- but a column at least half of whose cells are numbers is a numeric column
  with a stray word: the load fails there, naming file, line and column.

Empty, NaN and infinite cells stay errors in every column: a table with a
hole in it is reported where the hole is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from mlpviz.data.csv_cells import CellError, Layout, parse_cell, row_fields
from mlpviz.data.csv_dialect import no_rows_error
from mlpviz.data.dataset import NUMBER, TEXT, LoadCancelled, TextCell

# Lines between progress reports and cancel polls.
_BLOCK = 16_384


def read_text_table(
    lines: Iterator[tuple[int, str]],
    total: int,
    layout: Layout,
    progress: Callable[[float], object] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> tuple[np.ndarray, tuple[str, ...], dict[int, tuple[str, ...]], dict[int, TextCell]]:
    """Read (1-based line number, line) pairs into typed columns.

    Returns ``(values, kinds, categories, text_cells)`` as a :class:`Dataset`
    holds them. Raises DatasetError at the first ragged row, broken quote, or
    empty / NaN / infinite cell.
    """
    k = layout.n_columns
    cells: list[list[str]] = [[] for _ in range(k)]
    numbers = [0] * k
    first_text: list[tuple[int, str] | None] = [None] * k
    done = 0
    for number, line in lines:
        done += 1
        if done % _BLOCK == 0:
            if cancel is not None and cancel():
                raise LoadCancelled(f"loading {layout.name} was cancelled")
            if progress is not None:
                progress(min(done / max(total, 1), 1.0))
        fields = row_fields(line, number, layout)
        if fields is None:
            continue
        for j, cell in enumerate(fields):
            cells[j].append(cell)
            try:
                parse_cell(cell)
                numbers[j] += 1
            except CellError as exc:
                if exc.kind != "text":
                    raise layout.error(exc.reason, number, j + 1, exc.kind) from None
                if first_text[j] is None:
                    first_text[j] = (number, cell)
    if not cells[0]:
        raise no_rows_error(layout)
    _refuse_numeric_header(layout, first_text, numbers, len(cells[0]))
    values = np.empty((len(cells[0]), k), dtype=np.float64)
    kinds: list[str] = []
    categories: dict[int, tuple[str, ...]] = {}
    text_cells: dict[int, TextCell] = {}
    for j in range(k):
        if first_text[j] is None:
            values[:, j] = [parse_cell(c) for c in cells[j]]
            kinds.append(NUMBER)
            continue
        labels, codes = np.unique(np.array(cells[j], dtype=object), return_inverse=True)
        values[:, j] = codes
        kinds.append(TEXT)
        categories[j] = tuple(str(c) for c in labels)
        line, text = first_text[j]
        text_cells[j] = TextCell(line, j + 1, text, numbers[j])
    _refuse_stray_words(layout, text_cells, len(cells[0]))
    if progress is not None:
        progress(1.0)
    return values, tuple(kinds), categories, text_cells


def _refuse_stray_words(layout: Layout, text_cells: dict[int, TextCell], rows: int) -> None:
    """A column at least half of whose cells are numbers is a numeric column with
    a stray word, not categories: the first such word (by line) is the error,
    as the numeric parser would report it."""
    stray = [c for c in text_cells.values() if 2 * c.numbers >= rows]
    if stray:
        cell = min(stray, key=lambda c: (c.line, c.column))
        raise layout.error(parse_error(cell.text), cell.line, cell.column, "text")


def parse_error(cell: str) -> str:
    try:
        parse_cell(cell)
    except CellError as exc:
        return exc.reason
    return f"{cell!r} is not a number"


def _refuse_numeric_header(
    layout: Layout, first_text: list[tuple[int, str] | None], numbers: list[int], rows: int
) -> None:
    """A header with one numeric-looking name is read as a data row; its other
    names would then make text columns of otherwise numeric ones. Say so."""
    if layout.has_header:
        return
    for j, found in enumerate(first_text):
        if found is not None and found[0] == layout.first_line and numbers[j] == rows - 1:
            line, text = found
            raise layout.error(
                f"{text!r} is not a number; if this line holds column names, "
                "none of them may be a number",
                line,
                j + 1,
                "text",
            )
