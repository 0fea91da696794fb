"""Hostile files through the public paths, each under a memory and a time limit.

Every attack runs in a child process whose address space is capped
(``RLIMIT_AS``) and whose run is timed out, so a regression that allocates
gigabytes or blocks on a pipe fails fast here instead of eating the machine.
Each asserts what a user sees: one line naming their file, exit status 2.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MEMORY_LIMIT = 1 << 31  # 2 GiB of address space: NumPy and the CLI need ~0.5
TIME_LIMIT = 60


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_limited(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT), OPENBLAS_NUM_THREADS="1")
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
        preexec_fn=_limited,
        stdin=subprocess.DEVNULL,
    )


def cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_limited(["-m", "mlpviz", *args], cwd)


def one_line_naming(result: subprocess.CompletedProcess[str], name: str) -> str:
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr[-2000:]
    assert name in lines[0]
    assert "Traceback" not in result.stderr
    return lines[0]


def test_a_megabyte_numeric_cell_gives_a_short_message(tmp_path):
    path = tmp_path / "long.csv"
    path.write_text("a,b\n1," + "9" * 1_000_000 + "\n")
    line = one_line_naming(cli(["train", str(path), "--epochs", "1"], tmp_path), "long.csv")
    assert "line 2, column 2" in line
    assert "overflows" in line
    assert len(line) < 400


def test_the_loader_quotes_at_most_a_few_dozen_characters_of_a_cell(tmp_path):
    from mlpviz.data import DatasetError, load_csv

    path = tmp_path / "long.csv"
    huge_name = "n" * 100_000
    path.write_text(f"{huge_name},b\n1," + "9" * 400 + f"\nx{'y' * 5000},2\n")
    with pytest.raises(DatasetError) as e:
        load_csv(path)
    assert "line 2, column 2" in str(e.value)
    assert len(str(e.value)) < 400


def model_with_sizes(sizes: list[int]) -> dict:
    """A well-formed model header whose arrays are far smaller than its sizes say."""
    return {
        "format": "mlpviz-model",
        "version": 1,
        "layer_sizes": sizes,
        "activations": ["sigmoid"] * (len(sizes) - 1),
        "loss": "mse",
        "weights": [[[0.0]] * n_out for n_out in sizes[1:]],
        "biases": [[0.0] * n_out for n_out in sizes[1:]],
        "inputs": [f"x{i}" for i in range(sizes[0])],
        "targets": ["z"],
    }


def test_a_model_declaring_a_huge_network_is_refused_before_allocating(tmp_path):
    from mlpviz.io.model_file import FORMAT

    d = model_with_sizes([40_000, 40_000, 1])  # 12.8 GB of weights if allocated
    d["format"] = FORMAT
    path = tmp_path / "huge.json"
    path.write_text(json.dumps(d))
    assert path.stat().st_size < 1_000_000
    line = one_line_naming(cli(["predict", str(path), "1", "2"], tmp_path), "huge.json")
    assert "weights[0]" in line


def test_go_weights_declaring_a_huge_network_are_refused_before_allocating(tmp_path):
    n = 20_000
    d = {
        "hiddenWeights": [[[0.0] * n] + [[0.0]] * (n - 1)],
        "hiddenBias": [[0.0] * n],
        "outputWeights": [[0.0] * n],
        "outputBias": [0.0],
    }
    path = tmp_path / "trained-weights-biases.json"
    path.write_text(json.dumps(d))
    script = textwrap.dedent(
        f"""
        from mlpviz.io.companion import read_trained_weights
        from mlpviz.io.validate import FileFormatError
        try:
            read_trained_weights({str(path)!r})
        except FileFormatError as e:
            print("refused:", e)
        """
    )
    result = run_limited(["-c", script], tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("refused:")
    assert "hiddenWeights[0][1] has 1 entries" in result.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are a POSIX thing")
def test_a_fifo_as_model_is_refused_at_once(tmp_path):
    fifo = tmp_path / "model.json"
    os.mkfifo(fifo)
    line = one_line_naming(cli(["predict", str(fifo), "1", "2"], tmp_path), "model.json")
    assert "not a regular file" in line


def test_a_device_as_model_is_refused_at_once(tmp_path):
    line = one_line_naming(cli(["predict", "/dev/zero", "1", "2"], tmp_path), "/dev/zero")
    assert "not a regular file" in line


def test_special_files_are_refused_by_every_json_reader(tmp_path):
    script = textwrap.dedent(
        f"""
        from mlpviz.io.companion import read_minmax, read_trained_weights
        from mlpviz.io.model_file import ModelFileError, load_model
        from mlpviz.io.validate import FileFormatError
        for reader in (load_model, read_trained_weights, read_minmax):
            for path in ("/dev/zero", {str(tmp_path)!r}):
                try:
                    reader(path)
                except (ModelFileError, FileFormatError) as e:
                    print(e)
        """
    )
    result = run_limited(["-c", script], tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert len(lines) == 6
    assert all("/dev/zero is not a regular file" in line for line in lines[0::2])
    assert all("is a folder" in line for line in lines[1::2])


def test_a_file_over_the_limit_is_refused_without_reading_it(tmp_path):
    from mlpviz.io.validate import FileFormatError, read_text

    path = tmp_path / "big.json"
    path.write_text("[" + "0," * 600 + "0]")
    with pytest.raises(FileFormatError, match=r"big\.json is too large"):
        read_text(path, FileFormatError, limit=1000)
    assert read_text(path, FileFormatError, limit=10_000).startswith("[0,")


def test_exported_text_cells_never_start_a_spreadsheet_formula():
    from mlpviz.engine.mlp import MLP
    from mlpviz.io.exports import weights_csv

    mlp = MLP([2, 1], "sigmoid", "sigmoid", init="zeros")
    text = weights_csv(mlp, ['=HYPERLINK("x")', "@SUM(A1)"], ["+cmd|' /C calc'!A0"])
    cells = [c for line in text.splitlines() if not line.startswith("#") for c in line.split(",")]
    starts = [c.lstrip('"')[:1] for c in cells]
    assert not {"=", "+", "@"} & set(starts), text
    assert "'=HYPERLINK" in text and "'@SUM(A1)" in text and "'+cmd" in text
    # Numbers stay numbers: a negative weight is not quoted.
    mlp.weights[0][...] = -0.5
    assert ",-0.5," in weights_csv(mlp, ["a", "b"], ["z"])


def test_a_session_history_is_checked_row_by_row_before_allocating(tmp_path):
    # Three rows declared for a network of 10⁹ parameters: 24 GB if allocated
    # first; each row must be checked against the numbers present instead.
    script = textwrap.dedent(
        """
        from mlpviz.io.session_read import _history
        from mlpviz.io.validate import FileFormatError
        hd = {"stride": 1, "epochs": [0, 1, 2], "params": [[0.0], [0.0], [0.0]]}
        try:
            _history(hd, 10**9, 2)
        except FileFormatError as e:
            print("refused:", e)
        """
    )
    result = run_limited(["-c", script], tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.startswith("refused: state.history.params[0]")


def test_a_session_referring_to_an_endless_file_is_refused(tmp_path):
    from mlpviz.io.session_write import sha256

    with pytest.raises(ValueError, match="larger than 4,096 bytes"):
        sha256(Path("/dev/zero"), limit=4096)
    small = tmp_path / "d.csv"
    small.write_text("a,b\n1,2\n")
    assert len(sha256(small, limit=4096)) == 64
