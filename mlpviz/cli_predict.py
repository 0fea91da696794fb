"""``mlpviz predict``: a saved model on one row of values or on a whole CSV file."""

from __future__ import annotations

import argparse
import csv
import io
import math
from pathlib import Path

import numpy as np

from mlpviz.data import load_csv
from mlpviz.io import load_model
from mlpviz.io.atomic import write_text_atomic
from mlpviz.io.model_file import Model, features_of


def predict(args: argparse.Namespace) -> int:
    model = load_model(args.model)
    if args.csv:
        if args.values:
            raise ValueError("give values or --csv FILE, not both")
        return _predict_file(model, args.csv, args.out)
    if args.out:
        raise ValueError("--out needs --csv FILE")
    if not args.values:
        raise ValueError(
            f"give one value per input column ({', '.join(model.input_columns)}), or --csv FILE"
        )
    if model.encoding is None:
        y = model.predict(np.array([_number(t) for t in args.values]))
        for name, v in zip(model.target_names, y):
            print(f"{name} = {v:.6g}")
        return 0
    y = model.predict_cells([[t] for t in args.values])[0]
    if model.task == "classification":
        print(f"{model.encoding.target} = {model.target_names[int(np.argmax(y))]}")
        for name, p in zip(model.target_names, y):
            print(f"p_{name} = {p:.6g}")
    else:
        for name, v in zip(model.target_names, y):
            print(f"{name} = {v:.6g}")
    return 0


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is not a finite number")
    return value


def prediction_table(model: Model, outputs: np.ndarray) -> tuple[list[str], list[list[str]]]:
    """(header, rows): a column per target holding the prediction — the class
    label for a classifier, plus a ``p_<class>`` probability column per class."""
    if model.task == "classification":
        labels = np.asarray(model.target_names, dtype=object)[outputs.argmax(axis=1)]
        header = [model.encoding.target, *(f"p_{c}" for c in model.target_names)]
        rows = [[str(lab), *(f"{p:.6g}" for p in ps)] for lab, ps in zip(labels, outputs)]
        return header, rows
    return list(model.target_names), [[f"{v:.6g}" for v in row] for row in outputs]


def _predict_file(model: Model, path: str, out: str | None) -> int:
    table = load_csv(path)
    raw, _ = features_of(table, model.encoding, model.input_columns, source=Path(path).name)
    header, rows = prediction_table(model, model.predict(raw))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    if out is None:
        print(buffer.getvalue(), end="")
    else:
        write_text_atomic(out, buffer.getvalue())
    return 0
