"""Step through one sample: the next training step, one sub-step at a time.

The forward pass layer by layer, the output and its loss, the backward pass
(δ flowing back layer by layer), the gradients and the update — each shown
on the network graph (the layer being computed highlighted, its numbers
written next to nodes and on edges) and in the math inspector, which jumps
to the matching equations. Everything is read from the snapshot's
:class:`~mlpviz.engine.explain.StepExplanation`: the GUI computes nothing.
"Apply this step" asks the main window to take the step for real. "Quiz me"
asks a question about the step first (:class:`~mlpviz.ui.widgets.quiz_box.QuizBox`);
answering it takes the step and reveals the answer with its numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from mlpviz.engine.explain import StepExplanation
from mlpviz.ui.inspector.formulas import n as _markup_number
from mlpviz.ui.inspector.formulas import to_text
from mlpviz.ui.inspector.panel import MathInspector
from mlpviz.ui.widgets.quiz_box import QuizBox


class StepGraph(Protocol):
    """What the step-through needs of the network graph: a highlight and an overlay.

    The graph view provides it; the inspector never imports the graph package.
    """

    layer_sizes: Sequence[int]

    def highlight_layer(self, layer: int | None) -> None: ...

    def show_step_overlay(
        self, labels: dict[tuple, str], tip: Callable[[tuple], str | None] | None = None
    ) -> None: ...

    def clear_step_overlay(self) -> None: ...


MAX_NODE_LABELS = 16  # per layer; a bigger layer labels its largest values only
MAX_EDGE_LABELS = 24  # per weight layer; the others still get tooltips

_HELP = {
    "input": "The sample's normalized inputs x enter the network.",
    "forward": "Each node sums its weighted inputs and its bias, s = Σ aᵢ·wᵢ + b, "
    "and applies its activation: a = f(s).",
    "loss": "The output y is compared with the target z: L = ½(y − z)².",
    "delta": "The error signal δ = ∂L/∂s flows back: δₒ = f′(s)·(y − z) at the output, "
    "δₕ = f′(s)·Σ wⱼ·δⱼ in a hidden layer. Each edge's gradient is δ·a.",
    "grad": "Every weight's gradient ∂L/∂w = δ·a (δ of the node it feeds, a of the node it "
    "comes from); every bias's gradient ∂L/∂b is its node's δ.",
    "update": "Gradient descent moves every parameter against its gradient: "
    "w_new = w_old − η·∂L/∂w. All δ used the weights from before this update.",
}


@dataclass(frozen=True)
class SubStep:
    """One sub-step: ``kind`` (a key of _HELP) and the graph layer in focus
    (as in layer_sizes, 0 = input; None for the whole network)."""

    title: str
    kind: str
    layer: int | None


def n(x: float, paren: bool = False) -> str:
    """A number as the inspector writes it (4 decimals, real minus), as plain text."""
    return to_text(_markup_number(float(x), paren))


def sub_steps(exp: StepExplanation) -> list[SubStep]:
    """The sub-steps of one training step on a network like ``exp``'s."""
    last = len(exp.layer_sizes) - 1
    sample = "" if exp.sample is None else f" #{exp.sample}"
    steps = [SubStep(f"Input: sample{sample} — x", "input", 0)]
    steps += [SubStep(f"Forward: hidden layer {k} — s and a", "forward", k) for k in range(1, last)]
    steps += [
        SubStep("Forward: output layer — s and y", "forward", last),
        SubStep("Output and loss", "loss", last),
        SubStep("Backward: δ of the output layer", "delta", last),
    ]
    steps += [
        SubStep(f"Backward: δ of hidden layer {k}", "delta", k) for k in range(last - 1, 0, -1)
    ]
    steps += [
        SubStep("Gradients ∂L/∂w", "grad", None),
        SubStep("Update: old → new", "update", None),
    ]
    return steps


def _largest(values: np.ndarray, count: int) -> list[int]:
    """Indices of the ``count`` largest |values| (all of them if few), in order."""
    if values.size <= count:
        return list(range(values.size))
    return sorted(np.argpartition(-np.abs(values), count - 1)[:count].tolist())


