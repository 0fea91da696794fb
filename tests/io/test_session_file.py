"""Session files: exact round trips, and every broken file refused with a named reason."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlpviz.data import load_csv, load_example
from mlpviz.data.problem import Problem, prepare
from mlpviz.engine import MLP, WeightHistory
from mlpviz.engine.history import HISTORY_CAPACITY
from mlpviz.engine.settings import NetworkSpec, TrainingSettings
from mlpviz.io import Model, ModelFileError, load_model, save_model
from mlpviz.io.session_file import SessionFileError, load_session, save_session
from mlpviz.io.session_read import LoadedSession
from mlpviz.io.session_write import FORMAT_VERSION

SPEC = NetworkSpec(hidden=(4,), hidden_activations=("tanh",), init="xavier", seed=3)
SETTINGS = TrainingSettings(learning_rate=0.05, batch_size=3, optimizer="adam", shuffle=True)


@dataclass(frozen=True)
class State:
    """mlpviz.ui.training.state.TrainingState without Qt: what save_session takes."""

    problem: Problem
    spec: NetworkSpec
    settings: TrainingSettings
    state: dict


def circle_problem() -> Problem:
    ex = load_example("circle", n=40, seed=1)
    return prepare(ex.dataset, ex.inputs, ex.targets, "-1,1", "0,1", 0.25, 7, ["x1^2"], "circle")


def trained(problem: Problem, spec=SPEC, settings_=SETTINGS, epochs: int = 6) -> State:
    """Train as the worker does and take the trainer's state, as the worker saves it."""
    mlp = spec.build(len(problem.input_names), len(problem.target_names))
    t = settings_.make_trainer(
        mlp, problem.X_train, problem.Z_train, problem.X_test, problem.Z_test
    )
    t.history = WeightHistory(mlp.n_params, HISTORY_CAPACITY)
    t.history.record(0, mlp.params)
    t.run(epochs)
    t.step_batch()  # stop mid-epoch, so position and order matter
    return State(problem, spec, settings_, t.state_dict())


@pytest.fixture(scope="module")
def saved(tmp_path_factory) -> tuple[Path, State]:
    path = tmp_path_factory.mktemp("s") / "run.mlpviz"
    state = trained(circle_problem())
    save_session(path, state)
    return path, state


def assert_same(loaded: LoadedSession, original: State) -> None:
    a, b = loaded.state, original.state
    for key in ("params", "order"):
        np.testing.assert_array_equal(a[key], b[key])
        assert np.asarray(a[key]).dtype == np.asarray(b[key]).dtype
    for key in ("epoch", "position", "steps", "losses", "penalties", "tests"):
        assert a[key] == b[key], key
    for x, y in zip(a["history"][:2], b["history"][:2]):
        np.testing.assert_array_equal(x, y)
    assert a["history"][2] == b["history"][2]
    assert a["optimizer"]["t"] == b["optimizer"]["t"]
    assert a["optimizer"]["state"].keys() == b["optimizer"]["state"].keys()
    for k, v in b["optimizer"]["state"].items():
        np.testing.assert_array_equal(a["optimizer"]["state"][k], v)
    assert loaded.spec == original.spec
    assert loaded.settings == original.settings
    p, q = loaded.problem, original.problem
    for key in ("X", "Z", "train", "test", "raw_inputs", "raw_targets"):
        np.testing.assert_array_equal(getattr(p, key), getattr(q, key))
    assert (p.name, p.input_names, p.target_names, p.derived) == (
        q.name,
        q.input_names,
        q.target_names,
        q.derived,
    )
    assert p.input_scaler.to_dict() == q.input_scaler.to_dict()
    assert p.target_scaler.to_dict() == q.target_scaler.to_dict()


def edited(path: Path, tmp_path: Path, change) -> Path:
    """A copy of the session file with ``change(dict)`` applied, as a hand edit would."""
    d = json.loads(path.read_text())
    change(d)
    out = tmp_path / "edited.mlpviz"
    out.write_text(json.dumps(d))
    return out


def refused(path: Path, *words: str) -> str:
    with pytest.raises(SessionFileError) as info:
        load_session(path)
    message = str(info.value)
    assert str(path) in message
    for w in words:
        assert w in message, message
    return message


