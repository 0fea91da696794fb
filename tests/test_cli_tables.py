"""Tables as people have them, on the command line: class columns, text
inputs, defaults chosen from the data, test files, predictions for a file."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import numpy as np
import pytest

from mlpviz.cli import EXIT_USAGE, main
from mlpviz.data import load_csv
from mlpviz.data.problem import prepare
from mlpviz.io import load_model

SPECIES = ("setosa", "versicolor", "virginica")


def _iris_like(path, n=90, seed=0):
    """Three well separated classes with a text label, and a text input."""
    rng = np.random.default_rng(seed)
    lines = ["a,b,site,species"]
    for i in range(n):
        k = i % 3
        a, b = rng.normal(k * 3.0, 0.5), rng.normal(-k * 2.0, 0.5)
        lines.append(f"{a:.3f},{b:.3f},{('north', 'south')[i % 2]},{SPECIES[k]}")
    path.write_text("\n".join(lines) + "\n")
    return path


def _final_line(out: str) -> str:
    return out.strip().splitlines()[-1]


def test_text_species_column_trains_as_three_classes(tmp_path, capsys):
    data, model_path = _iris_like(tmp_path / "iris.csv"), tmp_path / "m.json"
    assert main(["train", str(data), "--targets", "species", "--save", str(model_path)]) == 0
    out = capsys.readouterr().out
    assert "MLP(4-100-3, relu/softmax, loss=cross-entropy)" in out  # a+b+site=north/south
    final = _final_line(out)
    assert final.startswith("train loss") and "accuracy" in final
    assert float(final.split("accuracy ")[1].rstrip("%")) > 90
    model = load_model(model_path)
    assert model.target_names == SPECIES
    assert model.input_names == ("a", "b", "site=north", "site=south")
    assert model.target_scaler.to_dict()["kind"] == "none"


def test_softmax_on_one_label_column_is_refused_not_a_silent_zero_loss(tmp_path, capsys):
    path = tmp_path / "labels.csv"
    path.write_text("x,y\n" + "".join(f"{i * 0.1:.1f},{i % 3}\n" for i in range(30)))
    argv = ["train", str(path), "--task", "regression", "--output-activation", "softmax"]
    assert main(argv) == EXIT_USAGE
    out, err = capsys.readouterr()
    assert out == "" and "softmax over one output node" in err and "--task classification" in err
    # With the task left to auto, the same column becomes classes.
    assert main(["train", str(path), "--output-activation", "softmax", "--epochs", "5"]) == 0
    out = capsys.readouterr().out
    assert "-3, relu/softmax" in out and "accuracy" in _final_line(out)


def test_zscore_never_touches_class_targets(tmp_path, capsys):
    data, model_path = _iris_like(tmp_path / "iris.csv"), tmp_path / "m.json"
    argv = ["train", str(data), "--targets", "species", "--normalize", "zscore", "--epochs", "3"]
    assert main([*argv, "--save", str(model_path)]) == 0
    capsys.readouterr()
    problem = prepare(load_csv(data), ["a", "b"], ["species"], "zscore", "zscore", task="auto")
    assert set(np.unique(problem.Z)) == {0.0, 1.0}
    np.testing.assert_array_equal(problem.Z.sum(axis=1), 1.0)
    assert load_model(model_path).target_scaler.to_dict()["kind"] == "none"


def test_tutorial_init_on_another_shape_falls_back_and_says_so(capsys):
    from tests.test_cli import TRAINING_CSV

    argv = ["train", str(TRAINING_CSV), "--init", "tutorial", "--hidden", "4", "--epochs", "3"]
    assert main(argv) == 0
    out, err = capsys.readouterr()
    assert "MLP(2-4-1" in out
    [line] = err.splitlines()
    assert "2-3-1" in line and "not 2-4-1" in line and "xavier" in line


def test_default_init_on_4_3_1_works(tmp_path, capsys):
    path = tmp_path / "four.csv"
    rng = np.random.default_rng(1)
    x = rng.normal(size=(60, 4))
    rows = "".join(",".join(f"{v:.4f}" for v in (*r, r.sum())) + "\n" for r in x)
    path.write_text("a,b,c,d,y\n" + rows)
    assert main(["train", str(path), "--hidden", "3", "--epochs", "50"]) == 0
    out, err = capsys.readouterr()
    assert "MLP(4-3-1, relu/linear" in out and err == ""
    assert "R²" in _final_line(out)


def test_multi_hot_rows_are_refused_for_softmax(tmp_path, capsys):
    path = tmp_path / "multi.csv"
    path.write_text("x,p,q\n" + "".join(f"{i},{1 - i % 2},1\n" for i in range(20)))
    argv = ["train", str(path), "--targets", "p,q", "--output-activation", "softmax"]
    assert main(argv) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "probability distribution" in err and "row 1 is" in err


def test_test_file_and_predict_csv_by_name(tmp_path, capsys):
    train, test = _iris_like(tmp_path / "train.csv"), _iris_like(tmp_path / "test.csv", 30, 5)
    model_path, out_path = tmp_path / "m.json", tmp_path / "pred.csv"
    argv = ["train", str(train), "--targets", "species", "--test", str(test)]
    assert main([*argv, "--save", str(model_path)]) == 0
    final = _final_line(capsys.readouterr().out)
    assert "   test loss" in final and final.count("accuracy") == 2
    # Columns by name, in another order, the target and an extra column ignored.
    reordered = tmp_path / "reordered.csv"
    with test.open() as f:
        rows = list(csv.DictReader(f))
    reordered.write_text(
        "extra,species,site,b,a\n"
        + "".join(f"9,{r['species']},{r['site']},{r['b']},{r['a']}\n" for r in rows)
    )
    assert main(["predict", str(model_path), "--csv", str(reordered), "--out", str(out_path)]) == 0
    got = list(csv.DictReader(out_path.open()))
    assert list(got[0]) == ["species", *(f"p_{c}" for c in SPECIES)]
    assert len(got) == len(rows)
    hits = sum(g["species"] == r["species"] for g, r in zip(got, rows))
    assert hits / len(rows) > 0.9
    for g in got:
        assert sum(float(g[f"p_{c}"]) for c in SPECIES) == pytest.approx(1, abs=1e-4)
    # Without --out: the same table on stdout.
    capsys.readouterr()
    assert main(["predict", str(model_path), "--csv", str(reordered)]) == 0
    assert list(csv.DictReader(io.StringIO(capsys.readouterr().out))) == got
    # Single-row predict stays, with the text cell as typed.
    assert main(["predict", str(model_path), rows[0]["a"], rows[0]["b"], "north"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"species = {got[0]['species']}"


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        ("a,b\n1,2\n", ["p.csv, line 1", "no input column 'site'"]),
        ("a,b,site\n1,2,north\n3,x,south\n5,6,north\n", ["p.csv, line 3, column 2 ('b')", "'x'"]),
        ("a,b,site\n1,2,east\n", ["row 1", "'east'", "never saw"]),
    ],
    ids=["missing-column", "text-in-number-column", "unseen-category"],
)
def test_predict_csv_errors_are_one_line(tmp_path, capsys, content, fragments):
    data, model_path = _iris_like(tmp_path / "iris.csv"), tmp_path / "m.json"
    argv = ["train", str(data), "--targets", "species", "--epochs", "2"]
    assert main([*argv, "--save", str(model_path)]) == 0
    capsys.readouterr()
    bad = tmp_path / "p.csv"
    bad.write_text(content)
    assert main(["predict", str(model_path), "--csv", str(bad)]) == EXIT_USAGE
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1 and err.startswith("mlpviz: error: ")
    for f in fragments:
        assert f in err


def test_unknown_target_names_file_and_header_line(tmp_path, capsys):
    data = _iris_like(tmp_path / "iris.csv")
    assert main(["train", str(data), "--targets", "kind"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "iris.csv, line 1" in err and "'kind'" in err and len(err.splitlines()) == 1


def test_list_examples_at_top_level(capsys):
    from mlpviz.data import EXAMPLES

    assert main(["--list-examples"]) == 0
    assert [line.split()[0] for line in capsys.readouterr().out.splitlines()] == list(EXAMPLES)


def test_model_file_keeps_the_encoding_and_old_files_load(tmp_path, capsys):
    data, model_path = _iris_like(tmp_path / "iris.csv"), tmp_path / "m.json"
    assert (
        main(
            ["train", str(data), "--targets", "species", "--epochs", "2", "--save", str(model_path)]
        )
        == 0
    )
    capsys.readouterr()
    d = json.loads(model_path.read_text())
    assert d["encoding"]["classes"] == list(SPECIES)
    assert d["encoding"]["inputs"][2] == {"name": "site", "categories": ["north", "south"]}
    model = load_model(model_path)
    p = model.predict_cells([["0"], ["0"], ["south"]])
    assert p.shape == (1, 3) and p.sum() == pytest.approx(1)
    del d["encoding"]  # a file written before encodings: plain number columns
    old = tmp_path / "old.json"
    old.write_text(json.dumps(d))
    assert load_model(old).encoding is None
    d["encoding"] = {"inputs": [{"name": "a"}], "task": "regression"}
    old.write_text(json.dumps(d))
    with pytest.raises(ValueError, match=r"encoding\.inputs"):
        load_model(old)


def test_a_reader_that_stops_early_gets_no_error(tmp_path):
    # `mlpviz predict … --csv big.csv | head`: more output than a pipe holds.
    data, model_path = _iris_like(tmp_path / "iris.csv"), tmp_path / "m.json"
    assert main(["train", str(data), "--targets", "species", "--save", str(model_path)]) == 0
    big = tmp_path / "big.csv"
    lines = data.read_text().splitlines()
    big.write_text("\n".join([lines[0]] + lines[1:] * 60) + "\n")
    cmd = [sys.executable, "-m", "mlpviz", "predict", str(model_path), "--csv", str(big)]
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert p.stdout.readline().startswith(b"species,p_setosa")
    p.stdout.close()
    err = p.stderr.read().decode()
    assert p.wait(timeout=60) == 0, err
    assert err == ""
