"""Honest numbers in the window: labelled train and test figures, figures that follow
a weight edit, and the confusion matrix (mlpviz/ui/training/confusion.py,
mlpviz/ui/plots/confusion.py, mlpviz/ui/shell/status.py)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from mlpviz.data.dataset import Dataset
from mlpviz.data.problem import prepare
from mlpviz.engine import MLP
from mlpviz.engine.losses import LOSSES
from mlpviz.ui.plots.confusion import REGRESSION_NOTE
from mlpviz.ui.training.confusion import class_names, confusion


def three_classes(n: int = 150, seed: int = 3):
    """Three overlapping blobs in the plane, one-hot targets, a quarter held out."""
    rng = np.random.default_rng(seed)
    label = np.arange(n) % 3
    centres = np.array([[0.0, 0.0], [2.0, 0.5], [1.0, 2.0]])
    x = centres[label] + rng.normal(0, 0.8, (n, 2))
    values = np.column_stack([x, np.eye(3)[label]])
    data = Dataset(("x", "y", "setosa", "versicolor", "virginica"), values)
    return prepare(
        data, ["x", "y"], ["setosa", "versicolor", "virginica"], test_fraction=0.25, seed=1
    )


def direct_matrix(mlp, X, Z, k):
    """Counts by a plain loop over the engine's outputs, row by row."""
    m = np.zeros((k, k), dtype=np.int64)
    for x, z in zip(X, Z):
        y = mlp.forward(x[None, :]).activations[-1][0]
        if k > 2 or len(z) > 1:
            m[int(np.argmax(z)), int(np.argmax(y))] += 1
        else:
            m[int(z[0] >= 0.5), int(y[0] >= 0.5)] += 1
    return m


def engine_of(window):
    """A network with the latest snapshot's weights, built apart from the worker."""
    snap = window.session.latest
    mlp = window.session.spec.build(snap.layer_sizes[0], snap.layer_sizes[-1])
    mlp.set_params(snap.params)
    return mlp


def show_confusion(window):
    window.confusion_dock.show()
    window.confusion_dock.raise_()


# -- the worker-side computation ---------------------------------------------------------


def test_confusion_equals_a_count_over_the_engine_predictions():
    p = three_classes()
    mlp = MLP((2, 4, 3), "tanh", "softmax", "xavier", seed=2)
    c = confusion(p, mlp)
    assert c.class_names == ("setosa", "versicolor", "virginica")
    np.testing.assert_array_equal(c.train, direct_matrix(mlp, p.X_train, p.Z_train, 3))
    np.testing.assert_array_equal(c.test, direct_matrix(mlp, p.X_test, p.Z_test, 3))
    assert c.train.sum() == len(p.train) and c.test.sum() == len(p.test)
    # A cell's rows: exactly the split's rows of that true and predicted class.
    rows = c.rows(p.train, 1, 2)
    assert len(rows) == c.train[1, 2]
    y = mlp.forward(p.X[rows]).activations[-1]
    assert (p.Z[rows].argmax(1) == 1).all() and (y.argmax(1) == 2).all()


def test_one_0_1_target_has_two_named_classes():
    assert class_names(("passed",)) == ("not passed", "passed")


# -- the window ------------------------------------------------------------------------------


