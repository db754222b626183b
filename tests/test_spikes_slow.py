"""Slow-build alerts: hourly climbs far above the same hours of the last days, incl. Alberta."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from jobs.spikes.slow import SlowBuildConfig, SlowBuildDetector
from tests.test_spikes_series import BUCKET, PER_DAY, START

ALBERTA = (
    Path(__file__).resolve().parents[1].parent
    / "shared/data/crisislex/T26/2013_Alberta_floods/2013_Alberta_floods-tweetids_entire_period.csv"
)


DAY2 = START + timedelta(days=1)


def rhythm(ts: datetime) -> float:
    """About 2 posts per 5 minutes by day, almost none at night."""
    return 2.0 if 8 <= ts.hour < 20 else 0.2


def feed(series: list[tuple[datetime, float]]) -> list[tuple[datetime, str]]:
    detector = SlowBuildDetector()
    alerts = []
    for ts, posts in series:
        verdict = detector.update(ts, posts)
        if verdict is not None and verdict.alert:
            alerts.append((verdict.ts, verdict.reason))
    return alerts


def days_of(rate: float = 1.0, days: int = 5) -> list[tuple[datetime, float]]:
    return [(START + i * BUCKET, rate * rhythm(START + i * BUCKET)) for i in range(days * PER_DAY)]


def settled(alerts: list[tuple[datetime, str]]) -> list[tuple[datetime, str]]:
    """Alerts once the detector has seen a day: on day one any morning rise looks like a build
    (no history says otherwise), which those alerts say."""
    assert all("baseline short: 0 of 3 days" in reason for when, reason in alerts if when < DAY2)
    return [(when, reason) for when, reason in alerts if when >= DAY2]


def test_a_daily_rhythm_never_fires_once_a_day_is_known() -> None:
    assert settled(feed(days_of())) == []


def test_a_climb_over_hours_fires_once_with_its_own_wording() -> None:
    series = days_of()
    start = 4 * PER_DAY + 8 * 12  # 08:00 on day five
    for i in range(12 * 12):  # twelve hours, climbing steadily to 12x the usual volume
        ts, posts = series[start + i]
        series[start + i] = (ts, posts * (1 + 11 * i / (12 * 12)))
    alerts = settled(feed(series))
    assert len(alerts) == 1  # its 24-hour cooldown keeps the rest of the climb quiet
    when, reason = alerts[0]
    assert START + timedelta(days=4, hours=8) <= when <= START + timedelta(days=4, hours=14)
    assert "posts in the last 6 h vs ~" in reason and "same hours of the last 3 days" in reason
    assert "baseline short" not in reason


def test_a_short_sharp_surge_is_not_a_slow_build() -> None:
    series = days_of()
    at = 4 * PER_DAY + 12 * 12
    for i in range(6):
        series[at + i] = (series[at + i][0], 40.0)
    assert settled(feed(series)) == []


def test_a_small_topic_needs_the_minimum_volume() -> None:
    # Ten times busier than usual, but under 60 posts in six hours.
    series = days_of(rate=0.05)
    start = 4 * PER_DAY + 8 * 12
    for i in range(8 * 12):
        series[start + i] = (series[start + i][0], 0.6)
    assert settled(feed(series)) == []


def test_a_new_topic_can_fire_and_says_its_baseline_is_short() -> None:
    series = [(START + i * BUCKET, float(i // 12)) for i in range(10 * 12)]
    alerts = feed(series)
    assert alerts
    assert "baseline short: 0 of 3 days of history" in alerts[0][1]


def test_state_round_trip_keeps_the_hours_and_the_cooldown() -> None:
    detector = SlowBuildDetector(SlowBuildConfig(cooldown_hours=48))
    for ts, posts in days_of(days=2):
        detector.update(ts, posts)
    copy = SlowBuildDetector.from_state(detector.to_state())
    assert copy.to_state() == detector.to_state()


def alberta_buckets() -> list[tuple[datetime, float]]:
    counts: Counter[datetime] = Counter()
    with ALBERTA.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, skipinitialspace=True):
            at = datetime.strptime(row["Timestamp"], "%a %b %d %H:%M:%S %z %Y")
            counts[at.replace(second=0, minute=at.minute - at.minute % 5)] += 1
    first, last = min(counts), max(counts)
    steps = int((last - first) / BUCKET)
    return [(first + i * BUCKET, float(counts[first + i * BUCKET])) for i in range(steps + 1)]


@pytest.mark.skipif(not ALBERTA.exists(), reason="CrisisLex T26 not in ../shared/data")
def test_alberta_floods_fire_a_slow_build_alert_on_the_first_day() -> None:
    series = alberta_buckets()
    first_day = series[0][0].date()
    alerts = feed(series)
    assert alerts
    when, reason = alerts[0]
    window_end = when + timedelta(hours=6)
    assert window_end.astimezone(UTC).date() == first_day  # 2013-06-20
    assert "baseline short" in reason  # the collection starts as the flood does
