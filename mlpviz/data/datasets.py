"""Built-in datasets: the tutorial's exam scores, logic gates, playground classics,
three-class sets and the 8×8 handwritten digits.

Every example has inputs ``I0, I1, …``. Two-class and regression examples
have targets ``Z0, …``, the tutorial's naming: two-class targets are 0/1 (a
sigmoid output's range); regression targets lie in about [−1, 1] (a tanh
output's range). Examples with more classes have one class column (``class``
or ``digit``) of labels 0 … k−1, one network output per class
(:attr:`Example.class_column`). Generated sets are drawn from
``np.random.default_rng(seed)``, so the same (n, noise, seed) always gives
the same numbers.

The generators follow the TensorFlow playground (``dataset.ts``): points in
about [−6, 6]², radius 5; ``moons`` follows scikit-learn's ``make_moons``.
``noise`` is relative: 0 is clean, 0.5 is very noisy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from mlpviz.data.dataset import Dataset
from mlpviz.data.digits import load_digits

Array = np.ndarray

DEFAULT_N = 200
DEFAULT_NOISE = 0.1
_RADIUS = 5.0


@dataclass(frozen=True, eq=False)
class Example:
    """A built-in dataset with its column roles.

    Attributes
    ----------
    name : str
        The registry key, e.g. ``"exam-scores"``.
    description : str
        One sentence for menus and ``--help``.
    dataset : Dataset
        The table; ``path`` is None.
    inputs, targets : tuple of str
        Column names of the inputs and the targets.
    task : str
        ``"classification"`` or ``"regression"``.
    class_column : bool
        True when the one target column holds class labels 0 … k−1, to be
        prepared with ``task="classification"`` (one output per class);
        False when the targets are numbers taken as they are (0/1 for two
        classes).
    """

    name: str
    description: str
    dataset: Dataset
    inputs: tuple[str, ...]
    targets: tuple[str, ...]
    task: str
    class_column: bool = False

    @property
    def prepare_task(self) -> str:
        """The ``task`` argument of :func:`mlpviz.data.problem.prepare` for this example."""
        return "classification" if self.class_column else "regression"

    @property
    def columns(self) -> tuple[str, ...]:
        """All column names, inputs first."""
        return self.dataset.columns

    @property
    def values(self) -> Array:
        """The table, shape (n, n_inputs + n_targets), read-only."""
        return self.dataset.values

    @property
    def X(self) -> Array:
        """Input columns, shape (n, n_inputs)."""
        return self.values[:, : len(self.inputs)]

    @property
    def Z(self) -> Array:
        """Target columns, shape (n, n_targets)."""
        return self.values[:, len(self.inputs) :]


def _example(name: str, description: str, inputs: Array, targets: Array, task: str) -> Example:
    x = np.asarray(inputs, dtype=np.float64).reshape(len(inputs), -1)
    z = np.asarray(targets, dtype=np.float64).reshape(len(targets), -1)
    ins = tuple(f"I{j}" for j in range(x.shape[1]))
    outs = tuple(f"Z{j}" for j in range(z.shape[1]))
    dataset = Dataset(columns=ins + outs, values=np.hstack([x, z]))
    return Example(name, description, dataset, ins, outs, task)


def _class_example(
    name: str, description: str, inputs: Array, labels: Array, target: str = "class"
) -> Example:
    x = np.asarray(inputs, dtype=np.float64).reshape(len(inputs), -1)
    ins = tuple(f"I{j}" for j in range(x.shape[1]))
    values = np.hstack([x, np.asarray(labels, dtype=np.float64)[:, None]])
    dataset = Dataset(columns=(*ins, target), values=values)
    return Example(name, description, dataset, ins, (target,), "classification", True)


# -- fixed tables ----------------------------------------------------------------

# The MLP tutorial, "STEP 2 - NORMALIZATION": the table the normalization and the
# worked forward pass use (min-max [0, 1] of row 1 is x = (1.0, 1.0)).
EXAM_SCORES = np.array([[70, 98, 91], [50, 85, 82], [65, 67, 80], [25, 95, 68]], dtype=float)
# The MLP tutorial, "THE TRAINING DATASET": printed earlier in the text, with
# different numbers (docs/tutorial-notes.md, item 1).
EXAM_SCORES_TRAINING = np.array(
    [[70, 100, 90], [50, 85, 80], [65, 70, 80], [30, 95, 70]], dtype=float
)
_GATE_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
for _table in (EXAM_SCORES, EXAM_SCORES_TRAINING, _GATE_INPUTS):
    _table.flags.writeable = False  # shared module constants


def exam_scores(n: int | None = None, noise: float | None = None, seed: int = 0) -> Example:
    """The tutorial's normalization table (4 rows; n, noise and seed are ignored)."""
    return _example(
        "exam-scores",
        "The tutorial's exam scores used for normalization and the worked forward pass "
        "(2 scores in, 1 out; 4 rows).",
        EXAM_SCORES[:, :2],
        EXAM_SCORES[:, 2:],
        "regression",
    )


