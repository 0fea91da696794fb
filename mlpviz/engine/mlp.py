"""The multi-layer perceptron: forward pass, backward pass, parameters.

Notation follows the MLP tutorial (docs/tutorial-notes.md): for layer l (0-based over the
weight matrices), ``s = a_prev · Wᵀ + b`` is the summation, ``a = f(s)`` the
activation, ``δ`` the error signal, and the gradients are ``∇W = δᵀ·a_prev``
and ``∇b = δ`` (averaged over rows).

All parameters live in one flat float64 vector; ``weights[l]`` and
``biases[l]`` are views into it. Optimizers, snapshots and the divergence
check then touch one array whatever the depth, which is what keeps a
training step's Python overhead small.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mlpviz.engine import losses
from mlpviz.engine.activations import Activation, get_activation
from mlpviz.engine.initializers import initialize
from mlpviz.engine.layout import Param, ParamLayout
from mlpviz.engine.spec_rules import default_loss

Array = np.ndarray

# Rows × widest layer per block in loss_value: ~1 MB of float64, cache-sized.
_BLOCK_ELEMENTS = 1 << 17


@dataclass(frozen=True)
class Trace:
    """What a forward pass computed, kept for the backward pass and the views.

    Attributes
    ----------
    sums : list of (n, nodes of layer l+1) arrays — the summations s.
    activations : list of arrays; ``activations[0]`` is the input (n, n_in),
        ``activations[l+1]`` is f(sums[l]).
    masks : dropout masks per hidden layer (already scaled by 1/keep), or None.
    single : True when the input was one row; arrays are still 2-D here and
        :attr:`output` drops the row axis again.
    """

    sums: list[Array]
    activations: list[Array]
    masks: list[Array | None]
    single: bool

    @property
    def output(self) -> Array:
        """The network's output, (n_out,) for a single row or (n, n_out)."""
        y = self.activations[-1]
        return y[0] if self.single else y


@dataclass(frozen=True)
class Gradients:
    """Gradients of the mean loss, with the error signals they came from.

    ``deltas[l]`` has shape (n, nodes of layer l+1): the per-row error signal
    δ = ∂L_row/∂s (for one row, exactly the tutorial's δ). ``weights[l]`` and
    ``biases[l]`` are means over rows, shaped like the parameters and views
    into the flat vector :attr:`flat`.
    """

    deltas: list[Array]
    weights: tuple[Array, ...]
    biases: tuple[Array, ...]
    flat: Array


