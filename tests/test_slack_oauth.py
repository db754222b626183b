"""Two workspaces installed through OAuth over HTTP: one database, never each other's data."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, text

from bot.runtime import Runtime
from bot.slack.app import build_app
from bot.slack.http import create_asgi_app
from bot.slack.oauth import PrunedStateStore, installation_store
from tests.slack_support import (
    AdminAwareFakeSlack,
    command_body,
    event_body,
    make_runtime,
    seed_flood,
    serving,
    signed_headers,
)

CLIENT_ID, CLIENT_SECRET = "111.222", "client-secret"
FORM = {"content-type": "application/x-www-form-urlencoded"}


@pytest.fixture
def fake() -> Iterator[AdminAwareFakeSlack]:
    with AdminAwareFakeSlack() as server:
        server.oauth_client = (CLIENT_ID, CLIENT_SECRET)
        for team in ("T111", "T222"):
            server.add_oauth_code(f"code-{team}", team, f"xoxb-{team}-oauth")
            server.add_channel(f"C{team[1:]}", team)
            server.add_member(f"U{team[1:]}", team)
        yield server


@pytest.fixture
def runtime(engine: Engine, now: datetime, fake: AdminAwareFakeSlack) -> Runtime:
    return make_runtime(
        engine,
        now,
        slack_client_id=CLIENT_ID,
        slack_client_secret=CLIENT_SECRET,
        slack_api_url=fake.base_url,
    )


@pytest.fixture
def base_url(runtime: Runtime) -> Iterator[str]:
    with serving(create_asgi_app(runtime, build_app(runtime))) as url:
        yield url


def install(base_url: str, team: str) -> httpx.Response:
    page = httpx.get(f"{base_url}/slack/install")
    assert page.status_code == 200
    state = re.search(r"slack-app-oauth-state=([^;]+)", page.headers["set-cookie"])
    assert state is not None and f"state={state.group(1)}" in page.text
    return httpx.get(
        f"{base_url}/slack/oauth_redirect",
        params={"code": f"code-{team}", "state": state.group(1)},
        headers={"cookie": f"slack-app-oauth-state={state.group(1)}"},
    )


def command(base_url: str, fake: AdminAwareFakeSlack, team: str, text: str) -> None:
    body = command_body(
        "/sentiment",
        text,
        response_url=fake.response_url(),
        team_id=team,
        user_id=f"U{team[1:]}",
        channel_id=f"C{team[1:]}",
    )
    response = httpx.post(
        f"{base_url}/slack/events", content=body, headers={**FORM, **signed_headers(body)}
    )
    assert response.status_code == 200


def message_in(fake: AdminAwareFakeSlack, channel: str) -> dict[str, Any]:
    found: dict[str, Any] = fake.wait_for(
        lambda: next((m for m in fake.messages if m["channel"] == channel), None)
    )
    return found


def test_two_workspaces_see_only_their_own_topics_and_posts(
    base_url: str, fake: AdminAwareFakeSlack, runtime: Runtime, now: datetime
) -> None:
    for team in ("T111", "T222"):
        assert install(base_url, team).status_code == 200
    store = installation_store(runtime.settings, runtime.engine)
    bots = {team: store.find_bot(enterprise_id=None, team_id=team) for team in ("T111", "T222")}
    assert {team: bot.bot_token if bot else None for team, bot in bots.items()} == {
        "T111": "xoxb-T111-oauth",
        "T222": "xoxb-T222-oauth",
    }
    seed_flood(runtime, "T111", now)

    command(base_url, fake, "T111", "flood")
    command(base_url, fake, "T222", "flood")

    team_a, team_b = message_in(fake, "C111"), message_in(fake, "C222")
    assert "3 posts" in team_a["text"] and "(saved topic)" in str(team_a["blocks"])
    assert "0 posts" in team_b["text"] and "No posts matched" in str(team_b["blocks"])
    tokens = {call["channel"]: call["_token"] for call in fake.calls_to("chat.postMessage")}
    assert tokens == {"C111": "xoxb-T111-oauth", "C222": "xoxb-T222-oauth"}


def test_unknown_workspace_is_told_to_reinstall(base_url: str, fake: AdminAwareFakeSlack) -> None:
    command(base_url, fake, "T999", "flood")
    response = fake.wait_for(lambda: fake.responses)
    assert "reinstall" in response[0]["body"]["text"].lower()
    assert fake.calls_to("chat.postMessage") == []


def test_uninstall_forgets_the_workspace_token(
    base_url: str, fake: AdminAwareFakeSlack, runtime: Runtime
) -> None:
    install(base_url, "T222")
    store = installation_store(runtime.settings, runtime.engine)
    body = event_body({"type": "app_uninstalled"}, team_id="T222")
    response = httpx.post(
        f"{base_url}/slack/events",
        content=body,
        headers={"content-type": "application/json", **signed_headers(body)},
    )
    assert response.status_code == 200
    fake.wait_for(lambda: store.find_bot(enterprise_id=None, team_id="T222") is None)


def test_unfinished_installs_do_not_pile_up(
    base_url: str, fake: AdminAwareFakeSlack, runtime: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(PrunedStateStore, "max_live", 10)
    for _ in range(30):  # anyone may ask for the install page, over and over
        assert httpx.get(f"{base_url}/slack/install").status_code == 200
    with runtime.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM slack_oauth_states")).scalar_one() <= 10
    assert install(base_url, "T111").status_code == 200  # a real install still finishes
