"""Atomic saves: errors name the user's file; abandoned temporary files go away."""

from __future__ import annotations

import os
import time

import pytest

from mlpviz.io.atomic import STALE_SECONDS, SaveError, write_bytes_atomic, write_text_atomic


def test_an_error_names_the_users_file_not_the_temporary_one(tmp_path):
    target = tmp_path / "missing-folder" / "model.json"
    with pytest.raises(SaveError) as e:
        write_text_atomic(target, "{}")
    assert str(e.value).startswith(f"cannot save {target}: ")
    assert ".tmp" not in str(e.value)
    assert isinstance(e.value, OSError)  # callers catching OSError still catch it


def test_a_write_failing_midway_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "s.mlpviz"
    target.write_text("old")

    def full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(SaveError, match=r"cannot save .*s\.mlpviz: No space left on device"):
        write_bytes_atomic(target, b"new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["s.mlpviz"]


def test_text_that_utf8_cannot_hold_is_refused_before_any_file_is_made(tmp_path):
    target = tmp_path / "s.mlpviz"
    with pytest.raises(SaveError, match=r"character 3 .*surrogate.*'\\udc80'"):
        write_text_atomic(target, "abc\udc80")
    assert list(tmp_path.iterdir()) == []


def test_stale_temporaries_of_a_killed_save_are_removed_by_the_next(tmp_path):
    target = tmp_path / "s[1].mlpviz"
    old = tmp_path / ".s[1].mlpviz.abc123.tmp"
    fresh = tmp_path / ".s[1].mlpviz.def456.tmp"
    other = tmp_path / ".other.mlpviz.xyz.tmp"
    for p in (old, fresh, other):
        p.write_text("partial")
    past = time.time() - STALE_SECONDS - 60
    os.utime(old, (past, past))
    os.utime(other, (past, past))
    write_text_atomic(target, "done")
    assert target.read_text() == "done"
    assert not old.exists()  # abandoned long ago: removed
    assert fresh.exists()  # may be another save in progress: kept
    assert other.exists()  # another file's: not ours to touch
