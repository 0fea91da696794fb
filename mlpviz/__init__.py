"""mlpviz: watch, step and poke a multi-layer perceptron while it learns."""

__version__ = "0.1.0"
