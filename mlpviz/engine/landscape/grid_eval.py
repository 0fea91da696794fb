"""The grid evaluator behind :mod:`.landscape`: a plan in, loss sums out.

A loss landscape needs the loss at tens of thousands of parameter settings.
Looping over them in Python, or pushing every setting's parameter vector
through a batched forward pass, is far too slow for an interactive plot. What
is fast is to describe the grid once as a :class:`_Plan` (the first layer's
sums as ``G[i] + H[j]``, then fixed steps to the output, then the loss) and
evaluate that plan here: in cache-sized blocks, in place, with each
activation reduced to one core function per layer, and in parallel threads.
Which plan a given plane needs is worked out in :mod:`.landscape_plans`.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from mlpviz.engine import losses
from mlpviz.engine.activations import get_activation, sigmoid_of_negated_
from mlpviz.engine.mlp import MLP

Array = np.ndarray

# Bytes per scratch buffer of one block. About 1 MB: a block's buffers and
# the slice of H it reads then mostly stay in a 2 MB per-core L2 cache.
_BLOCK_BYTES = 1 << 20
# Bound on the per-grid-value arrays (G, H and their kind) computed once per
# chunk of data rows; beyond it the data rows are split into chunks.
_PRECOMPUTE_ELEMENTS = 1 << 23
# Below this much work a thread pool costs more than it saves.
_PARALLEL_MIN_ELEMENTS = 1 << 20
# The bulk work is memory-bound ufuncs; more threads than this only contend.
_MAX_THREADS = 8


# -- activations as scale·core(pre·s) + shift -----------------------------------


def _tanh_inplace(u: Array) -> None:
    np.tanh(u, out=u)


def _relu_inplace(u: Array) -> None:
    np.maximum(u, 0.0, out=u)


@dataclass(frozen=True)
class _Form:
    """``f(s) = scale·core(pre·s) + shift``; ``core`` works in place (None: identity)."""

    pre: float
    core: Callable[[Array], None] | None
    scale: float
    shift: float


def _sigmoid_of_negated_inplace(u: Array) -> None:
    # e^t overflows to ∞ for t > 709.78, and 1/(1 + ∞) = 0 is the right σ.
    with np.errstate(over="ignore"):
        sigmoid_of_negated_(u)


_FORMS = {
    # σ(s) = 1/(1 + e^−s) from −s, which the previous layer forms for free (its
    # weights and bias negated: IEEE negation is exact, so these are the
    # engine's σ bits). A tanh form 0.5·tanh(s/2) + 0.5 would lose 1 − σ's
    # relative precision at saturation, which cross-entropy's log(1 − y) magnifies.
    "sigmoid": _Form(-1.0, _sigmoid_of_negated_inplace, 1.0, 0.0),
    "tanh": _Form(1.0, _tanh_inplace, 1.0, 0.0),
    "relu": _Form(1.0, _relu_inplace, 1.0, 0.0),
    "linear": _Form(1.0, None, 1.0, 0.0),
    # Not elementwise: the loss step applies it over the output axis.
    "softmax": _Form(1.0, None, 1.0, 0.0),
}


def _form(name: str) -> _Form:
    """The form of the registry's record ``name`` (a ValueError if it has none)."""
    record = get_activation(name)
    if name in _FORMS:
        return _FORMS[name]
    # Any other record: its own in-place function as the core.
    function = record.f_in_place

    def core(u: Array) -> None:
        # σ's e^−s overflows to ∞ for far negative sums, and 1/(1 + ∞) = 0 is right.
        with np.errstate(over="ignore"):
            out = function(u)
        if out is not u:
            np.copyto(u, out)

    return _Form(1.0, core, 1.0, 0.0)


# -- the plan: what one block of the grid computes ------------------------------


@dataclass(frozen=True)
class _Step:
    """From one layer's (pre-scaled) sums to the next layer's.

    ``core`` is applied in place to the incoming tensor (ci, cj, R, m_in);
    then ``next = core_out @ wt + bias``. With ``alphas``/``betas`` set (the
    PCA plane), ``wt`` is (m_in, 3·m_out) holding the base weights and both
    directions side by side, and
    ``next = P₀ + bias + α·(P₁ + bias1) + β·(P₂ + bias2)``.
    """

    core: Callable[[Array], None] | None
    wt: Array
    bias: Array  # (m_out,), (R, m_out) or, with bias_per_i, (n_a, R, m_out)
    m_out: int
    bias_per_i: bool = False
    bias1: Array | None = None  # (m_out,)
    bias2: Array | None = None
    alphas: Array | None = None  # (n_a,)
    betas: Array | None = None  # (n_b,)

    @property
    def width(self) -> int:
        """Widest scratch tensor this step needs, in values per data row and grid point."""
        return 3 * self.m_out if self.alphas is not None else self.m_out


