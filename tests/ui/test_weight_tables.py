"""The weight-tables panel: values, edits, selection, copy, undo, speed, looks."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel, QPoint, Qt
from PySide6.QtGui import QColor, QUndoStack
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

from mlpviz.engine import MLP, Trainer
from mlpviz.engine.layout import param_name
from mlpviz.ui.style import theme
from mlpviz.ui.style.numbers import parse_number
from mlpviz.ui.training.measure import build_snapshot
from mlpviz.ui.training.undo import SetParameterCommand
from mlpviz.ui.weights.model import WeightTableModel
from mlpviz.ui.weights.tables import WeightTablesPanel, layer_title

DISPLAY = Qt.ItemDataRole.DisplayRole
EDIT = Qt.ItemDataRole.EditRole
BACKGROUND = Qt.ItemDataRole.BackgroundRole
TOOLTIP = Qt.ItemDataRole.ToolTipRole
FONT = Qt.ItemDataRole.FontRole

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Z = np.array([[0.0], [1.0], [1.0], [0.0]])


def tutorial_trainer(learning_rate: float = 0.5) -> Trainer:
    return Trainer(MLP.tutorial(), XOR_X, XOR_Z, learning_rate=learning_rate)


@pytest.fixture
def trainer() -> Trainer:
    return tutorial_trainer()


@pytest.fixture
def panel(qtbot, trainer) -> WeightTablesPanel:
    """The tutorial network's tables, filled from its initial snapshot."""
    p = WeightTablesPanel()
    qtbot.addWidget(p)
    mlp = trainer.mlp
    p.set_architecture(mlp.layer_sizes, ["I0", "I1"], ["Z0"], mlp.activation_names)
    p.update_snapshot(build_snapshot(trainer))
    return p


