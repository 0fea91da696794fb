"""Where the autosave lives, and what happens to one that cannot be restored."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDir, QStandardPaths

from mlpviz.io.session_file import SUFFIX


def default_autosave_path() -> Path:
    """``autosave.mlpviz`` in the user's application data folder."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(folder or QDir.homePath()) / f"autosave{SUFFIX}"


def set_aside(path: Path) -> Path | None:
    """Rename an autosave that cannot be restored to a free ``…-unreadable-N`` name."""
    for n in range(1, 1000):
        target = path.with_name(f"{path.stem}-unreadable-{n}{path.suffix}")
        if not target.exists():
            try:
                path.rename(target)
            except OSError:
                return None
            return target
    return None
