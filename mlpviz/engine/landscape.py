"""Loss landscapes: the mean loss over a plane through parameter space.

Two kinds of plane:

* :func:`loss_grid` varies two single parameters (a weight or a bias each)
  and keeps every other parameter as it is.
* :func:`trajectory_pca` finds the plane that best holds a recorded training
  path (Li et al. 2018, "Visualizing the Loss Landscape of Neural Nets",
  section 7) and :func:`pca_loss_grid` evaluates the loss over that plane.

Both evaluate a whole grid without a Python loop over grid points, and both
rest on one observation: a layer's summation ``s = a·Wᵀ + b`` is linear in
its own parameters. So the sums of the first layer that the plane touches
split into a part that depends only on the first coordinate and a part that
depends only on the second, ``s[i, j] = G[i] + H[j]``. The small G and H are
computed once; only the layers after them need the full
(grid rows, grid columns, data rows, width) tensor, and that tensor is built
in cache-sized blocks, in place, and in parallel threads (NumPy's ufuncs and
BLAS release the GIL).

Each activation is also written as ``f(s) = scale·core(pre·s) + shift`` (the
sigmoid is ``0.5·tanh(0.5·s) + 0.5``). The constant factors fold into the
next layer's weights and into the loss, so the big tensor only ever sees the
one core function per layer.
"""

from __future__ import annotations

import dataclasses
import functools
import operator
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from . import activations as act
from . import losses
from .mlp import MLP

Array = np.ndarray

__all__ = [
    "TrajectoryPCA",
    "bench_loss_grid",
    "grid_extent",
    "loss_grid",
    "pca_loss_grid",
    "trajectory_pca",
]

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


_FORMS = {
    # activations.sigmoid is exactly this expression.
    "sigmoid": _Form(0.5, _tanh_inplace, 0.5, 0.5),
    "tanh": _Form(1.0, _tanh_inplace, 1.0, 0.0),
    "relu": _Form(1.0, _relu_inplace, 1.0, 0.0),
    "linear": _Form(1.0, None, 1.0, 0.0),
    # Not elementwise: the loss step applies it over the output axis.
    "softmax": _Form(1.0, None, 1.0, 0.0),
}


def _form(name: str) -> _Form:
    if name in _FORMS:
        return _FORMS[name]
    # An activation added to activations.py later still works, just without
    # the in-place fast path.
    function = act.FUNCTIONS[name]

    def core(u: Array) -> None:
        np.copyto(u, function(u))

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
    name, loss = mlp.output_activation, mlp.loss
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


# -- inputs ---------------------------------------------------------------------


class _Param(NamedTuple):
    kind: str
    layer: int
    node: int
    inp: int  # −1 for a bias
    index: int


def _parse_param(mlp: MLP, param: object, label: str) -> _Param:
    shape = "('w', layer, node, input) or ('b', layer, node)"
    if (
        not isinstance(param, (tuple, list))
        or len(param) not in (3, 4)
        or param[0] not in ("w", "b")
        or (param[0] == "w") != (len(param) == 4)
    ):
        raise ValueError(f"{label} must be {shape}, not {param!r}")
    try:
        numbers = [operator.index(v) for v in param[1:]]
    except TypeError:
        raise ValueError(f"{label} must be {shape} with integer indices, not {param!r}") from None
    kind, (layer, node, *rest) = param[0], numbers
    sizes = mlp.layer_sizes
    n_layers = len(sizes) - 1
    where = f"{label} = {tuple(param)!r} in a {'-'.join(map(str, sizes))} network"
    if not 0 <= layer < n_layers:
        raise IndexError(f"{where}: layer must be 0 … {n_layers - 1}")
    if not 0 <= node < sizes[layer + 1]:
        raise IndexError(f"{where}: layer {layer} has nodes 0 … {sizes[layer + 1] - 1}")
    inp = rest[0] if rest else -1
    if kind == "w" and not 0 <= inp < sizes[layer]:
        raise IndexError(f"{where}: layer {layer} has inputs 0 … {sizes[layer] - 1}")
    return _Param(kind, layer, node, inp, mlp.param_index((kind, layer, node, *rest)))


