"""The hidden-space maths: grid lines, a layer's activations, the fixed 2-D basis."""

from __future__ import annotations

import numpy as np
import pytest

from mlpviz.engine.hidden_space import fit_basis, grid_lines, layer_activations
from mlpviz.engine.settings import NetworkSpec


def test_grid_lines_cover_the_rectangle_each_way():
    lines = grid_lines(np.array([-1.0, 2.0]), np.array([3.0, 5.0]), n_lines=5, n_points=7)
    assert lines.shape == (10, 7, 2)
    # Lines of constant x first, at x = −1, 0, 1, 2, 3, each running y from 2 to 5.
    np.testing.assert_array_equal(lines[:5, 0, 0], np.linspace(-1, 3, 5))
    assert np.ptp(lines[:5, :, 0], axis=1).max() == 0.0
    np.testing.assert_array_equal(lines[2, :, 1], np.linspace(2, 5, 7))
    # Then lines of constant y.
    np.testing.assert_array_equal(lines[5:, 0, 1], np.linspace(2, 5, 5))
    np.testing.assert_array_equal(lines[7, :, 0], np.linspace(-1, 3, 7))


def test_two_units_are_drawn_directly():
    h = np.random.default_rng(1).normal(size=(50, 2))
    basis = fit_basis(h)
    assert basis.direct and basis.explained is None
    np.testing.assert_array_equal(basis.project(h), h)


def test_one_unit_lies_on_a_line():
    h = np.arange(6.0).reshape(-1, 1)
    image = fit_basis(h).project(h)
    np.testing.assert_array_equal(image[:, 0], h[:, 0])
    np.testing.assert_array_equal(image[:, 1], 0.0)


def test_pca_basis_holds_the_top_directions_and_their_share():
    rng = np.random.default_rng(3)
    # Variance 9, 4 and 0.25 along three orthogonal directions of a 4-D space.
    q, _ = np.linalg.qr(rng.normal(size=(4, 4)))
    h = rng.normal(size=(4000, 3)) * [3.0, 2.0, 0.5] @ q[:, :3].T + [1.0, -2.0, 0.5, 3.0]
    basis = fit_basis(h)
    assert not basis.direct
    np.testing.assert_allclose(basis.axes.T @ basis.axes, np.eye(2), atol=1e-12)
    # The same shares as the covariance's eigenvalues.
    eig = np.sort(np.linalg.eigvalsh(np.cov(h.T)))[::-1]
    np.testing.assert_allclose(basis.explained, eig[:2] / eig.sum(), rtol=1e-9)
    # The axes span the two largest directions (up to sign).
    np.testing.assert_allclose(np.abs(basis.axes.T @ q[:, :2]), np.eye(2), atol=0.05)
    # Each axis is signed so that its largest component is positive.
    for k in range(2):
        col = basis.axes[:, k]
        assert col[np.argmax(np.abs(col))] > 0
    # Projection: centred, then onto the axes.
    np.testing.assert_allclose(
        basis.project(h[:3]), (h[:3] - h.mean(0)) @ basis.axes, rtol=0, atol=1e-12
    )


def test_flat_activations_fall_back_to_the_first_units():
    basis = fit_basis(np.ones((10, 5)))
    assert basis.explained == (0.0, 0.0)
    np.testing.assert_array_equal(basis.axes, np.eye(5, 2))


def test_layer_activations_are_the_forward_pass():
    mlp = NetworkSpec((4, 3), ("tanh", "relu"), "sigmoid", None, "xavier", 0).build(2, 1)
    X = np.random.default_rng(0).uniform(size=(9, 2))
    np.testing.assert_array_equal(layer_activations(mlp, X, 2), mlp.forward(X).activations[2])
    with pytest.raises(ValueError, match="hidden layer 3"):
        layer_activations(mlp, X, 3)
