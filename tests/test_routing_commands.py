"""/earshot route, the routed-post buttons as command functions, and the digest line."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from bot.runtime import Runtime
from commands import digest, routed, routes
from commands.context import NotAllowedError, UsageError
from commands.period import Period
from commands.registry import dispatch
from jobs import routing as routing_job
from jobs.routing import RoutingRun, route_team
from jobs.triage.need_terms import NEED_CATEGORIES
from storage import audit
from storage.routing import RoutedPosts, Routes
from storage.workspaces import Workspaces
from tests.routing_helpers import NEWS_REPORT, RESIDENT_POWER, add_routes, ingest, post
from tests.slack_support import make_runtime


@pytest.fixture
def runtime(engine: Engine, now: datetime) -> Runtime:
    return make_runtime(engine, now)


def _routed_power_posts(runtime: Runtime, now: datetime, count: int) -> list[int]:
    """`count` residents asking City Power for help, routed by the job (no Slack needed)."""
    add_routes(runtime, "T1", now - timedelta(hours=1))
    texts = [f"{RESIDENT_POWER} House {n}." for n in range(count)]
    ingest(runtime, "T1", [post(f"p{n}", t, now) for n, t in enumerate(texts)], now)
    run = RoutingRun()
    route_team(runtime.engine, "T1", now=now + timedelta(minutes=1), run=run)
    assert run.routed == count
    stored = [RoutedPosts(runtime.engine).get("T1", i) for i in range(1, count + 5)]
    return [r.id for r in stored if r is not None and r.id is not None]


def test_categories_are_the_classifiers() -> None:
    assert routes.CATEGORIES == NEED_CATEGORIES


def test_add_list_remove(runtime: Runtime, now: datetime) -> None:
    ctx = runtime.ctx("T1", user_id="UADMIN", now=now)
    added = routes.run('add "City Power" <#C0POWER|power-desk> Power', ctx)
    assert "<#C0POWER>" in added.text and "_power_" in added.text
    query = routes.run('add Water <#C0WATER> "boil water" OR #yycwater', ctx)
    assert query.data["is_category"] is False and "a query" in query.text
    stored = Routes(runtime.engine).all("T1")
    assert [(r.agency, r.channel, r.match, r.is_category) for r in stored] == [
        ("City Power", "C0POWER", "power", True),
        ("Water", "C0WATER", '"boil water" OR #yycwater', False),
    ]
    listing = routes.run("list", ctx).text
    assert "*City Power*: _power_ → <#C0POWER>" in listing
    assert '*Water*: query `"boil water" OR #yycwater` → <#C0WATER>' in listing
    routes.run("add City_Power <#C0POWER> power", ctx)
    with pytest.raises(UsageError, match="already exists"):
        routes.run("add City_Power <#C0POWER> power", ctx)
    routes.run(f"remove {stored[0].id}", ctx)
    assert [r.agency for r in Routes(runtime.engine).all("T1")] == ["Water", "City_Power"]
    actions = [e.action for e in audit.entries(runtime.engine, "T1")]
    assert actions.count("route.add") == 3 and "route.remove" in actions


def test_bad_input_is_refused_with_the_problem(runtime: Runtime, now: datetime) -> None:
    ctx = runtime.ctx("T1", user_id="UADMIN", now=now)
    with pytest.raises(UsageError, match=r'"\(" at position 9 is never closed') as bad_query:
        routes.run("add Water <#C0WATER> water OR (boil", ctx)
    assert "not a need category" in str(bad_query.value)
    # Without Slack (console, CLI) a channel is its name; a malformed one is still refused.
    with pytest.raises(UsageError, match="not a channel name"):
        routes.run("add Water #wat!er power", ctx)
    with pytest.raises(UsageError, match="Usage"):
        routes.run("add Water <#C0WATER>", ctx)
    assert Routes(runtime.engine).all("T1") == []


def test_non_admin_cannot_add_or_remove(runtime: Runtime, now: datetime) -> None:
    ctx = runtime.ctx("T1", user_id="UPLAIN", now=now, is_admin=False)
    with pytest.raises(NotAllowedError):
        routes.run("add Hydro <#C0POWER> power", ctx)
    reply = dispatch("/earshot", "route add Hydro <#C0POWER> power", ctx)
    assert reply.ephemeral and "Only workspace admins" in reply.text
    assert Routes(runtime.engine).all("T1") == []
    add_routes(runtime, "T1", now)
    with pytest.raises(NotAllowedError):
        routes.run("remove 1", ctx)
    assert "City Power" in routes.run("list", ctx).text  # reading is open to everyone


def test_query_route_needs_a_resident_asking(runtime: Runtime, now: datetime) -> None:
    ctx = runtime.ctx("T1", user_id="UADMIN", now=now)
    routes.run('add Water <#C0WATER> "boil water" OR bowness', ctx)
    asked = "Is the boil water advisory still on in Bowness?"
    reported = "Boil water advisory issued for Bowness, the city says"
    ingest(runtime, "T1", [post("q", asked, now), post("r", reported, now)], now)
    run = RoutingRun()
    route_team(runtime.engine, "T1", now=now + timedelta(minutes=1), run=run)
    assert (run.assessed, run.routable, run.routed) == (2, 1, 1)
    found = RoutedPosts(runtime.engine).get("T1", 1)
    assert found is not None and found.channel == "C0WATER"
    assert "water" in found.categories and 'water: "boil water"' in found.reason
    blocks = routed.routed_reply(ctx, found).blocks
    why = next(b["text"]["text"] for b in blocks if "Why routed" in str(b))
    assert why.endswith('route query `"boil water" OR bowness`')


def test_claim_then_resolve_updates_the_message(runtime: Runtime, now: datetime) -> None:
    (routed_id,) = _routed_power_posts(runtime, now, 1)
    clicked = now + timedelta(minutes=7)
    ctx = runtime.ctx("T1", user_id="U42", now=clicked, timezone="America/Edmonton")
    reply = routed.claim(ctx, routed_id)
    shown = json.dumps(reply.blocks)
    assert "Claimed by <@U42> at 05:07" in shown  # 12:07 UTC, shown in the workspace's zone
    buttons = next(b for b in reply.blocks if b["type"] == "actions")["elements"]
    assert [b["action_id"] for b in buttons] == ["route_resolve", "route_not_actionable"]
    late = runtime.ctx("T1", user_id="U99", now=clicked + timedelta(minutes=1))
    assert "<@U42>" in json.dumps(routed.claim(late, routed_id).blocks)  # first claim stands
    resolved = routed.resolve(runtime.ctx("T1", user_id="U42", now=clicked), routed_id)
    assert "Resolved by <@U42>" in json.dumps(resolved.blocks)
    assert not [b for b in resolved.blocks if b["type"] == "actions"]
    row = RoutedPosts(runtime.engine).get("T1", routed_id)
    assert row is not None and (row.status, row.claimed_by, row.closed_by) == (
        "resolved",
        "U42",
        "U42",
    )
    assert row.claimed_at == clicked and row.closed_at == clicked
    logged = [(e.action, e.actor) for e in audit.entries(runtime.engine, "T1")]
    assert ("route.claim", "U42") in logged and ("route.resolve", "U42") in logged
    assert ("route.claim", "U99") not in logged


def test_another_workspace_cannot_act_on_a_routed_post(runtime: Runtime, now: datetime) -> None:
    (routed_id,) = _routed_power_posts(runtime, now, 1)
    with pytest.raises(UsageError, match="no longer exists"):
        routed.not_actionable(runtime.ctx("T2", user_id="U1", now=now), routed_id)
    row = RoutedPosts(runtime.engine).get("T1", routed_id)
    assert row is not None and row.status == "new"


def test_digest_line_counts(runtime: Runtime, now: datetime) -> None:
    a, b, c, d, _ = _routed_power_posts(runtime, now, 5)
    ctx = runtime.ctx("T1", user_id="U5", now=now + timedelta(minutes=10))
    routed.claim(ctx, a)
    routed.resolve(ctx, a)
    routed.claim(ctx, b)
    routed.not_actionable(ctx, c)
    routed.resolve(ctx, d)  # resolved without being claimed first
    later = runtime.ctx("T1", now=now + timedelta(hours=21))
    period = Period(now - timedelta(hours=3), now + timedelta(hours=21), "past 24 hours")
    lines = routes.routing_digest_lines(later, period)
    assert lines[0] == (
        "*Help routing:* 5 routed, 2 claimed, 2 resolved, 1 not actionable, 1 waiting over an hour"
    )
    # Routed at now + 1 min, claimed/resolved at now + 10 min; two still open after 21 h.
    assert lines[1] == (
        "*Response times* <#CPOWER> (City Power): 5 routed, 2 claimed (median 9 min), "
        "2 resolved (median 9 min); within SLA 2 (50 %), past SLA 2, open within SLA 0"
    )
    before = Period(now - timedelta(days=2), now - timedelta(days=1), "past 24 hours")
    assert "0 routed" in routes.routing_digest_lines(later, before)[0]
    assert routes.routing_digest_lines(runtime.ctx("T2", now=now), period) == []
    built = digest.build(later, local_date=date(2026, 11, 21), local_time="09:00")
    routing_lines = routes.routing_digest_lines(later, built.period)
    assert built.extra_lines[: len(routing_lines)] == routing_lines
    assert "5 routed" in built.extra_lines[0]


def test_backlog_drains_in_bounded_batches(
    runtime: Runtime, now: datetime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(routing_job, "BATCH", 3)
    monkeypatch.setattr(routing_job, "MAX_BATCHES", 2)
    add_routes(runtime, "T1", now)
    texts = [f"{RESIDENT_POWER} Unit {n}." for n in range(10)]
    ingest(runtime, "T1", [post(f"u{n}", t, now) for n, t in enumerate(texts)], now)
    first, second, third = RoutingRun(), RoutingRun(), RoutingRun()
    for run in (first, second, third):
        route_team(runtime.engine, "T1", now=now + timedelta(minutes=1), run=run)
    assert [first.scanned, second.scanned, third.scanned] == [6, 4, 0]
    assert first.routed + second.routed == 10 and third.routed == 0
    workspace = Workspaces(runtime.engine).get("T1")
    assert workspace is not None and workspace.routed_through_post_id == 10


def test_news_report_is_not_routed(runtime: Runtime, now: datetime) -> None:
    add_routes(runtime, "T1", now)
    ingest(runtime, "T1", [post("news", NEWS_REPORT, now)], now)
    run = RoutingRun()
    route_team(runtime.engine, "T1", now=now + timedelta(minutes=1), run=run)
    assert (run.scanned, run.assessed, run.routed) == (1, 1, 0)