def _check_data(mlp: MLP, X: Array, Z: Array) -> tuple[Array, Array]:
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 1:
        X = X[None, :]
    n_in, k = mlp.layer_sizes[0], mlp.layer_sizes[-1]
    if X.ndim != 2 or X.shape[1] != n_in:
        raise ValueError(f"X has shape {X.shape}; this network takes rows of {n_in} inputs")
    if X.shape[0] == 0:
        raise ValueError("X has no rows; a mean loss needs at least one")
    Z = np.asarray(Z, dtype=np.float64)
    if Z.size != X.shape[0] * k:
        raise ValueError(
            f"Z has {Z.size} values; {X.shape[0]} rows × {k} outputs need {X.shape[0] * k}"
        )
    return X, Z.reshape(X.shape[0], k)


def _check_values(values: Sequence[float] | Array, label: str) -> Array:
    v = np.asarray(values, dtype=np.float64)
    if v.ndim != 1:
        raise ValueError(f"{label} must be one-dimensional, got shape {v.shape}")
    return v


def _check_options(threads: int | None, dtype: npt.DTypeLike) -> tuple[int | None, np.dtype]:
    if threads is not None and threads < 1:
        raise ValueError(f"threads must be at least 1, got {threads}")
    dt = np.dtype(dtype)
    if dt not in (np.float32, np.float64):
        raise ValueError(f"dtype must be float64 or float32, not {dt}")
    return threads, dt


# -- two single parameters ------------------------------------------------------


def loss_grid(
    mlp: MLP,
    X: Array,
    Z: Array,
    a: tuple,
    b: tuple,
    a_values: Sequence[float] | Array,
    b_values: Sequence[float] | Array,
    *,
    threads: int | None = None,
    dtype: npt.DTypeLike = np.float64,
) -> Array:
    """Mean loss over a grid of values of two parameters, all others fixed.

    Parameters
    ----------
    mlp : MLP
        The network; it is not changed.
    X : (n, n_in) array
        Input rows (one row may be given as (n_in,)).
    Z : (n, n_out) array
        Targets, anything of n·n_out values (as for :meth:`MLP.loss_value`).
    a, b : tuple
        Each ``("w", layer, node, input)`` or ``("b", layer, node)``. They may
        be in any layers, in the same node, in either order, but not the
        same parameter.
    a_values : (n_a,) array
        Values for ``a``, one per grid row.
    b_values : (n_b,) array
        Values for ``b``, one per grid column.
    threads : int, optional
        Worker threads; default: every core for big grids, one for small.
    dtype : np.float64 (default) or np.float32
        Precision of the bulk arithmetic. float32 is about three times
        faster and good to ~1e-6 relative, plenty for a picture; saturated
        cross-entropy terms are then capped at −log(6e-8) instead of
        −log(1e-15).

    Returns
    -------
    (n_a, n_b) array
        ``grid[i, j]`` is ``mlp.loss_value(X, Z)`` with ``a`` set to
        ``a_values[i]`` and ``b`` to ``b_values[j]``, equal to it up to
        floating-point rounding.

    Raises
    ------
    ValueError
        A malformed parameter, ``a == b``, bad shapes of ``X``, ``Z`` or the
        values.
    IndexError
        A layer, node or input that this network does not have.
    """
    threads, dt = _check_options(threads, dtype)
    X, Z = _check_data(mlp, X, Z)
    pa, pb = _parse_param(mlp, a, "a"), _parse_param(mlp, b, "b")
    if pa.index == pb.index:
        raise ValueError(f"a and b are both {tuple(a)!r}; choose two different parameters")
    av, bv = _check_values(a_values, "a_values"), _check_values(b_values, "b_values")
    if pb.layer < pa.layer:
        # The plans assume a's layer comes first; the grid is symmetric in roles.
        flipped = loss_grid(mlp, X, Z, b, a, bv, av, threads=threads, dtype=dt)
        return np.ascontiguousarray(flipped.T)
    total = np.zeros((av.size, bv.size))
    if total.size == 0:
        return total
    da = av - mlp.params[pa.index]
    db = bv - mlp.params[pb.index]
    per_row = (av.size + bv.size) * sum(mlp.layer_sizes)
    for rows in _row_chunks(X.shape[0], per_row):
        _run(_pair_plan(mlp, X[rows], Z[rows], pa, pb, da, db), total, threads, dt)
    total /= X.shape[0]
    return total


