"""Model files: a trained network with everything needed to use it.

JSON, human-readable, versioned: layer sizes, activations, loss, weights as
[layer][node][input] (the tutorial's wh indexing), biases [layer][node], the
column names, the scalers, and the settings it was trained with. Written
atomically; read with every field validated. Nothing is ever unpickled or
evaluated.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mlpviz.data.dataset import Dataset, DatasetError
from mlpviz.data.encoding import Encoding, InputColumn, one_hot
from mlpviz.data.problem import DERIVED, _with_derived
from mlpviz.data.scaler_base import Scaler
from mlpviz.data.scalers import IdentityScaler, scaler_from_dict
from mlpviz.engine import MLP
from mlpviz.engine.activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from mlpviz.engine.settings import NetworkSpec, TrainingSettings
from mlpviz.io.atomic import write_text_atomic
from mlpviz.io.session_checks import SCHEDULE_TYPES, SETTINGS_TYPES, SPEC_TYPES, typed_fields
from mlpviz.io.validate import (
    FileFormatError,
    check_format,
    field,
    number_array,
    read_text,
    string_list,
)

FORMAT = "mlpviz-model"
FORMAT_VERSION = 1


class ModelFileError(FileFormatError):
    """A model file cannot be read; the message names the file and the field."""


@dataclass
class Model:
    """A network plus how raw data map to its inputs and from its outputs."""

    mlp: MLP
    input_names: tuple[str, ...]
    target_names: tuple[str, ...]
    input_scaler: Scaler
    target_scaler: Scaler
    derived: tuple[str, ...] = ()
    spec: NetworkSpec | None = None
    settings: TrainingSettings | None = None
    epoch: int = 0
    encoding: Encoding | None = None  # None: the inputs are number columns, as named

    @property
    def input_columns(self) -> tuple[str, ...]:
        """The columns a table must have to be predicted (a one-hot group is one)."""
        return self.encoding.input_columns if self.encoding else self.input_names

    @property
    def task(self) -> str:
        return self.encoding.task if self.encoding else "regression"

    def predict_cells(self, columns: list[list[str]]) -> np.ndarray:
        """Cells as text, one list per input column → outputs in the targets' units
        (class probabilities for a classifier)."""
        if self.encoding is None:
            if len(columns) != len(self.input_names):
                raise ValueError(
                    f"the model takes {len(self.input_names)} input value(s) "
                    f"({', '.join(self.input_names)}), got {len(columns)}"
                )
            raw = Encoding(tuple(InputColumn(n) for n in self.input_names)).encode_cells(columns)
        else:
            raw = self.encoding.encode_cells(columns)
        return self.predict(raw)

    def predict(self, raw: np.ndarray) -> np.ndarray:
        """Raw input values, (k,) or (n, k) → predictions in the targets' units."""
        raw = np.asarray(raw, dtype=float)
        single = raw.ndim == 1
        rows = raw[None, :] if single else raw
        if rows.shape[1] != len(self.input_names):
            raise ValueError(
                f"the model takes {len(self.input_names)} input value(s) "
                f"({', '.join(self.input_names)}), got {rows.shape[1]}"
            )
        x = self.input_scaler.transform(_with_derived(rows, self.derived))
        y = self.target_scaler.inverse_transform(self.mlp.forward(x).activations[-1])
        return y[0] if single else y

    def to_dict(self) -> dict[str, Any]:
        m = self.mlp
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "layer_sizes": list(m.layer_sizes),
            "activations": list(m.activation_names),
            "loss": m.loss,
            "weights": [w.tolist() for w in m.weights],
            "biases": [b.tolist() for b in m.biases],
            "inputs": list(self.input_names),
            "derived": list(self.derived),
            "targets": list(self.target_names),
            "input_scaler": self.input_scaler.to_dict(),
            "target_scaler": self.target_scaler.to_dict(),
            "network": self.spec.to_dict() if self.spec else None,
            "training": self.settings.to_dict() if self.settings else None,
            "epoch": int(self.epoch),
            **({"encoding": self.encoding.to_dict()} if self.encoding else {}),
        }


def save_model(path: str | Path, model: Model) -> None:
    """Write ``model`` to ``path`` as JSON, atomically."""
    text = json.dumps(model.to_dict(), indent=1, allow_nan=False)
    write_text_atomic(path, text + "\n")


def load_model(path: str | Path) -> Model:
    """Read a model file; raises :class:`ModelFileError` naming what is wrong."""
    path = Path(path)
    text = read_text(path, ModelFileError)
    try:
        d = json.loads(text)
    except json.JSONDecodeError as e:
        raise ModelFileError(
            f"{path}: not valid JSON at line {e.lineno}, column {e.colno}: {e.msg} "
            "(is the file truncated or edited by hand?)"
        ) from None
    except RecursionError:
        raise ModelFileError(f"{path}: JSON nested too deeply") from None
    try:
        return model_from_dict(d)
    except (FileFormatError, ValueError, TypeError) as e:
        raise ModelFileError(f"{path}: {e}") from None


