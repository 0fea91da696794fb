"""Every number of one tutorial training step, for the math inspector.

:func:`explain_step` takes one sample and the *current* weights and writes
out the MLP tutorial's equations for a per-sample SGD step:

    forward   s = Σ aᵢ·wᵢ + b,  a = f(s)
    loss      L = ½ Σ (y − z)²
    backward  δₒ = f′(s)·(y − z),  δₕ = f′(s)·Σⱼ wⱼ·δⱼ
    gradients ∂L/∂w = δ·a_prev,  ∂L/∂b = δ
    update    w_new = w_old − η·∂L/∂w,  b_new = b_old − η·∂L/∂b

It is computed here, independently of :class:`~mlpviz.engine.Trainer`, so a
test can hold the two against each other: for plain SGD without
regularization or dropout the new weights equal what ``Trainer.step_sample``
applies for that sample.

Layer indices: ``layers[l]`` is the weight matrix ``l`` (0-based), which
feeds layer ``l + 1`` of ``layer_sizes`` (0 is the input layer).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlpviz.engine.activations import get_activation
from mlpviz.engine.losses import get_loss
from mlpviz.engine.mlp import MLP

Array = np.ndarray

CROSS_ENTROPY_NOTE = (
    "Cross-entropy loss: at the output f′(s) and ∂L/∂y cancel, so δₒ = y − z "
    "(not f′(s)·(y − z) as for the tutorial's ½(y − z)²)."
)


@dataclass(frozen=True)
class LayerStep:
    """One weight layer's part of the step; all arrays are float64 copies.

    n_in = nodes of the layer before, n_out = nodes of this layer.
    """

    index: int  # l: weights[l] feeds layer l + 1 of layer_sizes
    activation: str  # f of this layer's nodes
    inputs: Array  # (n_in,) a_prev (x for the first layer)
    weights: Array  # (n_out, n_in) w_old, weights[j, i] from input i to node j
    biases: Array  # (n_out,) b_old
    sums: Array  # (n_out,) s = weights · inputs + biases
    activations: Array  # (n_out,) a = f(s)
    derivatives: Array  # (n_out,) f′(s) (softmax: the Jacobian's diagonal a(1 − a))
    back_sums: Array | None  # (n_out,) Σⱼ wⱼ·δⱼ from the layer after; None for the output
    deltas: Array  # (n_out,) δ = ∂L/∂s
    grad_weights: Array  # (n_out, n_in) ∂L/∂w = outer(δ, a_prev)
    grad_biases: Array  # (n_out,) ∂L/∂b = δ
    new_weights: Array  # (n_out, n_in) w_old − η·∂L/∂w
    new_biases: Array  # (n_out,) b_old − η·∂L/∂b

    @property
    def is_output(self) -> bool:
        return self.back_sums is None


@dataclass(frozen=True)
class WeightStep:
    """The numbers behind one weight ``w[layer][node][input]``."""

    layer: int
    node: int
    input: int
    input_value: float  # aᵢ (or xᵢ), the activation the weight multiplies
    old: float
    delta: float  # δ of the node the weight feeds
    gradient: float  # δ·aᵢ
    learning_rate: float
    new: float


@dataclass(frozen=True)
class BiasStep:
    """The numbers behind one bias ``b[layer][node]``."""

    layer: int
    node: int
    old: float
    delta: float
    gradient: float  # = δ
    learning_rate: float
    new: float


@dataclass(frozen=True)
class NodeStep:
    """One neuron: ``layer_index`` as in layer_sizes (0 = input).

    For an input node only ``activation`` (= xᵢ) is set. ``next_weights`` and
    ``next_deltas`` (n_next,) are the weights from this node to the nodes of
    the next layer and their δ, whose products sum to ``back_sum``.
    """

    layer_index: int
    node: int
    is_input: bool
    is_output: bool
    activation_name: str | None
    activation: float  # a (y for an output, x for an input)
    inputs: Array | None = None  # (n_in,) a_prev
    weights: Array | None = None  # (n_in,) incoming w_old
    bias: float | None = None
    sum: float | None = None
    derivative: float | None = None  # f′(s)
    target: float | None = None  # z (outputs)
    error: float | None = None  # y − z (outputs)
    loss: float | None = None  # this output's share of L
    next_weights: Array | None = None  # (n_next,)
    next_deltas: Array | None = None  # (n_next,)
    back_sum: float | None = None  # Σⱼ wⱼ·δⱼ (hidden nodes)
    delta: float | None = None


@dataclass(frozen=True)
class StepExplanation:
    """One per-sample SGD step on sample ``x`` with target ``z``, before it is taken.

    ``loss_terms`` (n_out,) are the per-output terms of the loss (½(y − z)²
    for mse) and ``loss`` their sum. ``params``, ``gradient`` and
    ``new_params`` are flat vectors in :class:`MLP` order; the per-layer
    arrays in ``layers`` are views into them.
    """

    layer_sizes: tuple[int, ...]
    activation_names: tuple[str, ...]
    loss_name: str  # "mse" or "cross-entropy"
    learning_rate: float
    x: Array  # (n_in,)
    target: Array  # (n_out,) z
    output: Array  # (n_out,) y
    loss_terms: Array  # (n_out,)
    loss: float
    layers: tuple[LayerStep, ...]
    params: Array  # (n_params,) before the step
    gradient: Array  # (n_params,)
    new_params: Array  # (n_params,) after the step
    sample: int | None = None  # row index in the training data, when known
    notes: tuple[str, ...] = ()  # caveats, e.g. the cross-entropy δ or another optimizer

    @property
    def n_layers(self) -> int:
        """Weight layers (hidden layers + 1)."""
        return len(self.layers)

    def for_weight(self, layer: int, node: int, input: int) -> WeightStep:
        """The step for ``w[layer][node][input]`` (layer over weight matrices)."""
        ls = self.layers[layer]
        return WeightStep(
            layer,
            node,
            input,
            input_value=float(ls.inputs[input]),
            old=float(ls.weights[node, input]),
            delta=float(ls.deltas[node]),
            gradient=float(ls.grad_weights[node, input]),
            learning_rate=self.learning_rate,
            new=float(ls.new_weights[node, input]),
        )

    def for_bias(self, layer: int, node: int) -> BiasStep:
        """The step for ``b[layer][node]``."""
        ls = self.layers[layer]
        return BiasStep(
            layer,
            node,
            old=float(ls.biases[node]),
            delta=float(ls.deltas[node]),
            gradient=float(ls.grad_biases[node]),
            learning_rate=self.learning_rate,
            new=float(ls.new_biases[node]),
        )

    def for_node(self, layer_index: int, node: int) -> NodeStep:
        """Neuron ``node`` of layer ``layer_index`` (as in layer_sizes, 0 = input)."""
        if not 0 <= layer_index < len(self.layer_sizes):
            raise IndexError(f"no layer {layer_index} in a {self.layer_sizes} network")
        if not 0 <= node < self.layer_sizes[layer_index]:
            raise IndexError(f"layer {layer_index} has no node {node}")
        if layer_index == 0:
            return NodeStep(0, node, True, False, None, float(self.x[node]))
        ls = self.layers[layer_index - 1]
        out = ls.is_output
        nxt = None if out else self.layers[layer_index]
        return NodeStep(
            layer_index,
            node,
            is_input=False,
            is_output=out,
            activation_name=ls.activation,
            activation=float(ls.activations[node]),
            inputs=ls.inputs,
            weights=ls.weights[node],
            bias=float(ls.biases[node]),
            sum=float(ls.sums[node]),
            derivative=float(ls.derivatives[node]),
            target=float(self.target[node]) if out else None,
            error=float(self.output[node] - self.target[node]) if out else None,
            loss=float(self.loss_terms[node]) if out else None,
            next_weights=None if nxt is None else nxt.weights[:, node],
            next_deltas=None if nxt is None else nxt.deltas,
            back_sum=None if ls.back_sums is None else float(ls.back_sums[node]),
            delta=float(ls.deltas[node]),
        )


def explain_step(
    mlp: MLP,
    x: Array,
    z: Array,
    learning_rate: float,
    sample: int | None = None,
    notes: tuple[str, ...] = (),
) -> StepExplanation:
    """Every number of one per-sample SGD step on ``x`` (n_in,) with target ``z`` (n_out,).

    Uses ``mlp``'s current parameters and does not change them. Every δ is
    computed from the weights before the update, as the tutorial's companion
    code and the Trainer do.
    """
    sizes = mlp.layer_sizes
    x = np.asarray(x, dtype=np.float64).reshape(sizes[0])
    z = np.asarray(z, dtype=np.float64).reshape(sizes[-1])
    lr = float(learning_rate)
    params = mlp.params.copy()
    ws, bs = mlp.views_of(params)
    gradient = np.empty_like(params)
    gws, gbs = mlp.views_of(gradient)
    names = mlp.activation_names
    records = [get_activation(name) for name in names]
    loss = get_loss(mlp.loss)

    # Forward, layer by layer: s = W·a_prev + b, a = f(s).
    inputs, sums, acts = [], [], []
    a = x
    with np.errstate(over="ignore", invalid="ignore"):
        for w, b, f in zip(ws, bs, records):
            inputs.append(a)
            s = w @ a + b
            a = f.f(s[None, :])[0]  # softmax normalizes along the last axis
            sums.append(s)
            acts.append(a)
        y = acts[-1]
        # Softmax has no elementwise f′; its record's derivative is its
        # Jacobian's diagonal a(1 − a), shown for reference only (δₒ = y − z).
        derivs = [f.derivative(s_, a_) for s_, a_, f in zip(sums, acts, records)]

        # Backward: δₒ, then δₕ = f′(s)·Σⱼ wⱼ·δⱼ layer by layer, from the old weights.
        n = len(ws)
        deltas: list[Array] = [np.empty(0)] * n
        back: list[Array | None] = [None] * n
        deltas[-1] = loss.output_delta(records[-1], y, z)
        for l in range(n - 2, -1, -1):
            back[l] = ws[l + 1].T @ deltas[l + 1]
            deltas[l] = derivs[l] * back[l]

        # Gradients and the update w_new = w_old − η·∇.
        for l in range(n):
            np.outer(deltas[l], inputs[l], out=gws[l])
            gbs[l][...] = deltas[l]
        new_params = params - lr * gradient
    nws, nbs = mlp.views_of(new_params)

    terms = loss.terms(names[-1], y, z)
    all_notes = ((CROSS_ENTROPY_NOTE,) if loss.error_delta else ()) + tuple(notes)
    layers = tuple(
        LayerStep(
            index=l,
            activation=names[l],
            inputs=inputs[l].copy(),
            weights=ws[l],
            biases=bs[l],
            sums=sums[l],
            activations=acts[l],
            derivatives=derivs[l],
            back_sums=back[l],
            deltas=deltas[l],
            grad_weights=gws[l],
            grad_biases=gbs[l],
            new_weights=nws[l],
            new_biases=nbs[l],
        )
        for l in range(n)
    )
    return StepExplanation(
        layer_sizes=tuple(sizes),
        activation_names=tuple(names),
        loss_name=mlp.loss,
        learning_rate=lr,
        x=x.copy(),
        target=z.copy(),
        output=y.copy(),
        loss_terms=terms,
        loss=float(terms.sum()),
        layers=layers,
        params=params,
        gradient=gradient,
        new_params=new_params,
        sample=sample,
        notes=all_notes,
    )
