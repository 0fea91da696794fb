"""Exports: weights and predictions CSV read back exactly; the standalone
Python module predicts like the model and stays inert whatever the column names."""

from __future__ import annotations

import ast
import csv
import io
import json
import os
import runpy
import stat
import subprocess
import sys

import numpy as np
import pytest

from mlpviz.data import Dataset
from mlpviz.data.problem import prepare
from mlpviz.engine import MLP
from mlpviz.engine.settings import NetworkSpec, TrainingSettings
from mlpviz.io import load_model, read_minmax, read_trained_weights, save_model, write_text_atomic
from mlpviz.io.atomic import write_bytes_atomic
from mlpviz.io.exports import (
    build_model,
    predictions_csv,
    save_go_companion,
    save_predictions_csv,
    save_standalone_python,
    save_weights_csv,
    weights_csv,
)
from mlpviz.io.standalone import standalone_python

HOSTILE = "\"\nimport os; os.system('x')"
NASTY = ["a,b", 'say "hi"', "two\nlines", "\"\"\"'''\\", "#hash", "x\r\u2028y", "zé²"]


def make_problem(
    inputs=("score1", "score2", "hours"),
    targets=("grade", "passed"),
    input_scaling="0,1",
    target_scaling="0,1",
    derived=(),
    rows=40,
    test_fraction=0.25,
):
    rng = np.random.default_rng(7)
    values = np.column_stack(
        [rng.uniform(0, 100, rows) for _ in inputs] + [rng.uniform(-5, 5, rows) for _ in targets]
    )
    ds = Dataset(tuple(inputs) + tuple(targets), values)
    return prepare(
        ds, list(inputs), list(targets), input_scaling, target_scaling, test_fraction, 3, derived
    )


def make_model(problem, hidden=(4, 3), acts=("tanh", "relu"), output="sigmoid", seed=1):
    spec = NetworkSpec(hidden, acts, output, None, "xavier", seed)
    mlp = spec.build(len(problem.input_names), len(problem.target_names))
    mlp.params[...] += np.random.default_rng(seed).normal(0, 0.3, mlp.params.shape)
    return build_model(
        problem, mlp.layer_sizes, mlp.activation_names, mlp.params, spec, TrainingSettings(), 12
    )


def parse_weights(text: str) -> list[tuple[str, list[str], list[str], np.ndarray]]:
    """Blocks of (comment, column names, row names, values incl. the bias column)."""
    blocks, current = [], []
    for row in csv.reader(io.StringIO(text)):
        if not row:
            blocks.append(current)
            current = []
        else:
            current.append(row)
    blocks.append(current)
    out = []
    for comment, header, *rows in blocks:
        assert ",".join(comment).startswith("# layer")
        assert header[0] == "node" and header[-1] == "bias"
        out.append(
            (
                ",".join(comment),
                header[1:-1],
                [r[0] for r in rows],
                np.array([[float(v) for v in r[1:]] for r in rows]),
            )
        )
    return out


# -- weights CSV ----------------------------------------------------------------------------


def test_weights_csv_reads_back_to_the_same_numbers_with_awkward_names():
    mlp = MLP((3, 4, 2, 2), ["tanh", "sigmoid"], "linear", "xavier", 5)
    mlp.params[:4] = [1e-300, -0.0, 0.1 + 0.2, -123456.789e10]
    names_in, names_out = NASTY[:3], NASTY[3:5]
    text = weights_csv(mlp, names_in, names_out)
    blocks = parse_weights(text)
    assert len(blocks) == 3
    assert blocks[0][0] == "# layer 1: input (3) -> hidden 1 (4), tanh"
    assert blocks[2][0] == "# layer 3: hidden 2 (2) -> output (2), linear"
    assert blocks[0][1] == names_in  # quoted, so commas, quotes and newlines survive
    assert blocks[1][1] == ["h0", "h1", "h2", "h3"] and blocks[1][2] == ["h0", "h1"]
    assert blocks[2][2] == names_out
    for l, (_c, _cols, _rows, values) in enumerate(blocks):
        np.testing.assert_array_equal(values[:, :-1], mlp.weights[l])  # exact, not close
        np.testing.assert_array_equal(values[:, -1], mlp.biases[l])
    assert str(np.copysign(1, blocks[0][3][0, 1])) == "-1.0"  # even −0.0 survives


def test_weights_csv_without_names_uses_the_tables_defaults(tmp_path):
    mlp = MLP.tutorial()
    save_weights_csv(tmp_path / "w.csv", mlp, (), ())
    blocks = parse_weights((tmp_path / "w.csv").read_text())
    assert blocks[0][1] == ["I0", "I1"] and blocks[1][2] == ["Z0"]
    np.testing.assert_array_equal(blocks[0][3], [[-0.5, -1, 0.5], [-0.5, 0.5, 0.5], [1, 0, 0.5]])


