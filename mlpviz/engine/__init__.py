"""The NumPy training engine: no Qt here, only NumPy and the standard library."""

from mlpviz.engine.history import WeightHistory
from mlpviz.engine.landscape.surface import (
    TrajectoryPCA,
    grid_extent,
    loss_grid,
    pca_loss_grid,
    trajectory_pca,
)
from mlpviz.engine.mlp import MLP, Gradients, Trace
from mlpviz.engine.optimizers import OPTIMIZERS, Optimizer, make_optimizer
from mlpviz.engine.schedules import SCHEDULES, Schedule
from mlpviz.engine.trainer import Trainer, TrainingDiverged

__all__ = [
    "MLP",
    "OPTIMIZERS",
    "SCHEDULES",
    "Gradients",
    "Optimizer",
    "Schedule",
    "Trace",
    "Trainer",
    "TrainingDiverged",
    "TrajectoryPCA",
    "WeightHistory",
    "grid_extent",
    "loss_grid",
    "make_optimizer",
    "pca_loss_grid",
    "trajectory_pca",
]
