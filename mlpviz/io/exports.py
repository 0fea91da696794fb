"""Exports for use outside mlpviz: weights and predictions as CSV, and the
trained network as a standalone Python module that needs only NumPy.

Pure NumPy and the standard library. Numbers are written with ``repr``, the
shortest text that reads back as the same float, so nothing is rounded.

The generated Python module is built from our own data only: numbers, the
activation and derived-input names checked against the engine's own tables,
and column names as ``repr`` string literals. A column name is text the user
chose (or a CSV header someone else wrote), so it never lands anywhere it
could be executed, and comments never contain it.
"""

from __future__ import annotations

import contextlib
import csv
import io
import math
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .. import __version__
from ..data.problem import Problem
from ..data.scalers import IdentityScaler, MinMaxScaler, Scaler, ZScoreScaler
from ..engine import MLP
from ..engine.activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from ..engine.losses import check_pairing
from ..engine.settings import NetworkSpec, TrainingSettings
from .atomic import write_text_atomic
from .companion import write_minmax, write_trained_weights
from .model_file import Model

__all__ = [
    "build_model",
    "predictions_csv",
    "save_go_companion",
    "save_predictions_csv",
    "save_standalone_python",
    "save_weights_csv",
    "standalone_python",
    "weights_csv",
    "write_bytes_atomic",
]

# The derived inputs as source text; must match mlpviz.data.problem.DERIVED.
# A name missing here cannot be exported, so no unknown formula is ever emitted.
_DERIVED_CODE = {
    "x1^2": "lambda a, b: a * a",
    "x2^2": "lambda a, b: b * b",
    "x1*x2": "lambda a, b: a * b",
    "sin x1": "lambda a, b: np.sin(a)",
    "sin x2": "lambda a, b: np.sin(b)",
}


# -- building a model from what the GUI holds ---------------------------------------------


def build_model(
    problem: Problem,
    layer_sizes: Sequence[int],
    activation_names: Sequence[str],
    params: np.ndarray,
    spec: NetworkSpec | None = None,
    settings: TrainingSettings | None = None,
    epoch: int = 0,
) -> Model:
    """A :class:`Model` from a problem and a network's flat parameters (a snapshot's).

    Raises ValueError when the network does not fit the problem's columns
    (e.g. the data changed and the worker has not rebuilt the network yet).
    """
    sizes = tuple(int(n) for n in layer_sizes)
    if sizes[0] != len(problem.input_names) or sizes[-1] != len(problem.target_names):
        raise ValueError(
            f"the network ({'-'.join(map(str, sizes))}) does not match the data's "
            f"{len(problem.input_names)} input(s) and {len(problem.target_names)} target(s) "
            "yet; try again in a moment"
        )
    acts = tuple(activation_names)
    loss = spec.loss if spec is not None else None
    if loss is not None:
        try:
            check_pairing(loss, acts[-1])
        except ValueError:
            loss = None  # the spec changed since this network was built; use its default
    mlp = MLP(sizes, list(acts[:-1]), acts[-1], init="zeros", loss=loss)
    mlp.params[...] = np.asarray(params, dtype=float)
    mlp.init = spec.init if spec is not None else "file"
    names = (tuple(problem.raw_input_names), tuple(problem.target_names))
    scalers = (problem.input_scaler, problem.target_scaler)
    return Model(mlp, *names, *scalers, tuple(problem.derived), spec, settings, int(epoch))


# -- CSV -------------------------------------------------------------------------------


def _names(prefix: str, n: int, given: Sequence[str] | None) -> list[str]:
    """``given`` if it names exactly ``n`` nodes, else ``prefix0 … prefix{n-1}`` (as the tables)."""
    if given is not None and len(given) == n:
        return [str(name) for name in given]
    return [f"{prefix}{i}" for i in range(n)]


def _layer_name(layer: int, n_layers: int) -> str:
    return "input" if layer == 0 else "output" if layer == n_layers else f"hidden {layer}"