# -- predictions CSV ----------------------------------------------------------------------


def test_predictions_csv_has_every_row_with_split_and_exact_residuals(tmp_path):
    p = make_problem()
    pred = make_model(p).predict(p.raw_inputs)
    save_predictions_csv(tmp_path / "p.csv", p, pred)
    rows = list(csv.reader(io.StringIO((tmp_path / "p.csv").read_text())))
    assert rows[0] == [
        "row", "split", "score1", "score2", "hours", "grade", "passed",
        "grade predicted", "passed predicted", "grade residual", "passed residual",
    ]  # fmt: skip
    body = rows[1:]
    assert len(body) == p.n_rows
    assert [int(r[0]) for r in body] == list(range(p.n_rows))
    assert {i for i, r in enumerate(body) if r[1] == "test"} == set(p.test.tolist())
    assert {i for i, r in enumerate(body) if r[1] == "train"} == set(p.train.tolist())
    values = np.array([[float(v) for v in r[2:]] for r in body])
    np.testing.assert_array_equal(values[:, :3], p.raw_inputs)
    np.testing.assert_array_equal(values[:, 3:5], p.raw_targets)
    np.testing.assert_array_equal(values[:, 5:7], pred)
    np.testing.assert_array_equal(values[:, 7:], p.raw_targets - pred)


def test_predictions_csv_refuses_predictions_of_other_data():
    p = make_problem()
    with pytest.raises(ValueError, match="predictions for 6 value"):
        predictions_csv(p, np.zeros((3, 2)))


# -- standalone Python ----------------------------------------------------------------------


CASES = {
    "minmax+derived": dict(derived=("x1^2", "x1*x2", "sin x2")),
    "zscore": dict(input_scaling="zscore", target_scaling="zscore"),
    "none": dict(input_scaling="none", target_scaling="none"),
    "fixed-range": dict(input_scaling="0,1:0,100", target_scaling="-1,1:-5,5"),
    "minus-one-one": dict(input_scaling="-1,1", target_scaling="-1,1"),
}


@pytest.mark.parametrize("case", CASES)
def test_standalone_module_predicts_like_the_model(tmp_path, case):
    p = make_problem(**CASES[case])
    model = make_model(p, output="linear" if case == "zscore" else "sigmoid")
    path = tmp_path / "model_predict.py"
    save_standalone_python(path, model)
    ns = runpy.run_path(str(path))  # executes the file as a module would; no eval
    rows = np.random.default_rng(0).uniform(-20, 120, (500, 3))
    np.testing.assert_allclose(ns["predict"](rows), model.predict(rows), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ns["predict"](rows[3]), model.predict(rows[3]), rtol=1e-12)
    assert ns["predict"](rows[3].tolist()).shape == (2,)
    assert ns["INPUT_NAMES"] == ("score1", "score2", "hours")
    assert ns["TARGET_NAMES"] == ("grade", "passed")
    with pytest.raises(ValueError, match="3 value"):
        ns["predict"]([1.0, 2.0])


def test_standalone_module_softmax_classifier(tmp_path):
    p = make_problem(targets=("a", "b", "c"), target_scaling="none")
    model = make_model(p, hidden=(5,), acts=("sigmoid",), output="softmax")
    path = tmp_path / "m.py"
    path.write_text(standalone_python(model))
    ns = runpy.run_path(str(path))
    np.testing.assert_allclose(ns["predict"](p.raw_inputs), model.predict(p.raw_inputs), atol=1e-12)


