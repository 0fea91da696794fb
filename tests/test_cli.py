"""The ``mlpviz`` command line: train, predict, bench, errors, entry points.

Most tests call :func:`mlpviz.cli.main` in-process (fast); a few run
``python -m mlpviz`` to check the real entry point and exit status.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import numpy as np
import pytest

import mlpviz.bench.main
from mlpviz.cli import EXIT_USAGE, main
from mlpviz.data import EXAMPLES
from mlpviz.io import load_model

ROOT = Path(__file__).resolve().parents[1]
TRAINING_CSV = ROOT / "resources" / "exam-scores-training.csv"
SCORES_CSV = ROOT / "resources" / "exam-scores.csv"

ROW = re.compile(r"^\s*(\d+)\s+(-?\d+\.\d+)$")
SUMMARY = re.compile(
    r"^start loss (\d+\.\d+)\s+end loss (\d+\.\d+)\s+change ([+-]\d+\.\d\d)%$", re.MULTILINE
)
PREDICTION = re.compile(r"^(\w+) = (\S+)$", re.MULTILINE)

TUTORIAL_ARGS = [
    "--inputs",
    "I0,I1",
    "--targets",
    "Z0",
    "--hidden",
    "3",
    "--activation",
    "sigmoid",
    "--lr",
    "0.1",
    "--init",
    "tutorial",
    "--normalize",
    "0,1",
]


def run(argv: list[str]) -> int:
    """``main(argv)``'s exit status, also when argparse exits (``--help``, bad options)."""
    try:
        return main(argv)
    except SystemExit as e:
        return e.code if isinstance(e.code, int) else 1


def table(out: str) -> list[tuple[int, float]]:
    """The (epoch, loss) rows of a train run's table."""
    rows = []
    for line in out.splitlines():
        m = ROW.match(line)
        if m:
            rows.append((int(m.group(1)), float(m.group(2))))
    return rows


def summary(out: str) -> tuple[float, float, float]:
    m = SUMMARY.search(out)
    assert m, f"no summary line in:\n{out}"
    return float(m.group(1)), float(m.group(2)), float(m.group(3))


def assert_one_line_error(err: str, *fragments: str) -> None:
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got:\n{err}"
    assert lines[0].startswith("mlpviz: error: "), lines[0]
    for f in fragments:
        assert f in lines[0], f"{f!r} not in {lines[0]!r}"


