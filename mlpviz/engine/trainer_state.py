"""A trainer's whole state as one dict: what :meth:`Trainer.state_dict` gives and takes.

The dict holds plain Python and NumPy values only (copies, never the
trainer's own arrays):

- ``settings``: the constructor's keyword arguments as the trainer holds them
  (``learning_rate`` is the base rate, ``schedule`` a dict); see
  :func:`trainer_kwargs`. They describe the run; loading never applies them.
- ``params``: the network's flat parameters.
- ``epoch``, ``position``, ``steps``, ``evaluations``: the counters.
- ``losses``, ``penalties``, ``tests``: the per-epoch histories (lists).
- ``order``: the epoch's row order; ``rng``: the random generator's state
  (shuffling and dropout draw from it).
- ``optimizer``: the optimizer's state dict, buffers as arrays.
- ``before_last``, ``last_rows``, ``last_gradient``, ``last_batch_loss``: the
  last step, as the views show it (rows as indices; the gradient None when it
  is worked out again on demand).
- ``history``: the weight history as ``(params, epochs, stride)``, None when
  the trainer keeps none.

Loading restores every key present and keeps the trainer's own value for
every key absent, so partial states apply too (an old session without the
generator's state, a run carried on under another optimizer).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

import numpy as np

from mlpviz.engine.history import WeightHistory
from mlpviz.engine.schedules import Schedule

# The record a trainer without one gets when a state brings a weight history
# (WeightHistory's own default), or as many rows as the state holds.
HISTORY_CAPACITY = 2048


def trainer_kwargs(settings: Mapping[str, Any]) -> dict[str, Any]:
    """The constructor's keywords from a state's ``settings``: with them,
    ``Trainer(mlp, X, Z, **trainer_kwargs(d["settings"]))`` is built as ``d``'s was."""
    return {**settings, "schedule": Schedule(**settings["schedule"])}


def state_dict(tr, history: bool = True) -> dict:
    """``tr``'s state (see the module's docstring); without ``history`` that key is left out."""
    rows = tr._last_rows
    if isinstance(rows, slice):  # a batch in file order is a slice of the rows
        rows = np.arange(rows.start, rows.stop)
    gradient = tr._last_gradient
    d = {
        "settings": {
            "learning_rate": tr.base_learning_rate,
            "batch_size": tr.batch_size,
            "optimizer": tr.optimizer.name,
            "optimizer_options": dict(tr.optimizer.options),
            "shuffle": bool(tr.shuffle),
            "seed": tr.seed,
            "schedule": asdict(tr.schedule),
            "l1": tr.l1,
            "l2": tr.l2,
            "dropout": tr.dropout,
        },
        "params": tr.mlp.params.copy(),
        "epoch": tr.epoch,
        "position": tr.position,
        "steps": tr.steps,
        "evaluations": dict(tr.evaluations),
        "losses": list(tr.loss_history),
        "penalties": list(tr.penalty_history),
        "tests": list(tr.test_loss_history),
        "loss_archive": tr.loss_archive.state(),
        "order": tr.order.copy(),
        "rng": tr._rng.bit_generator.state,
        "optimizer": tr.optimizer.state_dict(lists=False),
        "before_last": tr._before_last.copy(),
        "last_rows": None if rows is None else np.array(rows, dtype=np.int64),
        # Made with dropout's masks, so it cannot always be worked out again from the rows.
        "last_gradient": None if gradient is None else gradient.copy(),
        "last_batch_loss": tr.last_batch_loss,
    }
    if history:
        d["history"] = None if tr.history is None else tr.history.state()
    return d


def load_state_dict(tr, d: Mapping) -> None:
    """Bring ``tr`` (same architecture) to the point ``d`` describes; absent keys are kept."""
    if "params" in d:
        tr.mlp.set_params(d["params"])
    for key in ("epoch", "position", "steps"):
        if key in d:
            setattr(tr, key, int(d[key]))
    if "evaluations" in d:
        tr.evaluations.update(d["evaluations"])
    for key, mine in (
        ("losses", tr.loss_history),
        ("penalties", tr.penalty_history),
        ("tests", tr.test_loss_history),
    ):
        if key in d:
            mine[:] = [float(v) for v in d[key]]
    if "losses" in d:
        # Lists without an archive are a whole run's (files of format < 4).
        if d.get("loss_archive") is None:
            tr.loss_archive.clear()
        else:
            tr.loss_archive.load(d["loss_archive"])
        tr.fold_losses()
    if "order" in d:
        tr.order = np.array(d["order"], dtype=np.int64)
    if "rng" in d:
        tr._rng.bit_generator.state = d["rng"]
    if "optimizer" in d:
        tr.optimizer.load_state_dict(d["optimizer"])
    if "before_last" in d:
        tr._before_last = np.array(d["before_last"], dtype=np.float64)
    if "last_rows" in d:
        rows = d["last_rows"]
        tr._last_rows = None if rows is None else np.array(rows, dtype=np.int64)
    if "last_gradient" in d:
        g = d["last_gradient"]
        tr._last_gradient = None if g is None else np.array(g, dtype=np.float64)
    if "last_batch_loss" in d:
        tr.last_batch_loss = d["last_batch_loss"]
    if "history" in d:
        _load_history(tr, d["history"])


def _load_history(tr, state: tuple | None) -> None:
    if state is None:
        tr.history = None
        return
    params, epochs, stride = state
    if tr.history is None:
        tr.history = WeightHistory(tr.mlp.n_params, max(HISTORY_CAPACITY, len(epochs)))
    tr.history.load_state(
        np.asarray(params, dtype=np.float64), np.asarray(epochs, dtype=np.int64), stride
    )
