"""Exports for use outside mlpviz: weights and predictions as CSV, and the
trained network as a standalone Python module that needs only NumPy.

Pure NumPy and the standard library. Numbers are written with ``repr``, the
shortest text that reads back as the same float, so nothing is rounded.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from mlpviz.data.problem import Problem
from mlpviz.data.scalers import MinMaxScaler
from mlpviz.engine import MLP
from mlpviz.engine.losses import check_pairing
from mlpviz.engine.settings import NetworkSpec, TrainingSettings
from mlpviz.io.atomic import write_text_atomic
from mlpviz.io.companion import write_minmax, write_trained_weights
from mlpviz.io.model_file import Model
from mlpviz.io.standalone import standalone_python

__all__ = [
    "build_model",
    "predictions_csv",
    "save_go_companion",
    "save_predictions_csv",
    "save_standalone_python",
    "save_weights_csv",
    "weights_csv",
]


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


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP's
# "CSV injection"); a leading apostrophe makes it text there.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: Any) -> Any:
    """``cell``, with a text cell that a spreadsheet would run as a formula made inert."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def _csv_text(rows: Sequence[Sequence[Any]]) -> str:
    # The csv module writes floats with repr() (exact) and quotes names that
    # contain commas, quotes or line breaks; text cells are made formula-safe.
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(
        [spreadsheet_safe(c) for c in row] for row in rows
    )
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


# -- saving ------------------------------------------------------------------------------


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
