"""How a table's columns become the network's inputs and outputs: numbers as
they are, text inputs one-hot, a class column one output per class.

The :class:`Encoding` is part of a :class:`~mlpviz.data.problem.Problem` and
of a saved model, so a prediction applies exactly the encoding training used.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from mlpviz.data.dataset import TEXT, Dataset, DatasetError

TASKS = ("auto", "classification", "regression")

# An integer target with at most this many distinct values is a class column.
MAX_INTEGER_CLASSES = 20

# The tutorial's names (I0, I1, … in; Z0, … out): its tables are taken as they are.
_TUTORIAL_NAME = re.compile(r"[iIzZ]\d+")


@dataclass(frozen=True)
class InputColumn:
    """One input column of the file: numbers (no categories) or text, one-hot."""

    name: str
    categories: tuple[str, ...] = ()

    @property
    def features(self) -> tuple[str, ...]:
        """The network inputs this column becomes: its name, or ``name=category`` each."""
        if not self.categories:
            return (self.name,)
        return tuple(f"{self.name}={c}" for c in self.categories)


@dataclass(frozen=True)
class Encoding:
    """The columns a network reads and what its outputs mean.

    ``task`` is ``"classification"`` (one target column ``target`` whose labels
    ``classes`` are the outputs, a probability each) or ``"regression"`` (the
    target columns as numbers).
    """

    inputs: tuple[InputColumn, ...]
    task: str = "regression"
    target: str | None = None
    classes: tuple[str, ...] = ()

    @property
    def input_columns(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.inputs)

    @property
    def feature_names(self) -> tuple[str, ...]:
        return tuple(f for c in self.inputs for f in c.features)

    @property
    def is_plain(self) -> bool:
        """True when it changes nothing: number inputs, number targets."""
        return self.task == "regression" and not any(c.categories for c in self.inputs)

    def encode_cells(self, columns: Sequence[Sequence[str]], where: str = "input") -> np.ndarray:
        """Rows of cells, one sequence per input column (in ``inputs`` order),
        → raw features (n, len(feature_names)).

        Raises ValueError naming the row (1-based), the column and the value
        for a cell that is not a number, or a category the model never saw.
        """
        if len(columns) != len(self.inputs):
            raise ValueError(
                f"the model takes {len(self.inputs)} input value(s) "
                f"({', '.join(self.input_columns)}), got {len(columns)}"
            )
        parts = []
        for col, cells in zip(self.inputs, columns):
            if col.categories:
                parts.append(one_hot(cells, col, where))
            else:
                parts.append(_numbers(cells, col.name, where)[:, None])
        return np.hstack(parts) if parts else np.empty((0, 0))

    def to_dict(self) -> dict[str, Any]:
        return {
            "inputs": [{"name": c.name, "categories": list(c.categories)} for c in self.inputs],
            "task": self.task,
            "target": self.target,
            "classes": list(self.classes),
        }

    @classmethod
    def from_dict(cls, d: Any) -> Encoding:
        if not isinstance(d, dict):
            raise ValueError(f"encoding must be an object, not {type(d).__name__}")
        inputs = d.get("inputs")
        if not isinstance(inputs, list) or not inputs:
            raise ValueError("encoding.inputs must be a non-empty list")
        cols = []
        for i, c in enumerate(inputs):
            if not isinstance(c, dict) or not isinstance(c.get("name"), str):
                raise ValueError(f"encoding.inputs[{i}] must be an object with a name")
            cats = c.get("categories", [])
            if not isinstance(cats, list) or not all(isinstance(x, str) for x in cats):
                raise ValueError(f"encoding.inputs[{i}].categories must be a list of strings")
            cols.append(InputColumn(c["name"], tuple(cats)))
        task = d.get("task")
        if task not in ("classification", "regression"):
            raise ValueError(f"encoding.task must be classification or regression, not {task!r}")
        classes = d.get("classes", [])
        if not isinstance(classes, list) or not all(isinstance(x, str) for x in classes):
            raise ValueError("encoding.classes must be a list of strings")
        target = d.get("target")
        if task == "classification" and (not isinstance(target, str) or len(classes) < 2):
            raise ValueError("a classification encoding needs a target and at least two classes")
        return cls(tuple(cols), task, target, tuple(classes))


def one_hot(cells: Sequence[str], col: InputColumn, where: str = "input") -> np.ndarray:
    """(n,) cells → (n, len(categories)) 0/1; an unseen category is a ValueError."""
    index = {c: k for k, c in enumerate(col.categories)}
    out = np.zeros((len(cells), len(col.categories)))
    for i, cell in enumerate(cells):
        k = index.get(str(cell).strip())
        if k is None:
            known = ", ".join(col.categories[:8]) + (", …" if len(col.categories) > 8 else "")
            raise ValueError(
                f"row {i + 1}, {where} column {col.name!r}: {cell!r} is a category the model "
                f"never saw (it knows {known})"
            )
        out[i, k] = 1.0
    return out


def _numbers(cells: Sequence[str], name: str, where: str) -> np.ndarray:
    out = np.empty(len(cells))
    for i, cell in enumerate(cells):
        try:
            out[i] = float(cell)
        except (TypeError, ValueError):
            raise ValueError(
                f"row {i + 1}, {where} column {name!r}: {cell!r} is not a number"
            ) from None
        if not np.isfinite(out[i]):
            raise ValueError(f"row {i + 1}, {where} column {name!r}: {cell!r} is not finite")
    return out


def is_tutorial_layout(columns: Sequence[str]) -> bool:
    """True for tables named the tutorial's way (I0, I1, …, Z0, …), which keep
    the tutorial's settings: targets taken as the numbers they are."""
    return bool(columns) and all(_TUTORIAL_NAME.fullmatch(c) for c in columns)


