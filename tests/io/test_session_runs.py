"""Kept runs in session files: an exact round trip, and every broken run refused by name."""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass

import numpy as np
import pytest

from mlpviz.data import load_example
from mlpviz.data.problem import Problem, prepare
from mlpviz.engine import WeightHistory
from mlpviz.engine.run_record import MAX_RUNS, RunTracker
from mlpviz.engine.settings import NetworkSpec, TrainingSettings
from mlpviz.io.session_file import SessionFileError, load_session, save_session
from mlpviz.io.session_read import session_from_dict
from mlpviz.io.session_runs import runs_from_list
from mlpviz.io.session_write import session_to_dict
from mlpviz.io.validate import FileFormatError

SPEC = NetworkSpec()


@dataclass(frozen=True)
class State:
    problem: Problem
    spec: NetworkSpec
    settings: TrainingSettings
    state: dict
    runs: tuple = ()


def tutorial() -> Problem:
    ex = load_example("exam-scores")
    return prepare(ex.dataset, ex.inputs, ex.targets, "0,1", "0,1", name=ex.name)


def kept_run(problem: Problem, rate: float, epochs: int):
    settings = TrainingSettings(learning_rate=rate)
    mlp = SPEC.build(2, 1)
    t = settings.make_trainer(mlp, problem.X_train, problem.Z_train)
    t.history = WeightHistory(mlp.n_params, 64)
    t.history.record(0, mlp.params)
    t.run(epochs)
    return t, RunTracker().keep(t, SPEC, settings)


@pytest.fixture(scope="module")
def saved():
    p = tutorial()
    t, slow = kept_run(p, 0.1, 25)
    _, fast = kept_run(p, 1.0, 40)
    slow.name, slow.pinned = "slow «η»", True
    fast.shown = False
    fast.train[3] = np.nan  # a diverging epoch logs a non-finite loss
    ts = State(p, SPEC, TrainingSettings(), t.state_dict(), (slow, fast))
    return ts, session_to_dict(ts)


def test_runs_round_trip_exactly(saved, tmp_path):
    ts, _ = saved
    path = tmp_path / "runs.mlpviz"
    save_session(path, ts)
    loaded = load_session(path)
    assert len(loaded.runs) == 2
    for a, b in zip(ts.runs, loaded.runs, strict=True):
        np.testing.assert_array_equal(a.train, b.train)  # NaN where NaN
        np.testing.assert_array_equal(a.test, b.test)
        np.testing.assert_array_equal(a.initial_params, b.initial_params)
        assert a.initial_params.tobytes() == b.initial_params.tobytes()
        assert (a.name, a.shown, a.pinned) == (b.name, b.shown, b.pinned)
        assert (a.spec, a.settings, a.layer_sizes) == (b.spec, b.settings, b.layer_sizes)
        assert a.archive.state() == b.archive.state()
        assert a.epochs == b.epochs


def test_a_session_without_runs_has_no_runs_key(saved):
    ts, _ = saved
    d = session_to_dict(State(ts.problem, ts.spec, ts.settings, ts.state))
    assert "runs" not in d
    assert session_from_dict(json.loads(json.dumps(d))).runs == ()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r.update(name=3), r"runs\[0\]\.name must be a string"),
        (lambda r: r.update(shown="yes"), r"runs\[0\]\.shown and runs\[0\]\.pinned"),
        (lambda r: r["training"].update(learning_rate="fast"), r"runs\[0\]\.training"),
        (lambda r: r.update(layer_sizes=[2, 4, 1]), r"runs\[0\]\.layer_sizes"),
        (lambda r: r["initial_params"].pop(), r"runs\[0\]\.initial_params has 12 entries"),
        (lambda r: r.update(train=[1.0] * 4000), r"runs\[0\]\.train holds at most"),
        (lambda r: r.update(test="x"), r"runs\[0\]\.test must be a list"),
        (lambda r: r["loss_archive"].update(firsts=[2]), r"runs\[0\]\.loss_archive"),
        (lambda r: r.pop("network"), r"network"),
    ],
)
def test_broken_runs_are_refused_naming_the_field(saved, change, message):
    _, d = saved
    runs = copy.deepcopy(d["runs"])
    change(runs[0])
    with pytest.raises(FileFormatError, match=message):
        runs_from_list(runs)


def test_too_many_runs_and_a_non_list_are_refused(saved, tmp_path):
    _, d = saved
    with pytest.raises(FileFormatError, match=f"at most {MAX_RUNS}"):
        runs_from_list([d["runs"][0]] * (MAX_RUNS + 1))
    bad = dict(d, runs={"a": 1})
    path = tmp_path / "bad.mlpviz"
    path.write_text(json.dumps(bad))
    with pytest.raises(SessionFileError, match="runs must be a list"):
        load_session(path)
