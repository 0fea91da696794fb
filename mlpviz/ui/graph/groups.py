"""One-hot groups of the graph's inputs: a text column encoded as one input
per category, named ``col=value``, is drawn as a bracket spanning its
inputs with the column's name beside it, and each input is labelled with
its value only.

A group is a run of consecutive inputs whose names share the ``col=``
prefix (an encoder writes a column's categories side by side); an input
named so on its own is a group of one, since the encoder may have dropped
the other categories.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem

from mlpviz.ui.graph.items import LABEL_WIDTH, NodeItem, elided, place_text, text_item
from mlpviz.ui.graph.layout import GraphLayout
from mlpviz.ui.style import theme

SEPARATOR = "="
TICK = 5.0  # the bracket's ends reach this far towards the labels
GAP = 8.0  # between the widest label and the bracket, and the bracket and the name


@dataclass(frozen=True)
class InputGroup:
    """Inputs ``start`` to ``stop - 1`` are the categories of ``column``."""

    column: str
    start: int
    stop: int
    values: tuple[str, ...]


def one_hot_groups(names: Sequence[str]) -> list[InputGroup]:
    """The runs of consecutive ``col=value`` names with the same ``col``."""
    groups: list[InputGroup] = []
    i = 0
    while i < len(names):
        column, sep, _value = names[i].partition(SEPARATOR)
        if not sep or not column:
            i += 1
            continue
        stop = i + 1
        while stop < len(names) and names[stop].partition(SEPARATOR)[0] == column:
            stop += 1
        values = tuple(n.partition(SEPARATOR)[2] for n in names[i:stop])
        groups.append(InputGroup(column, i, stop, values))
        i = stop
    return groups


def short_names(names: Sequence[str], groups: Sequence[InputGroup]) -> list[str]:
    """The label of each input: its value inside a group, else its name."""
    out = list(names)
    for g in groups:
        out[g.start : g.stop] = g.values
    return out


class GroupItem(QGraphicsPathItem):
    """A bracket from ``top`` to ``bottom`` at ``x``, its ends pointing right
    at the group's labels, with the column's name (elided) on its left."""

    def __init__(self, group: InputGroup, x: float, top: float, bottom: float) -> None:
        path = QPainterPath()
        path.moveTo(x + TICK, top)
        path.lineTo(x, top)
        path.lineTo(x, bottom)
        path.lineTo(x + TICK, bottom)
        super().__init__(path)
        self.group = group
        self.setPen(QPen(theme.MUTED, 1.2))
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)  # the view picks
        self.name = text_item("", 12, theme.TEXT, bold=True, parent=self)
        self.name.setText(elided(group.column, self.name.font(), LABEL_WIDTH))
        self.name.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        place_text(self.name, x - GAP, (top + bottom) / 2, "right")

    @property
    def span(self) -> tuple[float, float]:
        """The heights of the bracket's top and bottom ends (scene units)."""
        r = self.path().boundingRect()
        return r.top(), r.bottom()

    def tooltip(self) -> str:
        g = self.group
        n = g.stop - g.start
        head = f"{g.column}: one-hot encoded, {n} input{'s' if n != 1 else ''}"
        return head + f" ({g.start}–{g.stop - 1})\n" + ", ".join(g.values)


def brackets(
    groups: Sequence[InputGroup], layout: GraphLayout, nodes: Sequence[NodeItem]
) -> list[GroupItem]:
    """A bracket per group, all in one column left of the widest label of
    the input ``nodes`` (placed in the scene already), each spanning its
    group's nodes."""
    if not groups:
        return []
    left = min(n.label.sceneBoundingRect().left() for n in nodes if n.label is not None)
    x = min(left, layout.x[0] - layout.radius[0]) - GAP
    ys, half = layout.ys[0], layout.spacing[0] * 0.4
    items = []
    for g in groups:
        item = GroupItem(g, x, float(ys[g.start]) - half, float(ys[g.stop - 1]) + half)
        item.setZValue(12)
        items.append(item)
    return items
