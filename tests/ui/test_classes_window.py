"""Classes and text columns in the window: the dataset dialog's task guess and
choice, a classification's network and settings, the confusion matrix, and the
data view's predicted classes (pytest-qt, offscreen)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
from PySide6.QtCore import Qt

from mlpviz.data import load_csv, load_example
from mlpviz.data.problem import prepare
from mlpviz.engine import MLP
from mlpviz.engine.settings import NetworkSpec, TrainingSettings
from mlpviz.ui.dataset.dialog import DatasetDialog
from mlpviz.ui.dataset.network_defaults import network_for
from tests.io.test_session_classes import SPECIES, iris_like

MEASURES = ["sepal_length", "sepal_width", "petal_length", "petal_width"]


def iris_csv(tmp_path: Path, n: int = 90) -> Path:
    """Four measurements, a text species column (3 classes); the site column left out."""
    rich = load_csv(iris_like(tmp_path / "rich.csv", n))
    path = tmp_path / "iris.csv"
    cols = [rich.column(c) for c in MEASURES]
    rows = [
        ",".join(f"{c[i]:g}" for c in cols) + f",{label}"
        for i, label in enumerate(rich.labels("species"))
    ]
    path.write_text(",".join([*MEASURES, "species"]) + "\n" + "\n".join(rows) + "\n")
    return path


def open_loaded(window, qtbot, path: Path) -> DatasetDialog:
    dialog = window.data_files.open_dialog(str(path))
    qtbot.waitUntil(lambda: dialog.dataset is not None and not dialog.is_busy, timeout=10_000)
    return dialog


def engine_of(window):
    snap = window.session.latest
    mlp = window.session.spec.build(snap.layer_sizes[0], snap.layer_sizes[-1])
    mlp.set_params(snap.params)
    return mlp


def column_of(model, kind: str) -> int:
    return next(c for c in range(model.columnCount()) if model.column_kind(c)[0] == kind)


def test_iris_through_the_dialog_trains_three_named_classes(window, qtbot, tmp_path):
    dialog = open_loaded(window, qtbot, iris_csv(tmp_path))
    # The dialog's guess: a text target is a class column.
    assert dialog.roles() == (MEASURES, ["species"])
    assert dialog.task() == "classification"
    assert dialog.options.task_choice.combo.currentText() == "Auto: classification"
    assert "3 classes (setosa, versicolor, virginica)" in dialog.options.task_choice.note.text()
    assert "→ setosa, versicolor, virginica (classes of species)" in dialog.message_text()
    assert "4 inputs and 3 outputs" in dialog.message_text()
    # Class targets are never scaled; inputs are standardised.
    assert not dialog.target_scaling.isEnabled() and dialog.target_scaling.spec() == "none"
    assert dialog.input_scaling.spec() == "zscore"
    assert dialog.prepare_arguments()["task"] == "classification"
    dialog.test_fraction_spin.setValue(20)
    dialog.accept()
    qtbot.waitUntil(lambda: window.session.problem.name == "iris.csv")
    p = window.session.problem
    assert p.task == "classification" and p.target_names == SPECIES
    qtbot.waitUntil(lambda: window.session.latest.layer_sizes[-1] == 3)
    # Three output nodes named by class; the panel shows softmax + cross-entropy.
    nodes = window.graph.node_items
    sizes = window.session.latest.layer_sizes
    assert sizes[0] == 4
    last = len(sizes) - 1
    assert [nodes[(last, j)].label.text() for j in range(3)] == list(SPECIES)
    panel = window.settings_panel
    assert panel.output_activation.currentText() == "softmax"
    assert panel.loss.currentText() == "cross-entropy"
    assert window.session.spec.output_activation == "softmax"
    assert window.session.spec.loss == "cross-entropy"
    # Train; the confusion matrix fills with the engine's counts.
    window.confusion_dock.show()
    window.confusion_dock.raise_()
    window.controls.epochs.setValue(40)
    window.controls.run_n.trigger()
    qtbot.waitUntil(
        lambda: window.session.latest.epoch >= 40 and not window.session.running, timeout=30_000
    )
    view = window.confusion_view
    qtbot.waitUntil(lambda: view.confusion is not None and view.matrix("train") is not None)
    qtbot.waitUntil(lambda: window.session.latest.confusion is view.confusion)
    mlp = engine_of(window)
    y = mlp.forward(p.X).activations[-1]
    truth, picked = p.Z.argmax(1), y.argmax(1)
    expected = np.zeros((3, 3), dtype=np.int64)
    np.add.at(expected, (truth[p.train], picked[p.train]), 1)
    np.testing.assert_array_equal(view.matrix("train"), expected)
    assert view.matrix("test").sum() == len(p.test) == 18
    assert np.trace(expected) / expected.sum() > 0.8  # separable blobs: mostly right
    # The data view labels each row's prediction by class, with its probability.
    data = window.data_view
    window.data_dock.show()
    window.data_dock.raise_()
    qtbot.waitUntil(lambda: data.showing_predictions)
    model = data.model
    label_col, prob_col, class_col = (column_of(model, k) for k in ("label", "prob", "class"))
    assert model.headerData(label_col, Qt.Orientation.Horizontal) == "species\npredicted"
    shown = model.predictions
    for r in range(p.n_rows):
        k = int(shown[r].argmax())
        assert model.index(r, label_col).data() == SPECIES[k]
        assert model.index(r, prob_col).data() == f"{shown[r, k]:.1%}"
        assert model.index(r, class_col).data() == SPECIES[truth[r]]
        wrong = model.index(r, label_col).data(Qt.ItemDataRole.BackgroundRole) is not None
        assert wrong == (k != truth[r]) or r == model.sample_row
    np.testing.assert_allclose(shown.sum(axis=1), 1.0)


def test_the_user_can_overrule_the_guess(window, qtbot, tmp_path):
    # Small integers are guessed to be classes; the user says they are numbers.
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 2))
    grade = np.clip(np.round(2 + x.sum(1)), 0, 4).astype(int)
    path = tmp_path / "grades.csv"
    rows = [f"{a:.3f},{b:.3f},{g}" for (a, b), g in zip(x, grade)]
    path.write_text("a,b,grade\n" + "\n".join(rows) + "\n")
    dialog = open_loaded(window, qtbot, path)
    assert dialog.task() == "classification"
    n_classes = len(np.unique(grade))
    assert f"{n_classes} outputs" in dialog.message_text()
    dialog.options.task_choice.set_choice("regression")
    assert dialog.task() == "regression"
    assert dialog.target_scaling.isEnabled() and dialog.target_scaling.spec() == "0,1"
    assert "1 output" in dialog.message_text()
    assert dialog.options.task_choice.combo.currentText() == "Regression"
    dialog.accept()
    qtbot.waitUntil(lambda: window.session.problem.name == "grades.csv")
    assert window.session.problem.task == "regression"
    qtbot.waitUntil(lambda: window.session.latest.layer_sizes == (2, 3, 1))
    assert window.session.spec.output_activation != "softmax"


def test_a_text_target_cannot_be_a_regression(qtbot, tmp_path):
    dialog = DatasetDialog(path=iris_csv(tmp_path))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.dataset is not None and not dialog.is_busy, timeout=10_000)
    dialog.options.task_choice.set_choice("regression")
    assert "species holds text" in dialog.options.task_choice.note.text()
    dialog.accept()
    assert dialog.problem is None
    assert "Classification" in dialog.message_text() or "classification" in dialog.message_text()
    assert dialog.message_label.property("kind") == "error"


def test_a_text_input_shows_as_its_one_hot_columns(qtbot, tmp_path):
    dialog = DatasetDialog(path=iris_like(tmp_path / "sites.csv"))
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.dataset is not None and not dialog.is_busy, timeout=10_000)
    assert dialog.roles()[0] == [*MEASURES, "site"]
    message = dialog.message_text()
    assert "site=north, site=south, site=west" in message
    assert "7 inputs and 3 outputs" in message
    dialog.accept()
    assert dialog.problem is not None
    assert dialog.problem.raw_input_names[-3:] == ("site=north", "site=south", "site=west")


def test_the_tutorial_example_keeps_the_tutorial_settings(window, qtbot):
    before = (window.settings_panel.network_spec(), window.settings_panel.training_settings())
    dialog = window.data_files.open_dialog()
    dialog.load_example("exam-scores")
    assert dialog.task() == "regression"
    assert dialog.options.task_choice.combo.currentText() == "Auto: regression"
    assert dialog.target_scaling.isEnabled()
    dialog.accept()
    qtbot.waitUntil(lambda: window.session.problem.name == "exam-scores")
    assert (window.settings_panel.network_spec(), window.settings_panel.training_settings()) == (
        before
    )
    assert window.session.spec == before[0] and window.session.spec.init == "tutorial"


def test_the_tutorial_after_classes_gets_the_tutorial_network_back(window, qtbot, tmp_path):
    before = (window.settings_panel.network_spec(), window.settings_panel.training_settings())
    iris = prepare(load_csv(iris_csv(tmp_path)), MEASURES, ["species"], "zscore", task="auto")
    window.set_problem(iris)
    qtbot.waitUntil(lambda: window.session.latest.layer_sizes[-1] == 3)
    assert window.settings_panel.network_spec().output_activation == "softmax"
    dialog = window.data_files.open_dialog()
    dialog.load_example("exam-scores")
    dialog.accept()
    qtbot.waitUntil(lambda: window.session.latest.layer_sizes == (2, 3, 1))
    assert (window.settings_panel.network_spec(), window.settings_panel.training_settings()) == (
        before
    )
    assert window.session.settings == before[1]
    np.testing.assert_array_equal(window.session.latest.params, MLP.tutorial().params)


def test_network_for_a_regression_after_classes_drops_softmax():
    ex = load_example("exam-scores")
    tutorial = prepare(ex.dataset, ex.inputs, ex.targets)
    softmax = NetworkSpec(output_activation="softmax", loss="cross-entropy", init="he")
    settings = TrainingSettings(learning_rate=0.3)
    spec, kept = network_for(tutorial, softmax, settings)
    assert (spec, kept) == (NetworkSpec(), TrainingSettings())  # the tutorial's
    assert network_for(tutorial, NetworkSpec(), settings) == (NetworkSpec(), settings)
    plain = prepare(ex.dataset.__class__(("a", "b", "c"), ex.dataset.values), ["a", "b"], ["c"])
    spec, kept = network_for(plain, replace(softmax, hidden=(7,)), settings)
    assert (spec.hidden, spec.output_activation, spec.loss, kept) == (
        (7,),
        "linear",
        "mse",
        settings,
    )


def test_text_columns_show_their_labels_in_the_dialog(qtbot, tmp_path):
    path = iris_like(tmp_path / "sites.csv")
    ds = load_csv(path)
    dialog = DatasetDialog(path=path)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.dataset is not None and not dialog.is_busy, timeout=10_000)
    preview, columns = dialog.preview_model, dialog.columns_model
    site, species = ds.index("site"), ds.index("species")
    for r in range(preview.rowCount()):
        assert preview.index(r, site).data() == ds.labels("site")[r]
        assert preview.index(r, species).data() == ds.labels("species")[r]
    assert columns.index(species, 1).data() == SPECIES[0]
    assert columns.index(species, 2).data() == SPECIES[-1]
    assert "3 categories" in columns.index(site, 0).data(Qt.ItemDataRole.ToolTipRole)
    # A text column has no numeric range to scale by.
    assert columns.range_of(["site"]) is None
    assert columns.range_of(["sepal_length", "site"]) == (
        ds.column("sepal_length").min(),
        ds.column("sepal_length").max(),
    )


def test_integers_that_hardly_repeat_are_numbers(tmp_path):
    from mlpviz.data.encoding import infer_task

    path = tmp_path / "scores.csv"
    path.write_text("a,score\n" + "".join(f"{i},{50 + 5 * i}\n" for i in range(6)))
    assert infer_task(load_csv(path), ["score"]) == "regression"  # 6 values in 6 rows
    path.write_text("a,grade\n" + "".join(f"{i},{i % 3}\n" for i in range(6)))
    assert infer_task(load_csv(path), ["grade"]) == "classification"  # 3 values, 2 rows each
