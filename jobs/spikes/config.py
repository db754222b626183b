"""Tunable knobs of the spike detectors, with the low/normal/high sensitivity presets."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any, Literal

Sensitivity = Literal["low", "normal", "high"]
SENSITIVITIES: tuple[Sensitivity, ...] = ("low", "normal", "high")

# How unusual a bucket must be (robust z in log space) and how many times the
# expected volume it must reach; both must hold, so that a noisy quiet topic and
# a steady busy topic each need what a person would call a surge.
_THRESHOLDS: dict[Sensitivity, tuple[float, float]] = {
    "low": (6.0, 3.0),
    "normal": (4.5, 2.0),
    "high": (3.5, 1.5),
}


@dataclass(frozen=True, slots=True)
class DetectorConfig:
    """Settings of the volume detector; `for_sensitivity` builds the shipped presets.

    The defaults are the production ones. They were shaped on the five NAB tweet
    series that bench/nab.py still reports for them (`--values counts`), so that
    figure is in-sample; see the README's spike-alert section.
    """

    sensitivity: Sensitivity = "normal"
    z_threshold: float = 4.5
    min_ratio: float = 2.0
    # Below this many posts in a bucket nothing alerts, however unusual.
    min_volume: float = 5.0
    warmup_buckets: int = 144
    # The alert stays open (updates, no new message) until this long after the
    # last anomalous bucket: one alert per surge, at most two a day per topic.
    cooldown_minutes: int = 12 * 60
    # A single-bucket surge must be confirmed by the next bucket.
    confirm_buckets: int = 2
    # Weight of the newest bucket in the sustained-surge average (half-life
    # ~7 buckets: about the last half hour at 5-minute buckets).
    recent_rate: float = 0.1
    bucket_minutes: int = 5
    # Two days of memory: a surge that builds over an afternoon is judged against
    # the days before it, not half-absorbed into "normal" while it grows.
    level_halflife_days: float = 2.0
    season_halflife_days: float = 7.0
    # A confirmed spike raises the bar for the next spike; the raise halves in a
    # week (0 turns the spike habit off). See habit.py.
    spike_habit_halflife_days: float = 7.0

    @classmethod
    def for_sensitivity(
        cls, sensitivity: Sensitivity = "normal", **overrides: Any
    ) -> DetectorConfig:
        if sensitivity not in _THRESHOLDS:
            raise ValueError(f"unknown sensitivity {sensitivity!r}; use one of {SENSITIVITIES}")
        z_threshold, min_ratio = _THRESHOLDS[sensitivity]
        base = cls(sensitivity=sensitivity, z_threshold=z_threshold, min_ratio=min_ratio)
        return replace(base, **overrides)

    @property
    def buckets_per_day(self) -> float:
        return 24 * 60 / self.bucket_minutes

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DetectorConfig:
        return cls(**data)
