"""The lessons' math: pure NumPy, no Qt.

Each lesson is a small state you can step, step back and reset, and query
for every number its view shows, so the numbers are testable on their own:

* :mod:`.derivative` — the derivative as a slope, y = w·x
* :mod:`.bowl` — gradient descent on x² + y² with the tutorial's table
* :mod:`.trial_vs_gradient` — trial and error against gradients, at equal cost
* :mod:`.worked_example` — the tutorial's 2-3-1 network, every number

Lessons 1 and 3 follow “Understanding Derivatives and Gradient Descent in
Machine Learning”, lessons 2 and 4 “The Math Behind Training MLP Neural
Networks” (the titles live in :mod:`mlpviz.lessons.tutorials`).
"""

from mlpviz.lessons.bowl import (
    BowlLesson,
    BowlRow,
    TableDifference,
    closed_form,
    printed_differences,
)
from mlpviz.lessons.derivative import (
    DerivativeLesson,
    advice,
    difference_quotient,
    line_loss,
    line_slope,
)
from mlpviz.lessons.trial_vs_gradient import (
    Race,
    cost_table,
    exhaustive_cost,
    gradient_cost,
    make_objective,
    trial_cost,
)
from mlpviz.lessons.worked_example import (
    WorkedExample,
    WorkedStep,
    fmt4,
    normalization_table,
    text_differences,
)

__all__ = [
    "BowlLesson",
    "BowlRow",
    "DerivativeLesson",
    "Race",
    "TableDifference",
    "WorkedExample",
    "WorkedStep",
    "advice",
    "closed_form",
    "cost_table",
    "difference_quotient",
    "exhaustive_cost",
    "fmt4",
    "gradient_cost",
    "line_loss",
    "line_slope",
    "make_objective",
    "normalization_table",
    "printed_differences",
    "text_differences",
    "trial_cost",
]