def model_from_dict(d: Any) -> Model:
    check_format(d, FORMAT, FORMAT_VERSION, "model")
    sizes = field(d, "layer_sizes", "the model")
    if (
        not isinstance(sizes, list)
        or len(sizes) < 2
        or not all(
            isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= 100_000 for n in sizes
        )
    ):
        raise FileFormatError("layer_sizes must be a list of at least two positive integers")
    acts = string_list(field(d, "activations", "the model"), "activations", len(sizes) - 1)
    for a in acts[:-1]:
        if a not in HIDDEN_ACTIVATIONS:
            raise FileFormatError(f"unknown hidden activation {a!r}")
    if acts[-1] not in OUTPUT_ACTIVATIONS:
        raise FileFormatError(f"unknown output activation {acts[-1]!r}")
    loss = field(d, "loss", "the model")
    weights, biases = field(d, "weights", "the model"), field(d, "biases", "the model")
    if not isinstance(weights, list) or len(weights) != len(sizes) - 1:
        raise FileFormatError(f"weights must have {len(sizes) - 1} layers")
    if not isinstance(biases, list) or len(biases) != len(sizes) - 1:
        raise FileFormatError(f"biases must have {len(sizes) - 1} layers")
    # The arrays are checked against the numbers in the file before the network
    # is allocated: layer_sizes alone could ask for gigabytes.
    arrays = [
        (
            number_array(weights[l], (n_out, n_in), f"weights[{l}]"),
            number_array(biases[l], (n_out,), f"biases[{l}]"),
        )
        for l, (n_in, n_out) in enumerate(itertools.pairwise(sizes))
    ]
    mlp = MLP(sizes, list(acts[:-1]), acts[-1], init="zeros", loss=loss)
    for l, (w, b) in enumerate(arrays):
        mlp.weights[l][...] = w
        mlp.biases[l][...] = b
    derived = string_list(d.get("derived", []), "derived")
    for name in derived:
        if name not in DERIVED:
            raise FileFormatError(f"unknown derived input {name!r}")
    inputs = string_list(field(d, "inputs", "the model"), "inputs")
    if len(inputs) + len(derived) != sizes[0]:
        raise FileFormatError(
            f"{len(inputs)} input name(s) and {len(derived)} derived input(s) "
            f"for a network with {sizes[0]} inputs"
        )
    targets = string_list(field(d, "targets", "the model"), "targets", sizes[-1])
    in_scaler = _scaler(d.get("input_scaler"), "input_scaler", sizes[0])
    out_scaler = _scaler(d.get("target_scaler"), "target_scaler", sizes[-1])
    spec = settings = None
    if d.get("network"):
        spec = NetworkSpec.from_dict(typed_fields(d["network"], SPEC_TYPES, "network"))
    if d.get("training"):
        training = typed_fields(d["training"], SETTINGS_TYPES, "training")
        if isinstance(training.get("schedule"), dict):
            typed_fields(training["schedule"], SCHEDULE_TYPES, "training.schedule")
        typed_fields(
            training.get("optimizer_options", {}), {}, "training.optimizer_options", numbers=True
        )
        settings = TrainingSettings.from_dict(training)
    epoch = d.get("epoch", 0)
    if isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 0:
        raise FileFormatError(f"epoch must be a non-negative integer, not {epoch!r}")
    mlp.init = spec.init if spec else "file"
    encoding = None
    if d.get("encoding") is not None:
        encoding = Encoding.from_dict(d["encoding"])
        if encoding.feature_names != tuple(inputs):
            raise FileFormatError(
                "encoding.inputs do not give the model's inputs "
                f"({', '.join(inputs[:8])}{', …' if len(inputs) > 8 else ''})"
            )
        if encoding.task == "classification" and encoding.classes != tuple(targets):
            raise FileFormatError("encoding.classes must be the model's targets")
    return Model(
        mlp, inputs, targets, in_scaler, out_scaler, derived, spec, settings, epoch, encoding
    )


def features_of(
    table: Dataset,
    encoding: Encoding | None,
    input_columns: tuple[str, ...],
    target_columns: tuple[str, ...] | None = None,
    classes: tuple[str, ...] = (),
    source: str = "",
) -> tuple[np.ndarray, np.ndarray | None]:
    """A table's rows as a model's raw features (n, features) and, when
    ``target_columns`` are given, raw targets (one-hot for classes).

    Columns are found by name; others are ignored. Raises DatasetError (a
    ValueError) naming the file, line and column of a missing column or a
    text cell in a numeric column, and the row and value of an unseen category.
    """
    source = source or table.name or "data"
    header = f"{source}, line 1" if table.has_header else source
    for role, names in (("input", input_columns), ("target", target_columns or ())):
        for name in names:
            if name not in table.columns:
                raise DatasetError(
                    f"{header}: no {role} column {name!r} (the model reads "
                    f"{', '.join(input_columns)})",
                    path=table.path,
                )
    cols = encoding.inputs if encoding else tuple(InputColumn(n) for n in input_columns)
    parts = []
    for col in cols:
        if col.categories:
            try:
                parts.append(one_hot(table.labels(col.name), col))
            except ValueError as e:
                raise DatasetError(f"{source}: {e}", path=table.path) from None
        else:
            table.check_numbers([col.name])
            parts.append(table.column(col.name)[:, None])
    raw_x = np.hstack(parts)
    if target_columns is None:
        return raw_x, None
    if encoding is not None and encoding.task == "classification":
        target = InputColumn(encoding.target, encoding.classes)
        try:
            return raw_x, one_hot(table.labels(encoding.target), target, "target")
        except ValueError as e:
            raise DatasetError(f"{source}: {e}", path=table.path) from None
    table.check_numbers(list(target_columns))
    return raw_x, table.values[:, [table.index(c) for c in target_columns]]


def _scaler(d: Any, where: str, n: int) -> Scaler:
    if d is None:
        return IdentityScaler()
    try:
        scaler = scaler_from_dict(d)
    except ValueError as e:
        raise FileFormatError(f"{where}: {e}") from None
    probe = np.zeros((1, n))
    try:
        scaler.transform(probe)
    except (ValueError, RuntimeError) as e:  # RuntimeError: an unfitted scaler
        raise FileFormatError(f"{where} does not fit {n} column(s): {e}") from None
    return scaler