def exam_scores_training(
    n: int | None = None, noise: float | None = None, seed: int = 0
) -> Example:
    """The tutorial's 'training dataset' table (4 rows; n, noise and seed are ignored)."""
    return _example(
        "exam-scores-training",
        "The tutorial's 'training dataset' of exam scores (2 scores in, 1 out; 4 rows).",
        EXAM_SCORES_TRAINING[:, :2],
        EXAM_SCORES_TRAINING[:, 2:],
        "regression",
    )


def _gate(name: str, truth: Callable[[Array, Array], Array]) -> Callable[..., Example]:
    def make(n: int | None = None, noise: float | None = None, seed: int = 0) -> Example:
        a, b = _GATE_INPUTS[:, 0], _GATE_INPUTS[:, 1]
        return _example(
            name,
            f"The {name.upper()} truth table (2 bits in, 1 out; 4 rows).",
            _GATE_INPUTS,
            truth(a, b).astype(float),
            "classification",
        )

    make.__doc__ = f"The {name.upper()} truth table (4 rows; n, noise and seed are ignored)."
    return make


# -- generated sets --------------------------------------------------------------


def _check(n: int, noise: float, minimum: int = 2) -> None:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < minimum:
        raise ValueError(f"n must be an integer ≥ {minimum}, got {n!r}")
    if not (isinstance(noise, (int, float, np.floating)) and 0 <= noise <= 10):
        raise ValueError(f"noise must be a number in [0, 10], got {noise!r}")


def _halves(n: int) -> tuple[int, int]:
    return n // 2, n - n // 2


def circle(n: int = DEFAULT_N, noise: float = DEFAULT_NOISE, seed: int = 0) -> Example:
    """Class 1 inside radius 2.5, class 0 in the ring 3.5–5; positions jittered by noise·5."""
    _check(n, noise)
    rng = np.random.default_rng(seed)
    n_in, n_out = _halves(n)
    r = np.concatenate(
        [rng.uniform(0, 0.5 * _RADIUS, n_in), rng.uniform(0.7 * _RADIUS, _RADIUS, n_out)]
    )
    angle = rng.uniform(0, 2 * np.pi, n)
    xy = np.column_stack([r * np.sin(angle), r * np.cos(angle)])
    xy += rng.uniform(-1, 1, (n, 2)) * noise * _RADIUS
    label = np.concatenate([np.ones(n_in), np.zeros(n_out)])
    return _example(
        "circle", "A disc of class 1 inside a ring of class 0.", xy, label, "classification"
    )


def xor_quadrants(n: int = DEFAULT_N, noise: float = DEFAULT_NOISE, seed: int = 0) -> Example:
    """Class 1 where x·y > 0 (quadrants I and III); positions jittered by noise·5."""
    _check(n, noise)
    rng = np.random.default_rng(seed)
    xy = rng.uniform(-_RADIUS, _RADIUS, (n, 2))
    xy += np.where(xy > 0, 0.3, -0.3)  # the playground's gap along the axes
    label = (xy[:, 0] * xy[:, 1] > 0).astype(float)
    xy += rng.uniform(-1, 1, (n, 2)) * noise * _RADIUS
    return _example(
        "xor-quadrants",
        "Opposite quadrants share a class: the XOR pattern in the plane.",
        xy,
        label,
        "classification",
    )


