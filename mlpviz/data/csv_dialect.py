"""Reading a CSV file's dialect: encoding, line ends, delimiter, header, data range.

These steps look at the first lines only (and the last, for padding), so they
cost nothing measurable next to parsing the numbers.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from mlpviz.data.csv_cells import FieldError, Layout, looks_numeric, split_fields
from mlpviz.data.dataset import DatasetError

# Delimiters in the order they win when several fit every sampled line: a
# semicolon or tab in a numeric file is nearly always the separator, while a
# comma may be a decimal comma ("1,5;2,5").
_DELIMITERS = (";", "\t", ",")
_SAMPLE_LINES = 20
HEAD_NONBLANK = 4 * _SAMPLE_LINES
_QUOTED = re.compile(r'"[^"]*"')


def _line_of(data: bytes, offset: int) -> int:
    """1-based line of a byte offset, counting LF, CRLF and lone CR as line ends."""
    before = data[:offset]
    return before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n") + 1


def decode_text(data: bytes, path: Path) -> str:
    """Decode a whole file to text with "\\n" line ends, or say why it is not text.

    UTF-8 with or without BOM; UTF-16 with BOM (Excel's "Unicode text").
    """
    return "".join(decode_pieces(data, path, len(data) + 1))


def decode_pieces(data: bytes, path: Path, size: int) -> list[str]:
    """:func:`decode_text` as consecutive pieces of about ``size`` bytes.

    Each piece but the last ends with a line end, so no line is split
    between two. A big file decoded in one call holds the GIL for tens of
    milliseconds, which the GUI thread beside a loader would feel.
    """
    name = path.name
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text" export; its NUL bytes are not binary junk.
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _not_utf(data, exc.start, path, "UTF-16") from None
        if "\x00" in text:
            prefix = text[: text.index("\x00")].encode()
            line = _line_of(prefix, len(prefix))
            raise DatasetError(
                f"{name} is not a text file (a NUL character on line {line})", path=path, line=line
            )
        return [normalize_newlines(text)]
    nul = data.find(b"\x00")
    if nul >= 0:
        raise DatasetError(
            f"{name} is not a text file (it holds binary data: a NUL byte on line "
            f"{_line_of(data, nul)}); choose a CSV file",
            path=path,
            line=_line_of(data, nul),
        )
    pieces: list[str] = []
    pos = 0
    while pos < len(data) or not pieces:
        # Cut after an LF: it is never inside a UTF-8 sequence, and a CRLF
        # stays whole.
        end = data.find(b"\n", pos + size)
        end = len(data) if end < 0 else end + 1
        try:
            text = data[pos:end].decode("utf-8-sig" if pos == 0 else "utf-8")
        except UnicodeDecodeError as exc:
            raise _not_utf(data, pos + exc.start, path, "UTF-8") from None
        pieces.append(normalize_newlines(text))
        pos = end
    return pieces


def _not_utf(data: bytes, offset: int, path: Path, encoding: str) -> DatasetError:
    line = _line_of(data, offset)
    return DatasetError(
        f"{path.name} is not a {encoding} text file (byte 0x{data[offset]:02x} on line {line} "
        f"is not {encoding}); if it is a CSV file, save it again as UTF-8",
        path=path,
        line=line,
    )


def normalize_newlines(text: str) -> str:
    """Turn CRLF and lone CR into LF.

    loadtxt splits list input on LF only, so a lone CR (old Mac files) would
    end up inside a field; this also numbers lines the way editors and
    np.loadtxt's own universal-newline file reading do.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def head_lines(text: str) -> tuple[list[str], bool]:
    """Return the first lines of normalized text and whether they are all of it.

    Stops after enough non-blank lines to sniff the dialect, so a large file
    is not split here.
    """
    head: list[str] = []
    nonblank = 0
    pos = 0
    while nonblank < HEAD_NONBLANK:
        end = text.find("\n", pos)
        if end < 0:
            head.append(text[pos:])
            return head, True
        line = text[pos:end]
        head.append(line)
        nonblank += bool(line.strip())
        pos = end + 1
    return head, False


def is_padding(line: str, delimiter: str) -> bool:
    # Blank, or only delimiters and spaces: what spreadsheets append as "empty rows".
    return not line.replace(delimiter, "").strip()


def _count_outside_quotes(line: str, delimiter: str) -> int:
    if '"' in line:
        line = _QUOTED.sub("", line)
    return line.count(delimiter)


def _numeric_rows(sample: list[str], delimiter: str) -> int | None:
    """Count the sampled lines that split into all-numeric fields.

    None unless every line splits into the same number (≥ 2) of fields.
    """
    widths = set()
    numeric = 0
    for line in sample:
        try:
            fields = split_fields(line, delimiter)
        except FieldError:
            return None
        widths.add(len(fields))
        numeric += all(looks_numeric(f) for f in fields)
    if len(widths) != 1 or widths.pop() < 2:
        return None
    return numeric


def _detect_delimiter(sample: list[str]) -> str:
    """Pick the delimiter that splits every sampled line evenly into numbers.

    Counting alone misleads: ``1,<tab>2`` has one comma and one tab, and
    ``1,5;2,5`` splits evenly on both. So among the delimiters that give
    every line the same width, the one that yields the most all-numeric rows
    wins; ties go by :data:`_DELIMITERS` order.
    """
    scores = {d: _numeric_rows(sample, d) for d in _DELIMITERS}
    even = [d for d in _DELIMITERS if scores[d] is not None]
    if even:
        return max(even, key=lambda d: scores[d] or 0)  # max keeps the first of equals
    # Ragged sample: the most frequent candidate, so the ragged-row message
    # talks about the separator the file actually uses.
    totals = {d: sum(_count_outside_quotes(line, d) for line in sample) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: (totals[d], d == ","))
    return best if totals[best] > 0 else ","


def detect_layout(head: list[str], whole: bool, path: Path) -> tuple[Layout, int]:
    """Find the delimiter and header; return (layout, index of the first data line)."""
    name = path.name
    first = next((i for i, line in enumerate(head) if line.strip()), None)
    if first is None:
        raise DatasetError(f"{name} is empty (no rows to load)", path=path)
    sample = [line for line in head[first:] if line.strip()][:_SAMPLE_LINES]
    delimiter = _detect_delimiter(sample)
    try:
        fields = split_fields(head[first], delimiter)
    except FieldError as exc:
        raise DatasetError(
            f"{name}, line {first + 1}, column {exc.column}: unbalanced quote or text after "
            "a closing quote",
            path=path,
            line=first + 1,
            column=exc.column,
        ) from None
    has_header = any(fields) and not any(looks_numeric(f) for f in fields)
    if len(fields) < 2:
        raise DatasetError(
            f"{name}, line {first + 1}: found 1 column, need at least 2 (one input and one "
            "target); separate values with ',', ';' or a tab",
            path=path,
            line=first + 1,
        )
    columns = _column_names(fields, path, first + 1) if has_header else _default_names(fields)
    layout = Layout(path, delimiter, columns, has_header, first + 1)
    start = first + 1 if has_header else first
    if whole and all(is_padding(line, delimiter) for line in head[start:]):
        raise no_rows_error(layout)
    return layout, start


def no_rows_error(layout: Layout) -> DatasetError:
    if not layout.has_header:
        return DatasetError(f"{layout.name} has no data rows, only empty ones", path=layout.path)
    return DatasetError(
        f"{layout.name} has column names (line {layout.first_line}) but no data rows",
        path=layout.path,
        line=layout.first_line,
    )


def _default_names(fields: list[str]) -> tuple[str, ...]:
    return tuple(f"x{j}" for j in range(len(fields)))


def _column_names(fields: list[str], path: Path, line: int) -> tuple[str, ...]:
    # An unnamed column (e.g. a pandas index) gets the name it would have
    # had without a header.
    names = [f if f else f"x{j}" for j, f in enumerate(fields)]
    seen: dict[str, int] = {}
    for j, n in enumerate(names, start=1):
        if n in seen:
            raise DatasetError(
                f"{path.name}, line {line}: column {j} has the same name {n!r} as column "
                f"{seen[n]}; give every column its own name",
                path=path,
                line=line,
                column=j,
            )
        seen[n] = j
    return tuple(names)
