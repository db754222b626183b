"""Negative-sentiment share detector: alerts when the negative share of posts jumps."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from jobs.spikes.config import SENSITIVITIES, Sensitivity
from jobs.spikes.gate import AlertGate
from jobs.spikes.verdict import ALERT_SCORE, Verdict, both_tests_score, severity_for

STATE_VERSION = 1
# Shares wobble beyond binomial noise (a thread of replies moves together).
_EXTRA_SPREAD = 0.05
# (z threshold, minimum rise of the share in absolute terms) per preset.
_THRESHOLDS: dict[Sensitivity, tuple[float, float]] = {
    "low": (5.0, 0.25),
    "normal": (4.0, 0.15),
    "high": (3.0, 0.10),
}


@dataclass(frozen=True, slots=True)
class ShareConfig:
    """Settings of the negative-share detector; the floor counts all posts in the bucket."""

    sensitivity: Sensitivity = "normal"
    z_threshold: float = 4.0
    min_rise: float = 0.15
    min_posts: float = 20.0
    warmup_buckets: int = 144
    cooldown_minutes: int = 12 * 60
    baseline_halflife_buckets: float = 288.0

    @classmethod
    def for_sensitivity(cls, sensitivity: Sensitivity = "normal", **overrides: Any) -> ShareConfig:
        if sensitivity not in _THRESHOLDS:
            raise ValueError(f"unknown sensitivity {sensitivity!r}; use one of {SENSITIVITIES}")
        z_threshold, min_rise = _THRESHOLDS[sensitivity]
        return replace(cls(sensitivity, z_threshold, min_rise), **overrides)


class NegativeShareDetector:
    """Judges negative/total per bucket against a post-weighted moving baseline share."""

    def __init__(self, config: ShareConfig | None = None) -> None:
        self.config = config or ShareConfig()
        self.gate = AlertGate(
            self.config.warmup_buckets, timedelta(minutes=self.config.cooldown_minutes)
        )
        self.negative_avg = 0.0
        self.total_avg = 0.0
        self.seen = 0
        self.last_ts: datetime | None = None

    def baseline_share(self) -> float:
        return self.negative_avg / self.total_avg if self.total_avg > 0 else 0.0

    def update(self, ts: datetime, negative: float, total: float) -> Verdict:
        if self.last_ts is not None and ts <= self.last_ts:
            raise ValueError(f"bucket {ts.isoformat()} is not after {self.last_ts.isoformat()}")
        if not 0 <= negative <= total or not math.isfinite(total):
            raise ValueError(f"need 0 <= negative <= total, got {negative!r} of {total!r}")
        cfg = self.config
        usual = self.baseline_share()
        share = negative / total if total > 0 else 0.0
        spread = math.sqrt(usual * (1 - usual) / max(total, 1.0) + _EXTRA_SPREAD**2)
        zscore = (share - usual) / spread
        score = both_tests_score(zscore, cfg.z_threshold, share - usual, cfg.min_rise)
        decision = self.gate.decide(ts, score >= ALERT_SCORE, self.seen, total, cfg.min_posts)
        self._learn(negative, total)
        self.last_ts = ts
        reason = (
            f"{share:.0%} negative of {total:g} posts vs ~{usual:.0%} usual"
            f" ({(share - usual) * 100:+.0f} pts)"
        )
        return Verdict(
            ts=ts,
            value=share,
            baseline=usual,
            ratio=share / max(usual, 0.01),
            zscore=zscore,
            anomaly_score=score,
            alert=decision.alert,
            continuing=decision.continuing,
            severity=severity_for(score),
            reason=f"{reason}; {decision.note}" if decision.note else reason,
        )

    def _learn(self, negative: float, total: float) -> None:
        if total <= 0:
            return  # an empty bucket says nothing about the share
        self.seen += 1
        rate = max(
            1.0 / self.seen, 1.0 - math.pow(0.5, 1.0 / self.config.baseline_halflife_buckets)
        )
        self.negative_avg += rate * (negative - self.negative_avg)
        self.total_avg += rate * (total - self.total_avg)

    def to_state(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "kind": "negative_share",
            "config": asdict(self.config),
            "negative_avg": self.negative_avg,
            "total_avg": self.total_avg,
            "seen": self.seen,
            "gate": self.gate.to_state(),
            "last_ts": self.last_ts.isoformat() if self.last_ts else None,
        }

    @classmethod
    def from_state(
        cls, state: dict[str, Any], config: ShareConfig | None = None
    ) -> NegativeShareDetector:
        if state.get("version") != STATE_VERSION or state.get("kind") != "negative_share":
            raise ValueError("not a negative-share detector state of this version")
        detector = cls(config or ShareConfig(**state["config"]))
        cfg = detector.config
        detector.negative_avg = float(state["negative_avg"])
        detector.total_avg = float(state["total_avg"])
        detector.seen = int(state["seen"])
        detector.gate = AlertGate.from_state(
            state["gate"], cfg.warmup_buckets, timedelta(minutes=cfg.cooldown_minutes)
        )
        last_ts = state["last_ts"]
        detector.last_ts = datetime.fromisoformat(last_ts) if last_ts else None
        return detector
