"""Hover and tooltips of the network graph: which edge, bias or node is under
the mouse, the halo that follows it, and the live text of its tooltip.

Tooltips are built on demand from the latest snapshot, so they are always
current and cost nothing per frame; during a step-through they add the
step's numbers for the item.

:class:`GraphTooltipsMixin` is a part of
:class:`~mlpviz.ui.graph.view.NetworkGraphView`, kept in its own module so
the view stays readable.
"""

from __future__ import annotations

import contextlib

from PySide6.QtCore import QEvent, QPoint
from PySide6.QtWidgets import QGraphicsItem, QToolTip

from mlpviz.engine.layout import Param, ParamLayout, param_name
from mlpviz.ui.graph.items import BiasItem, EdgeItem, NodeItem
from mlpviz.ui.style.numbers import format_number
from mlpviz.ui.training.snapshot import Snapshot


class GraphTooltipsMixin:
    """Picking, hover and tooltip text of the graph view (a mixin of
    :class:`~mlpviz.ui.graph.view.NetworkGraphView`)."""

    def _pick(self, pos: QPoint, kinds: tuple[type, ...] = (EdgeItem, BiasItem, NodeItem)):
        """The topmost edge, bias or node under viewport point ``pos``."""
        for item in self.items(pos):
            while item is not None and not isinstance(item, (EdgeItem, BiasItem, NodeItem)):
                item = item.parentItem()
            if item is not None and isinstance(item, kinds):
                return item
        # A dense network's edges are drawn by one bundle, not items: found
        # by their geometry instead (graph_lod).
        return self._pick_dense_edge(pos) if EdgeItem in kinds else None

    def _node_name(self, layer: int, j: int) -> str:
        if layer == 0:
            return self._input_names[j]
        if layer == len(self._sizes) - 1:
            return self._output_names[j]
        return f"hidden {layer} · node {j}"

    def hover_text(self, target: object) -> str:
        """Live values for an edge, bias or node (an item, a parameter tuple,
        or a ``(layer, node)`` key), as shown in its tooltip."""
        if isinstance(target, (EdgeItem, BiasItem)):
            target = target.param
        elif isinstance(target, NodeItem):
            target = target.key
        snap = self._snap
        if isinstance(target, tuple) and target and target[0] in ("w", "b"):
            text = self._param_text(target, snap)
        else:
            layer, j = target  # type: ignore[misc]
            text = self._node_text(int(layer), int(j), snap)
        # During a step-through, the step's numbers for this item.
        tip = self._overlay.tip(tuple(target))  # type: ignore[arg-type]
        return text if tip is None else f"{text}\n— this step —\n{tip}"

    def _param_text(self, param: Param, snap: Snapshot | None) -> str:
        kind, l = param[0], param[1]
        j = param[2]
        to = self._node_name(l + 1, j)
        if kind == "w":
            head = f"{param_name(param)}   {self._node_name(l, param[3])} → {to}"
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

    def _node_text(self, layer: int, j: int, snap: Snapshot | None) -> str:
        last = len(self._sizes) - 1
        if layer == 0:
            head = f"{self._node_name(0, j)} (input {j})"
        else:
            head = f"{self._node_name(layer, j)} ({self._activations[layer - 1]})"
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

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            item = self._pick(event.pos())
            if item is None:
                QToolTip.hideText()
                event.ignore()
            else:
                # Built on demand from the latest snapshot: always live, and
                # no per-frame tooltip strings for thousands of items.
                QToolTip.showText(event.globalPos(), self.hover_text(item), self.viewport())
            return True
        if event.type() == QEvent.Type.Leave:
            self._set_hover(None)
        return super().viewportEvent(event)

    def _set_hover(self, item: QGraphicsItem | None) -> None:
        if item is self._hover:
            return
        if isinstance(self._hover, EdgeItem) and self._hover not in self._raised:
            with contextlib.suppress(RuntimeError):  # deleted with the old scene
                self._lower_edge(self._hover)
        self._hover = item
        if isinstance(item, EdgeItem) and item not in self._raised:
            self._raise_edge(item, 4)
        if self._sizes:
            self._hover_halo.follow(item)
