"""The offload wire refuses what no training job sends, before allocating it."""

from __future__ import annotations

import io
import json
import struct

import numpy as np
import pytest

from mlpviz.engine.offload.process import OffloadedTraining
from mlpviz.engine.offload.wire import MAX_ARRAY_BYTES, WireError, read_message, write_message


def message(specs, payload: bytes = b"") -> io.BytesIO:
    text = json.dumps({"kind": "progress", "arrays": specs}).encode()
    return io.BytesIO(struct.pack(">I", len(text)) + text + payload)


def test_a_header_declaring_a_trillion_elements_is_refused_unread():
    stream = message([["w", "<f8", [10**6, 10**6]]], b"\0" * 64)
    with pytest.raises(WireError, match="more than"):
        read_message(stream)
    # Nothing past the header was read: the refusal allocated nothing.
    assert stream.tell() == len(stream.getvalue()) - 64


def test_the_sum_of_arrays_is_bounded_too():
    half = MAX_ARRAY_BYTES // 8 // 2 + 1
    with pytest.raises(WireError, match="at 'b'"):
        read_message(message([["a", "<f8", [half]], ["b", "<f8", [half]]]))


@pytest.mark.parametrize(
    "spec",
    [
        ["w", "<f8", [-1]],
        ["w", "<f8", [True]],
        ["w", "<f8", ["3"]],
        ["w", "<f8", 3],
        ["w", "|O", [1]],
        ["w", "<f8"],
        [1, "<f8", [1]],
    ],
)
def test_malformed_array_entries_are_wire_errors(spec):
    with pytest.raises(WireError):
        read_message(message([spec], b"\0" * 8))


def test_a_list_that_is_not_a_list_is_a_wire_error():
    with pytest.raises(WireError):
        read_message(message({"w": 1}))


def test_a_valid_message_still_reads_back():
    buf = io.BytesIO()
    write_message(buf, {"kind": "x"}, {"a": np.arange(6.0).reshape(2, 3)})
    buf.seek(0)
    header, arrays = read_message(buf)
    assert header == {"kind": "x"} and arrays["a"].tolist() == [[0, 1, 2], [3, 4, 5]]


def test_any_failure_of_the_reader_reports_the_process_gone():
    off = OffloadedTraining(enabled=False)
    off._ready.set()
    off._read(message([["w", "<f8", [10**12]]]))
    assert off._inbox.get_nowait() == ({"kind": "gone"}, {})
    off._read(io.BytesIO(b"\x00\x00\x00\x05[1,2]"))  # a header that is JSON but no object
    assert off._inbox.get_nowait() == ({"kind": "gone"}, {})
