"""The settings a table gets when the user chooses none: one function decides.

The tutorial's tables (columns named I0, I1, …, Z0, …; every built-in
example) keep the tutorial's settings exactly — the lessons and tests pin
them. Any other table gets settings that train well without tuning
(measured against scikit-learn's ``MLPClassifier``/``MLPRegressor`` in
``mlpviz bench --sklearn``): standardised inputs, ReLU with He
initialisation, Adam on mini-batches, the loss that fits the output, and
early stopping on a validation split that restores the best weights.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from mlpviz.data.encoding import is_tutorial_layout
from mlpviz.engine.settings import NetworkSpec, TrainingSettings
from mlpviz.engine.spec_rules import default_init, tutorial_refusal


@dataclass(frozen=True)
class Defaults:
    """Everything a training run needs besides the data.

    ``patience`` None: run all ``epochs``; otherwise stop when the loss on
    the ``validation_fraction`` of the training rows has not improved for
    ``patience`` epochs, and keep the best weights.
    """

    spec: NetworkSpec
    settings: TrainingSettings
    input_scaling: str
    target_scaling: str
    epochs: int
    patience: int | None
    validation_fraction: float
    tutorial: bool


def choose_defaults(columns: Sequence[str], task: str, n_rows: int) -> Defaults:
    """Defaults for a table with these column names, task and row count."""
    if is_tutorial_layout(columns):
        return Defaults(
            NetworkSpec(),
            TrainingSettings(),
            "0,1",
            "0,1",
            epochs=1000,
            patience=None,
            validation_fraction=0.0,
            tutorial=True,
        )
    classify = task == "classification"
    spec = NetworkSpec(
        hidden=(100,),
        hidden_activations=("relu",),
        output_activation="softmax" if classify else "linear",
        loss="cross-entropy" if classify else "mse",
        init="he",
        seed=0,
    )
    settings = TrainingSettings(
        learning_rate=0.001,
        batch_size=max(1, min(32, n_rows // 10)),
        optimizer="adam",
        shuffle=True,
        seed=0,
        l2=0.0,
        patience=20,
    )
    return Defaults(
        spec,
        settings,
        "zscore",
        "none" if classify else "zscore",
        epochs=1000,
        patience=20,
        validation_fraction=0.1 if n_rows >= 50 else 0.0,
        tutorial=False,
    )


def fit_init(spec: NetworkSpec, n_in: int, n_out: int) -> tuple[NetworkSpec, str | None]:
    """``spec`` with an initialisation that can build this shape, and a note
    when the tutorial's weights (2-3-1 only) gave way to the default."""
    why = tutorial_refusal(spec.layer_sizes(n_in, n_out))
    if spec.init != "tutorial" or why is None:
        return spec, None
    init = default_init(spec.activations() if spec.hidden else ())
    return replace(spec, init=init), f"{why}: using {init} initialisation instead"