def grid(model: WeightTableModel, role=DISPLAY) -> list[list]:
    return [
        [model.data(model.index(r, c), role) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def headers(model: WeightTableModel, orientation: Qt.Orientation) -> list[str]:
    n = model.columnCount() if orientation == Qt.Orientation.Horizontal else model.rowCount()
    return [model.headerData(i, orientation, DISPLAY) for i in range(n)]


def background(model: WeightTableModel, row: int, col: int) -> QColor:
    return model.data(model.index(row, col), BACKGROUND).color()


# -- the tutorial's numbers -------------------------------------------------------


def test_tutorial_network_has_two_tables_with_its_printed_values(panel):
    assert panel.layer_count() == 2
    hidden, out = panel.model(0), panel.model(1)

    assert headers(hidden, Qt.Orientation.Horizontal) == ["I0", "I1", "bias"]
    assert headers(hidden, Qt.Orientation.Vertical) == ["h0", "h1", "h2"]
    assert grid(hidden) == [
        ["-0.5000", "-1.0000", "0.5000"],
        ["-0.5000", "0.5000", "0.5000"],
        ["1.0000", "0.0000", "0.5000"],
    ]
    assert [[float(v) for v in row] for row in grid(hidden, EDIT)] == [
        [-0.5, -1.0, 0.5],
        [-0.5, 0.5, 0.5],
        [1.0, 0.0, 0.5],
    ]

    assert headers(out, Qt.Orientation.Horizontal) == ["h0", "h1", "h2", "bias"]
    assert headers(out, Qt.Orientation.Vertical) == ["Z0"]
    assert grid(out) == [["0.5000", "-1.0000", "0.0000", "0.5000"]]

    assert panel.title(0) == "Layer 1: Input → Hidden 1 (sigmoid)"
    assert panel.title(1) == "Layer 2: Hidden 1 → Output (sigmoid)"


def test_cells_map_to_the_engines_parameters(panel):
    hidden, out = panel.model(0), panel.model(1)
    assert hidden.param(hidden.index(1, 0)) == ("w", 0, 1, 0)
    assert hidden.param(hidden.index(2, 2)) == ("b", 0, 2)
    assert out.param(out.index(0, 1)) == ("w", 1, 0, 1)
    assert hidden.index_of(("w", 0, 2, 1)) == hidden.index(2, 1)
    assert hidden.index_of(("b", 0, 1)) == hidden.index(1, 2)
    # Other layers' and out-of-range params have no cell here.
    assert not hidden.index_of(("w", 1, 0, 0)).isValid()
    assert not hidden.index_of(("w", 0, 3, 0)).isValid()
    assert not hidden.index_of(("w", 0, 0, 2)).isValid()


def test_tint_and_text_colour_follow_the_value(panel):
    hidden = panel.model(0)
    scale = hidden.scale
    assert background(hidden, 2, 0) == theme.diverging(1.0, scale)  # strongest positive
    assert background(hidden, 0, 1) == theme.diverging(-1.0, scale)  # strongest negative
    assert background(hidden, 2, 1) == theme.NEUTRAL  # exactly 0
    fg_dark = hidden.data(hidden.index(2, 0), Qt.ItemDataRole.ForegroundRole).color()
    fg_light = hidden.data(hidden.index(2, 1), Qt.ItemDataRole.ForegroundRole).color()
    assert fg_dark == QColor(255, 255, 255)  # white on saturated blue
    assert fg_light == theme.TEXT


def test_cells_are_editable_and_right_aligned(panel):
    model = panel.model(0)
    flags = model.flags(model.index(0, 0))
    assert flags & Qt.ItemFlag.ItemIsEditable
    assert flags & Qt.ItemFlag.ItemIsSelectable
    align = model.data(model.index(0, 0), Qt.ItemDataRole.TextAlignmentRole)
    assert align & Qt.AlignmentFlag.AlignRight


def test_tooltip_names_the_parameter_and_its_gradient_and_step(panel, trainer):
    model = panel.model(0)
    before = model.data(model.index(1, 0), TOOLTIP)
    assert "w[0][1][0]" in before and "value = -0.5" in before
    assert "Δw" not in before  # no step yet

    trainer.step_sample()
    snap = build_snapshot(trainer)
    panel.update_snapshot(snap)
    tip = model.data(model.index(1, 0), TOOLTIP)
    assert "w[0][1][0]" in tip and "I0 → h1" in tip
    assert f"∂L/∂w = {snap.gradient[2]:.6g}" in tip  # flat index of w[0][1][0]
    assert f"last Δw = {snap.update[2]:+.6g}" in tip
    bias_tip = model.data(model.index(0, 2), TOOLTIP)
    assert "b[0][0]" in bias_tip and "∂L/∂b" in bias_tip and "last Δb" in bias_tip


# -- editing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"), [("0.25", 0.25), ("1e-3", 1e-3), (" -0.5 ", -0.5), ("+2", 2.0)]
)
def test_valid_edit_is_requested_not_applied(qtbot, panel, text, value):
    model = panel.model(0)
    index = model.index(1, 0)
    with (
        qtbot.waitSignal(panel.editRequested, timeout=1000) as blocker,
        qtbot.assertNotEmitted(panel.editRejected),
    ):
        assert model.setData(index, text, EDIT) is True
    assert blocker.args == [("w", 0, 1, 0), value]
    # The worker owns the numbers: nothing changes until its next snapshot.
    assert model.data(index, DISPLAY) == "-0.5000"
    assert model.data(index, EDIT) == "-0.5"
    # …but the cell shows that a change is on its way.
    assert model.is_pending(("w", 0, 1, 0))
    assert model.data(index, FONT).italic()
    assert "pending" in model.data(index, TOOLTIP)


def test_snapshot_applies_and_clears_a_pending_edit(panel, trainer):
    model = panel.model(0)
    model.setData(model.index(1, 0), "0.25", EDIT)
    trainer.mlp.params[trainer.mlp.param_index(("w", 0, 1, 0))] = 0.25  # what the worker does
    panel.update_snapshot(build_snapshot(trainer))
    assert model.data(model.index(1, 0), DISPLAY) == "0.2500"
    assert not model.is_pending(("w", 0, 1, 0))
    assert not model.data(model.index(1, 0), FONT).italic()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("abc", "'abc' is not a number"),
        ("", "empty"),
        ("   ", "empty"),
        ("nan", "'nan' is not a finite number"),
        ("inf", "'inf' is not a finite number"),
        ("-Infinity", "not a finite number"),
        ("1,5,0", "'1,5,0' is not a number"),
        ("1.000,5", "'1.000,5' is not a number"),
    ],
)
def test_invalid_edit_is_rejected_naming_the_cell(qtbot, panel, text, reason):
    model = panel.model(0)
    with (
        qtbot.waitSignal(panel.editRejected, timeout=1000) as blocker,
        qtbot.assertNotEmitted(panel.editRequested),
    ):
        assert model.setData(model.index(1, 0), text, EDIT) is False
    (message,) = blocker.args
    assert message.startswith("w[0][1][0]: ")
    assert reason in message
    assert not model.is_pending(("w", 0, 1, 0))


