"""The streaming volume spike detector: one `update` per bucket, state as a small JSON dict."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from jobs.spikes.baseline import SeasonalBaseline
from jobs.spikes.config import DetectorConfig
from jobs.spikes.gate import AlertGate
from jobs.spikes.habit import SpikeHabit
from jobs.spikes.recent import RecentSurge
from jobs.spikes.verdict import ALERT_SCORE, Verdict, anomaly_score, format_ratio, severity_for

STATE_VERSION = 2
# An alert resting on less history than this says so: the baseline may not yet
# know the topic's weekly rhythm, and a new topic's alert should be read that way.
SHORT_HISTORY_DAYS = 3
# Version 1 states (before the spike habit) restore with no habit learned yet.
_READABLE_VERSIONS = (1, STATE_VERSION)


class Detector:
    """Causal detector over a regular series of counts (5-minute buckets in production).

    Each bucket is judged against what was learned from earlier buckets only,
    then learned from; the state never grows with the length of the series.
    Two channels: a sharp surge (this bucket and the one before both far above
    expectation, and above the topic's recent spike habit) and a sustained one
    (the last half hour or so on average, against the base threshold).
    """

    def __init__(self, config: DetectorConfig | None = None) -> None:
        self.config = config or DetectorConfig()
        cfg = self.config
        self.baseline = SeasonalBaseline(
            cfg.buckets_per_day, cfg.level_halflife_days, cfg.season_halflife_days
        )
        self.recent = RecentSurge(cfg.recent_rate)
        self.habit = SpikeHabit(cfg.spike_habit_halflife_days * cfg.buckets_per_day)
        self.gate = AlertGate(cfg.warmup_buckets, timedelta(minutes=cfg.cooldown_minutes))
        self.last_ts: datetime | None = None
        self.previous_score = 0.0

    def update(self, ts: datetime, value: float) -> Verdict:
        if self.last_ts is not None and ts <= self.last_ts:
            raise ValueError(f"bucket {ts.isoformat()} is not after {self.last_ts.isoformat()}")
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"bucket value must be a finite count >= 0, got {value!r}")
        cfg = self.config
        expected = math.expm1(self.baseline.expected_log(ts))
        zscore, ratio = 0.0, 1.0  # the very first bucket has nothing to be compared with
        if self.baseline.seen:
            zscore = self.baseline.residual(ts, value) / self.baseline.scale(ts)
            ratio = value / max(expected, 1.0)
        sharp_bar = cfg.z_threshold + self.habit.extra_z
        sharp = anomaly_score(zscore, sharp_bar, ratio, cfg.min_ratio)
        self.recent.observe(zscore, value, expected)
        sustained = anomaly_score(
            self.recent.zscore(), cfg.z_threshold, self.recent.ratio(), cfg.min_ratio
        )
        # One odd bucket (a bot burst, a single viral repost) is not a surge.
        confirmed = cfg.confirm_buckets < 2 or self.previous_score >= ALERT_SCORE
        sharp_alarm = sharp >= ALERT_SCORE and confirmed
        under_habit = not sharp_alarm and zscore >= cfg.z_threshold and zscore < sharp_bar
        self.habit.forget()
        # Warm-up z-scores rest on a spread not yet learned: no habit from them.
        if sharp_alarm and self.baseline.seen >= cfg.warmup_buckets:
            self.habit.remember(zscore, cfg.z_threshold)
        use_sustained = sustained > sharp and not sharp_alarm
        volume = self.recent.value if use_sustained else value
        decision = self.gate.decide(
            ts,
            sharp_alarm or sustained >= ALERT_SCORE,
            self.baseline.seen,
            volume,
            cfg.min_volume,
        )
        self.previous_score = sharp
        history_buckets = self.baseline.seen
        if self.baseline.seen:
            self.recent.learn(self.baseline.level_rate())
        self.baseline.learn(ts, value)
        self.last_ts = ts
        if use_sustained:
            reason = (
                f"~{self.recent.value:.0f} posts per {cfg.bucket_minutes} min lately vs"
                f" ~{self.recent.expected:.0f} expected ({format_ratio(self.recent.ratio())})"
            )
        else:
            reason = (
                f"{value:g} posts in {cfg.bucket_minutes} min vs ~{expected:.0f} expected"
                f" at this hour ({format_ratio(ratio)})"
            )
        if under_habit:
            reason += f"; under the bar raised by this topic's last spike (z {sharp_bar:.1f})"
        if decision.alert and history_buckets < SHORT_HISTORY_DAYS * cfg.buckets_per_day:
            hours = history_buckets * cfg.bucket_minutes / 60
            reason += f"; baseline short: {hours:.0f} h of history"
        score = max(sharp, sustained)
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
            reason=f"{reason}; {decision.note}" if decision.note else reason,
        )

    def to_state(self) -> dict[str, Any]:
        return {
            "version": STATE_VERSION,
            "kind": "volume",
            "config": self.config.to_dict(),
            "baseline": self.baseline.to_state(),
            "recent": self.recent.to_state(),
            "habit": self.habit.to_state(),
            "gate": self.gate.to_state(),
            "last_ts": self.last_ts.isoformat() if self.last_ts else None,
            "previous_score": self.previous_score,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any], config: DetectorConfig | None = None) -> Detector:
        """Restore a detector; a new `config` (say, another sensitivity) keeps what was learned."""
        if state.get("version") not in _READABLE_VERSIONS or state.get("kind") != "volume":
            raise ValueError("not a volume detector state of a readable version")
        detector = cls(config or DetectorConfig.from_dict(state["config"]))
        cfg = detector.config
        detector.baseline = SeasonalBaseline.from_state(
            state["baseline"],
            cfg.buckets_per_day,
            cfg.level_halflife_days,
            cfg.season_halflife_days,
        )
        detector.recent = RecentSurge.from_state(state["recent"], cfg.recent_rate)
        detector.habit = SpikeHabit.from_state(
            state.get("habit", {}), cfg.spike_habit_halflife_days * cfg.buckets_per_day
        )
        detector.gate = AlertGate.from_state(
            state["gate"], cfg.warmup_buckets, timedelta(minutes=cfg.cooldown_minutes)
        )
        last_ts = state["last_ts"]
        detector.last_ts = datetime.fromisoformat(last_ts) if last_ts else None
        detector.previous_score = float(state["previous_score"])
        return detector