def gaussians(n: int = DEFAULT_N, noise: float = DEFAULT_NOISE, seed: int = 0) -> Example:
    """Two round clusters at (2, 2) (class 1) and (−2, −2) (class 0).

    Variance 0.5 + 7·noise (the playground's 0.5 → 4 over noise 0 → 0.5).
    """
    _check(n, noise)
    rng = np.random.default_rng(seed)
    n1, n0 = _halves(n)
    sd = np.sqrt(0.5 + 7.0 * noise)
    xy = np.vstack([rng.normal(2.0, sd, (n1, 2)), rng.normal(-2.0, sd, (n0, 2))])
    label = np.concatenate([np.ones(n1), np.zeros(n0)])
    return _example(
        "gaussians", "Two Gaussian clusters, one per class.", xy, label, "classification"
    )


def spiral(n: int = DEFAULT_N, noise: float = DEFAULT_NOISE, seed: int = 0) -> Example:
    """Two interleaved spiral arms (1.75 turns, radius 5), jittered by noise·5."""
    _check(n, noise)
    rng = np.random.default_rng(seed)
    arms = []
    for m, delta in zip(_halves(n), (0.0, np.pi), strict=True):
        i = np.arange(m) / max(m, 1)
        r = i * _RADIUS
        t = 1.75 * i * 2 * np.pi + delta
        arms.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))
    xy = np.vstack(arms) + rng.uniform(-1, 1, (n, 2)) * noise * _RADIUS
    n1, n0 = _halves(n)
    label = np.concatenate([np.ones(n1), np.zeros(n0)])
    return _example("spiral", "Two interleaved spirals.", xy, label, "classification")


def moons(n: int = DEFAULT_N, noise: float = DEFAULT_NOISE, seed: int = 0) -> Example:
    """Two interleaving half circles (scikit-learn's make_moons); Gaussian noise, sd = noise."""
    _check(n, noise)
    rng = np.random.default_rng(seed)
    n0, n1 = _halves(n)
    t0 = rng.uniform(0, np.pi, n0)
    t1 = rng.uniform(0, np.pi, n1)
    outer = np.column_stack([np.cos(t0), np.sin(t0)])
    inner = np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)])
    xy = np.vstack([outer, inner]) + rng.normal(0, noise, (n, 2))
    label = np.concatenate([np.zeros(n0), np.ones(n1)])
    return _example("moons", "Two interleaving half moons.", xy, label, "classification")


def plane(n: int = DEFAULT_N, noise: float = DEFAULT_NOISE, seed: int = 0) -> Example:
    """Regression on a tilted plane: z = (x + y) / 12 + noise·N(0, 1), x, y in [−6, 6]."""
    _check(n, noise)
    rng = np.random.default_rng(seed)
    xy = rng.uniform(-6, 6, (n, 2))
    z = (xy[:, 0] + xy[:, 1]) / 12 + rng.normal(0, 1, n) * noise
    return _example(
        "plane", "A tilted plane: the target is linear in both inputs.", xy, z, "regression"
    )


# The playground's six bumps: (centre x, centre y, sign).
_BUMPS = np.array(
    [[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1], [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]]
)


def gaussian_regression(n: int = DEFAULT_N, noise: float = DEFAULT_NOISE, seed: int = 0) -> Example:
    """Regression on six signed bumps; each falls linearly from ±1 at its centre to 0 at 2.

    As the playground, the strongest bump wins at each point; then
    noise·N(0, 1) is added to the target.
    """
    _check(n, noise)
    rng = np.random.default_rng(seed)
    xy = rng.uniform(-6, 6, (n, 2))
    dist = np.hypot(xy[:, :1] - _BUMPS[:, 0], xy[:, 1:] - _BUMPS[:, 1])  # (n, 6)
    signed = _BUMPS[:, 2] * np.clip(1 - dist / 2, 0, 1)
    z = signed[np.arange(n), np.abs(signed).argmax(axis=1)] + rng.normal(0, 1, n) * noise
    return _example("gaussian-regression", "Six signed bumps on a flat plane.", xy, z, "regression")


def sine(n: int = DEFAULT_N, noise: float = DEFAULT_NOISE, seed: int = 0) -> Example:
    """One input: z = sin(x) + noise·N(0, 1), x uniform in [−π, π]."""
    _check(n, noise)
    rng = np.random.default_rng(seed)
    x = rng.uniform(-np.pi, np.pi, n)
    z = np.sin(x) + rng.normal(0, 1, n) * noise
    return _example("sine", "One period of a sine curve (1 input, 1 target).", x, z, "regression")


