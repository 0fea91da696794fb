"""WeightHistory: bounded, decimated, rewindable; and the Trainer recording into it."""

import numpy as np
import pytest

from mlpviz.engine import MLP, Trainer, WeightHistory

RAW = np.array([[70, 98, 91], [50, 85, 82], [65, 67, 80], [25, 95, 68]], dtype=float)
NORM = (RAW - RAW.min(axis=0)) / (RAW.max(axis=0) - RAW.min(axis=0))
X, Z = NORM[:, :2], NORM[:, 2:]


def vec(e):
    return np.array([e, -e, 0.5 * e])


def test_records_in_order():
    h = WeightHistory(3, capacity=8)
    assert len(h) == 0
    for e in range(5):
        h.record(e, vec(e))
    assert len(h) == 5
    np.testing.assert_array_equal(h.epochs, np.arange(5))
    np.testing.assert_array_equal(h.params, np.stack([vec(e) for e in range(5)]))
    assert h.stride == 1
    assert h.nbytes == 8 * 3 * 8 + 8 * 8


def test_records_copy_the_vector():
    h = WeightHistory(3, capacity=4)
    p = vec(1.0)
    h.record(1, p)
    p[...] = 99.0
    np.testing.assert_array_equal(h.params[0], vec(1.0))


@pytest.mark.parametrize("start", [0, 1])
@pytest.mark.parametrize("capacity", [4, 8, 10])
def test_decimation_keeps_an_even_record_of_the_whole_run(capacity, start):
    h = WeightHistory(3, capacity=capacity)
    last = 500
    strides = [h.stride]
    for e in range(start, last + 1):
        h.record(e, vec(e))
        assert len(h) <= capacity
        if h.stride != strides[-1]:
            strides.append(h.stride)
    # The stride only ever doubles.
    assert strides == [2**k for k in range(len(strides))]
    assert h.stride > 1
    epochs = h.epochs
    # Evenly spaced at the final stride, each row still holding its own epoch's vector.
    assert set(np.diff(epochs)) == {h.stride}
    assert all(e % h.stride == 0 for e in epochs)
    np.testing.assert_array_equal(h.params, np.stack([vec(e) for e in epochs]))
    # Spans the whole run: within one stride of its start and of its end.
    assert epochs[0] - start < h.stride
    assert last - epochs[-1] < h.stride
    assert len(h) >= capacity // 2
    assert not h.wants(epochs[-1] + 1) or h.stride == 1
    assert h.wants(epochs[-1] + h.stride)


def test_truncate_and_rewind():
    h = WeightHistory(3, capacity=16)
    for e in range(10):
        h.record(e, vec(e))
    h.truncate(6)
    np.testing.assert_array_equal(h.epochs, np.arange(6))
    h.truncate(100)  # nothing at or after 100
    assert len(h) == 6
    # Rewound to epoch 3 and retrained: recording epoch 3 again drops 3, 4, 5.
    h.record(3, vec(30.0))
    np.testing.assert_array_equal(h.epochs, [0, 1, 2, 3])
    np.testing.assert_array_equal(h.params[-1], vec(30.0))
    h.record(4, vec(40.0))
    np.testing.assert_array_equal(h.epochs, [0, 1, 2, 3, 4])
    h.clear()
    assert len(h) == 0
    assert h.stride == 1


def test_record_off_the_stride_is_ignored():
    h = WeightHistory(1, capacity=4)
    for e in range(4):
        h.record(e, [e])
    h.record(4, [4])  # full: decimate to 0, 2 and keep 4 at stride 2
    np.testing.assert_array_equal(h.epochs, [0, 2, 4])
    assert h.stride == 2
    assert not h.wants(5)
    h.record(5, [5])
    np.testing.assert_array_equal(h.epochs, [0, 2, 4])


@pytest.mark.parametrize("epochs", [range(0, 200, 10), range(1, 200, 2), range(3, 300, 7)])
def test_irregular_records_stay_bounded_and_never_empty(epochs):
    h = WeightHistory(1, capacity=4)
    for e in epochs:
        h.record(e, [e])
        assert 0 < len(h) <= 4
        assert list(h.epochs) == sorted(set(h.epochs))
    np.testing.assert_array_equal(h.params[:, 0], h.epochs)


def test_capacity_too_small():
    with pytest.raises(ValueError, match="at least 4"):
        WeightHistory(3, capacity=3)


@pytest.mark.parametrize(
    ("kwargs", "fast"),
    [({}, True), ({"batch_size": 2}, False), ({"optimizer": "adam"}, False)],
    ids=["fast", "batch", "adam"],
)
def test_trainer_records_each_epoch(kwargs, fast):
    mlp = MLP.tutorial()
    trainer = Trainer(mlp, X, Z, learning_rate=0.3, **kwargs)
    trainer.history = WeightHistory(mlp.n_params, capacity=64)
    trainer.history.record(0, mlp.params)
    # Reference: the same training stepped batch by batch, with the weights at each epoch end.
    ref_mlp = MLP.tutorial()
    ref = Trainer(ref_mlp, X, Z, learning_rate=0.3, **kwargs)
    expected = [ref_mlp.params.copy()]
    while ref.epoch < 10:
        ref.step_batch()
        if ref.position == 0:
            expected.append(ref_mlp.params.copy())
    if fast:
        trainer.run(6)
        trainer.step_epoch()
        trainer.run(3)
    else:
        for _ in range(10):
            trainer.step_epoch()
    h = trainer.history
    np.testing.assert_array_equal(h.epochs, np.arange(11))
    np.testing.assert_allclose(h.params, np.stack(expected), rtol=0, atol=1e-12)
    np.testing.assert_array_equal(h.params[-1], mlp.params)


@pytest.mark.parametrize("batch_size", [1, 2], ids=["fast", "numpy"])
def test_trainer_history_decimates_over_a_long_run(batch_size):
    mlp = MLP.tutorial()
    trainer = Trainer(mlp, X, Z, learning_rate=0.3, batch_size=batch_size)
    trainer.history = WeightHistory(mlp.n_params, capacity=8)  # epoch 0 not recorded
    trainer.run(100)
    h = trainer.history
    assert len(h) <= 8
    assert h.stride == 16
    assert set(np.diff(h.epochs)) == {h.stride}
    assert h.epochs[0] <= h.stride
    assert 100 - h.epochs[-1] < h.stride
    # Each kept row is that epoch's weights.
    ref_mlp = MLP.tutorial()
    ref = Trainer(ref_mlp, X, Z, learning_rate=0.3, batch_size=batch_size)
    by_epoch = {}
    while ref.epoch < 100:
        ref.step_batch()
        if ref.position == 0:
            by_epoch[ref.epoch] = ref_mlp.params.copy()
    expected = np.stack([by_epoch[e] for e in h.epochs])
    np.testing.assert_allclose(h.params, expected, rtol=0, atol=1e-12)


def test_rewinding_the_trainer_truncates_its_history():
    mlp = MLP.tutorial()
    trainer = Trainer(mlp, X, Z, learning_rate=0.3)
    trainer.history = WeightHistory(mlp.n_params, capacity=32)
    trainer.run(8)
    assert list(trainer.history.epochs) == list(range(1, 9))
    # Rewind to epoch 4 (as a UI would) and train on with a different rate.
    mlp.set_params(trainer.history.params[3])
    trainer.epoch = 4
    trainer.base_learning_rate = 0.05
    trainer.run(2)
    np.testing.assert_array_equal(trainer.history.epochs, [1, 2, 3, 4, 5, 6])
    np.testing.assert_array_equal(trainer.history.params[-1], mlp.params)
