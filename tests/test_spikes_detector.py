"""The volume detector: warm-up, floor, early alerts, cooldown, rhythm, sensitivity, causality."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from jobs.spikes import Detector, DetectorConfig, Verdict
from tests.test_spikes_series import BUCKET, PER_DAY, START, flat, noisy_counts, with_surge


def replay(
    series: list[tuple[datetime, float]], config: DetectorConfig | None = None
) -> list[Verdict]:
    detector = Detector(config)
    return [detector.update(ts, value) for ts, value in series]


def alert_indexes(verdicts: list[Verdict]) -> list[int]:
    return [index for index, verdict in enumerate(verdicts) if verdict.alert]


def test_no_alert_during_warmup_even_for_a_huge_surge() -> None:
    series = with_surge(noisy_counts(300, flat(40)), 60, [900.0] * 6)
    verdicts = replay(series)
    assert alert_indexes(verdicts[:144]) == []
    assert verdicts[61].anomaly_score > 0.5  # the maths saw it; the warm-up rule held it
    assert "still learning" in verdicts[61].reason


def test_tiny_volumes_never_alert_but_would_without_the_floor() -> None:
    quiet = noisy_counts(4 * PER_DAY, flat(0.5))
    series = with_surge(quiet, 3 * PER_DAY, [4.0] * 12)  # under the floor of 5 a bucket
    assert alert_indexes(replay(series)) == []
    assert alert_indexes(replay(series, DetectorConfig(min_volume=2))) != []


def test_clear_surge_alerts_within_two_buckets_and_explains_itself() -> None:
    surge_at = 3 * PER_DAY + 100
    series = with_surge(noisy_counts(4 * PER_DAY, flat(40)), surge_at, [400.0] * 6)
    verdicts = replay(series)
    alerts = alert_indexes(verdicts)
    assert len(alerts) == 1
    assert alerts[0] in (surge_at, surge_at + 1)
    alert = verdicts[alerts[0]]
    assert alert.severity == "critical"
    assert alert.ratio > 8
    assert 30 < alert.baseline < 50
    assert alert.reason.startswith("400 posts in 5 min vs ~")
    assert "expected at this hour (x" in alert.reason


def test_an_alert_on_short_history_says_its_baseline_is_short() -> None:
    surge_at = PER_DAY  # one day of history: past warm-up, short of a weekly rhythm
    series = with_surge(noisy_counts(2 * PER_DAY, flat(40)), surge_at, [400.0] * 6)
    verdicts = replay(series)
    alerts = alert_indexes(verdicts)
    assert alerts
    assert verdicts[alerts[0]].reason.endswith("baseline short: 24 h of history")
    settled = with_surge(noisy_counts(4 * PER_DAY, flat(40)), 3 * PER_DAY + 100, [400.0] * 6)
    assert all("baseline short" not in v.reason for v in replay(settled))


def test_cooldown_keeps_one_alert_open_then_allows_the_next_surge() -> None:
    first = 3 * PER_DAY
    second = first + 24  # two hours later: same story, the open alert is updated
    third = second + 6 + 14 * 12  # well past 12 h after the last anomalous bucket
    series = noisy_counts(5 * PER_DAY, flat(40))
    for start in (first, second, third):
        series = with_surge(series, start, [500.0] * 6)
    verdicts = replay(series)
    alerts = alert_indexes(verdicts)
    assert len(alerts) == 2
    assert first <= alerts[0] <= first + 1
    assert third <= alerts[1] <= third + 1
    assert all(verdicts[i].continuing for i in range(second, second + 6))
    assert all(verdicts[i].continuing for i in range(alerts[0] + 1, first + 6))
    assert not any(verdicts[i].continuing for i in range(third - 24, alerts[1] + 1))


def test_a_daily_peak_stops_alerting_once_the_rhythm_is_learned() -> None:
    def evening_peak(ts: datetime) -> float:
        return 160.0 if ts.hour == 18 else 40.0

    verdicts = replay(noisy_counts(21 * PER_DAY, evening_peak, seed=3))
    alert_days = {verdicts[i].ts.date() for i in alert_indexes(verdicts)}
    assert alert_days, "the first evening peaks are news before the rhythm is known"
    assert max(alert_days) < (START + 5 * PER_DAY * BUCKET).date()
    last_day = verdicts[-PER_DAY:]
    at_peak = [v.baseline for v in last_day if v.ts.hour == 18]
    at_dawn = [v.baseline for v in last_day if v.ts.hour == 6]
    assert min(at_peak) > 3 * max(at_dawn)


def test_high_sensitivity_alerts_on_a_moderate_surge_that_low_ignores() -> None:
    surge_at = 4 * PER_DAY
    series = with_surge(noisy_counts(5 * PER_DAY, flat(40), seed=11), surge_at, [120.0] * 12)
    high = replay(series, DetectorConfig.for_sensitivity("high"))
    low = replay(series, DetectorConfig.for_sensitivity("low"))
    assert any(v.alert for v in high[surge_at : surge_at + 12])
    assert alert_indexes(low) == []


def test_a_verdict_never_depends_on_later_buckets() -> None:
    cut = 3 * PER_DAY
    base = noisy_counts(4 * PER_DAY, flat(40), seed=5)
    other_future = with_surge(base, cut, [2000.0] * 50)
    assert replay(base)[:cut] == replay(other_future)[:cut]


def test_state_survives_json_and_stays_small() -> None:
    series = with_surge(noisy_counts(12 * PER_DAY, flat(40), seed=9), 11 * PER_DAY, [600.0] * 8)
    split = 10 * PER_DAY
    original = Detector()
    for ts, value in series[:split]:
        original.update(ts, value)
    restored = Detector.from_state(json.loads(json.dumps(original.to_state())))
    tail = series[split:]
    continued = [original.update(ts, value) for ts, value in tail]
    assert [restored.update(ts, value) for ts, value in tail] == continued
    assert any(v.alert for v in continued)
    state = original.to_state()
    assert len(state["baseline"]["hour"]) == 24
    assert len(state["baseline"]["weekday"]) == 7
    assert len(json.dumps(state)) < 2500  # twelve days in; a year would be the same size


def test_restoring_with_another_sensitivity_keeps_what_was_learned() -> None:
    detector = Detector()
    for ts, value in noisy_counts(2 * PER_DAY, flat(40)):
        detector.update(ts, value)
    high = Detector.from_state(detector.to_state(), DetectorConfig.for_sensitivity("high"))
    assert high.config.sensitivity == "high"
    assert high.baseline == detector.baseline


def test_rejects_out_of_order_and_bad_values() -> None:
    detector = Detector()
    detector.update(START, 3)
    with pytest.raises(ValueError, match="not after"):
        detector.update(START, 4)
    with pytest.raises(ValueError, match="count"):
        detector.update(START + BUCKET, float("nan"))
