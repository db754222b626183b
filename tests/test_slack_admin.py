"""Who may change configuration from Slack: admins, owners, the admin group, listed users."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.runtime import Runtime
from bot.slack.admins import AdminCheck
from bot.slack.app import build_app
from storage.topics import Topics
from storage.workspaces import Workspaces
from tests.slack_support import AdminAwareFakeSlack, bolt_request, command_body, make_runtime

ADD_RIVER = 'topics add river "river OR creek"'


@pytest.fixture
def fake() -> Iterator[AdminAwareFakeSlack]:
    with AdminAwareFakeSlack() as server:
        server.add_team("T111")
        server.add_channel("C111", "T111")
        server.add_member("UPLAIN", "T111")
        server.add_member("UADMIN", "T111", role="is_admin")
        server.add_member("UOWNER", "T111", role="is_primary_owner")
        server.add_member("UGROUP", "T111")
        server.add_member("ULISTED", "T111")
        yield server


@pytest.fixture
def runtime(engine: Engine, now: datetime, fake: AdminAwareFakeSlack) -> Runtime:
    return make_runtime(
        engine,
        now,
        slack_bot_token="xoxb-T111-fake",
        slack_api_url=fake.base_url,
        admin_users=frozenset({"ULISTED"}),
    )


@pytest.fixture
def app(runtime: Runtime) -> App:
    return build_app(runtime, process_before_response=True)


def earshot(app: App, fake: AdminAwareFakeSlack, user_id: str, text: str = ADD_RIVER) -> None:
    body = command_body("/earshot", text, response_url=fake.response_url(), user_id=user_id)
    assert app.dispatch(bolt_request(body, "application/x-www-form-urlencoded")).status == 200


def topic_names(runtime: Runtime) -> list[str]:
    return [t.name for t in Topics(runtime.engine).all("T111")]


def test_plain_member_is_refused_and_nothing_is_saved(
    app: App, fake: AdminAwareFakeSlack, runtime: Runtime
) -> None:
    earshot(app, fake, "UPLAIN")
    [response] = fake.responses
    assert response["body"]["response_type"] == "ephemeral"
    assert "Only workspace admins or the configured Earshot admin group" in response["body"]["text"]
    assert topic_names(runtime) == []
    assert fake.messages == []


@pytest.mark.parametrize("user_id", ["UADMIN", "UOWNER", "ULISTED"])
def test_admins_owners_and_listed_users_may_add_topics(
    app: App, fake: AdminAwareFakeSlack, runtime: Runtime, user_id: str
) -> None:
    earshot(app, fake, user_id)
    assert topic_names(runtime) == ["river"]
    [message] = fake.messages
    assert "Saved topic *river*" in message["text"]
    looked_up = [call["user"] for call in fake.calls_to("users.info")]
    assert looked_up == ([] if user_id == "ULISTED" else [user_id])


def test_admin_group_member_may_add_topics(
    app: App, fake: AdminAwareFakeSlack, runtime: Runtime, now: datetime
) -> None:
    Workspaces(runtime.engine).update("T111", now, admin_group="SADMINS")
    fake.add_usergroup("SADMINS", "T111", ["UGROUP"])
    earshot(app, fake, "UGROUP")
    assert topic_names(runtime) == ["river"]
    assert fake.calls_to("usergroups.users.list")[0]["usergroup"] == "SADMINS"


def test_queries_stay_open_and_look_nobody_up(
    app: App, fake: AdminAwareFakeSlack, runtime: Runtime
) -> None:
    earshot(app, fake, "UPLAIN", "topics list")
    [response] = fake.responses
    assert "No topics yet" in response["body"]["text"]
    body = command_body("/sentiment", "river", response_url=fake.response_url(), user_id="UPLAIN")
    app.dispatch(bolt_request(body, "application/x-www-form-urlencoded"))
    assert len(fake.calls_to("users.info")) == 1  # only for the /earshot command


def test_answers_are_cached_per_team_and_user(fake: AdminAwareFakeSlack) -> None:
    ticks = [0.0]
    check = AdminCheck(frozenset(), ttl=300, clock=lambda: ticks[0])
    client = WebClient(token="xoxb-T111-fake", base_url=fake.base_url)
    assert check.is_admin(client, "T111", "UADMIN", None)
    assert not check.is_admin(client, "T111", "UPLAIN", None)
    ticks[0] = 299
    assert check.is_admin(client, "T111", "UADMIN", None)
    assert len(fake.calls_to("users.info")) == 2
    ticks[0] = 301
    assert check.is_admin(client, "T111", "UADMIN", None)
    assert len(fake.calls_to("users.info")) == 3


def test_failed_lookup_fails_closed_and_is_not_cached(fake: AdminAwareFakeSlack) -> None:
    check = AdminCheck(frozenset())
    client = WebClient(token="xoxb-T111-fake", base_url=fake.base_url)
    fake.fail("users.info", error="ratelimited", status=429)
    assert not check.is_admin(client, "T111", "UADMIN", None)
    assert check.is_admin(client, "T111", "UADMIN", None)


def _muted_until(runtime: Runtime) -> datetime | None:
    [topic] = Topics(runtime.engine).all("T111")
    return topic.muted_until


def test_a_member_mutes_for_a_day_at_most_and_the_reply_shows_the_date(
    app: App, fake: AdminAwareFakeSlack, runtime: Runtime, now: datetime
) -> None:
    Topics(runtime.engine).add("T111", "flood", "flood", now=now)
    earshot(app, fake, "UPLAIN", "alerts mute flood 999d")
    assert "up to 24h" in fake.responses[-1]["body"]["text"]
    assert _muted_until(runtime) is None
    earshot(app, fake, "UPLAIN", "alerts mute flood 24h")
    until = _muted_until(runtime)
    assert until is not None
    assert f"{until:%d %b %Y}" in fake.responses[-1]["body"]["text"]


def test_an_admin_mute_is_capped_at_thirty_days(
    app: App, fake: AdminAwareFakeSlack, runtime: Runtime, now: datetime
) -> None:
    Topics(runtime.engine).add("T111", "flood", "flood", now=now)
    earshot(app, fake, "UADMIN", "alerts mute flood 999d")
    assert "at most 30d" in fake.responses[-1]["body"]["text"]
    assert _muted_until(runtime) is None
    earshot(app, fake, "UADMIN", "alerts mute flood 7d")
    assert _muted_until(runtime) is not None