@dataclass(frozen=True)
class _Output:
    """The loss over the output layer's pre-scaled sums, summed over rows and outputs."""

    kind: str  # "mse", "bernoulli" (sigmoid + cross-entropy) or "softmax"
    form: _Form
    c: Array | None  # mse: (shift − z)/scale, (R, k)
    z: Array | None  # cross-entropy: targets, raveled (R·k,)
    zc: Array | None  # bernoulli: 1 − z, raveled
    factor: float  # mse: scale²/2


@dataclass(frozen=True)
class _Plan:
    """One chunk of data rows, ready to be evaluated block by block.

    The first tensor is ``G[i] + H[j]`` (separable) or, when H is None,
    ``G[i] + coef[j]·Xc[i]`` (b's input activation itself depends on a, as
    when a sits in an earlier layer). Then come ``steps``, then ``output``.
    """

    rows: int
    width: int
    G: Array  # (n_a, R, width)
    H: Array | None  # (n_b, R, width), or broadcastable to it
    coef: Array | None  # (n_b,)
    Xc: Array | None  # (n_a, R, width)
    steps: list[_Step]
    output: _Output


def _output(mlp: MLP, Z: Array) -> _Output:
    name, loss = mlp.output_activation, losses.get_loss(mlp.loss).name
    form = _form(name)
    if name == "softmax":
        return _Output("softmax", form, None, Z.ravel(), None, 1.0)
    if loss == "mse":
        return _Output("mse", form, (form.shift - Z) / form.scale, None, None, 0.5 * form.scale**2)
    if loss == "cross-entropy":
        return _Output("bernoulli", form, None, Z.ravel(), (1.0 - Z).ravel(), 1.0)
    raise ValueError(f"no landscape for the loss {loss!r}")


def _loss_sums(U: Array, out: _Output, scratch: Array) -> Array:
    """Σ over rows and outputs of the row loss, (ci, cj), from output sums U (ci, cj, R, k).

    U holds the output layer's sums times ``out.form.pre`` and is overwritten.
    The formulas repeat losses.row_losses step by step, so the values agree
    with :meth:`MLP.loss_value` to rounding.
    """
    ci, cj = U.shape[:2]
    flat = U.reshape(ci * cj, -1)
    lo, hi = _clip_bounds(U.dtype)
    if out.kind == "softmax":
        U -= U.max(axis=-1, keepdims=True)
        np.exp(U, out=U)
        U /= U.sum(axis=-1, keepdims=True)
        np.clip(U, lo, hi, out=U)
        np.log(U, out=U)
        return -(flat @ out.z).reshape(ci, cj)
    form = out.form
    if form.core is not None:
        form.core(U)
    if out.kind == "mse":
        # ½Σ(y − z)² with y = scale·t + shift is (scale²/2)·Σ(t + c)².
        U += out.c
        return out.factor * np.einsum("gr,gr->g", flat, flat).reshape(ci, cj)
    if form.scale != 1.0:
        U *= form.scale
    if form.shift != 0.0:
        U += form.shift
    np.clip(U, lo, hi, out=U)
    log_p = scratch[: U.size].reshape(U.shape)
    np.log(U, out=log_p)
    np.negative(U, out=U)
    np.log1p(U, out=U)
    return -(log_p.reshape(ci * cj, -1) @ out.z + flat @ out.zc).reshape(ci, cj)


def _clip_bounds(dtype: np.dtype) -> tuple[float, float]:
    """losses.py's clipping of probabilities, representable in ``dtype``."""
    one = dtype.type(1.0)
    hi = dtype.type(1.0 - losses._EPS)
    if hi >= one:
        # In float32, 1 − 1e-15 rounds to 1 and log1p(−1) = −inf.
        hi = np.nextafter(one, dtype.type(0.0))
    return losses._EPS, float(hi)


