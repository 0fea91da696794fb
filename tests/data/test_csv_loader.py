"""load_csv: what real files look like, and the catalogue of bad files."""

import os
import time
from pathlib import Path

import numpy as np
import pytest

from mlpviz.data import Dataset, DatasetError, LoadCancelled, csv_loader, load_csv, load_example

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
TUTORIAL = "I0,  I1,  Z0\n70,  98,  91\n50,  85,  82\n65,  67,  80\n25,  95,  68\n"
EXAM = [[70, 98, 91], [50, 85, 82], [65, 67, 80], [25, 95, 68]]


def write(tmp_path, content, name="data.csv"):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


def load_both_ways(path):
    """Load with the fast path and with the block path; both must agree."""
    fast = load_csv(path)
    fractions = []
    blocks = load_csv(path, progress=fractions.append)
    assert np.array_equal(fast.values, blocks.values)
    assert fast.columns == blocks.columns
    assert fractions and fractions[-1] == 1.0
    return fast


# -- what real files look like ----------------------------------------------------------


def test_tutorial_file_with_spaces_after_commas(tmp_path):
    ds = load_both_ways(write(tmp_path, TUTORIAL))
    assert ds.columns == ("I0", "I1", "Z0")
    assert ds.has_header and ds.delimiter == ","
    assert ds.values.tolist() == EXAM
    assert ds.values.dtype == np.float64
    assert ds.path == tmp_path / "data.csv"


@pytest.mark.parametrize("name", ["exam-scores", "exam-scores-training"])
def test_resource_files_equal_builtin_examples(name):
    ds = load_csv(RESOURCES / f"{name}.csv")
    example = load_example(name)
    assert ds.columns == example.columns
    assert np.array_equal(ds.values, example.values)


def test_resource_files_keep_the_tutorial_layout():
    # Byte-for-byte the tables printed in the MLP tutorial.
    text = (RESOURCES / "exam-scores.csv").read_text()
    assert text.splitlines()[:2] == ["I0,  I1,  Z0", "70,  98,  91"]
    assert (RESOURCES / "exam-scores-training.csv").read_text().splitlines()[1] == "70,  100, 90"


def test_no_header_gets_generated_names(tmp_path):
    ds = load_both_ways(write(tmp_path, "1,2,3\n4,5,6\n"))
    assert not ds.has_header
    assert ds.columns == ("x0", "x1", "x2")
    assert ds.values.tolist() == [[1, 2, 3], [4, 5, 6]]


@pytest.mark.parametrize(("delimiter", "text"), [(";", "a;b\n1;2\n"), ("\t", "a\tb\n1\t2\n")])
def test_semicolon_and_tab_are_detected(tmp_path, delimiter, text):
    ds = load_both_ways(write(tmp_path, text))
    assert ds.delimiter == delimiter
    assert ds.values.tolist() == [[1, 2]]


def test_tab_padding_after_comma_does_not_fool_detection(tmp_path):
    ds = load_both_ways(write(tmp_path, "1,\t2\n"))
    assert ds.delimiter == ","
    assert ds.values.tolist() == [[1, 2]]


def test_quoted_numbers_also_after_spaces(tmp_path):
    ds = load_both_ways(write(tmp_path, '"a","b"\n"1.5",  "2"\n3, " 4 "\n'))
    assert ds.columns == ("a", "b")
    assert ds.values.tolist() == [[1.5, 2], [3, 4]]


def test_crlf_bom_and_blank_lines(tmp_path):
    ds = load_both_ways(write(tmp_path, b"\xef\xbb\xbfa,b\r\n\r\n1,2\r\n   \r\n3,4\r\n\r\n\r\n"))
    assert ds.columns == ("a", "b")  # no BOM glued to the first name
    assert ds.values.tolist() == [[1, 2], [3, 4]]


def test_old_mac_cr_line_endings(tmp_path):
    ds = load_both_ways(write(tmp_path, "a,b\r1,2\r3,4\r"))
    assert ds.values.tolist() == [[1, 2], [3, 4]]


def test_utf16_with_bom(tmp_path):
    ds = load_both_ways(write(tmp_path, "a\tb\r\n1\t2\r\n".encode("utf-16")))
    assert ds.columns == ("a", "b")
    assert ds.values.tolist() == [[1, 2]]


def test_leading_blank_lines_and_whitespace(tmp_path):
    ds = load_both_ways(write(tmp_path, "\n\n  a , b  \n  1 , 2  \n"))
    assert ds.columns == ("a", "b")
    assert ds.values.tolist() == [[1, 2]]


def test_spreadsheet_padding_rows_at_the_end_are_ignored(tmp_path):
    ds = load_both_ways(write(tmp_path, "a,b\n1,2\n,\n , \n\n"))
    assert ds.values.tolist() == [[1, 2]]


