"""Session files with text columns and classes: the file's columns and the task
are saved, and the problem comes back the same, embedded or referenced."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from mlpviz.data import load_csv
from mlpviz.data.problem import prepare
from mlpviz.engine.settings import NetworkSpec, TrainingSettings
from mlpviz.io.session_file import SessionFileError, load_session, save_session
from tests.io.test_session_file import assert_same, edited, trained

SPEC = NetworkSpec(
    hidden=(5,), hidden_activations=("relu",), output_activation="softmax",
    loss="cross-entropy", init="he", seed=2,
)  # fmt: skip
SETTINGS = TrainingSettings(learning_rate=0.01, batch_size=4, optimizer="adam", shuffle=True)
SPECIES = ("setosa", "versicolor", "virginica")
SITES = ("north", "south", "west")


def iris_like(path: Path, n: int = 36, seed: int = 0) -> Path:
    """Four measurements, a text site (input) and a text species (3 classes)."""
    rng = np.random.default_rng(seed)
    lines = ["sepal_length,sepal_width,petal_length,petal_width,site,species"]
    for i in range(n):
        k = i % 3
        x = rng.normal([5.0 + k, 3.0, 1.5 + 2 * k, 0.2 + k], 0.2)
        lines.append(",".join(f"{v:.2f}" for v in x) + f",{SITES[(i // 3) % 3]},{SPECIES[k]}")
    path.write_text("\n".join(lines) + "\n")
    return path


INPUTS = ["sepal_length", "sepal_width", "petal_length", "petal_width", "site"]


@pytest.fixture
def iris_state(tmp_path):
    csv = iris_like(tmp_path / "iris.csv")
    problem = prepare(
        load_csv(csv), INPUTS, ["species"], "zscore", "none", 0.25, 3, name="iris",
        task="auto",
    )  # fmt: skip
    return csv, trained(problem, SPEC, SETTINGS)


def test_a_classification_with_a_text_input_round_trips_embedded(iris_state, tmp_path):
    _csv, state = iris_state
    p = state.problem
    assert p.task == "classification" and p.target_names == SPECIES
    path = tmp_path / "iris.mlpviz"
    save_session(path, state)
    d = json.loads(path.read_text())
    assert d["problem"]["task"] == "classification"
    assert d["problem"]["input_columns"] == INPUTS
    assert d["problem"]["target_columns"] == ["species"]
    assert d["dataset"]["columns"] == [*INPUTS, "species"]
    assert d["dataset"]["categories"] == {"site": list(SITES), "species": list(SPECIES)}
    loaded = load_session(path)
    assert_same(loaded, state)
    q = loaded.problem
    assert q.task == "classification"
    assert q.encoding == p.encoding
    assert q.input_columns == tuple(INPUTS) and q.target_columns == ("species",)
    assert q.raw_input_names[-3:] == ("site=north", "site=south", "site=west")


def test_a_classification_round_trips_with_the_csv_referenced(iris_state, tmp_path):
    csv, state = iris_state
    path = tmp_path / "iris.mlpviz"
    save_session(path, state, dataset_mode="reference", source_path=csv)
    loaded = load_session(path)
    assert loaded.dataset_path == csv.resolve()
    assert_same(loaded, state)
    assert loaded.problem.encoding == state.problem.encoding


def test_a_reference_to_a_csv_with_other_classes_is_not_written(iris_state, tmp_path):
    csv, state = iris_state
    text = csv.read_text().replace("virginica", "virginia")
    other = tmp_path / "other.csv"
    other.write_text(text)
    with pytest.raises(SessionFileError, match="does not hold the session's data"):
        save_session(tmp_path / "x.mlpviz", state, "reference", other)


def test_an_integer_class_column_keeps_its_class_order(tmp_path):
    # 2 < 10 as numbers, not as text: the saved categories keep the file's order.
    rng = np.random.default_rng(1)
    rows = [f"{rng.normal():.3f},{rng.normal():.3f},{(2, 10, 7)[i % 3]}" for i in range(30)]
    csv = tmp_path / "ints.csv"
    csv.write_text("a,b,label\n" + "\n".join(rows) + "\n")
    problem = prepare(load_csv(csv), ["a", "b"], ["label"], "zscore", task="auto")
    assert problem.target_names == ("2", "7", "10")
    state = trained(problem, SPEC, SETTINGS, epochs=2)
    for mode, source in (("embed", None), ("reference", csv)):
        path = tmp_path / f"{mode}.mlpviz"
        save_session(path, state, mode, source)
        loaded = load_session(path)
        assert loaded.problem.target_names == ("2", "7", "10")
        assert_same(loaded, state)


def test_a_file_without_columns_or_task_loads_as_a_regression(tmp_path):
    from tests.io.test_session_file import circle_problem

    state = trained(circle_problem())
    path = tmp_path / "run.mlpviz"
    save_session(path, state)

    def older(d):
        for key in ("input_columns", "target_columns", "task"):
            del d["problem"][key]
        d["version"] = 4

    loaded = load_session(edited(path, tmp_path, older))
    assert loaded.problem.task == "regression" and loaded.problem.encoding is None
    assert_same(loaded, state)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d["problem"].update(task="clustering"), ["problem.task", "clustering"]),
        (lambda d: d["dataset"]["categories"].update(site=[]), ["dataset.categories", "site"]),
        (lambda d: d["dataset"]["categories"].update(nope=["a"]), ["names no column"]),
        (lambda d: d["dataset"]["values"][0].__setitem__(4, 7), ["codes 0..2", "site"]),
        (lambda d: d["problem"].update(targets=["a", "b", "c"]), ["problem.targets"]),
        (lambda d: d["problem"].update(task="regression"), ["problem", "species"]),
    ],
)
def test_broken_class_fields_are_refused_by_name(iris_state, tmp_path, change, words):
    _csv, state = iris_state
    path = tmp_path / "iris.mlpviz"
    save_session(path, state)
    with pytest.raises(SessionFileError) as info:
        load_session(edited(path, tmp_path, change))
    for w in words:
        assert w in str(info.value), str(info.value)
