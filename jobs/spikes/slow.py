"""Slow-build detector: hourly volume climbing for hours, far above the same hours before.

A flood that builds over a day is absorbed by the 5-minute baseline: every bucket
is only a little above the one before. This detector works on whole hours and
asks what a duty officer would: over the last six hours, is the topic several
times busier than in the same six hours of the last three days, is it still
rising, and is it big enough to matter? Days before the topic had any posts
count as quiet days (zero) only when no earlier day is known at all, so a topic
created as the crisis starts can fire on its first day; the alert then says how
many days of history it had.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from jobs.spikes.verdict import Verdict, format_ratio, severity_for

STATE_VERSION = 1
HOUR = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class SlowBuildConfig:
    """The shipped rule; its numbers are product choices, not fitted to data."""

    window_hours: int = 6
    history_days: int = 3
    # Last six hours at least this many times the same hours' average before...
    min_ratio: float = 4.0
    # ... and busier than the six hours before them (the build is still going on)...
    min_rise: float = 1.5
    # ... with enough posts to be worth a page (10 an hour on average).
    min_posts: float = 60.0
    cooldown_hours: int = 24

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class SlowBuildDetector:
    """Fed 5-minute buckets in order; judges once per completed hour."""

    def __init__(self, config: SlowBuildConfig | None = None) -> None:
        self.config = config or SlowBuildConfig()
        cfg = self.config
        # Completed hours, newest last; enough for the window and the days before it.
        self.keep = cfg.history_days * 24 + cfg.window_hours
        self.hours: list[float] = []
        self.current_hour: datetime | None = None
        self.current = 0.0
        self.open_until: datetime | None = None

    def update(self, ts: datetime, posts: float) -> Verdict | None:
        """Add one bucket; returns a verdict when an hour has just completed, else None."""
        hour = ts.replace(minute=0, second=0, microsecond=0)
        verdict = None
        if self.current_hour is None:
            self.current_hour = hour
        elif hour > self.current_hour:
            verdict = self._close_hour(self.current_hour)
            # Hours with no bucket at all (downtime) count as quiet hours.
            gap = min(int((hour - self.current_hour) / HOUR) - 1, self.keep)
            for _ in range(gap):
                self._push(0.0)
            self.current_hour = hour
        self.current += posts
        return verdict

    def _push(self, total: float) -> None:
        self.hours.append(total)
        del self.hours[: -self.keep]

    def _close_hour(self, hour: datetime) -> Verdict:
        cfg = self.config
        self._push(self.current)
        self.current = 0.0
        end = hour + HOUR
        window = cfg.window_hours
        recent = sum(self.hours[-window:])
        before = sum(self.hours[-2 * window : -window])
        # Only days whose six hours were all seen count: a half-seen day would look quiet
        # and turn an ordinary afternoon into a "build". With no such day at all (a topic
        # born in the crisis), the days before are taken as quiet and the alert says so.
        days = []
        for day in range(1, cfg.history_days + 1):
            stop = len(self.hours) - 24 * day
            if stop - window >= 0:
                days.append(sum(self.hours[stop - window : stop]))
        known_days = len(days)
        usual = sum(days) / known_days if days else 0.0
        ratio = recent / max(usual, 1.0)
        rise = recent / max(before, 1.0)
        strength = min(
            math.log(max(ratio, 1.0)) / math.log(cfg.min_ratio),
            math.log(max(rise, 1.0)) / math.log(cfg.min_rise),
            recent / cfg.min_posts,
        )
        score = strength / (1.0 + strength)
        firing = strength >= 1.0
        alert = firing and (self.open_until is None or end > self.open_until)
        if alert:
            self.open_until = end + timedelta(hours=cfg.cooldown_hours)
        reason = (
            f"{recent:g} posts in the last {window} h vs ~{usual:.0f} in the same hours of the"
            f" last {cfg.history_days} days ({format_ratio(ratio)}), rising ({format_ratio(rise)}"
            f" on the {window} h before)"
        )
        if known_days < cfg.history_days:
            reason += f"; baseline short: {known_days} of {cfg.history_days} days of history" + (
                ", earlier days counted as quiet" if not known_days else ""
            )
        if firing and not alert:
            reason += "; alert already open"
        return Verdict(
            ts=end - timedelta(hours=window),
            value=recent,
            baseline=usual,
            ratio=ratio,
            zscore=strength,
            anomaly_score=score,
            alert=alert,
            continuing=firing and not alert,
            severity=severity_for(score),
            reason=reason,
        )

    def to_state(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "kind": "slow_build",
            "config": self.config.to_dict(),
            "hours": list(self.hours),
            "current_hour": self.current_hour.isoformat() if self.current_hour else None,
            "current": self.current,
            "open_until": self.open_until.isoformat() if self.open_until else None,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> SlowBuildDetector:
        if state.get("version") != STATE_VERSION or state.get("kind") != "slow_build":
            raise ValueError("not a slow-build detector state of a readable version")
        detector = cls(SlowBuildConfig(**state["config"]))
        detector.hours = [float(h) for h in state["hours"]]
        detector.current = float(state["current"])
        for name in ("current_hour", "open_until"):
            raw = state[name]
            setattr(detector, name, datetime.fromisoformat(raw) if raw else None)
        return detector
