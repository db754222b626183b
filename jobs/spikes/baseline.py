"""Expected volume of a bucket: robust level plus hour-of-day and weekday rhythm, in log space."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# Residuals beyond this many scales are clipped before learning, so a surge
# barely moves the baseline while a lasting shift is still absorbed within days.
_CLIP_SCALES = 3.0
# Beyond counting noise, real series wobble by at least ~10% bucket to bucket.
_MIN_EXCESS_SCALE = 0.1


def _alpha(halflife: float) -> float:
    return 1.0 - math.pow(0.5, 1.0 / halflife)


@dataclass(slots=True)
class SeasonalBaseline:
    """Holt-Winters-like model of log1p(value) with clipped (robust) updates.

    Every learning rate starts as a running mean (1/n) and settles to its
    half-life, so the first hours of a new topic are estimated sensibly.
    """

    buckets_per_day: float
    level_halflife_days: float
    season_halflife_days: float
    seen: int = 0
    level: float = 0.0
    excess_variance: float = 0.0
    hour: list[float] = field(default_factory=lambda: [0.0] * 24)
    hour_seen: list[int] = field(default_factory=lambda: [0] * 24)
    weekday: list[float] = field(default_factory=lambda: [0.0] * 7)
    weekday_seen: list[int] = field(default_factory=lambda: [0] * 7)

    def expected_log(self, ts: datetime) -> float:
        # log1p(0) is the floor: the rhythm terms must not predict negative posts.
        return max(0.0, self.level + self.hour[ts.hour] + self.weekday[ts.weekday()])

    def scale(self, ts: datetime) -> float:
        """Spread of log1p(value): counting (Poisson) noise at the expected level,
        which dominates quiet hours, plus the learned extra spread of the topic."""
        expected = math.expm1(self.expected_log(ts))
        counting = max(expected, 0.0) / (1.0 + max(expected, 0.0)) ** 2
        return math.sqrt(counting + max(self.excess_variance, _MIN_EXCESS_SCALE**2))

    def residual(self, ts: datetime, value: float) -> float:
        return math.log1p(max(value, 0.0)) - self.expected_log(ts)

    def learn(self, ts: datetime, value: float) -> None:
        if self.seen == 0:
            self.level = math.log1p(max(value, 0.0))
            self.seen = 1
            return
        expected = math.expm1(self.expected_log(ts))
        counting = max(expected, 0.0) / (1.0 + max(expected, 0.0)) ** 2
        limit = _CLIP_SCALES * self.scale(ts)
        residual = max(-limit, min(limit, self.residual(ts, value)))
        self.seen += 1
        level_rate = self.level_rate()
        self.excess_variance += level_rate * (residual * residual - counting - self.excess_variance)
        self.level += level_rate * residual
        # An hour slot is fed buckets_per_day/24 times a day and a weekday slot
        # buckets_per_day times a week; both half-lives count occurrences of the
        # slot, so a weekday's habit is remembered over weeks, an hour's over days.
        # Each slot starts with a day's worth of "no effect" as a prior, so the
        # first surge in a never-seen hour is not learned as that hour's habit.
        hour, weekday = ts.hour, ts.weekday()
        per_hour = self.buckets_per_day / 24
        self.hour_seen[hour] += 1
        hour_rate = max(
            1.0 / (self.hour_seen[hour] + per_hour),
            _alpha(self.season_halflife_days * per_hour),
        )
        self.hour[hour] += hour_rate * residual
        self.weekday_seen[weekday] += 1
        weekday_rate = max(
            1.0 / (self.weekday_seen[weekday] + self.buckets_per_day),
            _alpha(self.season_halflife_days * self.buckets_per_day),
        )
        self.weekday[weekday] += weekday_rate * residual

    def level_rate(self) -> float:
        """Weight of the newest bucket in level and spread: a running mean at first."""
        return max(1.0 / max(self.seen, 1), _alpha(self.level_halflife_days * self.buckets_per_day))

    def to_state(self) -> dict[str, Any]:
        return {
            "seen": self.seen,
            "level": self.level,
            "excess_variance": self.excess_variance,
            "hour": list(self.hour),
            "hour_seen": list(self.hour_seen),
            "weekday": list(self.weekday),
            "weekday_seen": list(self.weekday_seen),
        }

    @classmethod
    def from_state(
        cls,
        state: dict[str, Any],
        buckets_per_day: float,
        level_halflife_days: float,
        season_halflife_days: float,
    ) -> SeasonalBaseline:
        return cls(buckets_per_day, level_halflife_days, season_halflife_days, **state)
