"""A trainer's state as offload messages: the whole of it out, what changed back.

The app hands a :class:`Trainer` to its training process with
:func:`start_message`; the process rebuilds it (:func:`build_trainer`) and
reports, every few hundredths of a second, what its training changed
(:func:`progress_message`): its :meth:`Trainer.state_dict` less what cannot
change (the settings), with the losses logged since the last report and the
weight-history rows recorded since then in place of the whole histories. The app
applies each report to its own trainer (:func:`apply_progress`), which then
equals the process's trainer at that moment, bit for bit — so the views, a
pause or an edit see exactly what training in the app would have produced.

Any optimizer, penalty, dropout or batch size crosses, but only small jobs
are worth sending: :func:`offloadable` says which (every start sends the
data and the weight history).
"""

from __future__ import annotations

import numpy as np

from mlpviz.engine.history import WeightHistory
from mlpviz.engine.loss_archive import SERIES
from mlpviz.engine.mlp import MLP
from mlpviz.engine.trainer import Trainer
from mlpviz.engine.trainer_state import trainer_kwargs

# Above this many rows an epoch of the pure-Python kernel takes too long to
# keep a pause waiting: such data train step by step (here and in the app).
FAST_ROWS = 5000
# Bytes of data and weight history a start may send (a few milliseconds).
MAX_START_BYTES = 16 << 20


def offloadable(t: Trainer) -> bool:
    if t.history is None:
        return False
    sent = [t.X, t.Z, t.history.params]
    if t.X_test is not None:
        sent += [t.X_test, t.Z_test]
    return sum(a.nbytes for a in sent) <= MAX_START_BYTES


def start_message(
    t: Trainer, limit: int | None, target_loss: float | None, interval: float
) -> tuple[dict, dict]:
    """Everything the training process needs to go on from where ``t`` is.

    The trainer's :meth:`~Trainer.state_dict` without the loss histories: the
    process starts with none and reports only the losses it adds.
    """
    m = t.mlp
    state = t.state_dict()
    for key in _SENT_AS_NEW:
        del state[key]
    fields, arrays = _pack(state)
    header = {
        "kind": "start",
        "layer_sizes": list(m.layer_sizes),
        "activations": list(m.activation_names[:-1]),
        "output": m.output_activation,
        "loss": m.loss,
        "capacity": t.history.capacity,
        "limit": limit,
        "target_loss": target_loss,
        "interval": interval,
        **fields,
    }
    arrays.update(X=t.X, Z=t.Z)
    if t.X_test is not None:
        arrays.update(X_test=t.X_test, Z_test=t.Z_test)
    return header, arrays


def build_trainer(header: dict, arrays: dict) -> Trainer:
    """The trainer a :func:`start_message` describes (in the training process)."""
    state = _unpack(header, arrays)
    mlp = MLP(
        header["layer_sizes"],
        hidden_activation=header["activations"],
        output_activation=header["output"],
        loss=header["loss"],
    )
    t = Trainer(
        mlp,
        arrays["X"],
        arrays["Z"],
        X_test=arrays.get("X_test"),
        Z_test=arrays.get("Z_test"),
        **trainer_kwargs(state["settings"]),
    )
    t.history = LoggedHistory(mlp.n_params, header["capacity"])
    t.load_state_dict(state)
    # Each report clears the loss lists (the app logs and folds them).
    t.recent_epochs = None
    return t


class LoggedHistory(WeightHistory):
    """A weight history that also keeps the rows it stored since the last report.

    Replaying those rows through :meth:`WeightHistory.record`, in order, makes
    another history identical to this one: which rows a record keeps and when
    it thins them depend only on the rows it stored before.
    """

    def __init__(self, n_params: int, capacity: int) -> None:
        super().__init__(n_params, capacity)
        self.new_rows: list[tuple[int, np.ndarray]] = []

    def record(self, epoch: int, params) -> None:
        super().record(epoch, params)
        if len(self) and self.epochs[-1] == epoch:
            self.new_rows.append((epoch, np.array(params, dtype=float)))