def _thirds(n: int) -> list[int]:
    return [n // 3 + (k < n % 3) for k in range(3)]


def spiral3(n: int = DEFAULT_N, noise: float = DEFAULT_NOISE, seed: int = 0) -> Example:
    """Three interleaved spiral arms 120° apart (1.75 turns, radius 5), jittered by noise·5."""
    _check(n, noise, minimum=3)
    rng = np.random.default_rng(seed)
    arms = []
    for k, m in enumerate(_thirds(n)):
        i = np.arange(m) / m
        t = 1.75 * i * 2 * np.pi + k * 2 * np.pi / 3
        arms.append(np.column_stack([i * _RADIUS * np.sin(t), i * _RADIUS * np.cos(t)]))
    xy = np.vstack(arms) + rng.uniform(-1, 1, (n, 2)) * noise * _RADIUS
    label = np.repeat(np.arange(3), _thirds(n))
    return _class_example("spiral-3", "Three interleaved spirals, one class each.", xy, label)


def blobs3(n: int = DEFAULT_N, noise: float = DEFAULT_NOISE, seed: int = 0) -> Example:
    """Three round clusters at radius 3, 120° apart (class k at angle 90° + 120°·k).

    Variance 0.5 + 7·noise, as :func:`gaussians`.
    """
    _check(n, noise, minimum=3)
    rng = np.random.default_rng(seed)
    sd = np.sqrt(0.5 + 7.0 * noise)
    angles = np.pi / 2 + np.arange(3) * 2 * np.pi / 3
    centres = 3.0 * np.column_stack([np.cos(angles), np.sin(angles)])
    label = np.repeat(np.arange(3), _thirds(n))
    xy = centres[label] + rng.normal(0.0, sd, (n, 2))
    return _class_example("blobs-3", "Three Gaussian clusters, one class each.", xy, label)


def digits(n: int | None = None, noise: float | None = None, seed: int = 0) -> Example:
    """The 8×8 handwritten digits (1,797 rows; n, noise and seed are ignored).

    Inputs ``I0 … I63`` are the pixels row by row (ink 0–16); the target
    ``digit`` is the class 0–9. See :mod:`mlpviz.data.digits` for the source.
    """
    pixels, labels = load_digits()
    return _class_example(
        "digits",
        "Handwritten digits, 8×8 pixels (64 inputs, 10 classes; 1,797 rows; UCI, CC BY 4.0).",
        pixels,
        labels,
        target="digit",
    )


EXAMPLES: dict[str, Callable[..., Example]] = {
    "exam-scores": exam_scores,
    "exam-scores-training": exam_scores_training,
    "and": _gate("and", lambda a, b: np.logical_and(a, b)),
    "or": _gate("or", lambda a, b: np.logical_or(a, b)),
    "xor": _gate("xor", lambda a, b: np.logical_xor(a, b)),
    "circle": circle,
    "xor-quadrants": xor_quadrants,
    "gaussians": gaussians,
    "spiral": spiral,
    "moons": moons,
    "plane": plane,
    "gaussian-regression": gaussian_regression,
    "sine": sine,
    "spiral-3": spiral3,
    "blobs-3": blobs3,
    "digits": digits,
}
"""Name → factory ``f(n=…, noise=…, seed=…) -> Example``. Fixed tables ignore the arguments."""

FIXED = frozenset({"exam-scores", "exam-scores-training", "and", "or", "xor", "digits"})
"""The examples that are fixed tables (no randomness; n, noise and seed do nothing)."""


def load_example(
    name: str, n: int | None = None, noise: float | None = None, seed: int = 0
) -> Example:
    """Build a built-in example by name.

    Parameters
    ----------
    name : str
        A key of :data:`EXAMPLES`.
    n : int, optional
        Number of rows for generated sets (default 200); ignored by fixed tables.
    noise : float, optional
        Noise level for generated sets (default 0.1); ignored by fixed tables.
    seed : int
        Seed of the random generator; same seed, same data.

    Raises
    ------
    ValueError
        Unknown name (the message lists the known ones) or bad n / noise.
    """
    try:
        factory = EXAMPLES[name]
    except KeyError:
        raise ValueError(f"unknown example {name!r}; choose one of {', '.join(EXAMPLES)}") from None
    return factory(
        n=DEFAULT_N if n is None else n,
        noise=DEFAULT_NOISE if noise is None else noise,
        seed=seed,
    )