def _fixed_steps(mlp: MLP, forms: list[_Form], first: int) -> list[_Step]:
    """Steps from layer ``first`` to the output with the network's own parameters."""
    steps = []
    for l in range(first, len(forms) - 1):
        f, nxt = forms[l], forms[l + 1]
        w, b = mlp.weights[l + 1], mlp.biases[l + 1]
        steps.append(
            _Step(
                f.core,
                np.ascontiguousarray((nxt.pre * f.scale) * w.T),
                nxt.pre * (f.shift * w.sum(axis=1) + b),
                w.shape[0],
            )
        )
    return steps


def _expand_step(
    mlp: MLP, forms: list[_Form], layer: int, node: int, others: Array, per_i: bool
) -> _Step:
    """From one varying node of ``layer`` to all of layer + 1.

    ``others`` are layer's activations with that node zeroed, (R, m) or, with
    ``per_i``, (n_a, R, m).
    """
    f, nxt = forms[layer], forms[layer + 1]
    w, b = mlp.weights[layer + 1], mlp.biases[layer + 1]
    column = w[:, node]
    base = others @ w.T + b + f.shift * column
    return _Step(f.core, (nxt.pre * f.scale * column)[None, :], nxt.pre * base, w.shape[0], per_i)


def _pair_plan(mlp: MLP, X: Array, Z: Array, pa: _Param, pb: _Param, da: Array, db: Array) -> _Plan:
    """The plan for rows X of :func:`loss_grid`, with ``pa.layer <= pb.layer``.

    ``da``, ``db`` are the grid values minus the current values, (n_a,), (n_b,).
    """
    ws, bs, names = mlp.weights, mlp.biases, mlp.activation_names
    forms = [_form(name) for name in names]
    out = len(ws) - 1
    R = X.shape[0]
    output = _output(mlp, Z)
    fn = act.FUNCTIONS
    la, lb = pa.layer, pb.layer

    # Layers before a's are the same at every grid point.
    A = X
    for l in range(la):
        A = fn[names[l]](A @ ws[l].T + bs[l])
    S = A @ ws[la].T + bs[la]  # (R, m)

    def moved(p: _Param, d: Array, inputs: Array) -> Array:
        # The sum's change is Δw·(its input) for a weight, Δb for a bias.
        return d[:, None] * (inputs[:, p.inp] if p.kind == "w" else np.ones(R))

    ga = S[:, pa.node] + moved(pa, da, A)  # a's node's sums, (n_a, R)

    if la == lb:
        fa = forms[la]
        if la == out:
            # Both in the output layer: the output sums themselves are G[i] + H[j].
            G = np.repeat(S[None], da.size, axis=0)
            G[:, :, pa.node] = ga
            H = np.zeros((db.size, R, S.shape[1]))
            H[:, :, pb.node] = moved(pb, db, A)
            return _Plan(R, S.shape[1], fa.pre * G, fa.pre * H, None, None, [], output)
        if pa.node == pb.node:
            # One node's sum is separable; its activation is not, so the
            # full tensor starts at this node, one value wide.
            G = fa.pre * ga[:, :, None]
            H = fa.pre * moved(pb, db, A)[:, :, None]
            others = fn[names[la]](S)
            others[:, pa.node] = 0.0
            steps = [_expand_step(mlp, forms, la, pa.node, others, False)]
            return _Plan(R, 1, G, H, None, None, steps + _fixed_steps(mlp, forms, la + 1), output)
        # Different nodes: each activation varies along one axis only, so the
        # next layer's sums are separable.
        act_a = fn[names[la]](ga)
        act_b = fn[names[la]](S[:, pb.node] + moved(pb, db, A))
        others = fn[names[la]](S)
        others[:, [pa.node, pb.node]] = 0.0
        w, nxt = ws[la + 1], forms[la + 1]
        base = others @ w.T + bs[la + 1]  # (R, m')
        G = nxt.pre * (base + act_a[:, :, None] * w[:, pa.node])
        H = nxt.pre * (act_b[:, :, None] * w[:, pb.node])
        return _Plan(R, w.shape[0], G, H, None, None, _fixed_steps(mlp, forms, la + 1), output)

    # a comes first: propagate its (n_a, R, m) effect up to b's layer.
    others = fn[names[la]](S)
    others[:, pa.node] = 0.0
    act_a = fn[names[la]](ga)
    w = ws[la + 1]
    Sl = (others @ w.T + bs[la + 1])[None] + act_a[:, :, None] * w[:, pa.node]
    inputs = None  # layer lb's input activations, (n_a, R, m), when needed
    for l in range(la + 1, lb):
        inputs = fn[names[l]](Sl)
        Sl = inputs @ ws[l + 1].T + bs[l + 1]
    fb = forms[lb]
    if pb.kind == "w":
        if inputs is not None:
            x_b = inputs[:, :, pb.inp]
        elif pb.inp == pa.node:
            x_b = act_a
        else:
            x_b = np.broadcast_to(fn[names[la]](S)[:, pb.inp], act_a.shape)
    if lb == out:
        k = Sl.shape[2]
        G = fb.pre * Sl
        if pb.kind == "b":
            H = np.zeros((db.size, R, k))
            H[:, :, pb.node] = fb.pre * db[:, None]
            return _Plan(R, k, G, H, None, None, [], output)
        Xc = np.zeros((da.size, R, k))
        Xc[:, :, pb.node] = fb.pre * x_b
        return _Plan(R, k, G, None, db, Xc, [], output)
    G = fb.pre * Sl[:, :, pb.node, None]
    others_b = fn[names[lb]](Sl)
    others_b[:, :, pb.node] = 0.0
    steps = [_expand_step(mlp, forms, lb, pb.node, others_b, True)]
    steps += _fixed_steps(mlp, forms, lb + 1)
    if pb.kind == "b":
        return _Plan(R, 1, G, (fb.pre * db)[:, None, None], None, None, steps, output)
    return _Plan(R, 1, G, None, db, fb.pre * x_b[:, :, None], steps, output)


