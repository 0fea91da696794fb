"""The loaded table (:class:`Dataset`) and the errors a load can end with."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


class DatasetError(ValueError):
    """A data file cannot be used; the message says where and why.

    Parameters
    ----------
    message : str
        The whole human-readable message (it already names the file).
    path : Path or None
        The file, when there is one.
    line : int or None
        1-based physical line in the file, when the problem has one.
    column : int or None
        1-based column number, when the problem has one.
    cell_kind : str or None
        For a bad cell, what is wrong with it (``"text"``, ``"empty"``, …;
        see :class:`mlpviz.data.csv_cells.CellError`).

    Notes
    -----
    The location is also kept as attributes so a GUI can highlight the cell
    without parsing the message.
    """

    def __init__(
        self,
        message: str,
        *,
        path: Path | None = None,
        line: int | None = None,
        column: int | None = None,
        cell_kind: str | None = None,
    ) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.column = column
        self.cell_kind = cell_kind


NUMBER = "number"
TEXT = "text"


@dataclass(frozen=True)
class TextCell:
    """The first cell of a text column that is not a number, and how many are.

    ``numbers`` counts the column's cells that are numbers: a column that is
    mostly numbers with a stray word is a numeric column with a bad cell, not
    a set of categories.
    """

    line: int  # 1-based physical line in the file
    column: int  # 1-based
    text: str
    numbers: int


class LoadCancelled(Exception):
    """The caller's ``cancel()`` returned True while a file was loading."""