def overlay(exp: StepExplanation, step: SubStep) -> dict[tuple, str]:
    """The graph's labels at ``step``: what has been computed so far."""
    last = len(exp.layer_sizes) - 1
    kind, at = step.kind, step.layer
    backward = kind in ("delta", "grad", "update")
    done = {"input": 0, "forward": at, "loss": last}.get(kind, last)  # forward layers done
    labels: dict[tuple, str] = {}

    def node_labels(k: int, values: np.ndarray, text) -> None:
        for j in _largest(values, MAX_NODE_LABELS):
            labels[(k, j)] = text(j)

    node_labels(0, exp.x, lambda i: f"x = {n(exp.x[i])}")
    # The update shows only old → new on edges and biases: the δ are done with.
    for k in range(1, 0 if kind == "update" else done + 1):
        ls = exp.layers[k - 1]
        a = "y" if k == last else "a"
        if backward and (kind != "delta" or k >= at):
            node_labels(k, ls.deltas, lambda j, ls=ls: f"δ = {n(ls.deltas[j])}")
        elif backward:
            node_labels(k, ls.activations, lambda j, ls=ls, a=a: f"{a} = {n(ls.activations[j])}")
        else:
            node_labels(
                k,
                ls.activations,
                lambda j, ls=ls, a=a: f"s = {n(ls.sums[j])}\n{a} = {n(ls.activations[j])}",
            )
    if kind == "loss":
        for j in range(exp.layer_sizes[-1]):
            y, z = n(exp.output[j]), n(exp.target[j])
            labels[(last, j)] = f"y = {y}\nz = {z}\nL = {n(exp.loss_terms[j])}"
    if backward:
        for ls in exp.layers[_first_known(step) :]:
            flat = ls.grad_weights.ravel()
            for idx in _largest(flat, MAX_EDGE_LABELS):
                j, i = divmod(idx, ls.weights.shape[1])
                old, new = ls.weights[j, i], ls.new_weights[j, i]
                labels[("w", ls.index, j, i)] = (
                    f"{n(old)} → {n(new)}" if kind == "update" else f"∇ {n(flat[idx])}"
                )
            # ∂L/∂b = δ is already at the node; the update shows old → new.
            if kind == "update" and ls.biases.size <= MAX_NODE_LABELS:
                for j in range(ls.biases.size):
                    labels[("b", ls.index, j)] = f"{n(ls.biases[j])} → {n(ls.new_biases[j])}"
    return labels


def _first_known(step: SubStep) -> int:
    """The first weight layer whose gradients are known at ``step``."""
    return step.layer - 1 if step.kind == "delta" else 0


def tooltip(exp: StepExplanation, step: SubStep, key: tuple) -> str | None:
    """A weight's or bias's gradient and update, once the step has reached them."""
    if key[0] not in ("w", "b") or step.kind not in ("delta", "grad", "update"):
        return None
    _kind, l, j, *i = key
    if l < _first_known(step) or (key[0] == "b" and step.kind == "delta"):
        return None
    eta = n(exp.learning_rate)
    if key[0] == "b":
        b = exp.for_bias(l, j)
        return (
            f"∂L/∂b = δ = {n(b.gradient)}\n"
            f"b_new = {n(b.old)} − {eta} · {n(b.gradient, True)} = {n(b.new)}"
        )
    w = exp.for_weight(l, j, i[0])
    return (
        f"∂L/∂w = δ·a = {n(w.delta)} · {n(w.input_value)} = {n(w.gradient)}\n"
        f"w_new = {n(w.old)} − {eta} · {n(w.gradient, True)} = {n(w.new)}"
    )


