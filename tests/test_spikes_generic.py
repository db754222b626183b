"""The generic detector (`earshot detect --values any`) on synthetic series of any sign."""

from __future__ import annotations

import math
import random
from datetime import datetime

import pytest

from jobs.spikes.generic import GenericConfig, GenericDetector
from tests.test_spikes_series import BUCKET, PER_DAY, START


def metric(days: int, seed: int = 3, level: float = -2.5, wobble: float = 0.05) -> list[float]:
    """A fractional, negative metric with a daily rhythm and heavy-tailed noise."""
    rng = random.Random(seed)
    out = []
    for index in range(days * PER_DAY):
        rhythm = 0.2 * math.sin(2 * math.pi * index / PER_DAY)
        out.append(level + rhythm + wobble * rng.gauss(0, 1) * (3 if rng.random() < 0.02 else 1))
    return out


def run(values: list[float], config: GenericConfig | None = None) -> list[int]:
    detector = GenericDetector(config)
    return [i for i, v in enumerate(values) if detector.update(START + i * BUCKET, v).alert]


def test_ordinary_wobble_of_a_negative_fractional_metric_stays_quiet() -> None:
    alerts = run(metric(10))
    # Beating the series' own record of surprise is rare on ordinary noise: about
    # one page in three days here, where a fixed z > 3 bar would page hourly.
    assert len(alerts) <= 3
    detector = GenericDetector()
    fixed_bar = sum(
        1 for i, v in enumerate(metric(10)) if detector.update(START + i * BUCKET, v).zscore > 3
    )
    assert fixed_bar > 50


def test_a_spike_and_a_fall_both_alert_at_once() -> None:
    for jump in (+3.0, -3.0):
        values = metric(10)
        at = 8 * PER_DAY
        values[at] += jump
        alerts = run(values)
        assert at in alerts, jump


def test_a_level_shift_beyond_the_daily_rhythm_alerts_within_the_hour() -> None:
    values = metric(10)
    at = 8 * PER_DAY
    shifted = values[:at] + [v + 0.6 for v in values[at:]]
    late = [i for i in run(shifted) if i >= at]
    assert late and late[0] - at <= 12
    assert all(i not in run(values) for i in late)


def test_a_slow_ramp_alerts_on_the_shift_channel() -> None:
    values = metric(10)
    at = 8 * PER_DAY
    ramped = values[:at] + [v + 0.02 * i for i, v in enumerate(values[at:])]
    detector = GenericDetector()
    verdicts = [detector.update(START + i * BUCKET, v) for i, v in enumerate(ramped)]
    late = [v for v in verdicts[at:] if v.alert]
    assert late and "shift" in late[0].reason


def test_cooldown_gives_one_alert_per_event() -> None:
    values = metric(10)
    at = 8 * PER_DAY
    for offset in range(24):
        values[at + offset] += 4.0
    assert [i for i in run(values) if i >= at] == [at]


def test_flat_line_then_change_alerts_without_dividing_by_zero() -> None:
    values = [45.0] * (3 * PER_DAY) + [46.0] * PER_DAY
    assert run(values) == [3 * PER_DAY]


def test_nothing_alerts_during_warm_up() -> None:
    values = metric(1)
    values[100] += 50
    assert run(values, GenericConfig(warmup_buckets=300)) == []


def test_state_round_trip_continues_identically() -> None:
    values = metric(6)
    values[5 * PER_DAY] += 3
    whole = GenericDetector()
    expected = [whole.update(START + i * BUCKET, v) for i, v in enumerate(values)]
    first = GenericDetector()
    half = 3 * PER_DAY
    got = [first.update(START + i * BUCKET, v) for i, v in enumerate(values[:half])]
    resumed = GenericDetector.from_state(first.to_state())
    got += [resumed.update(START + (half + i) * BUCKET, v) for i, v in enumerate(values[half:])]
    assert [(v.alert, round(v.anomaly_score, 9)) for v in got] == [
        (v.alert, round(v.anomaly_score, 9)) for v in expected
    ]


def test_scores_are_between_zero_and_one_and_half_at_the_bar() -> None:
    detector = GenericDetector()
    scores = [detector.update(START + i * BUCKET, v).anomaly_score for i, v in enumerate(metric(3))]
    assert all(0.0 <= s < 1.0 for s in scores)


def test_non_finite_values_are_refused() -> None:
    detector = GenericDetector()
    detector.update(datetime(2024, 1, 1), 1.0)
    with pytest.raises(ValueError, match="finite"):
        detector.update(datetime(2024, 1, 1, 0, 5), math.nan)
