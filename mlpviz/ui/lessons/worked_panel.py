"""Lesson 4 — the tutorial's 2-3-1 network, every number of its worked example live.

The diagram shows this sample's forward pass and δ; the sheet below writes
out each formula with its numbers, then the gradients and the new weights.
"Load into the main window" hands the network, data and settings to the app.
"Predict first" asks about the next update before its numbers show: the
diagram, readout and sheet stay hidden until the answer, and "Next question"
takes the update.
"""

from __future__ import annotations

from collections.abc import Callable

import pyqtgraph as pg
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QPushButton,
    QTextBrowser,
    QWidget,
)

from mlpviz.data.problem import Problem
from mlpviz.engine.explain import explain_step
from mlpviz.engine.settings import NetworkSpec, TrainingSettings
from mlpviz.lessons.tutorials import MLP_MATH
from mlpviz.lessons.worked_example import (
    LEARNING_RATE,
    NORMALIZATION_EXAMPLE,
    TRAINING_EXAMPLE,
    WorkedExample,
    WorkedStep,
    fmt4,
    normalization_table,
    text_differences,
)
from mlpviz.ui.lessons.base import GRADIENT, TEXT_CSS, LessonPanel, make_plot, note_box, spin_box
from mlpviz.ui.lessons.network_diagram import NetworkDiagram
from mlpviz.ui.style.plot_style import font
from mlpviz.ui.widgets.quiz_box import QuizBox

OnLoad = Callable[[Problem, NetworkSpec, TrainingSettings], None]
DATASETS = (
    (NORMALIZATION_EXAMPLE, "normalization table (70, 98 → 91 …)"),
    (TRAINING_EXAMPLE, "“training dataset” (70, 100 → 90 …)"),
)
SHEET_CSS = TEXT_CSS + "td { padding: 1px 5px; } .num { font-family: 'DejaVu Sans Mono'; }"


def _term(a: float, b: float) -> str:
    return f"({fmt4(a)} · {fmt4(b)})"