def test_confusion_dock_matches_the_engine_and_a_click_selects_its_rows(window, qtbot):
    assert window.confusion_dock in window.docks  # so the View menu toggles it
    p = three_classes()
    window.set_problem(p)
    show_confusion(window)
    window.controls.epochs.setValue(30)
    window.controls.run_n.trigger()
    qtbot.waitUntil(lambda: window.session.latest.epoch == 30 and not window.session.running)
    view = window.confusion_view
    qtbot.waitUntil(lambda: view.confusion is not None and view.matrix("train") is not None)
    qtbot.waitUntil(lambda: window.session.latest.confusion is view.confusion)
    mlp = engine_of(window)
    np.testing.assert_array_equal(view.matrix("train"), direct_matrix(mlp, p.X_train, p.Z_train, 3))
    np.testing.assert_array_equal(view.matrix("test"), direct_matrix(mlp, p.X_test, p.Z_test, 3))
    table = view.matrices["test"].table
    assert [table.horizontalHeaderItem(j).text() for j in range(3)] == [
        "setosa",
        "versicolor",
        "virginica",
    ]
    # Click the test matrix's largest off-diagonal cell (or a diagonal one if none).
    counts = view.matrix("test").copy()
    off = counts - np.diag(np.diag(counts))
    i, j = np.unravel_index(np.argmax(off), off.shape) if off.any() else (0, 0)
    rect = table.visualRect(table.model().index(int(i), int(j)))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    picked = window.data_view.selected_rows()
    y = mlp.forward(p.X).activations[-1].argmax(1)
    expected = [r for r in p.test if p.Z[r].argmax() == i and y[r] == j]
    assert len(picked) == counts[i, j] > 0
    np.testing.assert_array_equal(picked, expected)
    assert window.data_dock.isVisible()


def test_status_labels_train_and_test_side_by_side(window, qtbot):
    status = window.status
    # The tutorial's data has no test split: no test figures.
    assert status.metric.text().startswith("Train ")
    assert not status.test_metric.isVisible() and not status.test.isVisible()
    p = three_classes()
    window.set_problem(p)
    window.controls.step_epoch.trigger()
    qtbot.waitUntil(lambda: window.session.latest.epoch == 1)
    qtbot.waitUntil(lambda: status.test_metric.isVisible())
    snap = window.session.latest
    mlp = engine_of(window)
    train = (mlp.forward(p.X_train).activations[-1].argmax(1) == p.Z_train.argmax(1)).mean()
    test = (mlp.forward(p.X_test).activations[-1].argmax(1) == p.Z_test.argmax(1)).mean()
    assert snap.metric == train and snap.test_metric == test
    assert status.metric.text() == f"Train accuracy {train:.1%}"
    assert status.test_metric.text() == f"Test accuracy {test:.1%}"
    assert status.test.text().startswith("Test loss")
    assert "½Σ(y − z)²" in status.loss.toolTip()
    # The loss axis names the loss in use.
    assert window.loss_plot.loss_name == LOSSES["mse"].axis_label


def test_editing_a_weight_updates_the_losses_with_the_metric(window, qtbot):
    window.controls.step_epoch.trigger()
    qtbot.waitUntil(lambda: window.session.latest.epoch == 1)
    before = window.session.latest
    window.edit_param(("w", 1, 0, 0), 3.0)
    qtbot.waitUntil(lambda: window.session.latest.params[9] == 3.0)
    snap = window.session.latest
    mlp = engine_of(window)
    p = window.session.problem
    assert snap.train_loss == mlp.loss_value(p.X_train, p.Z_train) != before.train_loss
    assert snap.metric != before.metric
    assert window.status.loss.text() != "Train loss " and str(snap.train_loss)[:5] in (
        window.status.loss.text().replace(",", "")
    )
    # The next epoch logs a loss from the edited weights: the log is used again.
    window.controls.step_epoch.trigger()
    qtbot.waitUntil(lambda: window.session.latest.epoch == 2)
    assert window.session.latest.train_loss == window.session.worker.trainer.loss_history[-1]


def test_confusion_view_explains_itself_for_regression(window, qtbot):
    window.data_files.open_example("gaussian-regression")
    show_confusion(window)
    qtbot.waitUntil(lambda: window.session.latest.n_rows == 200)
    qtbot.waitUntil(lambda: window.confusion_view.note.text() == REGRESSION_NOTE)
    assert window.session.latest.confusion is None
    assert window.confusion_view.matrix("train") is None
    assert not window.confusion_view.matrices["train"].isVisible()
