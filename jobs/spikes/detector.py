"""The streaming volume spike detector: one `update` per bucket, state as a small JSON dict."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from jobs.spikes.baseline import SeasonalBaseline
from jobs.spikes.config import DetectorConfig
from jobs.spikes.gate import AlertGate
from jobs.spikes.verdict import (
    ALERT_SCORE,
    Verdict,
    anomaly_score,
    format_ratio,
    severity_for,
)

STATE_VERSION = 1


class Detector:
    """Causal detector over a regular series of counts (5-minute buckets in production).

    Each bucket is judged against what was learned from earlier buckets only,
    then learned from; the state never grows with the length of the series.
    """

    def __init__(self, config: DetectorConfig | None = None) -> None:
        self.config = config or DetectorConfig()
        self.baseline = SeasonalBaseline(
            self.config.buckets_per_day,
            self.config.level_halflife_days,
            self.config.season_halflife_days,
        )
        self.gate = AlertGate(
            self.config.warmup_buckets, timedelta(minutes=self.config.cooldown_minutes)
        )
        self.last_ts: datetime | None = None
        self.previous_score = 0.0
        self.recent_z = 0.0
        self.recent_z_variance = 0.5
        self.recent_value = 0.0
        self.recent_expected = 0.0
        self.peak_memory = 0.0

    def update(self, ts: datetime, value: float) -> Verdict:
        if self.last_ts is not None and ts <= self.last_ts:
            raise ValueError(f"bucket {ts.isoformat()} is not after {self.last_ts.isoformat()}")
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"bucket value must be a finite count >= 0, got {value!r}")
        cfg = self.config
        expected = math.expm1(self.baseline.expected_log(ts))
        zscore = self.baseline.residual(ts, value) / self.baseline.scale(ts)
        ratio = value / max(expected, 1.0)
        if cfg.memory_halflife_days > 0:
            self.peak_memory *= 0.5 ** (1 / (cfg.memory_halflife_days * cfg.buckets_per_day))
        k = max(cfg.z_threshold, cfg.memory_factor * self.peak_memory)
        score = anomaly_score(zscore, k, ratio, cfg.min_ratio)
        # A surge must hold for a second bucket (at a slightly lower bar): one
        # odd bucket, a bot burst or a single viral repost, is not a surge.
        confirmed = cfg.confirm_buckets < 2 or self.previous_score >= cfg.confirm_score
        a = cfg.recent_rate
        self.recent_z += a * (zscore - self.recent_z)
        self.recent_value += a * (value - self.recent_value)
        self.recent_expected += a * (expected - self.recent_expected)
        recent_sd = math.sqrt(max(self.recent_z_variance, 1e-3))
        z2 = self.recent_z / recent_sd
        r2 = self.recent_value / max(self.recent_expected, 1.0)
        score2 = anomaly_score(z2, k, r2, cfg.min_ratio) if cfg.recent_rate > 0 else 0.0
        if cfg.memory_halflife_days > 0 and self.baseline.seen >= cfg.warmup_buckets:
            self.peak_memory = max(self.peak_memory, zscore if confirmed else 0.0, z2 if cfg.recent_rate > 0 else 0.0)
        if self.baseline.seen > 1:
            lim = 9 * self.recent_z_variance
            self.recent_z_variance += max(1.0 / self.baseline.seen, 1/288) * (min(self.recent_z**2, lim) - self.recent_z_variance)
        anomalous = (score >= ALERT_SCORE and confirmed) or score2 >= ALERT_SCORE
        decision = self.gate.decide(
            ts, anomalous, self.baseline.seen, value, cfg.min_volume
        )
        self.previous_score = score
        self.baseline.learn(ts, value)
        self.last_ts = ts
        reason = (
            f"{value:g} posts in {cfg.bucket_minutes} min vs ~{expected:.0f} expected"
            f" at this hour ({format_ratio(ratio)})"
        )
        if decision.note:
            reason += f"; {decision.note}"
        return Verdict(
            ts=ts,
            value=value,
            baseline=expected,
            ratio=ratio,
            zscore=zscore,
            anomaly_score=score,
            alert=decision.alert,
            continuing=decision.continuing,
            severity=severity_for(score),
            reason=reason,
        )

    def to_state(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "kind": "volume",
            "config": self.config.to_dict(),
            "baseline": self.baseline.to_state(),
            "gate": self.gate.to_state(),
            "last_ts": self.last_ts.isoformat() if self.last_ts else None,
            "previous_score": self.previous_score,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any], config: DetectorConfig | None = None) -> Detector:
        """Restore a detector; a new `config` (say, another sensitivity) keeps what was learned."""
        if state.get("version") != STATE_VERSION or state.get("kind") != "volume":
            raise ValueError("not a volume detector state of this version")
        detector = cls(config or DetectorConfig.from_dict(state["config"]))
        cfg = detector.config
        detector.baseline = SeasonalBaseline.from_state(
            state["baseline"], cfg.buckets_per_day, cfg.level_halflife_days, cfg.season_halflife_days
        )
        detector.gate = AlertGate.from_state(
            state["gate"], cfg.warmup_buckets, timedelta(minutes=cfg.cooldown_minutes)
        )
        detector.last_ts = datetime.fromisoformat(state["last_ts"]) if state["last_ts"] else None
        detector.previous_score = float(state["previous_score"])
        return detector
