"""What the training worker sends the views, and when.

Snapshots leave at most every SNAPSHOT_INTERVAL while training runs, however
fast it goes, so the GUI's event loop is never flooded; the loss surfaces
(two-weight grid, PCA plane, line slice, output map) are recomputed every
SURFACE_INTERVAL, and only those on screen; the neuron maps ("maps", not
wanted until asked for) go out fresh with every snapshot while shown. While a run goes on, each
snapshot waits for the GUI to paint it (see :meth:`ViewFeed.wait_for_frame`).

Lives in the worker thread; only ``gui_idle`` is shared with the GUI thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import numpy as np

from mlpviz.data.problem import Problem
from mlpviz.engine import Trainer
from mlpviz.ui.training import surfaces
from mlpviz.ui.training.confusion import confusion
from mlpviz.ui.training.hidden_space import HiddenSpaceFeed
from mlpviz.ui.training.line_surface import line_slice_surface
from mlpviz.ui.training.measure import build_snapshot
from mlpviz.ui.training.neuron_maps import neuron_maps
from mlpviz.ui.training.snapshot import Snapshot

SNAPSHOT_INTERVAL = 1 / 25  # seconds between snapshots while running (≥ 20 view refreshes a second)
SURFACE_INTERVAL = 0.5  # seconds between loss-surface refreshes while running
FRAME_WAIT = 0.1  # longest pause for a GUI frame (seconds)
SURFACES = frozenset({"pair", "pca", "line", "output", "explain", "confusion", "hidden"})


class ViewFeed:
    """Builds and emits snapshots of a trainer, paced for the GUI."""

    def __init__(self, emit: Callable[[Snapshot], None]) -> None:
        self._emit = emit
        self.loss_sent = 0  # loss-history entries the views already have
        self.wanted = SURFACES  # what is on screen
        self.output_slice = None  # the output map's SliceOutput (None: the default slice)
        self._surfaces: dict = {}
        self.hidden = HiddenSpaceFeed()  # the hidden-space view's layer and basis
        self._last_snapshot = 0.0
        self._last_surface = 0.0
        # Set while the GUI is not drawing; cleared here when a snapshot goes
        # out and by the Session when it starts a frame, set again by the
        # Session once the frame is painted. Training waits for it between
        # chunks — see wait_for_frame.
        self.gui_idle = threading.Event()
        self.gui_idle.set()

    def forget(self) -> None:
        """A new network or data: nothing sent yet, no surface kept."""
        self.loss_sent = 0
        self._surfaces = {}

    def send(
        self,
        trainer: Trainer,
        problem: Problem,
        *,
        sample: int,
        pair: tuple[tuple, tuple] | None,
        classification: bool,
        running: bool,
        can_unrewind: bool,
        force: bool = False,
        surfaces: bool = False,
        loss_start: int | None = None,
        weights_edited: bool = False,
    ) -> None:
        """Emit a snapshot if one is due (always with ``force``).

        ``loss_start`` None sends the losses logged since the last snapshot;
        a number resends from there (after a rewind, a restored state).
        ``weights_edited``: see :func:`~mlpviz.ui.training.measure.build_snapshot`.
        """
        now = time.perf_counter()
        if not force and now - self._last_snapshot < SNAPSHOT_INTERVAL:
            return
        if force or now - self._last_surface >= SURFACE_INTERVAL:
            surfaces = True
        if surfaces:
            self._refresh_surfaces(trainer, problem, pair, classification)
            self._last_surface = now
        t = trainer
        start = min(self.loss_sent, t.epochs_logged) if loss_start is None else loss_start
        h = t.history
        snap = build_snapshot(
            t,
            sample,
            running=running,
            loss_start=start,
            weights_edited=weights_edited,
            confusion=self._surfaces.get("confusion"),
            hidden=self._surfaces.get("hidden"),
            pair=self._surfaces.get("pair"),
            pca=self._surfaces.get("pca"),
            line=self._surfaces.get("line"),
            output=self._surfaces.get("output"),
            # Cheap (one forward pass of a small grid): fresh in every snapshot.
            maps=neuron_maps(t.mlp, problem, classification) if "maps" in self.wanted else None,
            predictions=predictions(problem, t.mlp),
            history_epochs=h.epochs.copy(),
            history_nbytes=h.nbytes,
            history_stride=h.stride,
            can_unrewind=can_unrewind,
            # The written-out next step costs milliseconds on wide networks:
            # only while the inspector or the step-through is on screen.
            **({} if "explain" in self.wanted else {"explanation": None}),
        )
        self.loss_sent = t.epochs_logged
        self._last_snapshot = now
        if running:
            # The GUI will draw this snapshot: wait for it (see wait_for_frame),
            # from before it arrives, so not a line of the frame races training.
            self.gui_idle.clear()
        self._emit(snap)
        if running:
            self.wait_for_frame()

    def wait_for_frame(self) -> None:
        """Leave the GIL to the GUI while it draws a frame.

        Training in pure Python holds the GIL; the GUI needs it every time Qt
        calls back into Python (hundreds of times per frame), and each time it
        would wait a whole switch interval — a convoy that stretches a 10 ms
        frame to hundreds. So training stops while a frame is drawn (at most
        FRAME_WAIT, so a stuck GUI cannot stop training). Frames come ≤ 30
        times a second, so training keeps most of the time.
        """
        self.gui_idle.wait(FRAME_WAIT)

    def _refresh_surfaces(
        self, t: Trainer, problem: Problem, pair: tuple | None, classification: bool
    ) -> None:
        mlp, wanted = t.mlp, self.wanted
        # Surfaces nobody looks at keep their last value instead of being recomputed.
        out: dict = dict(self._surfaces)
        if pair is not None and "pair" in wanted:
            out["pair"] = surfaces.pair_surface(mlp, t.X, t.Z, t.history, *pair)
        if "pca" in wanted:
            out["pca"] = surfaces.pca_surface(mlp, t.X, t.Z, t.history, t.epoch)
        if "line" in wanted:
            out["line"] = line_slice_surface(mlp, t.X, t.Z, t.history, t.epoch)
        if "output" in wanted:
            out["output"] = surfaces.output_surface(mlp, problem, classification, self.output_slice)
        if "confusion" in wanted and classification:
            out["confusion"] = confusion(problem, mlp)
        if "hidden" in wanted:
            out["hidden"] = self.hidden.compute(mlp, problem, classification, t.epoch)
        self._surfaces = out


def predictions(problem: Problem, mlp) -> np.ndarray | None:
    """The network's outputs for every row, in the targets' units (small data only)."""
    if problem.n_rows > 5000:
        return None  # the data view asks for pages of big datasets on demand
    try:
        return problem.decode_targets(mlp.forward(problem.X).activations[-1])
    except ValueError:
        return None  # outputs too large to show in the target's units
