"""The graph's +/− buttons applied: other hidden layers at once, undoable, the panel following.

A click on a +/− (:class:`~mlpviz.ui.graph.layer_controls.LayerControls`)
becomes a :class:`ResizeNetworkCommand` on the window's undo stack. Its redo
asks the worker for the new hidden layers keeping every weight whose place
still exists (:mod:`mlpviz.engine.resize`; new weights as the network's
initialisation draws them, so the result equals building it in the settings
panel and copying the kept weights in); its undo puts back the previous
network with the weights it had when the button was clicked. No "Rebuild"
is needed: the settings panel is shown the network that now trains.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtGui import QUndoCommand, QUndoStack

from mlpviz.engine.settings import NetworkSpec
from mlpviz.engine.spec_rules import default_init, tutorial_refusal
from mlpviz.ui.graph.layer_controls import Change, LayerControls
from mlpviz.ui.shell.panel_sync import PanelSync
from mlpviz.ui.shell.settings_panel import MAX_LAYERS, SettingsPanel
from mlpviz.ui.shell.settings_widgets import MAX_NEURONS
from mlpviz.ui.training.session import Session

__all__ = ["NetworkResizer", "ResizeNetworkCommand", "changed_spec"]

Resize = Callable[[NetworkSpec, "np.ndarray | None"], None]


def changed_spec(spec: NetworkSpec, change: Change, n_in: int, n_out: int) -> NetworkSpec:
    """``spec`` with ``change`` made to its hidden layers.

    A new hidden layer takes the last one's size and activation (3 sigmoid
    neurons when there is none). The tutorial's printed weights exist for
    the 2-3-1 shape only; for another shape the initialisation the settings
    panel falls back to is used (He for rectifiers, Xavier otherwise).
    Raises ValueError for a change outside the panel's limits.
    """
    hidden, acts = list(spec.hidden), list(spec.activations())
    if change.kind == "neuron":
        k = change.layer - 1
        if not 0 <= k < len(hidden):
            raise ValueError(f"there is no hidden layer {change.layer}")
        hidden[k] += change.delta
        if not 1 <= hidden[k] <= MAX_NEURONS:
            raise ValueError(f"a hidden layer has 1 to {MAX_NEURONS} neurons")
    elif change.delta > 0:
        if len(hidden) >= MAX_LAYERS:
            raise ValueError(f"at most {MAX_LAYERS} hidden layers")
        hidden.append(hidden[-1] if hidden else 3)
        acts.append(acts[-1] if acts else "sigmoid")
    else:
        if not hidden:
            raise ValueError("there is no hidden layer to remove")
        hidden.pop()
        acts.pop()
    init = spec.init
    if init == "tutorial" and tutorial_refusal((n_in, *hidden, n_out)):
        init = default_init(tuple(acts))
    return NetworkSpec(
        hidden=tuple(hidden),
        hidden_activations=tuple(acts) or ("sigmoid",),
        output_activation=spec.output_activation,
        loss=spec.loss,
        init=init,
        seed=spec.seed,
    )


class ResizeNetworkCommand(QUndoCommand):
    """Redo: ``resize(new, None)`` (kept weights carried over by the worker);
    undo: ``resize(old, old_params)`` (the network as it was)."""

    def __init__(
        self,
        resize: Resize,
        old: NetworkSpec,
        old_params: np.ndarray,
        new: NetworkSpec,
        text: str,
        parent: QUndoCommand | None = None,
    ) -> None:
        super().__init__(text, parent)
        self._resize = resize
        self.old, self.new = old, new
        self.old_params = np.array(old_params, dtype=np.float64)

    def redo(self) -> None:
        self._resize(self.new, None)

    def undo(self) -> None:
        self._resize(self.old, self.old_params)


class NetworkResizer:
    """Turns the graph's +/− clicks into undoable resizes of the session's network."""

    def __init__(
        self,
        controls: LayerControls,
        session: Session,
        undo: QUndoStack,
        panel: SettingsPanel,
        panel_sync: PanelSync,
        warn: Callable[[str], object],
    ) -> None:
        self.session, self.undo, self.panel = session, undo, panel
        self.panel_sync, self.warn = panel_sync, warn
        controls.max_layers, controls.max_neurons = MAX_LAYERS, MAX_NEURONS
        controls.requested.connect(self.apply)

    def apply(self, change: Change) -> bool:
        """Push the undoable resize for ``change``; False (and a warning) if it cannot be made."""
        s = self.session
        snap = s.latest
        problem = s.problem
        n_in, n_out = len(problem.input_names), len(problem.target_names)
        if snap is None or tuple(snap.layer_sizes) != s.spec.layer_sizes(n_in, n_out):
            return False  # a rebuild is on its way; its network is not drawn yet
        self.panel.flush()  # training settings waiting in the panel go first
        try:
            spec = changed_spec(s.spec, change, n_in, n_out)
            spec.build(n_in, n_out)  # refused here, not in the worker
        except ValueError as e:
            self.warn(f"Cannot change the network: {e}")
            return False
        self.undo.push(
            ResizeNetworkCommand(self._resize, s.spec, snap.params, spec, change.describe())
        )
        return True

    def _resize(self, spec: NetworkSpec, params: np.ndarray | None) -> None:
        self.session.resize(spec, params)
        self.panel_sync.track()
