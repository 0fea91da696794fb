"""Plans for :mod:`.landscape`: how each kind of plane becomes a grid_eval plan.

Both builders rest on a layer's sums being linear in its own parameters, so
the first layer the plane touches has sums ``G[i] + H[j]`` (or
``G[i] + coef[j]·Xc[i]``); everything before it is computed once, everything
after it becomes the :class:`~.grid_eval._Step` list that
:func:`~.grid_eval._run` evaluates over the whole grid.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from mlpviz.engine.activations import get_activation, sigmoid
from mlpviz.engine.landscape.grid_eval import _Form, _form, _output, _Plan, _Step
from mlpviz.engine.mlp import MLP

Array = np.ndarray


class _Param(NamedTuple):
    """A parameter of the grid, as :func:`.landscape._parse_param` checked it."""

    kind: str
    layer: int
    node: int
    inp: int  # −1 for a bias
    index: int


# -- two single parameters ------------------------------------------------------


def _functions(mlp: MLP) -> list[Callable[[Array], Array]]:
    """Each layer's f from the registry; σ with its own errstate (a plan is
    built once per grid, so the ~1 µs is nothing)."""
    records = map(get_activation, mlp.activation_names)
    return [sigmoid if f.name == "sigmoid" else f.f for f in records]


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
    fn = _functions(mlp)
    la, lb = pa.layer, pb.layer

    # Layers before a's are the same at every grid point.
    A = X
    for l in range(la):
        A = fn[l](A @ ws[l].T + bs[l])
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
            others = fn[la](S)
            others[:, pa.node] = 0.0
            steps = [_expand_step(mlp, forms, la, pa.node, others, False)]
            return _Plan(R, 1, G, H, None, None, steps + _fixed_steps(mlp, forms, la + 1), output)
        # Different nodes: each activation varies along one axis only, so the
        # next layer's sums are separable.
        act_a = fn[la](ga)
        act_b = fn[la](S[:, pb.node] + moved(pb, db, A))
        others = fn[la](S)
        others[:, [pa.node, pb.node]] = 0.0
        w, nxt = ws[la + 1], forms[la + 1]
        base = others @ w.T + bs[la + 1]  # (R, m')
        G = nxt.pre * (base + act_a[:, :, None] * w[:, pa.node])
        H = nxt.pre * (act_b[:, :, None] * w[:, pb.node])
        return _Plan(R, w.shape[0], G, H, None, None, _fixed_steps(mlp, forms, la + 1), output)

    # a comes first: propagate its (n_a, R, m) effect up to b's layer.
    others = fn[la](S)
    others[:, pa.node] = 0.0
    act_a = fn[la](ga)
    w = ws[la + 1]
    Sl = (others @ w.T + bs[la + 1])[None] + act_a[:, :, None] * w[:, pa.node]
    inputs = None  # layer lb's input activations, (n_a, R, m), when needed
    for l in range(la + 1, lb):
        inputs = fn[l](Sl)
        Sl = inputs @ ws[l + 1].T + bs[l + 1]
    fb = forms[lb]
    if pb.kind == "w":
        if inputs is not None:
            x_b = inputs[:, :, pb.inp]
        elif pb.inp == pa.node:
            x_b = act_a
        else:
            x_b = np.broadcast_to(fn[la](S)[:, pb.inp], act_a.shape)
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
    others_b = fn[lb](Sl)
    others_b[:, :, pb.node] = 0.0
    steps = [_expand_step(mlp, forms, lb, pb.node, others_b, True)]
    steps += _fixed_steps(mlp, forms, lb + 1)
    if pb.kind == "b":
        return _Plan(R, 1, G, (fb.pre * db)[:, None, None], None, None, steps, output)
    return _Plan(R, 1, G, None, db, fb.pre * x_b[:, :, None], steps, output)


# -- the plane of a training path -----------------------------------------------


def _pca_plan(
    mlp: MLP, X: Array, Z: Array, origin: Array, directions: Array, av: Array, bv: Array
) -> _Plan:
    """The plane ``origin + α·directions[0] + β·directions[1]``: every parameter
    moves, but each layer's sums are still linear in α and β given that
    layer's input: s = a·(W + αD₁ + βD₂)ᵀ + (b + αe₁ + βe₂)."""
    forms = [_form(name) for name in mlp.activation_names]
    (ws, bs), (w1, b1), (w2, b2) = (mlp.views_of(v) for v in (origin, *directions))
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
