"""Session files (``.mlpviz``): a whole training session, to close now and resume later.

JSON, versioned, human-readable. A session holds the data (a copy, or a
reference to the CSV file with its SHA-256 checksum), the column roles, the
scaling (specs and the fitted scalers), the train/test split, the network,
the training settings and the training state: weights, optimizer state, the
loss histories, the recorded weight history, epoch/position/steps and the
row order. Floats are written with ``repr`` so every number reads back
bit-for-bit.

Loading validates every field and then rehearses the restore on a scratch
network and trainer, so it returns a complete :class:`LoadedSession` that the
training worker can apply without failing half-way — or raises
:class:`SessionFileError` naming the file and the field. Nothing is ever
unpickled or evaluated. Writes are atomic.

Versions: 1 had no weight history and no optimizer state; a version-1 file
loads with the current weights as the only history row and a fresh optimizer.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from mlpviz.data.csv_loader import load_csv
from mlpviz.data.dataset import Dataset
from mlpviz.data.problem import Problem, prepare
from mlpviz.data.scaler_base import Scaler
from mlpviz.data.scalers import scaler_from_dict
from mlpviz.engine.history import WeightHistory
from mlpviz.engine.layout import ParamLayout
from mlpviz.engine.settings import NetworkSpec, TrainingSettings
from mlpviz.io.atomic import write_text_atomic
from mlpviz.io.session_checks import (
    SCHEDULE_TYPES,
    SETTINGS_TYPES,
    SPEC_TYPES,
    _find_nonfinite,
    _integer,
    _ints,
    _join,
    _naming,
    _number,
    _short,
    _vector,
    typed_fields,
)
from mlpviz.io.validate import FileFormatError, check_format, field, read_text, string_list

FORMAT = "mlpviz-session"
FORMAT_VERSION = 2
SUFFIX = ".mlpviz"
# The training worker's history capacity (mlpviz.ui.training.worker.HISTORY_CAPACITY;
# a test keeps the two equal). A longer record would fail inside the worker,
# after it had already replaced its network, so it is refused here instead.
HISTORY_CAPACITY = 4096
MAX_LAYER = 100_000  # nodes per layer, as model files allow

# Errors a malformed file can provoke deep in validation; all become SessionFileError.
_CONTENT_ERRORS = (ValueError, TypeError, KeyError, IndexError, OverflowError, AttributeError)


class SessionFileError(FileFormatError):
    """A session file cannot be read or written; the message names the file and the field."""


class TrainingStateLike(Protocol):
    """What :func:`save_session` needs: ``mlpviz.ui.training.state.TrainingState`` (no Qt here)."""

    problem: Problem
    spec: NetworkSpec
    settings: TrainingSettings
    state: dict


@dataclass(frozen=True, eq=False)
class LoadedSession:
    """A session read back whole; ``state`` has the worker's checkpoint layout."""

    problem: Problem
    spec: NetworkSpec
    settings: TrainingSettings
    state: dict
    name: str
    dataset_path: Path | None  # the referenced CSV file, None when the data are embedded


# -- saving ---------------------------------------------------------------------------


def save_session(
    path: str | Path,
    training_state: TrainingStateLike,
    dataset_mode: str = "embed",
    source_path: str | Path | None = None,
    name: str | None = None,
) -> None:
    """Write ``training_state`` to ``path`` atomically.

    ``dataset_mode`` "embed" stores a copy of the data; "reference" stores
    ``source_path`` (the CSV the data came from) and its checksum. ``name``
    defaults to the problem's name. Raises SessionFileError if the state
    cannot be written faithfully (a non-finite number, a reference to a file
    holding other data); OSError if the file cannot be written.
    """
    path = Path(path)
    try:
        d = session_to_dict(training_state, dataset_mode, source_path, name, path.parent)
    except (FileFormatError, ValueError) as e:
        raise SessionFileError(f"{path}: cannot save: {e}") from None
    bad = _find_nonfinite(d, "")
    if bad:
        raise SessionFileError(f"{path}: cannot save: {bad} is not a finite number")
    write_text_atomic(path, _dumps(d) + "\n")


