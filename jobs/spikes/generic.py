"""Detector for any numeric series (`earshot detect --values any`): surprise that breaks its record.

Generic metrics (CPU load, latency, prices, temperatures) have no natural unit
of "a lot": a threshold on a z-score that suits one series pages all day on
another with heavier tails. So each series is judged against its own history
of surprise. Three measures of surprise are computed every bucket, in units of
the series' robust spread (the average absolute deviation from its fast level,
outliers clipped before learning):

- *jump*: how far this value is from the level of the last few buckets;
- *shift*: how far the average of the last half hour or so is from the level of
  the last days (catches level shifts and drifts no single bucket shows);

and a bucket alerts when one of them beats that measure's own record (the
highest value seen since the end of warm-up, fading with a one-week half-life)
by a margin. Records get rarer as history grows, so a series' ordinary wobble,
however heavy-tailed, stops paging within days, while a fault or a surge that
is bigger than anything seen recently still pages at once. Drops count as much
as rises: for generic metrics a fall to zero is as alarming as a surge.

The idea borrows from published streaming detectors (HTM's anomaly
likelihood judges a series' surprise against the distribution of its own past
surprise; ARTime and contextOSE alert on what is new in a series' history);
the code is ours. `bench/nab.py` reports its scores and how they were chosen.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from jobs.spikes.verdict import ALERT_SCORE, Verdict, severity_for

STATE_VERSION = 1
_CHANNELS = ("jump", "shift")
# Residuals beyond this many spreads are clipped before learning.
_CLIP = 4.0
# A spread of exactly zero (a flat line) would make any change infinitely
# surprising; this relative floor keeps the arithmetic finite.
_TINY = 1e-6


@dataclass(frozen=True, slots=True)
class GenericConfig:
    """Settings of the generic detector; the defaults are the shipped configuration
    (see bench/nab.py for the protocol that chose them)."""

    bucket_minutes: float = 5.0
    # A bucket must beat a channel's record by this factor to alert.
    record_margin: float = 1.2
    # Records fade with this half-life, so a topic is not silenced forever by one
    # huge event in its past.
    record_halflife_days: float = 7.0
    # Below this many spreads nothing alerts, however quiet the history was.
    min_surprise: float = 3.0
    # Buckets learned before records count (the spread is unreliable before),
    # and before any alert.
    record_from_buckets: int = 150
    warmup_buckets: int = 300
    cooldown_minutes: float = 24 * 60
    # The level-shift channel (0 leaves only the jump channel; ablation only).
    shift_weight: float = 1.0
    level_buckets: float = 3.0
    recent_buckets: float = 6.0
    long_days: float = 3.0
    spread_days: float = 3.0

    @property
    def buckets_per_day(self) -> float:
        return 24 * 60 / self.bucket_minutes

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _rate(halflife_buckets: float) -> float:
    return 1.0 - math.pow(0.5, 1.0 / max(1.0, halflife_buckets))


class GenericDetector:
    """Streaming, causal: each value is judged on what came before, then learned."""

    def __init__(self, config: GenericConfig | None = None) -> None:
        self.config = config or GenericConfig()
        cfg = self.config
        per_day = cfg.buckets_per_day
        self._level_rate = _rate(cfg.level_buckets)
        self._recent_rate = _rate(cfg.recent_buckets)
        self._long_rate = _rate(cfg.long_days * per_day)
        self._spread_rate = _rate(cfg.spread_days * per_day)
        self._record_decay = math.pow(0.5, 1.0 / max(1.0, cfg.record_halflife_days * per_day))
        self.seen = 0
        self.level = 0.0
        self.recent = 0.0
        self.long = 0.0
        self.spread = 0.0
        self.records = [0.0 for _ in _CHANNELS]
        self.open_until: datetime | None = None

    def _spread_floor(self) -> float:
        return max(self.spread, _TINY * (abs(self.long) + _TINY))

    def update(self, ts: datetime, value: float) -> Verdict:
        if not math.isfinite(value):
            raise ValueError(f"value must be a finite number, got {value!r}")
        cfg = self.config
        if self.seen == 0:
            self.level = self.recent = self.long = value
            self.seen = 1
            return self._verdict(ts, value, value, [0.0, 0.0], 0.0, alert=False, note="")
        spread = self._spread_floor()
        expected = self.level
        residual = value - self.level
        recent = self.recent + self._recent_rate * (value - self.recent)
        surprise = [abs(residual) / spread, cfg.shift_weight * abs(recent - self.long) / spread]
        bars = [max(record * cfg.record_margin, cfg.min_surprise) for record in self.records]
        score = max(s / (s + bar) if s > 0 else 0.0 for s, bar in zip(surprise, bars, strict=True))
        anomalous = score >= ALERT_SCORE and self.seen >= cfg.warmup_buckets
        alert = anomalous and (self.open_until is None or ts > self.open_until)
        if alert:
            self.open_until = ts + timedelta(minutes=cfg.cooldown_minutes)
        note = "" if alert or not anomalous else "alert already open"
        self._learn(value, residual, recent, surprise, spread)
        return self._verdict(ts, value, expected, surprise, score, alert=alert, note=note)

    def _learn(
        self, value: float, residual: float, recent: float, surprise: list[float], spread: float
    ) -> None:
        cfg = self.config
        self.seen += 1
        if self.seen >= cfg.record_from_buckets:
            self.records = [
                max(record * self._record_decay, s)
                for record, s in zip(self.records, surprise, strict=True)
            ]
        limit = _CLIP * spread
        clipped = max(-limit, min(limit, residual))
        warm = 1.0 / self.seen  # running means until the half-lives take over
        self.level += max(warm, self._level_rate) * clipped
        self.spread += max(warm, self._spread_rate) * (abs(clipped) - self.spread)
        self.long += max(warm, self._long_rate) * max(-limit, min(limit, value - self.long))
        self.recent = recent

    def _verdict(
        self,
        ts: datetime,
        value: float,
        expected: float,
        surprise: list[float],
        score: float,
        *,
        alert: bool,
        note: str,
    ) -> Verdict:
        channel = _CHANNELS[0] if surprise[0] >= surprise[1] else _CHANNELS[1]
        strongest = max(surprise)
        reason = (
            f"{value:g} vs ~{expected:.4g} expected ({channel}: {strongest:.1f} spreads,"
            f" record {self.records[_CHANNELS.index(channel)]:.1f})"
        )
        return Verdict(
            ts=ts,
            value=value,
            baseline=expected,
            ratio=value / expected if expected > 0 else 1.0,
            zscore=strongest,
            anomaly_score=score,
            alert=alert,
            continuing=bool(note),
            severity=severity_for(score),
            reason=f"{reason}; {note}" if note else reason,
        )

    def to_state(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "kind": "generic",
            "config": self.config.to_dict(),
            "seen": self.seen,
            "level": self.level,
            "recent": self.recent,
            "long": self.long,
            "spread": self.spread,
            "records": list(self.records),
            "open_until": self.open_until.isoformat() if self.open_until else None,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> GenericDetector:
        if state.get("version") != STATE_VERSION or state.get("kind") != "generic":
            raise ValueError("not a generic detector state of a readable version")
        detector = cls(GenericConfig(**state["config"]))
        for name in ("level", "recent", "long", "spread"):
            setattr(detector, name, float(state[name]))
        detector.seen = int(state["seen"])
        detector.records = [float(r) for r in state["records"]]
        raw = state["open_until"]
        detector.open_until = datetime.fromisoformat(raw) if raw else None
        return detector
