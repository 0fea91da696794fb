"""Learning-rate schedules: the rate used in a given epoch (0-based)."""

from __future__ import annotations

import math
from dataclasses import dataclass

SCHEDULES = ("constant", "step", "exponential", "cosine")


@dataclass(frozen=True)
class Schedule:
    """How the learning rate changes with the epoch.

    - ``constant``: η.
    - ``step``: η·γ^⌊epoch / every⌋ (×γ every N epochs).
    - ``exponential``: η·γ^epoch.
    - ``cosine``: from η down to ``floor``·η over ``period`` epochs, then held.
    """

    kind: str = "constant"
    gamma: float = 0.5
    every: int = 100
    period: int = 1000
    floor: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in SCHEDULES:
            raise ValueError(
                f"unknown schedule {self.kind!r}; choose one of {', '.join(SCHEDULES)}"
            )
        if self.kind in ("step", "exponential") and not 0.0 < self.gamma <= 1.0:
            raise ValueError(f"schedule factor γ must be in (0, 1], got {self.gamma}")
        if self.every < 1 or self.period < 1:
            raise ValueError("schedule periods must be at least 1 epoch")

    def rate(self, base: float, epoch: int) -> float:
        if self.kind == "constant":
            return base
        if self.kind == "step":
            return base * self.gamma ** (epoch // self.every)
        if self.kind == "exponential":
            return base * self.gamma**epoch
        t = min(epoch, self.period) / self.period
        low = base * self.floor
        return low + 0.5 * (base - low) * (1.0 + math.cos(math.pi * t))
