"""Digests arrive in Slack at 9:00 local, once, late if missed, across DST and Slack failures."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.scheduler import Ticks
from jobs.digests import send_due_digests
from jobs.sources.base import RawPost
from storage.deliveries import Deliveries
from storage.schedules import Schedules
from storage.topics import Topics
from tests.delivery_helpers import TOKEN, Clock, store, wired
from tests.fakes.slack import FakeSlack

EDMONTON = "America/Edmonton"
# 20 Nov 2026, 09:00 in Edmonton (MST, UTC-7) is 16:00 UTC.
NINE_LOCAL = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        fake.add_team("T1", TOKEN)
        fake.add_channel("C1", "T1")
        yield fake


def _setup(db_url: str, slack: FakeSlack, at: datetime) -> tuple[Clock, Ticks]:
    clock = Clock(at)
    ticks = wired(db_url, slack, clock)
    engine = ticks.runtime.engine
    Topics(engine).add("T1", "flood", "flood*", now=at)
    Schedules(engine).upsert(
        "T1",
        "C1",
        topics=[],
        local_time="09:00",
        timezone=EDMONTON,
        frequency="daily",
        weekday=0,
        created_by="U1",
        now=at,
    )
    posts = [
        RawPost(
            external_id=str(i),
            text=f"Flooding on road {i}, awful",
            created_at=NINE_LOCAL - timedelta(hours=i + 1),
            author=f"u{i}",
            lang="en",
        )
        for i in range(6)
    ]
    store(ticks.runtime, "T1", posts, at)
    return clock, ticks


def _digests(slack: FakeSlack) -> list[dict[str, object]]:
    return [m for m in slack.messages if "digest" in str(m.get("text", "")).lower()]


def test_sent_at_nine_local_once_with_chart(db_url: str, slack: FakeSlack) -> None:
    clock, ticks = _setup(db_url, slack, NINE_LOCAL - timedelta(minutes=1))
    ticks.digests()
    assert _digests(slack) == []
    for minutes in (0, 1, 5):
        clock.now = NINE_LOCAL + timedelta(minutes=minutes)
        ticks.digests()
    sent = _digests(slack)
    assert len(sent) == 1
    assert sent[0]["channel"] == "C1"
    blocks = str(sent[0]["blocks"])
    assert "flood" in blocks and "6 (" in blocks and "Sent late" not in blocks
    upload = next(iter(slack.uploads.values()))
    assert upload["bytes"].startswith(b"\x89PNG") and upload["alt_txt"]


def test_two_schedulers_never_send_twice(db_url: str, slack: FakeSlack) -> None:
    clock, ticks = _setup(db_url, slack, NINE_LOCAL)
    other = wired(db_url, slack, clock, owner="worker-2")
    engine = ticks.runtime.engine
    for owner_ticks in (ticks, other, ticks, other):
        send_due_digests(
            engine,
            owner_ticks.poster,
            owner_ticks.make_ctx,
            now=clock.now,
            owner=owner_ticks.owner,
        )
    assert len(_digests(slack)) == 1
    # The leader lease keeps the second scheduler idle anyway.
    assert ticks.is_leader(clock.now) and not other.is_leader(clock.now)


def test_missed_while_down_is_sent_late_once(db_url: str, slack: FakeSlack) -> None:
    clock, ticks = _setup(db_url, slack, NINE_LOCAL + timedelta(hours=4))
    ticks.digests()
    clock.now += timedelta(minutes=1)
    ticks.digests()
    sent = _digests(slack)
    assert len(sent) == 1
    assert "Sent late" in str(sent[0]["blocks"])
    delivery = Deliveries(ticks.runtime.engine).get("T1", "digest:C1:2026-11-20")
    assert delivery is not None and delivery.late and delivery.status == "sent"


def test_nine_local_across_daylight_saving(db_url: str, slack: FakeSlack) -> None:
    # Edmonton leaves DST on 1 Nov 2026: 9:00 is 15:00 UTC on 31 Oct, 16:00 UTC on 1 Nov.
    clock, ticks = _setup(db_url, slack, datetime(2026, 10, 31, 14, 59, tzinfo=UTC))
    sent_at = []
    while clock.now < datetime(2026, 11, 1, 17, 0, tzinfo=UTC):
        before = len(_digests(slack))
        ticks.digests()
        if len(_digests(slack)) > before:
            sent_at.append(clock.now)
        clock.now += timedelta(minutes=1)
    assert sent_at == [
        datetime(2026, 10, 31, 15, 0, tzinfo=UTC),
        datetime(2026, 11, 1, 16, 0, tzinfo=UTC),
    ]


def test_rate_limited_then_delivered_once(db_url: str, slack: FakeSlack) -> None:
    clock, ticks = _setup(db_url, slack, NINE_LOCAL)
    slack.rate_limit("chat.postMessage", times=3, retry_after=120)
    ticks.digests()
    assert _digests(slack) == []
    clock.now += timedelta(minutes=1)  # Slack asked for two minutes: not yet
    ticks.digests()
    assert _digests(slack) == []
    for _ in range(10):
        clock.now += timedelta(minutes=2)
        ticks.digests()
    assert len(_digests(slack)) == 1


def test_not_in_channel_waits_until_invited(db_url: str, slack: FakeSlack) -> None:
    slack.add_channel("C2", "T1", member=False)
    clock, ticks = _setup(db_url, slack, NINE_LOCAL)
    Schedules(ticks.runtime.engine).upsert(
        "T1",
        "C2",
        topics=["flood"],
        local_time="09:00",
        timezone=EDMONTON,
        frequency="daily",
        weekday=0,
        created_by="U1",
        now=clock.now,
    )
    ticks.digests()
    failed = Deliveries(ticks.runtime.engine).get("T1", "digest:C2:2026-11-20")
    assert (
        failed is not None
        and failed.status == "failed"
        and "not_in_channel" in (failed.last_error or "")
    )
    slack.add_channel("C2", "T1", member=True)  # someone invites @Earshot
    clock.now += timedelta(hours=1)
    ticks.digests()
    to_c2 = [m for m in _digests(slack) if m["channel"] == "C2"]
    assert len(to_c2) == 1 and "Sent late" in str(to_c2[0]["blocks"])
