"""Loss landscapes: two-parameter grids and the trajectory-PCA plane."""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlpviz.bench.landscape import bench_loss_grid
from mlpviz.engine.landscape import grid_eval
from mlpviz.engine.landscape.surface import (
    TrajectoryPCA,
    grid_extent,
    loss_grid,
    pca_loss_grid,
    trajectory_pca,
)
from mlpviz.engine.mlp import MLP

RTOL, ATOL = 1e-10, 1e-12


def make_data(mlp: MLP, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows and targets that suit the network's output and loss."""
    rng = np.random.default_rng(seed)
    X = rng.normal(0.0, 1.0, (n, mlp.layer_sizes[0]))
    k = mlp.layer_sizes[-1]
    if mlp.output_activation == "softmax":
        Z = np.eye(k)[rng.integers(0, k, n)]
    elif mlp.output_activation in ("sigmoid", "relu"):
        Z = rng.uniform(0.0, 1.0, (n, k))
    else:
        Z = rng.normal(0.0, 1.0, (n, k))
    return X, Z


def direct_grid(mlp: MLP, X, Z, a, b, a_values, b_values) -> np.ndarray:
    """The definition, one grid point at a time."""
    net = mlp.copy()
    ia, ib = net.param_index(a), net.param_index(b)
    out = np.empty((len(a_values), len(b_values)))
    for i, j in itertools.product(range(len(a_values)), range(len(b_values))):
        net.params[ia] = a_values[i]
        net.params[ib] = b_values[j]
        out[i, j] = net.loss_value(X, Z)
    return out


def around(mlp: MLP, param: tuple, offsets) -> np.ndarray:
    return mlp.params[mlp.param_index(param)] + np.asarray(offsets, dtype=float)


A_OFFSETS = [-2.0, -0.3, 0.0, 1.7]
B_OFFSETS = [-1.1, 0.0, 2.5]


def sig_2_6_1() -> MLP:
    return MLP((2, 6, 1), "sigmoid", "sigmoid", seed=3)


def tanh_2_4_3_1() -> MLP:
    return MLP((2, 4, 3, 1), "tanh", "sigmoid", seed=4)


def softmax_2_5_3() -> MLP:
    return MLP((2, 5, 3), "relu", "softmax", seed=5)


def linear_out() -> MLP:
    return MLP((3, 4, 2), "relu", "linear", seed=6)


def relu_out() -> MLP:
    return MLP((2, 3, 2), "tanh", "relu", seed=7)


def bernoulli_out() -> MLP:
    return MLP((2, 3, 4, 2), ["sigmoid", "relu"], "sigmoid", loss="cross-entropy", seed=8)


def deep() -> MLP:
    return MLP((2, 3, 3, 3, 2), ["tanh", "sigmoid", "relu"], "linear", seed=9)


CASES = {
    "layer0_different_nodes": (sig_2_6_1, ("w", 0, 0, 0), ("w", 0, 3, 1)),
    "layer0_same_node": (sig_2_6_1, ("w", 0, 2, 0), ("w", 0, 2, 1)),
    "weight_and_bias_same_node": (sig_2_6_1, ("w", 0, 1, 0), ("b", 0, 1)),
    "weight_and_bias_other_nodes": (sig_2_6_1, ("b", 0, 4), ("w", 0, 1, 1)),
    "output_weights": (sig_2_6_1, ("w", 1, 0, 2), ("w", 1, 0, 5)),
    "output_bias_and_weight": (sig_2_6_1, ("b", 1, 0), ("w", 1, 0, 2)),
    "first_and_output_layer": (sig_2_6_1, ("w", 0, 2, 1), ("w", 1, 0, 4)),
    "output_weight_fed_by_a": (sig_2_6_1, ("w", 0, 2, 1), ("w", 1, 0, 2)),
    "output_bias_and_first_layer": (sig_2_6_1, ("b", 1, 0), ("w", 0, 5, 0)),
    "layers_0_and_2": (tanh_2_4_3_1, ("w", 0, 1, 0), ("w", 2, 0, 2)),
    "layers_0_and_1": (tanh_2_4_3_1, ("w", 0, 1, 1), ("w", 1, 2, 3)),
    "layers_0_and_1_fed_by_a": (tanh_2_4_3_1, ("w", 0, 1, 1), ("w", 1, 2, 1)),
    "layers_0_and_1_bias": (tanh_2_4_3_1, ("b", 0, 3), ("b", 1, 0)),
    "layer1_different_nodes": (tanh_2_4_3_1, ("w", 1, 0, 1), ("w", 1, 2, 0)),
    "layer1_same_node": (tanh_2_4_3_1, ("w", 1, 1, 1), ("b", 1, 1)),
    "output_bias_deep": (tanh_2_4_3_1, ("b", 2, 0), ("w", 1, 0, 0)),
    "softmax_output_different_nodes": (softmax_2_5_3, ("w", 1, 0, 2), ("w", 1, 2, 4)),
    "softmax_output_same_node": (softmax_2_5_3, ("b", 1, 1), ("w", 1, 1, 0)),
    "softmax_hidden": (softmax_2_5_3, ("w", 0, 1, 0), ("b", 0, 3)),
    "softmax_across": (softmax_2_5_3, ("w", 0, 2, 1), ("b", 1, 1)),
    "linear_output_different_nodes": (linear_out, ("w", 1, 0, 1), ("b", 1, 1)),
    "linear_output_across": (linear_out, ("w", 0, 3, 2), ("w", 1, 1, 3)),
    "relu_output": (relu_out, ("w", 0, 0, 1), ("w", 1, 1, 2)),
    "relu_output_same_layer": (relu_out, ("w", 1, 0, 1), ("w", 1, 1, 1)),
    "bernoulli_output": (bernoulli_out, ("w", 1, 3, 2), ("w", 2, 1, 3)),
    "bernoulli_hidden": (bernoulli_out, ("w", 0, 0, 0), ("w", 0, 2, 1)),
    "deep_first_and_last": (deep, ("w", 0, 1, 0), ("w", 3, 1, 2)),
    "deep_middle": (deep, ("w", 1, 0, 2), ("b", 2, 1)),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_loss_grid_matches_direct_loop(case):
    factory, a, b = CASES[case]
    mlp = factory()
    X, Z = make_data(mlp, 23, seed=len(case))
    before = mlp.params.copy()
    av, bv = around(mlp, a, A_OFFSETS), around(mlp, b, B_OFFSETS)
    grid = loss_grid(mlp, X, Z, a, b, av, bv)
    assert grid.shape == (4, 3)
    np.testing.assert_allclose(grid, direct_grid(mlp, X, Z, a, b, av, bv), rtol=RTOL, atol=ATOL)
    # The network is untouched, and the grid passes through its current loss.
    np.testing.assert_array_equal(mlp.params, before)
    np.testing.assert_allclose(grid[2, 1], mlp.loss_value(X, Z), rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("case", ["layer0_different_nodes", "layers_0_and_2", "softmax_across"])
def test_loss_grid_is_symmetric_in_the_roles_of_a_and_b(case):
    factory, a, b = CASES[case]
    mlp = factory()
    X, Z = make_data(mlp, 11, seed=1)
    av, bv = around(mlp, a, A_OFFSETS), around(mlp, b, B_OFFSETS)
    np.testing.assert_allclose(
        loss_grid(mlp, X, Z, a, b, av, bv),
        loss_grid(mlp, X, Z, b, a, bv, av).T,
        rtol=RTOL,
        atol=ATOL,
    )


@pytest.mark.parametrize(
    "case",
    [
        "layer0_different_nodes",
        "layer0_same_node",
        "first_and_output_layer",
        "layers_0_and_1_fed_by_a",
        "output_bias_deep",
        "softmax_output_different_nodes",
        "bernoulli_output",
        "deep_middle",
    ],
)
def test_blocks_row_chunks_and_threads_give_the_same_grid(case, monkeypatch):
    factory, a, b = CASES[case]
    mlp = factory()
    X, Z = make_data(mlp, 29, seed=2)
    rng = np.random.default_rng(0)
    av = around(mlp, a, rng.normal(0, 2, 9))
    bv = around(mlp, b, rng.normal(0, 2, 7))
    whole = loss_grid(mlp, X, Z, a, b, av, bv, threads=1)
    # Tiny budgets: many blocks of a few grid points and several row chunks.
    monkeypatch.setattr(grid_eval, "_BLOCK_BYTES", 3 * 29 * 8 * 4)
    monkeypatch.setattr(grid_eval, "_PRECOMPUTE_ELEMENTS", 16 * 20 * 10)
    chunked = loss_grid(mlp, X, Z, a, b, av, bv, threads=3)
    np.testing.assert_allclose(chunked, whole, rtol=RTOL, atol=ATOL)
    picks = [0, 4, 8], [1, 6]
    np.testing.assert_allclose(
        chunked[np.ix_(*picks)],
        direct_grid(mlp, X, Z, a, b, av[picks[0]], bv[picks[1]]),
        rtol=RTOL,
        atol=ATOL,
    )


def all_params(mlp: MLP) -> list[tuple]:
    params = []
    for layer, (n_in, n_out) in enumerate(itertools.pairwise(mlp.layer_sizes)):
        for node in range(n_out):
            params.append(("b", layer, node))
            params.extend(("w", layer, node, i) for i in range(n_in))
    return params


@st.composite
def networks_and_pairs(draw):
    depth = draw(st.integers(1, 3))
    sizes = [draw(st.integers(1, 3)) for _ in range(depth + 1)]
    hidden = [draw(st.sampled_from(["sigmoid", "tanh", "relu", "linear"])) for _ in sizes[2:]]
    output, loss = draw(
        st.sampled_from(
            [
                ("sigmoid", "mse"),
                ("sigmoid", "cross-entropy"),
                ("tanh", "mse"),
                ("relu", "mse"),
                ("linear", "mse"),
                ("softmax", "cross-entropy"),
            ]
        )
    )
    mlp = MLP(sizes, hidden, output, loss=loss, seed=draw(st.integers(0, 1000)))
    params = all_params(mlp)  # even a 1-1 network has a weight and a bias
    i, j = draw(st.lists(st.integers(0, len(params) - 1), min_size=2, max_size=2, unique=True))
    return mlp, params[i], params[j], draw(st.integers(0, 1000))


@settings(max_examples=60, deadline=None)
@given(networks_and_pairs())
def test_loss_grid_matches_direct_loop_on_random_networks(drawn):
    mlp, a, b, seed = drawn
    X, Z = make_data(mlp, 7, seed)
    rng = np.random.default_rng(seed)
    av, bv = around(mlp, a, rng.normal(0, 2, 2)), around(mlp, b, rng.normal(0, 2, 3))
    np.testing.assert_allclose(
        loss_grid(mlp, X, Z, a, b, av, bv),
        direct_grid(mlp, X, Z, a, b, av, bv),
        rtol=RTOL,
        atol=ATOL,
    )


def test_loss_grid_shapes():
    mlp = sig_2_6_1()
    X, Z = make_data(mlp, 5, seed=0)
    a, b = ("w", 0, 0, 0), ("b", 1, 0)
    assert loss_grid(mlp, X, Z, a, b, np.linspace(-1, 1, 7), [0.0, 1.0]).shape == (7, 2)
    assert loss_grid(mlp, X, Z, a, b, [0.5], np.linspace(-1, 1, 9)).shape == (1, 9)
    empty = loss_grid(mlp, X, Z, a, b, [], [0.0, 1.0, 2.0])
    assert empty.shape == (0, 3)
    # One row given as a 1-D vector, as MLP.loss_value accepts it.
    row = loss_grid(mlp, X[0], Z[0], a, b, [0.1, 0.2], [0.3])
    np.testing.assert_allclose(row, direct_grid(mlp, X[:1], Z[:1], a, b, [0.1, 0.2], [0.3]))


def test_float32_is_close_to_float64():
    mlp = MLP((2, 8, 1), "sigmoid", "sigmoid", seed=1)
    X, Z = make_data(mlp, 200, seed=3)
    a, b = ("w", 0, 0, 0), ("w", 0, 5, 1)
    av, bv = around(mlp, a, np.linspace(-3, 3, 15)), around(mlp, b, np.linspace(-3, 3, 12))
    exact = loss_grid(mlp, X, Z, a, b, av, bv)
    fast = loss_grid(mlp, X, Z, a, b, av, bv, dtype=np.float32)
    assert fast.dtype == np.float64
    np.testing.assert_allclose(fast, exact, rtol=1e-5)
    pca = trajectory_pca(trained_path(mlp))
    alphas, betas = grid_extent(pca.coords, n=7)
    np.testing.assert_allclose(
        pca_loss_grid(mlp, X, Z, pca, alphas, betas, dtype=np.float32),
        pca_loss_grid(mlp, X, Z, pca, alphas, betas),
        rtol=1e-5,
    )


def test_float32_saturated_cross_entropy_stays_finite():
    mlp = MLP((1, 1), "sigmoid", "sigmoid", loss="cross-entropy", seed=0)
    X, Z = np.array([[1.0], [-1.0]]), np.array([[0.0], [1.0]])
    # w = ±60 drives the output to within 1e-26 of 0 or 1.
    grid = loss_grid(mlp, X, Z, ("w", 0, 0, 0), ("b", 0, 0), [-60.0, 60.0], [0.0], dtype="float32")
    assert np.isfinite(grid).all()
    assert grid[1, 0] > 10.0  # confidently wrong on both rows


def test_loss_grid_refuses_the_same_parameter_twice():
    mlp = sig_2_6_1()
    X, Z = make_data(mlp, 5, seed=0)
    with pytest.raises(ValueError, match="two different parameters"):
        loss_grid(mlp, X, Z, ("w", 0, 1, 1), ("w", 0, 1, 1), [0.0], [1.0])


@pytest.mark.parametrize(
    ("param", "error", "match"),
    [
        (("w", 0, 0), ValueError, "must be"),
        (("b", 0, 0, 0), ValueError, "must be"),
        (("x", 0, 0), ValueError, "must be"),
        ("w000", ValueError, "must be"),
        (("w", 0, "a", 0), ValueError, "integer"),
        (("w", 2, 0, 0), IndexError, "layer must be 0 … 1"),
        (("b", -1, 0), IndexError, "layer must be"),
        (("w", 0, 6, 0), IndexError, "nodes 0 … 5"),
        (("w", 1, 0, 6), IndexError, "inputs 0 … 5"),
        (("b", 1, 1), IndexError, "nodes 0 … 0"),
    ],
)
def test_bad_parameters_are_named(param, error, match):
    mlp = sig_2_6_1()
    X, Z = make_data(mlp, 5, seed=0)
    with pytest.raises(error, match=match):
        loss_grid(mlp, X, Z, param, ("b", 1, 0), [0.0], [1.0])
    with pytest.raises(error, match=match):
        loss_grid(mlp, X, Z, ("b", 1, 0), param, [0.0], [1.0])


def test_bad_data_and_options_are_refused():
    mlp = sig_2_6_1()
    X, Z = make_data(mlp, 5, seed=0)
    a, b = ("w", 0, 0, 0), ("b", 1, 0)
    with pytest.raises(ValueError, match="rows of 2 inputs"):
        loss_grid(mlp, X[:, :1], Z, a, b, [0.0], [1.0])
    with pytest.raises(ValueError, match="no rows"):
        loss_grid(mlp, X[:0], Z[:0], a, b, [0.0], [1.0])
    with pytest.raises(ValueError, match="Z has 4 values"):
        loss_grid(mlp, X, Z[:4], a, b, [0.0], [1.0])
    with pytest.raises(ValueError, match="one-dimensional"):
        loss_grid(mlp, X, Z, a, b, [[0.0]], [1.0])
    with pytest.raises(ValueError, match="threads"):
        loss_grid(mlp, X, Z, a, b, [0.0], [1.0], threads=0)
    with pytest.raises(ValueError, match="dtype"):
        loss_grid(mlp, X, Z, a, b, [0.0], [1.0], dtype=np.int64)


# -- trajectory PCA ----------------------------------------------------------------


def plane_path(P: int = 20, T: int = 15, seed: int = 0):
    """A path in the plane w_final + span(u, v), with u, v orthonormal."""
    rng = np.random.default_rng(seed)
    u, v = np.linalg.qr(rng.normal(size=(P, 2)))[0].T
    final = rng.normal(size=P)
    t = np.linspace(0.0, 1.0, T)
    coef = np.stack([3.0 * (1.0 - t), np.sin(3.0 * t) * (1.0 - t)], axis=1)
    return final + coef @ np.stack([u, v]), u, v, final


def test_pca_of_a_planar_path_recovers_the_plane():
    path, u, v, final = plane_path()
    pca = trajectory_pca(path)
    d = pca.directions
    assert d.shape == (2, 20) and pca.coords.shape == (15, 2) and pca.explained.shape == (2,)
    np.testing.assert_allclose(d @ d.T, np.eye(2), atol=1e-12)
    # u and v lie in span(d₁, d₂): projecting them loses nothing.
    np.testing.assert_allclose(np.linalg.norm(d @ np.stack([u, v]).T, axis=0), 1.0, atol=1e-12)
    assert pca.explained.sum() == pytest.approx(1.0, abs=1e-12)
    assert 1.0 >= pca.explained[0] >= pca.explained[1] > 0.0
    np.testing.assert_allclose(pca.origin, final, atol=1e-12)
    np.testing.assert_allclose(pca.origin + pca.coords @ d, path, atol=1e-12)
    np.testing.assert_array_equal(pca.coords[-1], [0.0, 0.0])


def test_pca_explained_is_the_share_of_squared_distance():
    rng = np.random.default_rng(1)
    path = rng.normal(size=(12, 30)).cumsum(axis=0)
    pca = trajectory_pca(path)
    M = path - path[-1]
    share = np.linalg.norm(M @ pca.directions.T, axis=0) ** 2 / np.sum(M**2)
    np.testing.assert_allclose(pca.explained, share, rtol=1e-10)
    assert pca.explained.sum() < 1.0  # a random walk is not planar
    # No other unit direction captures more than d₁.
    for w in rng.normal(size=(20, 30)):
        w /= np.linalg.norm(w)
        assert np.sum((M @ w) ** 2) <= np.sum((M @ pca.directions[0]) ** 2) * (1 + 1e-12)


def test_pca_signs_are_deterministic():
    path, *_ = plane_path(seed=2)
    first, again = trajectory_pca(path), trajectory_pca(path.copy())
    np.testing.assert_array_equal(first.directions, again.directions)
    for d in first.directions:
        assert d[np.argmax(np.abs(d))] > 0
    # Mirroring the path about its end point leaves the directions as they were.
    mirrored = trajectory_pca(2 * path[-1] - path)
    np.testing.assert_allclose(mirrored.directions, first.directions, atol=1e-12)
    np.testing.assert_allclose(mirrored.coords, -first.coords, atol=1e-12)


@pytest.mark.parametrize(
    "path",
    [np.ones((1, 5)), np.tile(np.arange(4.0), (6, 1))],
    ids=["one_point", "never_moves"],
)
def test_pca_of_a_path_that_does_not_move(path):
    pca = trajectory_pca(path)
    np.testing.assert_array_equal(pca.directions, np.eye(2, path.shape[1]))
    np.testing.assert_array_equal(pca.explained, [0.0, 0.0])
    np.testing.assert_array_equal(pca.coords, np.zeros((path.shape[0], 2)))


def test_pca_of_a_straight_path():
    rng = np.random.default_rng(3)
    step = rng.normal(size=8)
    path = np.outer(np.linspace(2.0, 0.0, 5), step) + rng.normal(size=8)
    pca = trajectory_pca(path)
    assert np.isfinite(pca.directions).all()
    np.testing.assert_allclose(pca.directions @ pca.directions.T, np.eye(2), atol=1e-12)
    np.testing.assert_allclose(abs(pca.directions[0] @ step), np.linalg.norm(step), rtol=1e-12)
    assert pca.explained[0] == pytest.approx(1.0)
    assert pca.explained[1] == 0.0
    np.testing.assert_allclose(pca.coords[:, 1], 0.0, atol=1e-12)


def test_pca_of_a_single_parameter():
    pca = trajectory_pca(np.array([[3.0], [1.0], [2.0]]))
    np.testing.assert_array_equal(pca.directions, [[1.0], [0.0]])
    np.testing.assert_array_equal(pca.explained, [1.0, 0.0])
    np.testing.assert_array_equal(pca.coords, [[1.0, 0.0], [-1.0, 0.0], [0.0, 0.0]])


def test_pca_refuses_bad_paths_and_is_immutable():
    with pytest.raises(ValueError, match="shape"):
        trajectory_pca(np.zeros(4))
    with pytest.raises(ValueError, match="shape"):
        trajectory_pca(np.zeros((0, 4)))
    with pytest.raises(ValueError, match="NaN"):
        trajectory_pca(np.array([[0.0, np.nan], [1.0, 1.0]]))
    pca = trajectory_pca(plane_path()[0])
    assert isinstance(pca, TrajectoryPCA)
    with pytest.raises(dataclasses.FrozenInstanceError):
        pca.origin = np.zeros(20)
    with pytest.raises(ValueError, match="read-only"):
        pca.directions[0, 0] = 1.0


def test_params_at():
    path, *_ = plane_path()
    pca = trajectory_pca(path)
    np.testing.assert_allclose(pca.params_at(*pca.coords[3]), path[3], atol=1e-12)


def trained_path(mlp: MLP, T: int = 12, seed: int = 0) -> np.ndarray:
    """A random walk through parameter space ending at the network's parameters."""
    rng = np.random.default_rng(seed)
    walk = np.cumsum(rng.normal(0.0, 0.2, (T, mlp.n_params)), axis=0)
    return mlp.params + walk - walk[-1]


@pytest.mark.parametrize("factory", [sig_2_6_1, softmax_2_5_3, deep, bernoulli_out])
def test_pca_loss_grid_matches_direct_evaluation(factory):
    mlp = factory()
    X, Z = make_data(mlp, 17, seed=4)
    pca = trajectory_pca(trained_path(mlp))
    alphas, betas = np.array([-1.5, 0.0, 0.4, 2.0]), np.array([0.0, -0.7, 1.1])
    before = mlp.params.copy()
    grid = pca_loss_grid(mlp, X, Z, pca, alphas, betas)
    assert grid.shape == (4, 3)
    np.testing.assert_array_equal(mlp.params, before)
    assert grid[1, 0] == pytest.approx(mlp.loss_value(X, Z, params=pca.origin), rel=RTOL)
    direct = [[mlp.loss_value(X, Z, params=pca.params_at(al, be)) for be in betas] for al in alphas]
    np.testing.assert_allclose(grid, direct, rtol=RTOL, atol=ATOL)


def test_pca_loss_grid_uses_the_pca_not_the_networks_parameters(monkeypatch):
    mlp = sig_2_6_1()
    X, Z = make_data(mlp, 31, seed=5)
    pca = trajectory_pca(trained_path(mlp))
    alphas, betas = grid_extent(pca.coords, n=9)
    first = pca_loss_grid(mlp, X, Z, pca, alphas, betas)
    other = mlp.copy()
    other.initialize(seed=99)
    np.testing.assert_allclose(pca_loss_grid(other, X, Z, pca, alphas, betas), first, rtol=RTOL)
    monkeypatch.setattr(grid_eval, "_BLOCK_BYTES", 2 * 31 * 3 * 6 * 8)
    monkeypatch.setattr(grid_eval, "_PRECOMPUTE_ELEMENTS", 18 * 6 * 8)
    chunked = pca_loss_grid(mlp, X, Z, pca, alphas, betas, threads=2)
    np.testing.assert_allclose(chunked, first, rtol=RTOL, atol=ATOL)


def test_pca_loss_grid_refuses_another_networks_pca():
    mlp = sig_2_6_1()
    X, Z = make_data(mlp, 5, seed=0)
    pca = trajectory_pca(np.zeros((3, mlp.n_params + 1)))
    with pytest.raises(ValueError, match="parameters"):
        pca_loss_grid(mlp, X, Z, pca, [0.0], [0.0])


def test_grid_extent_covers_the_path_with_a_margin():
    coords = np.array([[0.0, 0.0], [2.0, -1.0], [4.0, 1.0]])
    alphas, betas = grid_extent(coords, margin=0.25, n=11)
    assert alphas.shape == betas.shape == (11,)
    assert np.all(np.diff(alphas) > 0) and np.all(np.diff(betas) > 0)
    np.testing.assert_allclose([alphas[0], alphas[-1]], [-1.0, 5.0])
    np.testing.assert_allclose([betas[0], betas[-1]], [-1.5, 1.5])


def test_grid_extent_of_degenerate_paths():
    alphas, betas = grid_extent(np.array([[3.0, -2.0]]), n=5)
    for values, centre in ((alphas, 3.0), (betas, -2.0)):
        assert values[-1] - values[0] > 0
        assert values[0] < centre < values[-1]
    # A straight path still gets a usable width across it.
    alphas, betas = grid_extent(np.array([[0.0, 0.0], [10.0, 1e-15]]), margin=0.0)
    assert betas[-1] - betas[0] == pytest.approx(1.0)
    assert alphas[-1] - alphas[0] == pytest.approx(10.0)
    with pytest.raises(ValueError, match="n must"):
        grid_extent(np.zeros((2, 2)), n=1)
    with pytest.raises(ValueError, match="shape"):
        grid_extent(np.zeros((2, 3)))


def test_bench_reports_timings_and_agreement():
    result = bench_loss_grid(grid=6, rows=20, hidden=3, repeats=1, naive_rows=2)
    assert result["naive_fraction"] == pytest.approx(2 / 6)
    for key in (
        "different_nodes_s",
        "different_nodes_1thread_s",
        "different_nodes_float32_s",
        "same_node_s",
        "output_layer_s",
        "across_layers_s",
        "pca_50x50_s",
        "naive_s",
    ):
        assert result[key] > 0
    assert result["max_abs_diff"] < 1e-12
    assert result["speedup"] == pytest.approx(result["naive_s"] / result["different_nodes_s"])