# -- the plane of a training path -----------------------------------------------


@dataclass(frozen=True, eq=False)
class TrajectoryPCA:
    """The plane through the final parameters that best holds a training path.

    Attributes
    ----------
    origin : (P,) array
        The final parameter vector (the path's last row); the plane's (0, 0).
    directions : (2, P) array
        Unit vectors d₁, d₂, orthogonal; the largest-magnitude component of
        each is positive. When the path has one parameter (P = 1), d₂ is zero.
    explained : (2,) array
        The fraction of Σᵢ‖wᵢ − w_final‖² along each direction, each in [0, 1]
        (0 where the path does not move along it).
    coords : (T, 2) array
        The path in the plane: ``coords[t, k] = (path[t] − origin)·d_k``; the
        last row is (0, 0).
    """

    origin: Array
    directions: Array
    explained: Array
    coords: Array

    def params_at(self, alpha: float, beta: float) -> Array:
        """The parameter vector (P,) at plane coordinates (alpha, beta)."""
        return self.origin + alpha * self.directions[0] + beta * self.directions[1]


def trajectory_pca(path: Array) -> TrajectoryPCA:
    """The two principal directions of a training path around its end point.

    Li et al. (2018, section 7) take the PCA of the matrix whose rows are
    ``w_i − w_final``. Here that matrix is decomposed as it is (SVD, not
    mean-centred), so the plane passes through w_final — the origin of the
    plot — and the directions minimise exactly what the plot leaves out: the
    distance of the recorded points from the plane. (Li et al.'s code uses
    scikit-learn's PCA, which centres first; the two agree when the path's
    mean lies in the plane, e.g. for any path in a 2-D plane.)

    Parameters
    ----------
    path : (T, P) array
        Flat parameter vectors in time order; the last is the final one.

    Returns
    -------
    TrajectoryPCA
        Directions, explained-variance fractions and the projected path.
        Degenerate paths still give finite numbers: when the path does not
        move (T = 1 or all rows equal) the directions are the first two unit
        basis vectors and ``explained`` and ``coords`` are zero; a direction
        the path does not move along (a straight path, P = 1) has explained
        fraction 0 and is completed deterministically from the basis vectors
        (zero when P = 1).

    Raises
    ------
    ValueError
        ``path`` is not a non-empty 2-D array of finite numbers.
    """
    path = np.asarray(path, dtype=np.float64)
    if path.ndim != 2 or path.shape[0] < 1 or path.shape[1] < 1:
        raise ValueError(f"path must be (T, P) with T, P ≥ 1, got shape {path.shape}")
    if not np.isfinite(path).all():
        raise ValueError("path contains NaN or infinite values")
    T, P = path.shape
    origin = path[-1].copy()
    M = path - origin
    directions = np.zeros((2, P))
    explained = np.zeros(2)
    found = 0
    if M.any():
        _, s, vt = np.linalg.svd(M, full_matrices=False)
        # Singular values at rounding level (numpy.linalg.matrix_rank's
        # threshold) belong to directions the path does not take; their
        # vectors are arbitrary, so the completion below replaces them.
        real = s > s[0] * max(T, P) * np.finfo(float).eps
        found = int(min(2, real.sum()))
        directions[:found] = vt[:found]
        explained[:found] = np.clip(s[:found] ** 2 / np.sum(s**2), 0.0, 1.0)
    for k in range(found, min(2, P)):
        # Complete with the basis vector least covered by the directions so
        # far, orthogonalised: never degenerate, and the same every time.
        cover = np.abs(directions[:k]).sum(axis=0)
        e = np.zeros(P)
        e[int(np.argmin(cover))] = 1.0
        e -= directions[:k].T @ (directions[:k] @ e)
        directions[k] = e / np.linalg.norm(e)
    for d in directions:
        if d.any() and d[np.argmax(np.abs(d))] < 0:
            d *= -1.0
    coords = M @ directions.T
    for array in (origin, directions, explained, coords):
        array.setflags(write=False)
    return TrajectoryPCA(origin, directions, explained, coords)


