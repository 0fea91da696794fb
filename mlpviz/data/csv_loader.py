"""Load a CSV file into a :class:`Dataset`, or say exactly what is wrong.

How it stays fast and exact at once:

1. The dialect (encoding, delimiter, header) is sniffed from the first lines
   in Python (:mod:`mlpviz.data.csv_dialect`).
2. Fast path, when no progress is asked for: one ``np.loadtxt`` call on the
   file itself. loadtxt reads a *named file* in large C-level chunks but any
   other input (a list of lines, a StringIO) line by line through Python,
   which costs about 40 % more; so the file is not read into Python first.
   If loadtxt refuses, or its result is not clean (wrong width, NaN,
   infinity), the fast path gives up and the block path decides.
3. Block path: the whole file is decoded and split into lines, and blocks of
   lines go to ``np.loadtxt``. A block it refuses is parsed again by the
   pure-Python reference (:func:`mlpviz.data.csv_cells.parse_rows`), which
   either finds the first bad line and cell or — for harmless things
   loadtxt dislikes, like whitespace-only lines or spaces before a quote —
   returns the rows itself.

4. A text cell (a word, not an empty, NaN or infinite cell) sends the file
   to :mod:`mlpviz.data.csv_text`, which types each column as numbers or
   text; its number columns hold what the numeric paths would give.

So the block path defines what a valid numeric file is, and the fast path only ever
accepts files the block path accepts, with the same numbers.
"""

from __future__ import annotations

import codecs
import csv
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from mlpviz.data.csv_cells import Layout, parse_rows
from mlpviz.data.csv_dialect import (
    decode_pieces,
    detect_layout,
    head_lines,
    is_padding,
    no_rows_error,
    normalize_newlines,
)
from mlpviz.data.csv_text import read_text_table
from mlpviz.data.dataset import Dataset, DatasetError, LoadCancelled

# Lines per np.loadtxt call on the block path. Large enough that the
# per-call overhead vanishes (measured: within 2 % of one call), small enough
# that progress moves, cancel answers, a bad block re-parses quickly — and
# that no single C call holds the GIL for long: the block path runs in a
# loader thread beside the GUI, which must get the GIL every few ms.
CHUNK_LINES = 16_384

# Bytes decoded (and characters split into lines) per call; see _load_blocks.
PIECE_BYTES = 1 << 20

# First read when sniffing the dialect; doubled until enough lines are in.
_HEAD_BYTES = 1 << 16