def _cast(plan: _Plan, dtype: np.dtype) -> _Plan:
    """The plan with every array in ``dtype`` (no copies when it already is)."""

    def cast(x: object) -> object:
        return x.astype(dtype, copy=False) if isinstance(x, np.ndarray) else x

    def cast_all(obj: object) -> object:
        changes = {f.name: cast(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        return dataclasses.replace(obj, **changes)

    return dataclasses.replace(
        cast_all(plan),
        steps=[cast_all(st) for st in plan.steps],
        output=cast_all(plan.output),
    )


def _view(buffer: Array, shape: tuple[int, ...]) -> Array:
    return buffer[: int(np.prod(shape))].reshape(shape)


def _block(plan: _Plan, grid_i: slice, grid_j: slice, buffers: list[Array]) -> Array:
    """Loss sums (ci, cj) over the grid cells ``grid_i`` × ``grid_j`` (two slices)."""
    ci = grid_i.stop - grid_i.start
    cj = grid_j.stop - grid_j.start
    R = plan.rows
    cur = 0
    U = _view(buffers[cur], (ci, cj, R, plan.width))
    if plan.H is not None:
        np.add(plan.G[grid_i, None], plan.H[None, grid_j], out=U)
    else:
        np.multiply(plan.coef[None, grid_j, None, None], plan.Xc[grid_i, None], out=U)
        U += plan.G[grid_i, None]
    for st in plan.steps:
        if st.core is not None:
            st.core(U)
        m_in = U.shape[-1]
        if st.alphas is None and m_in == 1 and st.m_out == 1 and not st.bias_per_i:
            # One node feeding one node: stay in the same (cached) buffer.
            U *= st.wt[0]
            U += st.bias
            continue
        V = _view(buffers[1 - cur], (ci, cj, R, st.m_out))
        if st.alphas is None:
            if m_in == 1:
                # An outer product: a broadcast multiply beats a K = 1 matmul.
                np.multiply(U, st.wt[0], out=V)
            else:
                np.matmul(U.reshape(-1, m_in), st.wt, out=V.reshape(-1, st.m_out))
            V += st.bias[grid_i, None] if st.bias_per_i else st.bias
        else:
            P = _view(buffers[2], (ci, cj, R, 3, st.m_out))
            np.matmul(U.reshape(-1, m_in), st.wt, out=P.reshape(-1, 3 * st.m_out))
            P1, P2 = P[..., 1, :], P[..., 2, :]
            P1 += st.bias1
            P1 *= st.alphas[grid_i, None, None, None]
            P2 += st.bias2
            P2 *= st.betas[None, grid_j, None, None]
            np.add(P[..., 0, :], P1, out=V)
            V += P2
            V += st.bias
        U, cur = V, 1 - cur
    return _loss_sums(U, plan.output, buffers[1 - cur])


def _run(plan: _Plan, total: Array, threads: int | None, dtype: np.dtype) -> None:
    """Add the plan's loss sums into ``total`` (n_a, n_b), block by block."""
    plan = _cast(plan, dtype)
    n_a, n_b = total.shape
    width = max([plan.width, *(st.width for st in plan.steps)])
    per_point = plan.rows * width
    budget = max(1, _BLOCK_BYTES // dtype.itemsize)
    # Whole grid rows when they fit; else equal column chunks of one grid row.
    col_chunks = -(-n_b * per_point // budget)
    cj = -(-n_b // col_chunks)
    ci = min(n_a, max(1, budget // (cj * per_point)))
    blocks = [
        (slice(i, min(i + ci, n_a)), slice(j, min(j + cj, n_b)))
        for i in range(0, n_a, ci)
        for j in range(0, n_b, cj)
    ]
    if threads is None:
        big = n_a * n_b * per_point * (1 + len(plan.steps)) >= _PARALLEL_MIN_ELEMENTS
        threads = min(_cores(), _MAX_THREADS) if big else 1
    threads = max(1, min(threads, len(blocks)))
    size = ci * cj * per_point

    def work(mine: list[tuple[slice, slice]]) -> None:
        buffers = [np.empty(size, dtype) for _ in range(3)]
        for grid_i, grid_j in mine:
            # Blocks are disjoint, so threads never write the same cells.
            total[grid_i, grid_j] += _block(plan, grid_i, grid_j, buffers)

    if threads == 1:
        work(blocks)
        return
    with ThreadPoolExecutor(threads) as pool:
        # Interleaved shares keep the threads busy for the same time.
        list(pool.map(work, [blocks[t::threads] for t in range(threads)]))


def _cores() -> int:
    # The cores this process may run on, which a container can limit below os.cpu_count().
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def _row_chunks(n: int, per_row: int) -> list[slice]:
    size = max(1, min(n, _PRECOMPUTE_ELEMENTS // max(1, per_row)))
    return [slice(lo, min(lo + size, n)) for lo in range(0, n, size)]
