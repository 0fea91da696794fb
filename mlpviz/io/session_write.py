"""Writing session files: a training session as plain JSON types and as text.

The layout (format ``mlpviz-session``, :data:`FORMAT_VERSION`): the data (a
copy, or a reference to the CSV file with its SHA-256 checksum), the problem
(the file's columns it reads and the task, the network's input and output
names, scaling specs and the fitted scalers, the split), the network,
the training settings and the trainer's state — the fields of
:meth:`Trainer.state_dict` that describe the run: weights (per layer), the
counters, the loss histories, the row order, the random generator, the
optimizer and the weight history. Floats are written with ``repr`` so every
number reads back bit for bit.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from mlpviz.data.csv_loader import load_csv
from mlpviz.data.dataset import Dataset
from mlpviz.data.problem import Problem
from mlpviz.engine.layout import ParamLayout
from mlpviz.engine.loss_archive import LossArchive
from mlpviz.engine.settings import NetworkSpec, TrainingSettings
from mlpviz.io.session_checks import json_plain
from mlpviz.io.session_runs import runs_field
from mlpviz.io.validate import MAX_FILE_BYTES

FORMAT = "mlpviz-session"
# Format 5 names the file's columns and the task (text columns one-hot, a
# class column one output per class; the embedded data keep text columns as
# codes into their categories); 4 and older hold number columns only. Format 3
# holds the random generator's state, the evaluation counts and the last
# batch's loss; 2 lacks those; 1 also lacks the weight history and the
# optimizer's state (session_read loads them all).
FORMAT_VERSION = 5


class TrainingStateLike(Protocol):
    """What :func:`session_to_dict` takes: ``mlpviz.ui.training.state.TrainingState`` (no Qt)."""

    problem: Problem
    spec: NetworkSpec
    settings: TrainingSettings
    state: dict


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
            "input_columns": list(p.input_columns),
            "target_columns": list(p.target_columns),
            "task": p.task,
            "derived": list(p.derived),
            "input_scaling": p.input_scaling,
            "target_scaling": p.target_scaling,
            "test_fraction": float(p.test_fraction),
            "seed": int(p.seed),
            "input_scaler": p.input_scaler.to_dict(),
            "target_scaler": p.target_scaler.to_dict(),
        },
        "network": spec.to_dict(),
        "training": json_plain(ts.settings.to_dict()),
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
            "loss_archive": st.get("loss_archive") or LossArchive().state(),
            "order": np.asarray(st["order"]).astype(int).tolist(),
            "history": {
                "stride": int(stride),
                "epochs": np.asarray(h_epochs).astype(int).tolist(),
                "params": np.asarray(h_params, dtype=np.float64).tolist(),
            },
            "optimizer": {
                "name": opt["name"],
                "options": json_plain(opt.get("options", {})),
                "t": int(opt.get("t", 0)),
                "state": {
                    k: np.asarray(v, dtype=np.float64).tolist() for k, v in opt["state"].items()
                },
            },
            **_run_fields(st),
        },
        **runs_field(getattr(ts, "runs", ())),
    }


def _run_fields(st: dict) -> dict:
    """The generator's state and the counters that make a resumed run the same run
    (a state without them, as an older file gave, writes none)."""
    out = {}
    if "rng" in st:
        out["rng"] = json_plain(st["rng"])
    if "evaluations" in st:
        out["evaluations"] = {k: int(v) for k, v in st["evaluations"].items()}
    if "last_batch_loss" in st:
        v = st["last_batch_loss"]
        out["last_batch_loss"] = None if v is None else float(v)
    return out


def file_columns(p: Problem) -> tuple[list[str], np.ndarray, dict[str, list[str]]]:
    """The file's columns the problem reads: (names, values, categories).

    A text input column and a class column are one column each, their values
    codes into ``categories[name]`` (the one-hot block's hot position), so
    preparing these columns again with the problem's task gives the same
    inputs and targets. A plain problem's columns are its raw inputs and targets.
    """
    enc = p.encoding
    if enc is None:
        names = [*p.raw_input_names, *p.target_names]
        return names, np.hstack([p.raw_inputs, p.raw_targets]), {}
    names, cols, cats = [], [], {}
    at = 0
    for c in enc.inputs:
        width = len(c.features)
        block = p.raw_inputs[:, at : at + width]
        at += width
        names.append(c.name)
        if c.categories:
            cols.append(block.argmax(axis=1).astype(np.float64))
            cats[c.name] = list(c.categories)
        else:
            cols.append(block[:, 0])
    if enc.task == "classification":
        assert enc.target is not None
        names.append(enc.target)
        cols.append(p.raw_targets.argmax(axis=1).astype(np.float64))
        cats[enc.target] = list(enc.classes)
    else:
        names += list(p.target_names)
        cols += list(p.raw_targets.T)
    return names, np.column_stack(cols), cats


def _dataset_dict(p: Problem, mode: str, source: str | Path | None, base: Path | None) -> dict:
    names, values, cats = file_columns(p)
    if mode == "embed":
        out: dict[str, Any] = {"mode": "embed", "columns": names, "values": values.tolist()}
        if cats:
            out["categories"] = cats
        return out
    if mode != "reference":
        raise ValueError(f'dataset_mode must be "embed" or "reference", not {mode!r}')
    if source is None:
        raise ValueError("a referenced dataset needs the source file's path")
    source = Path(source).resolve()
    data = load_csv(source)
    # A reference is only honest if the file holds exactly the data trained on
    # (drawn or edited data live only in memory): compare before writing.
    if not _holds(data, names, values, cats):
        raise ValueError(f"{source} does not hold the session's data; save with the data embedded")
    try:
        relative = os.path.relpath(source, base) if base is not None else None
    except ValueError:  # another drive on Windows
        relative = None
    return {
        "mode": "reference",
        "path": str(source),
        "relative": relative,
        "sha256": sha256(source),
    }


def _holds(data: Dataset, names: list[str], values: np.ndarray, cats: dict) -> bool:
    """True if ``data`` has these columns with these cells (text compared as text)."""
    if data.n_rows != values.shape[0]:
        return False
    for k, name in enumerate(names):
        if name not in data.columns:
            return False
        j = data.index(name)
        if name in cats:
            cells = np.asarray(cats[name], dtype=object)[values[:, k].astype(np.intp)]
            if not np.array_equal(data.labels(j), cells):
                return False
        elif data.is_text(j) or not np.array_equal(data.values[:, j], values[:, k]):
            return False
    return True


# Numbers per json.dumps call in a long list (about a millisecond's work).
_CHUNK = 2048


def session_json(v: Any, level: int = 0) -> str:
    """JSON with objects and nested lists indented, but each list of numbers on one line
    (a weight row, a history row), so the file stays readable and compact."""
    pad, inner = " " * level, " " * (level + 1)
    if isinstance(v, dict) and v:
        items = [f"{inner}{_dumps(k)}: {session_json(x, level + 1)}" for k, x in v.items()]
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    if isinstance(v, list) and any(isinstance(x, (list, dict)) for x in v):
        return "[\n" + ",\n".join(inner + session_json(x, level + 1) for x in v) + "\n" + pad + "]"
    return _dumps(v)


def _dumps(v: Any) -> str:
    """``v`` as JSON, non-ASCII text kept readable; text UTF-8 cannot hold (a lone
    surrogate, legal in JSON and in Python strings) is written as \\u escapes."""
    if isinstance(v, list) and len(v) > _CHUNK:
        # One json.dumps call holds the GIL throughout; in chunks, a save in a
        # background thread lets the GUI thread run every few milliseconds.
        parts = (_dumps(v[i : i + _CHUNK])[1:-1] for i in range(0, len(v), _CHUNK))
        return "[" + ", ".join(parts) + "]"
    text = json.dumps(v, ensure_ascii=False, allow_nan=False)
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return json.dumps(v, ensure_ascii=True, allow_nan=False)
    return text


def sha256(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    """The file's SHA-256, reading at most ``limit`` bytes: a file that yields more
    (a /proc entry reports size 0 and never ends) raises a ValueError."""
    h = hashlib.sha256()
    read = 0
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            read += len(block)
            if read > limit:
                raise ValueError(f"{path} is larger than {limit:,} bytes; not a data file")
            h.update(block)
    return h.hexdigest()
