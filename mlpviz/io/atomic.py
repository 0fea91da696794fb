"""Atomic file writes: a crash mid-save never leaves a half-written file.

Every error names the user's file (never the hidden temporary one), and a
temporary file left by a save that was killed is removed by a later save of
the same file once it is clearly abandoned.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
import time
from pathlib import Path

# A temporary file this much older than now belongs to a save that was killed:
# no save of ours takes minutes, so removing it cannot race a live writer.
STALE_SECONDS = 600.0


class SaveError(OSError):
    """A file could not be written; the message names the user's file and why."""

    def __str__(self) -> str:
        return str(self.strerror)


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, flush it to disk,
    then rename it over ``path`` (atomic on POSIX and Windows).

    Raises
    ------
    SaveError
        The file could not be written (no such folder, no permission, disk
        full…); ``path`` is left as it was.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    remove_stale_temps(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as e:
        raise _save_error(path, e) from None
    # mkstemp makes the file owner-only; give it the permissions a plain
    # open() would (0o666 less the umask), as users expect of saved files.
    mask = os.umask(0)
    os.umask(mask)
    try:
        with os.fdopen(fd, "wb") as f:
            os.chmod(tmp, 0o666 & ~mask)
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(e, OSError):
            raise _save_error(path, e) from None
        raise


def write_text_atomic(path: str | Path, text: str) -> None:
    """:func:`write_bytes_atomic` for text: UTF-8, line ends written as given."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as e:
        raise SaveError(
            errno.EINVAL,
            f"cannot save {path}: character {e.start} of the text cannot be written as "
            f"UTF-8 ({e.reason}, {text[e.start]!a})",
            str(path),
        ) from None
    write_bytes_atomic(path, data)


def remove_stale_temps(path: Path) -> None:
    """Remove temporary files of ``path`` that saves killed mid-write left behind."""
    folder = path.parent if str(path.parent) else Path(".")
    cutoff = time.time() - STALE_SECONDS
    with contextlib.suppress(OSError):
        for tmp in folder.glob(f".{glob_escape(path.name)}.*.tmp"):
            with contextlib.suppress(OSError):
                if tmp.is_file() and tmp.stat().st_mtime < cutoff:
                    tmp.unlink()


def glob_escape(name: str) -> str:
    """``name`` with glob's special characters taken literally."""
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


def _save_error(path: Path, e: OSError) -> SaveError:
    reason = e.strerror or str(e)
    return SaveError(e.errno or errno.EIO, f"cannot save {path}: {reason}", str(path))
