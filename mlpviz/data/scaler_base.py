"""The scaler base class and the checks every scaler shares.

A scaler works column by column on arrays of shape (n, k) (or one row,
shape (k,)), keeps what it learned in plain floats so model files can store
it (:meth:`Scaler.to_dict` / :meth:`Scaler.from_dict`), and collects
human-readable ``warnings`` (e.g. a constant column) during :meth:`Scaler.fit`
instead of failing or dividing by zero. The scalers themselves are in
:mod:`mlpviz.data.scalers`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

import numpy as np

Array = np.ndarray


class Scaler:
    """Base class: column-wise transform with a JSON-friendly state.

    Attributes
    ----------
    warnings : list of str
        Messages from the last :meth:`fit` (constant columns, values outside a
        fixed range). Empty when all is well.
    """

    kind = "base"
    # kind → class, filled by __init_subclass__, so from_dict knows every scaler.
    _kinds: ClassVar[dict[str, type[Scaler]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        Scaler._kinds[cls.kind] = cls

    def __init__(self) -> None:
        self.warnings: list[str] = []

    def fit(self, values: Array, names: Sequence[str] | None = None) -> Scaler:
        """Learn the scaling from ``values`` (n, k); ``names`` label warnings.

        Returns
        -------
        self
        """
        values = as_table(values, "fit")
        if values.shape[0] == 0:
            raise ValueError("cannot fit a scaler on zero rows")
        if names is not None and len(names) != values.shape[1]:
            raise ValueError(f"{len(names)} names for {values.shape[1]} columns")
        labels = [f"{n!r}" for n in names] if names is not None else None
        if labels is None:
            labels = [f"column {j + 1}" for j in range(values.shape[1])]
        self.warnings = []
        self._fit(values, labels)
        return self

    def fit_transform(self, values: Array, names: Sequence[str] | None = None) -> Array:
        """Fit on ``values`` (n, k) and return them scaled, (n, k)."""
        return self.fit(values, names).transform(values)

    def transform(self, values: Array) -> Array:
        """Scale raw values, shape (n, k) or (k,), to the same shape."""
        return self._apply(values, self._forward)

    def inverse_transform(self, values: Array) -> Array:
        """Map scaled values, shape (n, k) or (k,), back to raw units."""
        return self._apply(values, self._backward)

    def to_dict(self) -> dict[str, Any]:
        """The scaler as plain JSON types (floats, lists, None)."""
        raise NotImplementedError

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Scaler:
        """Rebuild a scaler written by :meth:`to_dict`.

        Called on :class:`Scaler` it accepts any kind; on a subclass, only that kind.

        Raises
        ------
        ValueError
            Not a mapping, unknown kind, missing or malformed fields,
            non-finite numbers or inconsistent lengths — model files are user
            files, so every field is checked.
        """
        if not isinstance(d, Mapping):
            raise ValueError(f"a scaler must be a JSON object, got {type(d).__name__}")
        kind = d.get("kind")
        sub = Scaler._kinds.get(kind) if isinstance(kind, str) else None
        if sub is None:
            known = ", ".join(repr(k) for k in Scaler._kinds)
            raise ValueError(f"unknown scaler kind {kind!r}; expected one of {known}")
        if not issubclass(sub, cls):
            raise ValueError(f"expected a {cls.kind!r} scaler, got {kind!r}")
        return sub._from_dict(d)

    # -- for subclasses --------------------------------------------------------

    @classmethod
    def _from_dict(cls, d: Mapping[str, Any]) -> Scaler:
        raise NotImplementedError

    def _fit(self, values: Array, labels: list[str]) -> None:
        raise NotImplementedError

    def _forward(self, values: Array) -> Array:
        raise NotImplementedError

    def _backward(self, values: Array) -> Array:
        raise NotImplementedError

    def _n_features(self) -> int | None:
        """Number of columns the scaler is set up for, or None if any number works."""
        return None

    def _apply(self, values: Array, fn: Callable[[Array], Array]) -> Array:
        arr = np.asarray(values, dtype=np.float64)
        single = arr.ndim == 1
        table = as_table(arr[None, :] if single else arr, "transform")
        k = self._n_features()
        if k is not None and table.shape[1] != k:
            raise ValueError(f"the scaler was fitted on {k} columns, got {table.shape[1]}")
        with np.errstate(over="ignore", invalid="ignore"):
            out = fn(table)
        if not np.isfinite(out).all():
            raise ValueError("values are too large to scale (the result overflows)")
        return out[0] if single else out


def as_table(values: Array, what: str) -> Array:
    """``values`` as a finite float64 (n, k) array, or ValueError."""
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 2:
        raise ValueError(f"{what} expects a 2-D array (rows × columns), got shape {arr.shape}")
    if not np.isfinite(arr).all():
        raise ValueError(f"{what}: values must be finite (no NaN or infinity)")
    return arr


def finite_float(x: Any, name: str) -> float:
    """A real, finite number (not a bool, not a string) as float, or ValueError."""
    if isinstance(x, bool) or not isinstance(x, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a number, got {x!r}")
    value = float(x)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {x!r}")
    return value


def finite_vector(x: Any, name: str) -> Array:
    """A number (→ 0-d array) or a non-empty list of numbers (→ 1-d array)."""
    if isinstance(x, (list, tuple, np.ndarray)):
        if len(x) == 0:
            raise ValueError(f"{name} must not be empty")
        items = np.asarray(x, dtype=object)
        if items.ndim != 1:
            raise ValueError(f"{name} must be a flat list of numbers")
        return np.array([finite_float(v, name) for v in items])
    return np.array(finite_float(x, name))


def check_span(dmin: Array, dmax: Array) -> None:
    """ValueError if max − min overflows, which would turn every scaled value into NaN."""
    with np.errstate(over="ignore"):
        span = np.asarray(dmax) - np.asarray(dmin)
    if not np.isfinite(span).all():
        raise ValueError("the data range is too wide to scale (max − min overflows)")


def to_json(a: Array | None) -> float | list[float] | None:
    """A 0-d array as float, a 1-d array as list, None as None."""
    if a is None:
        return None
    return float(a) if a.ndim == 0 else [float(v) for v in a]
