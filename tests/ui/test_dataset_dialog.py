"""Tests of the dataset dialog (offscreen Qt, pytest-qt): loading in a thread,
errors shown in place, roles, scaling, derived inputs, split, cancel and close."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QImage
from PySide6.QtWidgets import QApplication, QDialog

from mlpviz.data import load_csv
from mlpviz.data.problem import prepare
from mlpviz.ui.dataset.column_roles import ColumnsModel
from mlpviz.ui.dataset.dialog import SYNC_PREPARE_ROWS, DatasetDialog
from mlpviz.ui.dataset.options import split_counts
from mlpviz.ui.training.loader_thread import running_tasks

ROOT = Path(__file__).resolve().parents[2]
EXAM = ROOT / "resources" / "exam-scores.csv"
SHOTS = Path("/tmp/mlpviz_shots")
BIG_ROWS = 300_000


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> Path:
    """A ~300k-row CSV: big enough that loading takes several chunks."""
    rng = np.random.default_rng(0)
    block = "\n".join(",".join(f"{v:.4f}" for v in row) for row in rng.random((1000, 3)))
    path = tmp_path_factory.mktemp("big") / "big.csv"
    path.write_text("a,b,c\n" + "\n".join([block] * (BIG_ROWS // 1000)) + "\n")
    return path


def _open(qtbot, path: Path | None = None, **kwargs) -> DatasetDialog:
    """A shown dialog; if ``path`` is given, wait until it is loaded."""
    dialog = DatasetDialog(path=path, **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    if path is not None:
        qtbot.waitUntil(lambda: not dialog.is_busy, timeout=10_000)
    return dialog


def _accept(qtbot, dialog: DatasetDialog):
    with qtbot.waitSignal(dialog.problemReady, timeout=10_000) as blocker:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    return blocker.args[0]


def _columns_table(dialog: DatasetDialog) -> list[tuple[str, str, str, str]]:
    m = dialog.columns_model
    return [tuple(m.index(r, c).data() for c in range(4)) for r in range(m.rowCount())]


def _not_blank(image: QImage) -> bool:
    colours = {
        image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
    }
    return image.width() > 300 and len(colours) > 20


# -- loading the tutorial file ---------------------------------------------------------------


def test_tutorial_file_detected_with_ranges_and_default_roles(qtbot):
    dialog = _open(qtbot, EXAM)
    assert dialog.detected_label.text() == (
        "Detected: comma-separated, with header, 4 rows × 3 columns"
    )
    assert _columns_table(dialog) == [
        ("I0", "25", "70", "Input"),
        ("I1", "67", "98", "Input"),
        ("Z0", "68", "91", "Target"),
    ]
    assert dialog.roles() == (["I0", "I1"], ["Z0"])
    assert dialog.preview_model.rowCount() == 4
    assert dialog.preview_model.columnCount() == 3
    assert dialog.preview_model.index(3, 0).data() == "25"
    assert dialog.preview_model.headerData(2, Qt.Orientation.Horizontal) == "Z0"
    # The raw text tab holds the file's lines, numbered.
    assert "1 │ I0,  I1,  Z0" in dialog.raw_preview.toPlainText()
    assert dialog.split_label.text() == "4 training rows, 0 test rows"
    assert dialog.ok_button.isEnabled()
    assert dialog.message_label.property("kind") == "info"
    assert "2 inputs and 1 output" in dialog.message_text()


def test_accepting_gives_the_tutorial_problem(qtbot):
    dialog = _open(qtbot, EXAM)
    problem = _accept(qtbot, dialog)
    assert problem is dialog.problem
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert not dialog.isVisible()
    assert dialog.path == str(EXAM)
    np.testing.assert_allclose(problem.X[0], (1.0, 1.0))
    np.testing.assert_allclose(problem.X[3], (0.0, 28 / 31))
    assert problem.input_names == ("I0", "I1")
    assert problem.target_names == ("Z0",)
    assert problem.name == "exam-scores.csv"


def test_role_combo_changes_roles_and_preview_tint(qtbot):
    dialog = _open(qtbot, EXAM)
    model = dialog.columns_model
    assert model.setData(model.index(1, ColumnsModel.ROLE_COLUMN), "Ignore")
    assert dialog.roles() == (["I0"], ["Z0"])
    tint = dialog.preview_model.index(0, 1).data(Qt.ItemDataRole.BackgroundRole)
    assert tint is None  # ignored columns lose the input tint
    # Only x₁ derived inputs remain possible with one input.
    assert dialog.derived_boxes["x1^2"].isEnabled()
    assert dialog.derived_boxes["sin x1"].isEnabled()
    assert not dialog.derived_boxes["x1*x2"].isEnabled()
    assert not dialog.derived_boxes["x2^2"].isEnabled()
    dialog.set_roles(["I0", "I1", "Z0"], [])
    assert not dialog.ok_button.isEnabled()
    assert dialog.message_label.property("kind") == "warning"
    assert "target" in dialog.message_text()


# -- errors ----------------------------------------------------------------------------------


def test_bad_csv_shows_line_and_column_and_stays_open(qtbot, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,c\n1,2,3\n4,x,6\n7,8,9\n")
    dialog = DatasetDialog(path=bad)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.loadFailed, timeout=5000) as blocker:
        dialog.show()
    text = dialog.message_text()
    assert text == blocker.args[0]
    assert "bad.csv" in text and "line 3" in text and "column 2" in text
    assert dialog.message_label.property("kind") == "error"
    assert dialog.isVisible()
    assert not dialog.ok_button.isEnabled()
    assert dialog.problem is None and dialog.dataset is None
    # The bad line is marked in the file's text, which is brought to the front.
    assert dialog.raw_preview.error_line == 3
    assert dialog.preview_tabs.currentWidget() is dialog.raw_preview
    assert len(dialog.raw_preview.extraSelections()) == 1
    dialog.accept()  # Enter on a disabled OK: nothing happens
    assert dialog.isVisible() and dialog.problem is None


def test_missing_file_error_is_shown(qtbot, tmp_path):
    dialog = _open(qtbot, tmp_path / "nope.csv")
    assert "not found" in dialog.message_text()
    assert not dialog.ok_button.isEnabled()


def test_prepare_error_is_shown_and_dialog_stays(qtbot):
    dialog = _open(qtbot, EXAM)
    dialog.target_scaling.set_fixed(100, 0)  # MIN above MAX: prepare refuses
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert dialog.problem is None
    assert dialog.message_label.property("kind") == "error"
    assert "data_min must not exceed data_max" in dialog.message_text()


# -- options -----------------------------------------------------------------------------------


def test_fixed_range_for_targets_maps_91_to_0_91(qtbot):
    dialog = _open(qtbot, EXAM)
    editor = dialog.target_scaling
    assert not editor.high.isVisible()
    editor.combo.setCurrentIndex(editor.combo.findData("fixed"))
    # The bounds start at the target's data range and appear only now.
    assert editor.high.isVisible()
    assert (editor.low.value(), editor.high.value()) == (68.0, 91.0)
    editor.low.setValue(0)
    editor.high.setValue(100)
    assert editor.spec() == "0,1:0.0,100.0"
    problem = _accept(qtbot, dialog)
    assert problem.Z[0, 0] == pytest.approx(0.91)
    np.testing.assert_allclose(problem.decode_targets(problem.Z), problem.raw_targets)


def test_scaling_choices_give_their_specs(qtbot):
    dialog = _open(qtbot)
    combo = dialog.input_scaling.combo
    specs = [combo.itemData(i) for i in range(combo.count())]
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "[0, 1]",
        "[−1, 1]",
        "Fixed range…",
        "z-score",
        "None",
    ]
    assert specs == ["0,1", "-1,1", "fixed", "zscore", "none"]
    dialog.input_scaling.set_spec("zscore")
    assert dialog.input_scaling.spec() == "zscore"
    dialog.input_scaling.set_spec("fixed:0,100")
    assert dialog.input_scaling.spec() == "0,1:0.0,100.0"
    dialog.input_scaling.set_spec("0.1,0.9")
    assert dialog.input_scaling.spec() == "0.1,0.9"  # kept as a custom entry


def test_derived_inputs_and_test_split(qtbot):
    dialog = _open(qtbot, EXAM)
    dialog.derived_boxes["x1^2"].setChecked(True)
    dialog.derived_boxes["x1*x2"].setChecked(True)
    assert "4 inputs" in dialog.message_text()
    dialog.test_fraction_spin.setValue(25)
    dialog.seed_spin.setValue(3)
    assert dialog.split_label.text() == "3 training rows, 1 test row"
    problem = _accept(qtbot, dialog)
    assert problem.input_names == ("I0", "I1", "I0²", "I0·I1")
    assert problem.X.shape == (4, 4)
    assert (len(problem.train), len(problem.test)) == (3, 1)
    assert problem.seed == 3 and problem.test_fraction == 0.25


def test_split_counts_match_the_splitter():
    from mlpviz.data import train_test_split

    for n in (1, 2, 4, 10, 101):
        for frac in (0.0, 0.1, 0.25, 0.5, 0.9):
            train, test = train_test_split(n, frac, 0)
            assert split_counts(n, frac) == (len(train), len(test))


def test_current_problem_prefills_roles_and_options(qtbot):
    current = prepare(
        load_csv(EXAM), ["I1"], ["Z0"], target_scaling="zscore", test_fraction=0.5, seed=7
    )
    dialog = _open(qtbot, EXAM, current=current)
    assert dialog.roles() == (["I1"], ["Z0"])
    assert dialog.target_scaling.spec() == "zscore"
    assert dialog.input_scaling.spec() == "0,1"
    assert dialog.test_fraction_spin.value() == 50
    assert dialog.seed_spin.value() == 7
    assert _columns_table(dialog)[0][3] == "Ignore"


def test_builtin_example_fills_the_dialog(qtbot):
    dialog = _open(qtbot)
    assert not dialog.ok_button.isEnabled()
    actions = {a.text(): a for a in dialog.examples_button.menu().actions()}
    assert {"exam-scores", "xor", "circle"} <= set(actions)
    with qtbot.waitSignal(dialog.datasetShown):
        actions["xor"].trigger()
    assert dialog.detected_label.text().startswith("Built-in example “xor”: 4 rows × 3 columns")
    assert dialog.roles() == (["I0", "I1"], ["Z0"])
    problem = _accept(qtbot, dialog)
    assert problem.name == "xor"
    assert dialog.path is None
    np.testing.assert_allclose(problem.Z[:, 0], (0, 1, 1, 0))


def test_dropping_a_csv_loads_it(qtbot):
    dialog = _open(qtbot)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(EXAM))])
    event = QDropEvent(
        QPointF(20, 20),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(dialog.datasetShown, timeout=5000):
        dialog.dropEvent(event)
    assert event.isAccepted()
    assert dialog.path == str(EXAM)


# -- the loader thread: cancel, close, big data ------------------------------------------


def test_cancel_during_large_load_keeps_previous_data(qtbot, big_csv):
    dialog = _open(qtbot, EXAM)
    shown = []
    dialog.datasetShown.connect(shown.append)
    dialog.load(big_csv)
    thread = dialog.load_thread
    assert dialog.is_loading
    assert dialog.progress_bar.isVisible() and dialog.cancel_load_button.isVisible()
    assert not dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.cancel_load_button, Qt.MouseButton.LeftButton)
    # Back to the previous state at once …
    assert not dialog.is_loading
    assert not dialog.progress_bar.isVisible()
    assert dialog.dataset.n_rows == 4
    assert dialog.path_edit.text() == str(EXAM)
    assert dialog.ok_button.isEnabled()
    assert "cancelled" in dialog.message_text()
    # … and the thread ends on its own, without delivering the big table.
    qtbot.waitUntil(lambda: not thread.isRunning(), timeout=3000)
    qtbot.waitUntil(lambda: running_tasks() == 0, timeout=3000)
    QApplication.processEvents()
    assert shown == []
    assert dialog.dataset.n_rows == 4
    problem = _accept(qtbot, dialog)
    assert problem.n_rows == 4


def test_large_file_loads_with_progress_and_prepares_in_background(qtbot, big_csv):
    dialog = _open(qtbot)
    values = []
    dialog.progress_bar.valueChanged.connect(values.append)
    with qtbot.waitSignal(dialog.datasetShown, timeout=10_000):
        dialog.load(big_csv)
    # Progress came chunk by chunk, up to the end.
    assert len(values) >= 3 and values == sorted(values) and values[-1] == 1000
    assert dialog.detected_label.text().endswith("300,000 rows × 3 columns")
    assert dialog.preview_model.rowCount() == 200
    assert dialog.dataset.n_rows > SYNC_PREPARE_ROWS
    dialog.test_fraction_spin.setValue(10)
    assert dialog.split_label.text() == "270,000 training rows, 30,000 test rows"
    problem = _accept(qtbot, dialog)  # prepared in the worker thread
    assert problem.X.shape == (BIG_ROWS, 2)
    assert len(problem.test) == 30_000
    assert not dialog.load_thread.isRunning() or dialog.load_thread.wait(2000)


def test_closing_while_loading_stops_the_thread(qtbot, big_csv):
    dialog = _open(qtbot)
    dialog.load(big_csv)
    thread = dialog.load_thread
    assert thread.isRunning()
    start = time.perf_counter()
    dialog.close()
    assert time.perf_counter() - start < 2.5
    assert not thread.isRunning()
    assert not dialog.isVisible()
    assert dialog.result() == QDialog.DialogCode.Rejected
    assert dialog.problem is None
    qtbot.waitUntil(lambda: running_tasks() == 0, timeout=3000)


def test_a_new_load_supersedes_a_running_one(qtbot, big_csv):
    dialog = _open(qtbot)
    dialog.load(big_csv)
    first = dialog.load_thread
    with qtbot.waitSignal(dialog.datasetShown, timeout=5000) as blocker:
        dialog.load(EXAM)
    assert blocker.args[0].n_rows == 4
    qtbot.waitUntil(lambda: not first.isRunning(), timeout=3000)
    QApplication.processEvents()
    assert dialog.dataset.n_rows == 4  # the superseded big load never shows up


# -- screenshot ------------------------------------------------------------------------------


def test_screenshot_after_loading_tutorial_file(qtbot, tmp_path):
    dialog = _open(qtbot, EXAM)
    dialog.test_fraction_spin.setValue(25)
    dialog.derived_boxes["x1*x2"].setChecked(True)
    dialog.target_scaling.set_fixed(0, 100)
    QApplication.processEvents()
    image = dialog.grab().toImage()
    assert _not_blank(image)
    assert image.save(str(tmp_path / "dataset_dialog.png"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    assert image.save(str(SHOTS / "dataset_dialog.png"))


def test_a_wide_file_gets_one_role_per_column_and_exact_ranges(qtbot, tmp_path):
    # 3,000 columns: the roles and ranges are looked up by name in O(1) each
    # (a tuple.index per column made the dialog stall ~0.6 s at 5,000).
    rng = np.random.default_rng(3)
    names = [f"c{i}" for i in range(3000)]
    values = rng.normal(size=(20, 3000))
    path = tmp_path / "wide.csv"
    path.write_text(
        ",".join(names)
        + "\n"
        + "\n".join(",".join(repr(v) for v in row.tolist()) for row in values)
    )
    dialog = _open(qtbot, path)
    roles = dialog.columns_model.roles()
    message = dialog.message_text()
    assert message.startswith("c0, c1, c2, c3, c4, c5, c6, …, c2998 → c2999: ")
    assert "2,999 inputs and 1 output" in message and len(message) < 200
    assert len(roles) == 3000 and roles.count("Target") == 1 and roles[-1] == "Target"
    some = names[10:2500:7]
    lo, hi = dialog.columns_model.range_of(some)
    cols = [names.index(n) for n in some]
    assert (lo, hi) == (values[:, cols].min(), values[:, cols].max())
    assert dialog.columns_model.range_of(["no such column"]) is None