def grid_extent(coords: Array, margin: float = 0.25, n: int = 41) -> tuple[Array, Array]:
    """Grid values that cover a projected path with a margin.

    Parameters
    ----------
    coords : (T, 2) array
        Plane coordinates, e.g. :attr:`TrajectoryPCA.coords`.
    margin : float
        Extra room on each side, as a fraction of the covered span.
    n : int
        Number of values per axis (≥ 2).

    Returns
    -------
    alphas, betas : (n,) arrays
        Increasing values along each direction. An axis the path hardly
        moves along still spans at least a tenth of the other axis's span
        (the landscape across a nearly straight path is worth seeing); if the
        path is a single point both spans are 1.
    """
    coords = np.asarray(coords, dtype=np.float64)
    if coords.ndim != 2 or coords.shape[1] != 2 or coords.shape[0] < 1:
        raise ValueError(f"coords must be (T, 2) with T ≥ 1, got shape {coords.shape}")
    if not np.isfinite(coords).all():
        raise ValueError("coords contains NaN or infinite values")
    if n < 2:
        raise ValueError(f"n must be at least 2, got {n}")
    if margin < 0:
        raise ValueError(f"margin must be ≥ 0, got {margin}")
    lo, hi = coords.min(axis=0), coords.max(axis=0)
    span = hi - lo
    widest = span.max()
    span = np.maximum(span, 0.1 * widest) if widest > 0 else np.ones(2)
    mid = 0.5 * (lo + hi)
    half = (0.5 + margin) * span
    alphas, betas = (np.linspace(mid[k] - half[k], mid[k] + half[k], int(n)) for k in range(2))
    return alphas, betas


