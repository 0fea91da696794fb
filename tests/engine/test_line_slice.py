"""Honest landscapes: the PCA plane's residuals and the straight-line slice, checked directly."""

from __future__ import annotations

import numpy as np
import pytest

from mlpviz.engine.landscape.line_slice import line_slice, path_alphas, plane_residuals
from mlpviz.engine.landscape.surface import trajectory_pca
from mlpviz.engine.mlp import MLP


def test_residual_is_the_distance_to_the_projection():
    rng = np.random.default_rng(3)
    path = np.cumsum(rng.normal(size=(25, 9)), axis=0)
    pca = trajectory_pca(path)
    res = plane_residuals(path, pca)
    for p, r in zip(path, res, strict=True):
        # proj(p) = o + Σ ((p − o)·dₖ) dₖ, one point at a time.
        proj = pca.origin + sum(((p - pca.origin) @ d) * d for d in pca.directions)
        assert r == pytest.approx(np.linalg.norm(p - proj), rel=1e-10, abs=1e-12)
    assert res[-1] == 0.0  # the plane passes through the last point
    assert res.max() > 0.1  # a 9-D random walk is not flat


def test_a_path_in_a_plane_has_zero_residual():
    rng = np.random.default_rng(4)
    basis = rng.normal(size=(2, 6))
    path = rng.normal(size=(12, 2)) @ basis + rng.normal(size=6)
    assert plane_residuals(path, trajectory_pca(path)).max() < 1e-12


@pytest.mark.parametrize(
    ("sizes", "hidden", "out", "loss"),
    [((2, 3, 1), "sigmoid", "sigmoid", None), ((3, 4, 2), "tanh", "softmax", "cross-entropy")],
)
def test_line_slice_equals_direct_loss_evaluations(sizes, hidden, out, loss):
    rng = np.random.default_rng(5)
    mlp = MLP(sizes, hidden, out, seed=1, loss=loss)
    X = rng.normal(size=(30, sizes[0]))
    Z = (
        np.eye(sizes[-1])[rng.integers(0, sizes[-1], 30)]
        if out == "softmax"
        else rng.uniform(size=(30, sizes[-1]))
    )
    start = mlp.params.copy()
    end = start + rng.normal(size=start.size)
    alphas = np.linspace(-0.5, 1.5, 21)
    got = line_slice(mlp, X, Z, start, end, alphas)
    direct = [mlp.loss_value(X, Z, params=start + a * (end - start)) for a in alphas]
    np.testing.assert_allclose(got, direct, rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(mlp.params, start)


def test_path_alphas_project_onto_the_line():
    rng = np.random.default_rng(6)
    start, end = rng.normal(size=5), rng.normal(size=5)
    alphas = np.array([-0.3, 0.0, 0.4, 1.0, 1.2])
    off = rng.normal(size=5)
    off -= (off @ (end - start)) / ((end - start) @ (end - start)) * (end - start)
    path = start + alphas[:, None] * (end - start) + off  # off is perpendicular to the line
    np.testing.assert_allclose(path_alphas(path, start, end), alphas, atol=1e-12)
    np.testing.assert_array_equal(path_alphas(path, start, start), np.zeros(5))


def test_bad_shapes_name_the_sizes():
    mlp = MLP((2, 3, 1), seed=0)
    with pytest.raises(ValueError, match="13 parameters"):
        line_slice(mlp, np.zeros((1, 2)), np.zeros(1), np.zeros(4), np.zeros(13), [0.0])
    with pytest.raises(ValueError, match=r"\(T, 13\)"):
        plane_residuals(np.zeros((3, 4)), trajectory_pca(np.ones((3, 13))))
