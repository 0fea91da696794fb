"""Reading session files: every field validated, the restore rehearsed.

:func:`session_from_dict` checks each field of a parsed session (naming the
one it refuses) and then rehearses the restore on a scratch network and
trainer, so the :class:`LoadedSession` it returns is one the training worker
can apply without failing half-way. Nothing is ever unpickled or evaluated.

Versions: 1 had no weight history and no optimizer state (it loads with the
current weights as the only history row and a fresh optimizer); 1 and 2 had
no random generator state, evaluation counts or last batch loss (the
trainer keeps its own, from the settings' seed); 1 to 3 held every epoch's
losses in the lists (4 folds the older ones into ``loss_archive``); 1 to 4
name no file columns or task (their inputs and targets are number columns,
a regression).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mlpviz.data.csv_loader import load_csv
from mlpviz.data.dataset import NUMBER, TEXT, Dataset, TextCell
from mlpviz.data.problem import Problem, prepare
from mlpviz.data.scaler_base import Scaler
from mlpviz.data.scalers import scaler_from_dict
from mlpviz.engine.history import HISTORY_CAPACITY, WeightHistory, capacity_for
from mlpviz.engine.loss_archive import ARCHIVE_BUCKETS, LossArchive
from mlpviz.engine.settings import NetworkSpec, TrainingSettings
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
    loss_archive_from,
    typed_fields,
)
from mlpviz.io.session_runs import runs_from_list
from mlpviz.io.session_write import FORMAT, FORMAT_VERSION, sha256
from mlpviz.io.validate import FileFormatError, check_format, field, string_list

MAX_LAYER = 100_000  # nodes per layer, as model files allow


@dataclass(frozen=True, eq=False)
class LoadedSession:
    """A session read back whole; ``state`` is a partial :meth:`Trainer.state_dict`."""

    problem: Problem
    spec: NetworkSpec
    settings: TrainingSettings
    state: dict
    name: str
    dataset_path: Path | None  # the referenced CSV file, None when the data are embedded
    runs: tuple = ()  # kept RunRecords (mlpviz.io.session_runs)


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
    runs = runs_from_list(d.get("runs"))
    return LoadedSession(problem, spec, settings, state, name, dataset_path, runs)


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
        categories = _categories(dd.get("categories", {}), columns, values)
        kinds = tuple(TEXT if j in categories else NUMBER for j in range(len(columns)))
        # Embedded text columns are categories throughout (no cell of them a number).
        firsts = {
            j: TextCell(2, j + 1, cats[int(values[0, j])], 0) for j, cats in categories.items()
        }
        with _naming("dataset"):
            ds = Dataset(columns, values, kinds=kinds, categories=categories, text_cells=firsts)
        return ds, None
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
    try:
        digest_found = sha256(found)
    except (OSError, ValueError) as e:
        raise FileFormatError(f"the data file {found} cannot be read: {e}") from None
    if digest_found != digest.lower():
        raise FileFormatError(
            f"the data file {found} has changed since the session was saved (its SHA-256 "
            "checksum differs), so the saved weights no longer match it"
        )
    return load_csv(found), found


def _categories(cd: Any, columns: tuple[str, ...], values: np.ndarray) -> dict:
    """The embedded text columns: position → categories, each cell a code into them."""
    if not isinstance(cd, dict):
        raise FileFormatError("dataset.categories must be an object: column name → categories")
    out = {}
    for col, cats in cd.items():
        where = f"dataset.categories[{_short(col)}]"
        if col not in columns:
            raise FileFormatError(f"{where} names no column of dataset.columns")
        labels = string_list(cats, where)
        if not labels or len(set(labels)) != len(labels):
            raise FileFormatError(f"{where} must list distinct categories")
        j = columns.index(col)
        codes = values[:, j]
        if ((codes != np.round(codes)) | (codes < 0) | (codes >= len(labels))).any():
            raise FileFormatError(
                f"dataset column {_short(col)} must hold codes 0..{len(labels) - 1} "
                "into its categories"
            )
        out[j] = labels
    return out


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
    # Without the file's columns and task (an older file), the inputs and
    # targets are number columns of a regression.
    task = pd.get("task", "regression")
    if task not in ("classification", "regression"):
        raise FileFormatError(
            f"problem.task must be classification or regression, not {_short(task)}"
        )
    in_cols = string_list(pd.get("input_columns", list(inputs)), "problem.input_columns")
    out_cols = string_list(pd.get("target_columns", list(targets)), "problem.target_columns")
    # Derived inputs of huge values overflow; prepare() then refuses the infinities.
    with _naming("problem"), np.errstate(over="ignore", invalid="ignore"):
        problem = prepare(
            dataset, in_cols, out_cols, *scalings, fraction, seed, derived, name, task=task
        )
    if problem.raw_input_names != inputs or problem.target_names != targets:
        raise FileFormatError(
            f"problem.inputs and problem.targets ({_short(list(inputs))}, "
            f"{_short(list(targets))}) are not what the data give "
            f"({_short(list(problem.raw_input_names))}, {_short(list(problem.target_names))})"
        )
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
    archive = _loss_archive(sd.get("loss_archive") if version >= 4 else None, epoch)
    exact = epoch - archive.end
    losses = _vector(get("losses"), exact, "state.losses").tolist()
    penalties = _vector(get("penalties"), exact, "state.penalties").tolist()
    tests = _vector(get("tests"), None, "state.tests").tolist()
    if len(tests) > exact:
        raise FileFormatError(f"state.tests has {len(tests)} entries for {exact} epochs")
    order = _ints(get("order"), n_train, "state.order")
    if not np.array_equal(np.sort(order), np.arange(n_train)):
        raise FileFormatError(f"state.order must be an ordering of the {n_train} training rows")
    if version < 2:  # v1 recorded neither
        history = (params[None, :].copy(), np.array([epoch], dtype=np.int64), 1)
        optimizer = trainer.optimizer.state_dict()
    else:
        history = _history(get("history"), params.size, epoch)
        optimizer = _optimizer(get("optimizer"), settings, params.size)
    state = {
        "params": params,
        "epoch": epoch,
        "position": position,
        "steps": steps,
        "losses": losses,
        "penalties": penalties,
        "tests": tests,
        "loss_archive": archive.state(),
        "history": history,
        "optimizer": optimizer,
        "order": order,
    }
    if version >= 3:
        state.update(_run_fields(sd))
    trainer.history = WeightHistory(params.size, max(capacity_for(params.size), len(history[1])))
    trainer.load_state_dict(state)
    return state


def _run_fields(sd: dict) -> dict:
    """The generator's state, the evaluation counts and the last batch's loss (each optional)."""
    out: dict[str, Any] = {}
    if "rng" in sd:
        out["rng"] = _rng(sd["rng"])
    if "evaluations" in sd:
        ev = typed_fields(sd["evaluations"], {}, "state.evaluations", numbers=True)
        if set(ev) - {"loss", "gradient"}:
            raise FileFormatError('state.evaluations may only count "loss" and "gradient"')
        out["evaluations"] = {k: _integer(v, f"state.evaluations.{k}") for k, v in ev.items()}
    if "last_batch_loss" in sd:
        v = sd["last_batch_loss"]
        out["last_batch_loss"] = None if v is None else _number(v, "state.last_batch_loss")
    return out


def _rng(v: Any) -> dict:
    """A random generator's state as NumPy gives it (``bit_generator.state``),
    checked by setting it on a scratch generator of the trainer's kind."""
    if not isinstance(v, dict) or not isinstance(v.get("state"), dict):
        raise FileFormatError('state.rng must be an object holding a "state" object')
    numbers = [*v["state"].values(), v.get("has_uint32", 0), v.get("uinteger", 0)]
    if any(type(x) is not int for x in numbers):
        raise FileFormatError("state.rng must hold integers only")
    g = np.random.default_rng().bit_generator
    try:
        g.state = v
    except (ValueError, TypeError, KeyError, OverflowError) as e:
        raise FileFormatError(f"state.rng is not a random generator's state ({e})") from None
    return g.state


def _loss_archive(ad: Any, epoch: int) -> LossArchive:
    """The envelopes of the epochs before the exact losses (none when ``ad`` is None)."""
    if ad is None:
        return LossArchive()
    return loss_archive_from(ad, "state.loss_archive", ARCHIVE_BUCKETS, epoch)


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
    # Each row is checked against the numbers present before the whole block is
    # allocated: the row count and n_params alone could ask for gigabytes.
    checked = [_vector(r, n_params, f"state.history.params[{i}]") for i, r in enumerate(rows)]
    params = np.array(checked).reshape(len(rows), n_params)
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
