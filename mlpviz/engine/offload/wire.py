"""Messages between the app and its training process: a JSON header and raw arrays.

A message is a 4-byte big-endian length, a UTF-8 JSON header of that length,
then the bytes of the arrays the header lists (name, dtype, shape), one after
another. Nothing is pickled: both ends are mlpviz, but a pipe is still input,
and JSON and raw float64 bytes carry everything a trainer's state holds, bit
for bit.
"""

from __future__ import annotations

import json
import struct
from typing import BinaryIO

import numpy as np

_LENGTH = struct.Struct(">I")
_DTYPES = {"<f8": np.float64, "<i8": np.int64}
MAX_HEADER = 1 << 24
# The most array bytes one message may declare. A trainer's state is its
# weights, the optimizer's moments, its data's order and a history block:
# far below this for any job the process takes (offload's FAST_ROWS and
# history caps), so a larger declaration is a corrupt header, refused
# before a byte is allocated.
MAX_ARRAY_BYTES = 1 << 30


class WireError(ValueError):
    """A message that is cut short or not what this protocol writes."""


def write_message(
    stream: BinaryIO, header: dict, arrays: dict[str, np.ndarray] | None = None
) -> None:
    """Write one message and flush it."""
    specs, blobs = [], []
    for name, a in (arrays or {}).items():
        a = np.ascontiguousarray(a, dtype=np.int64 if a.dtype.kind in "iu" else np.float64)
        specs.append([name, a.dtype.str, list(a.shape)])
        blobs.append(a.astype(a.dtype.newbyteorder("<"), copy=False).tobytes())
    text = json.dumps({**header, "arrays": specs}).encode("utf-8")
    stream.write(_LENGTH.pack(len(text)) + text)
    for blob in blobs:
        stream.write(blob)
    stream.flush()


def read_message(stream: BinaryIO) -> tuple[dict, dict[str, np.ndarray]]:
    """Read one message; EOFError when the other end has closed the pipe."""
    head = _read_exact(stream, _LENGTH.size, allow_eof=True)
    (n,) = _LENGTH.unpack(head)
    if n > MAX_HEADER:
        raise WireError(f"message header of {n} bytes is larger than {MAX_HEADER}")
    try:
        header = json.loads(_read_exact(stream, n).decode("utf-8"))
        specs = header.pop("arrays")
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, AttributeError) as e:
        raise WireError(f"unreadable message header: {e}") from None
    counts = _array_counts(specs)
    arrays = {}
    for (name, dtype, shape), count in zip(specs, counts):
        raw = _read_exact(stream, count * 8)
        arrays[name] = np.frombuffer(raw, dtype=dtype).astype(_DTYPES[dtype]).reshape(shape)
    return header, arrays


def _array_counts(specs: object) -> list[int]:
    """Element counts of the arrays a header declares, checked before any is read."""
    if not isinstance(specs, list):
        raise WireError("the header's array list is not a list")
    counts, total = [], 0
    for spec in specs:
        if not (isinstance(spec, list) and len(spec) == 3 and isinstance(spec[0], str)):
            raise WireError(f"bad array entry {spec!r:.80}")
        name, dtype, shape = spec
        if dtype not in _DTYPES:
            raise WireError(f"array {name!r} has unsupported dtype {dtype!r}")
        if not isinstance(shape, list) or not all(
            isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= MAX_ARRAY_BYTES
            for n in shape
        ):
            raise WireError(f"array {name!r} has a bad shape {shape!r:.80}")
        count = 1
        for n in shape:  # Python ints: no overflow, unlike np.prod
            count *= n
        total += count * 8
        if total > MAX_ARRAY_BYTES:
            raise WireError(
                f"message declares more than {MAX_ARRAY_BYTES:,} bytes of arrays "
                f"(at {name!r}); no training job sends that much"
            )
        counts.append(count)
    return counts


def _read_exact(stream: BinaryIO, n: int, allow_eof: bool = False) -> bytes:
    chunks, got = [], 0
    while got < n:
        chunk = stream.read(n - got)
        if not chunk:
            if allow_eof and got == 0:
                raise EOFError("the other end closed the pipe")
            raise WireError(f"message cut short: {got} of {n} bytes")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)
