"""Spike habit: a topic that keeps spiking raises its own bar for the next single-bucket spike."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

# After a spike the bar moves half-way from the base threshold to that spike's z:
# a topic's next spike must be clearly bigger than its habit to page again, yet a
# spike only a little weaker than the last one (a real follow-up story) still can.
_SHARE_OF_LAST_SPIKE = 0.5


@dataclass(slots=True)
class SpikeHabit:
    """Extra z a sharp spike must clear, raised by confirmed spikes, decaying back to zero.

    Only the sharp channel uses it: after a big spike, weaker aftershocks (reposts
    of the same story, the smaller of a bot's recurring bursts) update nothing,
    while a spike as big as the last one, or a sustained rise (the moving-average
    channel, judged against the base threshold), still pages.
    """

    halflife_buckets: float
    extra_z: float = 0.0

    def forget(self) -> None:
        """Called once per bucket: the habit fades with the configured half-life."""
        if self.halflife_buckets > 0:
            self.extra_z *= math.pow(0.5, 1.0 / self.halflife_buckets)

    def remember(self, zscore: float, base_threshold: float) -> None:
        """A confirmed spike of `zscore`: raise the bar towards it (never lowers it)."""
        if self.halflife_buckets > 0:
            raised = _SHARE_OF_LAST_SPIKE * (zscore - base_threshold)
            self.extra_z = max(self.extra_z, raised)

    def to_state(self) -> dict[str, Any]:
        return {"extra_z": self.extra_z}

    @classmethod
    def from_state(cls, state: dict[str, Any], halflife_buckets: float) -> SpikeHabit:
        return cls(halflife_buckets, float(state.get("extra_z", 0.0)))
