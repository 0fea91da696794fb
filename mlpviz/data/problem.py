"""A learning problem: which columns go in and out, how they are scaled,
which rows train and which test.

This is the one place raw data become the normalized arrays the engine
trains on, and network outputs become predictions in the target's units.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mlpviz.data.dataset import Dataset, DatasetError
from mlpviz.data.encoding import (
    TASKS,
    Encoding,
    check_number_targets,
    class_labels,
    encode_inputs,
    infer_task,
)
from mlpviz.data.scalers import make_scaler
from mlpviz.data.split import train_test_split

# Derived inputs as in the TensorFlow playground, computed from the first two
# raw inputs. Each maps (x1, x2) columns to one new column.
DERIVED = {
    "x1^2": (lambda a, b: a * a, "{0}²"),
    "x2^2": (lambda a, b: b * b, "{1}²"),
    "x1*x2": (lambda a, b: a * b, "{0}·{1}"),
    "sin x1": (lambda a, b: np.sin(a), "sin {0}"),
    "sin x2": (lambda a, b: np.sin(b), "sin {1}"),
}


@dataclass(frozen=True, eq=False)
class Problem:
    """Inputs and targets of a dataset, scaled, with a train/test split.

    ``X`` and ``Z`` hold every row, normalized; ``train`` and ``test`` are
    row indices into them. Scalers are fitted on the training rows only, so
    the test rows tell honestly how the network generalizes.
    """

    name: str
    raw_input_names: tuple[str, ...]
    input_names: tuple[str, ...]  # raw inputs, then derived ones
    target_names: tuple[str, ...]
    raw_inputs: np.ndarray  # (n, k) chosen input columns, raw units
    raw_targets: np.ndarray  # (n, m) chosen target columns, raw units
    derived: tuple[str, ...]
    input_scaler: object
    target_scaler: object
    train: np.ndarray
    test: np.ndarray
    X: np.ndarray  # (n, n_in) normalized features
    Z: np.ndarray  # (n, m) normalized targets
    input_scaling: str = "0,1"
    target_scaling: str = "0,1"
    test_fraction: float = 0.0
    seed: int = 0
    encoding: Encoding | None = None  # None: number columns in, number columns out

    @property
    def task(self) -> str:
        """``"classification"`` (one output per class) or ``"regression"``."""
        return self.encoding.task if self.encoding is not None else "regression"

    @property
    def input_columns(self) -> tuple[str, ...]:
        """The file's columns the inputs come from (a one-hot group is one column)."""
        if self.encoding is None:
            return self.raw_input_names
        return self.encoding.input_columns

    @property
    def target_columns(self) -> tuple[str, ...]:
        """The file's target columns (a class column is one column)."""
        if self.encoding is not None and self.encoding.task == "classification":
            return (self.encoding.target,)
        return self.target_names

    @property
    def n_rows(self) -> int:
        return self.X.shape[0]

    @property
    def X_train(self) -> np.ndarray:
        return self.X[self.train]

    @property
    def Z_train(self) -> np.ndarray:
        return self.Z[self.train]

    @property
    def X_test(self) -> np.ndarray | None:
        return self.X[self.test] if len(self.test) else None

    @property
    def Z_test(self) -> np.ndarray | None:
        return self.Z[self.test] if len(self.test) else None

    def features(self, raw: np.ndarray) -> np.ndarray:
        """Raw input columns (n, k) plus the derived columns, unscaled."""
        return _with_derived(np.asarray(raw, dtype=float), self.derived)

    def encode_inputs(self, raw: np.ndarray) -> np.ndarray:
        """Raw input rows (n, k) → the network's normalized inputs (n, n_in)."""
        return self.input_scaler.transform(self.features(raw))

    def decode_targets(self, Z: np.ndarray) -> np.ndarray:
        """Network outputs (n, m) → predictions in the targets' raw units."""
        return self.target_scaler.inverse_transform(np.asarray(Z, dtype=float))

    @property
    def warnings(self) -> list[str]:
        return [
            *getattr(self.input_scaler, "warnings", []),
            *getattr(self.target_scaler, "warnings", []),
        ]


