"""Spike habit: after a big spike, smaller spikes stop paging for a while; surges still do."""

from __future__ import annotations

import json
from datetime import datetime

from jobs.spikes import Detector, DetectorConfig
from jobs.spikes.habit import SpikeHabit
from tests.test_spikes_detector import alert_indexes, replay
from tests.test_spikes_series import PER_DAY, flat, noisy_counts, with_surge

BIG_AT = 3 * PER_DAY
NEXT_DAY = 4 * PER_DAY + 100
A_MONTH_LATER = 30 * PER_DAY + 100
NO_HABIT = DetectorConfig(spike_habit_halflife_days=0)


def after_a_big_spike(days: int = 32) -> list[tuple[datetime, float]]:
    series = noisy_counts(days * PER_DAY, flat(40), seed=13)
    return with_surge(series, BIG_AT, [4000.0] * 6)


def test_a_smaller_spike_the_next_day_does_not_page_but_would_without_the_habit() -> None:
    series = with_surge(after_a_big_spike(), NEXT_DAY, [120.0] * 6)
    verdicts = replay(series)
    assert [i // PER_DAY for i in alert_indexes(verdicts)] == [3]
    assert "under the bar raised by this topic's last spike" in verdicts[NEXT_DAY + 1].reason
    without = alert_indexes(replay(series, NO_HABIT))
    assert any(NEXT_DAY <= i < NEXT_DAY + 6 for i in without)


def test_the_habit_fades_so_the_same_spike_pages_weeks_later() -> None:
    series = with_surge(after_a_big_spike(), A_MONTH_LATER, [120.0] * 6)
    alerts = alert_indexes(replay(series))
    assert any(A_MONTH_LATER <= i < A_MONTH_LATER + 6 for i in alerts)


def test_a_sustained_surge_still_pages_right_after_a_big_spike() -> None:
    series = with_surge(after_a_big_spike(), NEXT_DAY, [160.0] * 24)
    alerts = alert_indexes(replay(series))
    assert any(NEXT_DAY <= i < NEXT_DAY + 6 for i in alerts)


def test_habit_raises_half_way_never_lowers_and_halves_per_halflife() -> None:
    habit = SpikeHabit(halflife_buckets=10)
    habit.remember(12.5, base_threshold=4.5)
    assert habit.extra_z == 4.0
    habit.remember(6.5, base_threshold=4.5)
    assert habit.extra_z == 4.0
    for _ in range(10):
        habit.forget()
    assert abs(habit.extra_z - 2.0) < 1e-9
    off = SpikeHabit(halflife_buckets=0)
    off.remember(12.5, base_threshold=4.5)
    assert off.extra_z == 0.0


def test_habit_survives_json_and_version_1_states_still_restore() -> None:
    detector = Detector()
    for ts, value in after_a_big_spike(days=4):
        detector.update(ts, value)
    state = json.loads(json.dumps(detector.to_state()))
    assert state["habit"]["extra_z"] > 0
    assert Detector.from_state(state).habit == detector.habit
    old = {key: value for key, value in state.items() if key != "habit"} | {"version": 1}
    assert Detector.from_state(old).habit.extra_z == 0.0
