"""Teacher presets: a lesson's set-up as one small JSON file.

A preset (format ``mlpviz-preset``, :data:`PRESET_VERSION`) names the data (a
built-in example with its options, or embedded rows), the network, the
training settings, which docks are shown, which controls are locked and the
steps (instructions or questions, each with an optional expected answer) the
side panel walks through. It holds no weights: opening one starts fresh.

:func:`read_preset` validates every field (naming the file and the field it
refuses) and rehearses the set-up — the data prepared, the network built for
them, a trainer made — so a :class:`Preset` it returns always applies.
Nothing is unpickled or evaluated.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mlpviz.data.dataset import Dataset
from mlpviz.data.datasets import EXAMPLES, FIXED, load_example
from mlpviz.data.problem import DERIVED, Problem, prepare
from mlpviz.engine.settings import NetworkSpec, TrainingSettings
from mlpviz.io.atomic import write_text_atomic
from mlpviz.io.session_checks import (
    SCHEDULE_TYPES,
    SETTINGS_TYPES,
    SPEC_TYPES,
    _find_nonfinite,
    _integer,
    _naming,
    _number,
    _short,
    _vector,
    typed_fields,
)
from mlpviz.io.validate import FileFormatError, check_format, field, read_text, string_list

PRESET_FORMAT = "mlpviz-preset"
PRESET_VERSION = 1
# A preset is a set-up, not a dataset: embedded rows are for small tables.
MAX_PRESET_BYTES = 4 << 20
MAX_STEPS = 200
MAX_TEXT = 4000  # characters of one step's text or answer

# The docks a preset may show (the main window's dock object names without "-dock").
DOCKS = (
    "settings", "tables", "inspector", "loss", "surface", "data", "confusion", "step", "pictures",
)  # fmt: skip
# What a preset may lock, each with what the window disables for it.
LOCKS = {
    "network": "the network's layers, activations, loss and initial weights",
    "learning_rate": "the learning rate η and its schedule",
    "optimizer": "the optimizer and its options",
    "batch_size": "the batch size and shuffling",
    "regularization": "L1, L2 and dropout",
    "stopping": "the stop conditions",
    "seed": "the training seed",
    "data": "the data: opening, drawing or dropping another dataset",
}
_SCALINGS = ("input_scaling", "target_scaling")


@dataclass(frozen=True)
class PresetStep:
    """One instruction or question; ``answer`` is shown on request (None: no answer)."""

    text: str
    answer: str | None = None


@dataclass(frozen=True)
class PresetData:
    """The data: ``example`` (a built-in name with ``n``, ``noise``, ``seed``) or
    embedded ``columns`` and ``rows``; then the columns' roles and scaling."""

    example: str | None = None
    n: int | None = None
    noise: float | None = None
    seed: int = 0
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[float, ...], ...] = ()
    inputs: tuple[str, ...] = ()  # empty: the example's own
    targets: tuple[str, ...] = ()
    derived: tuple[str, ...] = ()
    input_scaling: str = "0,1"
    target_scaling: str = "0,1"
    test_fraction: float = 0.0
    split_seed: int = 0


@dataclass(frozen=True)
class Preset:
    title: str
    data: PresetData
    spec: NetworkSpec
    settings: TrainingSettings
    docks: tuple[str, ...] = DOCKS
    locked: frozenset[str] = frozenset()
    steps: tuple[PresetStep, ...] = ()


# -- the data ---------------------------------------------------------------------


def preset_problem(data: PresetData, name: str | None = None) -> Problem:
    """The prepared problem the preset trains on (ValueError naming what is wrong)."""
    common = (data.input_scaling, data.target_scaling, data.test_fraction, data.split_seed)
    if data.example is not None:
        ex = load_example(data.example, data.n, data.noise, data.seed)
        inputs, targets = data.inputs or ex.inputs, data.targets or ex.targets
        task = ex.prepare_task if tuple(targets) == tuple(ex.targets) else "regression"
        return prepare(
            ex.dataset, inputs, targets, *common, data.derived, name or ex.name, task=task
        )
    dataset = Dataset(data.columns, np.array(data.rows, dtype=np.float64))
    return prepare(dataset, data.inputs, data.targets, *common, data.derived, name or "preset")


def data_from_problem(p: Problem) -> PresetData:
    """The preset data that prepare ``p`` again: a reference to the built-in
    example when ``p`` holds exactly its default rows, else the rows embedded
    (the columns ``p`` reads, as sessions embed them)."""
    roles = {
        "derived": tuple(p.derived),
        "input_scaling": p.input_scaling,
        "target_scaling": p.target_scaling,
        "test_fraction": float(p.test_fraction),
        "split_seed": int(p.seed),
    }
    if p.name in EXAMPLES:
        ex = load_example(p.name)
        probe = preset_problem(PresetData(example=p.name, **roles))
        if (
            probe.raw_input_names == p.raw_input_names
            and probe.target_names == p.target_names
            and np.array_equal(probe.raw_inputs, p.raw_inputs)
            and np.array_equal(probe.raw_targets, p.raw_targets)
        ):
            fixed = p.name in FIXED
            return PresetData(
                example=ex.name, n=None if fixed else 200, noise=None if fixed else 0.1, **roles
            )
    values = np.hstack([p.raw_inputs, p.raw_targets]).astype(np.float64)
    return PresetData(
        columns=(*p.raw_input_names, *p.target_names),
        rows=tuple(tuple(float(x) for x in r) for r in values),
        inputs=tuple(p.raw_input_names),
        targets=tuple(p.target_names),
        **roles,
    )


