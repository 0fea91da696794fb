"""The loaded table (:class:`Dataset`) and the errors a load can end with."""

from __future__ import annotations

from dataclasses import dataclass
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
    ) -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.column = column


class LoadCancelled(Exception):
    """The caller's ``cancel()`` returned True while a file was loading."""


@dataclass(frozen=True, eq=False)
class Dataset:
    """A numeric table with named columns.

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
    """

    columns: tuple[str, ...]
    values: np.ndarray
    path: Path | None = None
    delimiter: str = ","
    has_header: bool = False

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
        object.__setattr__(self, "values", values)
        object.__setattr__(self, "columns", columns)
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

    def column(self, key: str | int) -> np.ndarray:
        """Return one column, shape (n,), as a read-only view."""
        return self.values[:, self.index(key)]

    def __repr__(self) -> str:
        # The default repr would print up to a million rows.
        where = f", path={str(self.path)!r}" if self.path is not None else ""
        return f"Dataset(columns={self.columns!r}, rows={self.n_rows}{where})"