def progress_message(t: Trainer, kind: str = "progress", **extra) -> tuple[dict, dict]:
    """What ``t`` changed since the last report; forgets it (it has been sent).

    The trainer's state dict without what never changes (the settings, the
    optimizer's name and options) and without the weight history, whose rows
    recorded since the last report go instead; the loss histories hold only
    what was logged since then, as the process clears them at each report.
    """
    h: LoggedHistory = t.history
    rows = h.new_rows
    state = t.state_dict(history=False)
    del state["settings"]
    fields, arrays = _pack(state)
    arrays["row_epochs"] = np.array([e for e, _ in rows], dtype=np.int64)
    arrays["row_params"] = np.array([p for _, p in rows]).reshape(len(rows), t.mlp.n_params)
    header = {"kind": kind, **fields, "stride": h.stride, "rows": len(h), **extra}
    # Sent: the process keeps only what the app has not seen yet.
    t.loss_history.clear()
    t.penalty_history.clear()
    t.test_loss_history.clear()
    h.new_rows = []
    return header, arrays


def apply_progress(t: Trainer, header: dict, arrays: dict) -> None:
    """Bring the app's ``t`` to where the training process's trainer was."""
    state = _unpack(header, arrays)
    new = [state.pop(key).tolist() for key in _SENT_AS_NEW]
    t.load_state_dict(state)
    t.log_losses(*new)
    for epoch, params in zip(arrays["row_epochs"].tolist(), arrays["row_params"]):
        t.history.record(epoch, params)
    if t.history.stride != header["stride"] or len(t.history) != header["rows"]:
        raise ValueError("the weight history diverged from the training process's")


# The loss histories: a report carries the entries logged since the last one.
_SENT_AS_NEW = SERIES
# How a state dict crosses (see mlpviz.engine.trainer_state for its keys):
# these in the JSON header, these as arrays, the optimizer's step count as
# "optimizer_t" and its buffers as "optimizer.<name>" arrays, the weight
# history as "history_params", "history_epochs" and "stride".
_HEADER_KEYS = ("settings", "epoch", "position", "steps", "evaluations", "rng", "last_batch_loss")
_ARRAY_KEYS = ("params", "order", "before_last", *_SENT_AS_NEW)
_OPTIONAL_ARRAYS = ("last_rows", "last_gradient")  # not sent: None


def _pack(state: dict) -> tuple[dict, dict[str, np.ndarray]]:
    """A state dict as header fields and arrays (the optimizer's name and options,
    which its settings hold, are left out)."""
    header = {k: state[k] for k in _HEADER_KEYS if k in state}
    arrays = {k: np.asarray(state[k]) for k in _ARRAY_KEYS if k in state}
    arrays.update({k: state[k] for k in _OPTIONAL_ARRAYS if state[k] is not None})
    header["optimizer_t"] = state["optimizer"]["t"]
    arrays.update({f"optimizer.{k}": v for k, v in state["optimizer"]["state"].items()})
    if "history" in state:
        arrays["history_params"], arrays["history_epochs"], header["stride"] = state["history"]
    return header, arrays


def _unpack(header: dict, arrays: dict[str, np.ndarray]) -> dict:
    """The state dict :func:`_pack` sent (the message's other fields are ignored)."""
    state = {k: header[k] for k in _HEADER_KEYS if k in header}
    state.update({k: arrays[k] for k in _ARRAY_KEYS if k in arrays})
    state.update({k: arrays.get(k) for k in _OPTIONAL_ARRAYS})
    buffers = {k[len("optimizer.") :]: v for k, v in arrays.items() if k.startswith("optimizer.")}
    state["optimizer"] = {"t": header["optimizer_t"], "state": buffers}
    if "history_params" in arrays:
        state["history"] = (arrays["history_params"], arrays["history_epochs"], header["stride"])
    return state
