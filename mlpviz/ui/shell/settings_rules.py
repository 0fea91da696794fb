"""Which network settings fit together, for the settings panel to enforce.

Pure functions of a :class:`NetworkSpec` and the data's shape: the panel asks
them which choices a control may offer, which choice to make for the user
when a dependent one no longer applies, and why a network cannot be built.
"""

from __future__ import annotations

from mlpviz.engine.activations import get_activation
from mlpviz.engine.losses import LOSSES
from mlpviz.engine.settings import NetworkSpec
from mlpviz.engine.spec_rules import effective_loss, tutorial_refusal


def loss_refusal(loss: str, output_activation: str) -> str | None:
    """Why ``loss`` cannot train an ``output_activation`` output, or None if it can."""
    record = LOSSES[loss]
    if record.accepts(get_activation(output_activation, "output")):
        return None
    return f"{record.pairing_hint}, not {output_activation!r}"


def network_refusal(spec: NetworkSpec, n_in: int | None, n_out: int | None) -> str | None:
    """Why ``spec`` cannot be built for data with these shapes, or None if it can.

    Cheap checks only (no weights are drawn): the GUI thread asks on every edit.
    """
    why = loss_refusal(effective_loss(spec), spec.output_activation)
    if why:
        return f"Loss: {why}."
    if spec.init == "tutorial" and n_in is not None and n_out is not None:
        why = tutorial_refusal(spec.layer_sizes(n_in, n_out))
        if why:
            return f"Initial weights: {why}."
    return None


def structure(spec: NetworkSpec) -> tuple:
    """What decides which network trains: layers, activations, output and loss.

    Initialisation and seed only matter when weights are drawn (Rebuild, Reset).
    """
    return (
        tuple(spec.hidden),
        spec.activations(),
        spec.output_activation,
        effective_loss(spec),
    )


def describe(spec: NetworkSpec, n_in: int, n_out: int) -> str:
    """E.g. ``2-8-8-1, tanh hidden, sigmoid output, mse loss``."""
    sizes = "-".join(map(str, spec.layer_sizes(n_in, n_out)))
    acts = "/".join(dict.fromkeys(spec.activations()))
    hidden = f"{acts} hidden, " if acts else ""
    return f"{sizes}, {hidden}{spec.output_activation} output, {effective_loss(spec)} loss"


def note_lines(refusal: str | None, fallback: str, training: str | None) -> list[str]:
    """The panel's note: why its network cannot be built (else what it chose for
    the user), and which network trains when it shows another."""
    lines = [f"Cannot build this network. {refusal}"] if refusal else []
    if fallback and not refusal:
        lines.append(fallback)
    if training:
        lines.append(
            f"Training: {training}. Rebuild network (or Run) trains the network shown here."
        )
    return lines
