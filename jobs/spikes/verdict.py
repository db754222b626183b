"""What a detector says about one bucket, and how anomaly strength maps to score and severity."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

Severity = Literal["info", "warning", "critical"]

# Score 0.5 is the alert line; 2/3 means twice as far past both thresholds.
INFO_SCORE = 0.4
ALERT_SCORE = 0.5
CRITICAL_SCORE = 2.0 / 3.0


@dataclass(frozen=True, slots=True)
class Verdict:
    """One bucket judged: `alert` is after the alert rules; `continuing` means
    the bucket is anomalous while an alert is already open (update it, do not
    send a new one)."""

    ts: datetime
    value: float
    baseline: float
    ratio: float
    zscore: float
    anomaly_score: float
    alert: bool
    continuing: bool
    severity: Severity | None
    reason: str


def both_tests_score(first: float, first_bar: float, second: float, second_bar: float) -> float:
    """0..1, reaching 0.5 exactly when both positive measures reach their bars."""
    if first <= 0.0 or second <= 0.0:
        return 0.0
    return min(first / (first + first_bar), second / (second + second_bar))


def anomaly_score(zscore: float, z_threshold: float, ratio: float, min_ratio: float) -> float:
    """0..1, reaching 0.5 exactly when both the z and the ratio threshold are met."""
    if ratio <= 1.0:
        return 0.0
    return both_tests_score(zscore, z_threshold, math.log(ratio), math.log(min_ratio))


def severity_for(score: float) -> Severity | None:
    if score >= CRITICAL_SCORE:
        return "critical"
    if score >= ALERT_SCORE:
        return "warning"
    if score >= INFO_SCORE:
        return "info"
    return None


def format_ratio(ratio: float) -> str:
    return f"x{ratio:.1f}" if ratio < 100 else f"x{ratio:.0f}"
