"""Training in a child process: the trainer here must end exactly where local training would."""

from __future__ import annotations

import io
import json
import shutil
import sys
import time

import numpy as np
import pytest

from mlpviz.engine import MLP, Schedule, Trainer, TrainingDiverged, WeightHistory
from mlpviz.engine.offload.process import OffloadedTraining
from mlpviz.engine.offload.state import (
    apply_progress,
    build_trainer,
    progress_message,
    start_message,
)
from mlpviz.engine.offload.wire import WireError, read_message, write_message

RNG = np.random.default_rng(7)
X = RNG.uniform(0.0, 1.0, (5, 2))
Z = RNG.uniform(0.1, 0.9, (5, 1))
XT = RNG.uniform(0.0, 1.0, (3, 2))
ZT = RNG.uniform(0.1, 0.9, (3, 1))


def trainer(lr: float = 0.5, capacity: int = 64, linear: bool = False, **kwargs) -> Trainer:
    mlp = MLP((2, 3, 1), "linear", "linear", seed=1) if linear else MLP.tutorial()
    kw = {"shuffle": True, "seed": 3, "X_test": XT, "Z_test": ZT, **kwargs}
    t = Trainer(mlp, X, Z, learning_rate=lr, schedule=Schedule("step", gamma=0.9, every=40), **kw)
    # A small history: long runs thin it several times on the way.
    t.history = WeightHistory(mlp.n_params, capacity)
    t.history.record(0, mlp.params)
    return t


def assert_same(a: Trainer, b: Trainer) -> None:
    assert (a.epoch, a.position, a.steps) == (b.epoch, b.position, b.steps)
    assert a.evaluations == b.evaluations
    assert a.mlp.params.tobytes() == b.mlp.params.tobytes()
    assert a.loss_history == b.loss_history
    assert a.penalty_history == b.penalty_history
    assert a.test_loss_history == b.test_loss_history
    assert json.dumps(a.loss_archive.state()) == json.dumps(b.loss_archive.state())
    assert a.history.stride == b.history.stride
    assert a.history.params.tobytes() == b.history.params.tobytes()
    assert np.array_equal(a.history.epochs, b.history.epochs)
    assert np.array_equal(a.order, b.order)
    assert a._rng.bit_generator.state == b._rng.bit_generator.state
    assert a.last_update.tobytes() == b.last_update.tobytes()
    ga, gb = a.last_gradient, b.last_gradient  # None for trial and error
    assert (ga is None and gb is None) or ga.tobytes() == gb.tobytes()
    assert a.last_batch_loss == b.last_batch_loss


@pytest.fixture
def offload():
    o = OffloadedTraining()
    yield o
    o.close()


def ready(o: OffloadedTraining, t: Trainer) -> None:
    o.available(t)  # starts the process
    # Set by the reader thread when the process says it is ready.
    assert o._ready.wait(30), "the training process never reported ready"
    assert o.available(t)


def run_to_end(o: OffloadedTraining, t: Trainer) -> str:
    deadline = time.monotonic() + 60
    while True:
        reason = o.collect(t, 0.5)
        if reason is not None:
            return reason
        assert time.monotonic() < deadline


# -- the wire -------------------------------------------------------------------------


def test_a_message_reads_back_bit_for_bit():
    buf = io.BytesIO()
    arrays = {
        "f": np.array([[0.1, -2.5e-300], [np.pi, 1e308]]),
        "i": np.arange(5, dtype=np.int64) - 2,
        "empty": np.empty((0, 13)),
    }
    write_message(buf, {"kind": "x", "big": 2**100, "none": None}, arrays)
    buf.seek(0)
    header, back = read_message(buf)
    assert header == {"kind": "x", "big": 2**100, "none": None}
    for name, a in arrays.items():
        assert back[name].dtype == a.dtype and back[name].shape == a.shape
        assert back[name].tobytes() == a.tobytes()


def crossed(header: dict, arrays: dict) -> tuple[dict, dict]:
    """A message as the other end reads it."""
    b = io.BytesIO()
    write_message(b, header, arrays)
    b.seek(0)
    return read_message(b)


@pytest.mark.parametrize("options", [{}, {"optimizer": "adam", "batch_size": 2, "dropout": 0.2}])
def test_reports_carry_only_what_changed_and_leave_the_trainers_equal(options):
    """In one process: a start, training there, two reports applied here."""
    here = trainer(**options)
    here.run(4)
    here.step_batch()
    there = build_trainer(*crossed(*start_message(here, None, None, 0.01)))
    assert there.loss_history == [] and there.epoch == here.epoch  # losses: only new ones
    local = trainer(**options)
    local.load_state_dict(here.state_dict())
    for tr in (there, local):
        tr.run(6)
        tr.step_batch()
    header, arrays = crossed(*progress_message(there))
    assert "settings" not in header and "history_params" not in arrays
    assert len(arrays["losses"]) == 6 and len(arrays["row_epochs"]) == 6
    apply_progress(here, header, arrays)
    assert_same(here, local)
    # Nothing trained since: the next report adds no losses and no history rows.
    header, arrays = crossed(*progress_message(there))
    assert len(arrays["losses"]) == 0 and len(arrays["row_params"]) == 0
    apply_progress(here, header, arrays)
    assert_same(here, local)


