"""Trainer.state_dict / load_state_dict: a restored trainer trains on with the same bits."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest

from mlpviz.engine.history import WeightHistory
from mlpviz.engine.mlp import MLP
from mlpviz.engine.optimizers import OPTIMIZERS
from mlpviz.engine.schedules import Schedule
from mlpviz.engine.trainer import Trainer
from mlpviz.engine.trainer_state import trainer_kwargs

RNG = np.random.default_rng(5)
X = RNG.uniform(-1, 1, (23, 3))
Z = np.column_stack([np.sin(X.sum(axis=1)), np.cos(X[:, 0])]) * 0.4 + 0.5
X_TEST, Z_TEST = X[:5] * 0.9, Z[:5]

# (batch size, shuffle, dropout, l1, l2, schedule): file order and shuffled,
# per-sample (the fast path for plain SGD) and batches (the batch path), with
# and without the settings that take the generic step.
SETUPS = {
    "per-sample": (1, False, 0.0, 0.0, 0.0, Schedule()),
    "shuffled-batches": (4, True, 0.0, 0.0, 0.0, Schedule("step", gamma=0.5, every=2)),
    "dropout-penalties": (3, True, 0.3, 1e-3, 1e-2, Schedule("cosine", period=5, floor=0.1)),
    "shuffled-samples": (1, True, 0.0, 0.0, 1e-3, Schedule("exponential", gamma=0.9)),
}


def make(optimizer: str, setup: str, seed: int = 11, init_seed: int = 3) -> Trainer:
    batch, shuffle, dropout, l1, l2, schedule = SETUPS[setup]
    mlp = MLP([3, 4, 2], hidden_activation="tanh", init="xavier", seed=init_seed)
    t = Trainer(
        mlp,
        X,
        Z,
        learning_rate=0.05,
        batch_size=batch,
        optimizer=optimizer,
        shuffle=shuffle,
        seed=seed,
        schedule=schedule,
        l1=l1,
        l2=l2,
        dropout=dropout,
        X_test=X_TEST,
        Z_test=Z_TEST,
    )
    t.history = WeightHistory(mlp.n_params, 8)  # small: decimation happens
    t.history.record(0, mlp.params)
    return t


def rebuilt(d: dict) -> Trainer:
    """A trainer from ``d`` alone: other initial weights and seed, then the state."""
    mlp = MLP([3, 4, 2], hidden_activation="tanh", init="xavier", seed=99)
    t = Trainer(mlp, X, Z, X_test=X_TEST, Z_test=Z_TEST, **trainer_kwargs(d["settings"]))
    t._rng = np.random.default_rng(12345)  # whatever the seed gave is overwritten
    t.history = WeightHistory(mlp.n_params, 8)
    t.load_state_dict(d)
    return t


def train_some(t: Trainer) -> None:
    t.run(3)
    for _ in range(5):
        t.step_batch()
    t.step_sample()
    t.run(2)


def assert_identical(a: Trainer, b: Trainer) -> None:
    """Every part of the two trainers' states has the same bits."""
    da, db = a.state_dict(), b.state_dict()
    assert da.keys() == db.keys()
    for key in da:
        x, y = da[key], db[key]
        if key == "optimizer":
            assert (x["name"], x["options"], x["t"]) == (y["name"], y["options"], y["t"])
            assert x["state"].keys() == y["state"].keys()
            for k in x["state"]:
                assert x["state"][k].tobytes() == y["state"][k].tobytes(), k
        elif key == "history":
            assert x[0].tobytes() == y[0].tobytes() and x[1].tolist() == y[1].tolist()
            assert x[2] == y[2]
        elif isinstance(x, np.ndarray):
            assert x.tobytes() == y.tobytes(), key
        else:
            assert x == y, key


@pytest.mark.parametrize("setup", SETUPS)
@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
def test_a_restored_trainer_trains_on_bit_for_bit(optimizer, setup):
    a = make(optimizer, setup)
    a.run(2)
    for _ in range(3):  # stop mid-epoch: position, order and the generator matter
        a.step_batch()
    b = rebuilt(a.state_dict())
    assert_identical(a, b)
    assert b.last_update.tobytes() == a.last_update.tobytes()
    train_some(a)
    train_some(b)
    assert_identical(a, b)
    assert a.mlp.params.tobytes() == b.mlp.params.tobytes()
    assert len(a.loss_history) == 7 and a.loss_history == b.loss_history


