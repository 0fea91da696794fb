"""The activation functions: one :class:`Activation` record per function.

Every pass and kernel looks a name up in :data:`ACTIVATIONS` (through
:func:`get_activation`), so a function is defined once and an unknown name
is an error everywhere, never a silent linear.

Every elementwise f′ here is a function of the activation a = f(s) alone
(σ′ = a(1 − a), tanh′ = 1 − a², relu′ = [a > 0], leaky′ = 1 or 0.01 by
[a > 0], linear′ = 1), so the training passes need not keep the sums s.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Array = np.ndarray

# The slope of leaky ReLU below 0.
LEAKY_SLOPE = 0.01


@dataclass(frozen=True)
class Activation:
    """One activation function and everything the engine and the views need of it.

    The callables run without an errstate of their own (σ's would cost
    ~1.4 µs a call, as much as the arithmetic on a small net): MLP's public
    passes, the trainer and the inspector set errstate(over="ignore") once
    around many calls.

    Attributes
    ----------
    name : the key in :data:`ACTIVATIONS` and in model files.
    label : a short label for the graph's nodes and the settings.
    f : s ↦ f(s), a new array. Row-wise for softmax (along the last axis).
    f_in_place : f that may overwrite its argument and returns the result.
    derivative : (s, a) ↦ f′(s) elementwise; for softmax the diagonal of its
        Jacobian a(1 − a), shown for reference (it trains only with
        cross-entropy, where δ = y − z needs no f′).
    derivative_times : (a, g) ↦ f′(s)·g as a new array, from a = f(s) alone;
        None where f′ is not elementwise (softmax).
    times_derivative_ : (a, g, out, tmp, mask) ↦ f′(s)·g into ``out`` (which
        may be g itself; returns the result, g itself for linear), with
        scratch ``tmp`` (float) and ``mask`` (bool) shaped like g; the bits
        of ``derivative_times``: IEEE products commute.
    scalar : v ↦ f(v) on one Python float, or None: ``f``'s bits, or an ulp
        off where libm's exp or tanh differs from NumPy's. ``scalar_derivative``:
        a ↦ f′ from the activation, whose product with g has
        ``derivative_times``' bits. The per-sample kernel takes only records
        that have both.
    hidden, output : whether the function is offered for hidden layers and
        for the output layer.
    bounds : the function's range (low, high), None where unbounded; the
        graph's fills span it.
    formula, derivative_formula : f(s) and f′(s) as the math inspector
        writes them, in its markup ($s is the sum).
    """

    name: str
    label: str
    f: Callable[[Array], Array]
    f_in_place: Callable[[Array], Array]
    derivative: Callable[[Array, Array], Array]
    derivative_times: Callable[[Array, Array], Array] | None
    times_derivative_: Callable[[Array, Array, Array, Array, Array], Array] | None
    scalar: Callable[[float], float] | None
    scalar_derivative: Callable[[float], float] | None
    hidden: bool = True
    output: bool = True
    bounds: tuple[float | None, float | None] = (None, None)
    formula: str = ""
    derivative_formula: str = ""

    @property
    def elementwise(self) -> bool:
        """True when f′ is elementwise, so δ = f′(s)·g is defined."""
        return self.derivative_times is not None


# -- sigmoid ----------------------------------------------------------------------


def sigmoid(s: Array) -> Array:
    """σ(s) = 1 / (1 + e^−s), the tutorial's formula: a few ulps, relatively, for s ≥ −709.

    Below −709.78, where σ(s) < 2e-308 is no longer a normal double, it gives 0.
    """
    # e^−s overflows to ∞ for s < −709.78, and 1/(1 + ∞) = 0 is then the right
    # double (σ(s) < 1e-308): the overflow is expected, not an error. This form
    # keeps full relative precision far below s = −37 and costs one exp.
    with np.errstate(over="ignore"):
        return _sigmoid(s)


def _sigmoid(s: Array) -> Array:
    return 1.0 / (1.0 + np.exp(-s))


def sigmoid_of_negated_(t: Array) -> Array:
    """σ in place from t = −s: 1/(1 + e^t), ``sigmoid``'s bits.

    For callers that can form −s without a pass of its own (the batch
    kernel, from −b − a·wᵀ); they run under errstate(over="ignore").
    """
    np.exp(t, out=t)
    t += 1.0
    np.reciprocal(t, out=t)
    return t


def _sigmoid_(s: Array) -> Array:
    np.negative(s, out=s)
    return sigmoid_of_negated_(s)


def _sigmoid_scalar(v: float) -> float:
    """σ(v) as NumPy's 1/(1 + e^−v) gives it, also where e^−v overflows."""
    # math.exp raises OverflowError where NumPy's exp gives ∞.
    try:
        return 1.0 / (1.0 + math.exp(-v))
    except OverflowError:
        return 0.0  # 1/(1 + ∞)


def _sigmoid_times(a: Array, g: Array) -> Array:
    d = 1.0 - a
    d *= a
    d *= g
    return d


def _sigmoid_times_(a: Array, g: Array, out: Array, tmp: Array, mask: Array) -> Array:
    np.subtract(1.0, a, out=tmp)
    tmp *= a
    return np.multiply(g, tmp, out=out)


# -- tanh -------------------------------------------------------------------------


def _tanh_times(a: Array, g: Array) -> Array:
    d = a * a
    np.subtract(1.0, d, out=d)
    d *= g
    return d


def _tanh_times_(a: Array, g: Array, out: Array, tmp: Array, mask: Array) -> Array:
    np.multiply(a, a, out=tmp)
    np.subtract(1.0, tmp, out=tmp)
    return np.multiply(g, tmp, out=out)


