"""Spike detection: pure maths over bucketed series (no I/O, no clock), plus a file replay."""

from jobs.spikes.config import SENSITIVITIES, DetectorConfig, Sensitivity
from jobs.spikes.detector import Detector
from jobs.spikes.verdict import Severity, Verdict

__all__ = ["SENSITIVITIES", "Detector", "DetectorConfig", "Sensitivity", "Severity", "Verdict"]
