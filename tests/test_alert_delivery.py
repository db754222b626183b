"""Spike alerts through the scheduler into the fake Slack: fast, once, updated, escalated."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.scheduler import Ticks
from commands import alerts as alert_cmd
from jobs.sources.base import RawPost
from storage.alerts import Alerts
from storage.topics import Topics
from storage.workspaces import Workspaces
from tests.delivery_helpers import TOKEN, Clock, store, wired
from tests.fakes.slack import FakeSlack

SURGE = datetime(2026, 11, 20, 3, 0, tzinfo=UTC)  # 3 a.m. somewhere: nobody is watching


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        fake.add_team("T1", TOKEN)
        fake.add_channel("C1", "T1")
        yield fake


def _history(surge_per_bucket: int, usual: tuple[int, ...] = (1, 2, 3, 3, 4, 5)) -> list[RawPost]:
    """Two days of ordinary chatter (about 3 posts per 5 minutes), then a 40-minute surge."""
    rng = random.Random(4)
    posts = []
    start = SURGE - timedelta(days=2)
    minutes = 0
    while start + timedelta(minutes=minutes) < SURGE + timedelta(minutes=40):
        at = start + timedelta(minutes=minutes)
        surging = at >= SURGE
        count = surge_per_bucket if surging else rng.choice(usual)
        text = "Flood water rising fast, evacuate now" if surging else "flood insurance question"
        for k in range(count):
            posts.append(
                RawPost(
                    external_id=f"{minutes}-{k}",
                    text=f"{text} {k}",
                    created_at=at + timedelta(seconds=7 * k),
                    author=f"a{k}",
                    lang="en",
                    likes=k,
                )
            )
        minutes += 5
    return posts


def _alerting(
    db_url: str, slack: FakeSlack, surge: int = 40, usual: tuple[int, ...] = (1, 2, 3, 3, 4, 5)
) -> tuple[Clock, Ticks]:
    clock = Clock(SURGE - timedelta(minutes=5))
    ticks = wired(db_url, slack, clock)
    engine = ticks.runtime.engine
    Topics(engine).add("T1", "flood", "flood*", now=clock.now, channel="C1")
    Workspaces(engine).update(
        "T1", clock.now, escalation_group="S0INCIDENT", escalate_after_minutes=30
    )
    store(ticks.runtime, "T1", _history(surge, usual), clock.now)
    return clock, ticks


def _alert_messages(slack: FakeSlack) -> list[dict[str, object]]:
    return [m for m in slack.messages if "Volume spike" in str(m.get("text", ""))]


def test_surge_alerts_within_minutes_once_then_updates(db_url: str, slack: FakeSlack) -> None:
    clock, ticks = _alerting(db_url, slack)
    first_post_at = None
    while clock.now < SURGE + timedelta(minutes=40):
        ticks.alerts()
        if first_post_at is None and _alert_messages(slack):
            first_post_at = clock.now
        clock.now += timedelta(minutes=1)
    assert first_post_at is not None
    assert first_post_at - SURGE <= timedelta(minutes=15)
    sent = _alert_messages(slack)
    assert len(sent) == 1  # one alert per surge; later buckets update it in place
    blocks = str(sent[0]["blocks"])
    assert "alert_ack" in blocks and "alert_mute_1h" in blocks and "alert_more_posts" in blocks
    assert "evacuate" in blocks  # the posts driving it
    assert slack.updates(str(sent[0]["ts"]))  # chat.update as the surge went on
    upload = next(iter(slack.uploads.values()))
    assert upload["bytes"].startswith(b"\x89PNG")


def test_unacknowledged_alert_escalates_once(db_url: str, slack: FakeSlack) -> None:
    clock, ticks = _alerting(db_url, slack)
    clock.now = SURGE + timedelta(minutes=40)
    for _ in range(50):
        ticks.alerts()
        clock.now += timedelta(minutes=1)
    escalations = [m for m in slack.messages if "S0INCIDENT" in str(m.get("text", ""))]
    assert len(escalations) == 1
    assert escalations[0]["thread_ts"] == _alert_messages(slack)[0]["ts"]


def test_acknowledged_alert_does_not_escalate(db_url: str, slack: FakeSlack) -> None:
    clock, ticks = _alerting(db_url, slack)
    clock.now = SURGE + timedelta(minutes=40)
    ticks.alerts()
    alert = Alerts(ticks.runtime.engine).recent("T1", 1)[0]
    assert alert.id is not None
    ctx = ticks.runtime.ctx("T1", user_id="U42", now=clock.now)
    reply = alert_cmd.acknowledge(ctx, alert.id)
    assert "acknowledged by <@U42>" in str(reply.blocks)
    assert "alert_ack" not in str(reply.blocks)
    for _ in range(60):
        clock.now += timedelta(minutes=1)
        ticks.alerts()
    assert not [m for m in slack.messages if "S0INCIDENT" in str(m.get("text", ""))]


def test_muted_topic_records_but_does_not_post(db_url: str, slack: FakeSlack) -> None:
    clock, ticks = _alerting(db_url, slack)
    Topics(ticks.runtime.engine).update("T1", "flood", muted_until=SURGE + timedelta(hours=2))
    clock.now = SURGE + timedelta(minutes=40)
    ticks.alerts()
    assert _alert_messages(slack) == []
    assert Alerts(ticks.runtime.engine).recent("T1", 1)[0].status == "muted"


def test_tiny_volumes_never_alert(db_url: str, slack: FakeSlack) -> None:
    # A topic that is usually silent gets 4 posts in each 5 minutes: many times its usual
    # volume, but too few posts to wake anyone at 3 a.m.
    clock, ticks = _alerting(db_url, slack, surge=4, usual=(0, 0, 0, 0, 0, 1))
    clock.now = SURGE + timedelta(minutes=40)
    ticks.alerts()
    assert _alert_messages(slack) == []
    assert Alerts(ticks.runtime.engine).recent("T1") == []


def test_slack_down_then_alert_delivered_once(db_url: str, slack: FakeSlack) -> None:
    clock, ticks = _alerting(db_url, slack)
    slack.fail("chat.postMessage", status=503, times=3)
    clock.now = SURGE + timedelta(minutes=40)
    ticks.alerts()
    assert _alert_messages(slack) == []
    for _ in range(30):
        clock.now += timedelta(minutes=1)
        ticks.alerts()
    assert len(_alert_messages(slack)) == 1


def _slow_build_posts(start: datetime) -> list[RawPost]:
    """Three quiet days (0-2 posts per 5 minutes), then eight hours climbing to ~12 per bucket."""
    rng = random.Random(9)
    posts = []
    for index in range(3 * 288 + 8 * 12):
        at = start + timedelta(minutes=5 * index)
        climbing = index - 3 * 288
        count = rng.choice((0, 1, 1, 2)) if climbing < 0 else 1 + climbing // 8
        text = "river still rising, sandbags at the arena" if climbing >= 0 else "river walk"
        posts += [
            RawPost(
                external_id=f"s{index}-{k}",
                text=f"{text} {k}",
                created_at=at + timedelta(seconds=11 * k),
                author=f"b{k}",
                lang="en",
            )
            for k in range(count)
        ]
    return posts


def test_slow_build_alert_has_its_own_wording_buttons_and_day_chart(
    db_url: str, slack: FakeSlack
) -> None:
    start = SURGE - timedelta(days=3)
    clock = Clock(SURGE - timedelta(minutes=5))
    ticks = wired(db_url, slack, clock)
    engine = ticks.runtime.engine
    Topics(engine).add("T1", "river", "river", now=start, channel="C1")
    store(ticks.runtime, "T1", _slow_build_posts(start), clock.now)
    while clock.now < SURGE + timedelta(hours=8):
        ticks.alerts()
        clock.now += timedelta(minutes=30)
    slow = [m for m in slack.messages if "Slow build: river" in str(m.get("text", ""))]
    assert len(slow) == 1
    text, blocks = str(slow[0]["text"]), str(slow[0]["blocks"])
    assert "posts in the last 6 h vs ~" in text and "same hours of the last 3 days" in text
    assert "alert_ack" in blocks and "alert_mute_1h" in blocks and "alert_more_posts" in blocks
    assert "sandbags" in blocks
    described = [(u, f"{u.get('title')} {u.get('alt_txt')}") for u in slack.uploads.values()]
    charts = [(u, words) for u, words in described if "Slow build" in words]
    assert charts and charts[0][0]["bytes"].startswith(b"\x89PNG")
    assert "posts per hour" in charts[0][1]  # days by the hour, not minutes