def test_rejected_bias_edit_names_the_bias(qtbot, panel):
    model = panel.model(1)
    with qtbot.waitSignal(model.editRejected, timeout=1000) as blocker:
        model.setData(model.index(0, 3), "x", EDIT)
    assert blocker.args == ["b[1][0]: 'x' is not a number"]


def test_parse_number_accepts_numbers_and_typographic_minus():
    assert parse_number("−0.5") == -0.5
    assert parse_number(0.125) == 0.125
    with pytest.raises(ValueError, match="finite"):
        parse_number(float("nan"))
    assert param_name(("w", 2, 3, 4)) == "w[2][3][4]"
    assert param_name(("b", 1, 0)) == "b[1][0]"


def test_edit_through_the_view_delegate(qtbot, panel):
    panel.resize(420, 400)
    panel.show()
    qtbot.waitExposed(panel)
    view = panel.view(0)
    index = view.model().index(1, 0)
    view.setCurrentIndex(index)
    view.edit(index)
    editor = view.viewport().findChild(QLineEdit)
    assert editor is not None and editor.isVisible()
    assert editor.text() == "-0.5"  # full precision in the editor
    editor.selectAll()
    qtbot.keyClicks(editor, "0.75")
    with qtbot.waitSignal(panel.editRequested, timeout=1000) as blocker:
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert blocker.args == [("w", 0, 1, 0), 0.75]
    assert view.model().data(index, DISPLAY) == "-0.5000"


def test_open_editor_survives_snapshots(qtbot, panel, trainer):
    panel.show()
    qtbot.waitExposed(panel)
    view = panel.view(0)
    index = view.model().index(0, 1)
    view.setCurrentIndex(index)
    view.edit(index)
    editor = view.viewport().findChild(QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "0.3")
    trainer.step_sample()  # training goes on while the user types
    panel.update_snapshot(build_snapshot(trainer))
    assert editor.text() == "0.3"
    qtbot.keyClicks(editor, "5")
    with qtbot.waitSignal(panel.editRequested, timeout=1000) as blocker:
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert blocker.args == [("w", 0, 0, 1), 0.35]


def test_typing_garbage_in_the_view_is_rejected(qtbot, panel):
    panel.show()
    qtbot.waitExposed(panel)
    view = panel.view(1)
    index = view.model().index(0, 3)
    view.setCurrentIndex(index)
    view.edit(index)
    editor = view.viewport().findChild(QLineEdit)
    editor.selectAll()
    qtbot.keyClicks(editor, "lots")
    with (
        qtbot.waitSignal(panel.editRejected, timeout=1000) as blocker,
        qtbot.assertNotEmitted(panel.editRequested),
    ):
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert blocker.args == ["b[1][0]: 'lots' is not a number"]


# -- snapshots ---------------------------------------------------------------------


def test_update_snapshot_changes_values_in_place_without_reset(qtbot, panel, trainer):
    model = panel.model(0)
    before_text = grid(model)
    before_tint = [[c.color().name() for c in row] for row in grid(model, BACKGROUND)]
    for _ in range(8):
        trainer.step_sample()
    snap = build_snapshot(trainer)
    with (
        qtbot.assertNotEmitted(model.modelReset),
        qtbot.waitSignal(model.dataChanged, timeout=1000) as changed,
    ):
        panel.update_snapshot(snap)
    top_left, bottom_right = changed.args[:2]
    assert (top_left.row(), top_left.column()) == (0, 0)
    assert (bottom_right.row(), bottom_right.column()) == (2, 2)

    after_text = grid(model)
    assert after_text != before_text
    assert after_text[1][0] == f"{snap.weights()[0][1, 0]:.4f}"
    after_tint = [[c.color().name() for c in row] for row in grid(model, BACKGROUND)]
    assert after_tint != before_tint


