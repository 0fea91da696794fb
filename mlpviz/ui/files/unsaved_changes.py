"""What "unsaved changes" means for a session: the training state the views
show, the data or the settings differ from what the session file holds, the
undo stack is not at its clean index, the kept runs were renamed, checked,
pinned, added or deleted, or the session was restored from an
autosave and is saved nowhere else yet.

Training states are compared by :func:`state_key` (layer sizes, epoch, step
count and the parameters' exact bytes), so a save is clean exactly when the
file holds the numbers the views show.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def runs_key(runs: Any) -> tuple:
    """What "the same kept runs" means: their names, checks, pins and lengths, in order."""
    return tuple((r.name, r.shown, r.pinned, r.epochs) for r in runs)


def state_key(sizes: Any, epoch: int, steps: int, params: Any) -> tuple:
    """What "the same training state" means for unsaved-changes tracking."""
    return (tuple(sizes), int(epoch), int(steps), np.asarray(params, dtype=np.float64).tobytes())


class UnsavedChanges:
    """The state last saved or opened, and the state the views show now."""

    def __init__(self, problem: Any, spec: Any, settings: Any) -> None:
        self.baseline: tuple | None = None  # the training state last saved or opened
        self.latest: tuple | None = None  # the training state the views show now
        self.config = (problem, spec, settings)  # ... and its data and settings
        self.restored = False  # restored from an autosave: saved nowhere yet
        self.runs_saved: tuple = ()  # the kept runs the file holds (runs_key)
        self.runs_now: tuple = ()  # ... and those the Runs dock shows

    def seen(self, snap: Any) -> None:
        """The views now show ``snap``; a new window's first state counts as saved."""
        self.latest = state_key(snap.layer_sizes, snap.epoch, snap.steps, snap.params)
        if self.baseline is None:
            self.baseline = self.latest

    def saved(self, loaded: Any) -> None:
        """``loaded`` (a LoadedSession or a TrainingState) is what the file now holds."""
        p, st = loaded.problem, loaded.state
        sizes = loaded.spec.layer_sizes(len(p.input_names), len(p.target_names))
        self.baseline = state_key(sizes, st["epoch"], st["steps"], st["params"])
        self.config = (p, loaded.spec, loaded.settings)
        self.runs_saved = self.runs_now = runs_key(getattr(loaded, "runs", ()))

    def differ(self, problem: Any, spec: Any, settings: Any, undo_clean: bool) -> bool:
        """True when the session (its data, spec, settings, state) is not what was saved."""
        saved_problem, saved_spec, saved_settings = self.config
        return (
            self.restored
            or (self.latest is not None and self.latest != self.baseline)
            or not undo_clean
            or self.runs_now != self.runs_saved
            or problem is not saved_problem
            or spec != saved_spec
            or settings != saved_settings
        )
