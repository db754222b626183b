"""Answered questions: routed posts carry the answer, the digest shows before/after, and a
fast-growing question is an alert of its own, all through the scheduler and fake Slack."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from bot.scheduler import Ticks
from commands import digest, questions
from storage.questions import Questions
from storage.workspaces import Workspaces
from tests.delivery_helpers import Clock
from tests.fakes.slack import FakeSlack
from tests.routing_helpers import add_routes, channels, in_channel, ingest, minutes, post, wired_on

START = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
POWER = [
    "We have no power on Elm Street, when will it be back?",
    "No power on Oak Ave, when will the power be back?",
    "When will power be back on Elm Street? we have no power",
]
TAP = "Is the tap water safe to drink? #rivertonflood"


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        fake.add_team("T1")
        channels(fake, "T1")
        fake.add_channel("CALERTS", "T1")
        yield fake


def _ticks(engine: Engine, slack: FakeSlack) -> tuple[Clock, Ticks]:
    clock = Clock(START)
    return clock, wired_on(engine, slack, clock)


def test_routed_posts_asking_an_answered_question_carry_the_answer(
    engine: Engine, slack: FakeSlack
) -> None:
    clock, ticks = _ticks(engine, slack)
    add_routes(ticks.runtime, "T1", clock.now)
    ingest(ticks.runtime, "T1", [post("p0", POWER[0], START - minutes(5))], clock.now)
    clock.now += minutes(2)
    ticks.routing()
    [first] = in_channel(slack, "CPOWER")
    assert "Suggested reply" not in json.dumps(first["blocks"])
    ctx = ticks.runtime.ctx("T1", user_id="U1", now=clock.now)
    [row] = Questions(engine).figures("T1", START - timedelta(hours=1), clock.now)
    url = "https://power.example.gov/outage"
    questions.run(f'answer {row.cluster.id} {url} "Crews expect power back by 18:00"', ctx)
    later = [post(f"p{n}", text, clock.now) for n, text in enumerate(POWER[1:], 1)]
    ingest(ticks.runtime, "T1", later, clock.now)
    clock.now += minutes(2)
    ticks.routing()
    routed = in_channel(slack, "CPOWER")
    assert len(routed) == 3
    for message in routed[1:]:
        blocks = json.dumps(message["blocks"])
        assert "Suggested reply" in blocks and "Crews expect power back by 18:00" in blocks
        assert url in blocks


def _digest_text(ticks: Ticks, now: datetime) -> str:
    ctx = ticks.make_ctx("T1", now)
    built = digest.build(ctx, local_date=now.date() + timedelta(days=1), local_time="00:00")
    return digest.render(built).text


def test_digest_lists_unanswered_first_and_volume_before_and_after_the_answer(
    engine: Engine, slack: FakeSlack
) -> None:
    clock, ticks = _ticks(engine, slack)
    asked = [post(f"t{n}", TAP, START - minutes(60 - 5 * n)) for n in range(8)]
    asked += [post(f"p{n}", POWER[n % 3], START - minutes(50 - n)) for n in range(2)]
    ingest(ticks.runtime, "T1", asked, START)
    clock.now += minutes(2)
    ticks.routing()
    tap, _power = Questions(engine).figures("T1", START - timedelta(hours=2), clock.now)
    assert tap.posts == 8
    ctx = ticks.runtime.ctx("T1", user_id="U1", now=START - minutes(30))
    questions.run(f'answer {tap.cluster.id} https://w.example.gov/tap "Yes, it is safe"', ctx)
    text = _digest_text(ticks, clock.now)
    section = text.split("*Questions residents asked*", 1)[1]
    unanswered, answered = section.index("not answered yet"), section.index("Yes, it is safe")
    assert unanswered < answered
    # Answer at 13:30, digest to midnight: equal 10.5h windows either side of the answer.
    assert "6 posts in the 10h before, 2 in the 10h after" in section


def test_a_fast_growing_question_alerts_once_with_buttons(engine: Engine, slack: FakeSlack) -> None:
    clock, ticks = _ticks(engine, slack)
    Workspaces(engine).ensure("T1", clock.now)
    Workspaces(engine).update("T1", clock.now, alert_channel="CALERTS")
    wave = [post(f"w{n}", TAP, START - minutes(25) + timedelta(seconds=90 * n)) for n in range(12)]
    ingest(ticks.runtime, "T1", wave, START)
    clock.now += minutes(2)
    ticks.routing()
    [alert] = in_channel(slack, "CALERTS")
    assert (
        "New question spreading: “Is the tap water safe to drink? #rivertonflood”"
        in (alert["text"])
    )
    assert "12 posts in 30 min" in alert["text"]
    actions = next(b for b in alert["blocks"] if b["type"] == "actions")
    assert [e["action_id"] for e in actions["elements"]] == [
        "question_ack",
        "question_mute_24h",
        "question_posts",
    ]
    clock.now += minutes(1)
    ticks.routing()
    assert len(in_channel(slack, "CALERTS")) == 1  # not again for the same wave


def test_a_slow_question_does_not_alert(engine: Engine, slack: FakeSlack) -> None:
    clock, ticks = _ticks(engine, slack)
    Workspaces(engine).ensure("T1", clock.now)
    Workspaces(engine).update("T1", clock.now, alert_channel="CALERTS")
    steady = [post(f"s{n}", TAP, START - minutes(59) + minutes(5 * n)) for n in range(12)]
    ingest(ticks.runtime, "T1", steady, START)
    clock.now += minutes(2)
    ticks.routing()
    assert in_channel(slack, "CALERTS") == []
