"""Session files (``.mlpviz``): a whole training session, to close now and resume later.

JSON, versioned, human-readable: :mod:`mlpviz.io.session_write` lays a session
out, :mod:`mlpviz.io.session_read` validates one read back. Here are the
files themselves: writes are atomic, and every way a file can be unreadable
(missing, empty, cut short, not JSON, a field wrong) raises
:class:`SessionFileError` naming the file and the field.
"""

from __future__ import annotations

import json
from pathlib import Path

from mlpviz.io.atomic import write_text_atomic
from mlpviz.io.session_checks import _find_nonfinite
from mlpviz.io.session_read import LoadedSession, session_from_dict
from mlpviz.io.session_write import TrainingStateLike, session_json, session_to_dict
from mlpviz.io.validate import FileFormatError, read_text

SUFFIX = ".mlpviz"

# Errors a malformed file can provoke deep in validation; all become SessionFileError.
_CONTENT_ERRORS = (ValueError, TypeError, KeyError, IndexError, OverflowError, AttributeError)


class SessionFileError(FileFormatError):
    """A session file cannot be read or written; the message names the file and the field."""


def save_session(
    path: str | Path,
    training_state: TrainingStateLike,
    dataset_mode: str = "embed",
    source_path: str | Path | None = None,
    name: str | None = None,
) -> None:
    """Write ``training_state`` to ``path`` atomically.

    ``dataset_mode`` "embed" stores a copy of the data; "reference" stores
    ``source_path`` (the CSV the data came from) and its checksum. ``name``
    defaults to the problem's name. Raises SessionFileError if the state
    cannot be written faithfully (a non-finite number, a reference to a file
    holding other data); OSError if the file cannot be written.
    """
    path = Path(path)
    try:
        d = session_to_dict(training_state, dataset_mode, source_path, name, path.parent)
    except (FileFormatError, ValueError) as e:
        raise SessionFileError(f"{path}: cannot save: {e}") from None
    bad = _find_nonfinite(d, "")
    if bad:
        raise SessionFileError(f"{path}: cannot save: {bad} is not a finite number")
    write_text_atomic(path, session_json(d) + "\n")


def load_session(path: str | Path) -> LoadedSession:
    """Read and validate a session file; raises :class:`SessionFileError` naming what is wrong."""
    path = Path(path)
    text = read_text(path, SessionFileError)
    if not text.strip():
        raise SessionFileError(f"{path}: the file is empty")
    try:
        d = json.loads(text)
    except json.JSONDecodeError as e:
        # Cut short: the error is at the very end, or in a string never closed.
        ends = e.pos >= len(text.rstrip()) or (
            e.msg.startswith("Unterminated string") and '"' not in text[e.pos + 1 :]
        )
        why = "the file ends too early (truncated?)" if ends else f"{e.msg} (edited by hand?)"
        raise SessionFileError(
            f"{path}: not valid JSON at line {e.lineno}, column {e.colno}: {why}"
        ) from None
    except (RecursionError, ValueError) as e:  # nested too deeply, an int of 5000 digits
        raise SessionFileError(f"{path}: not valid JSON ({e or 'nested too deeply'})") from None
    try:
        return session_from_dict(d, path.parent)
    except FileFormatError as e:
        raise SessionFileError(f"{path}: {e}") from None
    except (*_CONTENT_ERRORS, RuntimeError, RecursionError) as e:
        # Anything the explicit checks did not foresee still names the file.
        raise SessionFileError(f"{path}: invalid content ({type(e).__name__}: {e})") from None
