"""Preset files: round trip, and bad files refused with the file and the field named."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from mlpviz.engine.schedules import Schedule
from mlpviz.engine.settings import NetworkSpec, TrainingSettings
from mlpviz.io.preset_file import (
    LOCKS,
    MAX_PRESET_BYTES,
    Preset,
    PresetData,
    PresetStep,
    data_from_problem,
    preset_problem,
    preset_to_dict,
    read_preset,
    write_preset,
)
from mlpviz.io.validate import FileFormatError


def _preset(**data) -> Preset:
    return Preset(
        "Try it",
        PresetData(**data) if data else PresetData(example="spiral", n=60, noise=0.2, seed=3),
        NetworkSpec(hidden=(5, 2), hidden_activations=("tanh", "relu"), init="he", seed=7),
        TrainingSettings(
            learning_rate=0.03,
            batch_size=4,
            optimizer="adam",
            optimizer_options={"beta1": 0.8},
            schedule=Schedule("step", gamma=0.5, every=10),
            l2=0.001,
            max_epochs=50,
        ),
        ("settings", "loss"),
        frozenset({"learning_rate", "data"}),
        (PresetStep("Run it.", None), PresetStep("Which way?\nThink.", "Down")),
    )


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"columns": ("a", "b", "y"), "rows": ((0.0, 1.5, 1.0), (2.0, -1.0, 0.0), (1.0, 1.0, 1.0)),
         "inputs": ("a", "b"), "targets": ("y",), "derived": ("x1*x2",), "test_fraction": 0.0},
    ],
)  # fmt: skip
def test_round_trip_gives_the_same_preset(tmp_path, data):
    preset = _preset(**data)
    path = tmp_path / "p.mlpviz-preset.json"
    write_preset(path, preset)
    back = read_preset(path)
    assert back == preset
    assert preset_to_dict(back) == json.loads(path.read_text(encoding="utf-8"))
    a, b = preset_problem(preset.data), preset_problem(back.data)
    assert np.array_equal(a.X, b.X) and np.array_equal(a.Z, b.Z)


def test_data_from_a_problem_prepares_the_same_rows():
    drawn = PresetData(
        columns=("x", "y", "z"), rows=((0.0, 0.0, 0.0), (1.0, 0.5, 1.0), (0.25, 2.0, 1.0)),
        inputs=("x", "y"), targets=("z",), input_scaling="-1,1",
    )  # fmt: skip
    for data in (PresetData(example="xor"), PresetData(example="moons"), drawn):
        p = preset_problem(data)
        again = preset_problem(data_from_problem(p))
        assert np.array_equal(again.X, p.X) and np.array_equal(again.Z, p.Z)
        assert again.input_names == p.input_names and again.target_names == p.target_names
    assert data_from_problem(preset_problem(PresetData(example="xor"))).example == "xor"


def _write(tmp_path, d) -> str:
    path = tmp_path / "bad.json"
    path.write_text(d if isinstance(d, str) else json.dumps(d), encoding="utf-8")
    return str(path)


def _good() -> dict:
    return preset_to_dict(_preset())


@pytest.mark.parametrize(
    ("edit", "named"),
    [
        (lambda d: d.update(format="mlpviz-session"), '"format": "mlpviz-preset"'),
        (lambda d: d.update(version=99), "newer mlpviz"),
        (lambda d: d.update(title=5), "title"),
        (lambda d: d.update(locked=["learning_rate", "weights"]), "locked[1]"),
        (lambda d: d.update(docks=["loss", 3]), "docks"),
        (lambda d: d["training"].update(learning_rate="fast"), "training.learning_rate"),
        (lambda d: d["training"].update(optimizer="magic"), "training"),
        (lambda d: d["network"].update(hidden=[3, 0]), "network.hidden"),
        (lambda d: d["data"].update(example="nope"), "data.example"),
        (lambda d: d["data"].update(test_fraction=1.5), "data.test_fraction"),
        (lambda d: d.update(steps=[{"text": ""}]), "steps[0].text"),
        (lambda d: d.update(steps=[{"text": "ok", "answer": 4}]), "steps[0].answer"),
        (lambda d: d.update(extra=1), "extra"),
        (lambda d: d.update(data={"columns": ["a", "y"], "rows": [[1, "x"]],
                                  "inputs": ["a"], "targets": ["y"]}), "data.rows[0][1]"),
        (lambda d: d.update(data={"example": "xor", "inputs": ["I0", "I1"], "targets": ["Q"]}),
         "data"),
    ],
)  # fmt: skip
def test_bad_fields_are_named_with_the_file(tmp_path, edit, named):
    d = _good()
    edit(d)
    path = _write(tmp_path, d)
    with pytest.raises(FileFormatError) as e:
        read_preset(path)
    assert str(e.value).startswith(path)
    assert named in str(e.value)


def test_not_json_names_line_and_column(tmp_path):
    path = _write(tmp_path, '{"format": "mlpviz-preset",\n "version": }')
    with pytest.raises(FileFormatError, match=r"bad\.json: not JSON \(line 2, column 13"):
        read_preset(path)


def test_a_huge_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.json"
    with open(path, "wb") as f:
        f.truncate(MAX_PRESET_BYTES + 1)
    with pytest.raises(FileFormatError, match=r"huge\.json is too large"):
        read_preset(path)


def test_a_fifo_is_refused_without_blocking(tmp_path):
    path = tmp_path / "pipe.json"
    os.mkfifo(path)
    with pytest.raises(FileFormatError, match=r"pipe\.json is not a regular file"):
        read_preset(path)


def test_lock_names_are_the_documented_ones():
    assert {"learning_rate", "optimizer", "network", "data"} <= set(LOCKS)