def test_a_message_cut_short_is_an_error_and_a_closed_pipe_is_eof():
    buf = io.BytesIO()
    write_message(buf, {"kind": "x"}, {"a": np.arange(4.0)})
    data = buf.getvalue()
    with pytest.raises(WireError, match="cut short"):
        read_message(io.BytesIO(data[:-3]))
    with pytest.raises(EOFError):
        read_message(io.BytesIO(b""))
    with pytest.raises(WireError, match="header"):
        read_message(io.BytesIO(b"\x00\x00\x00\x03abc"))


# -- runs ---------------------------------------------------------------------------------


def test_a_run_to_its_limit_ends_where_local_training_does(offload):
    local, remote = trainer(), trainer()
    local.run(3000)
    ready(offload, remote)
    offload.start(remote, limit=3000, target_loss=None, interval=0.01)
    assert run_to_end(offload, remote) == "limit"
    assert offload.reports >= 1
    assert_same(local, remote)
    assert remote.history.stride > 1  # the history was thinned in the process and here alike


def test_a_long_run_there_folds_its_losses_here_as_local_training_does(offload):
    # The process keeps no losses between reports; the app folds what they bring.
    local, remote = trainer(), trainer()
    local.recent_epochs = remote.recent_epochs = 150
    local.run(3000)
    ready(offload, remote)
    offload.start(remote, limit=3000, target_loss=None, interval=0.002)
    assert run_to_end(offload, remote) == "limit"
    assert offload.reports >= 2
    assert_same(local, remote)
    assert remote.loss_archive.end > 0 and len(remote.loss_history) <= 300
    assert remote.epochs_logged == 3000


def test_a_recalled_run_ends_where_local_training_to_that_epoch_does(offload):
    remote = trainer(lr=0.3)
    ready(offload, remote)
    offload.start(remote, limit=None, target_loss=None, interval=0.01)
    while remote.epoch < 500:
        assert offload.collect(remote, 5.0) is None
    assert offload.recall(remote) == "recalled"
    assert not offload.active
    local = trainer(lr=0.3)
    local.run(remote.epoch)
    assert_same(local, remote)
    # And a second run goes on from there, as local training would.
    offload.start(remote, limit=remote.epoch + 700, target_loss=None, interval=0.01)
    assert run_to_end(offload, remote) == "limit"
    local.run(700)
    assert_same(local, remote)


def test_a_run_stops_at_its_target_loss(offload):
    t = trainer(lr=2.0)
    start = t.mlp.loss_value(X, Z)
    ready(offload, t)
    offload.start(t, limit=200_000, target_loss=start * 0.5, interval=0.01)
    assert run_to_end(offload, t) == "target"
    assert t.loss_history[-1] <= start * 0.5
    assert t.epoch < 200_000


def test_divergence_in_the_process_raises_here_with_the_last_finite_weights(offload):
    # A linear net with a large rate grows without bound.
    local, remote = trainer(lr=5.0, linear=True), trainer(lr=5.0, linear=True)
    with pytest.raises(TrainingDiverged) as expected:
        local.run(1000)
    ready(offload, remote)
    offload.start(remote, limit=1000, target_loss=None, interval=0.01)
    with pytest.raises(TrainingDiverged) as got:
        run_to_end(offload, remote)
    assert str(got.value) == str(expected.value)
    assert (got.value.epoch, got.value.step) == (expected.value.epoch, expected.value.step)
    assert np.all(np.isfinite(remote.mlp.params))
    assert remote.mlp.params.tobytes() == local.mlp.params.tobytes()
    assert remote.loss_history == local.loss_history


def test_a_process_that_dies_leaves_the_trainer_as_last_reported(offload):
    t = trainer()
    ready(offload, t)
    offload.start(t, limit=None, target_loss=None, interval=0.01)
    while offload.reports < 2:
        offload.collect(t, 5.0)
    offload._process.kill()
    assert offload.recall(t) == "gone"
    assert not offload.active and not offload.available(t)
    # Complete as of the last report: local training from here is consistent.
    local = trainer()
    local.run(t.epoch)
    assert_same(local, t)
    t.run(5)  # and training goes on here


def test_a_disabled_offload_starts_nothing():
    off = OffloadedTraining(enabled=False)
    assert not off.available(trainer())
    assert off._process is None