# -- round trips ------------------------------------------------------------------


def test_round_trip_with_the_data_embedded_is_exact(saved):
    path, state = saved
    loaded = load_session(path)
    assert_same(loaded, state)
    assert loaded.name == "circle"
    assert loaded.dataset_path is None
    assert loaded.state["tests"] and loaded.state["optimizer"]["state"]  # really exercised


def test_round_trip_with_a_referenced_csv_is_exact(tmp_path):
    csv = tmp_path / "scores.csv"
    csv.write_text("a,b,c,y\n70,0.5,1,90\n50,0.25,2,80\n65,0.125,3,80\n30,1,4,70\n")
    data = load_csv(csv)
    problem = prepare(data, ["a", "c"], ["y"], "zscore", "0,1:0,100", name="scores")
    state = trained(problem, NetworkSpec(hidden=(3, 2), init="he"), TrainingSettings())
    path = tmp_path / "sub" / "scores.mlpviz"
    path.parent.mkdir()
    save_session(path, state, dataset_mode="reference", source_path=csv)
    assert "values" not in json.loads(path.read_text())["dataset"]
    loaded = load_session(path)
    assert_same(loaded, state)
    assert loaded.dataset_path == csv


def test_a_referenced_csv_that_changed_or_went_missing_is_refused(tmp_path):
    csv = tmp_path / "data.csv"
    csv.write_text("x,y\n1,0\n2,1\n3,0\n")
    problem = prepare(load_csv(csv), ["x"], ["y"])
    path = tmp_path / "s.mlpviz"
    save_session(path, trained(problem, NetworkSpec(init="xavier")), "reference", csv)
    csv.write_text("x,y\n1,0\n2,1\n3,1\n")
    refused(path, "data.csv", "changed since the session was saved", "checksum")
    csv.unlink()
    refused(path, "data.csv", "missing")


def test_a_reference_to_a_file_with_other_data_is_not_written(tmp_path):
    csv = tmp_path / "data.csv"
    csv.write_text("x,y\n1,0\n2,1\n3,0\n")
    problem = prepare(load_csv(csv), ["x"], ["y"])
    csv.write_text("x,y\n1,0\n2,1\n4,0\n")
    with pytest.raises(SessionFileError, match="does not hold the session's data"):
        save_session(
            tmp_path / "s.mlpviz", trained(problem, NetworkSpec(init="xavier")), "reference", csv
        )
    assert not (tmp_path / "s.mlpviz").exists()


def test_numbers_are_written_as_exact_floats(saved):
    path, _ = saved
    d = json.loads(path.read_text())
    flat = [v for row in d["state"]["weights"] for r in row for v in r]
    assert all(isinstance(v, float) for v in flat)
    assert d["format"] == "mlpviz-session" and d["version"] == FORMAT_VERSION


def test_version_1_files_load_with_a_fresh_history_and_optimizer(saved, tmp_path):
    path, state = saved

    def to_v1(d):
        d["version"] = 1
        del d["state"]["history"], d["state"]["optimizer"]

    loaded = load_session(edited(path, tmp_path, to_v1))
    np.testing.assert_array_equal(loaded.state["params"], state.state["params"])
    params, epochs, stride = loaded.state["history"]
    np.testing.assert_array_equal(params, state.state["params"][None, :])
    assert epochs.tolist() == [state.state["epoch"]] and stride == 1
    assert loaded.state["optimizer"]["t"] == 0 and loaded.state["optimizer"]["state"] == {}
    assert loaded.state["losses"] == state.state["losses"]


