"""Response-time accounting for routed posts: SLA per route with a reminder before it lapses,
time to claim and resolve per channel in `/earshot route stats` and the digest, and routes
removed without losing their history."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from bot.scheduler import Ticks
from commands import routed as routed_cmd
from commands import routes
from commands.context import Ctx, UsageError
from commands.period import Period
from commands.registry import dispatch
from storage import audit
from storage.routing import RoutedPosts, Routes
from tests.delivery_helpers import Clock
from tests.fakes.slack import FakeSlack
from tests.routing_helpers import (
    RESIDENT_POWER,
    RESIDENT_SHELTER,
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


def _routed(engine: Engine, slack: FakeSlack) -> tuple[Clock, Ticks]:
    """Two power requests and one shelter request, routed and posted at START + 1 min."""
    clock = Clock(START)
    ticks = wired_on(engine, slack, clock)
    add_routes(ticks.runtime, "T1", clock.now)
    ingest(
        ticks.runtime,
        "T1",
        [
            post("a", RESIDENT_POWER, START),
            post("b", RESIDENT_POWER + " Please!", START),
            post("c", RESIDENT_SHELTER, START),
        ],
        clock.now,
    )
    clock.now += minutes(1)
    ticks.routing()
    assert len(in_channel(slack, "CPOWER")) == 2 and len(in_channel(slack, "CSHELTER")) == 1
    return clock, ticks


def test_sla_reminder_goes_once_before_the_sla_lapses(engine: Engine, slack: FakeSlack) -> None:
    clock, ticks = _routed(engine, slack)
    admin = ticks.runtime.ctx("T1", user_id="UADMIN", now=clock.now)
    shelter_route = next(r for r in Routes(ticks.runtime.engine).all("T1") if r.match == "shelter")
    reply = routes.run(f"sla {shelter_route.id} 1h", admin)
    assert "within 60 minutes" in reply.text
    first, second = in_channel(slack, "CPOWER")
    routed_at = clock.now
    ctx = ticks.runtime.ctx("T1", user_id="U7", now=clock.now)
    routed_cmd.claim(ctx, routed_id(second))
    routed_cmd.resolve(ctx, routed_id(second))  # resolved: never warned
    warned: dict[str, list[timedelta]] = {"CPOWER": [], "CSHELTER": []}
    for _ in range(200):
        clock.now += minutes(1)
        before = {c: len(in_channel(slack, c, threads=True)) for c in warned}
        ticks.routing()
        for channel in warned:
            for reply_msg in in_channel(slack, channel, threads=True)[before[channel] :]:
                if "SLA" in str(reply_msg["text"]):
                    warned[channel].append(clock.now - routed_at)
    # Default 3 h: warned 30 min before; the 1 h shelter route: 15 min before.
    assert warned == {"CPOWER": [minutes(150)], "CSHELTER": [minutes(45)]}
    sla_replies = [m for m in in_channel(slack, "CPOWER", threads=True) if "SLA" in str(m["text"])]
    assert sla_replies[0]["thread_ts"] == first["ts"]
    assert "not claimed yet" in str(sla_replies[0]["text"])
    assert "30 minutes left" in str(sla_replies[0]["text"])


def test_route_stats_and_digest_give_time_to_claim_and_resolve(
    engine: Engine, slack: FakeSlack
) -> None:
    clock, ticks = _routed(engine, slack)
    first, second = in_channel(slack, "CPOWER")

    def ctx() -> Ctx:
        return ticks.runtime.ctx("T1", user_id="U7", now=clock.now)

    clock.now += minutes(20)
    routed_cmd.claim(ctx(), routed_id(first))
    clock.now += minutes(40)
    routed_cmd.resolve(ctx(), routed_id(first))  # claimed at 20 min, resolved at 60 min
    clock.now += minutes(10)
    routed_cmd.claim(ctx(), routed_id(second))  # claimed at 70 min, still open
    clock.now = START + timedelta(hours=5)  # past the 3 h SLA: second and shelter breached
    reply = dispatch("/earshot", "route stats 24h", ctx())
    by_channel = {c["channel"]: c for c in reply.data["channels"]}
    power = by_channel["CPOWER"]
    assert power["routed"] == 2 and power["claimed"] == 2 and power["resolved"] == 1
    assert power["median_claim_minutes"] == 45.0  # 20 and 70
    assert power["median_resolve_minutes"] == 60.0
    assert (power["within_sla"], power["past_sla"], power["open_within_sla"]) == (1, 1, 0)
    assert by_channel["CSHELTER"]["past_sla"] == 1
    assert by_channel["CSHELTER"]["median_claim_minutes"] is None
    assert "(median 45 min)" in reply.text and "(median 1 h 00 min)" in reply.text
    period = Period(START - timedelta(hours=1), clock.now, "today")
    lines = routes.routing_digest_lines(ctx(), period)
    assert any(
        "*Response times* <#CPOWER>" in line and "within SLA 1 (50 %)" in line for line in lines
    )
    bad = dispatch("/earshot", "route stats 0d", ctx())
    assert bad.ephemeral and "is empty" in bad.text


def test_removing_a_route_keeps_its_routed_posts_and_stats(
    engine: Engine, slack: FakeSlack
) -> None:
    clock, ticks = _routed(engine, slack)
    engine = ticks.runtime.engine
    admin = ticks.runtime.ctx("T1", user_id="UADMIN", now=clock.now)
    power = next(r for r in Routes(engine).all("T1") if r.match == "power")
    before = RoutedPosts(engine).in_period("T1", START, clock.now + minutes(1))
    assert len(before) == 3
    reply = routes.run(f"remove {power.id}", admin)
    assert "are kept" in reply.text
    assert [r.match for r in Routes(engine).all("T1")] == ["shelter"]
    assert len(RoutedPosts(engine).in_period("T1", START, clock.now + minutes(1))) == 3
    later = ticks.runtime.ctx("T1", user_id="UADMIN", now=clock.now + minutes(5))
    stats = dispatch("/earshot", "route stats 24h", later)
    assert {c["channel"] for c in stats.data["channels"]} == {"CPOWER", "CSHELTER"}
    assert "City Power" in stats.text
    # No new posts go to a removed route.
    ingest(ticks.runtime, "T1", [post("d", RESIDENT_POWER + " Day 2.", clock.now)], clock.now)
    clock.now += minutes(2)
    ticks.routing()
    assert len(in_channel(slack, "CPOWER")) == 2
    with pytest.raises(UsageError, match="in use"):
        routes.run(f"remove {power.id}", admin)
    # Added again: the same route comes back with its history and its id.
    routes.run('add "City Power" <#CPOWER|power-desk> power', admin)
    assert any(r.id == power.id for r in Routes(engine).all("T1"))
    assert "route.remove" in [e.action for e in audit.entries(engine, "T1")]


def test_sla_command_refuses_bad_input(engine: Engine, slack: FakeSlack) -> None:
    clock, ticks = _routed(engine, slack)
    admin = ticks.runtime.ctx("T1", user_id="UADMIN", now=clock.now)
    for bad, why in (
        ("sla 1", "e.g."),
        ("sla 1 5m", "between 15 minutes"),
        ("sla 99 2h", "No route"),
    ):
        with pytest.raises(UsageError, match=why):
            routes.run(bad, admin)
    plain = ticks.runtime.ctx("T1", user_id="UPLAIN", now=clock.now, is_admin=False)
    reply = dispatch("/earshot", "route sla 1 2h", plain)
    assert "Only workspace admins" in reply.text
    assert "(SLA 3h)" in routes.run("list", admin).text
