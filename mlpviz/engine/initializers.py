"""Weight initialization schemes, all drawn from a seeded generator.

Biases: the tutorial draws them like the weights (uniform [−1, 1]); the
variance-scaling schemes (Xavier, He) start biases at zero, as is usual.
"""

from __future__ import annotations

import numpy as np

INITS = ("uniform", "xavier", "he", "zeros")


def initialize(
    init: str, fan_in: int, fan_out: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Return (weights (fan_out, fan_in), biases (fan_out,)) for one layer."""
    if init == "uniform":
        return rng.uniform(-1.0, 1.0, (fan_out, fan_in)), rng.uniform(-1.0, 1.0, fan_out)
    if init == "xavier":
        # Glorot & Bengio 2010: Var(w) = 2 / (fan_in + fan_out), uniform form.
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, (fan_out, fan_in)), np.zeros(fan_out)
    if init == "he":
        # He et al. 2015: Var(w) = 2 / fan_in keeps ReLU activations' scale.
        return rng.normal(0.0, np.sqrt(2.0 / fan_in), (fan_out, fan_in)), np.zeros(fan_out)
    if init == "zeros":
        return np.zeros((fan_out, fan_in)), np.zeros(fan_out)
    raise ValueError(f"unknown initialization {init!r}; choose one of {', '.join(INITS)}")
