"""SessionActions built beside a window, as tests of sessions and quitting need them."""

from __future__ import annotations

from pathlib import Path

from mlpviz.ui.files.session_actions import SessionActions


def side_actions(window, autosave_path: Path, interval_ms: int = 60_000) -> SessionActions:
    """A SessionActions for ``window``'s session, autosaving to ``autosave_path``."""
    return SessionActions(
        window,
        window.session,
        window.undo,
        banner=window.banner,
        store=window.store,
        status_bar=window.statusBar(),
        show_settings=window.settings_panel.set_values,
        set_title=window.setWindowTitle,
        autosave_path=autosave_path,
        autosave_interval_ms=interval_ms,
    )
