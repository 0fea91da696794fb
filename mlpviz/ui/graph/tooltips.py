"""The tooltip texts of the network graph: the live values of an edge, bias
or node, built on demand from the latest snapshot, so they are always
current and cost nothing per frame.
"""

from __future__ import annotations

from collections.abc import Sequence

from mlpviz.engine.layout import Param, ParamLayout, param_name
from mlpviz.ui.style.numbers import format_number
from mlpviz.ui.training.snapshot import Snapshot


class TooltipText:
    """Tooltip texts for a network with ``sizes`` nodes per layer, one
    activation name per layer after the input, and column names for the
    inputs and outputs (one per node)."""

    def __init__(
        self,
        sizes: Sequence[int],
        activations: Sequence[str],
        input_names: Sequence[str],
        output_names: Sequence[str],
    ) -> None:
        self._sizes = tuple(sizes)
        self._activations = tuple(activations)
        self._input_names = list(input_names)
        self._output_names = list(output_names)

    def node_name(self, layer: int, j: int) -> str:
        if layer == 0:
            return self._input_names[j]
        if layer == len(self._sizes) - 1:
            return self._output_names[j]
        return f"hidden {layer} · node {j}"

    def text(self, key: tuple, snap: Snapshot | None) -> str:
        """The text for a parameter ``("w", l, j, i)`` / ``("b", l, j)`` or a
        node ``(layer, j)``."""
        if key and key[0] in ("w", "b"):
            return self.param_text(key, snap)
        layer, j = key
        return self.node_text(int(layer), int(j), snap)

    def param_text(self, param: Param, snap: Snapshot | None) -> str:
        kind, l = param[0], param[1]
        j = param[2]
        to = self.node_name(l + 1, j)
        if kind == "w":
            head = f"{param_name(param)}   {self.node_name(l, param[3])} → {to}"
        else:
            head = f"{param_name(param)}   bias of {to}"
        if snap is None:
            return head + "\n(no values yet)"
        idx = ParamLayout.of(self._sizes).index(param)
        grad = "— (no step yet)" if snap.gradient is None else format_number(snap.gradient[idx])
        lines = [
            head,
            f"{kind} = {format_number(snap.params[idx])}",
            f"∂L/∂{kind} = {grad}",
            f"last Δ{kind} = {format_number(snap.update[idx])}",
            "click: select · double-click: edit",
        ]
        return "\n".join(lines)

    def node_text(self, layer: int, j: int, snap: Snapshot | None) -> str:
        last = len(self._sizes) - 1
        if layer == 0:
            head = f"{self.node_name(0, j)} (input {j})"
        else:
            head = f"{self.node_name(layer, j)} ({self._activations[layer - 1]})"
            if layer == last:
                head = f"{self._output_names[j]}: output {j} ({self._activations[-1]})"
        if snap is None:
            return head + "\n(no values yet)"
        lines = [head, f"sample #{snap.sample_index}"]
        if layer == 0:
            lines.append(f"value = {format_number(snap.sample_activations[0][j])} (normalized)")
            return "\n".join(lines)
        lines += [
            f"s = {format_number(snap.sample_sums[layer - 1][j])}   (weighted sum)",
            f"a = {format_number(snap.sample_activations[layer][j])}   (activation)",
            f"δ = {format_number(snap.sample_deltas[layer - 1][j])}   (∂L/∂s)",
        ]
        if layer == last and j < len(snap.sample_target):
            lines.append(f"target = {format_number(snap.sample_target[j])}")
        return "\n".join(lines)