# -- writing ------------------------------------------------------------------------


def preset_to_dict(preset: Preset) -> dict[str, Any]:
    d = preset.data
    if d.example is not None:
        data: dict[str, Any] = {"example": d.example, "n": d.n, "noise": d.noise, "seed": d.seed}
    else:
        data = {"columns": list(d.columns), "rows": [list(r) for r in d.rows]}
    if d.inputs or d.example is None:
        data["inputs"] = list(d.inputs)
        data["targets"] = list(d.targets)
    data.update(
        derived=list(d.derived),
        input_scaling=d.input_scaling,
        target_scaling=d.target_scaling,
        test_fraction=d.test_fraction,
        split_seed=d.split_seed,
    )
    settings = preset.settings.to_dict()
    settings["schedule"] = dict(settings["schedule"])
    return {
        "format": PRESET_FORMAT,
        "version": PRESET_VERSION,
        "title": preset.title,
        "data": data,
        "network": preset.spec.to_dict(),
        "training": settings,
        "docks": [k for k in DOCKS if k in preset.docks],
        "locked": [k for k in LOCKS if k in preset.locked],
        "steps": [{"text": s.text, "answer": s.answer} for s in preset.steps],
    }


def write_preset(path: str | Path, preset: Preset) -> None:
    """Save ``preset`` atomically (SaveError naming the file when it cannot)."""
    text = json.dumps(preset_to_dict(preset), ensure_ascii=False, indent=1, allow_nan=False)
    write_text_atomic(path, text + "\n")


# -- reading ------------------------------------------------------------------------


def read_preset(path: str | Path) -> Preset:
    """A preset file, validated; FileFormatError names the file and the field."""
    path = Path(path)
    return preset_from_text(read_text(path, FileFormatError, MAX_PRESET_BYTES), str(path))


def preset_from_text(text: str, source: str) -> Preset:
    """Parse and validate a preset's JSON; errors start with ``source`` (the file)."""
    try:
        d = json.loads(text)
    except json.JSONDecodeError as e:
        raise FileFormatError(
            f"{source}: not JSON (line {e.lineno}, column {e.colno}: {e.msg})"
        ) from None
    except RecursionError:
        raise FileFormatError(f"{source}: nested too deeply to be a preset") from None
    try:
        return preset_from_dict(d)
    except FileFormatError as e:
        raise FileFormatError(f"{source}: {e}") from None


def preset_from_dict(d: Any) -> Preset:
    check_format(d, PRESET_FORMAT, PRESET_VERSION, "preset")
    bad = _find_nonfinite(d, "")
    if bad:
        raise FileFormatError(f"{bad} is not a finite number")
    unknown = set(d) - {"format", "version", "title", "data", "network", "training"} - {
        "docks", "locked", "steps",
    }  # fmt: skip
    if unknown:
        raise FileFormatError(f"unknown field(s) {', '.join(sorted(unknown))}")
    title = field(d, "title", "the preset")
    if not isinstance(title, str) or not title.strip() or len(title) > 200:
        raise FileFormatError("title must be a non-empty string of at most 200 characters")
    data = _data(field(d, "data", "the preset"))
    spec_d = typed_fields(field(d, "network", "the preset"), SPEC_TYPES, "network")
    settings_d = typed_fields(field(d, "training", "the preset"), SETTINGS_TYPES, "training")
    if "schedule" in settings_d:
        typed_fields(settings_d["schedule"], SCHEDULE_TYPES, "training.schedule")
    if "optimizer_options" in settings_d:
        typed_fields(settings_d["optimizer_options"], {}, "training.optimizer_options", True)
    with _naming("network"):
        spec = NetworkSpec.from_dict(spec_d)
    with _naming("training"):
        settings = TrainingSettings.from_dict(settings_d)
    docks = _names(d.get("docks", list(DOCKS)), DOCKS, "docks")
    locked = _names(d.get("locked", []), tuple(LOCKS), "locked")
    steps = _steps(d.get("steps", []))
    _rehearse(data, spec, settings)
    return Preset(title.strip(), data, spec, settings, docks, frozenset(locked), steps)


def _names(v: Any, known: tuple[str, ...], where: str) -> tuple[str, ...]:
    names = string_list(v, where)
    for i, n in enumerate(names):
        if n not in known:
            raise FileFormatError(f"{where}[{i}] is {_short(n)}, not one of: {', '.join(known)}")
    return tuple(k for k in known if k in names)


