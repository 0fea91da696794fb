"""Plain, serializable descriptions of a network and of how to train it.

The desktop app, the command line and the model files share these, so a
network built in one place is rebuilt identically in another.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

import numpy as np

from mlpviz.engine.mlp import MLP
from mlpviz.engine.optimizers import OPTIMIZERS
from mlpviz.engine.schedules import Schedule
from mlpviz.engine.trainer import Trainer


@dataclass(frozen=True)
class NetworkSpec:
    """Architecture and initialization; input and output sizes come from the data.

    ``init`` may also be ``"tutorial"``: the tutorial's printed 2-3-1 weights
    (only for a 2-3-1 network).
    """

    hidden: tuple[int, ...] = (3,)
    hidden_activations: tuple[str, ...] = ("sigmoid",)
    output_activation: str = "sigmoid"
    loss: str | None = None
    init: str = "tutorial"
    seed: int | None = 0

    def layer_sizes(self, n_in: int, n_out: int) -> tuple[int, ...]:
        return (n_in, *self.hidden, n_out)

    def activations(self) -> tuple[str, ...]:
        if not self.hidden:
            return ()
        acts = self.hidden_activations
        if len(acts) == 1 and len(self.hidden) != 1:
            acts = acts * len(self.hidden)
        return tuple(acts)

    def build(self, n_in: int, n_out: int) -> MLP:
        sizes = self.layer_sizes(n_in, n_out)
        if self.init == "tutorial":
            if sizes != (2, 3, 1):
                raise ValueError(
                    "the tutorial's weights are for a 2-3-1 network, "
                    f"not {'-'.join(map(str, sizes))}"
                )
            mlp = MLP.tutorial(self.activations()[0])
            if self.output_activation != mlp.output_activation or self.loss not in (None, "mse"):
                tuned = MLP(
                    sizes, self.activations(), self.output_activation, "zeros", None, self.loss
                )
                tuned.set_params(mlp.params)
                tuned.init = "tutorial"
                return tuned
            return mlp
        return MLP(
            sizes, self.activations(), self.output_activation, self.init, self.seed, self.loss
        )

    def to_dict(self) -> dict:
        d = asdict(self)
        d["hidden"] = list(self.hidden)
        d["hidden_activations"] = list(self.hidden_activations)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> NetworkSpec:
        return _from_dict(cls, d)


@dataclass(frozen=True)
class TrainingSettings:
    """How to train, plus when to stop a run (``None`` = no such condition)."""

    learning_rate: float = 0.1
    batch_size: int = 1
    optimizer: str = "sgd"
    optimizer_options: dict = field(default_factory=dict)
    schedule: Schedule = field(default_factory=Schedule)
    l1: float = 0.0
    l2: float = 0.0
    dropout: float = 0.0
    shuffle: bool = False
    seed: int | None = 0
    max_epochs: int | None = None
    target_loss: float | None = None
    patience: int | None = None

    def __post_init__(self) -> None:
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {self.optimizer!r}")

    def make_trainer(
        self,
        mlp: MLP,
        X: np.ndarray,
        Z: np.ndarray,
        X_test: np.ndarray | None = None,
        Z_test: np.ndarray | None = None,
    ) -> Trainer:
        return Trainer(
            mlp,
            X,
            Z,
            learning_rate=self.learning_rate,
            batch_size=self.batch_size,
            optimizer=self.optimizer,
            shuffle=self.shuffle,
            seed=self.seed,
            optimizer_options=self.optimizer_options,
            schedule=self.schedule,
            l1=self.l1,
            l2=self.l2,
            dropout=self.dropout,
            X_test=X_test,
            Z_test=Z_test,
        )

    def to_dict(self) -> dict:
        d = asdict(self)
        d["optimizer_options"] = dict(self.optimizer_options)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> TrainingSettings:
        d = dict(d)
        if isinstance(d.get("schedule"), dict):
            d["schedule"] = _from_dict(Schedule, d["schedule"])
        return _from_dict(cls, d)


def _from_dict(cls, d: dict):
    """Build a dataclass from a dict, refusing unknown keys with a clear message."""
    if not isinstance(d, dict):
        raise ValueError(f"{cls.__name__} must be an object, not {type(d).__name__}")
    names = {f.name for f in fields(cls)}
    unknown = set(d) - names
    if unknown:
        raise ValueError(f"{cls.__name__} has no field(s) {', '.join(sorted(unknown))}")
    kwargs = {}
    for k, v in d.items():
        if isinstance(v, list):
            v = tuple(v)
        kwargs[k] = v
    try:
        return cls(**kwargs)
    except TypeError as e:
        raise ValueError(f"bad {cls.__name__}: {e}") from None
