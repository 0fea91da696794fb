"""The network and training settings a new problem gets in the window.

A classification gets :func:`~mlpviz.data.defaults.choose_defaults`'
settings (softmax with cross-entropy, one output per class, and what trains
it without tuning), so the settings panel shows a network that fits the
classes. A regression keeps the panel's hidden layers and training settings,
only what cannot apply to it changes (the tutorial's weights on another
shape; a softmax output left by a classification, which on the tutorial's
tables gives way to the tutorial's settings).
"""

from __future__ import annotations

from dataclasses import replace

from mlpviz.data.defaults import choose_defaults, fit_init
from mlpviz.data.encoding import is_tutorial_layout
from mlpviz.data.problem import Problem
from mlpviz.engine.settings import NetworkSpec, TrainingSettings


def network_for(
    problem: Problem, spec: NetworkSpec, settings: TrainingSettings
) -> tuple[NetworkSpec, TrainingSettings]:
    """(network, training settings) to train ``problem`` with, given the panel's."""
    n_in, n_out = len(problem.input_names), len(problem.target_names)
    columns = (*problem.input_columns, *problem.target_columns)
    if problem.task == "classification":
        chosen = choose_defaults(columns, "classification", problem.n_rows)
        net = chosen.spec
        if net.output_activation != "softmax":  # columns named the tutorial's way
            net = replace(net, output_activation="softmax", loss="cross-entropy")
        return fit_init(net, n_in, n_out)[0], chosen.settings
    if spec.output_activation == "softmax" or spec.loss == "cross-entropy":
        # Numbers, not a probability distribution. The tutorial's tables get
        # the tutorial's settings back; others the output that suits numbers.
        if is_tutorial_layout(columns):
            chosen = choose_defaults(columns, "regression", problem.n_rows)
            return fit_init(chosen.spec, n_in, n_out)[0], chosen.settings
        spec = replace(spec, output_activation="linear", loss="mse")
    if spec.init == "tutorial" and spec.layer_sizes(n_in, n_out) != (2, 3, 1):
        spec = replace(spec, init="xavier")
    return spec, settings