def _csv_text(rows: Sequence[Sequence[Any]]) -> str:
    # The csv module writes floats with repr() (exact) and quotes names that
    # contain commas, quotes or line breaks.
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def weights_csv(mlp: MLP, input_names: Sequence[str], target_names: Sequence[str]) -> str:
    """Every layer's weights and biases as CSV, one block per layer.

    Each block is a comment line (``# layer 1: input (2) -> hidden 1 (3), sigmoid``)
    and a table whose rows are the layer's nodes and whose columns are its
    inputs, then ``bias``; blocks are separated by a blank line. Column names
    appear only inside the CSV tables, properly quoted, never in the comments.
    """
    sizes, n = mlp.layer_sizes, len(mlp.layer_sizes) - 1
    blocks = []
    for l in range(n):
        cols = _names("I", sizes[0], input_names) if l == 0 else _names("h", sizes[l], None)
        rows = (
            _names("Z", sizes[-1], target_names) if l == n - 1 else _names("h", sizes[l + 1], None)
        )
        head = (
            f"# layer {l + 1}: {_layer_name(l, n)} ({sizes[l]}) -> "
            f"{_layer_name(l + 1, n)} ({sizes[l + 1]}), {mlp.activation_names[l]}\n"
        )
        w, b = mlp.weights[l].tolist(), mlp.biases[l].tolist()
        table = [["node", *cols, "bias"]] + [[rows[j], *w[j], b[j]] for j in range(len(rows))]
        blocks.append(head + _csv_text(table))
    return "\n".join(blocks)


def predictions_csv(problem: Problem, predictions: np.ndarray) -> str:
    """Every dataset row: row (from 0, as the data view counts), split, raw
    inputs, raw targets, predictions in the targets' units and residuals
    (target − prediction), with a header row."""
    n, m = problem.raw_targets.shape
    pred = np.asarray(predictions, dtype=float)
    if pred.size != n * m:
        raise ValueError(
            f"predictions for {pred.size} value(s), but the data have {n} row(s) "
            f"of {m} target(s); try again in a moment"
        )
    pred = pred.reshape(n, m)
    resid = problem.raw_targets - pred
    is_test = np.zeros(n, dtype=bool)
    is_test[np.asarray(problem.test, dtype=int)] = True
    targets = list(problem.target_names)
    predicted, residual = [f"{t} predicted" for t in targets], [f"{t} residual" for t in targets]
    header = ["row", "split", *problem.raw_input_names, *targets, *predicted, *residual]
    values = np.hstack([problem.raw_inputs, problem.raw_targets, pred, resid]).tolist()
    split = np.where(is_test, "test", "train").tolist()
    return _csv_text([header, *([r, split[r], *values[r]] for r in range(n))])


# -- standalone Python ---------------------------------------------------------------------


