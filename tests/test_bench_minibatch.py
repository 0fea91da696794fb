"""The mini-batch benchmark compares like with like: same start, same job, same result."""

import numpy as np
import pytest

from mlpviz.bench import minibatch as bm
from mlpviz.engine.kernels import batchpath


@pytest.fixture(scope="module")
def data():
    return bm.mnist_like(640 + 17)  # a short last batch, as 60,000 rows have


def test_the_loop_and_the_engine_train_the_same_net(data):
    X, Z = data
    _, (W1, b1, W2, b2), loop_loss = bm.loop_epoch(X, Z, epoch_loss=True)
    _, trainer = bm.engine_epoch(X, Z, epoch_loss=True)
    mlp = trainer.mlp
    assert not np.allclose(W1, bm.start_net().weights[0], atol=1e-6)  # it trained
    for ours, theirs in zip((*mlp.weights, *mlp.biases), (W1, W2, b1, b2)):
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-12)
    assert trainer.loss_history[-1] == pytest.approx(loop_loss, rel=1e-12)


def test_the_floor_is_the_engines_own_numpy_calls(data):
    # Same ufuncs, same operands, same order: the same bits, so "engine vs
    # its NumPy calls" compares the engine with nothing but its overhead.
    X, Z = data
    _, params = bm.floor_epoch(X, Z)
    _, updates_only = bm.engine_epoch(X, Z, epoch_loss=False)
    assert not np.array_equal(params, bm.start_net().params)
    np.testing.assert_array_equal(params, updates_only.mlp.params)


def test_the_engines_updates_alone_are_the_updates_of_its_epoch(data):
    X, Z = data
    _, updates_only = bm.engine_epoch(X, Z, epoch_loss=False)
    _, whole = bm.engine_epoch(X, Z, epoch_loss=True)
    np.testing.assert_array_equal(updates_only.mlp.params, whole.mlp.params)
    assert whole.epoch == 1 and updates_only.epoch == 0  # the loss step is what differs


@pytest.mark.parametrize("threads", [1, 2])
def test_the_report_compares_each_job_with_the_same_job(data, monkeypatch, threads, capsys):
    monkeypatch.setattr(batchpath, "THREADS", threads)
    monkeypatch.setattr(bm, "torch_epoch", lambda *a, **k: None)  # measured where installed
    X, _ = data
    r = bm.bench_minibatch(rows=len(X), rounds=1)
    for job in bm.JOBS:
        loop, engine = r[f"loop/{job}_samples_s"], r[f"engine/{job}_samples_s"]
        assert loop > 0 and engine > 0
        assert r[f"vs_loop/{job}"] == pytest.approx(engine / loop)
    floor = r["floor/updates_samples_s"]
    assert r["vs_floor/updates"] == pytest.approx(r["engine/updates_samples_s"] / floor)
    assert "torch/updates_samples_s" not in r
    assert ("engine_2/with_loss_samples_s" in r) == (threads == 2)
    bm.print_minibatch(r)
    out = capsys.readouterr().out
    assert "engine vs the loop:" in out and "PyTorch: not installed here" in out
    assert "engine vs its own NumPy calls written out:" in out
