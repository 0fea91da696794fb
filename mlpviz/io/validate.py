"""Small checks for JSON read from files: each failure names the field."""

from __future__ import annotations

import math
import os
import stat
from pathlib import Path
from typing import Any

import numpy as np


class FileFormatError(ValueError):
    """A file's content is not what its format requires."""


# A file mlpviz reads whole: sessions embed their data, so allow a large one,
# but never an endless stream (/dev/zero) or a file that would not fit.
MAX_FILE_BYTES = 1 << 30


def read_bytes(path: Path, error: type[Exception], limit: int = MAX_FILE_BYTES) -> bytes:
    """A regular file's bytes, at most ``limit``; ``error`` names the file and what is wrong.

    The file is opened without blocking and checked to be a regular file before a
    byte is read, so a FIFO, a device or /proc entry is refused at once instead of
    blocking forever or streaming without end.
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as e:
        raise error(f"{path}: cannot read the file ({e.strerror or e})") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise error(f"{path} is a folder, not a file")
        if not stat.S_ISREG(st.st_mode):
            raise error(f"{path} is not a regular file (a pipe, device or special file)")
        if st.st_size > limit:
            raise error(f"{path} is too large ({st.st_size:,} bytes; at most {limit:,} are read)")
    except BaseException:
        os.close(fd)
        raise
    with os.fdopen(fd, "rb") as f:
        try:
            raw = f.read(limit + 1)
        except OSError as e:
            raise error(f"{path}: cannot read the file ({e.strerror or e})") from None
        except MemoryError:
            raise error(f"{path} is too large to read into memory") from None
    if len(raw) > limit:  # it grew while being read
        raise error(f"{path} is too large (more than {limit:,} bytes)")
    return raw


def read_text(path: Path, error: type[Exception], limit: int = MAX_FILE_BYTES) -> str:
    """A file's text, UTF-8 with or without BOM, read as :func:`read_bytes` does."""
    raw = read_bytes(path, error, limit)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise error(f"{path}: not a text file (not UTF-8)") from None


def field(d: Any, key: str, where: str) -> Any:
    if not isinstance(d, dict):
        raise FileFormatError(f"{where} must be a JSON object")
    if key not in d:
        raise FileFormatError(f"{where} is missing {key!r}")
    return d[key]


def number_array(value: Any, shape: tuple[int, ...], where: str) -> np.ndarray:
    """A finite float array of exactly ``shape`` from nested JSON lists."""

    def check(v: Any, depth: int, path: str) -> None:
        if depth == len(shape):
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                raise FileFormatError(f"{path} must be a number, not {type(v).__name__}")
            if not math.isfinite(v):
                raise FileFormatError(f"{path} is not a finite number")
            return
        if not isinstance(v, list):
            raise FileFormatError(f"{path} must be a list")
        if len(v) != shape[depth]:
            raise FileFormatError(f"{path} has {len(v)} entries, expected {shape[depth]}")
        for i, item in enumerate(v):
            check(item, depth + 1, f"{path}[{i}]")

    check(value, 0, where)
    return np.array(value, dtype=np.float64).reshape(shape)


def string_list(value: Any, where: str, length: int | None = None) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise FileFormatError(f"{where} must be a list of strings")
    if length is not None and len(value) != length:
        raise FileFormatError(f"{where} has {len(value)} names, expected {length}")
    return tuple(value)


def check_format(d: Any, fmt: str, current: int, what: str) -> int:
    """The file's format version, after checking it is an mlpviz ``what`` file
    that this version can read (a newer format is refused, not guessed at)."""
    if not isinstance(d, dict) or d.get("format") != fmt:
        raise FileFormatError(f'not an mlpviz {what} file (expected "format": "{fmt}")')
    version = field(d, "version", f"the {what}")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise FileFormatError(f"bad format version {version!r:.40}")
    if version > current:
        raise FileFormatError(
            f"written by a newer mlpviz (format {version}); this version reads up to {current}"
        )
    return version