def pca_loss_grid(
    mlp: MLP,
    X: Array,
    Z: Array,
    pca: TrajectoryPCA,
    alphas: Sequence[float] | Array,
    betas: Sequence[float] | Array,
    *,
    threads: int | None = None,
    dtype: npt.DTypeLike = np.float64,
) -> Array:
    """Mean loss over the plane ``origin + α·d₁ + β·d₂`` of a trajectory PCA.

    Parameters
    ----------
    mlp : MLP
        A network of the PCA's shape; only its architecture, activations and
        loss are used (its parameters are neither read nor changed).
    X : (n, n_in) array
        Input rows.
    Z : (n, n_out) array
        Targets.
    pca : TrajectoryPCA
        From :func:`trajectory_pca` on this network's parameter path.
    alphas : (n_a,) array
        Coordinates along ``pca.directions[0]``, one per grid row.
    betas : (n_b,) array
        Coordinates along ``pca.directions[1]``, one per grid column.
    threads : int, optional
        Worker threads; default: every core for big grids, one for small.
    dtype : np.float64 (default) or np.float32
        Precision of the bulk arithmetic. float32 is about three times
        faster and good to ~1e-6 relative, plenty for a picture; saturated
        cross-entropy terms are then capped at −log(6e-8) instead of
        −log(1e-15).

    Returns
    -------
    (n_a, n_b) array
        ``grid[i, j] = mlp.loss_value(X, Z, params=pca.params_at(alphas[i], betas[j]))``
        up to rounding.
    """
    threads, dt = _check_options(threads, dtype)
    X, Z = _check_data(mlp, X, Z)
    if pca.origin.shape != mlp.params.shape:
        raise ValueError(
            f"the PCA is of {pca.origin.size} parameters; this network has {mlp.n_params}"
        )
    av, bv = _check_values(alphas, "alphas"), _check_values(betas, "betas")
    total = np.zeros((av.size, bv.size))
    if total.size == 0:
        return total
    per_row = (av.size + bv.size) * max(mlp.layer_sizes)
    for rows in _row_chunks(X.shape[0], per_row):
        _run(_pca_plan(mlp, X[rows], Z[rows], pca, av, bv), total, threads, dt)
    total /= X.shape[0]
    return total


def _pca_plan(mlp: MLP, X: Array, Z: Array, pca: TrajectoryPCA, av: Array, bv: Array) -> _Plan:
    """Every parameter moves, but each layer's sums are still linear in α and β
    given that layer's input: s = a·(W + αD₁ + βD₂)ᵀ + (b + αe₁ + βe₂)."""
    forms = [_form(name) for name in mlp.activation_names]
    (ws, bs), (w1, b1), (w2, b2) = (mlp.views_of(v) for v in (pca.origin, *pca.directions))
    f0 = forms[0]
    # The first layer's input is X itself, so its sums are G[i] + H[j].
    base = X @ ws[0].T + bs[0]
    along_a = X @ w1[0].T + b1[0]
    along_b = X @ w2[0].T + b2[0]
    G = f0.pre * (base[None] + av[:, None, None] * along_a[None])
    H = f0.pre * (bv[:, None, None] * along_b[None])
    steps = []
    for l in range(len(forms) - 1):
        f, nxt = forms[l], forms[l + 1]
        mats = (ws[l + 1], w1[l + 1], w2[l + 1])
        wt = np.concatenate([(nxt.pre * f.scale) * m.T for m in mats], axis=1)
        bias, bias1, bias2 = (
            nxt.pre * (f.shift * m.sum(axis=1) + v)
            for m, v in zip(mats, (bs[l + 1], b1[l + 1], b2[l + 1]))
        )
        steps.append(_Step(f.core, wt, bias, mats[0].shape[0], False, bias1, bias2, av, bv))
    return _Plan(X.shape[0], G.shape[2], G, H, None, None, steps, _output(mlp, Z))


# -- benchmark ------------------------------------------------------------------


def _naive_pair_grid(
    mlp: MLP, X: Array, Z: Array, a: tuple, b: tuple, a_values: Array, b_values: Array
) -> Array:
    """The baseline: every grid point's parameter vector through one batched forward pass."""
    ia, ib = mlp.param_index(a), mlp.param_index(b)
    P = np.repeat(mlp.params[None], len(a_values) * len(b_values), axis=0)
    P[:, ia] = np.repeat(a_values, len(b_values))
    P[:, ib] = np.tile(b_values, len(a_values))
    return mlp.losses_for(P, X, Z).reshape(len(a_values), len(b_values))


