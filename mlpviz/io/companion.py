"""The tutorial companion's Go file formats (JeffDeCola's MLP examples).

``trained-weights-biases.json``::

    {"hiddenWeights": [layer][node][input], "hiddenBias": [layer][node],
     "outputWeights": [out][hidden], "outputBias": [out]}

``minmax.json``::

    {"minInput": [...], "maxInput": [...], "minOutput": [...], "maxOutput": [...]}

Reading them gives an MLP (and min-max scalers with those fixed ranges), so
a network trained by the Go code runs here, and the writers do the reverse.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from mlpviz.data.scalers import MinMaxScaler
from mlpviz.engine import MLP
from mlpviz.io.atomic import write_text_atomic
from mlpviz.io.validate import FileFormatError, field, number_array, read_text


def _read_json(path: Path) -> Any:
    text = read_text(Path(path), FileFormatError)
    try:
        return json.loads(text)
    except RecursionError:
        raise FileFormatError(f"{path}: JSON nested too deeply") from None
    except json.JSONDecodeError as e:
        raise FileFormatError(
            f"{path}: not valid JSON at line {e.lineno}, column {e.colno}: {e.msg}"
        ) from None


def _shape(value: Any, where: str) -> list:
    if not isinstance(value, list) or not value:
        raise FileFormatError(f"{where} must be a non-empty list")
    return value


def read_trained_weights(path: str | Path, activation: str = "sigmoid") -> MLP:
    """An MLP from the Go code's trained-weights-biases.json (all layers ``activation``)."""
    path = Path(path)
    d = _read_json(path)
    try:
        hw = _shape(field(d, "hiddenWeights", "the file"), "hiddenWeights")
        hb = _shape(field(d, "hiddenBias", "the file"), "hiddenBias")
        ow = _shape(field(d, "outputWeights", "the file"), "outputWeights")
        ob = _shape(field(d, "outputBias", "the file"), "outputBias")
        if len(hb) != len(hw):
            raise FileFormatError(f"hiddenBias has {len(hb)} layers, hiddenWeights {len(hw)}")
        sizes = [len(_shape(_shape(hw[0], "hiddenWeights[0]")[0], "hiddenWeights[0][0]"))]
        sizes += [len(_shape(layer, f"hiddenWeights[{l}]")) for l, layer in enumerate(hw)]
        sizes.append(len(ow))
        # Every array is checked against the numbers actually present before the
        # network is allocated: sizes read from list lengths alone could ask for GiBs.
        weights = [
            number_array(hw[l], (sizes[l + 1], sizes[l]), f"hiddenWeights[{l}]")
            for l in range(len(hw))
        ]
        biases = [number_array(hb[l], (sizes[l + 1],), f"hiddenBias[{l}]") for l in range(len(hw))]
        weights.append(number_array(ow, (sizes[-1], sizes[-2]), "outputWeights"))
        biases.append(number_array(ob, (sizes[-1],), "outputBias"))
        mlp = MLP(sizes, activation, activation, init="zeros")
        for l, (w, b) in enumerate(zip(weights, biases)):
            mlp.weights[l][...] = w
            mlp.biases[l][...] = b
    except (FileFormatError, ValueError) as e:
        raise FileFormatError(f"{path}: {e}") from None
    mlp.init = "file"
    return mlp


def write_trained_weights(path: str | Path, mlp: MLP) -> None:
    d = {
        "hiddenWeights": [w.tolist() for w in mlp.weights[:-1]],
        "hiddenBias": [b.tolist() for b in mlp.biases[:-1]],
        "outputWeights": mlp.weights[-1].tolist(),
        "outputBias": mlp.biases[-1].tolist(),
    }
    write_text_atomic(path, json.dumps(d, indent=4) + "\n")


def read_minmax(
    path: str | Path, low: float = 0.0, high: float = 1.0
) -> tuple[MinMaxScaler, MinMaxScaler]:
    """Input and target scalers with the fixed ranges of the Go code's minmax.json."""
    path = Path(path)
    d = _read_json(path)
    try:
        vecs = {}
        for key in ("minInput", "maxInput", "minOutput", "maxOutput"):
            v = _shape(field(d, key, "the file"), key)
            vecs[key] = number_array(v, (len(v),), key)
        if vecs["minInput"].shape != vecs["maxInput"].shape:
            raise FileFormatError("minInput and maxInput differ in length")
        if vecs["minOutput"].shape != vecs["maxOutput"].shape:
            raise FileFormatError("minOutput and maxOutput differ in length")
        ins = MinMaxScaler(low, high, vecs["minInput"], vecs["maxInput"])
        outs = MinMaxScaler(low, high, vecs["minOutput"], vecs["maxOutput"])
    except (FileFormatError, ValueError) as e:
        raise FileFormatError(f"{path}: {e}") from None
    return ins, outs


def write_minmax(path: str | Path, inputs: np.ndarray, targets: np.ndarray) -> None:
    """minmax.json from raw input (n, k) and target (n, m) columns."""
    d = {
        "minInput": np.min(inputs, axis=0).tolist(),
        "maxInput": np.max(inputs, axis=0).tolist(),
        "minOutput": np.min(targets, axis=0).tolist(),
        "maxOutput": np.max(targets, axis=0).tolist(),
    }
    write_text_atomic(path, json.dumps(d, indent=4) + "\n")
