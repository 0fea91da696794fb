"""The "Data" group on the main window: noise, points, test share and Regenerate.

For a generated example (spiral, circle, gaussians … — File › Examples) the
data is a recipe: the example's name, its number of points, its noise and
its random seed, and the share of rows held out for testing. Changing any of
them draws the data again and trains on it without losing the network (the
worker's SwapData keeps weights and history, as the TensorFlow playground
does); Regenerate draws new points from the next seed. The problem's other
choices (scaling, derived inputs, task, split seed) are kept.

Data that is not a generated example (a CSV file, a fixed table such as
XOR, drawn points) has no recipe: the group is disabled and says why.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mlpviz.data import EXAMPLES, FIXED, load_example
from mlpviz.data.datasets import DEFAULT_NOISE
from mlpviz.data.problem import Problem, prepare
from mlpviz.ui.training.session import Session

__all__ = ["DataControls", "Recipe", "generate"]

MIN_POINTS, MAX_POINTS = 10, 5000
MAX_NOISE_PERCENT = 50  # the playground's range: 0 is clean, 50 very noisy
MAX_TEST_PERCENT = 90


@dataclass(frozen=True)
class Recipe:
    """How a generated example's data was drawn and split."""

    name: str
    n: int
    noise: float
    seed: int
    test_fraction: float


def generate(recipe: Recipe, like: Problem) -> Problem:
    """The data ``recipe`` draws, prepared with ``like``'s scaling, derived
    inputs, task and split seed (so it has ``like``'s columns)."""
    ex = load_example(recipe.name, n=recipe.n, noise=recipe.noise, seed=recipe.seed)
    return prepare(
        ex.dataset,
        ex.inputs,
        ex.targets,
        input_scaling=like.input_scaling,
        target_scaling=like.target_scaling,
        test_fraction=recipe.test_fraction,
        seed=like.seed,
        derived=like.derived,
        name=ex.name,
        task=like.task,
    )


def recipe_of(problem: Problem, guesses: tuple[Recipe, ...] = ()) -> Recipe | None:
    """The recipe that draws ``problem``'s inputs, among ``guesses`` and the
    example's defaults (seed 0), or None (not a generated example)."""
    name = problem.name
    if name not in EXAMPLES or name in FIXED:
        return None
    n = len(problem.raw_inputs)
    default = Recipe(name, n, DEFAULT_NOISE, 0, problem.test_fraction)
    for guess in (*guesses, default):
        if guess.name != name:
            continue
        guess = replace(guess, n=n, test_fraction=problem.test_fraction)
        try:
            ex = load_example(name, n=n, noise=guess.noise, seed=guess.seed)
        except ValueError:
            continue
        raw = problem.raw_inputs
        if ex.X.shape == raw.shape and np.array_equal(ex.X, raw):
            return guess
    return None


def why_fixed(problem: Problem) -> str:
    """Why ``problem`` has no recipe, for the group's tooltip."""
    if problem.name in FIXED:
        return f"“{problem.name}” is a fixed table: it has no noise or size to change"
    return (
        "This data was not generated here (a file, or drawn points): only the generated "
        "examples of File › Examples can be drawn again"
    )


class DataControls(QGroupBox):
    """The group; follows ``session.problemChanged`` and swaps the data it draws in."""

    DEBOUNCE_MS = 150  # spin-box arrows held down draw the data once they rest

    def __init__(self, session: Session, parent: QWidget | None = None) -> None:
        super().__init__("Data", parent)
        self.session = session
        self.recipe: Recipe | None = None
        self._made: Problem | None = None  # the last problem this group drew
        self._loading = False
        outer = QVBoxLayout(self)
        self.source = QLabel()
        self.source.setWordWrap(True)
        outer.addWidget(self.source)
        self.fields = QWidget()  # hidden, with the reason shown, without a recipe
        form = QFormLayout(self.fields)
        form.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.fields)
        self.noise = QSpinBox()
        self.noise.setRange(0, MAX_NOISE_PERCENT)
        self.noise.setSingleStep(5)
        self.noise.setSuffix(" %")
        self.noise.setToolTip("How far the points stray from the pattern (0: clean)")
        self.points = QSpinBox()
        self.points.setRange(MIN_POINTS, MAX_POINTS)
        self.points.setSingleStep(10)
        self.points.setToolTip("Number of points drawn, training and test together")
        self.test = QSpinBox()
        self.test.setRange(0, MAX_TEST_PERCENT)
        self.test.setSingleStep(5)
        self.test.setSuffix(" %")
        self.test.setToolTip("Share of the points held out to test the network on")
        self.regenerate = QPushButton("Regenerate")
        self.regenerate.setToolTip("Draw new points from the same pattern; the network is kept")
        form.addRow("Noise", self.noise)
        form.addRow("Points", self.points)
        form.addRow("Test share", self.test)
        form.addRow(self.regenerate)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.DEBOUNCE_MS)
        self._timer.timeout.connect(self.apply)
        for box in (self.noise, self.points, self.test):
            box.valueChanged.connect(self._edited)
        self.regenerate.clicked.connect(self.draw_again)
        session.problemChanged.connect(self.set_problem)
        self.set_problem(session.problem)

    # -- following the session --------------------------------------------------------

    def set_problem(self, problem: Problem) -> None:
        """Show ``problem``'s recipe, or disable the group saying why it has none."""
        if problem is self._made and self.recipe is not None:
            return
        self._timer.stop()
        guesses = () if self.recipe is None else (self.recipe,)
        self.recipe = recipe_of(problem, guesses)
        self._made = problem if self.recipe is not None else None
        self._show()

    def _show(self) -> None:
        r = self.recipe
        for w in (self.noise, self.points, self.test, self.regenerate):
            w.setEnabled(r is not None)
        self.fields.setVisible(r is not None)
        if r is None:
            why = why_fixed(self.session.problem)
            self.setToolTip(why)
            self.source.setText(f"<span style='color:#6b6b6b'>{why}.</span>")
            return
        self.setToolTip("")
        self.source.setText(f"Generated example <b>{r.name}</b> (seed {r.seed})")
        self._loading = True
        try:
            self.noise.setValue(round(r.noise * 100))
            self.points.setValue(r.n)
            self.test.setValue(round(r.test_fraction * 100))
        finally:
            self._loading = False

    # -- drawing the data again ----------------------------------------------------------

    def _edited(self, *_: object) -> None:
        if not self._loading and self.recipe is not None:
            self._timer.start()

    def wanted(self) -> Recipe | None:
        """The recipe the group's fields describe (None without a generated example)."""
        if self.recipe is None:
            return None
        return replace(
            self.recipe,
            n=self.points.value(),
            noise=self.noise.value() / 100,
            test_fraction=self.test.value() / 100,
        )

    def apply(self) -> bool:
        """Draw the data the fields describe and train on it, the network kept.

        False (and nothing changes) when there is no recipe or nothing changed.
        """
        self._timer.stop()
        wanted = self.wanted()
        if wanted is None or wanted == self.recipe:
            return False
        return self._swap(wanted)

    def draw_again(self) -> bool:
        """Regenerate: the fields' recipe from the next seed."""
        self._timer.stop()
        wanted = self.wanted()
        return wanted is not None and self._swap(replace(wanted, seed=wanted.seed + 1))

    def _swap(self, recipe: Recipe) -> bool:
        current = self.session.problem
        problem = generate(recipe, current)
        if (problem.input_names, problem.target_names) != (
            current.input_names,
            current.target_names,
        ):
            return False  # other columns need another network: not a swap
        self.recipe, self._made = recipe, problem
        self.session.swap_data(problem)
        self._show()
        return True
