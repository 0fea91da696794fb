"""The kept runs of a session file: the optional top-level key ``"runs"``.

Each run is an object: ``name``, ``shown``, ``pinned``, its ``network`` and
``training`` settings (as the session's own), ``layer_sizes``, its
``initial_params`` (flat, written with ``repr`` so they read back bit for
bit), its ``loss_archive`` (as the session state's) and its exact
``train``/``test`` losses (a non-finite loss, as a diverging run logs, is
null). A file without the key has no kept runs. :func:`runs_from_list`
checks every field and names the one it refuses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from mlpviz.engine.layout import ParamLayout
from mlpviz.engine.loss_archive import LossArchive
from mlpviz.engine.run_record import KEPT_BUCKETS, KEPT_RECENT, MAX_RUNS, RunRecord
from mlpviz.engine.settings import NetworkSpec, TrainingSettings
from mlpviz.io.session_checks import (
    SCHEDULE_TYPES,
    SETTINGS_TYPES,
    SPEC_TYPES,
    _ints,
    _naming,
    _short,
    _vector,
    json_plain,
    loss_archive_from,
    typed_fields,
)
from mlpviz.io.validate import FileFormatError, field

MAX_PARAMS = 1_000_000  # per run's initial weights


def runs_field(runs: Sequence[RunRecord]) -> dict[str, Any]:
    """``{"runs": [...]}`` for a session dict, or ``{}`` when there are none."""
    return {"runs": [run_to_dict(r) for r in runs]} if runs else {}


def run_to_dict(r: RunRecord) -> dict[str, Any]:
    return {
        "name": r.name,
        "shown": bool(r.shown),
        "pinned": bool(r.pinned),
        "network": r.spec.to_dict(),
        "training": json_plain(r.settings.to_dict()),
        "layer_sizes": [int(n) for n in r.layer_sizes],
        "initial_params": [float(v) for v in r.initial_params],
        "loss_archive": r.archive.state(),
        "train": _nulls(r.train),
        "test": _nulls(r.test),
    }


def runs_from_list(v: Any) -> tuple[RunRecord, ...]:
    """The ``"runs"`` value of a parsed session (None: the key is absent) → records."""
    if v is None:
        return ()
    if not isinstance(v, list):
        raise FileFormatError("runs must be a list of runs")
    if len(v) > MAX_RUNS:
        raise FileFormatError(f"runs holds {len(v)} runs; at most {MAX_RUNS} are kept")
    return tuple(_run(d, f"runs[{i}]") for i, d in enumerate(v))


def _run(d: Any, where: str) -> RunRecord:
    name = field(d, "name", where)
    if not isinstance(name, str) or len(name) > 200:
        raise FileFormatError(f"{where}.name must be a string of at most 200 characters")
    flags = [field(d, k, where) for k in ("shown", "pinned")]
    if not all(isinstance(f, bool) for f in flags):
        raise FileFormatError(f"{where}.shown and {where}.pinned must be true or false")
    spec_d = typed_fields(field(d, "network", where), SPEC_TYPES, f"{where}.network")
    settings_d = typed_fields(field(d, "training", where), SETTINGS_TYPES, f"{where}.training")
    if "schedule" in settings_d:
        typed_fields(settings_d["schedule"], SCHEDULE_TYPES, f"{where}.training.schedule")
    if "optimizer_options" in settings_d:
        typed_fields(
            settings_d["optimizer_options"], {}, f"{where}.training.optimizer_options", True
        )
    with _naming(f"{where}.network"):
        spec = NetworkSpec.from_dict(spec_d)
    with _naming(f"{where}.training"):
        settings = TrainingSettings.from_dict(settings_d)
    sizes = _ints(field(d, "layer_sizes", where), None, f"{where}.layer_sizes")
    if sizes.size < 2 or (sizes < 1).any() or tuple(sizes[1:-1]) != tuple(spec.hidden):
        raise FileFormatError(
            f"{where}.layer_sizes must be at least two positive sizes whose middle ones are "
            f"the network's hidden layers {list(spec.hidden)}, not {_short(sizes.tolist())}"
        )
    n_params = ParamLayout.of(tuple(int(n) for n in sizes)).size
    if n_params > MAX_PARAMS:
        raise FileFormatError(f"{where}: a network of {n_params:,} parameters is too large")
    params = _vector(field(d, "initial_params", where), n_params, f"{where}.initial_params")
    archive = _archive(field(d, "loss_archive", where), f"{where}.loss_archive")
    train = _losses(field(d, "train", where), f"{where}.train")
    test = _losses(field(d, "test", where), f"{where}.test")
    if train.size >= 2 * KEPT_RECENT or test.size > train.size:
        raise FileFormatError(
            f"{where}.train holds at most {2 * KEPT_RECENT - 1} losses and "
            f"{where}.test no more than train"
        )
    record = RunRecord(
        spec, settings, tuple(int(n) for n in sizes), params, archive, train, test, name=name
    )
    record.shown, record.pinned = flags
    return record


def _archive(ad: Any, where: str) -> LossArchive:
    return loss_archive_from(ad, where, KEPT_BUCKETS)


def _losses(v: Any, where: str) -> np.ndarray:
    """A list of numbers and nulls (a non-finite loss) → float64, null as NaN."""
    if not isinstance(v, list):
        raise FileFormatError(f"{where} must be a list of numbers")
    missing = [i for i, x in enumerate(v) if x is None]
    a = _vector([0.0 if x is None else x for x in v], None, where)
    a[missing] = np.nan
    return a


def _nulls(values: np.ndarray) -> list:
    # JSON has no NaN or infinity: a loss that was not finite is written as null.
    return [float(x) if np.isfinite(x) else None for x in values.tolist()]