def is_class_column(dataset: Dataset, key: str | int) -> bool:
    """Text, or integers with at most :data:`MAX_INTEGER_CLASSES` distinct values
    and at least two rows per value on average (integers that hardly repeat,
    such as five scores in five rows, are numbers: a class needs examples)."""
    j = dataset.index(key)
    if dataset.kinds[j] == TEXT:
        return True
    v = dataset.values[:, j]
    if not np.all(v == np.round(v)):
        return False
    distinct = len(np.unique(v))
    return distinct <= MAX_INTEGER_CLASSES and 2 * distinct <= len(v)


def infer_task(dataset: Dataset, targets: Sequence[str | int]) -> str:
    """``auto``'s choice: one class column → classification, else regression."""
    if is_tutorial_layout(dataset.columns) or len(targets) != 1:
        return "regression"
    return "classification" if is_class_column(dataset, targets[0]) else "regression"


def class_labels(dataset: Dataset, key: str | int) -> tuple[tuple[str, ...], np.ndarray]:
    """(labels as in the file, (n,) class index per row) of a class column."""
    j = dataset.index(key)
    if dataset.kinds[j] == TEXT:
        return dataset.categories[j], dataset.values[:, j].astype(np.intp)
    values, codes = np.unique(dataset.values[:, j], return_inverse=True)
    return tuple(f"{v:g}" for v in values), codes.astype(np.intp)


def check_distribution(Z: np.ndarray, what: str = "target") -> None:
    """Softmax with cross-entropy is trained on the loss's true gradient only
    when each target row is a probability distribution (≥ 0, summing to 1).

    Raises ValueError naming the first row that is not.
    """
    Z = np.asarray(Z, dtype=float)
    bad = np.flatnonzero((Z < 0).any(axis=1) | (np.abs(Z.sum(axis=1) - 1.0) > 1e-6))
    if len(bad):
        i = int(bad[0])
        raise ValueError(
            f"softmax with cross-entropy needs each {what} row to be a probability "
            f"distribution (non-negative, summing to 1); row {i + 1} is "
            f"{np.array2string(Z[i], precision=3, separator=', ')} "
            f"(sum {Z[i].sum():.3g}): use a sigmoid output for independent labels, "
            "or one class column with --task classification"
        )


def encode_inputs(
    dataset: Dataset, columns: Sequence[int]
) -> tuple[np.ndarray, tuple[InputColumn, ...]]:
    """The chosen input columns as raw features: numbers as they are, text one-hot.

    Raises DatasetError at the first stray word of a column that is mostly
    numbers (a numeric column with a typo, not categories).
    """
    parts, cols = [], []
    for j in columns:
        name = dataset.columns[j]
        if dataset.kinds[j] != TEXT:
            parts.append(dataset.values[:, j : j + 1])
            cols.append(InputColumn(name))
            continue
        if dataset.mostly_numbers(j):
            raise dataset.text_error(j, "is not a number")
        cats = dataset.categories[j]
        codes = dataset.values[:, j].astype(np.intp)
        parts.append(np.eye(len(cats))[codes])
        cols.append(InputColumn(name, cats))
    return np.hstack(parts), tuple(cols)


def check_number_targets(dataset: Dataset, columns: Sequence[int]) -> None:
    """Regression targets must be numbers; a text target names the way out."""
    for j in columns:
        if dataset.kinds[j] != TEXT:
            continue
        if dataset.mostly_numbers(j):
            raise dataset.text_error(j, "is not a number")
        raise DatasetError(
            f"target column {dataset.columns[j]!r} holds text (classes such as "
            f"{dataset.categories[j][0]!r}); train it as a classification "
            "(--task classification)",
            path=dataset.path,
            column=j + 1,
        )