def test_a_resumed_session_trains_on_bit_for_bit(tmp_path):
    """The file holds the generator's state: shuffling and dropout go on as they would have."""
    problem = circle_problem()
    settings_ = TrainingSettings(
        learning_rate=0.05, batch_size=3, optimizer="adam", shuffle=True, seed=4, dropout=0.2
    )
    mlp = SPEC.build(len(problem.input_names), len(problem.target_names))
    t = settings_.make_trainer(
        mlp, problem.X_train, problem.Z_train, problem.X_test, problem.Z_test
    )
    t.history = WeightHistory(mlp.n_params, HISTORY_CAPACITY)
    t.run(3)
    t.step_batch()
    path = tmp_path / "run.mlpviz"
    save_session(path, State(problem, SPEC, settings_, t.state_dict()))
    loaded = load_session(path)
    assert set(loaded.state) >= {"rng", "evaluations", "last_batch_loss"}
    p = loaded.problem
    mlp2 = loaded.spec.build(len(p.input_names), len(p.target_names))
    t2 = loaded.settings.make_trainer(mlp2, p.X_train, p.Z_train, p.X_test, p.Z_test)
    t2.history = WeightHistory(mlp2.n_params, HISTORY_CAPACITY)
    t2.load_state_dict(loaded.state)
    for tr in (t, t2):
        tr.run(3)
        tr.step_batch()
    assert t2.mlp.params.tobytes() == t.mlp.params.tobytes()
    assert t2.loss_history == t.loss_history and t2.evaluations == t.evaluations
    assert t2.order.tobytes() == t.order.tobytes()


def test_version_2_files_load_with_the_settings_generator(saved, tmp_path):
    path, state = saved

    def to_v2(d):
        d["version"] = 2
        for key in ("rng", "evaluations", "last_batch_loss"):
            del d["state"][key]

    loaded = load_session(edited(path, tmp_path, to_v2))
    assert not {"rng", "evaluations", "last_batch_loss"} & set(loaded.state)
    assert_same(loaded, state)
    # A trainer given it keeps its own generator, as the settings' seed made it.
    p = loaded.problem
    mlp = loaded.spec.build(len(p.input_names), len(p.target_names))
    t = loaded.settings.make_trainer(mlp, p.X_train, p.Z_train)
    fresh = t._rng.bit_generator.state
    t.history = WeightHistory(mlp.n_params, HISTORY_CAPACITY)
    t.load_state_dict(loaded.state)
    assert t._rng.bit_generator.state == fresh
    assert t.mlp.params.tobytes() == state.state["params"].tobytes()


# -- broken files --------------------------------------------------------------------


@pytest.mark.parametrize("fraction", [0.0005, 0.1, 0.37, 0.5, 0.8, 0.999])
def test_a_truncated_file_is_refused(saved, tmp_path, fraction):
    path, _ = saved
    raw = path.read_bytes()
    cut = tmp_path / "cut.mlpviz"
    cut.write_bytes(raw[: max(1, int(len(raw) * fraction))])
    refused(cut, "not valid JSON at line", "truncated")


def test_a_file_cut_inside_a_string_is_called_truncated(saved, tmp_path):
    text = saved[0].read_text()
    cut = tmp_path / "cut.mlpviz"
    cut.write_text(text[: text.index('"mlpviz-session"') + 5])
    refused(cut, "line 2", "truncated")


def test_not_json_names_line_and_column(tmp_path):
    path = tmp_path / "x.mlpviz"
    path.write_text('{\n "format": "mlpviz-session",\n "version": 2,,\n}')
    refused(path, "line 3, column")


def test_empty_and_foreign_files_are_refused(tmp_path, saved):
    empty = tmp_path / "e.mlpviz"
    empty.write_text("")
    refused(empty, "empty")
    model = tmp_path / "m.mlpviz"
    model.write_text('{"format": "mlpviz-model", "version": 1}')
    refused(model, "not an mlpviz session file")
    refused(tmp_path / "nowhere.mlpviz", "cannot read")


