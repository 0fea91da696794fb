"""Column roles: which columns are the network's inputs and which its targets."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from mlpviz.data.dataset import DatasetError

# The tutorial's naming (I0, I1, … in; Z0, … out) and the companion code's
# lower-case variant.
_INPUT_NAME = re.compile(r"[iI]\d+")
_TARGET_NAME = re.compile(r"[zZ]\d+")


class Table(Protocol):
    """Anything with named columns over a 2-D array (a Dataset, an Example)."""

    @property
    def columns(self) -> tuple[str, ...]: ...

    @property
    def values(self) -> np.ndarray: ...


def resolve(columns: Sequence[str], keys: Sequence[str | int], role: str) -> list[int]:
    """Turn column names or 0-based positions into positions.

    Raises
    ------
    DatasetError
        Unknown name, position out of range, or a column listed twice.
    """
    if isinstance(keys, (str, int)):
        keys = [keys]
    out: list[int] = []
    for key in keys:
        if isinstance(key, bool) or not isinstance(key, (str, int, np.integer)):
            raise DatasetError(f"{role} columns are names or 0-based numbers, not {key!r}")
        if isinstance(key, str):
            if key not in columns:
                known = ", ".join(repr(c) for c in columns)
                raise DatasetError(f"unknown {role} column {key!r}; the columns are {known}")
            j = list(columns).index(key)
        else:
            if not 0 <= key < len(columns):
                raise DatasetError(
                    f"{role} column {key} is out of range: there are {len(columns)}, "
                    "numbered from 0"
                )
            j = int(key)
        if j in out:
            raise DatasetError(f"{role} column {columns[j]!r} is listed twice")
        out.append(j)
    return out


def select(
    table: Table, inputs: Sequence[str | int], targets: Sequence[str | int]
) -> tuple[np.ndarray, np.ndarray]:
    """Pick the input and target columns.

    Parameters
    ----------
    table : Dataset or Example
    inputs, targets : sequence of str or int
        Column names, or 0-based column positions; at least one each, no
        column in both.

    Returns
    -------
    X : ndarray, shape (n, len(inputs))
    Z : ndarray, shape (n, len(targets))
        Fresh float64 copies, in the order asked for.

    Raises
    ------
    DatasetError
        No inputs or no targets, unknown column, a column given twice or
        as both input and target.
    """
    ins = resolve(table.columns, inputs, "input")
    outs = resolve(table.columns, targets, "target")
    if not ins:
        raise DatasetError("choose at least one input column")
    if not outs:
        raise DatasetError("choose at least one target column")
    both = [table.columns[j] for j in ins if j in outs]
    if both:
        names = ", ".join(repr(c) for c in both)
        raise DatasetError(f"column {names} cannot be both an input and a target")
    values = np.asarray(table.values, dtype=np.float64)
    return values[:, ins].copy(), values[:, outs].copy()


def default_roles(columns: Sequence[str]) -> tuple[list[str], list[str]]:
    """A sensible first guess at (inputs, targets) for a table's columns.

    With the tutorial's names (``I0, I1, Z0`` — any case), I-columns are the
    inputs and Z-columns the targets; otherwise the last column is the target
    and all others are inputs.

    Raises
    ------
    DatasetError
        Fewer than two columns.
    """
    cols = list(columns)
    if len(cols) < 2:
        raise DatasetError("need at least two columns: one input and one target")
    ins = [c for c in cols if _INPUT_NAME.fullmatch(c)]
    outs = [c for c in cols if _TARGET_NAME.fullmatch(c)]
    if ins and outs and len(ins) + len(outs) == len(cols):
        return ins, outs
    return cols[:-1], cols[-1:]