def session_to_dict(
    ts: TrainingStateLike,
    dataset_mode: str = "embed",
    source_path: str | Path | None = None,
    name: str | None = None,
    base: Path | None = None,
) -> dict[str, Any]:
    """The session as plain JSON types (``base``: the session file's folder)."""
    p, spec, st = ts.problem, ts.spec, ts.state
    sizes = spec.layer_sizes(len(p.input_names), len(p.target_names))
    weights, biases = ParamLayout.of(sizes).split(np.asarray(st["params"], dtype=np.float64))
    h_params, h_epochs, stride = st["history"]
    opt = st["optimizer"]
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "name": name or p.name,
        "dataset": _dataset_dict(p, dataset_mode, source_path, base),
        "problem": {
            "inputs": list(p.raw_input_names),
            "targets": list(p.target_names),
            "derived": list(p.derived),
            "input_scaling": p.input_scaling,
            "target_scaling": p.target_scaling,
            "test_fraction": float(p.test_fraction),
            "seed": int(p.seed),
            "input_scaler": p.input_scaler.to_dict(),
            "target_scaler": p.target_scaler.to_dict(),
        },
        "network": spec.to_dict(),
        "training": _plain(ts.settings.to_dict()),
        "state": {
            "layer_sizes": list(sizes),
            "epoch": int(st["epoch"]),
            "position": int(st["position"]),
            "steps": int(st["steps"]),
            "weights": [w.tolist() for w in weights],
            "biases": [b.tolist() for b in biases],
            "losses": [float(v) for v in st["losses"]],
            "penalties": [float(v) for v in st["penalties"]],
            "tests": [float(v) for v in st["tests"]],
            "order": np.asarray(st["order"]).astype(int).tolist(),
            "history": {
                "stride": int(stride),
                "epochs": np.asarray(h_epochs).astype(int).tolist(),
                "params": np.asarray(h_params, dtype=np.float64).tolist(),
            },
            "optimizer": {
                "name": opt["name"],
                "options": _plain(opt.get("options", {})),
                "t": int(opt.get("t", 0)),
                "state": {
                    k: np.asarray(v, dtype=np.float64).tolist() for k, v in opt["state"].items()
                },
            },
        },
    }


def _dataset_dict(p: Problem, mode: str, source: str | Path | None, base: Path | None) -> dict:
    if mode == "embed":
        return {
            "mode": "embed",
            "columns": [*p.raw_input_names, *p.target_names],
            "values": np.hstack([p.raw_inputs, p.raw_targets]).tolist(),
        }
    if mode != "reference":
        raise ValueError(f'dataset_mode must be "embed" or "reference", not {mode!r}')
    if source is None:
        raise ValueError("a referenced dataset needs the source file's path")
    source = Path(source).resolve()
    data = load_csv(source)
    # A reference is only honest if the file holds exactly the data trained on
    # (drawn or edited data live only in memory): compare before writing.
    try:
        cols = [data.index(c) for c in (*p.raw_input_names, *p.target_names)]
        same = np.array_equal(data.values[:, cols], np.hstack([p.raw_inputs, p.raw_targets]))
    except ValueError:  # a column is missing
        same = False
    if not same:
        raise ValueError(f"{source} does not hold the session's data; save with the data embedded")
    try:
        relative = os.path.relpath(source, base) if base is not None else None
    except ValueError:  # another drive on Windows
        relative = None
    return {
        "mode": "reference",
        "path": str(source),
        "relative": relative,
        "sha256": _sha256(source),
    }


def _plain(d: Any) -> Any:
    """Tuples (from dataclasses.asdict) as lists, NumPy scalars as Python numbers."""
    if isinstance(d, dict):
        return {k: _plain(v) for k, v in d.items()}
    if isinstance(d, (list, tuple)):
        return [_plain(v) for v in d]
    return d.item() if isinstance(d, np.generic) else d


