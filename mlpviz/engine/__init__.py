"""The NumPy training engine: no Qt here, only NumPy and the standard library."""

from .history import WeightHistory
from .landscape import TrajectoryPCA, grid_extent, loss_grid, pca_loss_grid, trajectory_pca
from .mlp import MLP, Gradients, Trace
from .optimizers import OPTIMIZERS, Optimizer, make_optimizer
from .schedules import SCHEDULES, Schedule
from .trainer import Trainer, TrainingDiverged

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