def test_close_ends_the_process(offload):
    t = trainer()
    ready(offload, t)
    process = offload._process
    offload.start(t, limit=None, target_loss=None, interval=0.01)
    offload.close()
    assert process.poll() is not None
    assert not offload.active


def test_a_process_that_cannot_start_leaves_training_here(monkeypatch):
    t = trainer()
    missing = OffloadedTraining()
    monkeypatch.setattr(sys, "executable", "/nonexistent/python3")
    assert not missing.available(t)
    assert missing._broken and missing._process is None
    # One that starts and exits at once, never ready: also given up on.
    quits = OffloadedTraining()
    monkeypatch.setattr(sys, "executable", shutil.which("true"))
    quits.available(t)
    # The reader thread marks it broken, then reports the pipe gone.
    header, _ = quits._inbox.get(timeout=10)
    assert header["kind"] == "gone" and quits._broken
    assert not quits.available(t)
    quits.close()
    frozen = OffloadedTraining()
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert not frozen.available(t) and frozen._process is None


def test_a_failure_in_the_process_is_reported_and_training_stays_here(offload, capsys):
    t = trainer()
    ready(offload, t)
    # A start message the process cannot build a trainer from (an unknown activation).
    header, arrays = start_message(t, None, None, 0.01)
    header["output"] = "no-such-activation"
    write_message(offload._process.stdin, header, arrays)
    offload.active = True
    before = t.mlp.params.copy()
    assert run_to_end(offload, t) == "gone"
    assert "no-such-activation" in offload.error
    assert "the training process failed" in capsys.readouterr().err
    assert not offload.available(t)
    assert t.mlp.params.tobytes() == before.tobytes()  # nothing applied


@pytest.mark.parametrize(
    "options",
    [
        {"batch_size": 2},
        {"optimizer": "momentum"},
        {"optimizer": "nesterov", "l1": 0.001},
        {"optimizer": "adagrad"},
        {"optimizer": "rmsprop", "l2": 0.01},
        {"optimizer": "adam", "dropout": 0.2},
        {"optimizer": "adam", "batch_size": 3, "dropout": 0.3},
        {"optimizer": "trial-and-error"},
    ],
    ids=lambda o: "-".join(f"{k}={v}" for k, v in o.items()),
)
def test_every_optimizer_and_option_trains_there_as_here(offload, options):
    local, remote = trainer(**options), trainer(**options)
    local.run(150)
    ready(offload, remote)
    offload.start(remote, limit=150, target_loss=None, interval=0.001)
    assert run_to_end(offload, remote) == "limit"
    assert_same(local, remote)
    assert remote.optimizer.t == local.optimizer.t
    for key, value in local.optimizer.state.items():
        assert remote.optimizer.state[key].tobytes() == value.tobytes()
    # A recall mid-run, then more: the optimizer's state and the dropout
    # masks' generator crossed both ways.
    offload.start(remote, limit=None, target_loss=None, interval=0.001)
    while remote.epoch < 170:
        offload.collect(remote, 5.0)
    offload.recall(remote)
    while local.steps < remote.steps:  # it may stop mid-epoch: step by step here too
        local.step_batch()
    assert_same(local, remote)


def test_more_rows_than_the_kernels_epochs_suit_train_step_by_step_there(offload):
    rng = np.random.default_rng(3)
    X6, Z6 = rng.uniform(0, 1, (6000, 2)), rng.uniform(0.1, 0.9, (6000, 1))
    local, remote = trainer(), trainer()
    for t in (local, remote):
        t.set_data(X6, Z6)
    ready(offload, remote)
    offload.start(remote, limit=None, target_loss=None, interval=0.01)
    while remote.steps < 9000:  # into the second epoch
        offload.collect(remote, 5.0)
    offload.recall(remote)
    while local.steps < remote.steps:  # as the app's worker trains such data
        local.step_batch()
    assert remote.epoch >= 1
    assert_same(local, remote)


def test_big_jobs_stay_here(offload):
    big = trainer()
    big.X = np.zeros((1_100_000, 2))  # 17.6 MB to send at every start
    assert not offload.available(big)
    assert offload._process is None


def test_a_run_recalled_before_its_first_step_changes_nothing(offload):
    local, remote = trainer(optimizer="adam", dropout=0.2), trainer(optimizer="adam", dropout=0.2)
    local.run(7)
    remote.run(7)
    local.step_batch()
    remote.step_batch()  # mid-epoch, with a gradient made under dropout
    ready(offload, remote)
    offload.start(remote, limit=remote.epoch, target_loss=None, interval=0.01)
    assert run_to_end(offload, remote) == "limit"  # already there: not a step taken
    assert_same(local, remote)