def _with_derived(raw: np.ndarray, derived: Sequence[str]) -> np.ndarray:
    if not derived:
        return raw
    a = raw[:, 0]
    b = raw[:, 1] if raw.shape[1] > 1 else raw[:, 0]
    return np.column_stack([raw, *[DERIVED[d][0](a, b) for d in derived]])


def prepare(
    dataset: Dataset,
    inputs: Sequence[str | int],
    targets: Sequence[str | int],
    input_scaling: str = "0,1",
    target_scaling: str = "0,1",
    test_fraction: float = 0.0,
    seed: int = 0,
    derived: Sequence[str] = (),
    name: str | None = None,
    task: str = "regression",
) -> Problem:
    """Choose columns, add derived inputs, split rows and fit the scalers.

    Text input columns become one-hot groups (``site=north`` …). ``task``:
    ``"classification"`` makes the one target column one output per class,
    named by its labels, never scaled; ``"regression"`` takes the targets as
    numbers; ``"auto"`` chooses (:func:`~mlpviz.data.encoding.infer_task`).

    Raises ValueError (DatasetError for column problems) with a message
    naming what is wrong; nothing is modified.
    """
    if task not in TASKS:
        raise ValueError(f"unknown task {task!r}; choose one of {', '.join(TASKS)}")
    if not inputs:
        raise DatasetError("choose at least one input column")
    if not targets:
        raise DatasetError("choose at least one target column")
    ins = [dataset.index(c) for c in inputs]
    outs = [dataset.index(c) for c in targets]
    both = set(ins) & set(outs)
    if both:
        names = ", ".join(dataset.columns[i] for i in sorted(both))
        raise DatasetError(f"column {names} cannot be both an input and a target")
    unknown = [d for d in derived if d not in DERIVED]
    if unknown:
        raise ValueError(
            f"unknown derived input(s) {', '.join(unknown)}; choose from {', '.join(DERIVED)}"
        )
    if derived and len(ins) < 2 and any("x2" in d for d in derived):
        raise ValueError("derived inputs with x2 need at least two input columns")
    if task == "auto":
        task = infer_task(dataset, [dataset.columns[j] for j in outs])
    raw_in, in_columns = encode_inputs(dataset, ins)
    raw_names = tuple(f for c in in_columns for f in c.features)
    if task == "classification":
        if len(outs) != 1:
            raise DatasetError(
                f"classification takes one class column as the target, not {len(outs)}"
            )
        classes, codes = class_labels(dataset, outs[0])
        if len(classes) < 2:
            raise DatasetError(
                f"target column {dataset.columns[outs[0]]!r} holds one class only "
                f"({classes[0]!r}); a classifier needs at least two"
            )
        raw_out = np.eye(len(classes))[codes]
        target_names = classes
        target_scaling = "none"  # probabilities: never scaled
        encoding = Encoding(in_columns, task, dataset.columns[outs[0]], classes)
    else:
        check_number_targets(dataset, outs)
        raw_out = dataset.values[:, outs]
        target_names = tuple(dataset.columns[i] for i in outs)
        encoding = Encoding(in_columns)
    a, b = raw_names[0], raw_names[1] if len(raw_names) > 1 else raw_names[0]
    names = raw_names + tuple(DERIVED[d][1].format(a, b) for d in derived)
    train, test = train_test_split(dataset.n_rows, test_fraction, seed)
    feats = _with_derived(raw_in, derived)
    in_scaler = make_scaler(input_scaling).fit(feats[train])
    out_scaler = make_scaler(target_scaling).fit(raw_out[train])
    return Problem(
        name=name or dataset.name or "data",
        raw_input_names=raw_names,
        input_names=names,
        target_names=target_names,
        raw_inputs=raw_in,
        raw_targets=raw_out,
        derived=tuple(derived),
        input_scaler=in_scaler,
        target_scaler=out_scaler,
        train=train,
        test=test,
        X=in_scaler.transform(feats),
        Z=out_scaler.transform(raw_out),
        input_scaling=input_scaling,
        target_scaling=target_scaling,
        test_fraction=float(test_fraction),
        seed=int(seed),
        encoding=None if encoding.is_plain else encoding,
    )