def test_scale_shared_across_network_or_per_layer(panel, trainer):
    for _ in range(20):
        trainer.step_sample()
    snap = build_snapshot(trainer)
    panel.update_snapshot(snap)
    assert panel.scale_mode() == "network"
    shared = theme.value_scale(snap.params)
    assert panel.model(0).scale == panel.model(1).scale == pytest.approx(shared)

    panel.set_scale_mode("layer")
    out_params = np.concatenate([snap.weights()[1].ravel(), snap.biases()[1]])
    assert panel.model(1).scale == pytest.approx(theme.value_scale(out_params))
    assert panel.model(0).scale != panel.model(1).scale
    assert background(panel.model(1), 0, 1) == theme.diverging(
        snap.weights()[1][0, 1], panel.model(1).scale
    )
    with pytest.raises(ValueError, match="scale mode"):
        panel.set_scale_mode("global")


def test_new_architecture_rebuilds_the_tables(qtbot, panel):
    mlp = MLP((2, 4, 3, 2), "tanh", "sigmoid", seed=1)
    snap = build_snapshot(Trainer(mlp, XOR_X, np.tile(XOR_Z, (1, 2))))
    panel.update_snapshot(snap)
    assert panel.layer_count() == 3
    assert [panel.model(l).rowCount() for l in range(3)] == [4, 3, 2]
    assert [panel.model(l).columnCount() for l in range(3)] == [3, 5, 4]
    assert panel.title(1) == "Layer 2: Hidden 1 → Hidden 2 (tanh)"
    # Same number of inputs: the given input names survive; 2 outputs ≠ 1: defaults.
    assert headers(panel.model(0), Qt.Orientation.Horizontal) == ["I0", "I1", "bias"]
    assert headers(panel.model(2), Qt.Orientation.Vertical) == ["Z0", "Z1"]
    assert panel.model(2).data(panel.model(2).index(1, 0), EDIT) == repr(
        float(snap.weights()[2][1, 0])
    )


def test_model_set_architecture_resets(qtbot):
    model = WeightTableModel(0, ["h0"], ["I0"])
    with qtbot.waitSignal(model.modelReset, timeout=1000):
        model.set_architecture(1, ["a", "b"], ["x", "y", "z"])
    assert (model.rowCount(), model.columnCount()) == (2, 4)
    assert model.param(model.index(1, 3)) == ("b", 1, 1)


def test_layer_titles():
    assert layer_title(0, 1, "linear") == "Layer 1: Input → Output (linear)"
    assert layer_title(2, 3, "softmax") == "Layer 3: Hidden 2 → Output (softmax)"


# -- selection and copy ----------------------------------------------------------------


def test_select_param_highlights_the_cell_without_echo(qtbot, panel):
    panel.show()
    qtbot.waitExposed(panel)
    with qtbot.assertNotEmitted(panel.parameterSelected):
        assert panel.select_param(("b", 1, 0)) is True
    view = panel.view(1)
    assert view.currentIndex() == view.model().index(0, 3)
    assert view.selectionModel().selectedIndexes() == [view.model().index(0, 3)]
    assert panel.selected_param() == ("b", 1, 0)

    # Selecting elsewhere moves the one highlight to the other table.
    assert panel.select_param(("w", 0, 2, 1)) is True
    assert not panel.view(1).selectionModel().hasSelection()
    assert panel.view(0).selectionModel().selectedIndexes() == [panel.model(0).index(2, 1)]
    assert panel.selected_param() == ("w", 0, 2, 1)

    assert panel.select_param(("w", 5, 0, 0)) is False
    assert panel.select_param(None) is False
    assert panel.selected_param() is None


