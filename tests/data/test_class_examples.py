"""Built-in examples with a class column: three-class sets and the 8×8 digits."""

import gzip
from importlib import resources

import numpy as np
import pytest

from mlpviz.data import EXAMPLES, FIXED, load_example
from mlpviz.data.digits import RESOURCE, load_digits
from mlpviz.data.encoding import infer_task
from mlpviz.data.problem import prepare

THREE_CLASS = ["spiral-3", "blobs-3"]


def test_class_column_examples_are_exactly_the_multi_class_ones():
    flagged = {name for name in EXAMPLES if load_example(name).class_column}
    assert flagged == {"spiral-3", "blobs-3", "digits"}
    assert "digits" in FIXED and not set(THREE_CLASS) & FIXED


def test_digits_load_with_1797_rows_64_inputs_10_classes():
    ex = load_example("digits")
    assert ex.values.shape == (1797, 65)
    assert ex.inputs == tuple(f"I{j}" for j in range(64)) and ex.targets == ("digit",)
    assert ex.task == "classification" and ex.prepare_task == "classification"
    pixels = ex.X
    assert np.array_equal(pixels, np.round(pixels)) and pixels.min() == 0 and pixels.max() == 16
    labels = ex.Z[:, 0].astype(int)
    assert np.array_equal(np.unique(labels), np.arange(10))
    assert np.bincount(labels).min() >= 170  # every digit about a tenth of the rows
    problem = prepare(ex.dataset, ex.inputs, ex.targets, task=ex.prepare_task, name=ex.name)
    assert problem.X.shape == (1797, 64) and problem.Z.shape == (1797, 10)
    assert problem.target_names == tuple(str(d) for d in range(10))
    assert np.array_equal(problem.Z.argmax(axis=1), labels)
    # The CLI's "auto" task sees the class column as classes too.
    assert infer_task(ex.dataset, ex.targets) == "classification"


def test_digits_resource_is_package_data_read_once():
    data = resources.files("mlpviz.data").joinpath(RESOURCE).read_bytes()
    lines = gzip.decompress(data).decode("ascii").splitlines()
    assert len(lines) == 1 + 1797
    pixels, labels = load_digits()
    assert load_digits()[0] is pixels  # cached: the file is read once
    assert not pixels.flags.writeable and not labels.flags.writeable
    assert [int(v) for v in lines[1].split(",")] == [*pixels[0].astype(int), labels[0]]
    # An image of ink: the border columns hold less ink than the centre ones.
    images = pixels.reshape(-1, 8, 8)
    assert images[:, :, [0, 7]].mean() < images[:, :, [3, 4]].mean()


@pytest.mark.parametrize("name", THREE_CLASS)
@pytest.mark.parametrize("n", [3, 100, 200, 301])
def test_three_class_sets_are_balanced_two_inputs(name, n):
    ex = load_example(name, n=n)
    assert ex.values.shape == (n, 3) and ex.inputs == ("I0", "I1") and ex.targets == ("class",)
    counts = np.bincount(ex.Z[:, 0].astype(int), minlength=3)
    assert len(counts) == 3 and counts.sum() == n and counts.max() - counts.min() <= 1
    assert np.isfinite(ex.values).all()


def test_clean_three_spiral_arms_are_rotations_of_each_other():
    ex = load_example("spiral-3", n=300, noise=0.0)
    arms = [ex.X[ex.Z[:, 0] == k] for k in range(3)]
    c, s = np.cos(-2 * np.pi / 3), np.sin(-2 * np.pi / 3)
    turn = np.array([[c, -s], [s, c]])  # the arms wind clockwise: arm k+1 is arm k turned by −120°
    assert np.allclose(arms[0] @ turn.T, arms[1]) and np.allclose(arms[1] @ turn.T, arms[2])
    assert np.hypot(*ex.X.T).max() < 5.0


def test_clean_blobs_sit_at_their_centres():
    ex = load_example("blobs-3", n=3000, noise=0.0)
    for k in range(3):
        angle = np.pi / 2 + k * 2 * np.pi / 3
        centre = ex.X[ex.Z[:, 0] == k].mean(axis=0)
        assert np.hypot(*(centre - 3 * np.array([np.cos(angle), np.sin(angle)]))) < 0.1


def test_three_class_sets_need_three_rows():
    with pytest.raises(ValueError, match="n must be an integer ≥ 3"):
        load_example("blobs-3", n=2)
