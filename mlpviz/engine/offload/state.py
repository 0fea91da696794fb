"""A trainer's state as offload messages: the whole of it out, what changed back.

The app hands a :class:`Trainer` to its training process with
:func:`start_message`; the process rebuilds it (:func:`build_trainer`) and
reports, every few hundredths of a second, what its training changed
(:func:`progress_message`): the counters, the weights, the optimizer's state,
the random generator, the losses logged since the last report and the
weight-history rows recorded since then. The app
applies each report to its own trainer (:func:`apply_progress`), which then
equals the process's trainer at that moment, bit for bit — so the views, a
pause or an edit see exactly what training in the app would have produced.

Any optimizer, penalty, dropout or batch size crosses, but only small jobs
are worth sending: :func:`offloadable` says which (every start sends the
data and the weight history).
"""

from __future__ import annotations

from dataclasses import asdict

import numpy as np

from mlpviz.engine.history import WeightHistory
from mlpviz.engine.mlp import MLP
from mlpviz.engine.schedules import Schedule
from mlpviz.engine.trainer import Trainer

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
    """Everything the training process needs to go on from where ``t`` is."""
    m = t.mlp
    hp, he, stride = t.history.state()
    header = {
        "kind": "start",
        "layer_sizes": list(m.layer_sizes),
        "activations": list(m.activation_names[:-1]),
        "output": m.output_activation,
        "loss": m.loss,
        "learning_rate": t.base_learning_rate,
        "schedule": asdict(t.schedule),
        "shuffle": bool(t.shuffle),
        "batch_size": t.batch_size,
        "optimizer": t.optimizer.name,
        "optimizer_options": dict(t.optimizer.options),
        "penalties": [t.l1, t.l2, t.dropout],
        "capacity": t.history.capacity,
        "stride": stride,
        "limit": limit,
        "target_loss": target_loss,
        "interval": interval,
        **_counters(t),
    }
    arrays = {"params": m.params, "X": t.X, "Z": t.Z, "order": t.order}
    arrays.update(history_params=hp, history_epochs=he)
    arrays.update(_last_step(t))
    arrays.update(_optimizer_arrays(t))
    if t.X_test is not None:
        arrays.update(X_test=t.X_test, Z_test=t.Z_test)
    return header, arrays


def build_trainer(header: dict, arrays: dict) -> Trainer:
    """The trainer a :func:`start_message` describes (in the training process)."""
    mlp = MLP(
        header["layer_sizes"],
        hidden_activation=header["activations"],
        output_activation=header["output"],
        loss=header["loss"],
    )
    mlp.set_params(arrays["params"])
    t = Trainer(
        mlp,
        arrays["X"],
        arrays["Z"],
        learning_rate=header["learning_rate"],
        batch_size=header["batch_size"],
        optimizer=header["optimizer"],
        optimizer_options=header["optimizer_options"],
        schedule=Schedule(**header["schedule"]),
        shuffle=header["shuffle"],
        l1=header["penalties"][0],
        l2=header["penalties"][1],
        dropout=header["penalties"][2],
        X_test=arrays.get("X_test"),
        Z_test=arrays.get("Z_test"),
    )
    _load_optimizer(t, header, arrays)
    history = LoggedHistory(mlp.n_params, header["capacity"])
    history.load_state(arrays["history_params"], arrays["history_epochs"], header["stride"])
    t.history = history
    _set_counters(t, header)
    t.order = arrays["order"]
    _set_last_step(t, header, arrays)
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
    """What ``t`` changed since the last report; forgets it (it has been sent)."""
    h: LoggedHistory = t.history
    rows = h.new_rows
    arrays = {
        "params": t.mlp.params,
        "before_last": t._before_last,
        "order": t.order,
        "losses": np.asarray(t.loss_history, dtype=float),
        "penalties": np.asarray(t.penalty_history, dtype=float),
        "tests": np.asarray(t.test_loss_history, dtype=float),
        "row_epochs": np.array([e for e, _ in rows], dtype=np.int64),
        "row_params": np.array([p for _, p in rows]).reshape(len(rows), t.mlp.n_params),
    }
    arrays.update(_last_step(t))
    arrays.update(_optimizer_arrays(t))
    header = {"kind": kind, "stride": h.stride, "rows": len(h), **_counters(t), **extra}
    # Sent: the process keeps only what the app has not seen yet.
    t.loss_history.clear()
    t.penalty_history.clear()
    t.test_loss_history.clear()
    h.new_rows = []
    return header, arrays


def apply_progress(t: Trainer, header: dict, arrays: dict) -> None:
    """Bring the app's ``t`` to where the training process's trainer was."""
    t.mlp.set_params(arrays["params"])
    _set_counters(t, header)
    t.order = arrays["order"]
    _set_last_step(t, header, arrays)
    _load_optimizer(t, header, arrays)
    t.loss_history.extend(arrays["losses"].tolist())
    t.penalty_history.extend(arrays["penalties"].tolist())
    t.test_loss_history.extend(arrays["tests"].tolist())
    for epoch, params in zip(arrays["row_epochs"].tolist(), arrays["row_params"]):
        t.history.record(epoch, params)
    if t.history.stride != header["stride"] or len(t.history) != header["rows"]:
        raise ValueError("the weight history diverged from the training process's")


def _last_step(t: Trainer) -> dict:
    """What the views show of the last step: the weights before it, its rows, its gradient."""
    out = {"before_last": t._before_last}
    rows = t._last_rows
    if isinstance(rows, slice):  # rows in file order: a slice, not indices
        rows = np.arange(rows.start, rows.stop)
    if rows is not None:
        out["last_rows"] = np.asarray(rows, dtype=np.int64)
    if t._last_gradient is not None:  # made with dropout's masks: not to be worked out again
        out["last_gradient"] = t._last_gradient
    return out


def _set_last_step(t: Trainer, header: dict, arrays: dict) -> None:
    t.last_batch_loss = header["last_batch_loss"]
    t._before_last = arrays["before_last"].copy()
    t._last_rows = arrays.get("last_rows")
    # None: worked out again from the above when asked for, as training leaves it.
    t._last_gradient = arrays.get("last_gradient")


def _optimizer_arrays(t: Trainer) -> dict:
    return {f"optimizer.{k}": v for k, v in t.optimizer.state.items()}


def _load_optimizer(t: Trainer, header: dict, arrays: dict) -> None:
    state = {k[len("optimizer.") :]: v for k, v in arrays.items() if k.startswith("optimizer.")}
    t.optimizer.load_state_dict({"t": header["optimizer_t"], "state": state})


def _counters(t: Trainer) -> dict:
    return {
        "epoch": t.epoch,
        "position": t.position,
        "steps": t.steps,
        "evaluations": dict(t.evaluations),
        "rng": t._rng.bit_generator.state,
        "optimizer_t": t.optimizer.t,
        "last_batch_loss": t.last_batch_loss,
    }


def _set_counters(t: Trainer, header: dict) -> None:
    t.epoch, t.position, t.steps = header["epoch"], header["position"], header["steps"]
    t.evaluations.update(header["evaluations"])
    t._rng.bit_generator.state = header["rng"]