@pytest.mark.parametrize("optimizer", ["adam", "momentum", "trial-and-error"])
def test_the_state_survives_json_as_lists(optimizer):
    """Lists of floats and Python ints carry the same bits (what a session file holds)."""
    a = make(optimizer, "dropout-penalties")
    a.run(2)
    a.step_batch()
    d = a.state_dict()
    h_params, h_epochs, stride = d["history"]
    d["history"] = [h_params.tolist(), h_epochs.tolist(), stride]
    d["optimizer"] = a.optimizer.state_dict()  # the JSON-ready form
    plain = json.loads(
        json.dumps(d, default=lambda v: v.tolist() if isinstance(v, np.ndarray) else v)
    )
    b = rebuilt(plain)
    train_some(a)
    train_some(b)
    assert_identical(a, b)


def test_the_state_is_a_copy():
    a = make("adam", "shuffled-batches")
    a.run(1)
    a.step_batch()
    d = a.state_dict()
    kept = copy.deepcopy(d)
    train_some(a)
    for key in ("params", "order", "before_last"):
        assert d[key].tobytes() == kept[key].tobytes()
    assert d["losses"] == kept["losses"] and d["epoch"] == kept["epoch"]
    assert d["optimizer"]["state"]["m"].tobytes() == kept["optimizer"]["state"]["m"].tobytes()
    assert d["history"][0].tobytes() == kept["history"][0].tobytes()
    # Loading copies too: training the restored trainer leaves the dict alone.
    b = rebuilt(d)
    train_some(b)
    assert d["params"].tobytes() == kept["params"].tobytes()
    assert d["optimizer"]["state"]["v"].tobytes() == kept["optimizer"]["state"]["v"].tobytes()


def test_absent_keys_keep_the_trainers_own():
    a = make("momentum", "shuffled-batches")
    a.run(2)
    a.step_batch()
    d = a.state_dict()
    b = make("adam", "shuffled-batches", seed=4)
    fresh_rng, fresh_order = b._rng.bit_generator.state, b.order.copy()
    partial = {k: v for k, v in d.items() if k not in ("optimizer", "rng", "order")}
    b.load_state_dict(partial)
    assert b.mlp.params.tobytes() == a.mlp.params.tobytes()
    assert (b.epoch, b.position, b.steps) == (a.epoch, a.position, a.steps)
    assert b.loss_history == a.loss_history
    assert b.optimizer.name == "adam" and b.optimizer.t == 0 and b.optimizer.state == {}
    assert b._rng.bit_generator.state == fresh_rng
    assert b.order.tobytes() == fresh_order.tobytes()
    # The settings describe the source and are never applied.
    assert b.seed == 4 and b.optimizer.name == "adam"


def test_settings_rebuild_the_trainer():
    a = make("rmsprop", "dropout-penalties")
    s = a.state_dict()["settings"]
    assert json.loads(json.dumps(s)) == s  # plain values
    b = Trainer(a.mlp.copy(), X, Z, **trainer_kwargs(s))
    assert (b.base_learning_rate, b.batch_size, b.shuffle, b.seed) == (0.05, 3, True, 11)
    assert (b.l1, b.l2, b.dropout) == (1e-3, 1e-2, 0.3)
    assert b.schedule == a.schedule and b.optimizer.options == a.optimizer.options
    assert b.state_dict()["settings"] == s


def test_without_history_and_with_none():
    a = make("sgd", "per-sample")
    a.run(3)
    assert "history" not in a.state_dict(history=False)
    d = a.state_dict()
    b = make("sgd", "per-sample")
    b.history = None
    b.load_state_dict(d)  # a trainer without a record gets one holding the state's rows
    assert b.history.epochs.tolist() == a.history.epochs.tolist()
    assert b.history.params.tobytes() == a.history.params.tobytes()
    a.history = None
    assert a.state_dict()["history"] is None
    b.load_state_dict(a.state_dict())
    assert b.history is None
