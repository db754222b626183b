"""Synthetic, seeded count series shared by the spike detector tests (and a check of them)."""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

START = datetime(2024, 1, 1, tzinfo=UTC)  # a Monday
BUCKET = timedelta(minutes=5)
PER_DAY = 288


def noisy_counts(
    buckets: int, mean: Callable[[datetime], float], seed: int = 7
) -> list[tuple[datetime, float]]:
    """Counts around `mean(ts)` with Poisson-like spread, every 5 minutes from START."""
    rng = random.Random(seed)
    series = []
    for index in range(buckets):
        ts = START + index * BUCKET
        expected = mean(ts)
        series.append((ts, float(max(0, round(rng.gauss(expected, math.sqrt(expected)))))))
    return series


def flat(level: float) -> Callable[[datetime], float]:
    return lambda ts: level


def with_surge(
    series: list[tuple[datetime, float]], start: int, values: list[float]
) -> list[tuple[datetime, float]]:
    """A copy with buckets start, start+1, ... replaced by `values`."""
    surged = list(series)
    for offset, value in enumerate(values):
        surged[start + offset] = (series[start + offset][0], value)
    return surged


def test_series_are_seeded_regular_and_centred_on_the_mean() -> None:
    series = noisy_counts(PER_DAY, flat(40))
    assert series == noisy_counts(PER_DAY, flat(40))
    assert [ts for ts, _ in series][:2] == [START, START + BUCKET]
    assert 38 < sum(value for _, value in series) / len(series) < 42
