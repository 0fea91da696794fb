"""Field-level checks for session files: types, counts, finite numbers.

Each check names the field it refused (``state.weights[1][0] has 4 entries,
expected 3``), so a hand-edited or damaged file says exactly where it is wrong.
"""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from mlpviz.engine.layout import ParamLayout
from mlpviz.engine.loss_archive import SERIES, LossArchive
from mlpviz.io.validate import FileFormatError, field

# What each kind of field must be, and how an error names it.
_KINDS: dict[str, tuple[Any, str]] = {
    "num": (lambda v: isinstance(v, (int, float)) and not isinstance(v, bool), "a number"),
    "int": (lambda v: isinstance(v, int) and not isinstance(v, bool), "an integer"),
    "str": (lambda v: isinstance(v, str), "a string"),
    "bool": (lambda v: isinstance(v, bool), "true or false"),
    "obj": (lambda v: isinstance(v, dict), "an object"),
    "ints": (lambda v: isinstance(v, list) and all(_is_count(x) for x in v), "positive integers"),
    "strs": (lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v), "strings"),
}


def _is_count(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 1


def _kinds(text: str) -> dict[str, str]:
    """``"name:kind …"`` → {name: kind}; a kind ending in "?" also allows null."""
    return dict(item.split(":") for item in text.split())


SPEC_TYPES = _kinds(
    "hidden:ints hidden_activations:strs output_activation:str loss:str? init:str seed:int?"
)
SETTINGS_TYPES = _kinds(
    "learning_rate:num batch_size:int optimizer:str optimizer_options:obj schedule:obj l1:num "
    "l2:num dropout:num shuffle:bool seed:int? max_epochs:int? target_loss:num? patience:int?"
)
SCHEDULE_TYPES = _kinds("kind:str gamma:num every:int period:int floor:num")


def typed_fields(d: Any, types: dict[str, str], where: str, numbers: bool = False) -> dict:
    """``d`` if it is an object whose known keys have the right types (unknown keys
    are left for ``from_dict`` to name); with ``numbers``, every value is a number."""
    if not isinstance(d, dict):
        raise FileFormatError(f"{where} must be an object")
    for k, v in d.items():
        kind = "num" if numbers else types.get(k)
        if kind is None or (kind.endswith("?") and v is None):
            continue
        check, what = _KINDS[kind.rstrip("?")]
        if not check(v):
            raise FileFormatError(f"{where}.{k} must be {what}, not {_short(v)}")
    return d


@contextlib.contextmanager
def _naming(where: str) -> Iterator[None]:
    """Turn a ValueError/TypeError from code that does not know the file's layout
    (``from_dict``, ``prepare``, a constructor) into one that names the section."""
    try:
        yield
    except FileFormatError:
        raise
    except (ValueError, TypeError) as e:
        raise FileFormatError(f"{where}: {e}") from None


def _short(v: Any) -> str:
    """A value for an error message, cut short: a hand edit may have pasted a lot."""
    text = json.dumps(v, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


def _number(v: Any, where: str) -> float:
    if not _KINDS["num"][0](v):
        raise FileFormatError(f"{where} must be a number, not {_short(v)}")
    return float(v)


def _integer(v: Any, where: str) -> int:
    if not _KINDS["int"][0](v) or v < 0:
        raise FileFormatError(f"{where} must be a non-negative integer, not {_short(v)}")
    return v


def _vector(v: Any, n: int | None, where: str) -> np.ndarray:
    """A list of ``n`` (any number if None) finite numbers as a float64 array."""
    if not isinstance(v, list):
        raise FileFormatError(f"{where} must be a list of numbers")
    if n is not None and len(v) != n:
        raise FileFormatError(f"{where} has {len(v)} entries, expected {n}")
    # One set of types instead of a Python check per number: these lists are long.
    if not set(map(type, v)) <= {int, float}:
        i = next(i for i, x in enumerate(v) if type(x) not in (int, float))
        raise FileFormatError(f"{where}[{i}] must be a number, not {type(v[i]).__name__}")
    try:
        a = np.array(v, dtype=np.float64)
    except OverflowError:
        raise FileFormatError(f"{where} holds a number too large for a float") from None
    if not np.isfinite(a).all():
        raise FileFormatError(f"{where}[{int(np.flatnonzero(~np.isfinite(a))[0])}] is not finite")
    return a


def _ints(v: Any, n: int | None, where: str) -> np.ndarray:
    if not isinstance(v, list) or not set(map(type, v)) <= {int}:
        raise FileFormatError(f"{where} must be a list of integers")
    if n is not None and len(v) != n:
        raise FileFormatError(f"{where} has {len(v)} entries, expected {n}")
    if any(abs(x) > 1 << 62 for x in v):
        raise FileFormatError(f"{where} holds an integer out of range")
    return np.array(v, dtype=np.int64)


def _join(weights: Any, biases: Any, sizes: tuple[int, ...]) -> np.ndarray:
    """A file's per-layer weight rows and biases → the flat vector (ParamLayout order),
    each list checked and named in the error if it is wrong."""
    n_layers = len(sizes) - 1
    for key, v in (("weights", weights), ("biases", biases)):
        if not isinstance(v, list) or len(v) != n_layers:
            raise FileFormatError(f"state.{key} must have {n_layers} layers")
    layout = ParamLayout.of(sizes)
    # Every row is checked against the numbers in the file before the flat
    # vector is allocated: the sizes alone could ask for gigabytes.
    checked = []
    for l in range(n_layers):
        n_out, n_in = layout.shape(l)
        rows = weights[l]
        if not isinstance(rows, list) or len(rows) != n_out:
            raise FileFormatError(f"state.weights[{l}] must have {n_out} rows (one per node)")
        w = [_vector(r, n_in, f"state.weights[{l}][{j}]") for j, r in enumerate(rows)]
        checked.append((w, _vector(biases[l], n_out, f"state.biases[{l}]")))
    flat = np.empty(layout.size)
    for l, (w, b) in enumerate(checked):
        layout.weights(flat, l)[:] = w
        layout.bias(flat, l)[:] = b
    return flat


def _find_nonfinite(v: Any, where: str) -> str | None:
    """The path of the first NaN or infinity in parsed JSON, or None."""
    if type(v) is float:
        return None if math.isfinite(v) else where or "a value"
    if isinstance(v, dict):
        for k, x in v.items():
            bad = _find_nonfinite(x, f"{where}.{k}" if where else str(k))
            if bad:
                return bad
    elif isinstance(v, list):
        if v and set(map(type, v)) == {float}:  # a row of numbers: one vectorized test
            a = np.array(v)
            return None if np.isfinite(a).all() else f"{where}[{int(np.argmin(np.isfinite(a)))}]"
        for i, x in enumerate(v):
            bad = _find_nonfinite(x, f"{where}[{i}]")
            if bad:
                return bad
    return None


def json_plain(d: Any) -> Any:
    """Tuples (from dataclasses.asdict) as lists, NumPy scalars as Python numbers."""
    if isinstance(d, dict):
        return {k: json_plain(v) for k, v in d.items()}
    if isinstance(d, (list, tuple)):
        return [json_plain(v) for v in d]
    return d.item() if isinstance(d, np.generic) else d


def loss_archive_from(ad: Any, where: str, capacity: int, epoch: int | None = None) -> LossArchive:
    """A :meth:`LossArchive.state` read from a file: at most ``capacity`` buckets,
    contiguous from epoch 1 (up to ``epoch`` when given), each series' minima
    and maxima one number or null (an empty bucket) per bucket."""
    width = _integer(field(ad, "width", where), f"{where}.width")
    firsts = _ints(field(ad, "firsts", where), None, f"{where}.firsts")
    if not 1 <= width <= 1 << 40 or len(firsts) > capacity:
        raise FileFormatError(f"{where} must hold at most {capacity} buckets of width ≥ 1")
    n = len(firsts)
    lasts = _ints(field(ad, "lasts", where), n, f"{where}.lasts")
    beyond = epoch is not None and n and lasts[-1] > epoch
    if n and (
        firsts[0] != 1 or (lasts < firsts).any() or (firsts[1:] != lasts[:-1] + 1).any() or beyond
    ):
        upto = "" if epoch is None else f", up to {epoch}"
        raise FileFormatError(f"{where}: buckets must cover epochs 1, 2, … in order{upto}")
    state: dict[str, Any] = {"width": width, "firsts": firsts.tolist(), "lasts": lasts.tolist()}
    for name in SERIES:
        for end in ("min", "max"):
            key = f"{name}_{end}"
            v = field(ad, key, where)
            values = [0.0 if x is None else x for x in v] if isinstance(v, list) else v
            _vector(values, n, f"{where}.{key}")
            state[key] = v
    archive = LossArchive(capacity)
    archive.load(state)
    return archive
