"""A small drawing of the tutorial's 2-3-1 network with the numbers of one pass.

Inputs, sums, activations, the output and every node's δ sit in the nodes;
each edge carries its weight (colour = sign, width = size, the app's
convention). Generic over one hidden layer, but laid out for a few nodes.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from mlpviz.lessons.worked_example import WorkedStep, fmt4
from mlpviz.ui.style import theme

NODE_W, NODE_H = 118.0, 50.0
DELTA = QColor(176, 58, 18)  # error signals in a dark orange


class NetworkDiagram(QWidget):
    """Paints one :class:`WorkedStep`: forward values in the nodes, δ beneath them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.step: WorkedStep | None = None
        self.setMinimumSize(440, 280)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def set_step(self, step: WorkedStep) -> None:
        self.step = step
        self.update()

    # -- geometry --------------------------------------------------------------------------

    def _positions(self) -> tuple[list[QPointF], list[QPointF], QPointF]:
        s = self.step
        assert s is not None
        w, h = float(self.width()), float(self.height())
        xs = (NODE_W / 2 + 14, w / 2, w - NODE_W / 2 - 14)
        top, bottom = NODE_H / 2 + 22, h - NODE_H / 2 - 42

        def column(n: int, x: float) -> list[QPointF]:
            if n == 1:
                return [QPointF(x, (top + bottom) / 2)]
            return [QPointF(x, top + i * (bottom - top) / (n - 1)) for i in range(n)]

        inputs = column(len(s.x), xs[0])
        hidden = column(len(s.hidden_acts), xs[1])
        return inputs, hidden, column(1, xs[2])[0]

    # -- painting ---------------------------------------------------------------------------

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor(255, 255, 255))
        if self.step is None:
            return
        s = self.step
        inputs, hidden, out = self._positions()
        scale = max(float(np.abs(s.wh).max()), float(np.abs(s.wo).max()), 1e-9)
        for j, hp in enumerate(hidden):
            for i, ip in enumerate(inputs):
                self._edge(p, ip, hp, s.wh[j, i], scale, 0.8)
            self._edge(p, hp, out, s.wo[j], scale, 0.55)
        for i, ip in enumerate(inputs):
            self._node(p, ip, [f"x[{i}] = {fmt4(s.x[i])}", f"raw {s.raw_inputs[i]:g}"], None, 0.0)
        for j, hp in enumerate(hidden):
            lines = [f"s = {fmt4(s.hidden_sums[j])}", f"a = {fmt4(s.hidden_acts[j])}"]
            self._node(p, hp, lines, f"δh = {fmt4(s.delta_h[j])}", s.hidden_acts[j])
            self._caption(p, hp, f"bh[0][{j}] = {fmt4(s.bh[j])}", above=True)
        self._node(
            p,
            out,
            [f"s = {fmt4(s.output_sum)}", f"y = {fmt4(s.y)}"],
            f"δo = {fmt4(s.delta_o)}",
            s.y,
        )
        self._caption(p, out, f"bo[0] = {fmt4(s.bo)}", above=True)
        self._caption(
            p,
            QPointF(out.x(), out.y() + NODE_H / 2 + 34),
            f"target z = {fmt4(s.z)} (raw {s.raw_target:g})",
            above=False,
        )
        p.setPen(theme.MUTED)
        p.setFont(self._font(8.5))
        p.drawText(
            QRectF(0, self.height() - 20, self.width(), 18),
            Qt.AlignmentFlag.AlignCenter,
            "edge colour: blue +, orange − · width: |w| · numbers inside: this sample's pass",
        )
        p.end()

    @staticmethod
    def _font(size: float, bold: bool = False) -> QFont:
        f = QFont()
        f.setPointSizeF(size)
        f.setBold(bold)
        return f

    def _edge(self, p: QPainter, a: QPointF, b: QPointF, w: float, scale: float, t: float):
        start = QPointF(a.x() + NODE_W / 2, a.y())
        end = QPointF(b.x() - NODE_W / 2, b.y())
        width = 1.0 + 4.0 * min(abs(w) / scale, 1.0)
        colour = theme.sign_color(w, 200) if w != 0 else QColor(190, 190, 190)
        p.setPen(QPen(colour, width))
        p.drawLine(start, end)
        # Labels sit at fraction t along the edge: near the target for the crossing
        # input edges (where they have fanned apart again), mid-way for the output's.
        mid = QPointF(start.x() + t * (end.x() - start.x()), start.y() + t * (end.y() - start.y()))
        text = fmt4(w)
        p.setFont(self._font(8.5))
        rect = QRectF(mid.x() - 30, mid.y() - 9, 60, 18)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QBrush(QColor(255, 255, 255, 235)))
        p.drawRoundedRect(rect, 4, 4)
        p.setPen(colour.darker(130) if w != 0 else theme.MUTED)
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)

    def _node(self, p, c: QPointF, lines: list[str], delta: str | None, activation: float):
        rect = QRectF(c.x() - NODE_W / 2, c.y() - NODE_H / 2, NODE_W, NODE_H)
        p.setPen(QPen(QColor(90, 90, 90), 1.4))
        p.setBrush(QBrush(theme.activation_fill(activation) if delta else QColor(242, 242, 242)))
        p.drawRoundedRect(rect, 12, 12)
        p.setFont(self._font(9.5, bold=True))
        light = delta is not None and activation > 0.6
        p.setPen(QColor(255, 255, 255) if light else theme.TEXT)
        inner = rect.adjusted(4, 4, -4, -4)
        p.drawText(inner, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, lines[0])
        p.setFont(self._font(9.5))
        p.drawText(inner, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, lines[1])
        if delta:
            p.setPen(DELTA)
            p.setFont(self._font(9, bold=True))
            below = QRectF(rect.left() - 20, rect.bottom() + 1, rect.width() + 40, 16)
            p.drawText(below, Qt.AlignmentFlag.AlignCenter, delta)

    def _caption(self, p: QPainter, c: QPointF, text: str, above: bool) -> None:
        p.setPen(theme.MUTED)
        p.setFont(self._font(8.5))
        y = c.y() - NODE_H / 2 - 17 if above else c.y()
        p.drawText(QRectF(c.x() - 90, y, 180, 16), Qt.AlignmentFlag.AlignCenter, text)
