"""Tests of the data view (offscreen Qt, pytest-qt): rows, predictions,
residuals, the selected sample, on-demand predictions and a million rows."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from mlpviz.data import Dataset, load_csv
from mlpviz.data.problem import prepare
from mlpviz.engine import MLP, Trainer
from mlpviz.ui.dataset import table_text
from mlpviz.ui.dataset.data_view import PREDICTION_LIMIT, DataView
from mlpviz.ui.dataset.table_text import fixed_font
from mlpviz.ui.style import theme
from mlpviz.ui.training.measure import build_snapshot

ROOT = Path(__file__).resolve().parents[2]
EXAM = ROOT / "resources" / "exam-scores.csv"
SHOTS = Path("/tmp/mlpviz_shots")
H = Qt.Orientation.Horizontal


@pytest.fixture
def problem():
    # seed 0 holds out row 2 of the four (train = 0, 1, 3).
    p = prepare(load_csv(EXAM), ["I0", "I1"], ["Z0"], test_fraction=0.25, seed=0)
    assert list(p.test) == [2]
    return p


def _trainer(problem) -> Trainer:
    mlp = MLP.tutorial()
    return Trainer(mlp, problem.X_train, problem.Z_train, learning_rate=0.5)


@pytest.fixture
def view(qtbot) -> DataView:
    v = DataView()
    qtbot.addWidget(v)
    v.resize(900, 300)
    v.show()
    qtbot.waitExposed(v)
    return v


def _column(view: DataView, header: str) -> int:
    m = view.model
    names = [m.headerData(c, H) for c in range(m.columnCount())]
    return names.index(header)


def _cell(view: DataView, row: int, header: str, role=Qt.ItemDataRole.DisplayRole):
    return view.model.index(row, _column(view, header)).data(role)


PREDICTIONS = np.array([[90.0], [80.0], [85.0], [70.0]])


def test_rows_columns_predictions_and_residuals(view, problem):
    view.set_problem(problem)
    m = view.model
    assert m.rowCount() == 4
    headers = [m.headerData(c, H) for c in range(m.columnCount())]
    assert headers == [
        "\nrow",
        "\nsplit",
        "I0\nraw",
        "I1\nraw",
        "I0\nnormalized",
        "I1\nnormalized",
        "Z0\ntarget",
        "Z0\npredicted",
        "Z0\nresidual",
    ]
    # Before any snapshot: no predictions, shown as dashes.
    assert _cell(view, 0, "Z0\npredicted") == "—"
    assert not view.showing_predictions
    snap = build_snapshot(_trainer(problem), 0, predictions=PREDICTIONS)
    view.update_snapshot(snap)
    assert view.showing_predictions
    assert [_cell(view, r, "\nsplit") for r in range(4)] == ["train", "train", "test", "train"]
    assert _cell(view, 0, "I0\nraw") == "70"
    assert _cell(view, 0, "I0\nnormalized") == "1.0000"  # 70 is the training max
    assert _cell(view, 3, "I0\nnormalized") == "0.0000"
    assert _cell(view, 0, "Z0\ntarget") == "91"
    assert _cell(view, 0, "Z0\npredicted") == "90.000"
    assert [_cell(view, r, "Z0\nresidual") for r in range(4)] == [
        "1.000",
        "2.000",
        "-5.000",
        "-2.000",
    ]
    assert "91 − prediction 90 = 1" in _cell(view, 0, "Z0\nresidual", Qt.ItemDataRole.ToolTipRole)
    # Residuals are tinted by sign and size: blue above, orange below target.
    bg = [_cell(view, r, "Z0\nresidual", Qt.ItemDataRole.BackgroundRole) for r in range(4)]
    assert bg[1].blue() > bg[1].red()  # +2: predicted too low
    assert bg[2].red() > bg[2].blue()  # −5: predicted too high
    neutral = theme.NEUTRAL.red() + theme.NEUTRAL.green() + theme.NEUTRAL.blue()
    saturation = [neutral - (c.red() + c.green() + c.blue()) for c in bg]
    assert saturation[2] > saturation[3] > saturation[0] > 0  # |−5| > |−2| > |1|
    # Numbers are right-aligned in a fixed-width font; headers explain.
    align = _cell(view, 0, "Z0\npredicted", Qt.ItemDataRole.TextAlignmentRole)
    assert align & int(Qt.AlignmentFlag.AlignRight)
    # The table font is the one the app chose as fixed-pitch (what the
    # platform resolves it to is the platform's business).
    assert _cell(view, 0, "I0\nraw", Qt.ItemDataRole.FontRole).family() == fixed_font().family()
    for c in range(m.columnCount()):
        assert m.headerData(c, H, Qt.ItemDataRole.ToolTipRole)
    assert view.counts_label.text() == "4 rows · 3 training · 1 test"
    assert not view.note.isVisible()


def test_snapshot_from_another_problem_is_not_shown(view, problem):
    view.set_problem(problem)
    snap = build_snapshot(_trainer(problem), 0, predictions=np.zeros((7, 1)))
    view.update_snapshot(snap)
    assert not view.showing_predictions
    assert _cell(view, 0, "Z0\nresidual") == "—"


def test_selected_sample_is_highlighted_and_clicks_select_training_rows(qtbot, view, problem):
    view.set_problem(problem)
    trainer = _trainer(problem)
    view.update_snapshot(build_snapshot(trainer, 1, predictions=PREDICTIONS))
    # Training sample 2 is dataset row 3 (row 2 is the test row).
    view.update_snapshot(build_snapshot(trainer, 2, predictions=PREDICTIONS))
    assert view.model.sample_row == 3
    assert view.table.selectionModel().currentIndex().row() == 3
    assert _cell(view, 3, "I0\nraw", Qt.ItemDataRole.FontRole).bold()
    assert _cell(view, 3, "I0\nraw", Qt.ItemDataRole.BackgroundRole) is not None
    assert not _cell(view, 1, "I0\nraw", Qt.ItemDataRole.FontRole).bold()
    assert _cell(view, 0, "I0\nraw", Qt.ItemDataRole.BackgroundRole) is None

    def click(row: int) -> None:
        rect = view.table.visualRect(view.model.index(row, 3))
        qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())

    with qtbot.assertNotEmitted(view.sampleSelected):
        click(2)  # the test row
    assert view.model.sample_row == 3
    with qtbot.waitSignal(view.sampleSelected) as blocker:
        click(1)
    assert blocker.args == [1]  # dataset row 1 is training sample 1
    assert view.model.sample_row == 1


def test_row_filter_lists_training_or_test_rows(view, problem):
    view.set_problem(problem)
    view.rows_combo.setCurrentIndex(view.rows_combo.findData("test"))
    assert view.model.rowCount() == 1
    assert _cell(view, 0, "\nrow") == "2"
    view.rows_combo.setCurrentIndex(view.rows_combo.findData("train"))
    assert [_cell(view, r, "\nrow") for r in range(3)] == ["0", "1", "3"]
    view.rows_combo.setCurrentIndex(0)
    assert view.model.rowCount() == 4


def test_derived_inputs_get_normalized_columns(view):
    p = prepare(load_csv(EXAM), ["I0", "I1"], ["Z0"], derived=("x1*x2", "sin x1"))
    view.set_problem(p)
    assert _column(view, "I0·I1\nnormalized") == 6
    assert _column(view, "sin I0\nnormalized") == 7
    tip = view.model.headerData(6, H, Qt.ItemDataRole.ToolTipRole)
    assert "derived" in tip


def test_large_dataset_predictions_on_demand(qtbot, view):
    rng = np.random.default_rng(1)
    n = PREDICTION_LIMIT + 1000
    values = np.column_stack([rng.random((n, 2)), rng.random(n)])
    p = prepare(Dataset(("a", "b", "y"), values), ["a", "b"], ["y"])
    view.set_problem(p)
    trainer = Trainer(MLP.tutorial(), p.X_train[:10], p.Z_train[:10])
    view.update_snapshot(build_snapshot(trainer, 0))  # no predictions for > 5000 rows
    assert _cell(view, 0, "y\npredicted") == "—"
    assert view.note.isVisible()
    assert view.note_label.text() == "Predictions for large datasets are computed on demand."
    with qtbot.waitSignal(view.predictionsRequested):
        qtbot.mouseClick(view.predict_button, Qt.MouseButton.LeftButton)
    view.set_predictions(np.full((n, 1), 0.5), epoch=3)
    assert _cell(view, 0, "y\npredicted") == "0.5000"
    assert "epoch 3" in view.note_label.text()
    assert view.predict_button.text() == "Refresh predictions"
    # Later snapshots without predictions keep the computed ones.
    view.update_snapshot(build_snapshot(trainer, 0))
    assert _cell(view, 0, "y\npredicted") == "0.5000"


def test_a_million_rows_are_cheap(view):
    n = 1_000_000
    values = np.empty((n, 3))
    values[:, 0] = np.arange(n)
    values[:, 1] = np.arange(n) % 7
    values[:, 2] = np.arange(n) * 0.5
    p = prepare(Dataset(("a", "b", "y"), values), ["a", "b"], ["y"], test_fraction=0.1, seed=2)
    trainer = Trainer(MLP.tutorial(), p.X_train[:4], p.Z_train[:4])
    snap = build_snapshot(trainer, 3)
    start = time.perf_counter()
    view.set_problem(p)
    view.update_snapshot(snap)
    view.set_predictions(values[:, 2:] - 1.0, epoch=1)
    QApplication.processEvents()  # paint the visible rows
    for r in (0, 123_456, n - 1):
        assert _cell(view, r, "\nrow") == str(r)
        assert _cell(view, r, "a\nraw") == str(r)
        assert float(_cell(view, r, "y\nresidual")) == pytest.approx(1.0)
    assert view.model.rowCount() == n
    assert view.model.sample_row == int(p.train[3])
    view.rows_combo.setCurrentIndex(view.rows_combo.findData("test"))
    assert view.model.rowCount() == len(p.test) == 100_000
    assert time.perf_counter() - start < 2.0


def test_screenshot_of_the_data_view(view, problem, tmp_path):
    view.set_problem(problem)
    view.update_snapshot(build_snapshot(_trainer(problem), 1, predictions=PREDICTIONS))
    QApplication.processEvents()
    image = view.grab().toImage()
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 5) for y in range(0, image.height(), 5)
    }
    assert image.width() >= 900 and len(colours) > 20
    assert image.save(str(tmp_path / "data_view.png"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert image.save(str(SHOTS / "data_view.png"))


def test_the_table_font_is_a_fixed_pitch_family_when_the_system_one_is_not(qapp, monkeypatch):
    from PySide6.QtGui import QFontDatabase

    fixed = {f for f in QFontDatabase.families() if QFontDatabase.isFixedPitch(f)}
    # A machine whose "monospace" resolves to a proportional face: the app picks
    # the first family the database reports fixed, whatever that machine has.
    monkeypatch.setattr(table_text.QFontInfo, "fixedPitch", lambda self: False)
    chosen = fixed_font()
    if fixed:
        assert chosen.family() == table_text.first_fixed_family(QFontDatabase.families())
        assert chosen.family() in fixed
    else:  # nothing fixed installed: the system's choice stands
        expected = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont).family()
        assert chosen.family() == expected
    assert chosen.styleHint() == chosen.StyleHint.TypeWriter
    assert table_text.first_fixed_family(["no such family"]) is None