def test_a_newer_format_is_refused_with_the_versions(saved, tmp_path):
    newer = FORMAT_VERSION + 1
    path = edited(saved[0], tmp_path, lambda d: d.update(version=newer))
    refused(
        path,
        f"written by a newer mlpviz (format {newer}); this version reads up to {FORMAT_VERSION}",
    )


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda d: d["state"]["weights"][0].pop(), ["state.weights[0]"]),
        (lambda d: d["state"]["weights"][1][0].append(0.5), ["state.weights[1][0]", "entries"]),
        (lambda d: d["state"]["biases"][0].__setitem__(1, "NaN"), ["state.biases[0][1]", "number"]),
        (lambda d: d["state"]["history"]["params"][2].pop(), ["state.history.params[2]"]),
        (lambda d: d["state"]["history"]["epochs"].reverse(), ["state.history.epochs"]),
        (lambda d: d["state"]["losses"].pop(), ["state.losses", "entries"]),
        (lambda d: d["state"]["order"].__setitem__(0, 0), ["state.order"]),
        (lambda d: d["state"].update(position=10_000), ["state.position"]),
        (lambda d: d["state"].update(layer_sizes=[3, 5, 1]), ["state.layer_sizes"]),
        (lambda d: d["state"]["optimizer"].update(name="sgd"), ["state.optimizer.name"]),
        (lambda d: d["state"]["optimizer"]["state"]["m"].pop(), ["state.optimizer.state.m"]),
        (lambda d: d["state"].update(rng=[1, 2]), ["state.rng"]),
        (lambda d: d["state"]["rng"].update(bit_generator="MT19937"), ["state.rng"]),
        (lambda d: d["state"]["rng"]["state"].update(state=0.5), ["state.rng", "integers"]),
        (lambda d: d["state"]["rng"]["state"].update(inc=-1), ["state.rng"]),
        (lambda d: d["state"]["rng"]["state"].pop("inc"), ["state.rng"]),
        (lambda d: d["state"]["evaluations"].update(gradient=-2), ["state.evaluations.gradient"]),
        (lambda d: d["state"]["evaluations"].update(trials=2), ["state.evaluations"]),
        (lambda d: d["state"].update(last_batch_loss="low"), ["state.last_batch_loss"]),
        (lambda d: d["network"].update(hidden=[4, 4]), ["layer_sizes"]),
        (lambda d: d["network"].update(hidden="4"), ["network.hidden"]),
        (lambda d: d["training"].update(learning_rate="fast"), ["training.learning_rate"]),
        (lambda d: d["training"].update(learning_rate=-1.0), ["learning rate"]),
        (lambda d: d["training"].update(momentum=0.9), ["momentum"]),
        (lambda d: d["training"]["schedule"].update(every="often"), ["training.schedule.every"]),
        (lambda d: d["problem"].update(inputs=["I0", "nope"]), ["nope"]),
        (lambda d: d["problem"]["input_scaler"].update(kind="log"), ["problem.input_scaler"]),
        (lambda d: d["dataset"]["values"][3].pop(), ["dataset.values[3]"]),
        (lambda d: d["dataset"].update(mode="cloud"), ["dataset.mode"]),
        (lambda d: d["state"].pop("steps"), ["'steps'", "missing"]),
        (lambda d: d.pop("training"), ["'training'", "missing"]),
        (lambda d: d["state"]["history"].pop("stride"), ["'stride'"]),
        (lambda d: d.update(version="2"), ["version"]),
    ],
)
def test_hand_edits_are_refused_naming_the_field(saved, tmp_path, change, words):
    refused(edited(saved[0], tmp_path, change), *words)


def test_non_finite_numbers_are_refused_naming_the_field(saved, tmp_path):
    text = saved[0].read_text()
    d = json.loads(text)
    value = d["state"]["losses"][2]
    bad = tmp_path / "nan.mlpviz"
    bad.write_text(text.replace(json.dumps(value), "NaN", 1))
    refused(bad, "losses[2]", "not a finite number")
    d["training"]["l1"] = 1e400  # reads as infinity
    bad.write_text(json.dumps(d).replace("Infinity", "1e400"))
    refused(bad, "training.l1", "not a finite number")


def test_a_longer_history_than_the_worker_keeps_is_refused(saved, tmp_path):
    def grow(d):
        h = d["state"]["history"]
        h["epochs"] = list(range(HISTORY_CAPACITY + 1))
        h["params"] = [h["params"][0]] * (HISTORY_CAPACITY + 1)
        d["state"]["epoch"] = HISTORY_CAPACITY + 5
        d["state"]["losses"] = [0.1] * (HISTORY_CAPACITY + 5)
        d["state"]["penalties"] = [0.0] * (HISTORY_CAPACITY + 5)

    refused(edited(saved[0], tmp_path, grow), "state.history", str(HISTORY_CAPACITY))


