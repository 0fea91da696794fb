"""Which network choices go together: the one home of the rules that the
settings panel enforces and the command line's defaults follow.

Pure functions of names and shapes (no weights are drawn), cheap enough for
the GUI thread to ask on every edit.
"""

from __future__ import annotations

# The only shape the tutorial printed weights for.
TUTORIAL_SHAPE = (2, 3, 1)
# Rectifiers: He initialisation keeps their activations' variance.
RELU_FAMILY = ("relu", "leaky-relu")


def default_loss(output_activation: str) -> str:
    """The loss that fits an output: cross-entropy for softmax classes, else ½Σ(y − z)²."""
    return "cross-entropy" if output_activation == "softmax" else "mse"


def effective_loss(spec) -> str:
    """The loss a :class:`~mlpviz.engine.settings.NetworkSpec` trains with:
    its own, or the one that fits its output."""
    return spec.loss or default_loss(spec.output_activation)


def default_init(hidden_activations: tuple[str, ...] | list[str]) -> str:
    """He for rectifier layers (it keeps their variance), Xavier otherwise."""
    if hidden_activations and all(a in RELU_FAMILY for a in hidden_activations):
        return "he"
    return "xavier"


def tutorial_refusal(sizes: tuple[int, ...] | None) -> str | None:
    """Why the tutorial's printed weights do not fit ``sizes``, or None if they do."""
    if sizes is None or tuple(sizes) == TUTORIAL_SHAPE:
        return None
    shape = "-".join(map(str, sizes))
    return f"the tutorial's printed weights are for its 2-3-1 network, not {shape}"