class StepThrough(QObject):
    """Walks the graph and the inspector through the next step, sub-step by sub-step.

    ``applyRequested`` asks for the real step (connect it to the session's
    one-sample step); after it, the next explanation starts from the top.
    Overlays show only while :meth:`set_active` is on (the panel is visible).
    """

    applyRequested = Signal()

    def __init__(self, graph_view: StepGraph, inspector: MathInspector) -> None:
        super().__init__(graph_view)
        self.graph, self.inspector = graph_view, inspector
        self.exp: StepExplanation | None = None
        self.steps: list[str] = []
        self._steps: list[SubStep] = []
        self.index = 0
        self.active = True
        self._restart = False
        self._shown = True  # the graph may carry our highlight: clear it once at the start
        self.widget = self._build_panel()
        self._refresh()

    # -- the panel -----------------------------------------------------------------

    def _build_panel(self) -> QWidget:
        panel = QWidget()
        self.back_button = QPushButton("◀ Back")
        self.next_button = QPushButton("Next ▶")
        self.reset_button = QPushButton("Start over")
        self.apply_button = QPushButton("Apply this step")
        self.apply_button.setToolTip("Take this training step: the weights become the new ones")
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.reset_button.clicked.connect(self.reset)
        self.apply_button.clicked.connect(self._apply)
        self.quiz_button = QPushButton("Quiz me")
        self.quiz_button.setCheckable(True)
        self.quiz_button.setToolTip("Predict the step before it is taken; keeps a score")
        self.quiz_button.toggled.connect(self.set_quiz_mode)
        self.quiz_box = QuizBox()
        self.quiz_box.hide()
        self.quiz_box.answered.connect(lambda _right: self._apply())
        self.counter = QLabel()
        self.counter.setStyleSheet("color: #777;")
        self.title = QLabel()
        self.title.setStyleSheet("font-weight: 600; font-size: 14px;")
        self.help = QLabel()
        self.help.setWordWrap(True)
        self.help.setStyleSheet("color: #555;")
        row = QHBoxLayout()
        for w in (self.back_button, self.next_button, self.counter):
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(self.quiz_button)
        row.addWidget(self.reset_button)
        row.addWidget(self.apply_button)
        lay = QVBoxLayout(panel)
        lay.setContentsMargins(8, 6, 8, 6)
        lay.addLayout(row)
        lay.addWidget(self.title)
        lay.addWidget(self.help)
        lay.addWidget(self.quiz_box)
        lay.addStretch(1)
        return panel

    # -- API -----------------------------------------------------------------------

    def set_explanation(self, exp: StepExplanation | None) -> None:
        """The next step to walk through (from each snapshot). The position is
        kept while the network's shape stays; after "Apply" it starts over."""
        self.exp = exp
        steps = sub_steps(exp) if exp is not None else []
        restart = self._restart or [s.kind for s in steps] != [s.kind for s in self._steps]
        if restart:
            self.index = 0
        self._restart = False
        self._steps, self.steps = steps, [s.title for s in steps]
        if self.quiz_button.isChecked():
            self.quiz_box.set_explanation(exp)
        # A new snapshot only refreshes the numbers: the inspector keeps whatever
        # the user selected since, unless the walk starts over.
        self._refresh(follow=restart)

    def next(self) -> None:
        self._go(self.index + 1)

    def back(self) -> None:
        self._go(self.index - 1)

    def reset(self) -> None:
        self._go(0)

    def set_active(self, active: bool) -> None:
        """Show the sub-step on the graph (True) or leave the graph as it was."""
        self.active = bool(active)
        self._refresh(follow=self.active)

    def set_quiz_mode(self, on: bool) -> None:
        """Quiz me: a question about the step before it is taken (answering takes it)."""
        self.quiz_button.setChecked(bool(on))
        self.quiz_box.setVisible(bool(on))
        if on:
            self.quiz_box.set_explanation(self.exp)

    @property
    def current(self) -> SubStep | None:
        return self._steps[self.index] if self._steps else None

    # -- internals -----------------------------------------------------------------

    def _go(self, index: int) -> None:
        if self._steps:
            self.index = min(max(index, 0), len(self._steps) - 1)
        self._refresh(follow=True)

    def _apply(self) -> None:
        self._restart = True
        self.applyRequested.emit()

    def _refresh(self, follow: bool = False) -> None:
        step, count = self.current, len(self._steps)
        self.back_button.setEnabled(step is not None and self.index > 0)
        self.next_button.setEnabled(step is not None and self.index < count - 1)
        self.apply_button.setEnabled(step is not None)
        self.counter.setText(f"{self.index + 1} / {count}" if step else "")
        self.title.setText(step.title if step else "No step to explain yet")
        notes = "".join(f"\nNote: {note}" for note in self.exp.notes) if step else ""
        self.help.setText(_HELP[step.kind] + notes if step else "")
        if not self.active or step is None:
            if self._shown:  # once: the graph may be highlighted by someone else later
                self.graph.highlight_layer(None)
                self.graph.clear_step_overlay()
                self._shown = False
            return
        exp = self.exp
        if tuple(exp.layer_sizes) != tuple(self.graph.layer_sizes):
            # An explanation of the network before an architecture change: the
            # new one arrives with the next snapshot.
            self.graph.highlight_layer(None)
            self.graph.clear_step_overlay()
            return
        self._shown = True
        self.graph.highlight_layer(step.layer)
        self.graph.show_step_overlay(overlay(exp, step), lambda key: tooltip(exp, step, key))
        if follow:
            self._follow(step)

    def _follow(self, step: SubStep) -> None:
        """Point the inspector at a node of the layer in focus, at the matching equations.

        The node the inspector shows is kept when it is in that layer (for the
        gradients and the update: any node after the input). For the input it
        shows the first layer's summation, where x is used."""
        last = len(self.exp.layer_sizes) - 1
        focus = {"input": "sum", "forward": "sum"}.get(step.kind, step.kind)
        at = 1 if step.kind == "input" else step.layer
        kind, *where = self.inspector.selection or ("node", last, 0)
        mine = kind == "node" and (where[0] == at or (at is None and where[0] > 0))
        layer = where[0] if mine else (last if at is None else at)
        node = where[1] if mine else 0
        if self.inspector.selection != ("node", layer, node) or self.inspector.focus != focus:
            self.inspector.select_node(layer, node, focus)
