"""A saved session's worth of training: the data, network, settings and the trainer's state.

The training state is :meth:`Trainer.state_dict` (see
:mod:`mlpviz.engine.trainer_state`): rewinding keeps one so Undo can put the
dropped epochs back, and a session file is one of these plus the data,
network and settings.
"""

from __future__ import annotations

from dataclasses import dataclass

from mlpviz.data.problem import Problem
from mlpviz.engine.settings import NetworkSpec, TrainingSettings


@dataclass(frozen=True)
class TrainingState:
    """Everything needed to save and later resume a session (copies).

    ``state`` is the trainer's :meth:`~mlpviz.engine.trainer.Trainer.state_dict`.
    """

    problem: Problem
    spec: NetworkSpec
    settings: TrainingSettings
    state: dict
    runs: tuple = ()  # kept RunRecords, saved with the session (mlpviz.io.session_runs)
