"""Built-in examples: shapes, roles, the tutorial's numbers, reproducibility."""

import numpy as np
import pytest

from mlpviz.data import EXAMPLES, FIXED, Example, MinMaxScaler, load_example, select

GENERATED = sorted(set(EXAMPLES) - FIXED)
ONE_INPUT = {"sine"}
CLASSIFICATION = {"and", "or", "xor", "circle", "xor-quadrants", "gaussians", "spiral", "moons"}
# Examples with a class column (labels 0 … k−1) instead of the tutorial's Z0 targets.
CLASS_COLUMN = {"spiral-3", "blobs-3", "digits"}


@pytest.mark.parametrize("name", sorted(set(EXAMPLES) - CLASS_COLUMN))
def test_every_example_has_its_documented_shape(name):
    ex = load_example(name)
    assert isinstance(ex, Example) and ex.name == name and ex.description
    n_in = 1 if name in ONE_INPUT else 2
    rows = 4 if name in FIXED else 200
    assert ex.values.shape == (rows, n_in + 1)
    assert ex.inputs == tuple(f"I{j}" for j in range(n_in)) and ex.targets == ("Z0",)
    assert ex.columns == ex.inputs + ex.targets
    assert ex.dataset.path is None
    assert np.isfinite(ex.values).all()
    assert ex.X.shape == (rows, n_in) and ex.Z.shape == (rows, 1)
    X, Z = select(ex, ex.inputs, ex.targets)
    assert np.array_equal(X, ex.X) and np.array_equal(Z, ex.Z)
    assert ex.task == ("classification" if name in CLASSIFICATION else "regression")
    if ex.task == "classification":
        assert set(np.unique(ex.Z)) == {0.0, 1.0}


def test_exam_scores_are_the_tutorials_tables():
    assert load_example("exam-scores").values.tolist() == [
        [70, 98, 91],
        [50, 85, 82],
        [65, 67, 80],
        [25, 95, 68],
    ]
    assert load_example("exam-scores-training").values.tolist() == [
        [70, 100, 90],
        [50, 85, 80],
        [65, 70, 80],
        [30, 95, 70],
    ]


def test_normalized_first_row_is_the_worked_forward_pass_input():
    ex = load_example("exam-scores")
    x = MinMaxScaler(0, 1).fit_transform(ex.X)
    assert x[0].tolist() == [1.0, 1.0]


@pytest.mark.parametrize(
    ("name", "truth"), [("and", [0, 0, 0, 1]), ("or", [0, 1, 1, 1]), ("xor", [0, 1, 1, 0])]
)
def test_logic_gates(name, truth):
    ex = load_example(name)
    assert ex.X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert ex.Z[:, 0].tolist() == truth


@pytest.mark.parametrize("name", GENERATED)
def test_generated_sets_are_reproducible_and_seeded(name):
    a = load_example(name, n=60, noise=0.2, seed=3)
    b = load_example(name, n=60, noise=0.2, seed=3)
    c = load_example(name, n=60, noise=0.2, seed=4)
    assert a.values.shape == (60, b.values.shape[1])
    assert np.array_equal(a.values, b.values)
    assert not np.array_equal(a.values, c.values)


@pytest.mark.parametrize("name", GENERATED)
def test_noise_changes_generated_sets(name):
    clean = load_example(name, n=50, noise=0.0, seed=1)
    noisy = load_example(name, n=50, noise=0.3, seed=1)
    assert not np.array_equal(clean.values, noisy.values)


@pytest.mark.parametrize("n", [2, 3, 101])
def test_classes_are_balanced(n):
    # xor-quadrants is left out: its class is the quadrant a uniform point falls in.
    for name in sorted(CLASSIFICATION - FIXED - {"xor-quadrants"}):
        z = load_example(name, n=n).Z[:, 0]
        assert len(z) == n and abs(int(z.sum()) - (n - int(z.sum()))) <= 1


def test_clean_circle_separates_the_classes():
    ex = load_example("circle", n=400, noise=0.0)
    r = np.hypot(ex.X[:, 0], ex.X[:, 1])
    assert r[ex.Z[:, 0] == 1].max() <= 2.5 < 3.5 <= r[ex.Z[:, 0] == 0].min()


def test_clean_xor_quadrants_label_is_the_sign_of_the_product():
    ex = load_example("xor-quadrants", n=300, noise=0.0)
    assert np.array_equal(ex.Z[:, 0] == 1, ex.X[:, 0] * ex.X[:, 1] > 0)


def test_clean_regression_targets():
    plane = load_example("plane", noise=0.0)
    assert np.allclose(plane.Z[:, 0], plane.X.sum(axis=1) / 12)
    sine = load_example("sine", noise=0.0)
    assert np.allclose(sine.Z[:, 0], np.sin(sine.X[:, 0]))
    bumps = load_example("gaussian-regression", noise=0.0)
    assert np.all(np.abs(bumps.Z) <= 1.0)


def test_fixed_tables_ignore_generation_arguments():
    assert np.array_equal(load_example("xor", n=999, seed=5).values, load_example("xor").values)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"name": "nope"}, "unknown example"),
        ({"name": "circle", "n": 1}, "n must"),
        ({"name": "circle", "noise": -1}, "noise must"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        load_example(**kwargs)