def test_number_formats(tmp_path):
    ds = load_both_ways(write(tmp_path, "a,b,c\n1e3,-0.5,.5\n+2,5.,-1.25E-2\n"))
    assert ds.values.tolist() == [[1000, -0.5, 0.5], [2, 5, -0.0125]]


def test_unnamed_header_column_gets_positional_name(tmp_path):
    ds = load_both_ways(write(tmp_path, ",y\n1,2\n"))
    assert ds.columns == ("x0", "y")


def test_values_are_read_only_and_column_helper(tmp_path):
    ds = load_csv(write(tmp_path, TUTORIAL))
    with pytest.raises(ValueError):
        ds.values[0, 0] = 1.0
    assert ds.column("I1").tolist() == [98, 85, 67, 95]
    assert ds.column(2).tolist() == [91, 82, 80, 68]
    with pytest.raises(DatasetError, match="no column named 'I9'"):
        ds.column("I9")


def test_large_file_blocks_progress_and_line_numbers(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_loader, "CHUNK_LINES", 100)
    rows = [f"{i},{i * 0.5}" for i in range(1000)]
    rows[777] = "777,oops"
    path = write(tmp_path, "a,b\n" + "\n".join(rows) + "\n")
    fractions = []
    with pytest.raises(DatasetError, match=r"line 779, column 2 \('b'\): 'oops'") as info:
        load_csv(path, progress=fractions.append)
    assert info.value.line == 779 and info.value.column == 2
    assert fractions == pytest.approx([0.1 * k for k in range(1, 8)])  # stopped in block 8
    rows[777] = "777,388.5"
    path = write(tmp_path, "a,b\n" + "\n".join(rows) + "\n")
    fractions.clear()
    ds = load_csv(path, progress=fractions.append)
    assert ds.values.shape == (1000, 2)
    assert fractions == pytest.approx([0.1 * k for k in range(1, 11)])


def test_cancel_stops_the_load(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_loader, "CHUNK_LINES", 10)
    path = write(tmp_path, "\n".join(f"{i},{i}" for i in range(100)))
    calls = []

    def cancel():
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(LoadCancelled):
        load_csv(path, cancel=cancel)
    assert len(calls) == 4


def test_dataset_validates_its_arguments():
    with pytest.raises(ValueError, match="2 column names for 3 columns"):
        Dataset(columns=("a", "b"), values=np.zeros((1, 3)))
    with pytest.raises(ValueError, match="repeat"):
        Dataset(columns=("a", "a"), values=np.zeros((1, 2)))
    source = np.zeros((2, 2))
    ds = Dataset(columns=("a", "b"), values=source)
    source[0, 0] = 5.0  # the caller's array is copied, not frozen or shared
    assert ds.values[0, 0] == 0.0 and source.flags.writeable


# -- the catalogue of bad files ---------------------------------------------------------


def error_for(tmp_path, content):
    path = write(tmp_path, content, "bad.csv")
    with pytest.raises(DatasetError) as fast:
        load_csv(path)
    with pytest.raises(DatasetError) as blocks:
        load_csv(path, progress=lambda f: None)
    assert str(fast.value) == str(blocks.value)
    message = str(fast.value)
    assert "bad.csv" in message
    return fast.value


def test_empty_file(tmp_path):
    err = error_for(tmp_path, "")
    assert "empty" in str(err)


def test_only_blank_lines(tmp_path):
    err = error_for(tmp_path, "\n  \n\t\n")
    assert "empty" in str(err)


def test_header_only(tmp_path):
    err = error_for(tmp_path, "I0,  I1,  Z0\n\n")
    assert "no data rows" in str(err) and "line 1" in str(err)
    assert err.line == 1


def test_ragged_row(tmp_path):
    err = error_for(tmp_path, TUTORIAL + "10,  20\n")
    assert "line 6:" in str(err)
    assert "2 fields" in str(err) and "expected 3" in str(err)
    assert err.line == 6


def test_non_numeric_cell(tmp_path):
    err = error_for(tmp_path, TUTORIAL.replace("67", "abc"))
    assert "line 4, column 2 ('I1'): 'abc' is not a number" in str(err)
    assert (err.line, err.column) == (4, 2)


def test_non_numeric_cell_without_header_names_column_number(tmp_path):
    err = error_for(tmp_path, "1,2\n3,four\n")
    assert "line 2, column 2: 'four' is not a number" in str(err)


def test_blank_lines_do_not_shift_line_numbers(tmp_path):
    err = error_for(tmp_path, "a,b\n\n\n1,2\n   \n3,x\n")
    assert (err.line, err.column) == (6, 2)
    assert "line 6" in str(err)


def test_empty_cell(tmp_path):
    err = error_for(tmp_path, "a,b,c\n1,,3\n")
    assert "line 2, column 2 ('b')" in str(err) and "empty" in str(err)


