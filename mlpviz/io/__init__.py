"""Files users keep: model JSON and the tutorial companion's Go formats."""

from mlpviz.io.atomic import write_text_atomic
from mlpviz.io.companion import (
    read_minmax,
    read_trained_weights,
    write_minmax,
    write_trained_weights,
)
from mlpviz.io.model_file import FORMAT_VERSION, Model, ModelFileError, load_model, save_model

__all__ = [
    "FORMAT_VERSION",
    "Model",
    "ModelFileError",
    "load_model",
    "read_minmax",
    "read_trained_weights",
    "save_model",
    "write_minmax",
    "write_text_atomic",
    "write_trained_weights",
]