def _best_of(fn: Callable[[], object], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def bench_loss_grid(
    grid: int = 200,
    rows: int = 1000,
    hidden: int = 16,
    repeats: int = 3,
    seed: int = 0,
    naive_rows: int | None = None,
) -> dict[str, float]:
    """Time :func:`loss_grid` against the naive batched forward pass.

    A 2-``hidden``-1 sigmoid network on ``rows`` random rows; a ``grid`` ×
    ``grid`` grid for each pair of parameters below. The naive baseline
    (every grid point's parameter vector through :meth:`MLP.losses_for`)
    runs once, on the first pair, and must agree with the fast result, or
    the timing would compare nothing.

    Parameters
    ----------
    grid : int
        Values per parameter.
    rows : int
        Data rows.
    hidden : int
        Hidden nodes (≥ 2).
    repeats : int
        Each fast case runs this many times; the best time counts.
    seed : int
        Seed for the network and the data.
    naive_rows : int, optional
        Run the naive baseline on only this many grid rows and scale its
        time up to the whole grid (its cost is proportional to the number of
        grid points); it takes ~10 s on the full default grid.

    Returns
    -------
    dict
        Seconds: ``different_nodes_s`` (two first-layer weights of different
        hidden nodes), ``different_nodes_1thread_s`` (the same on one thread),
        ``different_nodes_float32_s`` (the same with ``dtype=np.float32``),
        ``same_node_s`` (two weights of one hidden node), ``output_layer_s``
        (two output weights), ``across_layers_s`` (a first-layer weight and
        an output weight), ``pca_50x50_s`` (:func:`pca_loss_grid`, 50 × 50),
        ``naive_s`` (for the whole grid, scaled up if ``naive_rows`` is set);
        and ``speedup`` = naive_s / different_nodes_s, ``max_abs_diff``
        between naive and fast, ``naive_fraction`` (of the grid the baseline
        actually ran on), ``grid``, ``rows``.
    """
    mlp = MLP((2, hidden, 1), "sigmoid", "sigmoid", seed=seed)
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1.0, 1.0, (rows, 2))
    Z = (X[:, :1] * X[:, 1:] > 0).astype(float)
    span = np.linspace(-3.0, 3.0, grid)
    cases = {
        "different_nodes": (("w", 0, 0, 0), ("w", 0, 1, 1)),
        "same_node": (("w", 0, 0, 0), ("w", 0, 0, 1)),
        "output_layer": (("w", 1, 0, 0), ("w", 1, 0, 1)),
        "across_layers": (("w", 0, 0, 0), ("w", 1, 0, 1)),
    }
    result: dict[str, float] = {"grid": float(grid), "rows": float(rows)}
    for name, (a, b) in cases.items():
        av, bv = mlp.params[mlp.param_index(a)] + span, mlp.params[mlp.param_index(b)] + span
        args = (mlp, X, Z, a, b, av, bv)
        result[f"{name}_s"] = _best_of(functools.partial(loss_grid, *args), repeats)
        if name == "different_nodes":
            one = functools.partial(loss_grid, *args, threads=1)
            result["different_nodes_1thread_s"] = _best_of(one, repeats)
            single = functools.partial(loss_grid, *args, dtype=np.float32)
            result["different_nodes_float32_s"] = _best_of(single, repeats)
            part = grid if naive_rows is None else max(1, min(grid, naive_rows))
            t0 = time.perf_counter()
            naive = _naive_pair_grid(mlp, X, Z, a, b, av[:part], bv)
            result["naive_s"] = (time.perf_counter() - t0) * grid / part
            result["naive_fraction"] = part / grid
            result["max_abs_diff"] = float(np.abs(naive - loss_grid(*args)[:part]).max())
            if not result["max_abs_diff"] <= 1e-9 * max(1.0, float(np.abs(naive).max())):
                raise RuntimeError("loss_grid and the naive baseline disagree")
    # A random walk that ends at the network's parameters.
    walk = np.cumsum(rng.normal(0.0, 0.05, (30, mlp.n_params)), axis=0)
    path = mlp.params + walk - walk[-1]
    pca = trajectory_pca(path)
    alphas, betas = grid_extent(pca.coords, n=50)
    result["pca_50x50_s"] = _best_of(lambda: pca_loss_grid(mlp, X, Z, pca, alphas, betas), repeats)
    result["speedup"] = result["naive_s"] / result["different_nodes_s"]
    return result