def test_an_unsaveable_state_is_refused_and_nothing_written(tmp_path):
    state = trained(circle_problem())
    state.state["tests"][0] = float("inf")
    with pytest.raises(SessionFileError, match=r"tests\[0\]"):
        save_session(tmp_path / "s.mlpviz", state)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_write_leaves_the_old_file_intact(saved, tmp_path, monkeypatch):
    path = tmp_path / "keep.mlpviz"
    path.write_bytes(saved[0].read_bytes())
    before = path.read_bytes()

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        save_session(path, trained(circle_problem(), epochs=1))
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["keep.mlpviz"]  # no temp file left
    load_session(path)


# -- fuzzing -------------------------------------------------------------------------

MUTATION = st.lists(
    st.tuples(
        st.sampled_from(["replace", "insert", "delete"]),
        st.floats(0, 1, exclude_max=True),
        # Mostly JSON's own characters, so many mutants still parse and reach
        # the field checks; some arbitrary bytes for the decoding paths.
        st.text('0123456789-+.eE,:[]{}" ntrufalsNIy', min_size=1, max_size=3).map(str.encode)
        | st.binary(min_size=1, max_size=2),
    ),
    min_size=1,
    max_size=4,
)


def mutate(raw: bytes, mutations) -> bytes:
    data = bytearray(raw)
    for kind, where, chunk in mutations:
        i = int(where * len(data)) if data else 0
        if kind == "replace":
            data[i : i + len(chunk)] = chunk
        elif kind == "insert":
            data[i:i] = chunk
        else:
            del data[i : i + len(chunk)]
    return bytes(data)


FUZZ = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.mark.slow
@FUZZ
@given(mutations=MUTATION)
def test_fuzzed_session_files_load_whole_or_raise_session_file_error(saved, tmp_path, mutations):
    path = tmp_path / "fuzz.mlpviz"
    path.write_bytes(mutate(saved[0].read_bytes(), mutations))
    try:
        loaded = load_session(path)
    except SessionFileError as e:
        assert str(path) in str(e)
        return
    assert isinstance(loaded, LoadedSession)
    n = loaded.state["params"].size
    assert loaded.state["history"][0].shape[1] == n
    assert np.isfinite(loaded.problem.X).all()


def leaf_paths(v, path=()):
    """Every place in parsed JSON (objects, lists and leaves), as key paths."""
    yield path
    items = v.items() if isinstance(v, dict) else enumerate(v) if isinstance(v, list) else ()
    for k, x in items:
        yield from leaf_paths(x, (*path, k))


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 10**6)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=4),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=2)
    ),
    max_leaves=4,
)


@pytest.mark.slow
@FUZZ
@given(data=st.data())
def test_fuzzed_session_fields_load_whole_or_raise_session_file_error(saved, tmp_path, data):
    """Hand edits in structure rather than bytes: any field replaced by any JSON value."""
    d = json.loads(saved[0].read_text())
    paths = [p for p in leaf_paths(d) if p]
    for _ in range(data.draw(st.integers(1, 2))):
        *parents, last = data.draw(st.sampled_from(paths))
        target = d
        try:
            for k in parents:
                target = target[k]
            target[last] = data.draw(JSON_VALUES)
        except (KeyError, IndexError, TypeError):  # the first edit removed this place
            continue
    path = tmp_path / "fields.mlpviz"
    path.write_text(json.dumps(d))
    try:
        loaded = load_session(path)
    except SessionFileError as e:
        assert str(path) in str(e)
        return
    assert isinstance(loaded, LoadedSession)


@pytest.fixture(scope="module")
def model_file(tmp_path_factory) -> Path:
    ex = load_example("circle", n=40, seed=1)
    problem = prepare(ex.dataset, ex.inputs, ex.targets, "-1,1", "zscore")
    mlp = MLP((2, 3, 1), "sigmoid", "sigmoid", "xavier", seed=1)
    model = Model(
        mlp,
        problem.input_names,
        problem.target_names,
        problem.input_scaler,
        problem.target_scaler,
        spec=NetworkSpec(init="xavier"),
        settings=TrainingSettings(),
        epoch=12,
    )
    path = tmp_path_factory.mktemp("m") / "model.json"
    save_model(path, model)
    load_model(path)  # the unmutated file is valid
    return path