@dataclass(frozen=True, eq=False)
class Dataset:
    """A table with named columns: numbers, and text columns held as category codes.

    Attributes
    ----------
    columns : tuple of str, length k
        Column names: from the header, or ``"x0", "x1", …`` when there was none.
    values : ndarray, shape (n, k), float64
        The numbers, all finite. Read-only, so a Dataset can be shared between
        threads and views without copying.
    path : Path or None
        The file it came from; None for built-in and generated data.
    delimiter : str
        The field separator that was detected (``","``, ``";"`` or ``"\\t"``).
    has_header : bool
        Whether the first non-blank line held column names.
    kinds : tuple of str, length k
        ``"number"`` or ``"text"`` per column (empty: all numbers). A text
        column's ``values`` are codes: indices into its ``categories``.
    categories : mapping of column position → tuple of str
        The distinct cells of each text column, sorted, as they appear in the
        file (so ``categories[j][int(values[i, j])]`` is the cell).
    text_cells : mapping of column position → TextCell
        Where each text column first holds a cell that is not a number.
    """

    columns: tuple[str, ...]
    values: np.ndarray
    path: Path | None = None
    delimiter: str = ","
    has_header: bool = False
    kinds: tuple[str, ...] = ()
    categories: Mapping[int, tuple[str, ...]] = field(default_factory=dict)
    text_cells: Mapping[int, TextCell] = field(default_factory=dict)

    def __post_init__(self) -> None:
        values = self.values
        # Arrays that arrive already read-only and float64 are the loader's own;
        # anything else is copied so a caller's later edits cannot reach us.
        if not (
            isinstance(values, np.ndarray)
            and values.dtype == np.float64
            and not values.flags.writeable
        ):
            values = np.array(values, dtype=np.float64)
            values.flags.writeable = False
        if values.ndim != 2:
            raise ValueError(f"values must be 2-D (rows × columns), got shape {values.shape}")
        columns = tuple(self.columns)
        if len(columns) != values.shape[1]:
            raise ValueError(f"{len(columns)} column names for {values.shape[1]} columns")
        if not all(isinstance(c, str) for c in columns):
            raise ValueError("column names must be strings")
        if len(set(columns)) != len(columns):
            raise ValueError(f"column names repeat: {columns}")
        kinds = tuple(self.kinds) or (NUMBER,) * len(columns)
        if len(kinds) != len(columns) or not set(kinds) <= {NUMBER, TEXT}:
            raise ValueError(f"kinds must be 'number' or 'text' per column, got {kinds}")
        if {j for j, k in enumerate(kinds) if k == TEXT} != set(self.categories):
            raise ValueError("every text column, and only those, has categories")
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "columns", columns)
        object.__setattr__(self, "kinds", kinds)
        object.__setattr__(self, "categories", dict(self.categories))
        object.__setattr__(self, "text_cells", dict(self.text_cells))
        if self.path is not None:
            object.__setattr__(self, "path", Path(self.path))

    @property
    def n_rows(self) -> int:
        """Number of data rows n."""
        return int(self.values.shape[0])

    @property
    def n_columns(self) -> int:
        """Number of columns k."""
        return int(self.values.shape[1])

    @property
    def name(self) -> str:
        """The file name without its folder, or ``""`` for data with no file."""
        return self.path.name if self.path is not None else ""

    def index(self, key: str | int) -> int:
        """Return the 0-based position of a column given by name or position.

        Raises
        ------
        DatasetError
            The name is unknown or the position is out of range.
        """
        if isinstance(key, bool) or not isinstance(key, (str, int, np.integer)):
            raise DatasetError(f"a column is named by a str or an int, not {key!r}")
        if isinstance(key, str):
            try:
                return self.columns.index(key)
            except ValueError:
                known = ", ".join(repr(c) for c in self.columns)
                raise DatasetError(f"no column named {key!r}; the columns are {known}") from None
        if not 0 <= key < self.n_columns:
            raise DatasetError(
                f"column {key} is out of range: there are {self.n_columns}, numbered from 0"
            )
        return int(key)

    def is_text(self, key: str | int) -> bool:
        """True if the column holds text (its values are category codes)."""
        return self.kinds[self.index(key)] == TEXT

    def mostly_numbers(self, key: str | int) -> bool:
        """True for a number column, and for a text column at least half of whose
        cells are numbers (a numeric column with stray text, not categories)."""
        j = self.index(key)
        cell = self.text_cells.get(j)
        return cell is None or 2 * cell.numbers >= self.n_rows

    def check_numbers(self, keys: Sequence[str | int] | None = None) -> None:
        """Raise the loader's error for the first text cell of the given columns
        (all columns by default): file, line, column and the cell.

        Raises
        ------
        DatasetError
            One of the columns holds text; ``line`` and ``column`` say where.
        """
        for j in range(self.n_columns) if keys is None else map(self.index, keys):
            cell = self.text_cells.get(j)
            if cell is not None:
                raise self.text_error(j, "is not a number")

    def text_error(self, key: str | int, what: str) -> DatasetError:
        """A DatasetError at a text column's first non-number: ``'<cell>' <what>``."""
        j = self.index(key)
        cell = self.text_cells[j]
        where = f"{self.name or 'data'}, line {cell.line}, column {cell.column}"
        if self.has_header:
            where += f" ({self.columns[j]!r})"
        shown = cell.text if len(cell.text) <= 40 else cell.text[:40] + "…"
        return DatasetError(
            f"{where}: {shown!r} {what}",
            path=self.path,
            line=cell.line,
            column=cell.column,
            cell_kind=TEXT,
        )

    def labels(self, key: str | int) -> np.ndarray:
        """One column's cells as text, shape (n,): a text column's categories,
        a number column's numbers written as ``%g``."""
        j = self.index(key)
        if self.kinds[j] == TEXT:
            return np.asarray(self.categories[j], dtype=object)[self.values[:, j].astype(np.intp)]
        return np.array([f"{v:g}" for v in self.values[:, j]], dtype=object)

    def column(self, key: str | int) -> np.ndarray:
        """Return one column, shape (n,), as a read-only view."""
        return self.values[:, self.index(key)]

    def __repr__(self) -> str:
        # The default repr would print up to a million rows.
        where = f", path={str(self.path)!r}" if self.path is not None else ""
        return f"Dataset(columns={self.columns!r}, rows={self.n_rows}{where})"