def _steps(v: Any) -> tuple[PresetStep, ...]:
    if not isinstance(v, list):
        raise FileFormatError("steps must be a list of objects")
    if len(v) > MAX_STEPS:
        raise FileFormatError(f"steps has {len(v)} entries; at most {MAX_STEPS}")
    out = []
    for i, s in enumerate(v):
        where = f"steps[{i}]"
        if not isinstance(s, dict):
            raise FileFormatError(f"{where} must be an object with a text")
        extra = set(s) - {"text", "answer"}
        if extra:
            raise FileFormatError(f"{where} has unknown field(s) {', '.join(sorted(extra))}")
        text, answer = field(s, "text", where), s.get("answer")
        if not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
            raise FileFormatError(f"{where}.text must be text of 1 to {MAX_TEXT} characters")
        if answer is not None and (not isinstance(answer, str) or len(answer) > MAX_TEXT):
            raise FileFormatError(f"{where}.answer must be text (at most {MAX_TEXT}) or null")
        out.append(PresetStep(text.strip(), answer.strip() if answer else None))
    return tuple(out)


_DATA_KEYS = frozenset(
    [
        "example",
        "n",
        "noise",
        "seed",
        "columns",
        "rows",
        "inputs",
        "targets",
        "derived",
        "input_scaling",
        "target_scaling",
        "test_fraction",
        "split_seed",
    ]
)


def _data(dd: Any) -> PresetData:
    if not isinstance(dd, dict):
        raise FileFormatError("data must be an object")
    extra = set(dd) - _DATA_KEYS
    if extra:
        raise FileFormatError(f"data has unknown field(s) {', '.join(sorted(extra))}")
    roles: dict[str, Any] = {}
    for key in ("inputs", "targets", "derived"):
        if key in dd:
            roles[key] = string_list(dd[key], f"data.{key}")
    for i, name in enumerate(roles.get("derived", ())):
        if name not in DERIVED:
            raise FileFormatError(
                f"data.derived[{i}] is {_short(name)}, not one of: {', '.join(DERIVED)}"
            )
    for key in _SCALINGS:
        if key in dd:
            if not isinstance(dd[key], str):
                raise FileFormatError(f"data.{key} must be a string, not {_short(dd[key])}")
            roles[key] = dd[key]
    if "test_fraction" in dd:
        fraction = _number(dd["test_fraction"], "data.test_fraction")
        if not 0.0 <= fraction < 1.0:
            raise FileFormatError(f"data.test_fraction must be in [0, 1), not {fraction}")
        roles["test_fraction"] = fraction
    if "split_seed" in dd:
        roles["split_seed"] = _integer(dd["split_seed"], "data.split_seed")
    has_example, has_rows = "example" in dd, "rows" in dd or "columns" in dd
    if has_example == has_rows:
        raise FileFormatError('data must hold either "example" or "columns" and "rows"')
    if has_example:
        name = dd["example"]
        if name not in EXAMPLES:
            raise FileFormatError(
                f"data.example is {_short(name)}, not one of: {', '.join(EXAMPLES)}"
            )
        n = dd.get("n")
        n = None if n is None else _integer(n, "data.n")
        noise = dd.get("noise")
        noise = None if noise is None else _number(noise, "data.noise")
        if n is not None and not 2 <= n <= 100_000:
            raise FileFormatError(f"data.n must be between 2 and 100000, not {n}")
        seed = _integer(dd.get("seed", 0), "data.seed")
        if ("inputs" in roles) != ("targets" in roles):
            raise FileFormatError("data.inputs and data.targets go together")
        return PresetData(example=name, n=n, noise=noise, seed=seed, **roles)
    columns = string_list(field(dd, "columns", "data"), "data.columns")
    rows = field(dd, "rows", "data")
    if not isinstance(rows, list) or not rows:
        raise FileFormatError("data.rows must be a non-empty list of rows")
    values = [
        tuple(_vector(r, len(columns), f"data.rows[{i}]").tolist()) for i, r in enumerate(rows)
    ]
    for key in ("inputs", "targets"):
        if key not in roles:
            raise FileFormatError(f"data is missing {key!r} (the columns' roles)")
    return PresetData(columns=columns, rows=tuple(values), **roles)


def _rehearse(data: PresetData, spec: NetworkSpec, settings: TrainingSettings) -> None:
    """Prepare the data, build the network for them and make a trainer, as the
    window will: whatever it would refuse is refused here, naming the section."""
    with _naming("data"), np.errstate(over="ignore", invalid="ignore"):
        problem = preset_problem(data)
    n_in, n_out = len(problem.input_names), len(problem.target_names)
    with _naming("network"):
        mlp = spec.build(n_in, n_out)
    with _naming("training"):
        settings.make_trainer(mlp, problem.X_train, problem.Z_train)