def _dumps(v: Any, level: int = 0) -> str:
    """JSON with objects and nested lists indented, but each list of numbers on one line
    (a weight row, a history row), so the file stays readable and compact."""
    pad, inner = " " * level, " " * (level + 1)
    if isinstance(v, dict) and v:
        items = [
            f"{inner}{json.dumps(k, ensure_ascii=False)}: {_dumps(x, level + 1)}"
            for k, x in v.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(v, list) and any(isinstance(x, (list, dict)) for x in v):
        return "[\n" + ",\n".join(inner + _dumps(x, level + 1) for x in v) + "\n" + pad + "]"
    return json.dumps(v, ensure_ascii=False, allow_nan=False)


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# -- loading --------------------------------------------------------------------------


def load_session(path: str | Path) -> LoadedSession:
    """Read and validate a session file; raises :class:`SessionFileError` naming what is wrong."""
    path = Path(path)
    text = read_text(path, SessionFileError)
    if not text.strip():
        raise SessionFileError(f"{path}: the file is empty")
    try:
        d = json.loads(text)
    except json.JSONDecodeError as e:
        # Cut short: the error is at the very end, or in a string never closed.
        ends = e.pos >= len(text.rstrip()) or (
            e.msg.startswith("Unterminated string") and '"' not in text[e.pos + 1 :]
        )
        why = "the file ends too early (truncated?)" if ends else f"{e.msg} (edited by hand?)"
        raise SessionFileError(
            f"{path}: not valid JSON at line {e.lineno}, column {e.colno}: {why}"
        ) from None
    except (RecursionError, ValueError) as e:  # nested too deeply, an int of 5000 digits
        raise SessionFileError(f"{path}: not valid JSON ({e or 'nested too deeply'})") from None
    try:
        return session_from_dict(d, path.parent)
    except FileFormatError as e:
        raise SessionFileError(f"{path}: {e}") from None
    except (*_CONTENT_ERRORS, RuntimeError, RecursionError) as e:
        # Anything the explicit checks did not foresee still names the file.
        raise SessionFileError(f"{path}: invalid content ({type(e).__name__}: {e})") from None


def session_from_dict(d: Any, base: Path | None = None) -> LoadedSession:
    """Validate a parsed session; ``base`` is the folder relative data paths start from."""
    version = check_format(d, FORMAT, FORMAT_VERSION, "session")
    bad = _find_nonfinite(d, "")
    if bad:
        raise FileFormatError(f"{bad} is not a finite number")
    name = field(d, "name", "the session")
    if not isinstance(name, str):
        raise FileFormatError("name must be a string")
    dataset, dataset_path = _dataset(field(d, "dataset", "the session"), base)
    problem = _problem(field(d, "problem", "the session"), dataset, name)
    spec_d = typed_fields(field(d, "network", "the session"), SPEC_TYPES, "network")
    settings_d = typed_fields(field(d, "training", "the session"), SETTINGS_TYPES, "training")
    if "schedule" in settings_d:
        typed_fields(settings_d["schedule"], SCHEDULE_TYPES, "training.schedule")
    if "optimizer_options" in settings_d:
        typed_fields(
            settings_d["optimizer_options"], {}, "training.optimizer_options", numbers=True
        )
    with _naming("network"):
        spec = NetworkSpec.from_dict(spec_d)
    with _naming("training"):
        settings = TrainingSettings.from_dict(settings_d)
    state = _state(field(d, "state", "the session"), problem, spec, settings, version)
    return LoadedSession(problem, spec, settings, state, name, dataset_path)


def _dataset(dd: Any, base: Path | None) -> tuple[Dataset, Path | None]:
    mode = field(dd, "mode", "dataset")
    if mode == "embed":
        columns = string_list(field(dd, "columns", "dataset"), "dataset.columns")
        rows = field(dd, "values", "dataset")
        if not isinstance(rows, list) or not rows:
            raise FileFormatError("dataset.values must be a non-empty list of rows")
        values = np.stack(
            [_vector(r, len(columns), f"dataset.values[{i}]") for i, r in enumerate(rows)]
        )
        return Dataset(columns, values), None
    if mode != "reference":
        raise FileFormatError(f'dataset.mode must be "embed" or "reference", not {_short(mode)}')
    stored, relative = field(dd, "path", "dataset"), dd.get("relative")
    digest = field(dd, "sha256", "dataset")
    if not isinstance(stored, str) or not isinstance(relative, (str, type(None))):
        raise FileFormatError("dataset.path and dataset.relative must be strings")
    if not isinstance(digest, str) or len(digest) != 64:
        raise FileFormatError("dataset.sha256 must be a SHA-256 checksum (64 hex digits)")
    # The file where it was, else at the same place relative to the session
    # (a folder moved or copied as a whole).
    candidates = [Path(stored)]
    if relative and base is not None:
        candidates.append(base / relative)
    found = next((c for c in candidates if c.is_file()), None)
    if found is None:
        raise FileFormatError(
            f"the data file {stored} is missing (the session refers to it rather than "
            "holding a copy); put it back, or save the session with the data embedded"
        )
    if _sha256(found) != digest.lower():
        raise FileFormatError(
            f"the data file {found} has changed since the session was saved (its SHA-256 "
            "checksum differs), so the saved weights no longer match it"
        )
    return load_csv(found), found


def _problem(pd: Any, dataset: Dataset, name: str) -> Problem:
    where = "problem"
    inputs = string_list(field(pd, "inputs", where), "problem.inputs")
    targets = string_list(field(pd, "targets", where), "problem.targets")
    derived = string_list(field(pd, "derived", where), "problem.derived")
    scalings = [field(pd, k, where) for k in ("input_scaling", "target_scaling")]
    if not all(isinstance(s, str) for s in scalings):
        raise FileFormatError("problem.input_scaling and problem.target_scaling must be strings")
    fraction = _number(field(pd, "test_fraction", where), "problem.test_fraction")
    seed = _integer(field(pd, "seed", where), "problem.seed")
    # Derived inputs of huge values overflow; prepare() then refuses the infinities.
    with _naming("problem"), np.errstate(over="ignore", invalid="ignore"):
        problem = prepare(dataset, inputs, targets, *scalings, fraction, seed, derived, name)
    # The stored fitted scalers are what the weights were trained against; the
    # refit from the same rows gives the same numbers, but the stored ones are
    # authoritative (and any warnings are kept from the refit).
    feats = problem.features(problem.raw_inputs)
    in_s = _scaler(field(pd, "input_scaler", where), "problem.input_scaler", feats)
    out_s = _scaler(field(pd, "target_scaler", where), "problem.target_scaler", problem.raw_targets)
    in_s.warnings = list(problem.input_scaler.warnings)
    out_s.warnings = list(problem.target_scaler.warnings)
    with _naming("problem"):
        return dataclasses.replace(
            problem,
            input_scaler=in_s,
            target_scaler=out_s,
            X=in_s.transform(feats),
            Z=out_s.transform(problem.raw_targets),
        )


def _scaler(d: Any, where: str, values: np.ndarray) -> Scaler:
    try:
        scaler = scaler_from_dict(d)
        scaler.transform(values[:1])
    except (ValueError, RuntimeError) as e:  # RuntimeError: a scaler stored unfitted
        raise FileFormatError(f"{where}: {e}") from None
    return scaler


def _state(
    sd: Any, p: Problem, spec: NetworkSpec, settings: TrainingSettings, version: int
) -> dict:
    def get(key: str) -> Any:
        return field(sd, key, "state")

    n_in, n_out = len(p.input_names), len(p.target_names)
    sizes = spec.layer_sizes(n_in, n_out)
    stored = get("layer_sizes")
    if stored != list(sizes):
        raise FileFormatError(
            f"state.layer_sizes is {_short(stored)}, but the network and data give {list(sizes)}"
        )
    if any(n > MAX_LAYER for n in sizes):
        raise FileFormatError(f"layers of more than {MAX_LAYER} nodes are not supported")
    params = _join(get("weights"), get("biases"), sizes)
    # Rehearse what the worker will do (build, make the trainer, restore) on
    # scratch objects: any setting or state it would refuse is refused here.
    with _naming("network"):
        mlp = spec.build(n_in, n_out)
    mlp.set_params(params)
    with _naming("training"):
        trainer = settings.make_trainer(mlp, p.X_train, p.Z_train, p.X_test, p.Z_test)
    n_train = trainer.n_rows
    epoch = _integer(get("epoch"), "state.epoch")
    position = _integer(get("position"), "state.position")
    if position >= n_train:
        raise FileFormatError(f"state.position {position} is past the {n_train} training rows")
    steps = _integer(get("steps"), "state.steps")
    losses = _vector(get("losses"), epoch, "state.losses").tolist()
    penalties = _vector(get("penalties"), epoch, "state.penalties").tolist()
    tests = _vector(get("tests"), None, "state.tests").tolist()
    if len(tests) > epoch:
        raise FileFormatError(f"state.tests has {len(tests)} entries for {epoch} epochs")
    order = _ints(get("order"), n_train, "state.order")
    if not np.array_equal(np.sort(order), np.arange(n_train)):
        raise FileFormatError(f"state.order must be an ordering of the {n_train} training rows")
    if version < 2:  # v1 recorded neither
        history = (params[None, :].copy(), np.array([epoch], dtype=np.int64), 1)
        optimizer = trainer.optimizer.state_dict()
    else:
        history = _history(get("history"), params.size, epoch)
        optimizer = _optimizer(get("optimizer"), settings, params.size)
    WeightHistory(params.size, HISTORY_CAPACITY).load_state(*history)
    trainer.optimizer.load_state_dict(optimizer)
    return {
        "params": params,
        "epoch": epoch,
        "position": position,
        "steps": steps,
        "losses": losses,
        "penalties": penalties,
        "tests": tests,
        "history": history,
        "optimizer": optimizer,
        "order": order,
    }


def _history(hd: Any, n_params: int, epoch: int) -> tuple[np.ndarray, np.ndarray, int]:
    stride = _integer(field(hd, "stride", "state.history"), "state.history.stride")
    if not 1 <= stride <= 1 << 40:
        raise FileFormatError("state.history.stride must be a positive integer")
    epochs = _ints(field(hd, "epochs", "state.history"), None, "state.history.epochs")
    if len(epochs) > HISTORY_CAPACITY:
        raise FileFormatError(f"state.history holds {len(epochs)} rows; at most {HISTORY_CAPACITY}")
    if (np.diff(epochs) <= 0).any() or (epochs < 0).any() or (epochs > epoch).any():
        raise FileFormatError(f"state.history.epochs must increase, within 0..{epoch}")
    rows = field(hd, "params", "state.history")
    if not isinstance(rows, list) or len(rows) != len(epochs):
        raise FileFormatError(f"state.history.params must have one row per epoch ({len(epochs)})")
    params = np.zeros((len(rows), n_params))
    for i, r in enumerate(rows):
        params[i] = _vector(r, n_params, f"state.history.params[{i}]")
    return params, epochs, stride


def _optimizer(od: Any, settings: TrainingSettings, n_params: int) -> dict:
    where = "state.optimizer"
    name = field(od, "name", where)
    if name != settings.optimizer:
        raise FileFormatError(
            f"{where}.name is {_short(name)}, but the settings use {settings.optimizer!r}"
        )
    options = typed_fields(field(od, "options", where), {}, f"{where}.options", numbers=True)
    t = _integer(field(od, "t", where), f"{where}.t")
    buffers = field(od, "state", where)
    if not isinstance(buffers, dict):
        raise FileFormatError(f"{where}.state must be an object")
    state = {k: _vector(v, n_params, f"{where}.state.{k}").tolist() for k, v in buffers.items()}
    return {"name": name, "options": options, "t": t, "state": state}
