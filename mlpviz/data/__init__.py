"""Data for mlpviz: CSV loading and validation, scalers, built-in datasets.

Pure NumPy and the standard library — no Qt — so the CLI, the tests and
other programs can use it on its own.
"""

from mlpviz.data.csv_loader import load_csv
from mlpviz.data.dataset import Dataset, DatasetError, LoadCancelled
from mlpviz.data.datasets import EXAMPLES, FIXED, Example, load_example
from mlpviz.data.roles import default_roles, select
from mlpviz.data.scaler_base import Scaler
from mlpviz.data.scalers import (
    IdentityScaler,
    MinMaxScaler,
    ZScoreScaler,
    make_scaler,
    scaler_from_dict,
)
from mlpviz.data.split import train_test_split

__all__ = [
    "EXAMPLES",
    "FIXED",
    "Dataset",
    "DatasetError",
    "Example",
    "IdentityScaler",
    "LoadCancelled",
    "MinMaxScaler",
    "Scaler",
    "ZScoreScaler",
    "default_roles",
    "load_csv",
    "load_example",
    "make_scaler",
    "scaler_from_dict",
    "select",
    "train_test_split",
]