# -- relu and leaky relu ----------------------------------------------------------


def relu(s: Array) -> Array:
    return np.maximum(s, 0.0)


def _relu_times(a: Array, g: Array) -> Array:
    # relu(s) > 0 exactly when s > 0.
    d = (a > 0.0).astype(a.dtype)
    d *= g
    return d


def _relu_times_(a: Array, g: Array, out: Array, tmp: Array, mask: Array) -> Array:
    np.greater(a, 0.0, out=mask)
    return np.multiply(g, mask, out=out)


def leaky_relu(s: Array) -> Array:
    """s for s > 0, 0.01·s otherwise."""
    return np.where(s > 0.0, s, LEAKY_SLOPE * s)


def _leaky_relu_(s: Array) -> Array:
    # Only negative sums change: ±0 and NaN are their own images, as in leaky_relu.
    return np.multiply(s, LEAKY_SLOPE, out=s, where=s < 0.0)


def _leaky_derivative(a: Array) -> Array:
    # leaky(s) > 0 exactly when s > 0.
    return np.where(a > 0.0, 1.0, LEAKY_SLOPE)


def _leaky_times(a: Array, g: Array) -> Array:
    d = _leaky_derivative(a)
    d *= g
    return d


def _leaky_times_(a: Array, g: Array, out: Array, tmp: Array, mask: Array) -> Array:
    np.greater(a, 0.0, out=mask)
    tmp.fill(LEAKY_SLOPE)
    np.copyto(tmp, 1.0, where=mask)
    return np.multiply(g, tmp, out=out)


# -- linear and softmax -----------------------------------------------------------


def linear(s: Array) -> Array:
    return s.copy()


def _linear_times(a: Array, g: Array) -> Array:
    d = np.ones_like(a)
    d *= g
    return d


def _linear_times_(a: Array, g: Array, out: Array, tmp: Array, mask: Array) -> Array:
    return g  # f′ = 1 and 1·g == g


def softmax(s: Array) -> Array:
    """Row-wise softmax; subtracting the row max keeps exp() finite."""
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _make_registry() -> dict[str, Activation]:
    records = (
        Activation(
            "sigmoid",
            "σ",
            _sigmoid,
            _sigmoid_,
            lambda s, a: a * (1.0 - a),
            _sigmoid_times,
            _sigmoid_times_,
            _sigmoid_scalar,
            lambda a: a * (1.0 - a),
            bounds=(0.0, 1.0),
            formula="σ($s) = 1 / (1 + $e^(−$s))",
            derivative_formula="σ($s)·(1 − σ($s))",
        ),
        Activation(
            "tanh",
            "tanh",
            np.tanh,
            lambda s: np.tanh(s, out=s),
            lambda s, a: 1.0 - a * a,
            _tanh_times,
            _tanh_times_,
            math.tanh,
            lambda a: 1.0 - a * a,
            bounds=(-1.0, 1.0),
            formula="tanh($s)",
            derivative_formula="1 − tanh($s)^(2)",
        ),
        Activation(
            "relu",
            "ReLU",
            relu,
            lambda s: np.maximum(s, 0.0, out=s),
            lambda s, a: (s > 0.0).astype(s.dtype),
            _relu_times,
            _relu_times_,
            lambda v: max(v, 0.0),
            lambda a: 1.0 if a > 0.0 else 0.0,
            bounds=(0.0, None),
            formula="max(0, $s)",
            derivative_formula="1 if $s > 0, else 0",
        ),
        Activation(
            "leaky-relu",
            "leaky",
            leaky_relu,
            _leaky_relu_,
            lambda s, a: _leaky_derivative(a),
            _leaky_times,
            _leaky_times_,
            lambda v: v if v > 0.0 else LEAKY_SLOPE * v,
            lambda a: 1.0 if a > 0.0 else LEAKY_SLOPE,
            formula=f"max({LEAKY_SLOPE:g}·$s, $s)",
            derivative_formula=f"1 if $s > 0, else {LEAKY_SLOPE:g}",
        ),
        Activation(
            "linear",
            "lin",
            linear,
            lambda s: s,
            lambda s, a: np.ones_like(s),
            _linear_times,
            _linear_times_,
            lambda v: v,
            lambda a: 1.0,
            formula="$s",
            derivative_formula="1",
        ),
        Activation(
            "softmax",
            "softmax",
            softmax,
            softmax,
            lambda s, a: a * (1.0 - a),
            None,
            None,
            None,
            None,
            hidden=False,
            bounds=(0.0, 1.0),
            formula="$e^($s) / Σ_($k) $e^($s_($k)) over the outputs",
        ),
    )
    return {r.name: r for r in records}


ACTIVATIONS: dict[str, Activation] = _make_registry()

HIDDEN_ACTIVATIONS = tuple(name for name, r in ACTIVATIONS.items() if r.hidden)
OUTPUT_ACTIVATIONS = tuple(name for name, r in ACTIVATIONS.items() if r.output)


def get_activation(name: str, where: str = "") -> Activation:
    """The record for ``name``; a ValueError naming it and the choices if there is none.

    ``where`` ("hidden" or "output") also refuses a function not offered there.
    """
    record = ACTIVATIONS.get(name) if isinstance(name, str) else None
    if record is None or (where and not getattr(record, where)):
        choices = [n for n, r in ACTIVATIONS.items() if not where or getattr(r, where)]
        kind = f"{where} activation" if where else "activation"
        raise ValueError(f"unknown {kind} {name!r}; choose one of {', '.join(choices)}")
    return record