def test_standalone_module_runs_from_the_command_line(tmp_path):
    p = make_problem(inputs=("score1", "score2"), targets=("grade",), derived=("x2^2",))
    model = make_model(p)
    path = tmp_path / "exam_predict.py"
    save_standalone_python(path, model)
    out = subprocess.run(
        [sys.executable, str(path), "70", "98", "60", "40"],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    got = [float(line) for line in out.stdout.split()]
    assert got == model.predict(np.array([[70.0, 98.0], [60.0, 40.0]]))[:, 0].tolist()
    bad = subprocess.run(
        [sys.executable, str(path), "70"], capture_output=True, text=True, timeout=60
    )
    assert bad.returncode == 2 and "give 2 number(s) per row" in bad.stderr


def test_hostile_column_names_stay_inert(tmp_path):
    p = make_problem(inputs=(HOSTILE, NASTY[3]), targets=(NASTY[5], NASTY[1]))
    model = make_model(p)
    source = standalone_python(model)
    tree = ast.parse(source)
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert imported == {"sys", "numpy"}
    assert not any(isinstance(n, ast.Attribute) and n.attr == "system" for n in ast.walk(tree))
    assert not any(line.lstrip().startswith("import os") for line in source.splitlines())
    # Names appear only inside string literals: nowhere else in the code.
    for name in (HOSTILE, NASTY[3], NASTY[5]):
        assert name not in source
    path = tmp_path / "evil.py"
    path.write_text(source, encoding="utf-8")
    ns = runpy.run_path(str(path))
    assert ns["INPUT_NAMES"] == (HOSTILE, NASTY[3])
    assert ns["TARGET_NAMES"] == (NASTY[5], NASTY[1])
    out = subprocess.run(
        [sys.executable, str(path), "1", "2"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    np.testing.assert_allclose(
        [float(v) for v in out.stdout.split()], model.predict(np.array([1.0, 2.0])), rtol=1e-15
    )


def test_standalone_refuses_unknown_activation_or_derived_input():
    p = make_problem()
    model = make_model(p)
    model.derived = ("__import__('os')",)
    with pytest.raises(ValueError, match="unknown derived input"):
        standalone_python(model)
    model = make_model(p)
    model.mlp.activation_names = ("tanh", "os.system", "sigmoid")
    with pytest.raises(ValueError, match="unknown activation"):
        standalone_python(model)


# -- models, Go files, atomic writes -------------------------------------------------------


def test_build_model_round_trips_through_the_model_file(tmp_path):
    p = make_problem(derived=("sin x1",))
    model = make_model(p)
    save_model(tmp_path / "m.json", model)
    back = load_model(tmp_path / "m.json")
    assert back.epoch == 12 and back.derived == ("sin x1",)
    np.testing.assert_array_equal(back.predict(p.raw_inputs), model.predict(p.raw_inputs))
    with pytest.raises(ValueError, match="does not match"):
        build_model(p, (2, 3, 2), ("sigmoid", "sigmoid"), np.zeros(17))


def test_go_companion_files_read_back_as_the_network(tmp_path):
    p = make_problem(inputs=("score1", "score2"), targets=("grade",))
    spec = NetworkSpec((3,), ("sigmoid",), "sigmoid", None, "uniform", 4)
    mlp = spec.build(2, 1)
    model = build_model(p, mlp.layer_sizes, mlp.activation_names, mlp.params, spec)
    files, warnings = save_go_companion(tmp_path, model)
    assert [f.name for f in files] == ["trained-weights-biases.json", "minmax.json"]
    assert warnings == []
    back = read_trained_weights(tmp_path / "trained-weights-biases.json")
    np.testing.assert_array_equal(back.params, mlp.params)
    ins, outs = read_minmax(tmp_path / "minmax.json")
    np.testing.assert_array_equal(
        ins.transform(p.raw_inputs), p.input_scaler.transform(p.raw_inputs)
    )
    np.testing.assert_array_equal(outs.data_max, p.target_scaler.data_max)


def test_go_companion_warns_or_refuses_what_the_go_code_cannot_do(tmp_path):
    p = make_problem(input_scaling="0,1:0,100", target_scaling="-1,1")
    _files, warnings = save_go_companion(tmp_path, make_model(p))
    assert any("sigmoid" in w for w in warnings) and any("[-1, 1]" in w for w in warnings)
    d = json.loads((tmp_path / "minmax.json").read_text())
    assert d["minInput"] == [0.0, 0.0, 0.0] and d["maxInput"] == [100.0, 100.0, 100.0]
    with pytest.raises(ValueError, match="zscore"):
        save_go_companion(tmp_path, make_model(make_problem(input_scaling="zscore")))


def test_write_bytes_atomic_replaces_and_leaves_no_temp_files(tmp_path):
    target = tmp_path / "x.png"
    write_bytes_atomic(target, b"old")
    write_bytes_atomic(target, b"\x89PNG new")
    assert target.read_bytes() == b"\x89PNG new"
    assert [f.name for f in tmp_path.iterdir()] == ["x.png"]
    with pytest.raises(OSError):
        write_bytes_atomic(tmp_path / "missing" / "x.png", b"")


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
@pytest.mark.parametrize("umask", [0o022, 0o077])
def test_saved_pictures_get_the_permissions_of_a_plain_open(tmp_path, umask):
    # mkstemp's temp file is owner-only; a picture exported for others to
    # open gets 0o666 less the umask, as text files do.
    old = os.umask(umask)
    try:
        write_bytes_atomic(tmp_path / "x.png", b"\x89PNG")
        write_text_atomic(tmp_path / "x.csv", "a,b\n")
    finally:
        os.umask(old)
    for name in ("x.png", "x.csv"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o666 & ~umask, name


def test_importing_exports_loads_no_qt():
    check = (
        "import sys, mlpviz.io.exports; "
        "bad=[m for m in sys.modules if m.split('.')[0] in "
        "('PySide6','pyqtgraph','shiboken6','PyQt5','PyQt6')]; "
        "assert not bad, bad; print('clean')"
    )
    result = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "clean"
