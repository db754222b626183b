"""Help routing through the scheduler into the fake Slack, with a moved clock."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from bot.scheduler import Ticks
from commands import routed as routed_cmd
from commands import routes
from commands.context import UsageError
from jobs.routing import route_new_posts
from storage.deliveries import Deliveries
from storage.routing import RoutedPosts
from storage.workspaces import Workspaces
from tests.delivery_helpers import Clock
from tests.fakes.slack import FakeSlack
from tests.routing_helpers import (
    NEWS_REPORT,
    REPOST,
    RESIDENT_POWER,
    RESIDENT_SHELTER,
    SNEAKY,
    SYMPATHY,
    add_routes,
    channels,
    in_channel,
    ingest,
    minutes,
    post,
    routed_id,
    wired_on,
)

START = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        fake.add_team("T1")
        channels(fake, "T1")
        yield fake


def _routing(
    engine: Engine, slack: FakeSlack, teams: tuple[str, ...] = ("T1",)
) -> tuple[Clock, Ticks]:
    clock = Clock(START)
    ticks = wired_on(engine, slack, clock, teams=teams)
    add_routes(ticks.runtime, "T1", clock.now)
    return clock, ticks


def test_resident_posts_reach_the_right_agency_with_reasons_and_buttons(
    engine: Engine, slack: FakeSlack
) -> None:
    clock, ticks = _routing(engine, slack)
    written = START - minutes(10)
    posts = [
        post("power", RESIDENT_POWER, written),
        post("shelter", RESIDENT_SHELTER, written),
        post("news", NEWS_REPORT, written, author="citynews"),
        post("sympathy", SYMPATHY, written),
        post("rt", REPOST, written),
        post("old", RESIDENT_POWER, START - timedelta(days=3)),
    ]
    ingest(ticks.runtime, "T1", posts, clock.now)
    engine = ticks.runtime.engine
    run = route_new_posts(engine, ticks.poster, ticks.make_ctx, now=clock.now, owner="w")
    assert run.scanned == 0  # just ingested: not settled yet
    clock.now += minutes(2)
    run = route_new_posts(engine, ticks.poster, ticks.make_ctx, now=clock.now, owner="w")
    assert (run.routed, run.delivered, run.reposts, run.stale) == (2, 2, 1, 1)
    assert run.assessed == 4  # reposts and stale posts are not even assessed
    power, shelter = in_channel(slack, "CPOWER"), in_channel(slack, "CSHELTER")
    assert len(power) == 1 and len(shelter) == 1
    blocks = json.dumps(power[0]["blocks"])
    assert "no power on Elm Street" in blocks and "basement" not in blocks
    assert "City Power" in blocks and "resident_power" in blocks and "feed" in blocks
    assert "<https://social.example/@r/power|social.example>" in blocks
    assert 'power: \\"no power\\"' in blocks and "resident voice: asks a question" in blocks
    actions = next(b for b in power[0]["blocks"] if b["type"] == "actions")
    assert [e["action_id"] for e in actions["elements"]] == [
        "route_claim",
        "route_resolve",
        "route_not_actionable",
    ]
    routed = RoutedPosts(engine).get("T1", routed_id(power[0]))
    assert routed is not None and routed.channel == "CPOWER" and routed.status == "new"
    assert routed.message_ts == power[0]["ts"]
    assert "place to stay" in json.dumps(shelter[0]["blocks"])
    everything = json.dumps(slack.messages)
    assert "officials say" not in everything and "prayers" not in everything
    again = route_new_posts(engine, ticks.poster, ticks.make_ctx, now=clock.now, owner="w")
    assert (again.scanned, again.stale, again.delivered) == (0, 0, 0)  # the checkpoint moved


def test_post_text_cannot_mention_or_link(engine: Engine, slack: FakeSlack) -> None:
    clock, ticks = _routing(engine, slack)
    ingest(ticks.runtime, "T1", [post("sneaky", SNEAKY, START - minutes(5))], clock.now)
    clock.now += minutes(2)
    ticks.routing()
    (message,) = in_channel(slack, "CPOWER")
    shown = json.dumps(message["blocks"]) + str(message["text"])
    assert "&lt;!channel&gt;" in shown and "<!channel>" not in shown
    assert "<https://evil.example" not in shown


def test_never_routed_twice_across_ticks_restarts_and_lost_checkpoints(
    engine: Engine, slack: FakeSlack
) -> None:
    clock, ticks = _routing(engine, slack)
    ingest(ticks.runtime, "T1", [post("power", RESIDENT_POWER, START)], clock.now)
    for _ in range(5):
        clock.now += minutes(1)
        ticks.routing()
    restarted = wired_on(engine, slack, clock)  # a new process: fresh runtime and clients
    # A crash between Slack and the checkpoint: the batch is seen again from the start.
    Workspaces(restarted.runtime.engine).update("T1", clock.now, routed_through_post_id=0)
    for _ in range(5):
        clock.now += minutes(1)
        restarted.routing()
    assert len(in_channel(slack, "CPOWER")) == 1
    ingest(restarted.runtime, "T1", [post("power2", RESIDENT_POWER + " Still.", START)], clock.now)
    for _ in range(3):
        clock.now += minutes(1)
        ticks.routing()
        restarted.routing()
    assert len(in_channel(slack, "CPOWER")) == 2


def test_slack_down_then_delivered_once(engine: Engine, slack: FakeSlack) -> None:
    clock, ticks = _routing(engine, slack)
    ingest(ticks.runtime, "T1", [post("power", RESIDENT_POWER, START)], clock.now)
    slack.fail("chat.postMessage", status=503, times=3)
    clock.now += minutes(2)
    ticks.routing()
    assert in_channel(slack, "CPOWER") == []
    for _ in range(30):
        clock.now += minutes(1)
        ticks.routing()
    assert len(in_channel(slack, "CPOWER")) == 1
    assert RoutedPosts(ticks.runtime.engine).undelivered(START - timedelta(days=1)) == []
    key = f"route:{routed_id(in_channel(slack, 'CPOWER')[0])}"
    delivery = Deliveries(ticks.runtime.engine).get("T1", key)
    assert delivery is not None and delivery.status == "sent" and delivery.attempts > 1


def test_unclaimed_post_reminded_once_per_interval_claimed_one_never(
    engine: Engine, slack: FakeSlack
) -> None:
    clock, ticks = _routing(engine, slack)
    engine = ticks.runtime.engine
    Workspaces(engine).update("T1", clock.now, renotify_after_minutes=30)
    ingest(
        ticks.runtime,
        "T1",
        [post("a", RESIDENT_POWER, START), post("b", RESIDENT_POWER + " Please!", START)],
        clock.now,
    )
    clock.now += minutes(1)
    ticks.routing()
    first, second = in_channel(slack, "CPOWER")
    routed_at = clock.now
    routed_cmd.claim(ticks.runtime.ctx("T1", user_id="U7", now=clock.now), routed_id(second))
    reminded_after: list[timedelta] = []
    for _ in range(140):  # the SLA warning (at 150 minutes of 180) is tested elsewhere
        clock.now += minutes(1)
        before = len(in_channel(slack, "CPOWER", threads=True))
        ticks.routing()
        if len(in_channel(slack, "CPOWER", threads=True)) > before:
            reminded_after.append(clock.now - routed_at)
    assert reminded_after == [minutes(30), minutes(60), minutes(90)]  # then it stops at 3
    replies = in_channel(slack, "CPOWER", threads=True)
    assert {r["thread_ts"] for r in replies} == {first["ts"]}
    assert "Still unclaimed after 30 minutes" in str(replies[0]["text"])
    row = RoutedPosts(engine).get("T1", routed_id(first))
    assert row is not None and row.renotified_at == routed_at + minutes(90)


def test_two_workspaces_never_cross(engine: Engine, slack: FakeSlack) -> None:
    slack.add_team("T2")
    slack.add_channel("CPOWER2", "T2")
    clock, ticks = _routing(engine, slack, teams=("T1", "T2"))
    ctx2 = ticks.runtime.ctx("T2", user_id="UADMIN2", now=clock.now)
    routes.run("add Hydro2 <#CPOWER2|power> power", ctx2)
    ingest(ticks.runtime, "T1", [post("t1", RESIDENT_POWER + " (team one)", START)], clock.now)
    ingest(ticks.runtime, "T2", [post("t2", RESIDENT_POWER + " (team two)", START)], clock.now)
    clock.now += minutes(2)
    ticks.routing()
    one, two = in_channel(slack, "CPOWER"), in_channel(slack, "CPOWER2")
    assert len(one) == 1 and "team one" in json.dumps(one[0]["blocks"])
    assert len(two) == 1 and "team two" in json.dumps(two[0]["blocks"])
    assert one[0]["team"] == "T1" and two[0]["team"] == "T2"
    store = RoutedPosts(ticks.runtime.engine)
    t2_id = routed_id(two[0])
    assert store.get("T1", t2_id) is None  # team one cannot reach team two's routed post
    with pytest.raises(UsageError, match="no longer exists in this workspace"):
        routed_cmd.claim(ticks.runtime.ctx("T1", user_id="U1", now=clock.now), t2_id)
    stored = store.get("T2", t2_id)
    assert stored is not None and stored.status == "new"