def test_clicking_a_cell_emits_parameter_selected(qtbot, panel):
    panel.resize(420, 500)
    panel.show()
    qtbot.waitExposed(panel)
    view = panel.view(0)
    centre = view.visualRect(view.model().index(2, 1)).center()
    with qtbot.waitSignal(panel.parameterSelected, timeout=1000) as blocker:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert blocker.args == [("w", 0, 2, 1)]

    # A click in the other table takes the highlight away from this one.
    out = panel.view(1)
    centre = out.visualRect(out.model().index(0, 3)).center()
    with qtbot.waitSignal(panel.parameterSelected, timeout=1000) as blocker:
        qtbot.mouseClick(out.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert blocker.args == [("b", 1, 0)]
    assert not view.selectionModel().hasSelection()


def test_echoed_selection_keeps_a_ctrl_click_multi_selection(qtbot, panel):
    # The main window answers parameterSelected by calling select_param back;
    # that echo must not collapse a multi-cell selection the user is making.
    panel.parameterSelected.connect(panel.select_param)
    panel.show()
    qtbot.waitExposed(panel)
    view = panel.view(0)
    model = view.model()
    a, b = model.index(0, 0), model.index(2, 2)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(a).center())
    with qtbot.waitSignal(panel.parameterSelected, timeout=1000) as blocker:
        qtbot.mouseClick(
            view.viewport(),
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.ControlModifier,
            view.visualRect(b).center(),
        )
    assert blocker.args == [("b", 0, 2)]
    assert sorted((i.row(), i.column()) for i in view.selectionModel().selectedIndexes()) == [
        (0, 0),
        (2, 2),
    ]
    assert view.selection_tsv() == "-0.5\t\t\n\t\t\n\t\t0.5"


def test_ctrl_c_copies_selected_cells_as_tsv(qtbot, panel, trainer):
    panel.show()
    qtbot.waitExposed(panel)
    view = panel.view(0)
    model = view.model()
    view.selectionModel().select(
        QItemSelection(model.index(0, 0), model.index(1, 2)),
        QItemSelectionModel.SelectionFlag.ClearAndSelect,
    )
    view.setFocus()
    QApplication.clipboard().clear()
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == "-0.5\t-1.0\t0.5\n-0.5\t0.5\t0.5"

    # Full precision: after a step the copied text round-trips exactly.
    trainer.step_sample()
    snap = build_snapshot(trainer)
    panel.update_snapshot(snap)
    view.selectAll()
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    rows = [line.split("\t") for line in QApplication.clipboard().text().split("\n")]
    copied = np.array([[float(v) for v in row] for row in rows])
    expected = np.column_stack([snap.weights()[0], snap.biases()[0]])
    assert np.array_equal(copied, expected)
    assert any(len(v) > 8 for row in rows for v in row)  # not the 4-decimal display


