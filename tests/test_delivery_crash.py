"""SIGKILL after Slack accepted a digest or an alert, before the process recorded it:
on restart the message is found by its key, not posted a second time; before Slack
accepted it, it is posted once, late."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from storage.deliveries import Deliveries
from storage.schedules import Schedules
from storage.topics import Topics
from tests.cli_helpers import ROOT, cli_env, kill
from tests.delivery_helpers import TOKEN, Clock, wired
from tests.fakes.slack import FakeSlack
from tests.test_alert_delivery import SURGE, _alert_messages, _alerting

NINE = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        fake.add_team("T1", TOKEN)
        fake.add_channel("C1", "T1")
        yield fake


def _tick_in_child(db_url: str, slack: FakeSlack, at: datetime, job: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.tick_once", db_url, slack.base_url, at.isoformat(), job],
        env=cli_env(db_url),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait(predicate: object, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():  # type: ignore[operator]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _digests(slack: FakeSlack) -> list[dict[str, object]]:
    return [m for m in slack.messages if "digest" in str(m.get("text", "")).lower()]


def _schedule(db_url: str, slack: FakeSlack) -> None:
    engine = wired(db_url, slack, Clock(NINE)).runtime.engine
    Topics(engine).add("T1", "flood", "flood*", now=NINE)
    Schedules(engine).upsert(
        "T1",
        "C1",
        topics=[],
        local_time="09:00",
        timezone="UTC",
        frequency="daily",
        weekday=0,
        created_by="U1",
        now=NINE,
    )


def test_digest_killed_after_slack_accepted_it(db_url: str, slack: FakeSlack) -> None:
    _schedule(db_url, slack)
    release = slack.hang_after("chat.postMessage")
    child = _tick_in_child(db_url, slack, NINE, "digests")
    try:
        _wait(lambda: len(_digests(slack)) == 1)
    finally:
        kill(child)
        release.set()
    clock = Clock(NINE + timedelta(minutes=6))  # the dead process's claim has expired
    ticks = wired(db_url, slack, clock)
    ticks.digests()
    ticks.digests()
    assert len(_digests(slack)) == 1
    delivery = Deliveries(ticks.runtime.engine).get("T1", "digest:C1:2026-11-20")
    assert delivery is not None and delivery.status == "sent"
    assert delivery.message_ts == _digests(slack)[0]["ts"]


def test_digest_found_after_a_crash_though_slacks_clock_is_behind(
    db_url: str, slack: FakeSlack
) -> None:
    """Slack stamps the message half a second before the claim's own time."""
    _schedule(db_url, slack)
    slack.frozen_clock = NINE.timestamp() - 0.5
    release = slack.hang_after("chat.postMessage")
    child = _tick_in_child(db_url, slack, NINE, "digests")
    try:
        _wait(lambda: len(_digests(slack)) == 1)
    finally:
        kill(child)
        release.set()
    ticks = wired(db_url, slack, Clock(NINE + timedelta(minutes=6)))
    ticks.digests()
    ticks.digests()
    assert len(_digests(slack)) == 1
    delivery = Deliveries(ticks.runtime.engine).get("T1", "digest:C1:2026-11-20")
    assert delivery is not None and delivery.status == "sent"
    assert delivery.message_ts == _digests(slack)[0]["ts"]


def test_digest_killed_before_slack_answered(db_url: str, slack: FakeSlack) -> None:
    _schedule(db_url, slack)
    release = slack.hang_before("chat.postMessage")  # the post never reaches Slack
    child = _tick_in_child(db_url, slack, NINE, "digests")
    try:
        _wait(lambda: "chat.postMessage" in slack._held)
    finally:
        kill(child)
        release.set()
    assert _digests(slack) == []
    ticks = wired(db_url, slack, Clock(NINE + timedelta(minutes=20)))  # restarted 20 min later
    ticks.digests()
    ticks.digests()
    sent = _digests(slack)
    assert len(sent) == 1 and "Sent late" in str(sent[0]["blocks"])


def test_alert_killed_after_slack_accepted_it(db_url: str, slack: FakeSlack) -> None:
    clock, ticks = _alerting(db_url, slack)
    at = SURGE + timedelta(minutes=40)
    release = slack.hang_after("chat.postMessage")
    child = _tick_in_child(db_url, slack, at, "alerts")
    try:
        _wait(lambda: len(_alert_messages(slack)) == 1)
    finally:
        kill(child)
        release.set()
    clock.now = at + timedelta(minutes=6)
    ticks.alerts()
    ticks.alerts()
    assert len(_alert_messages(slack)) == 1