@pytest.mark.slow
@FUZZ
@given(mutations=MUTATION)
def test_fuzzed_model_files_load_or_raise_model_file_error(model_file, tmp_path, mutations):
    path = tmp_path / "fuzz.json"
    path.write_bytes(mutate(model_file.read_bytes(), mutations))
    try:
        model = load_model(path)
    except ModelFileError:
        return
    assert model.mlp.params.size == 13


def test_a_model_file_with_an_unfitted_scaler_raises_model_file_error(model_file, tmp_path):
    d = json.loads(model_file.read_text())
    d["input_scaler"].update(data_min=None, data_max=None)
    path = tmp_path / "unfitted.json"
    path.write_text(json.dumps(d))
    with pytest.raises(ModelFileError, match="input_scaler"):
        load_model(path)


def test_the_session_module_loads_no_qt():
    check = (
        "import sys, mlpviz.io.session_file; "
        "bad=[m for m in sys.modules if m.split('.')[0] in ('PySide6','pyqtgraph','shiboken6')]; "
        "assert not bad, bad"
    )
    result = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr


def test_a_model_file_with_mistyped_training_settings_is_refused(model_file, tmp_path):
    d = json.loads(model_file.read_text())
    d["training"] = {"learning_rate": "fast"}
    path = tmp_path / "typed.json"
    path.write_text(json.dumps(d))
    with pytest.raises(ModelFileError, match=r"training\.learning_rate"):
        load_model(path)


def test_a_column_name_utf8_cannot_hold_saves_and_reopens(tmp_path):
    # A lone surrogate is legal in JSON and in a Python string (a session
    # written elsewhere can carry one); the file escapes it and reads it back.
    ex = load_example("circle", n=40, seed=1)
    odd = "x\udc80"
    columns = tuple(odd if c == ex.inputs[0] else c for c in ex.dataset.columns)
    dataset = dataclasses.replace(ex.dataset, columns=columns)
    inputs = [odd if c == ex.inputs[0] else c for c in ex.inputs]
    problem = prepare(dataset, inputs, ex.targets, "-1,1", "0,1", 0.25, 7, [], "odd")
    state = trained(problem, epochs=2)
    path = tmp_path / "odd.mlpviz"
    save_session(path, state)
    assert "\\udc80" in path.read_text(encoding="utf-8")
    loaded = load_session(path)
    assert odd in loaded.problem.input_names
    assert_same(loaded, state)


@pytest.fixture(scope="module")
def folded(tmp_path_factory) -> tuple[Path, State]:
    """A session whose older losses were folded into envelopes (a long run, in small)."""
    problem = circle_problem()
    mlp = SPEC.build(len(problem.input_names), len(problem.target_names))
    t = SETTINGS.make_trainer(mlp, problem.X_train, problem.Z_train, problem.X_test, problem.Z_test)
    t.recent_epochs = 20
    t.history = WeightHistory(mlp.n_params, HISTORY_CAPACITY)
    t.history.record(0, mlp.params)
    t.run(300)
    assert t.loss_archive.end > 0
    path = tmp_path_factory.mktemp("f") / "long.mlpviz"
    state = State(problem, SPEC, SETTINGS, t.state_dict())
    save_session(path, state)
    return path, state


def test_a_folded_loss_record_round_trips(folded):
    path, state = folded
    loaded = load_session(path)
    assert_same(loaded, state)
    assert loaded.state["loss_archive"] == state.state["loss_archive"]


def _archive(change):
    return lambda d: change(d["state"]["loss_archive"])


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (_archive(lambda a: a["firsts"].reverse()), ["state.loss_archive", "in order"]),
        (_archive(lambda a: a["lasts"].pop()), ["state.loss_archive.lasts", "entries"]),
        (_archive(lambda a: a["losses_max"].__setitem__(0, "x")), ["losses_max[0]"]),
        (_archive(lambda a: a.update(width=0)), ["state.loss_archive"]),
        (_archive(lambda a: a["firsts"].extend([1] * 5000)), ["at most 4096 buckets"]),
        (lambda d: d["state"]["losses"].pop(), ["state.losses", "entries"]),
    ],
)
def test_a_bad_loss_archive_is_refused_naming_the_field(folded, tmp_path, change, words):
    refused(edited(folded[0], tmp_path, change), *words)