class WorkedPanel(LessonPanel):
    number = 4
    title = "The tutorial's network, worked"
    source = f"From “{MLP_MATH}”: the worked example"
    options_row = True

    def __init__(self, parent: QWidget | None = None, on_load: OnLoad | None = None) -> None:
        super().__init__(parent)
        self.on_load = on_load
        self.lesson = WorkedExample(NORMALIZATION_EXAMPLE, LEARNING_RATE)
        self.dataset_box = QComboBox()
        for key, text in DATASETS:
            self.dataset_box.addItem(text, key)
        self.lr_box = spin_box(LEARNING_RATE, 0.001, 10.0, 0.05, tip="Learning rate η")
        self.load_button = QPushButton("Load into the main window")
        self.load_button.setEnabled(on_load is not None)
        self.load_button.setToolTip(
            "Train this network on this data in the main window (tutorial weights, online SGD)"
            if on_load
            else "Open the lessons from the main window's Lessons menu to load them there"
        )
        self.add_option("data", self.dataset_box)
        self.add_option("η", self.lr_box)
        self.predict_box = QCheckBox("Predict first")
        self.predict_box.setToolTip("Answer a question about each update before it is shown")
        self.add_option("", self.predict_box)
        self.add_option("", self.load_button)
        self.dataset_box.currentIndexChanged.connect(self._dataset_changed)
        self.lr_box.valueChanged.connect(self._lr_changed)
        self.load_button.clicked.connect(self.load_into_main_window)

        self.diagram = NetworkDiagram()
        self.loss_plot = make_plot("Mean loss (4 rows)", "updates", "mean ½(y − z)²")
        self.loss_curve = self.loss_plot.getPlotItem().plot(
            pen=pg.mkPen(GRADIENT, width=2),
            symbol="o",
            symbolSize=6,
            symbolBrush=GRADIENT,
            symbolPen=None,
        )
        self.loss_plot.setMaximumWidth(360)
        self.loss_plot.setMinimumWidth(220)
        self.sheet = QTextBrowser()
        self.sheet.document().setDefaultStyleSheet(SHEET_CSS)
        self.sheet.setFont(font(10))
        self.sheet.setFrameShape(QFrame.Shape.StyledPanel)
        top = QHBoxLayout()
        top.addWidget(self.diagram, 3)
        top.addWidget(self.loss_plot, 1)
        self.body.addLayout(top, 5)
        self.body.addWidget(self.sheet, 6)
        self.quiz_box = QuizBox()
        self.quiz_box.ask_hint = "Pick an answer: then this update's numbers show, with why."
        self.quiz_box.taken = "Next question takes this update."
        self.quiz_box.hide()
        self.body.addWidget(self.quiz_box)
        self.predict_box.toggled.connect(self._predict_toggled)
        self.quiz_box.answered.connect(lambda _right: self._show_numbers())
        self.quiz_box.next_button.clicked.connect(self.step)
        self.refresh()

    # -- controls ----------------------------------------------------------------------

    def _dataset_changed(self, *_: object) -> None:
        self.lesson.set_example(str(self.dataset_box.currentData()))
        self._changed()

    def _lr_changed(self, value: float) -> None:
        self.lesson.set_lr(value)
        self._changed()

    def _predict_toggled(self, on: bool) -> None:
        self.quiz_box.setVisible(on)
        self.refresh()

    def _show_numbers(self) -> None:
        """The update's numbers: always, or in Predict first once it is answered."""
        shown = not self.predict_box.isChecked() or self.quiz_box.revealed
        for view in (self.diagram, self.readout, self.sheet):
            view.setVisible(shown)

    def load_into_main_window(self) -> None:
        if self.on_load is not None:
            L = self.lesson
            self.on_load(L.problem, L.spec(), L.settings())

    # -- drawing -----------------------------------------------------------------------------

    def refresh(self) -> None:
        L = self.lesson
        s = L.current()
        self.diagram.set_step(s)
        curve = L.loss_curve()
        self.loss_curve.setData(list(range(len(curve))), curve)
        item = self.loss_plot.getPlotItem()
        item.setXRange(0, max(8, len(curve) - 1), padding=0.04)
        item.setYRange(0, max(curve) * 1.1, padding=0)
        first = " — the text's worked example" if s.update == 0 else ""
        self.readout.setText(
            f"<span style='font-size:12.5pt'>update <b>{s.update + 1}</b>{first} · epoch "
            f"{s.epoch + 1}, row {s.row + 1}: raw ({', '.join(f'{v:g}' for v in s.raw_inputs)})"
            f" → {s.raw_target:g} · x = ({', '.join(fmt4(v) for v in s.x)}), "
            f"z = {fmt4(s.z)}</span><br>y = <b>{fmt4(s.y)}</b> · L = ½(y − z)² = "
            f"<b>{fmt4(s.loss)}</b> · δo = <b>{fmt4(s.delta_o)}</b> · after this update "
            f"L = {fmt4(s.loss_after)} · mean loss over the rows {fmt4(L.mean_loss())}"
        )
        bar = self.sheet.verticalScrollBar()
        pos = bar.value()
        self.sheet.setHtml(self._sheet(s))
        bar.setValue(pos)
        self.set_text(self._html())
        if self.predict_box.isChecked():
            mlp = L.mlp.copy()
            mlp.set_params(L.params)
            row = s.row
            x, z = L.problem.X[row], L.problem.Z[row]
            self.quiz_box.set_explanation(explain_step(mlp, x, z, L.lr, row))
        self._show_numbers()

    def extra_texts(self) -> list[str]:
        return [self.sheet.toPlainText()]

    def _sheet(self, s: WorkedStep) -> str:
        """Every formula of the text, with this sample's numbers."""
        forward = []
        for j in range(len(s.hidden_sums)):
            terms = " + ".join(_term(s.x[i], s.wh[j, i]) for i in range(len(s.x)))
            forward.append(
                f"<tr><td>s<sub>h{j}</sub> = {terms} + {fmt4(s.bh[j])} = "
                f"<b>{fmt4(s.hidden_sums[j])}</b></td><td>a<sub>h{j}</sub> = σ(s) = "
                f"<b>{fmt4(s.hidden_acts[j])}</b></td></tr>"
            )
        terms = " + ".join(_term(a, w) for a, w in zip(s.hidden_acts, s.wo))
        forward.append(
            f"<tr><td>s<sub>o</sub> = {terms} + {fmt4(s.bo)} = <b>{fmt4(s.output_sum)}</b></td>"
            f"<td>y = σ(s) = <b>{fmt4(s.y)}</b></td></tr>"
        )
        backward = [
            f"<tr><td>L = ½(y − z)² = ½({fmt4(s.y)} − {fmt4(s.z)})² = <b>{fmt4(s.loss)}</b>"
            "</td></tr>",
            f"<tr><td>δ<sub>o</sub> = y(1 − y)(y − z) = {fmt4(s.y)} · {fmt4(1 - s.y)} · "
            f"({fmt4(s.y - s.z)}) = <b>{fmt4(s.delta_o)}</b></td></tr>",
        ]
        for j, a in enumerate(s.hidden_acts):
            backward.append(
                f"<tr><td>δ<sub>h{j}</sub> = a(1 − a)·w<sub>o{j}</sub>·δ<sub>o</sub> = "
                f"{fmt4(a)} · {fmt4(1 - a)} · {fmt4(s.wo[j])} · ({fmt4(s.delta_o)}) = "
                f"<b>{fmt4(s.delta_h[j])}</b></td></tr>"
            )
        rows = []
        for j in range(len(s.hidden_acts)):
            for i in range(len(s.x)):
                rows.append(
                    (f"wh[0][{j}][{i}]", s.wh[j, i], f"δh{j}·x{i}", s.grad_wh[j, i], s.new_wh[j, i])
                )
            rows.append((f"bh[0][{j}]", s.bh[j], f"δh{j}", s.grad_bh[j], s.new_bh[j]))
        for j in range(len(s.hidden_acts)):
            rows.append((f"wo[0][{j}]", s.wo[j], f"δo·a{j}", s.grad_wo[j], s.new_wo[j]))
        rows.append(("bo[0]", s.bo, "δo", s.grad_bo, s.new_bo))
        half = (len(rows) + 1) // 2
        head = "<tr><th>parameter</th><th>old</th><th>∇ =</th><th>∇</th><th>new</th></tr>"

        def table(part) -> str:
            body = "".join(
                f"<tr><td style='white-space:nowrap'>{n}</td><td align='right'>{fmt4(o)}</td>"
                f"<td style='white-space:nowrap'>{g}</td>"
                f"<td align='right'>{fmt4(v)}</td><td align='right'><b>{fmt4(new)}</b></td></tr>"
                for n, o, g, v, new in part
            )
            return f"<table cellspacing='0'>{head}{body}</table>"

        return f"""
<h3>Forward pass &nbsp;<span class='muted'>s = Σ x·w + b, a = σ(s) = 1/(1 + e<sup>−s</sup>)
</span></h3>
<table cellspacing='0'>{"".join(forward)}</table>
<h3>Loss and error signals &nbsp;<span class='muted'>(all δ from the weights before the
update)</span></h3>
<table cellspacing='0'>{"".join(backward)}</table>
<h3>Gradients and new weights &nbsp;<span class='muted'>new = old − η∇, η = {fmt4(s.lr)}
</span></h3>
<table width='100%'><tr><td valign='top'>{table(rows[:half])}</td>
<td valign='top'>{table(rows[half:])}</td></tr></table>
<p>On this sample the loss goes from {fmt4(s.loss)} to <b>{fmt4(s.loss_after)}</b>.</p>
"""

    def _html(self) -> str:
        L = self.lesson
        norm_rows = []
        for v in normalization_table(L.example):
            p01 = "" if v.printed_zero_one is None else fmt4(v.printed_zero_one)
            p11 = "" if v.printed_minus_one_one is None else fmt4(v.printed_minus_one_one)
            style = " style='color:#b03a12; font-weight:bold'" if v.wrong_sign() else ""
            cells = [
                ("", v.column),
                ("", f"{v.raw:g}"),
                ("", fmt4(v.zero_one)),
                ("", fmt4(v.minus_one_one)),
                (" class='muted'", p01),
                (style, p11),
            ]
            norm_rows.append(
                "<tr>"
                + "".join(
                    f"<td align='right' style='white-space:nowrap'{a}>{t}</td>" for a, t in cells
                )
                + "</tr>"
            )
        notes = [(n.title, n.detail) for n in text_differences(L.lr)]
        return f"""
<h2>4 · The tutorial's network, worked</h2>
<p class='muted'>{self.source}</p>
<p>Two inputs, three sigmoid hidden nodes, one sigmoid output, with the text's initial
weights. Each <b>Step</b> is one online update on the next row (file order, like the
companion code): forward pass, loss, δ, gradients, new weights.</p>
<p align='center' class='formula'>s = Σ x·w + b, &nbsp; a = σ(s)<br>
δ<sub>o</sub> = y(1 − y)(y − z), &nbsp; δ<sub>h</sub> = a(1 − a)·w<sub>o</sub>·δ<sub>o</sub><br>
∇w = δ·a<sub>in</sub>, &nbsp; ∇b = δ, &nbsp; w ← w − η∇w</p>
<h3>Normalization</h3>
<p>Min-max: (v − min)/(max − min) for [0, 1], then ×2 − 1 for [−1, 1]. The target is
scaled the same way (91 → 1.0).</p>
<table cellspacing='0' style='font-size:9pt'><tr><th></th><th>raw</th><th>[0,1]</th>
<th>[−1,1]</th><th>text<br>[0,1]</th><th>text<br>[−1,1]</th></tr>{"".join(norm_rows)}</table>
<br>{note_box("Where the text differs", notes)}
<p class='muted'>“Load into the main window” trains this network from the tutorial's
weights on this table, online SGD with η = {fmt4(L.lr)}.</p>
"""
