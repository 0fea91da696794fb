"""CSV files with text columns: typed columns, categories, tasks and encodings."""

from __future__ import annotations

import numpy as np
import pytest

from mlpviz.data import DatasetError, load_csv
from mlpviz.data.encoding import check_distribution, infer_task
from mlpviz.data.problem import prepare

IRIS = "a,site,species\n1.5,n,setosa\n3,s,virginica\n5,n,setosa\n6,e,versicolor\n"


@pytest.mark.parametrize("progress", [None, lambda f: None])
def test_text_columns_load_as_sorted_categories(tmp_path, progress):
    path = tmp_path / "iris.csv"
    path.write_text(IRIS)
    ds = load_csv(path, progress=progress)
    assert ds.kinds == ("number", "text", "text")
    assert ds.categories[2] == ("setosa", "versicolor", "virginica")
    assert ds.column("a").tolist() == [1.5, 3.0, 5.0, 6.0]
    assert ds.labels("species").tolist() == ["setosa", "virginica", "setosa", "versicolor"]
    with pytest.raises(DatasetError, match=r"iris.csv, line 2, column 2 \('site'\): 'n'"):
        ds.check_numbers(["site"])


def test_stray_word_in_a_numeric_column_is_still_the_load_error(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("a,b,c\n1,2,x\n3,oops,y\n5,6,z\n")
    with pytest.raises(DatasetError, match=r"line 3, column 2 \('b'\): 'oops' is not a number"):
        load_csv(path)


def test_task_auto_and_one_hot_inputs(tmp_path):
    path = tmp_path / "iris.csv"
    path.write_text(IRIS)
    ds = load_csv(path)
    assert infer_task(ds, ["species"]) == "classification"
    assert infer_task(ds, ["a"]) == "regression"
    p = prepare(ds, ["a", "site"], ["species"], "none", "zscore", task="auto")
    assert p.raw_input_names == ("a", "site=e", "site=n", "site=s")
    assert p.target_names == ("setosa", "versicolor", "virginica")
    np.testing.assert_array_equal(p.X[:, 1:].sum(axis=1), 1.0)
    np.testing.assert_array_equal(p.Z.argmax(axis=1), [0, 2, 0, 1])
    assert p.task == "classification" and p.input_columns == ("a", "site")
    with pytest.raises(DatasetError, match="holds text"):
        prepare(ds, ["a"], ["species"])  # regression on a text column


def test_small_integer_target_is_a_class_column_and_labels_read_as_in_file(tmp_path):
    path = tmp_path / "ints.csv"
    path.write_text("x,y\n" + "".join(f"{i},{i % 3}\n" for i in range(9)))
    ds = load_csv(path)
    p = prepare(ds, ["x"], ["y"], task="auto")
    assert p.target_names == ("0", "1", "2")
    many = tmp_path / "many.csv"
    many.write_text("x,y\n" + "".join(f"{i},{i}\n" for i in range(25)))
    assert infer_task(load_csv(many), ["y"]) == "regression"


def test_check_distribution_names_the_first_bad_row():
    check_distribution(np.array([[0.2, 0.8], [1.0, 0.0]]))
    with pytest.raises(ValueError, match=r"row 2 is \[1\., 1\.\]"):
        check_distribution(np.array([[0.0, 1.0], [1.0, 1.0]]))
