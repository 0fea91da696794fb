"""The worker's honest landscapes: the PCA residual and the line slice equal direct evaluations."""

from __future__ import annotations

import numpy as np
import pytest

from mlpviz.data.dataset import Dataset
from mlpviz.data.problem import prepare
from mlpviz.engine import MLP, Trainer, WeightHistory
from mlpviz.ui.training.line_surface import ALPHAS, line_slice_surface
from mlpviz.ui.training.surfaces import pca_surface
from mlpviz.ui.training.view_feed import ViewFeed

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Z = np.array([[0.0], [1.0], [1.0], [0.0]])


@pytest.fixture
def trained() -> Trainer:
    t = Trainer(MLP((2, 3, 1), "sigmoid", "sigmoid", seed=3), XOR_X, XOR_Z, 2.0, batch_size=4)
    t.history = WeightHistory(t.mlp.n_params)
    t.history.record(0, t.mlp.params)
    t.run(40)
    return t


def test_line_slice_equals_direct_losses_at_each_alpha(trained):
    t = trained
    line = line_slice_surface(t.mlp, t.X, t.Z, t.history, t.epoch)
    w0, w1 = t.history.params[0], t.mlp.params
    direct = [t.mlp.loss_value(t.X, t.Z, params=w0 + a * (w1 - w0)) for a in line.alphas]
    np.testing.assert_allclose(line.losses, direct, rtol=1e-10, atol=1e-13)
    np.testing.assert_array_equal(line.alphas, ALPHAS)
    assert line.alphas[0] == -0.5 and line.alphas[-1] == 1.5
    # The path's own points: their own losses, the first at α 0 and the last at α 1.
    assert line.path_alphas[0] == 0.0 and line.path_alphas[-1] == pytest.approx(1.0)
    assert line.path_losses[0] == t.mlp.loss_value(t.X, t.Z, params=w0)
    assert line.path_losses[-1] == t.mlp.loss_value(t.X, t.Z)
    assert line.path_epochs[0] == 0 and line.path_epochs[-1] == t.epoch == 40
    assert line.distance == pytest.approx(np.linalg.norm(w1 - w0))


def test_pca_residual_is_the_distance_off_the_plane(trained):
    t = trained
    pca = pca_surface(t.mlp, t.X, t.Z, t.history, t.epoch)
    path = np.vstack([t.history.params, t.mlp.params])
    # The plane through the last point along the path's top two singular directions.
    vt = np.linalg.svd(path - path[-1], full_matrices=False)[2]
    for p, c, r in zip(path, pca.path, pca.residual, strict=True):
        proj = path[-1] + (p - path[-1]) @ vt[:2].T @ vt[:2]
        assert r == pytest.approx(np.linalg.norm(p - proj), abs=1e-12)
        assert np.hypot(*c) <= np.linalg.norm(p - path[-1]) + 1e-12
    np.testing.assert_array_equal(pca.epochs, np.append(t.history.epochs, 40))
    assert pca.residual[-1] == 0.0


def test_the_line_is_computed_only_when_shown(trained):
    sent = []
    feed = ViewFeed(sent.append)
    feed.wanted = frozenset({"pca"})
    kw = dict(sample=0, pair=None, classification=True, running=False, can_unrewind=False)
    feed.send(trained, _problem(), force=True, **kw)
    assert sent[-1].line is None and sent[-1].pca is not None
    feed.wanted = frozenset({"line"})
    feed.send(trained, _problem(), force=True, **kw)
    assert sent[-1].line is not None


def test_no_line_before_the_weights_move():
    t = Trainer(MLP((2, 3, 1), seed=1), XOR_X, XOR_Z, 0.5)
    t.history = WeightHistory(t.mlp.n_params)
    assert line_slice_surface(t.mlp, t.X, t.Z, t.history, 0) is None
    t.history.record(0, t.mlp.params)
    assert line_slice_surface(t.mlp, t.X, t.Z, t.history, 0) is None


def _problem():
    values = np.column_stack([XOR_X, XOR_Z])
    return prepare(Dataset(["a", "b", "z"], values), ["a", "b"], ["z"])