def test_nan(tmp_path):
    err = error_for(tmp_path, "a,b\n1,2\n3,NaN\n")
    assert "line 3, column 2 ('b')" in str(err) and "NaN" in str(err)


@pytest.mark.parametrize("cell", ["inf", "-Infinity", "1e400"])
def test_infinity(tmp_path, cell):
    err = error_for(tmp_path, f"a,b\n{cell},2\n")
    assert "line 2, column 1 ('a')" in str(err)
    assert "infinit" in str(err)


def test_binary_garbage(tmp_path):
    err = error_for(tmp_path, bytes(range(256)) * 4)
    assert "not a text file" in str(err)


def test_png_header_is_not_text(tmp_path):
    err = error_for(tmp_path, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert "not a text file" in str(err)


def test_not_utf8(tmp_path):
    err = error_for(tmp_path, "Größe,b\n1,2\n".encode("latin-1"))
    assert "not a UTF-8 text file" in str(err) and "line 1" in str(err)


def test_too_few_columns(tmp_path):
    err = error_for(tmp_path, "score\n1\n2\n")
    assert "line 1" in str(err) and "at least 2" in str(err)


def test_decimal_comma_gets_a_hint(tmp_path):
    err = error_for(tmp_path, "a;b\n1,5;2\n")
    assert "line 2, column 1 ('a')" in str(err) and "decimal point" in str(err)


def test_broken_quote(tmp_path):
    err = error_for(tmp_path, 'a,b\n1,"2\n')
    assert (err.line, err.column) == (2, 2)
    assert "quote" in str(err)


def test_duplicate_column_names(tmp_path):
    err = error_for(tmp_path, "a,b,a\n1,2,3\n")
    assert "column 3" in str(err) and "'a'" in str(err)


def test_missing_file(tmp_path):
    with pytest.raises(DatasetError, match="not found") as info:
        load_csv(tmp_path / "nope.csv")
    assert "nope.csv" in str(info.value)


def test_directory(tmp_path):
    with pytest.raises(DatasetError, match="folder"):
        load_csv(tmp_path)


def test_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    with pytest.raises(DatasetError, match="not a regular file"):
        load_csv(fifo)


def test_read_errors_become_dataset_errors(tmp_path, monkeypatch):
    # Runs even as root, where chmod cannot make a file unreadable.
    path = write(tmp_path, TUTORIAL)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)
    monkeypatch.setattr(Path, "read_bytes", refuse)
    for kwargs in ({}, {"progress": lambda f: None}):
        with pytest.raises(DatasetError, match="permission denied") as info:
            load_csv(path, **kwargs)
        assert "data.csv" in str(info.value)


def test_clean_files_take_the_fast_path(tmp_path, monkeypatch):
    # The speed target relies on clean files never reaching the block parser.
    def no_blocks(*args):
        raise AssertionError("block path used for a clean file")

    monkeypatch.setattr(csv_loader, "_load_blocks", no_blocks)
    for text in (TUTORIAL, "1;2\r\n3;4\r\n", "\ufeffa\tb\n1\t2\n\n\n"):
        assert load_csv(write(tmp_path, text)).values.shape[0] >= 1


def test_quoted_delimiter_is_not_split_into_two_fields(tmp_path):
    # Joined naively, "1,5",2 would be three fields and match the header.
    err = error_for(tmp_path, 'a,b,c\n"1,5",2\n')
    assert "line 2" in str(err) and "2 fields" in str(err)


def test_whitespace_only_lines_everywhere(tmp_path, monkeypatch):
    monkeypatch.setattr(csv_loader, "CHUNK_LINES", 4)
    ds = load_both_ways(write(tmp_path, "a,b\n1,2\n \n3,4\n\t\n \n  \n5,6\n"))
    assert ds.values.tolist() == [[1, 2], [3, 4], [5, 6]]


def test_broken_quote_beyond_the_last_named_column(tmp_path):
    err = error_for(tmp_path, 'a,b\n1,2,"3\n')
    assert (err.line, err.column) == (2, 3)


@pytest.mark.parametrize(
    "line",
    [
        " " * 200_000 + '"',  # padding then a stray quote
        "1," + "9" * 200_000 + "x",  # a huge almost-number
        '1,"' + "a" * 200_000,  # a quote that never closes
    ],
)
def test_long_junk_lines_fail_fast(tmp_path, line):
    # Regex backtracking once made such lines take minutes (quadratic time).
    t0 = time.perf_counter()
    err = error_for(tmp_path, "a,b\n1,2\n" + line + "\n")
    assert err.line == 3
    assert time.perf_counter() - t0 < 5.0


def test_impossible_file_name():
    with pytest.raises(DatasetError, match="not found"):
        load_csv("bad\x00name.csv")
