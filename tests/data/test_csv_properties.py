"""Property tests for load_csv: quirky valid files load exactly; junk never escapes.

Each generated file is loaded twice, by the fast path (one np.loadtxt call
on the file) and by the block path (taken when progress is asked for), and
the two must agree: the block path defines what a valid file is.
"""

import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlpviz.data import DatasetError, load_csv
from mlpviz.data.csv_cells import Layout, parse_rows
from mlpviz.data.csv_loader import _parse_block

SETTINGS = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory):
    return tmp_path_factory.mktemp("csv") / "generated.csv"


# -- numbers written in many ways, each with the exact value it denotes ------------------

finite = st.floats(allow_nan=False, allow_infinity=False)


@st.composite
def number(draw):
    """(text as written in the file, the float it must load as)."""
    kind = draw(st.sampled_from(["repr", "int", "exp", "dot", "plus", "trailing-dot"]))
    if kind == "repr":
        x = draw(finite)
        return repr(x), x
    digits = draw(st.integers(0, 10**9))
    if kind == "int":
        text = str(digits * draw(st.sampled_from([1, -1])))
    elif kind == "exp":
        text = f"{digits % 1000}{draw(st.sampled_from('eE'))}{draw(st.integers(-30, 30))}"
    elif kind == "dot":
        text = f"{draw(st.sampled_from(['', '-']))}.{digits}"
    elif kind == "plus":
        text = f"+{digits}.{draw(st.integers(0, 99))}"
    else:
        text = f"{digits}."
    return text, float(text)


name = (
    st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,7}", fullmatch=True)
    # Such names read as numbers, so the row would be data, not a header.
    .filter(lambda s: s.lower() not in ("nan", "inf", "infinity"))
)


@st.composite
def quirky_csv(draw):
    """A valid file with random dialect quirks, and what it must load as."""
    k = draw(st.integers(2, 4))
    n = draw(st.integers(1, 8))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    cells = draw(st.lists(st.tuples(*[number()] * k), min_size=n, max_size=n))
    header = draw(st.none() | st.lists(name, min_size=k, max_size=k, unique=True))
    # Drawn in bulk: one draw per cell would make generation the slow part.
    pad = st.sampled_from(["", " ", "  "] + (["\t", " \t "] if delimiter != "\t" else []))
    size = (n + 1) * (k + 1)
    pads = iter(draw(st.lists(pad, min_size=size, max_size=size)))
    # Half the files have no quotes at all, so the fast path gets its share.
    quoting = st.booleans() if draw(st.booleans()) else st.just(False)
    quotes = iter(draw(st.lists(quoting, min_size=(n + 1) * k, max_size=(n + 1) * k)))
    gaps = draw(
        st.lists(st.sampled_from([None, None, None, "", "  ", "\t"]), min_size=n, max_size=n)
    )

    def render(texts):
        fields = [(f'"{t}"' if next(quotes) else t) for t in texts]
        return "".join(next(pads) + f + delimiter for f in fields)[: -len(delimiter)] + next(pads)

    lines = [render(header)] if header is not None else []
    for row, gap in zip(cells, gaps):
        if gap is not None:
            lines.append(gap)  # a blank line in the middle
        lines.append(render([t for t, _ in row]))
    lines += [""] * draw(st.integers(0, 3))  # trailing blank lines
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = newline.join(lines) + (newline if draw(st.booleans()) else "")
    data = ("\ufeff" if draw(st.booleans()) else "") + text
    expected = np.array([[v for _, v in row] for row in cells], dtype=np.float64)
    columns = tuple(header) if header is not None else tuple(f"x{j}" for j in range(k))
    return data.encode("utf-8"), expected, columns, delimiter


@pytest.mark.slow
@SETTINGS
@given(quirky_csv(), st.integers(1, 12), st.integers(1, 5))
def test_quirky_files_load_exactly(scratch, case, split_chars, chunk_lines):
    from mlpviz.data import csv_loader

    data, expected, columns, delimiter = case
    scratch.write_bytes(data)
    small = {"PIECE_BYTES": split_chars, "CHUNK_LINES": chunk_lines}
    for kwargs, sizes in (({}, {}), ({"progress": lambda f: None}, {}), ({"cancel": bool}, small)):
        # The block path, also cutting the text into tiny pieces and blocks.
        saved = {key: getattr(csv_loader, key) for key in sizes}
        for key, value in sizes.items():
            setattr(csv_loader, key, value)
        try:
            ds = load_csv(scratch, **kwargs)
        finally:
            for key, value in saved.items():
                setattr(csv_loader, key, value)
        assert ds.values.shape == expected.shape
        # Exact, bit for bit (array_equal also treats -0.0 == 0.0, so check signs too).
        assert np.array_equal(ds.values, expected)
        assert np.array_equal(np.signbit(ds.values), np.signbit(expected))
        assert ds.columns == columns
        assert ds.delimiter == delimiter


# -- junk: random bytes and mutated valid files ------------------------------------------

VALID = b"I0,  I1,  Z0\r\n70,  98,  91\r\n50,  85,  82\r\n65,  67,  80\r\n25,  95,  68\r\n"
NASTY = [b"\x00", b"\xff", b'"', b",", b";", b"\t", b"\r", b"\n", b" ", b"nan", b"e", b"-", b"."]


