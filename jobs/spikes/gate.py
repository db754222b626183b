"""Alert rules shared by the detectors: warm-up, minimum volume and cooldown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any


@dataclass(frozen=True, slots=True)
class GateDecision:
    alert: bool
    continuing: bool
    note: str


@dataclass(slots=True)
class AlertGate:
    """Turns "this bucket is anomalous" into "send an alert" or "update the open one".

    The open alert lasts until `cooldown` has passed since the last anomalous
    bucket, so one long surge is one alert however many hours it runs.
    """

    warmup_buckets: int
    cooldown: timedelta
    open_until: datetime | None = None

    def decide(
        self, ts: datetime, anomalous: bool, seen: int, volume: float, min_volume: float
    ) -> GateDecision:
        if seen < self.warmup_buckets:
            return GateDecision(False, False, f"still learning ({seen}/{self.warmup_buckets})")
        if not anomalous:
            return GateDecision(False, False, "")
        if volume < min_volume:
            return GateDecision(False, False, f"below the floor of {min_volume:g}")
        is_open = self.open_until is not None and ts <= self.open_until
        self.open_until = ts + self.cooldown
        if is_open:
            return GateDecision(False, True, "alert already open")
        return GateDecision(True, False, "")

    def to_state(self) -> dict[str, Any]:
        return {"open_until": self.open_until.isoformat() if self.open_until else None}

    @classmethod
    def from_state(
        cls, state: dict[str, Any], warmup_buckets: int, cooldown: timedelta
    ) -> AlertGate:
        raw = state.get("open_until")
        return cls(warmup_buckets, cooldown, datetime.fromisoformat(raw) if raw else None)
