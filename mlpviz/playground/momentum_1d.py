"""Momentum on a quadratic, one eigen-direction at a time (Goh 2017, "Why Momentum Really Works").

On f(w) = ½·Σᵢ λᵢ·wᵢ² (any convex quadratic, written in its eigenbasis with
the minimum at 0) gradient descent with momentum,

    zᵏ⁺¹ = β·zᵏ + ∇f(wᵏ),    wᵏ⁺¹ = wᵏ − α·zᵏ⁺¹,

moves every coordinate on its own: coordinate i is a 1-D problem with
curvature λᵢ. Its error shrinks (or grows) by the spectral radius of the
2×2 matrix ``[[β, λᵢ], [−αβ, 1 − αλᵢ]]`` per step, and the whole run is as
fast as its slowest coordinate. The update is the engine's
:class:`~mlpviz.engine.optimizers.Momentum` (η = α), so the path here has the
bits that optimizer would produce.

Everything is a few hundred multiply-adds: cheap enough to recompute on every
slider move.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

DEFAULT_LAMBDAS = (0.1, 1.0, 10.0)  # condition number 100
DEFAULT_STEPS = 150
ESCAPE = 1e12  # |w| beyond this: diverged, the rest of the path is not drawn


@dataclass(frozen=True)
class MomentumPath:
    """A run on ½·Σλᵢwᵢ²: ``w[k, i]`` after k steps, ``loss[k] = f(wᵏ)``.

    Rows after the run escaped beyond ±ESCAPE are NaN.
    """

    lambdas: np.ndarray  # (n,)
    alpha: float
    beta: float
    w: np.ndarray  # (steps + 1, n)
    loss: np.ndarray  # (steps + 1,)
    rates: np.ndarray  # (n,) per-step contraction factor of each coordinate

    @property
    def rate(self) -> float:
        """The slowest coordinate's factor: the error shrinks like rateᵏ (< 1 converges)."""
        return float(self.rates.max())


def _check(lambdas: Sequence[float], alpha: float, beta: float) -> np.ndarray:
    lam = np.asarray(lambdas, dtype=float).reshape(-1)
    if lam.size == 0 or not np.all(np.isfinite(lam)) or np.any(lam <= 0):
        raise ValueError(f"curvatures λ must be positive numbers, got {list(lam)}")
    if not (np.isfinite(alpha) and alpha > 0):
        raise ValueError(f"step size α must be a positive number, got {alpha}")
    if not (np.isfinite(beta) and 0 <= beta < 1):
        raise ValueError(f"momentum β must be in [0, 1), got {beta}")
    return lam


def rates(lambdas: Sequence[float], alpha: float, beta: float) -> np.ndarray:
    """Each coordinate's convergence factor: the spectral radius of its 2×2 iteration."""
    lam = _check(lambdas, alpha, beta)
    R = np.zeros((lam.size, 2, 2))
    R[:, 0, 0] = beta
    R[:, 0, 1] = lam
    R[:, 1, 0] = -alpha * beta
    R[:, 1, 1] = 1.0 - alpha * lam
    return np.abs(np.linalg.eigvals(R)).max(axis=1)


def optimal(lambdas: Sequence[float]) -> tuple[float, float]:
    """Goh's optimal (α, β) for curvatures from min(λ) to max(λ).

    α* = (2 / (√λ₁ + √λₙ))², β* = ((√λₙ − √λ₁) / (√λₙ + √λ₁))²; the rate is then √β*.
    """
    lam = _check(lambdas, 1.0, 0.0)
    lo, hi = np.sqrt(lam.min()), np.sqrt(lam.max())
    return float((2.0 / (lo + hi)) ** 2), float(((hi - lo) / (hi + lo)) ** 2)


def momentum_path(
    lambdas: Sequence[float] = DEFAULT_LAMBDAS,
    alpha: float = 0.1,
    beta: float = 0.0,
    steps: int = DEFAULT_STEPS,
    w0: Sequence[float] | float = 1.0,
) -> MomentumPath:
    """``steps`` steps of momentum from ``w0`` (every coordinate 1 by default)."""
    lam = _check(lambdas, alpha, beta)
    if steps < 0:
        raise ValueError(f"steps must be ≥ 0, got {steps}")
    w = np.array(np.broadcast_to(np.asarray(w0, dtype=float), lam.shape))
    z = np.zeros_like(w)
    out = np.full((int(steps) + 1, lam.size), np.nan)
    out[0] = w
    for k in range(1, int(steps) + 1):
        # The same operations, in the same order, as Momentum._apply with g = λ·w.
        g = lam * w
        z *= beta
        z += g
        w -= alpha * z
        if not np.all(np.abs(w) <= ESCAPE):
            break
        out[k] = w
    loss = 0.5 * np.sum(lam * out * out, axis=1)
    return MomentumPath(lam, float(alpha), float(beta), out, loss, rates(lam, alpha, beta))