def test_copy_leaves_gaps_for_unselected_cells(qtbot, panel):
    view = panel.view(0)
    model = view.model()
    sm = view.selectionModel()
    sm.select(model.index(0, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect)
    sm.select(model.index(1, 2), QItemSelectionModel.SelectionFlag.Select)
    assert view.selection_tsv() == "-0.5\t\t\n\t\t0.5"


# -- undo ------------------------------------------------------------------------------


def test_set_parameter_command_through_an_undo_stack():
    calls: list[tuple] = []
    stack = QUndoStack()
    stack.push(SetParameterCommand(lambda p, v: calls.append((p, v)), ("w", 0, 1, 0), -0.5, 0.25))
    assert calls == [(("w", 0, 1, 0), 0.25)]  # push runs redo
    assert stack.undoText() == "Set w[0][1][0] to 0.25"

    stack.undo()
    assert calls[-1] == (("w", 0, 1, 0), -0.5)
    stack.redo()
    assert calls[-1] == (("w", 0, 1, 0), 0.25)


def test_repeated_edits_of_one_cell_merge():
    calls: list[tuple] = []

    def apply(p, v):
        calls.append((p, v))

    stack = QUndoStack()
    stack.push(SetParameterCommand(apply, ("b", 0, 2), 0.5, 1.0))
    stack.push(SetParameterCommand(apply, ("b", 0, 2), 1.0, 2.0))
    assert stack.count() == 1
    assert stack.undoText() == "Set b[0][2] to 2"
    stack.undo()
    assert calls[-1] == (("b", 0, 2), 0.5)  # back to the value before the first edit

    stack.redo()
    stack.push(SetParameterCommand(apply, ("w", 1, 0, 0), 0.5, 0.1))  # another cell: no merge
    assert stack.count() == 2
    # An edit back to the starting value leaves nothing to undo.
    stack.push(SetParameterCommand(apply, ("w", 1, 0, 0), 0.1, 0.5))
    assert stack.count() == 1


# -- scale and looks -------------------------------------------------------------------


def test_big_network_is_built_and_updated_quickly(qtbot):
    mlp = MLP((784, 128, 64, 10), "relu", "softmax", init="he", seed=0)
    rng = np.random.default_rng(0)
    snap = build_snapshot(Trainer(mlp, rng.random((4, 784)), np.eye(10)[:4]))
    p = WeightTablesPanel()
    qtbot.addWidget(p)
    p.resize(420, 600)

    start = time.perf_counter()
    p.set_architecture(mlp.layer_sizes, None, None, mlp.activation_names)
    p.update_snapshot(snap)
    p.show()
    qtbot.waitExposed(p)
    QApplication.processEvents()
    build = time.perf_counter() - start

    start = time.perf_counter()
    for _ in range(5):
        p.update_snapshot(snap)
        QApplication.processEvents()
    update = (time.perf_counter() - start) / 5

    assert [(p.model(l).rowCount(), p.model(l).columnCount()) for l in range(3)] == [
        (128, 785),
        (64, 129),
        (10, 65),
    ]
    assert headers(p.model(0), Qt.Orientation.Horizontal)[-2:] == ["I783", "bias"]
    assert build < 2.0, f"building took {build:.2f} s"
    assert update < 0.25, f"an update took {update * 1000:.0f} ms"
    # Deep cells are reachable: select_param scrolls the table to them.
    assert p.select_param(("w", 0, 127, 783))
    view = p.view(0)
    assert view.viewport().rect().contains(view.visualRect(view.model().index(127, 783)))


def test_screenshot_looks_finished(qtbot, tmp_path, trainer):
    for _ in range(3):
        trainer.step_sample()
    host = QWidget()
    qtbot.addWidget(host)
    host.resize(420, 600)
    layout = QVBoxLayout(host)
    layout.setContentsMargins(0, 0, 0, 0)
    p = WeightTablesPanel()
    layout.addWidget(p)
    mlp = trainer.mlp
    p.set_architecture(mlp.layer_sizes, ["I0", "I1"], ["Z0"], mlp.activation_names)
    p.update_snapshot(build_snapshot(trainer))
    host.show()
    qtbot.waitExposed(host)
    p.select_param(("w", 0, 1, 0))
    QApplication.processEvents()

    image = host.grab().toImage()
    path = tmp_path / "tables.png"
    assert image.save(str(path))
    shots = Path("/tmp/mlpviz_shots")
    shots.mkdir(parents=True, exist_ok=True)
    image.save(str(shots / "tables.png"))

    colours = {image.pixel(x, y) for x in range(0, image.width(), 3) for y in range(0, 300, 3)}
    assert len(colours) > 30, "screenshot is blank"
    # The strongest weight's cell is painted in its tint (sampled left of the text).
    view, model = p.view(0), p.model(0)
    rect = view.visualRect(model.index(2, 0))
    probe = view.viewport().mapTo(host, rect.topLeft() + QPoint(4, rect.height() // 2))
    assert QColor(image.pixel(probe)) == model.data(model.index(2, 0), BACKGROUND).color()
    # Both tables are fully inside the window, not clipped at the right edge.
    for l in range(2):
        v = p.view(l)
        right = v.mapTo(host, QPoint(v.width(), 0)).x()
        assert right <= host.width()


def test_weight_table_reads_numbers_as_the_graph_editor_does(qtbot, panel):
    # Same inputs, same refusal text as every editor: the one parser's.
    model = panel.model(0)
    for text, value in (("0,5", 0.5), ("−0.25", -0.25)):
        with qtbot.waitSignal(panel.editRequested, timeout=1000) as sig:
            assert model.setData(model.index(1, 0), text, EDIT) is True
        assert sig.args == [("w", 0, 1, 0), value]
    with qtbot.waitSignal(panel.editRejected, timeout=1000) as blocker:
        assert model.setData(model.index(1, 0), "abc", EDIT) is False
    with pytest.raises(ValueError) as err:
        parse_number("abc")
    assert blocker.args == [f"w[0][1][0]: {err.value}"] == ["w[0][1][0]: 'abc' is not a number"]