def _literal(value: Any, where: str) -> str:
    """Python source for plain data: finite floats, ints, bools, None, str, lists."""
    if value is None or isinstance(value, (bool, str)):
        return repr(value)
    if isinstance(value, (int, np.integer)):
        return repr(int(value))
    if isinstance(value, (float, np.floating)):
        x = float(value)
        if not math.isfinite(x):
            raise ValueError(f"{where} is not a finite number ({x!r}); nothing to export")
        return repr(x)
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v, where) for v in value) + "]"
    if isinstance(value, tuple):
        inner = ", ".join(_literal(v, where) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    raise ValueError(f"{where}: cannot write a {type(value).__name__} as a literal")


def _matrix(a: np.ndarray, where: str) -> str:
    rows = "".join(f"        {_literal(r, where)},\n" for r in a.tolist())
    return f"    np.array([\n{rows}    ]),\n"


def _scaler_literal(scaler: Scaler, where: str) -> str:
    if not isinstance(scaler, (IdentityScaler, MinMaxScaler, ZScoreScaler)):
        raise ValueError(f"{where}: cannot export a {type(scaler).__name__}")
    d = scaler.to_dict()
    if d.get("data_min", 0) is None or d.get("mean", 0) is None:
        raise ValueError(f"{where} is not fitted")
    items = "".join(f"    {_literal(k, where)}: {_literal(v, where)},\n" for k, v in d.items())
    return "{\n" + items + "}"


def standalone_python(model: Model) -> str:
    """Source of a Python module that predicts like ``model.predict``, needing only NumPy.

    The module holds the weights, biases, activations, scalers and derived
    inputs as literals (floats via repr: exact), a ``predict(raw_inputs)``
    taking one row or many of raw input values, and a ``__main__`` that reads
    numbers from the command line and prints one line of predictions per row.
    """
    mlp = model.mlp
    for l, name in enumerate(mlp.activation_names):
        allowed = OUTPUT_ACTIVATIONS if l == len(mlp.activation_names) - 1 else HIDDEN_ACTIVATIONS
        if name not in allowed:
            raise ValueError(f"unknown activation {name!r}")
    for name in model.derived:
        if name not in _DERIVED_CODE:
            raise ValueError(f"unknown derived input {name!r}")
    sizes = mlp.layer_sizes
    if len(model.input_names) + len(model.derived) != sizes[0]:
        raise ValueError("the input names and derived inputs do not match the network's inputs")
    if len(model.target_names) != sizes[-1]:
        raise ValueError("the target names do not match the network's outputs")
    derived = "".join(
        f"    ({_literal(d, 'derived')}, {_DERIVED_CODE[d]}),\n" for d in model.derived
    )
    parts = [
        f"# Generated by mlpviz {__version__}: a {'-'.join(map(str, sizes))} network "
        f"after {int(model.epoch)} epoch(s).\n",
        _HEADER,
        f"INPUT_NAMES = {_literal(tuple(model.input_names), 'input names')}\n",
        f"TARGET_NAMES = {_literal(tuple(model.target_names), 'target names')}\n",
        f"LAYER_SIZES = {_literal(tuple(sizes), 'layer sizes')}\n",
        f"ACTIVATIONS = {_literal(tuple(mlp.activation_names), 'activations')}\n\n",
        "# Inputs computed from the first two raw inputs (a, b), appended in this order.\n",
        f"DERIVED = [\n{derived}]\n\n",
        "# WEIGHTS[l][node][input] and BIASES[l][node] map layer l to layer l + 1.\n",
        "WEIGHTS = [\n",
        *(_matrix(w, f"weights[{l}]") for l, w in enumerate(mlp.weights)),
        "]\nBIASES = [\n",
        *(
            f"    np.array({_literal(b.tolist(), f'biases[{l}]')}),\n"
            for l, b in enumerate(mlp.biases)
        ),
        "]\n\n",
        "# How raw values map to the network's inputs, and its outputs back to raw units.\n",
        f"INPUT_SCALER = {_scaler_literal(model.input_scaler, 'the input scaler')}\n",
        f"TARGET_SCALER = {_scaler_literal(model.target_scaler, 'the target scaler')}\n",
        _CODE,
    ]
    return "".join(parts)


_HEADER = '''"""Predictions of a trained multi-layer perceptron; needs only NumPy.

Give raw input values, in the units of the training data and in the order of
INPUT_NAMES; predict() returns values in the targets' units (TARGET_NAMES).

Command line, one row of inputs or several rows one after another:

    python this_file.py 70 98
    python this_file.py 70 98 60 40

From Python:

    predict([70, 98])               # one row  -> array of the targets
    predict([[70, 98], [60, 40]])   # many rows -> array (rows, targets)
"""

from __future__ import annotations

import sys

import numpy as np

'''

_CODE = '''

def _sigmoid(s):
    # The same formula as mlpviz: stable for large |s|, identical results.
    return 0.5 * np.tanh(0.5 * s) + 0.5


def _softmax(s):
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


FUNCTIONS = {
    "sigmoid": _sigmoid,
    "tanh": np.tanh,
    "relu": lambda s: np.maximum(s, 0.0),
    "linear": lambda s: s,
    "softmax": _softmax,
}


def _minmax(scaler):
    dmin = np.asarray(scaler["data_min"], dtype=float)
    span = np.asarray(scaler["data_max"], dtype=float) - dmin
    constant = span == 0  # a constant column scales to the middle of the range
    return dmin, np.where(constant, 1.0, span), constant


def scale(scaler, x):
    """Raw values -> the network's range."""
    if scaler["kind"] == "minmax":
        dmin, span, constant = _minmax(scaler)
        t = np.where(constant, 0.5, (x - dmin) / span)
        return scaler["low"] + t * (scaler["high"] - scaler["low"])
    if scaler["kind"] == "zscore":
        mean, std = np.asarray(scaler["mean"]), np.asarray(scaler["std"])
        return np.where(std == 0, 0.0, (x - mean) / np.where(std == 0, 1.0, std))
    return x


def unscale(scaler, y):
    """The network's range -> raw units."""
    if scaler["kind"] == "minmax":
        dmin, span, constant = _minmax(scaler)
        t = (y - scaler["low"]) / (scaler["high"] - scaler["low"])
        return dmin + np.where(constant, 0.0, t) * span
    if scaler["kind"] == "zscore":
        return np.asarray(scaler["mean"]) + y * np.asarray(scaler["std"])
    return y


def predict(raw_inputs):
    """Raw inputs, one row (k,) or many (n, k) -> predictions (m,) or (n, m)."""
    raw = np.asarray(raw_inputs, dtype=float)
    single = raw.ndim == 1
    rows = raw[None, :] if single else raw
    if rows.ndim != 2 or rows.shape[1] != len(INPUT_NAMES):
        raise ValueError(
            f"expected rows of {len(INPUT_NAMES)} value(s) ({', '.join(INPUT_NAMES)}), "
            f"got shape {raw.shape}"
        )
    if DERIVED:
        a, b = rows[:, 0], rows[:, 1] if rows.shape[1] > 1 else rows[:, 0]
        rows = np.column_stack([rows, *[f(a, b) for _name, f in DERIVED]])
    act = scale(INPUT_SCALER, rows)
    for w, b, name in zip(WEIGHTS, BIASES, ACTIVATIONS):
        s = act @ w.T
        s += b
        act = FUNCTIONS[name](s)
    y = unscale(TARGET_SCALER, act)
    return y[0] if single else y


def main(argv=None):
    """Read numbers from the command line, print one line of predictions per row."""
    args = sys.argv[1:] if argv is None else argv
    k = len(INPUT_NAMES)
    usage = f"usage: python {sys.argv[0]} " + " ".join(repr(n) for n in INPUT_NAMES)
    try:
        values = [float(v) for arg in args for v in arg.replace(",", " ").split()]
    except ValueError as e:
        print(f"not a number: {e}", file=sys.stderr)
        print(usage, file=sys.stderr)
        return 2
    if not values or len(values) % k:
        print(f"give {k} number(s) per row, got {len(values)}", file=sys.stderr)
        print(usage, file=sys.stderr)
        return 2
    for row in np.atleast_2d(predict(np.reshape(values, (-1, k)))):
        print("\\t".join(repr(float(v)) for v in row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
'''


# -- saving ------------------------------------------------------------------------------


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """:func:`write_text_atomic` for bytes (images): temp file, fsync, rename."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def save_weights_csv(
    path: str | Path, mlp: MLP, input_names: Sequence[str], target_names: Sequence[str]
) -> None:
    write_text_atomic(path, weights_csv(mlp, input_names, target_names))


def save_predictions_csv(path: str | Path, problem: Problem, predictions: np.ndarray) -> None:
    write_text_atomic(path, predictions_csv(problem, predictions))


def save_standalone_python(path: str | Path, model: Model) -> None:
    write_text_atomic(path, standalone_python(model))


def save_go_companion(folder: str | Path, model: Model) -> tuple[list[Path], list[str]]:
    """Write trained-weights-biases.json and minmax.json into ``folder``.

    Returns the files written and warnings: the Go code runs sigmoid in every
    layer and scales with min-max to [0, 1], without derived inputs, so a
    network trained otherwise will not predict the same there.
    """
    folder = Path(folder)
    weights, ranges = folder / "trained-weights-biases.json", folder / "minmax.json"
    spans = []
    for scaler, n, what in (
        (model.input_scaler, model.mlp.layer_sizes[0], "inputs"),
        (model.target_scaler, model.mlp.layer_sizes[-1], "targets"),
    ):
        if not isinstance(scaler, MinMaxScaler) or scaler.data_min is None:
            raise ValueError(
                f"the Go code scales with min-max; these {what} are scaled with "
                f"{scaler.kind}, so minmax.json cannot describe them"
            )
        # Two rows, min and max: write_minmax takes column-wise min and max of them.
        lo = np.broadcast_to(scaler.data_min, (n,))
        hi = np.broadcast_to(scaler.data_max, (n,))
        spans.append(np.vstack([lo, hi]))
    warnings = []
    if set(model.mlp.activation_names) != {"sigmoid"}:
        acts = ", ".join(model.mlp.activation_names)
        warnings.append(f"the Go code uses sigmoid in every layer; this network uses {acts}")
    for scaler in (model.input_scaler, model.target_scaler):
        if (scaler.low, scaler.high) != (0.0, 1.0):
            warnings.append(f"the Go code scales to [0, 1], not [{scaler.low:g}, {scaler.high:g}]")
            break
    if model.derived:
        warnings.append(
            "the Go code does not compute derived inputs (" + ", ".join(model.derived) + ")"
        )
    write_trained_weights(weights, model.mlp)
    write_minmax(ranges, spans[0], spans[1])
    return [weights, ranges], warnings
