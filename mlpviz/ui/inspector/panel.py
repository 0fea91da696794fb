"""The math inspector: the tutorial's equations filled with the next step's numbers.

For the selected neuron, weight or bias it writes out, from the snapshot's
:class:`~mlpviz.engine.explain.StepExplanation` (no math is redone here):
the summation with every term, the activation and f′(s), the loss, the error
signal δ, the gradients and the update w_new = w_old − η·∂L/∂w — as a formula
sheet (rich text, "=" signs aligned) and as plain text for the clipboard.

Formulas are written once in a small markup and rendered twice:
``$x`` is an italic variable, ``_(i)`` a subscript, ``^(2)`` a superscript
and ``[[…]]`` the highlighted term of the selected parameter.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QTextBrowser, QToolButton, QVBoxLayout, QWidget

from mlpviz.engine.activations import Activation, get_activation
from mlpviz.engine.explain import NodeStep, StepExplanation
from mlpviz.engine.layout import Param, param_name
from mlpviz.ui.inspector.formulas import (
    MAX_TERMS,
    NB,
    Block,
    n,
    render_html,
    render_text,
    sum_of,
    to_text,
)
from mlpviz.ui.training.snapshot import Snapshot

__all__ = ["MAX_ROWS", "RUNNING_INTERVAL", "MathInspector", "Sheet"]

MAX_ROWS = 6  # per-weight gradient/update rows when a whole node is selected
RUNNING_INTERVAL = 1.0  # seconds between re-renders while training (numbers readable, ~15 ms each)


# -- the sheet: which equations, with which numbers ------------------------------------


class Sheet:
    """The blocks for one selection of a :class:`StepExplanation`.

    ``update`` is (name, old, new) of the parameter whose update was written
    last — what :meth:`MathInspector.shown_update` reports.
    """

    def __init__(self, exp: StepExplanation, names: tuple[Sequence[str], Sequence[str]]) -> None:
        self.exp, (self.inputs, self.outputs) = exp, names
        self.update: tuple[str, float, float] | None = None

    def node_name(self, k: int, j: int) -> str:
        """``k`` as in layer_sizes (0 = input)."""
        if k == 0:
            return f"input {self.inputs[j] if j < len(self.inputs) else j}"
        if k == len(self.exp.layer_sizes) - 1:
            return f"output {self.outputs[j] if j < len(self.outputs) else j}"
        return f"hidden {k} · node {j}"

    def blocks(self, k: int, j: int, weight: int | None = None, bias: bool = False) -> list[Block]:
        """Everything for neuron (k, j); ``weight`` / ``bias`` narrow the gradient and update."""
        node, where = self.exp.for_node(k, j), self.node_name(k, j)
        if node.is_input:
            rows = [(f"$x_({j})", n(node.activation))]
            return [Block("Input", where, "sum", rows, "the normalized value of this sample")]
        out = [self.summation(node, where, weight, bias), self.activation(node, where)]
        if node.is_output:
            out.append(self.loss(node, where))
        out.append(self.delta(node, where))
        return out + self.gradients(node, where, weight, bias)

    def summation(self, node: NodeStep, where: str, weight: int | None, bias: bool) -> Block:
        x = "x" if node.layer_index == 1 else "a"
        terms = [f"({n(a)}{NB}·{NB}{n(w)})" for a, w in zip(node.inputs, node.weights)]
        terms.append(n(node.bias))
        rows = [
            ("$s", f"Σ_($i) ${x}_($i)·$w_($i) + $b"),
            ("", sum_of(terms, len(terms) - 1 if bias else weight)),
            ("", n(node.sum)),
        ]
        return Block("Forward: summation", where, "sum", rows)

    def activation(self, node: NodeStep, where: str) -> Block:
        a, s, d, f = n(node.activation), node.sum, n(node.derivative), node.activation_name
        y = "$y" if node.is_output else "$a"
        rows = {
            "sigmoid": [
                (y, "$f($s) = σ($s) = 1 / (1 + $e^(−$s))"),
                ("", f"1 / (1 + $e^({n(-s)}))"),
                ("", a),
                ("$f′($s)", f"{y}(1 − {y}) = {a}{NB}·{NB}(1 − {a})"),
                ("", d),
            ],
            "tanh": [
                (y, f"$f($s) = tanh({n(s)})"),
                ("", a),
                ("$f′($s)", f"1 − {y}^(2) = 1 − {n(node.activation, True)}^(2)"),
                ("", d),
            ],
        }.get(f) or self._activation_rows(get_activation(f), y, n(s), a, d)
        return Block("Forward: activation", f"{where} · {f}", "act", rows)

    @staticmethod
    def _activation_rows(
        record: Activation, y: str, s: str, a: str, d: str
    ) -> list[tuple[str, str]]:
        """Any registered activation's rows, from its record's formulas, with
        this node's sum written in where f is elementwise."""
        rows = [(y, f"$f($s) = {record.formula}")]
        if record.elementwise:
            rows.append(("", record.formula.replace("$s", s)))
        rows.append(("", a))
        if record.derivative_formula:
            rows += [("$f′($s)", record.derivative_formula), ("", d)]
        return rows

    def loss(self, node: NodeStep, where: str) -> Block:
        y, z, terms = n(node.activation), n(node.target), self.exp.loss_terms
        lhs = f"$L_({node.node})" if len(terms) > 1 else "$L"  # this output's share of L
        if self.exp.loss_name == "mse":
            rows = [(lhs, "½($y − $z)^(2)"), ("", f"½({y} − {z})^(2)")]
        elif self.exp.activation_names[-1] == "softmax":
            rows = [(lhs, "−$z·ln $y"), ("", f"−{z}{NB}·{NB}ln {y}")]
        else:
            rows = [(lhs, "−[$z·ln $y + (1 − $z)·ln(1 − $y)]")]
            rows.append(("", f"−[{z}{NB}·{NB}ln {y} + (1 − {z})·ln(1 − {y})]"))
        rows.append(("", n(node.loss)))
        if len(terms) > 1:
            total = sum_of([n(t) for t in terms], node.node)
            rows.append(("$L", f"Σ_($k) $L_($k) = {total} = {n(self.exp.loss)}"))
        return Block("Loss", f"{where} · target $z = {z}", "loss", rows)

    def delta(self, node: NodeStep, where: str) -> Block:
        y, z, fp, d = n(node.activation), n(node.target or 0.0), n(node.derivative), n(node.delta)
        if node.is_output and self.exp.loss_name == "cross-entropy":
            rows = [("$δ_(o)", "$y − $z"), ("", f"{y} − {z}"), ("", d)]
            return Block("Backward: output error signal", where, "delta", rows, self.exp.notes[0])
        if node.is_output:
            rows = [("$δ_(o)", "$f′($s)·($y − $z)"), ("", f"{fp}{NB}·{NB}({y} − {z})"), ("", d)]
            return Block("Backward: output error signal", where, "delta", rows)
        pairs = zip(node.next_weights, node.next_deltas)
        terms = [f"({n(w)}{NB}·{NB}{n(dj)})" for w, dj in pairs]
        rows = [
            ("$δ_(h)", "$f′($s)·Σ_($j) $w_($j)·$δ_($j)"),
            ("", f"{fp}{NB}·{NB}[{sum_of(terms)}]"),
            ("", f"{fp}{NB}·{NB}{n(node.back_sum, True)}"),
            ("", d),
        ]
        note = (
            f"$j runs over the {len(terms)} node(s) of the next layer; "
            "every δ uses the weights before the update"
        )
        return Block("Backward: hidden error signal", where, "delta", rows, note)

    def gradients(self, node: NodeStep, where: str, weight: int | None, bias: bool) -> list[Block]:
        exp, (l, j), x = self.exp, (node.layer_index - 1, node.node), node.layer_index == 1
        eta = n(exp.learning_rate)
        grad: list[tuple[str, str]] = []
        upd: list[tuple[str, str]] = []
        if weight is None:  # a node or its bias: the bias first
            b = exp.for_bias(l, j)
            grad.append(("∂$L/∂$b", f"$δ = {n(b.gradient)}"))
            upd += _update_rows("$b", "∂$L/∂$b", b.old, b.gradient, b.new, eta, bias)
            self.update = (param_name(("b", l, j)), b.old, b.new)
        picks = [weight] if weight is not None else ([] if bias else list(range(len(node.inputs))))
        more = len(picks) - MAX_ROWS
        note = f"and {more} more weights: select one to see it" if more > 0 else ""
        for i in picks[:MAX_ROWS]:
            w, a = exp.for_weight(l, j, i), f"${'x' if x else 'a'}_({i})"
            lhs = f"∂$L/∂$w_({i})"
            grad.append(
                (lhs, f"$δ·{a} = {n(w.delta)}{NB}·{NB}{n(w.input_value)} = {n(w.gradient)}")
            )
            if weight is None:
                upd += _update_rows(f"$w_({i})", lhs, w.old, w.gradient, w.new, eta, False)
            else:
                upd += _update_rows("$w", lhs, w.old, w.gradient, w.new, eta, True)
                self.update = (param_name(("w", l, j, i)), w.old, w.new)
        from_ = "input" if x else "activation"
        return [
            Block("Gradients", f"∂L/∂w = δ · {from_}, ∂L/∂b = δ", "grad", grad, note),
            Block("Update", f"gradient descent, η = {eta}", "update", upd, note),
        ]