@pytest.fixture(scope="module")
def model_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A model trained briefly on the tutorial data (shared by the predict tests)."""
    path = tmp_path_factory.mktemp("model") / "model.json"
    argv = ["train", str(TRAINING_CSV), *TUTORIAL_ARGS, "--epochs", "50", "--save", str(path)]
    assert main(argv) == 0
    return path


# --- train: the table and the summary ------------------------------------------------


def test_train_tutorial_run_prints_table_and_summary(tmp_path, capsys):
    model = tmp_path / "model.json"
    argv = ["train", str(TRAINING_CSV), *TUTORIAL_ARGS, "--epochs", "1000", "--save", str(model)]
    assert main(argv) == 0
    out, err = capsys.readouterr()
    assert err == ""  # captured: no progress bar, no warnings
    lines = out.splitlines()
    assert lines[0].startswith("mlpviz: MLP(2-3-1, sigmoid/sigmoid")
    assert "exam-scores-training.csv: 4 training rows" in lines[0]
    assert lines[1].split() == ["epoch", "loss"]
    rows = table(out)
    assert [e for e, _ in rows] == list(range(0, 1001, 100))  # 10 lines by default
    start, end, change = summary(out)
    assert start == pytest.approx(rows[0][1], abs=1e-6)
    assert end == pytest.approx(rows[-1][1], abs=1e-6)
    assert end < start  # it learns the tutorial data
    assert change == pytest.approx((end - start) / start * 100, abs=0.01)
    assert change < 0
    assert f"saved {model}" in lines
    assert model.is_file()


@pytest.mark.parametrize(
    ("extra", "epochs"),
    [
        (["--epochs", "20", "--every", "7"], [0, 7, 14, 20]),
        (["--epochs", "50"], [0, 5, 10, 15, 20, 25, 30, 35, 40, 45, 50]),
        (["--epochs", "3"], [0, 1, 2, 3]),
    ],
)
def test_train_table_rows_every_n_epochs(capsys, extra, epochs):
    assert main(["train", str(TRAINING_CSV), *TUTORIAL_ARGS, *extra]) == 0
    assert [e for e, _ in table(capsys.readouterr().out)] == epochs


def test_train_test_fraction_adds_test_loss_column(capsys):
    argv = ["train", str(SCORES_CSV), "--init", "uniform", "--test-fraction", "0.5"]
    assert main([*argv, "--epochs", "4"]) == 0
    out = capsys.readouterr().out
    assert "2 training rows, 2 test rows" in out
    assert out.splitlines()[1].split() == ["epoch", "loss", "test", "loss"]
    rows = [line.split() for line in out.splitlines() if re.match(r"^\s+\d+\s", line)]
    assert [int(r[0]) for r in rows] == [0, 1, 2, 3, 4]
    assert all(len(r) == 3 for r in rows)


def test_no_progress_bar_when_not_a_terminal(capsys):
    assert main(["train", str(TRAINING_CSV), *TUTORIAL_ARGS, "--epochs", "2000"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "\r" not in out
    assert table(out)[-1][0] == 2000


def test_progress_bar_on_a_terminal_for_long_runs_only(capsys, monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert main(["train", str(TRAINING_CSV), *TUTORIAL_ARGS, "--epochs", "2000"]) == 0
    out, err = capsys.readouterr()
    assert re.search(r"\[#+\.*\] \d+/2000 epochs", err)
    assert "epochs" not in out  # the bar stays off stdout; the table is intact
    assert table(out)[-1][0] == 2000
    assert main(["train", str(TRAINING_CSV), *TUTORIAL_ARGS, "--epochs", "100"]) == 0
    assert capsys.readouterr().err == ""  # short run: no bar even on a terminal


def test_example_is_the_same_as_the_csv_file(capsys):
    assert main(["train", str(TRAINING_CSV), *TUTORIAL_ARGS, "--epochs", "30"]) == 0
    from_file = capsys.readouterr().out
    argv = ["train", "--example", "exam-scores-training", *TUTORIAL_ARGS, "--epochs", "30"]
    assert main(argv) == 0
    from_example = capsys.readouterr().out
    assert "on exam-scores-training: 4 training rows" in from_example
    assert table(from_example) == table(from_file)
    assert summary(from_example) == summary(from_file)


def test_example_without_column_options(capsys):
    assert main(["train", "--example", "xor", "--epochs", "10"]) == 0
    out = capsys.readouterr().out
    assert "MLP(2-3-1" in out and "on xor: 4 training rows" in out
    assert [e for e, _ in table(out)] == list(range(11))


def test_list_examples(capsys):
    assert main(["train", "--list-examples"]) == 0
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert listed == list(EXAMPLES)
    assert "exam-scores" in listed


def _raw_inputs() -> np.ndarray:
    return np.loadtxt(TRAINING_CSV, delimiter=",", skiprows=1)[:, :2]


@pytest.mark.parametrize(
    ("normalize", "check"),
    [
        ("0,1", lambda x, s: np.allclose([s.min(axis=0), s.max(axis=0)], [[0, 0], [1, 1]])),
        ("-1,1", lambda x, s: np.allclose([s.min(axis=0), s.max(axis=0)], [[-1, -1], [1, 1]])),
        ("zscore", lambda x, s: np.allclose(s.mean(axis=0), 0) and np.allclose(s.std(axis=0), 1)),
        ("none", lambda x, s: np.array_equal(s, x)),
        ("0,1:0,100", lambda x, s: np.allclose(s, x / 100)),
        ("-1,1:0,100", lambda x, s: np.allclose(s, x / 50 - 1)),
    ],
)
def test_normalize_modes(tmp_path, capsys, normalize, check):
    model = tmp_path / "m.json"
    argv = ["train", str(TRAINING_CSV), "--init", "uniform", "--epochs", "1"]
    assert main([*argv, "--normalize", normalize, "--save", str(model)]) == 0
    capsys.readouterr()
    x = _raw_inputs()
    scaled = load_model(model).input_scaler.transform(x)
    assert check(x, scaled)


def test_target_normalize_defaults_to_normalize_and_can_differ(tmp_path):
    same, other = tmp_path / "same.json", tmp_path / "other.json"
    argv = ["train", str(TRAINING_CSV), "--init", "uniform", "--epochs", "1"]
    assert main([*argv, "--normalize", "-1,1", "--save", str(same)]) == 0
    assert main([*argv, "--target-normalize", "0,1:0,100", "--save", str(other)]) == 0
    z = np.array([[70.0], [90.0]])
    assert np.allclose(load_model(same).target_scaler.transform(z), [[-1], [1]])
    assert np.allclose(load_model(other).target_scaler.transform(z), [[0.7], [0.9]])


# --- predict ----------------------------------------------------------------------------


def test_train_save_then_predict_matches_the_model_in_python(tmp_path, capsys):
    model = tmp_path / "model.json"
    argv = ["train", str(TRAINING_CSV), *TUTORIAL_ARGS, "--epochs", "200", "--save", str(model)]
    assert main(argv) == 0
    capsys.readouterr()
    assert main(["predict", str(model), "70", "98"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    [(name, text)] = PREDICTION.findall(out)
    assert name == "Z0"
    expected = load_model(model).predict(np.array([70.0, 98.0]))
    assert expected.shape == (1,)
    assert float(text) == pytest.approx(expected[0], rel=1e-5)
    assert text == f"{expected[0]:.6g}"
    assert 70 <= float(text) <= 90  # the target's units (scores), not the 0..1 scaled range


def test_predict_accepts_negative_and_scientific_values(model_file, capsys):
    assert main(["predict", str(model_file), "-1e1", "98"]) == 0
    [(_, text)] = PREDICTION.findall(capsys.readouterr().out)
    expected = load_model(model_file).predict(np.array([-10.0, 98.0]))[0]
    assert float(text) == pytest.approx(expected, rel=1e-5)


# --- errors: one line on stderr, exit status 2 -----------------------------------------


def _bad_csv(tmp_path: Path) -> Path:
    path = tmp_path / "bad.csv"
    path.write_text("a,b,c\n1,2,3\n4,x,6\n7,8,9\n")
    return path


def _truncated(model: Path, tmp_path: Path) -> Path:
    path = tmp_path / "truncated.json"
    path.write_bytes(model.read_bytes()[:120])
    return path


def _tampered(model: Path, tmp_path: Path) -> Path:
    d = json.loads(model.read_text())
    d["layer_sizes"] = [2, 4, 1]  # the weights no longer fit
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(d))
    return path


def _not_a_model(model: Path, tmp_path: Path) -> Path:
    path = tmp_path / "list.json"
    path.write_text("[]")
    return path


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (lambda t, m: ["train", str(t / "missing.csv")], ["missing.csv"]),
        (lambda t, m: ["train", str(_bad_csv(t))], ["bad.csv", "line 3", "column 2", "'x'"]),
        (lambda t, m: ["train", str(TRAINING_CSV), "--inputs", "I0,Q"], ["'Q'"]),
        (lambda t, m: ["train", str(TRAINING_CSV), "--targets", "Nope"], ["'Nope'"]),
        (lambda t, m: ["train", "--example", "nope"], ["unknown example 'nope'", "xor"]),
        (lambda t, m: ["train"], ["--example"]),
        (lambda t, m: ["train", str(TRAINING_CSV), "--example", "xor"], ["not both"]),
        (lambda t, m: ["train", str(TRAINING_CSV), "--normalize", "0-1"], ["'0-1'"]),
        (lambda t, m: ["train", str(TRAINING_CSV), "--activation", "nope"], ["'nope'"]),
        (lambda t, m: ["train", str(TRAINING_CSV), "--epochs", "0"], ["--epochs"]),
        (lambda t, m: ["train", str(TRAINING_CSV), "--every", "-5"], ["--every"]),
        (lambda t, m: ["train", str(TRAINING_CSV), "--save", str(t / "no" / "m.json")], ["no"]),
        (lambda t, m: ["predict", str(m), "70"], ["2 input value(s)", "got 1"]),
        (lambda t, m: ["predict", str(m), "70", "98", "5"], ["got 3"]),
        (lambda t, m: ["predict", str(m), "70", "abc"], ["'abc' is not a number"]),
        (lambda t, m: ["predict", str(m), "nan", "98"], ["'nan'"]),
        (lambda t, m: ["predict", str(t / "missing.json"), "70", "98"], ["missing.json"]),
        (lambda t, m: ["predict", str(_truncated(m, t)), "70", "98"], ["truncated.json"]),
        (lambda t, m: ["predict", str(_tampered(m, t)), "70", "98"], ["tampered.json"]),
        (lambda t, m: ["predict", str(_not_a_model(m, t)), "70", "98"], ["list.json"]),
        (lambda t, m: ["predict", str(TRAINING_CSV), "70", "98"], ["exam-scores-training"]),
    ],
    ids=[
        "missing-csv",
        "bad-cell",
        "unknown-input",
        "unknown-target",
        "unknown-example",
        "no-data",
        "file-and-example",
        "bad-normalize",
        "bad-activation",
        "epochs-0",
        "every-negative",
        "save-to-missing-folder",
        "predict-too-few",
        "predict-too-many",
        "predict-not-a-number",
        "predict-nan",
        "predict-missing-model",
        "truncated-model",
        "tampered-model",
        "not-a-model",
        "csv-as-model",
    ],
)
def test_bad_input_gives_one_line_and_exit_2(tmp_path, capsys, model_file, argv, fragments):
    capsys.readouterr()
    assert main(argv(tmp_path, model_file)) == EXIT_USAGE
    out, err = capsys.readouterr()
    assert out == ""  # fails before printing anything
    assert_one_line_error(err, *fragments)


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (["train", "--bogus"], ["unrecognized arguments: --bogus"]),
        (["predict", "m.json", "1", "--bogus"], ["--bogus"]),
        (["bench", "--bogus"], ["--bogus"]),
        (["train", "x.csv", "--lr", "fast"], ["--lr", "'fast'"]),
        (["train", "x.csv", "--hidden", "0"], ["--hidden"]),
        (["train", "x.csv", "--normalize"], ["--normalize"]),
        (["predict", "m.json"], ["values"]),
        (["--bogus"], ["--bogus"]),
    ],
)
def test_bad_options_give_one_line_and_exit_2(capsys, argv, fragments):
    assert run(argv) == EXIT_USAGE
    out, err = capsys.readouterr()
    assert out == ""
    assert_one_line_error(err, *fragments)
    assert "--help" in err  # points at the help


def test_diverging_run_keeps_summary_and_fails_with_one_line(capsys):
    argv = ["train", str(TRAINING_CSV), "--init", "uniform", "--activation", "linear"]
    assert main([*argv, "--normalize", "none", "--lr", "1e9", "--epochs", "50"]) == 1
    out, err = capsys.readouterr()
    assert SUMMARY.search(out)
    assert_one_line_error(err, "diverged")


# --- bench ------------------------------------------------------------------------------


def test_bench_help_lists_its_options(capsys):
    assert run(["bench", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: mlpviz bench")
    for option in ("--quick", "--gui", "--scale"):
        assert option in out


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["bench", "--scale"], {"quick": False, "gui": False, "scale": True}),
        (["bench", "--quick", "--gui"], {"quick": True, "gui": True, "scale": False}),
        (["bench"], {"quick": False, "gui": False, "scale": False}),
    ],
)
def test_bench_options_reach_bench_main(monkeypatch, argv, expected):
    calls = []

    def fake_main(**kwargs):
        calls.append(kwargs)
        return 0

    monkeypatch.setattr(mlpviz.bench.main, "main", fake_main)
    assert main(argv) == 0
    assert calls == [expected]


# --- entry points -------------------------------------------------------------------------


def _python_m(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "mlpviz", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=cwd,
        env=env,
    )


def test_python_m_mlpviz_help():
    r = _python_m("--help", cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("usage: mlpviz")
    for command in ("train", "predict", "bench"):
        assert command in r.stdout


def test_python_m_mlpviz_train_predict_and_errors(tmp_path):
    model = tmp_path / "model.json"
    r = _python_m("train", str(SCORES_CSV), *TUTORIAL_ARGS, "--epochs", "40", "--save",
                  str(model), cwd=tmp_path)  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""  # not a terminal: no progress bar
    assert [e for e, _ in table(r.stdout)] == list(range(0, 41, 4))
    r = _python_m("predict", str(model), "70", "98", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    [(name, text)] = PREDICTION.findall(r.stdout)
    assert name == "Z0"
    assert float(text) == pytest.approx(load_model(model).predict([70.0, 98.0])[0], rel=1e-5)
    for argv, fragment in [
        (("train", "missing.csv"), "missing.csv"),
        (("predict", str(model), "70"), "got 1"),
        (("train", "--unknown-option"), "--unknown-option"),
    ]:
        r = _python_m(*argv, cwd=tmp_path)
        assert r.returncode == EXIT_USAGE, r.stderr
        assert r.stdout == ""
        assert_one_line_error(r.stderr, fragment)


def test_console_script_is_installed():
    scripts = Path(sysconfig.get_path("scripts"))
    script = scripts / ("mlpviz.exe" if os.name == "nt" else "mlpviz")
    assert script.is_file()
    assert os.access(script, os.X_OK)
    r = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0
    assert r.stdout.strip().startswith("mlpviz ")