class MLP:
    """A fully connected feed-forward network.

    Parameters
    ----------
    layer_sizes : nodes per layer, input first, e.g. ``(2, 3, 1)``.
    hidden_activation : one name for every hidden layer, or one per hidden layer.
    output_activation : ``sigmoid``, ``tanh``, ``relu``, ``linear`` or ``softmax``.
    init : ``uniform`` ([−1, 1], the tutorial's), ``xavier``, ``he`` or ``zeros``.
    seed : seed for the initial weights; the same seed gives the same network.
    loss : ``mse`` (½Σ(y − z)²) or ``cross-entropy``; default: cross-entropy
        for a softmax output, mse otherwise.
    """

    def __init__(
        self,
        layer_sizes: Sequence[int],
        hidden_activation: str | Sequence[str] = "sigmoid",
        output_activation: str = "sigmoid",
        init: str = "uniform",
        seed: int | None = None,
        loss: str | None = None,
    ) -> None:
        sizes = tuple(int(n) for n in layer_sizes)
        if len(sizes) < 2 or any(n < 1 for n in sizes):
            raise ValueError(
                f"layer_sizes needs at least an input and an output layer, each with ≥ 1 node; "
                f"got {tuple(layer_sizes)}"
            )
        n_hidden = len(sizes) - 2
        if isinstance(hidden_activation, str):
            hidden = [hidden_activation] * n_hidden
        else:
            hidden = list(hidden_activation)
            if len(hidden) != n_hidden:
                raise ValueError(
                    f"{len(hidden)} hidden activations given for {n_hidden} hidden layers"
                )
        for name in hidden:
            get_activation(name, "hidden")
        get_activation(output_activation, "output")
        if loss is None:
            loss = default_loss(output_activation)
        losses.check_pairing(loss, output_activation)

        self.layer_sizes = sizes
        self.activation_names: tuple[str, ...] = (*hidden, output_activation)
        self.loss = loss
        self.init = init
        self.seed = seed
        self.layout = ParamLayout.of(sizes)
        self._slices = list(zip(self.layout.weight_slices, self.layout.bias_slices))
        self.params = np.zeros(self.layout.size)
        self.weights, self.biases = self._views(self.params)
        self.initialize(init, seed)

    # -- parameters ---------------------------------------------------------

    def _views(self, flat: Array) -> tuple[tuple[Array, ...], tuple[Array, ...]]:
        return self.layout.split(flat)

    def initialize(self, init: str | None = None, seed: int | None = None) -> None:
        """Re-draw every weight and bias in place (reproducible for a given seed)."""
        init = self.init if init is None else init
        rng = np.random.default_rng(seed)
        for w, b, n_in, n_out in zip(
            self.weights, self.biases, self.layer_sizes[:-1], self.layer_sizes[1:]
        ):
            w[...], b[...] = initialize(init, n_in, n_out, rng)
        self.init, self.seed = init, seed

    @property
    def n_params(self) -> int:
        return self.params.size

    @property
    def loss_block_rows(self) -> int:
        """Rows per block in :meth:`loss_value` (its sum, and so its bits, depend on it)."""
        return max(256, _BLOCK_ELEMENTS // max(self.layer_sizes))

    @property
    def output_activation(self) -> str:
        return self.activation_names[-1]

    @property
    def activation_records(self) -> tuple[Activation, ...]:
        """Each layer's activation record, looked up once per :attr:`activation_names` tuple."""
        names = self.activation_names
        cached = self.__dict__.get("_records")
        if cached is None or cached[0] is not names:
            cached = self._records = (names, tuple(get_activation(n) for n in names))
        return cached[1]

    def views_of(self, flat: Array) -> tuple[tuple[Array, ...], tuple[Array, ...]]:
        """Weights and biases laid over another flat vector of this network's shape."""
        if flat.shape != self.params.shape:
            raise ValueError(f"expected {self.params.shape} parameters, got {flat.shape}")
        return self._views(flat)

    def param_index(self, param: Param) -> int:
        """Index into :attr:`params` of ``("w", layer, node, input)`` or ``("b", layer, node)``."""
        return self.layout.index(param)

    def copy(self) -> MLP:
        """An independent network with the same architecture and parameters."""
        other = MLP.__new__(MLP)
        other.__dict__.update(self.__dict__)
        other.params = self.params.copy()
        other.weights, other.biases = other._views(other.params)
        return other

    def set_params(self, flat: Array) -> None:
        """Overwrite every parameter from a flat vector (copied)."""
        np.copyto(self.params, np.asarray(flat, dtype=np.float64).reshape(self.params.shape))

    @classmethod
    def tutorial(cls, activation: str = "sigmoid") -> MLP:
        """The tutorial's 2-3-1 network with its printed initial weights and biases.

        wh[0] = {−0.5, −1.0}, {−0.5, 0.5}, {1.0, 0.0}; every hidden bias 0.5;
        wo = {0.5, −1.0, 0.0}; output bias 0.5. (The text prints node 1 as
        "{-0.5. .5}", a typo for {−0.5, 0.5}.)
        """
        mlp = cls((2, 3, 1), activation, activation, init="zeros")
        mlp.weights[0][...] = [[-0.5, -1.0], [-0.5, 0.5], [1.0, 0.0]]
        mlp.biases[0][...] = 0.5
        mlp.weights[1][...] = [[0.5, -1.0, 0.0]]
        mlp.biases[1][...] = 0.5
        mlp.init = "tutorial"
        return mlp

    # -- the passes ---------------------------------------------------------

    def _as_batch(self, X: Array) -> tuple[Array, bool]:
        X = np.asarray(X, dtype=np.float64)
        single = X.ndim == 1
        if single:
            X = X[None, :]
        if X.ndim != 2 or X.shape[1] != self.layer_sizes[0]:
            raise ValueError(
                f"input rows have {X.shape[-1] if X.ndim else 0} values; "
                f"this network takes {self.layer_sizes[0]} inputs per row"
            )
        return X, single

    def forward(
        self,
        X: Array,
        dropout: float = 0.0,
        rng: np.random.Generator | None = None,
        params: Array | None = None,
        keep_sums: bool = True,
    ) -> Trace:
        """Run the network on one row ``(n_in,)`` or a batch ``(n, n_in)``.

        ``dropout`` > 0 zeroes each hidden activation with that probability
        (inverted dropout: survivors are scaled by 1/(1 − p), so nothing changes
        at evaluation time). ``params`` evaluates another flat parameter vector
        of this shape instead of :attr:`params`. ``keep_sums=False`` computes
        each activation in place of its sum (``Trace.sums`` then holds None):
        the training loop needs only the activations.
        """
        # σ's e^−s overflows to ∞ for sums below −709.78, and σ is then the
        # right 0: not an error (see activations). One errstate per call here;
        # the trainer, already under one, calls _forward.
        with np.errstate(over="ignore"):
            return self._forward(X, dropout, rng, params, keep_sums)

    def _forward(self, X, dropout=0.0, rng=None, params=None, keep_sums=True) -> Trace:
        """:meth:`forward` (same arguments) for callers under errstate(over="ignore")."""
        a, single = self._as_batch(X)
        ws, bs = (self.weights, self.biases) if params is None else self._views(params)
        sums, acts, masks = [], [a], []
        last = len(ws) - 1
        keep_sums = keep_sums or dropout > 0.0  # dropout's backward pass needs s
        for l, (w, b, f) in enumerate(zip(ws, bs, self.activation_records)):
            s = a @ w.T
            s += b
            a = f.f(s) if keep_sums else f.f_in_place(s)
            mask = None
            if dropout > 0.0 and l < last:
                keep = 1.0 - dropout
                rng = rng if rng is not None else np.random.default_rng()
                mask = (rng.random(a.shape) < keep) / keep
                a = a * mask
            sums.append(s if keep_sums else None)
            acts.append(a)
            masks.append(mask)
        return Trace(sums, acts, masks, single)

    def output_delta(self, trace: Trace, Z: Array) -> Array:
        """δ of the output layer per row: ∂L_row/∂s_out."""
        y = trace.activations[-1]
        return losses.get_loss(self.loss).output_delta(get_activation(self.output_activation), y, Z)

    def backward(self, trace: Trace, Z: Array, params: Array | None = None) -> Gradients:
        """Backpropagate from the targets ``Z`` (same shape as the output).

        All δ are computed from the weights as they were in the forward pass,
        before any update — as the companion code does.
        """
        Z = np.asarray(Z, dtype=np.float64)
        Z = Z.reshape(trace.activations[-1].shape)
        ws = self.weights if params is None else self._views(params)[0]
        n = Z.shape[0]
        flat = np.empty_like(self.params)
        gws, gbs = self._views(flat)
        deltas: list[Array] = [None] * len(ws)  # type: ignore[list-item]
        delta = self.output_delta(trace, Z)
        records = self.activation_records
        for l in range(len(ws) - 1, -1, -1):
            deltas[l] = delta
            a_prev = trace.activations[l]
            gw, gb = gws[l], gbs[l]
            np.matmul(delta.T, a_prev, out=gw)
            gw /= n
            np.add.reduce(delta, axis=0, out=gb)
            gb /= n
            if l:
                # δ_h = f'(s_h) · Σ_j w_jh δ_j; dropout passes δ only through kept nodes.
                back = delta @ ws[l]
                f = records[l - 1]
                mask = trace.masks[l - 1]
                if mask is None:
                    a_raw = a_prev
                else:
                    with np.errstate(over="ignore"):  # σ may overflow, rightly
                        a_raw = f.f(trace.sums[l - 1])
                delta = f.derivative_times(a_raw, back)
                if mask is not None:
                    delta *= mask
        return Gradients(deltas, gws, gbs, flat)

    def loss_value(self, X: Array, Z: Array, params: Array | None = None) -> float:
        """Mean loss over the rows of ``X`` (the tutorial's ½Σ(y − z)² for mse).

        Large inputs are evaluated in blocks of rows small enough to stay in
        cache; the elementwise passes (exp, …) are memory-bound otherwise.
        """
        with np.errstate(over="ignore"):  # as in forward
            return self._loss_value(X, Z, params)

    def _loss_value(self, X: Array, Z: Array, params: Array | None = None) -> float:
        """:meth:`loss_value` for callers under errstate(over="ignore")."""
        X, _ = self._as_batch(X)
        Z = np.asarray(Z, float).reshape(X.shape[0], self.layer_sizes[-1])
        step = self.loss_block_rows
        if X.shape[0] <= step:
            y = self._forward(X, params=params, keep_sums=False).activations[-1]
            return losses.mean_loss(self.loss, self.output_activation, y, Z)
        total = 0.0
        for lo in range(0, X.shape[0], step):
            y = self._forward(X[lo : lo + step], params=params, keep_sums=False).activations[-1]
            total += float(
                losses.row_losses(self.loss, self.output_activation, y, Z[lo : lo + step]).sum()
            )
        return total / X.shape[0]

    def losses_for(self, P: Array, X: Array, Z: Array, chunk_elements: int = 1 << 21) -> Array:
        """Mean loss for each of many parameter vectors at once.

        ``P`` is (m, n_params); returns (m,). The m networks run as one
        stacked batch (chunked so no intermediate exceeds ``chunk_elements``),
        so recording a loss per epoch costs no Python loop over epochs.
        """
        P = np.atleast_2d(np.asarray(P, dtype=np.float64))
        X, _ = self._as_batch(X)
        Z = np.asarray(Z, dtype=np.float64).reshape(X.shape[0], -1)
        width = max(self.layer_sizes)
        step = max(1, chunk_elements // (X.shape[0] * width))
        out = np.empty(P.shape[0])
        for lo in range(0, P.shape[0], step):
            block = P[lo : lo + step]
            a = np.broadcast_to(X, (block.shape[0], *X.shape))
            for (ws, bs), f in zip(self._slices, self.activation_records):
                n_in = a.shape[-1]
                w = block[:, ws].reshape(block.shape[0], -1, n_in)
                s = a @ w.transpose(0, 2, 1)
                s += block[:, None, bs]
                with np.errstate(over="ignore"):  # as in forward
                    a = f.f(s)
            rows = losses.row_losses(
                self.loss,
                self.output_activation,
                a.reshape(-1, a.shape[-1]),
                np.tile(Z, (block.shape[0], 1)),
            )
            out[lo : lo + step] = rows.reshape(block.shape[0], -1).mean(axis=1)
        return out

    def predict(self, X: Array) -> Array:
        return self.forward(X).output

    def __repr__(self) -> str:
        acts = "/".join(self.activation_names)
        return f"MLP({'-'.join(map(str, self.layer_sizes))}, {acts}, loss={self.loss})"