def _update_rows(
    name: str, grad: str, old: float, g: float, new: float, eta: str, full: bool
) -> list[tuple[str, str]]:
    """``new = old − η·∇`` over three rows, or on one (``full`` False) for a list.

    ``name`` is markup such as ``$b`` or ``$w_(2)``; "new"/"old" join its subscript.
    """
    step = f"{n(old)} − {eta}{NB}·{NB}{n(g, True)}"
    if not full:
        return [(_tag(name, "new"), f"{step} = {n(new)}")]
    return [(_tag(name, "new"), f"{_tag(name, 'old')} − $η·{grad}"), ("", step), ("", n(new))]


def _tag(name: str, tag: str) -> str:
    """``$w_(2)`` + new → ``$w_(2,new)``; ``$b`` + new → ``$b_(new)``."""
    return name[:-1] + f",{tag})" if name.endswith(")") else f"{name}_({tag})"


# -- the widget --------------------------------------------------------------------------


class MathInspector(QWidget):
    """The formula sheet for the selected neuron, weight or bias.

    Signal-free: the main window feeds it :meth:`update_snapshot`,
    :meth:`select_param` (the graph's and tables' ``parameterSelected``) and
    :meth:`select_node`. With nothing selected it explains the output neuron.
    Hidden, it only remembers the snapshot; it renders when shown.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.exp: StepExplanation | None = None
        self.selection: tuple = ()  # ("w", l, j, i), ("b", l, j), ("node", k, j) or ()
        self.focus: str | None = None
        self._names: tuple[list[str], list[str]] = ([], [])
        self._text, self._update = "", None
        self._dirty, self._rendered_at = True, 0.0
        self.title = QLabel("Math of the next step")
        self.title.setStyleSheet("font-weight: 600;")
        self.copy_button = QToolButton()
        self.copy_button.setText("Copy")
        self.copy_button.setToolTip("Copy these equations as plain text")
        self.copy_button.clicked.connect(self.copy)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.setFrameShape(QTextBrowser.Shape.NoFrame)
        self.browser.document().setDocumentMargin(10)
        self.browser.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.browser.customContextMenuRequested.connect(self._context_menu)
        top = QHBoxLayout()
        top.setContentsMargins(8, 4, 4, 0)
        top.addWidget(self.title, 1)
        top.addWidget(self.copy_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addLayout(top)
        lay.addWidget(self.browser, 1)

    # -- input ---------------------------------------------------------------------

    def set_names(self, input_names: Sequence[str], output_names: Sequence[str]) -> None:
        """Column names for the input and output nodes (optional)."""
        self._names = (list(input_names), list(output_names))
        self._changed()

    def update_snapshot(self, snap: Snapshot) -> None:
        self.exp = snap.explanation
        # While training runs, a few renders a second are plenty to read.
        throttle = snap.running and time.perf_counter() - self._rendered_at < RUNNING_INTERVAL
        self._changed(render=not throttle)

    def select_param(self, param: Param | None) -> None:
        """Follow a parameter selected in the graph or the tables (None: the default)."""
        self.selection = tuple(param) if param else ()
        self.focus = None
        self._changed()

    def select_node(self, layer_index: int, node: int, focus: str | None = None) -> None:
        """Neuron ``node`` of layer ``layer_index`` (0 = input). ``focus`` names a
        block to tint and scroll to: sum, act, loss, delta, grad or update."""
        self.selection = ("node", int(layer_index), int(node))
        self.focus = focus
        self._changed()

    # -- output --------------------------------------------------------------------

    def plain_text(self) -> str:
        """What the sheet shows, as readable plain text (Unicode subscripts)."""
        self._render()
        return self._text

    def shown_update(self) -> tuple[str, float, float] | None:
        """(parameter name, old, new) of the update the sheet writes out last."""
        self._render()
        return self._update

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.plain_text())

    # -- rendering -----------------------------------------------------------------

    def _changed(self, render: bool = True) -> None:
        self._dirty = True
        if render and self.isVisible():
            self._render()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._render()

    def _resolved(self) -> tuple[int, int, int | None, bool]:
        """(layer_index, node, weight input or None, is bias) of the selection,
        falling back to output 0 when it does not fit the network."""
        exp, last = self.exp, len(self.exp.layer_sizes) - 1
        kind, *idx = self.selection or ("node", last, 0)
        try:
            if any(int(v) < 0 for v in idx):  # NumPy would count from the end
                raise IndexError(idx)
            if kind == "node":
                exp.for_node(*idx)
                return idx[0], idx[1], None, False
            if kind == "w":
                exp.for_weight(*idx)
                return idx[0] + 1, idx[1], idx[2], False
            exp.for_bias(*idx)
            return idx[0] + 1, idx[1], None, True
        except (IndexError, TypeError, ValueError):
            return last, 0, None, False

    def _render(self) -> None:
        if not self._dirty:
            return
        self._dirty, self._rendered_at = False, time.perf_counter()
        bar = self.browser.verticalScrollBar()
        scroll = bar.value()
        if self.exp is None:
            self._text, self._update = "No network yet.\n", None
            self.browser.setHtml("<p style='color:#777'>No network yet.</p>")
            return
        exp = self.exp
        k, j, weight, bias = self._resolved()
        sheet = Sheet(exp, self._names)
        blocks = sheet.blocks(k, j, weight, bias)
        if weight is not None:
            title = (
                f"Weight {param_name(('w', k - 1, j, weight))}: {sheet.node_name(k - 1, weight)} → "
            )
            title += sheet.node_name(k, j)
        elif bias:
            title = f"Bias {param_name(('b', k - 1, j))} of {sheet.node_name(k, j)}"
        else:
            title = f"Neuron: {sheet.node_name(k, j)}"
        xs = ", ".join(n(x) for x in exp.x[:MAX_TERMS]) + (", …" if exp.x.size > MAX_TERMS else "")
        zs = ", ".join(n(z) for z in exp.target[:MAX_TERMS])
        xs, zs = (f"({t})" if "," in t else t for t in (xs, zs))
        sample = "" if exp.sample is None else f" #{exp.sample}"
        head = [f"Next step: sample{sample} · $x = {xs} · $z = {zs} · $η = {n(exp.learning_rate)}"]
        head += [f"Note: {note}" for note in exp.notes]
        self._text = render_text(title, head, blocks)
        self._update = sheet.update
        self.title.setText(to_text(title))
        self.browser.setHtml(render_html(head, blocks, self.focus))
        if self.focus:
            self.browser.scrollToAnchor(self.focus)
        else:
            bar.setValue(scroll)  # a new snapshot must not jump the reader to the top

    def _context_menu(self, pos) -> None:
        menu = self.browser.createStandardContextMenu(pos)
        menu.addSeparator()
        menu.addAction("Copy all as plain text", self.copy)
        menu.exec(self.browser.viewport().mapToGlobal(pos))
        menu.deleteLater()
