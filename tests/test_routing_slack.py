"""Routed-post buttons through signed Bolt block_actions requests: claim, then resolve."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from slack_bolt import App
from sqlalchemy import Engine

from bot.runtime import Runtime
from bot.slack.app import build_app
from jobs.routing import RoutingRun, route_team
from storage import audit
from storage.routing import RoutedPosts
from tests.routing_helpers import RESIDENT_POWER, add_routes, ingest, post
from tests.slack_support import AdminAwareFakeSlack, click, make_runtime


@pytest.fixture
def fake() -> Iterator[AdminAwareFakeSlack]:
    server = AdminAwareFakeSlack()
    with server:
        for team in ("T111", "T222"):
            server.add_team(team)
            server.add_member(f"U{team[1:]}", team)
        yield server


@pytest.fixture
def runtime(engine: Engine, now: datetime, fake: AdminAwareFakeSlack) -> Runtime:
    return make_runtime(engine, now, slack_bot_token="xoxb-T111-fake", slack_api_url=fake.base_url)


@pytest.fixture
def app(runtime: Runtime) -> App:
    return build_app(runtime, process_before_response=True)


def _route_one(runtime: Runtime, team: str, now: datetime) -> int:
    add_routes(runtime, team, now)
    ingest(runtime, team, [post(f"{team}-p", RESIDENT_POWER, now)], now)
    route_team(runtime.engine, team, now=now + timedelta(minutes=1), run=RoutingRun())
    found = [r for r in (RoutedPosts(runtime.engine).get(team, i) for i in range(1, 9)) if r]
    assert len(found) == 1 and found[0].id is not None
    return found[0].id


def click_route(
    app: App, fake: AdminAwareFakeSlack, action_id: str, value: str, team: str = "T111"
) -> dict[str, Any]:
    return click(app, fake, action_id, value, team=team, channel="CPOWER")


def test_claim_then_resolve_replace_the_message(
    app: App, fake: AdminAwareFakeSlack, runtime: Runtime, now: datetime
) -> None:
    routed_id = _route_one(runtime, "T111", now)
    claimed = click_route(app, fake, "route_claim", str(routed_id))
    assert claimed["replace_original"] is True
    shown = json.dumps(claimed["blocks"])
    assert "Claimed by <@U111> at 12:00" in shown and "route_claim" not in shown
    assert "route_resolve" in shown and "route_not_actionable" in shown
    resolved = click_route(app, fake, "route_resolve", str(routed_id))
    assert "Resolved by <@U111>" in json.dumps(resolved["blocks"])
    assert "route_resolve" not in json.dumps(resolved["blocks"])
    row = RoutedPosts(runtime.engine).get("T111", routed_id)
    assert row is not None and row.status == "resolved" and row.claimed_by == "U111"
    actions = [e.action for e in audit.entries(runtime.engine, "T111")]
    assert "route.claim" in actions and "route.resolve" in actions


def test_button_value_from_another_workspace_is_not_found(
    app: App, fake: AdminAwareFakeSlack, runtime: Runtime, now: datetime
) -> None:
    foreign = _route_one(runtime, "T222", now)
    body = click_route(app, fake, "route_not_actionable", str(foreign), team="T111")
    assert body["response_type"] == "ephemeral"
    assert "no longer exists in this workspace" in body["text"]
    row = RoutedPosts(runtime.engine).get("T222", foreign)
    assert row is not None and row.status == "new"