def load_csv(
    path: str | os.PathLike[str],
    progress: Callable[[float], object] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> Dataset:
    """Read a numeric CSV file.

    Accepted: a header line or none (a first row with no numeric cell is a
    header), ``,`` ``;`` or tab delimiters (detected), whitespace around
    fields, quoted numbers (``"1.5"``, also after spaces), LF, CRLF or CR line
    endings, UTF-8 with or without BOM (and UTF-16 with BOM), blank lines
    anywhere (skipped; line numbers in messages stay the file's physical
    lines), and trailing rows holding only delimiters, as spreadsheets
    export them. Numbers are decimal (``70``, ``-0.5``, ``.5``, ``1e3``).

    Parameters
    ----------
    path : str or path-like
        The file to read.
    progress : callable(float), optional
        Called with the fraction done, in (0, 1], after each block of
        ``CHUNK_LINES`` lines.
    cancel : callable() -> bool, optional
        Polled before each block; when it returns True the load stops.

    Returns
    -------
    Dataset
        ``values`` has shape (n_rows, n_columns), float64, all finite, with
        n_rows ≥ 1 and n_columns ≥ 2.

    Raises
    ------
    DatasetError
        For every unusable file: missing, a folder, unreadable, not text,
        empty, header only, fewer than 2 columns, ragged rows, empty,
        non-numeric, NaN or infinite cells. The message names the file and,
        where one applies, the 1-based line and column.
    LoadCancelled
        ``cancel()`` returned True.
    """
    path = Path(path)
    typed: dict = {}
    try:
        _check_file(path)
        loaded = None
        if progress is None and cancel is None:
            loaded = _load_fast(path)
        if loaded is None:
            try:
                loaded = _load_blocks(path, progress, cancel)
            except DatasetError as exc:
                if exc.cell_kind != "text":
                    raise
                loaded, typed = _load_text(path, progress, cancel)
    except MemoryError:
        raise DatasetError(f"{path.name} is too large to load into memory", path=path) from None
    except OSError as exc:
        raise _os_error(path, exc) from None
    layout, values = loaded
    values.flags.writeable = False
    return Dataset(
        columns=layout.columns,
        values=values,
        path=path,
        delimiter=layout.delimiter,
        has_header=layout.has_header,
        **typed,
    )


def _load_text(
    path: Path,
    progress: Callable[[float], object] | None,
    cancel: Callable[[], bool] | None,
) -> tuple[tuple[Layout, np.ndarray], dict]:
    """A file with a text cell: every column typed as numbers or text
    (:mod:`mlpviz.data.csv_text`)."""
    pieces = decode_pieces(path.read_bytes(), path, PIECE_BYTES)
    layout, start = detect_layout(*_head(pieces), path)
    stop = _data_stop(pieces, start, layout)
    lines = (
        (begin + i + 1, line)
        for begin, block in _blocks(pieces, start, stop)
        for i, line in enumerate(block)
    )
    values, kinds, categories, text_cells = read_text_table(
        lines, stop - start, layout, progress, cancel
    )
    return (layout, values), {"kinds": kinds, "categories": categories, "text_cells": text_cells}


def _os_error(path: Path, exc: OSError) -> DatasetError:
    if isinstance(exc, PermissionError):
        return DatasetError(f"cannot read {path}: permission denied", path=path)
    if isinstance(exc, FileNotFoundError):  # deleted while loading
        return DatasetError(f"file not found: {path}", path=path)
    return DatasetError(f"cannot read {path}: {exc.strerror or exc}", path=path)


def _check_file(path: Path) -> None:
    # pathlib answers False, not ValueError, for names that cannot exist ("a\0b").
    if not path.exists():
        raise DatasetError(f"file not found: {path}", path=path)
    if path.is_dir():
        raise DatasetError(f"{path} is a folder, not a data file", path=path)
    if not path.is_file():
        # A FIFO or device would block or never end; refuse before reading.
        raise DatasetError(f"{path} is not a regular file", path=path)


def _read_head(path: Path) -> tuple[list[str], bool] | None:
    """The file's first lines as :func:`head_lines` would give them; None if not plain UTF-8."""
    size = _HEAD_BYTES
    with path.open("rb") as f:
        while True:
            f.seek(0)
            raw = f.read(size)
            at_eof = len(raw) < size or not f.read(1)
            if not at_eof:
                # Cut after the last complete line so no line (or UTF-8
                # character) is split.
                raw = raw[: max(raw.rfind(b"\n"), raw.rfind(b"\r")) + 1]
            if b"\x00" in raw or raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                return None
            try:
                text = normalize_newlines(raw.decode("utf-8-sig"))
            except UnicodeDecodeError:
                return None
            head, exhausted = head_lines(text)
            if at_eof or not exhausted:
                return head, at_eof
            size *= 2


def _load_fast(path: Path) -> tuple[Layout, np.ndarray] | None:
    """One np.loadtxt call on the file; None whenever the block path must decide."""
    head = _read_head(path)
    if head is None:
        return None
    try:
        layout, start = detect_layout(*head, path)
    except DatasetError:
        return None  # the block path reports it, after checking the whole file is text
    if any('"' in line for line in head[0]):
        return None  # quoted fields need the block path's quote handling
    try:
        values = np.loadtxt(
            os.fspath(path),
            delimiter=layout.delimiter,
            comments=None,
            quotechar=None,
            skiprows=start,
            encoding="utf-8-sig",
            dtype=np.float64,
            ndmin=2,
        )
    except Exception:
        return None
    if values.shape[0] == 0 or values.shape[1] != layout.n_columns:
        return None
    if not np.isfinite(values).all():
        return None
    return layout, values


def _load_blocks(
    path: Path,
    progress: Callable[[float], object] | None,
    cancel: Callable[[], bool] | None,
) -> tuple[Layout, np.ndarray]:
    """Decode the whole file, then parse its lines block by block.

    The loader runs in a thread beside the GUI, which needs the GIL every few
    milliseconds, so no step takes the whole file in one C call: it is
    decoded, counted and cut into lines a piece of ``PIECE_BYTES`` at a time.
    And no list holds all its lines: each full garbage collection (any
    thread's allocations trigger them) would walk a million strings, and
    freeing them at the end would be another such stretch.
    """
    pieces = decode_pieces(path.read_bytes(), path, PIECE_BYTES)
    layout, start = detect_layout(*_head(pieces), path)
    quoted = any('"' in piece for piece in pieces)
    stop = _data_stop(pieces, start, layout)
    parts: list[np.ndarray] = []
    total = stop - start
    for begin, block in _blocks(pieces, start, stop):
        if cancel is not None and cancel():
            raise LoadCancelled(f"loading {layout.name} was cancelled")
        parts.append(_parse_block(block, begin + 1, layout, quoted))
        if progress is not None:
            progress((begin + len(block) - start) / total)
    values = np.concatenate(parts) if len(parts) > 1 else parts[0]
    if values.shape[0] == 0:  # only blank lines after the header
        raise no_rows_error(layout)
    return layout, values


def _head(pieces: list[str]) -> tuple[list[str], bool]:
    """:func:`~mlpviz.data.csv_dialect.head_lines` of the text the pieces make."""
    for n in range(1, len(pieces) + 1):
        head, whole = head_lines("".join(pieces[:n]))
        if not whole or n == len(pieces):
            return head, whole
    raise AssertionError("decode_pieces returns at least one piece")


def _lines(pieces: list[str], i: int) -> list[str]:
    """The lines of piece ``i`` (all pieces but the last end with a line end)."""
    lines = pieces[i].split("\n")
    if i < len(pieces) - 1:
        lines.pop()  # the empty text after the piece's final "\n"
    return lines


def _data_stop(pieces: list[str], start: int, layout: Layout) -> int:
    """Index one past the last data line of the text the pieces make.

    Spreadsheets pad files with blank or ",,,"-only rows at the end; those are
    not data (the same rows in the middle are reported, not skipped). Only
    the trailing lines are read.
    """
    stop = sum(piece.count("\n") for piece in pieces) + 1
    k = len(pieces) - 1
    end = len(pieces[k])
    while stop > start and k >= 0:
        newline = pieces[k].rfind("\n", 0, end)
        if not is_padding(pieces[k][newline + 1 : end], layout.delimiter):
            break
        stop -= 1
        if newline >= 0:
            end = newline
        else:  # the piece's first line: go on at the end of the one before
            k -= 1
            end = len(pieces[k]) - 1 if k >= 0 else 0
    if stop == start:
        raise no_rows_error(layout)
    return stop


def _blocks(pieces: list[str], start: int, stop: int) -> Iterator[tuple[int, list[str]]]:
    """(index of the first line, lines) for lines ``start`` to ``stop`` of the
    text, ``CHUNK_LINES`` at a time."""
    pending: list[str] = []
    index = 0  # of pending[0]
    for i in range(len(pieces)):
        pending.extend(_lines(pieces, i))
        if index < start:
            drop = min(start - index, len(pending))
            del pending[:drop]
            index += drop
        while pending and (len(pending) >= CHUNK_LINES or index + len(pending) >= stop):
            n = min(CHUNK_LINES, stop - index, len(pending))
            if n <= 0:
                return
            yield index, pending[:n]
            del pending[:n]
            index += n
            if index >= stop:
                return


def _unquoted(block: list[str], delimiter: str) -> list[str] | None:
    """The block with quotes resolved, for loadtxt; None when only the reference can tell.

    The csv module does the work at C speed. Where its reading could differ
    from :func:`split_fields` (text after a closing quote, a quote left open,
    a quoted delimiter), it either raises, merges lines, or produces a field
    loadtxt refuses, so the block falls back to the reference either way.
    """
    try:
        rows = list(
            csv.reader(
                block, delimiter=delimiter, quotechar='"', skipinitialspace=True, strict=True
            )
        )
    except csv.Error:
        return None
    if len(rows) != len(block):  # an open quote swallowed the next line
        return None
    if 1 in map(len, rows):
        # One field: a ragged row, or a line like '""' that would join to ""
        # and pass for blank. (Files have ≥ 2 columns; blank lines give [].)
        return None
    lines = [delimiter.join(row) for row in rows]
    # A quoted delimiter ("1,5") would become two fields once joined; the
    # count of delimiters tells, without a Python loop over fields.
    fields = sum(map(len, rows))
    if "\n".join(lines).count(delimiter) != fields - (len(rows) - rows.count([])):
        return None
    return lines


def _parse_block(block: list[str], first_line: int, layout: Layout, quoted: bool) -> np.ndarray:
    """Parse one block of lines, shape (rows, k); ``first_line`` is 1-based."""
    k = layout.n_columns
    source = _unquoted(block, layout.delimiter) if quoted else block
    if source is not None:
        if not any(source):
            # All-empty block: loadtxt would warn "input contained no data"
            # through the (thread-unsafe) warnings machinery.
            return np.empty((0, k))
        values = _loadtxt_lines(source, layout)
        if values is None:
            # Whitespace-only lines are the one harmless thing loadtxt refuses
            # in lists of lines (it skips empty ones); drop them and retry.
            kept = [line for line in source if not line.isspace()]
            if not any(kept):
                values = np.empty((0, k))
            elif len(kept) < len(source):
                values = _loadtxt_lines(kept, layout)
        if values is not None and values.shape[1] == k and np.isfinite(values).all():
            return values
    # Anything else is explained — or, if harmless after all, parsed — here.
    return parse_rows(block, first_line, layout)


def _loadtxt_lines(lines: list[str], layout: Layout) -> np.ndarray | None:
    try:
        return np.loadtxt(
            lines,
            delimiter=layout.delimiter,
            comments=None,
            quotechar=None,
            dtype=np.float64,
            ndmin=2,
        )
    except Exception:
        return None
