"""The whole state of a training run, copied out of and back into a Trainer.

Rewinding keeps one of these so Undo can put the dropped epochs back, and a
saved session is one of these plus the data, network and settings.
"""

from __future__ import annotations

from dataclasses import dataclass

from mlpviz.data.problem import Problem
from mlpviz.engine import Trainer
from mlpviz.engine.settings import NetworkSpec, TrainingSettings


@dataclass(frozen=True)
class TrainingState:
    """Everything needed to save and later resume a session (copies).

    ``state`` holds: params, epoch, position, steps, losses, penalties, tests,
    history (params, epochs, stride), optimizer (its state_dict) and order.
    """

    problem: Problem
    spec: NetworkSpec
    settings: TrainingSettings
    state: dict


def checkpoint(t: Trainer) -> dict:
    """Everything a rewind drops, copied, so that undo can put it back."""
    return {
        "params": t.mlp.params.copy(),
        "epoch": t.epoch,
        "position": t.position,
        "steps": t.steps,
        "losses": list(t.loss_history),
        "penalties": list(t.penalty_history),
        "tests": list(t.test_loss_history),
        "history": t.history.state(),
        "optimizer": t.optimizer.state_dict(),
        "order": t.order.copy(),
    }


def restore(t: Trainer, c: dict) -> None:
    """Put a :func:`checkpoint` back into ``t`` (same architecture)."""
    t.mlp.set_params(c["params"])
    t.epoch, t.position, t.steps = c["epoch"], c["position"], c["steps"]
    t.loss_history[:] = c["losses"]
    t.penalty_history[:] = c["penalties"]
    t.test_loss_history[:] = c["tests"]
    t.history.load_state(*c["history"])
    # None: keep the trainer's own (a new optimizer's fresh state, a new order).
    if c["optimizer"] is not None:
        t.optimizer.load_state_dict(c["optimizer"])
    if c["order"] is not None:
        t.order = c["order"]
