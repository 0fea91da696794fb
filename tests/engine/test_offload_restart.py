"""A training process that dies is started again, up to a limit, then given up on."""

from __future__ import annotations

import time

from mlpviz.engine.offload.process import MAX_RESTARTS, OffloadedTraining
from mlpviz.engine.trainer import Trainer
from tests.engine.test_offload import assert_same, trainer


def wait_ready(o: OffloadedTraining, t: Trainer) -> bool:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if o.available(t):
            return True
        if o._process is not None:
            o._ready.wait(0.5)
    return False


def test_a_dead_process_is_restarted_and_trains_on_then_given_up_on():
    o = OffloadedTraining()
    t = trainer()
    pids = []
    try:
        for death in range(1, MAX_RESTARTS + 2):
            assert wait_ready(o, t), f"no process after {death - 1} deaths"
            pids.append(o._process.pid)
            o.start(t, limit=None, target_loss=None, interval=0.01)
            while o.reports < 2 * death:
                assert o.collect(t, 5.0) is None
            o._process.kill()
            assert o.recall(t) == "gone"
            assert o.deaths == death
        assert len(set(pids)) == MAX_RESTARTS + 1  # a new process each time
        assert o.given_up and not o.available(t) and o._process is None
        # Every run ended where its last report left the trainer: exact local state.
        local = trainer()
        local.run(t.epoch)
        assert (local.epoch, local.position) == (t.epoch, t.position)
        assert local.mlp.params.tobytes() == t.mlp.params.tobytes()
    finally:
        o.close()


def test_a_restarted_process_ends_a_run_where_local_training_does():
    o = OffloadedTraining()
    t = trainer()
    try:
        assert wait_ready(o, t)
        o.start(t, limit=None, target_loss=None, interval=0.01)
        while o.reports < 2:
            assert o.collect(t, 5.0) is None
        o._process.kill()
        assert o.recall(t) == "gone"
        assert wait_ready(o, t)
        o.start(t, limit=t.epoch + 500, target_loss=None, interval=0.01)
        reason = None
        while reason is None:
            reason = o.collect(t, 5.0)
        assert reason == "limit"
        local = trainer()
        local.run(t.epoch)
        assert_same(local, t)
    finally:
        o.close()
