"""The sustained-surge channel: a short moving average that catches rises no single bucket shows."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

# The averaged z is autocorrelated, so its spread is learned rather than
# derived; clipping keeps one surge from teaching that surges are normal.
_CLIP_SCALES = 3.0
_MIN_VARIANCE = 1e-3


@dataclass(slots=True)
class RecentSurge:
    """Exponential averages of the last few buckets' z-score, volume and expectation."""

    rate: float
    z: float = 0.0
    z_variance: float = -1.0
    value: float = 0.0
    expected: float = 0.0

    def __post_init__(self) -> None:
        if self.z_variance < 0:
            # What an average of independent unit z-scores would spread by.
            self.z_variance = self.rate / (2.0 - self.rate)

    def observe(self, zscore: float, value: float, expected: float) -> None:
        self.z += self.rate * (zscore - self.z)
        self.value += self.rate * (value - self.value)
        self.expected += self.rate * (expected - self.expected)

    def zscore(self) -> float:
        return self.z / math.sqrt(max(self.z_variance, _MIN_VARIANCE))

    def ratio(self) -> float:
        return self.value / max(self.expected, 1.0)

    def learn(self, learning_rate: float) -> None:
        limit = _CLIP_SCALES**2 * max(self.z_variance, _MIN_VARIANCE)
        self.z_variance += learning_rate * (min(self.z * self.z, limit) - self.z_variance)

    def to_state(self) -> dict[str, Any]:
        return {
            "z": self.z,
            "z_variance": self.z_variance,
            "value": self.value,
            "expected": self.expected,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any], rate: float) -> RecentSurge:
        return cls(rate, **state)
