"""Change a network's hidden layers and keep every weight whose place still exists.

A place is named by the nodes a parameter joins. Nodes are named by their
layer and index: the input layer is layer 0, hidden layer ``k`` is layer
``k`` (counted from the input), and the output layer is "the output"
whatever the depth. Weight matrix ``l`` joins layer ``l`` to the next one,
so between two networks a matrix is kept when it joins the same two named
layers, and then only its ``[:rows, :cols]`` block that both have; a bias
is kept when its layer and node exist in both. Growing a layer by one node
therefore keeps every weight and adds a row (and a column in the next
matrix); adding a hidden layer after the last one keeps everything up to it
and the output biases, and the weights into the output (which now come
from the new layer's nodes) are new.

Every parameter that is not kept takes the value the new network's own
initialisation gives it, so the result equals "build the new network, then
copy the kept weights into it" — bit for bit.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mlpviz.engine.layout import ParamLayout
from mlpviz.engine.mlp import MLP
from mlpviz.engine.settings import NetworkSpec

__all__ = ["kept_blocks", "resize_network", "resize_params", "resized"]

Array = np.ndarray
_OUTPUT = -1  # the output layer's name, whatever its index


def _layer_names(sizes: Sequence[int]) -> list[int]:
    """The names of a network's node layers: 0, 1, …, k for input and hidden, then the output."""
    return [*range(len(sizes) - 1), _OUTPUT]


def kept_blocks(
    old_sizes: Sequence[int], new_sizes: Sequence[int]
) -> list[tuple[int, int, int, int, bool]]:
    """The kept parameter blocks between two networks.

    One ``(old_layer, new_layer, rows, cols, weights)`` per weight layer of the
    new network whose output nodes exist in the old one: its first ``rows``
    biases are kept, and when ``weights`` (the same input layer too) its
    ``[:rows, :cols]`` weight block.
    """
    old, new = tuple(old_sizes), tuple(new_sizes)
    if old[0] != new[0] or old[-1] != new[-1]:
        raise ValueError(
            f"only hidden layers can change: {'-'.join(map(str, old))} has other inputs "
            f"or outputs than {'-'.join(map(str, new))}"
        )
    old_names, new_names = _layer_names(old), _layer_names(new)
    old_index = {name: i for i, name in enumerate(old_names)}
    blocks = []
    for l in range(len(new) - 1):
        src, dst = new_names[l], new_names[l + 1]
        if dst not in old_index:
            continue
        old_dst = old_index[dst]
        rows = min(old[old_dst], new[l + 1])
        same_src = old_dst >= 1 and old_names[old_dst - 1] == src
        cols = min(old[old_dst - 1], new[l]) if same_src else 0
        blocks.append((old_dst - 1, l, rows, cols, same_src))
    return blocks


def resize_params(
    old_sizes: Sequence[int], old_params: Array, new_sizes: Sequence[int], fresh: Array
) -> Array:
    """``fresh`` (a flat vector of the new network) with every kept parameter
    of ``old_params`` copied in; a new array, the inputs are not modified."""
    old_layout, new_layout = ParamLayout.of(tuple(old_sizes)), ParamLayout.of(tuple(new_sizes))
    old_params = np.asarray(old_params, dtype=np.float64)
    if old_params.shape != (old_layout.size,):
        raise ValueError(f"expected {old_layout.size} old parameters, got {old_params.shape}")
    out = np.array(fresh, dtype=np.float64)
    if out.shape != (new_layout.size,):
        raise ValueError(f"expected {new_layout.size} new parameters, got {out.shape}")
    old_w, old_b = old_layout.split(old_params)
    new_w, new_b = new_layout.split(out)
    for old_l, new_l, rows, cols, weights in kept_blocks(old_sizes, new_sizes):
        new_b[new_l][:rows] = old_b[old_l][:rows]
        if weights:
            new_w[new_l][:rows, :cols] = old_w[old_l][:rows, :cols]
    return out


def resized(old: MLP, new: MLP) -> MLP:
    """``new`` (freshly initialised, any hidden sizes) with ``old``'s kept
    parameters copied in, in place; returned for chaining."""
    new.set_params(resize_params(old.layer_sizes, old.params, new.layer_sizes, new.params))
    return new


def resize_network(
    old: MLP, spec: NetworkSpec, n_in: int, n_out: int, params: Array | None = None
) -> MLP:
    """The network ``spec`` describes for ``n_in`` inputs and ``n_out`` outputs,
    with ``old``'s kept parameters — or, when given, exactly ``params``."""
    new = spec.build(n_in, n_out)
    if params is None:
        return resized(old, new)
    new.set_params(params)
    return new
