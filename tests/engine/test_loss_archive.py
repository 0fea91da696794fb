"""The bounded loss record: recent epochs exact, older ones as min/max envelopes."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mlpviz.engine.history import WeightHistory
from mlpviz.engine.loss_archive import ARCHIVE_BUCKETS, RECENT_EPOCHS, LossArchive, fold_oldest
from mlpviz.engine.mlp import MLP
from mlpviz.engine.trainer import Trainer

RNG = np.random.default_rng(2)
X = RNG.uniform(0, 1, (6, 2))
Z = RNG.uniform(0.2, 0.8, (6, 1))


def make(recent: int | None, **kw) -> Trainer:
    t = Trainer(MLP.tutorial(), X, Z, learning_rate=0.5, X_test=X[:2], Z_test=Z[:2], **kw)
    t.recent_epochs = recent
    t.history = WeightHistory(t.mlp.n_params, 64)
    t.history.record(0, t.mlp.params)
    return t


def envelopes(values: list[float], a: LossArchive) -> tuple[np.ndarray, np.ndarray]:
    v = np.asarray(values)
    lo = [v[f - 1 : l].min() for f, l in zip(a.firsts, a.lasts)]
    hi = [v[f - 1 : l].max() for f, l in zip(a.firsts, a.lasts)]
    return np.array(lo), np.array(hi)


# per-sample SGD takes the fast kernel; L2 takes the generic step.
@pytest.mark.parametrize("kw", [{}, {"l2": 1e-3, "batch_size": 2}], ids=["fast", "generic"])
def test_a_folded_record_is_the_exact_one_cut_into_envelopes(kw):
    whole, folded = make(None, **kw), make(40, **kw)
    for t in (whole, folded):
        t.run(700)
        t.run(333)
    a = folded.loss_archive
    assert folded.epochs_logged == folded.epoch == 1033
    assert a.end + len(folded.loss_history) == 1033
    assert 40 <= len(folded.loss_history) < 80
    # The exact tail is the whole record's tail, bit for bit.
    assert folded.loss_history == whole.loss_history[a.end :]
    assert folded.test_loss_history == whole.test_loss_history[a.end :]
    assert folded.penalty_history == whole.penalty_history[a.end :]
    # Buckets are contiguous from epoch 1 and hold each series' min and max.
    assert a.firsts[0] == 1 and (a.firsts[1:] == a.lasts[:-1] + 1).all()
    for name, values in (("losses", whole.loss_history), ("tests", whole.test_loss_history)):
        lo, hi = envelopes(values[: a.end], a)
        assert np.array_equal(a.mins[name], lo) and np.array_equal(a.maxs[name], hi)
    # Same weights: folding only changes what is kept of the losses.
    assert folded.mlp.params.tobytes() == whole.mlp.params.tobytes()


def test_merged_buckets_keep_a_spike_and_the_archive_stays_bounded():
    a = LossArchive(capacity=64)
    values = np.linspace(1.0, 0.1, 100_000)
    values[12_345] = 50.0  # one diverging epoch
    for block in np.array_split(values, 37):
        a.add({"losses": block})
    assert len(a) <= 64 and a.end == 100_000
    j = int(np.searchsorted(a.lasts, 12_346))
    assert a.maxs["losses"][j] == 50.0
    lo, hi = envelopes(values.tolist(), a)
    assert np.array_equal(a.mins["losses"], lo) and np.array_equal(a.maxs["losses"], hi)
    # No test split: that series is NaN throughout, never a made-up number.
    assert np.isnan(a.mins["tests"]).all()


def test_memory_stays_flat_from_a_million_epochs_to_ten_million():
    a, lists = LossArchive(), {"losses": [], "penalties": [], "tests": []}
    sizes = {}
    block = np.random.default_rng(0).uniform(0, 1, 100_000).tolist()
    for n in range(1, 101):
        for name in lists:
            lists[name].extend(block)
        fold_oldest(a, lists, RECENT_EPOCHS)
        if n in (10, 100):
            sizes[n] = a.nbytes + sum(len(v) for v in lists.values())
    assert a.end + len(lists["losses"]) == 10_000_000
    assert len(a) <= ARCHIVE_BUCKETS and len(lists["losses"]) <= 2 * RECENT_EPOCHS
    assert sizes[100] <= sizes[10] * 1.01


def test_rewinding_into_the_archive_cuts_it_there():
    t = make(40)
    t.history = WeightHistory(t.mlp.n_params, 4096)
    t.history.record(0, t.mlp.params)
    t.run(600)
    assert t.loss_archive.end > 300
    assert t.rewind(300) == 300
    assert t.loss_archive.end == 300 and t.loss_history == [] and t.epochs_logged == 300
    t.run(10)
    assert t.epochs_logged == 310 == t.epoch and len(t.loss_history) == 10


def test_state_dict_round_trips_the_archive_through_json():
    t = make(40)
    t.run(500)
    d = json.loads(json.dumps(t.state_dict(history=False), default=lambda a: a.tolist()))
    u = make(40)
    u.load_state_dict(d)
    assert u.loss_history == t.loss_history and u.epochs_logged == t.epochs_logged
    assert json.dumps(u.loss_archive.state()) == json.dumps(t.loss_archive.state())


def test_a_whole_record_from_an_older_file_is_folded_on_load():
    whole = make(None)
    whole.run(500)
    t = make(40)
    d = whole.state_dict(history=False)
    del d["loss_archive"]
    t.load_state_dict(d)
    assert t.epochs_logged == 500 and 40 <= len(t.loss_history) < 80
    assert t.loss_history == whole.loss_history[t.loss_archive.end :]
