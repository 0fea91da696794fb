"""Scalers: map raw columns to the ranges a network trains well on, and back.

Min-max (the tutorial's normalization), z-score and none. What they share —
shapes, warnings, the JSON round trip — is in :mod:`mlpviz.data.scaler_base`.

:func:`make_scaler` builds one from a short spec, as the CLI takes it (case
and spaces do not matter; brackets are allowed, "[-1, 1]")::

    none | identity        no scaling
    zscore | standard      (x − mean) / std
    minmax                 same as 0,1
    LOW,HIGH               min-max to [LOW, HIGH], fitted on the data: "0,1", "-1,1"
    LOW,HIGH:MIN,MAX       min-max to [LOW, HIGH] from the fixed data range MIN..MAX,
                           e.g. "0,1:0,100" (a score of 91 → 0.91)
    fixed:MIN,MAX          same as 0,1:MIN,MAX
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from mlpviz.data.scaler_base import Array, Scaler, check_span, finite_float, finite_vector, to_json

__all__ = ["IdentityScaler", "MinMaxScaler", "ZScoreScaler", "make_scaler", "scaler_from_dict"]


class IdentityScaler(Scaler):
    """No scaling: transform and inverse return the values unchanged (as float64)."""

    kind = "none"

    def _fit(self, values: Array, labels: list[str]) -> None:
        pass

    def _forward(self, values: Array) -> Array:
        return values.copy()

    def _backward(self, values: Array) -> Array:
        return values.copy()

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind}

    @classmethod
    def _from_dict(cls, d: Mapping[str, Any]) -> IdentityScaler:
        return cls()

    def __repr__(self) -> str:
        return "IdentityScaler()"


class MinMaxScaler(Scaler):
    """Min-max scaling of each column to [low, high].

    ``t = (x − min) / (max − min)`` then ``y = low + t·(high − low)``; for the
    tutorial's [0, 1] that is t itself and for [−1, 1] it is t·2 − 1.

    Parameters
    ----------
    low, high : float
        The target range, low < high.
    data_min, data_max : float or sequence of float, optional
        A fixed data range (one for all columns, or one per column). When
        given, :meth:`fit` learns nothing from the data — as the tutorial's
        companion code scales scores with 0..100 (91 → 0.91) — and only
        warns about values outside the range. Give both or neither.

    Notes
    -----
    A constant column (min = max) maps to the middle of [low, high] (0.5 for
    [0, 1], 0 for [−1, 1]), as the companion code does, with a warning; its
    inverse returns the constant. Nothing is divided by zero.
    """

    kind = "minmax"

    def __init__(
        self,
        low: float = 0.0,
        high: float = 1.0,
        data_min: float | Sequence[float] | None = None,
        data_max: float | Sequence[float] | None = None,
    ) -> None:
        super().__init__()
        self.low = finite_float(low, "low")
        self.high = finite_float(high, "high")
        if not self.low < self.high:
            raise ValueError(f"low must be below high, got [{self.low:g}, {self.high:g}]")
        if (data_min is None) != (data_max is None):
            raise ValueError("give both data_min and data_max, or neither")
        self.fixed = data_min is not None
        self.data_min: Array | None = None
        self.data_max: Array | None = None
        if data_min is not None and data_max is not None:
            dmin = finite_vector(data_min, "data_min")
            dmax = finite_vector(data_max, "data_max")
            if dmin.shape != dmax.shape:
                raise ValueError("data_min and data_max must have the same length")
            if (dmin > dmax).any():
                raise ValueError("data_min must not exceed data_max")
            self.data_min, self.data_max = dmin, dmax
            check_span(dmin, dmax)

    def _n_features(self) -> int | None:
        return None if self.data_min is None or self.data_min.ndim == 0 else self.data_min.size

    def _fit(self, values: Array, labels: list[str]) -> None:
        k = values.shape[1]
        if not self.fixed:
            self.data_min, self.data_max = values.min(axis=0), values.max(axis=0)
            check_span(self.data_min, self.data_max)
        n_fixed = self._n_features()
        if n_fixed is not None and n_fixed != k:
            raise ValueError(f"the fixed range has {n_fixed} columns, the data {k}")
        lo = np.broadcast_to(self.data_min, (k,))
        hi = np.broadcast_to(self.data_max, (k,))
        mid = f"{(self.low + self.high) / 2:g}, the middle of [{self.low:g}, {self.high:g}]"
        if self.fixed:
            vmin, vmax = values.min(axis=0), values.max(axis=0)
            for j in np.flatnonzero((vmin < lo) | (vmax > hi)):
                self.warnings.append(
                    f"{labels[j]} has values outside the fixed range {lo[j]:g}..{hi[j]:g} "
                    f"(from {vmin[j]:g} to {vmax[j]:g}); they scale outside "
                    f"[{self.low:g}, {self.high:g}]"
                )
        for j in np.flatnonzero(lo == hi):
            what = "has the one-value fixed range" if self.fixed else "is constant"
            self.warnings.append(f"{labels[j]} {what} ({lo[j]:g}); it scales to {mid}")

    def _range(self) -> tuple[Array, Array, Array]:
        """(data_min, span with 0 → 1, mask of constant columns)."""
        if self.data_min is None or self.data_max is None:
            raise RuntimeError("fit the MinMaxScaler before transforming")
        span = self.data_max - self.data_min
        constant = span == 0
        return self.data_min, np.where(constant, 1.0, span), constant

    def _forward(self, values: Array) -> Array:
        dmin, span, constant = self._range()
        t = (values - dmin) / span
        t = np.where(constant, 0.5, t)
        return self.low + t * (self.high - self.low)

    def _backward(self, values: Array) -> Array:
        dmin, span, constant = self._range()
        t = (values - self.low) / (self.high - self.low)
        # For a constant column span is 1 but the true span is 0: give the constant back.
        return dmin + np.where(constant, 0.0, t) * span

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "low": self.low,
            "high": self.high,
            "fixed": self.fixed,
            "data_min": to_json(self.data_min),
            "data_max": to_json(self.data_max),
        }

    @classmethod
    def _from_dict(cls, d: Mapping[str, Any]) -> MinMaxScaler:
        for key in ("low", "high", "fixed", "data_min", "data_max"):
            if key not in d:
                raise ValueError(f"minmax scaler is missing {key!r}")
        fixed = d["fixed"]
        if not isinstance(fixed, bool):
            raise ValueError(f"minmax 'fixed' must be true or false, got {fixed!r}")
        dmin, dmax = d["data_min"], d["data_max"]
        if fixed and (dmin is None or dmax is None):
            raise ValueError("a fixed minmax scaler needs data_min and data_max")
        scaler = cls(d["low"], d["high"], dmin if fixed else None, dmax if fixed else None)
        if not fixed and (dmin is not None or dmax is not None):
            if dmin is None or dmax is None:
                raise ValueError("minmax data_min and data_max must both be set or both be null")
            lo, hi = finite_vector(dmin, "data_min"), finite_vector(dmax, "data_max")
            if lo.ndim != 1 or lo.shape != hi.shape:
                raise ValueError("fitted data_min and data_max must be lists of the same length")
            if (lo > hi).any():
                raise ValueError("data_min must not exceed data_max")
            check_span(lo, hi)
            scaler.data_min, scaler.data_max = lo, hi
        return scaler

    def __repr__(self) -> str:
        fixed = f", data_min={to_json(self.data_min)}, data_max={to_json(self.data_max)}"
        return f"MinMaxScaler(low={self.low:g}, high={self.high:g}{fixed if self.fixed else ''})"


class ZScoreScaler(Scaler):
    """Standardize each column: ``(x − mean) / std`` (population std, ddof = 0).

    A constant column (std = 0) maps to 0 with a warning; its inverse
    returns the mean (the constant).
    """

    kind = "zscore"

    def __init__(self) -> None:
        super().__init__()
        self.mean: Array | None = None
        self.std: Array | None = None

    def _n_features(self) -> int | None:
        return None if self.mean is None else self.mean.size

    def _fit(self, values: Array, labels: list[str]) -> None:
        with np.errstate(over="ignore", invalid="ignore"):
            mean, std = values.mean(axis=0), values.std(axis=0)
        if not (np.isfinite(mean).all() and np.isfinite(std).all()):
            raise ValueError("values are too large to standardize (the variance overflows)")
        # The mean of equal floats need not equal them (mean([0.1] * 3) is
        # 0.10000000000000002), leaving a tiny std that would blow rounding
        # noise up to ±1. Constant means min == max, exactly.
        constant = values.min(axis=0) == values.max(axis=0)
        mean = np.where(constant, values[0], mean)
        std = np.where(constant, 0.0, std)
        self.mean, self.std = mean, std
        for j in np.flatnonzero(std == 0):
            self.warnings.append(f"{labels[j]} is constant ({mean[j]:g}); it scales to 0")

    def _moments(self) -> tuple[Array, Array]:
        if self.mean is None or self.std is None:
            raise RuntimeError("fit the ZScoreScaler before transforming")
        return self.mean, self.std

    def _forward(self, values: Array) -> Array:
        mean, std = self._moments()
        return np.where(std == 0, 0.0, (values - mean) / np.where(std == 0, 1.0, std))

    def _backward(self, values: Array) -> Array:
        mean, std = self._moments()
        return mean + values * std

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "mean": to_json(self.mean), "std": to_json(self.std)}

    @classmethod
    def _from_dict(cls, d: Mapping[str, Any]) -> ZScoreScaler:
        scaler = cls()
        mean, std = d.get("mean"), d.get("std")
        if mean is None and std is None:
            return scaler
        if mean is None or std is None:
            raise ValueError("zscore mean and std must both be set or both be null")
        m, s = finite_vector(mean, "mean"), finite_vector(std, "std")
        if m.ndim != 1 or m.shape != s.shape:
            raise ValueError("zscore mean and std must be lists of the same length")
        if (s < 0).any():
            raise ValueError("zscore std must not be negative")
        scaler.mean, scaler.std = m, s
        return scaler

    def __repr__(self) -> str:
        return "ZScoreScaler()"


# -- construction from a spec ------------------------------------------------------


def make_scaler(spec: str) -> Scaler:
    """Build an unfitted scaler from a short spec (see the module docstring).

    Examples: ``"0,1"``, ``"-1,1"``, ``"zscore"``, ``"none"``, ``"0,1:0,100"``,
    ``"fixed:0,100"``.

    Raises
    ------
    ValueError
        The spec is not understood; the message shows the syntax.
    """
    text = "".join(str(spec).split()).lower()
    if text in ("none", "identity"):
        return IdentityScaler()
    if text in ("zscore", "standard", "z"):
        return ZScoreScaler()
    if text == "minmax":
        return MinMaxScaler()
    try:
        if text.startswith("fixed:"):
            dmin, dmax = _pair(text[len("fixed:") :])
            return MinMaxScaler(0.0, 1.0, dmin, dmax)
        if ":" in text:
            out, data = text.split(":", 1)
            low, high = _pair(out)
            dmin, dmax = _pair(data)
            return MinMaxScaler(low, high, dmin, dmax)
        low, high = _pair(text)
        return MinMaxScaler(low, high)
    except ValueError as exc:
        raise ValueError(
            f"cannot read scaling {spec!r} ({exc}); use none, zscore, LOW,HIGH (e.g. 0,1 or "
            "-1,1), LOW,HIGH:MIN,MAX for a fixed data range (e.g. 0,1:0,100) or fixed:MIN,MAX"
        ) from None


def _pair(text: str) -> tuple[float, float]:
    parts = text.strip("[]()").split(",")
    if len(parts) != 2:
        raise ValueError(f"expected two numbers separated by a comma, got {text!r}")
    a, b = (float(p) for p in parts)
    return a, b


def scaler_from_dict(d: Mapping[str, Any]) -> Scaler:
    """Rebuild any scaler from :meth:`Scaler.to_dict` output (see :meth:`Scaler.from_dict`)."""
    return Scaler.from_dict(d)
