"""The NumPy training engine: no Qt here, only NumPy and the standard library."""

from .mlp import MLP, Gradients, Trace

__all__ = ["MLP", "Gradients", "Trace"]