@st.composite
def mutated(draw):
    data = bytearray(draw(st.sampled_from([VALID, VALID.replace(b"\r\n", b"\n")])))
    for _ in range(draw(st.integers(1, 4))):
        pos = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(st.sampled_from(NASTY) | st.binary(min_size=1, max_size=3))
        if op == "insert":
            data[pos:pos] = piece
        elif op == "delete":
            del data[pos : pos + draw(st.integers(1, 5))]
        else:
            data[pos : pos + len(piece)] = piece
    return bytes(data)


LOCATION = re.compile(r"line (\d+)")


@pytest.mark.slow
@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.binary(max_size=200) | mutated())
def test_junk_loads_cleanly_or_raises_dataset_error(scratch, data):
    scratch.write_bytes(data)
    outcomes = []
    for kwargs in ({}, {"progress": lambda f: None}):
        try:
            ds = load_csv(scratch, **kwargs)
        except DatasetError as exc:
            message = str(exc)
            assert "generated.csv" in message
            if exc.line is not None:
                assert 1 <= exc.line <= data.count(b"\n") + data.count(b"\r") + 1
                assert f"line {exc.line}" in message
            outcomes.append(message)
        else:
            assert ds.values.ndim == 2 and ds.values.shape[0] >= 1 and ds.values.shape[1] >= 2
            assert np.isfinite(ds.values).all()
            assert len(ds.columns) == ds.values.shape[1]
            outcomes.append(ds.values.tobytes() + repr(ds.columns).encode())
    # Fast path and block path never disagree, neither on data nor on the error.
    assert outcomes[0] == outcomes[1]


# -- the block parser (csv module + loadtxt) against the pure-Python reference ----------

ALPHABET = '0123456789.,;\t "e-+naif'


@pytest.mark.slow
@settings(max_examples=250, deadline=None)
@given(
    lines=st.lists(st.text(alphabet=ALPHABET, max_size=14), min_size=1, max_size=6),
    k=st.integers(2, 3),
    delimiter=st.sampled_from([",", ";", "\t"]),
)
def test_block_parser_never_accepts_more_than_the_reference(lines, k, delimiter):
    layout = Layout(None, delimiter, tuple(f"x{j}" for j in range(k)), False, 1)
    try:
        expected = parse_rows(lines, 1, layout)
    except DatasetError as exc:
        expected = str(exc)
    try:
        got = _parse_block(lines, 1, layout, quoted=any('"' in line for line in lines))
    except DatasetError as exc:
        got = str(exc)
    if isinstance(expected, str):
        assert got == expected
    else:
        assert isinstance(got, np.ndarray) and got.shape == expected.shape
        assert np.array_equal(got, expected)


@SETTINGS
@given(
    text=st.text(alphabet="ab,\r\né", max_size=60),
    bom=st.booleans(),
    size=st.integers(min_value=1, max_value=8),
)
def test_decoding_in_pieces_is_decoding_whole(text, bom, size):
    # The loader decodes big files a piece at a time (so the GUI thread gets
    # the GIL in between); the pieces must join to exactly the whole text,
    # and every piece but the last must end a line.
    from mlpviz.data.csv_dialect import decode_pieces, decode_text

    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    pieces = decode_pieces(data, Path("t.csv"), size)
    assert "".join(pieces) == decode_text(data, Path("t.csv"))
    assert all(piece.endswith("\n") for piece in pieces[:-1])


@pytest.mark.parametrize("size", [1, 3, 1 << 20])
def test_a_bad_byte_is_found_on_its_line_whatever_the_pieces(size):
    from mlpviz.data.csv_dialect import decode_pieces

    data = b"a,b\r\n1,2\r\n3,4\r\n5,\xff\r\n"
    with pytest.raises(DatasetError, match=r"byte 0xff on line 4") as info:
        decode_pieces(data, Path("t.csv"), size)
    assert info.value.line == 4


def test_block_path_in_small_pieces_matches_fast_path(tmp_path, monkeypatch):
    from mlpviz.data import csv_loader

    monkeypatch.setattr(csv_loader, "PIECE_BYTES", 7)
    monkeypatch.setattr(csv_loader, "CHUNK_LINES", 3)
    rng = np.random.default_rng(3)
    values = rng.normal(size=(50, 3)).round(6)
    path = tmp_path / "pieces.csv"
    path.write_text("a,b,c\r\n" + "".join(f"{a},{b},{c}\r\n" for a, b, c in values) + ",,\n\n")
    fractions = []
    blocks = load_csv(path, progress=fractions.append)
    np.testing.assert_array_equal(blocks.values, load_csv(path).values)
    np.testing.assert_array_equal(blocks.values, values)
    assert len(fractions) == 17 and fractions[-1] == 1.0


@pytest.mark.parametrize("split_chars", [1, 5, 64, 1 << 20])
def test_errors_name_the_same_line_whatever_the_pieces(tmp_path, monkeypatch, split_chars):
    from mlpviz.data import csv_loader

    monkeypatch.setattr(csv_loader, "PIECE_BYTES", split_chars)
    monkeypatch.setattr(csv_loader, "CHUNK_LINES", 7)
    rows = [f"{i},{i * 0.5}" for i in range(60)]
    rows[41] = "41,x"
    path = tmp_path / "bad.csv"
    path.write_text("a,b\n\n" + "\n".join(rows) + "\n,\n\n")
    with pytest.raises(DatasetError, match=r"line 44, column 2") as info:
        load_csv(path, progress=lambda f: None)
    assert info.value.line == 44
    rows[41] = "41,20.5"
    path.write_text("a,b\n\n" + "\n".join(rows) + "\n,\n\n")
    assert load_csv(path, progress=lambda f: None).values.shape == (60, 2)
