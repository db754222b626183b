"""Spike detection: pure maths over bucketed series (no I/O, no clock); `replay` reads files."""

from jobs.spikes.config import SENSITIVITIES, DetectorConfig, Sensitivity
from jobs.spikes.detector import Detector
from jobs.spikes.generic import GenericConfig, GenericDetector
from jobs.spikes.share import NegativeShareDetector, ShareConfig
from jobs.spikes.verdict import Severity, Verdict

__all__ = [
    "SENSITIVITIES",
    "Detector",
    "DetectorConfig",
    "GenericConfig",
    "GenericDetector",
    "NegativeShareDetector",
    "Sensitivity",
    "Severity",
    "ShareConfig",
    "Verdict",
]
