"""Where every weight and bias sits in a network's flat parameter vector.

The flat layout is, per weight layer ``l`` in order, the weights ``W[l]``
row by row (shape ``(n_out, n_in)``: row ``j`` holds the weights into node
``j``) followed by the biases ``b[l]`` (``n_out`` entries). Everything that
reads a flat vector — the network, snapshots, the weight tables, session
files — lays it out through :class:`ParamLayout`, so the order lives here only.

A parameter is named by a tuple: ``("w", layer, node, input)`` or
``("b", layer, node)``; :func:`param_name` writes it as the tutorial does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise

import numpy as np

__all__ = ["Param", "ParamLayout", "param_name"]

Param = tuple  # ("w", layer, node, input) or ("b", layer, node)


def param_name(param: Param) -> str:
    """The tutorial's name of a parameter: ``w[layer][node][input]`` or ``b[layer][node]``."""
    kind, *indexes = param
    return str(kind) + "".join(f"[{int(i)}]" for i in indexes)


@dataclass(frozen=True)
class ParamLayout:
    """The flat layout of a network with ``sizes`` nodes per layer, input first.

    ``weight_slices[l]`` and ``bias_slices[l]`` are the ranges of ``W[l]`` and
    ``b[l]`` in the flat vector; :attr:`size` is its length. Views returned by
    :meth:`weights`, :meth:`bias` and :meth:`split` share memory with the flat
    vector, so writing through them writes the vector.
    """

    sizes: tuple[int, ...]
    # Derived from sizes, so equality and hashing look at sizes only.
    weight_slices: tuple[slice, ...] = field(init=False, repr=False, compare=False)
    bias_slices: tuple[slice, ...] = field(init=False, repr=False, compare=False)
    size: int = field(init=False, repr=False, compare=False)
    _shapes: tuple[tuple[int, int], ...] = field(init=False, repr=False, compare=False)

    def __init__(self, sizes: Sequence[int]) -> None:
        sizes = tuple(int(n) for n in sizes)
        ws, bs, start = [], [], 0
        for n_in, n_out in pairwise(sizes):
            ws.append(slice(start, start + n_in * n_out))
            bs.append(slice(ws[-1].stop, ws[-1].stop + n_out))
            start = bs[-1].stop
        object.__setattr__(self, "sizes", sizes)
        object.__setattr__(self, "weight_slices", tuple(ws))
        object.__setattr__(self, "bias_slices", tuple(bs))
        object.__setattr__(self, "size", start)
        object.__setattr__(self, "_shapes", tuple(zip(sizes[1:], sizes[:-1])))

    @staticmethod
    def of(sizes: Sequence[int]) -> ParamLayout:
        """The (shared, immutable) layout for ``sizes``; cheap to ask for every frame."""
        return _shared(tuple(int(n) for n in sizes))

    @property
    def n_layers(self) -> int:
        """Number of weight layers (one fewer than node layers)."""
        return len(self.weight_slices)

    def shape(self, layer: int) -> tuple[int, int]:
        """``(n_out, n_in)`` of ``W[layer]``."""
        return self._shapes[layer]

    # -- views -----------------------------------------------------------------

    def weights(self, flat: np.ndarray, layer: int) -> np.ndarray:
        """``W[layer]`` as an ``(n_out, n_in)`` view of ``flat``."""
        return flat[self.weight_slices[layer]].reshape(self.shape(layer))

    def bias(self, flat: np.ndarray, layer: int) -> np.ndarray:
        """``b[layer]`` as an ``(n_out,)`` view of ``flat``."""
        return flat[self.bias_slices[layer]]

    def split(self, flat: np.ndarray) -> tuple[tuple[np.ndarray, ...], tuple[np.ndarray, ...]]:
        """Every layer's (weights, biases) as views of ``flat``.

        Raises ``ValueError`` when ``flat`` does not have :attr:`size` entries.
        """
        if flat.size != self.size:
            raise ValueError(
                f"{flat.size} parameters for a {'-'.join(map(str, self.sizes))} network"
            )
        ws = [flat[w].reshape(shape) for w, shape in zip(self.weight_slices, self._shapes)]
        return tuple(ws), tuple([flat[b] for b in self.bias_slices])

    # -- parameters ↔ flat indexes ------------------------------------------------

    def index(self, param: Param) -> int:
        """The flat index of ``("w", layer, node, input)`` or ``("b", layer, node)``.

        Raises ``IndexError`` for a parameter outside this network and
        ``ValueError`` for a tuple that is not a parameter.
        """
        kind, layer, node, *rest = param
        if not 0 <= layer < self.n_layers:
            raise IndexError(f"no parameter {param!r} in a {self.sizes} network")
        n_out, n_in = self.shape(layer)
        if not 0 <= node < n_out:
            raise IndexError(f"no parameter {param!r} in a {self.sizes} network")
        if kind == "w" and len(rest) == 1:
            (inp,) = rest
            if not 0 <= inp < n_in:
                raise IndexError(f"no parameter {param!r} in a {self.sizes} network")
            return self.weight_slices[layer].start + node * n_in + inp
        if kind == "b" and not rest:
            return self.bias_slices[layer].start + node
        raise ValueError(
            f"a parameter is ('w', layer, node, input) or ('b', layer, node), not {param!r}"
        )

    def param(self, index: int) -> Param:
        """The parameter at flat ``index`` (the inverse of :meth:`index`)."""
        index = int(index)
        if not 0 <= index < self.size:
            raise IndexError(f"no index {index} among the {self.size} parameters")
        for layer, (w, b) in enumerate(zip(self.weight_slices, self.bias_slices)):
            if index < w.stop:
                node, inp = divmod(index - w.start, self.sizes[layer])
                return ("w", layer, node, inp)
            if index < b.stop:
                return ("b", layer, index - b.start)
        raise AssertionError("unreachable: the slices tile [0, size)")

    def params(self) -> list[Param]:
        """Every parameter, in flat order."""
        out: list[Param] = []
        for l in range(self.n_layers):
            n_out, n_in = self.shape(l)
            out += [("w", l, j, i) for j in range(n_out) for i in range(n_in)]
            out += [("b", l, j) for j in range(n_out)]
        return out

    def name(self, index: int) -> str:
        """The tutorial's name of the parameter at flat ``index``."""
        return param_name(self.param(index))


@cache
def _shared(sizes: tuple[int, ...]) -> ParamLayout:
    return ParamLayout(sizes)
