"""What people type into `/earshot` (declared `should_escape: false`), through the real Bolt
app: plain #channel / @user / @group names resolved to ids via the Web API, long lists split
and paged, and typographic quotes read as ASCII."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from slack_bolt import App
from sqlalchemy import Engine

from bot.runtime import Runtime
from bot.slack.app import build_app
from bot.slack.directory import clear_cache
from commands.query import Document, parse
from storage.incidents import Incidents
from storage.routing import Routes
from storage.schedules import Schedules
from storage.sources import Sources
from storage.topics import Topics
from storage.workspaces import Workspaces
from tests.slack_support import AdminAwareFakeSlack, bolt_request, command_body, make_runtime

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def fake() -> Iterator[AdminAwareFakeSlack]:
    clear_cache()
    with AdminAwareFakeSlack() as server:
        server.add_team("T111")
        server.add_team("T222")
        server.add_channel("C111", "T111", name="comms")
        # More channels than one page of conversations.list (the bot asks for 200).
        for index in range(230):
            server.add_channel(f"CFILL{index:04d}", "T111", name=f"filler-{index}")
        server.add_channel("C0INCIDENTS", "T111", name="incidents")
        server.add_channel("G0PRIVATE", "T111", name="ops-private", public=False)
        server.add_channel("G0HIDDEN", "T111", name="hidden", public=False, member=False)
        server.add_channel("C2OTHER", "T222", name="other-team-channel")
        server.add_member("U111", "T111", role="is_admin")
        server.add_user("U0JANE", "T111", name="jane")
        server.add_usergroup("S0ADMINS", "T111", ["U111"], handle="comms-admins")
        server.add_usergroup("S0ONCALL", "T111", ["U0JANE"], handle="on-call")
        yield server


@pytest.fixture
def runtime(engine: Engine, now: datetime, fake: AdminAwareFakeSlack) -> Runtime:
    return make_runtime(engine, now, slack_bot_token="xoxb-T111-fake", slack_api_url=fake.base_url)


@pytest.fixture
def app(runtime: Runtime) -> App:
    return build_app(runtime, process_before_response=True)


def earshot(app: App, fake: AdminAwareFakeSlack, text: str) -> dict[str, Any]:
    """Run `/earshot text` as U111 in C111; the reply sent to response_url or the channel."""
    before_responses, before_messages = len(fake.responses), len(fake.messages)
    body = command_body("/earshot", text, response_url=fake.response_url())
    response = app.dispatch(bolt_request(body, FORM))
    assert response.status == 200, response.body
    if len(fake.responses) > before_responses:
        answer: dict[str, Any] = fake.responses[-1]["body"]
        return answer
    assert len(fake.messages) > before_messages, "no reply at all"
    return fake.messages[-1]


def shown(reply: dict[str, Any]) -> str:
    parts = [str(reply.get("text") or "")]
    for block in reply.get("blocks") or []:
        parts.append(str((block.get("text") or {}).get("text", "")))
        parts += [str(e.get("text", "")) for e in block.get("elements", [])]
    return "\n".join(parts)


# -- 3. plain #channel, @user and @group names -------------------------------------------


def test_settings_take_plain_channel_and_group_names(
    app: App, fake: AdminAwareFakeSlack, runtime: Runtime, now: datetime
) -> None:
    earshot(app, fake, "settings alert-channel #incidents")
    earshot(app, fake, "settings admin-group @comms-admins")
    earshot(app, fake, "settings escalation @on-call 45m")
    ws = Workspaces(runtime.engine).ensure("T111", now)
    assert ws.alert_channel == "C0INCIDENTS"
    assert ws.admin_group == "S0ADMINS"
    assert (ws.escalation_group, ws.escalate_after_minutes) == ("S0ONCALL", 45)
    # The escaped forms Slack sends for a picked entry keep working.
    earshot(app, fake, "settings alert-channel <#C111|comms>")
    earshot(app, fake, "settings admin-group <!subteam^S0ONCALL|@on-call>")
    ws = Workspaces(runtime.engine).ensure("T111", now)
    assert (ws.alert_channel, ws.admin_group) == ("C111", "S0ONCALL")


def test_topics_incidents_and_routes_store_channel_ids(
    app: App, fake: AdminAwareFakeSlack, runtime: Runtime
) -> None:
    earshot(app, fake, 'topics add flood "flood" --channel #incidents')
    earshot(app, fake, "topics add power outage --channel #ops-private")
    earshot(app, fake, 'incident start storm "storm OR wind" #incidents')
    earshot(app, fake, 'route add "City Power" #ops-private power')
    topics = {t.name: t.channel for t in Topics(runtime.engine).all("T111")}
    assert (topics["flood"], topics["power"]) == ("C0INCIDENTS", "G0PRIVATE")
    incident = Incidents(runtime.engine).get("T111", "storm")
    assert incident is not None
    assert incident.channel == "C0INCIDENTS"
    assert [r.channel for r in Routes(runtime.engine).all("T111")] == ["G0PRIVATE"]
    # Every conversations.list page was read (230+ channels, 200 a page).
    cursors = [c.get("cursor") for c in fake.calls_to("conversations.list")]
    assert len(cursors) >= 2
    assert cursors[0] in (None, "")


@pytest.mark.parametrize(
    "text",
    [
        "settings alert-channel #nowhere",
        "settings alert-channel #other-team-channel",  # another workspace's channel
        "settings alert-channel #hidden",  # private, the bot is not in it
        "settings admin-group @no-such-group",
        'topics add flood "flood" --channel #nowhere',
        'incident start storm "storm" #nowhere',
        'route add "City Power" #nowhere power',
    ],
)
def test_unknown_names_are_refused_clearly_and_nothing_is_saved(
    app: App, fake: AdminAwareFakeSlack, runtime: Runtime, now: datetime, text: str
) -> None:
    reply = earshot(app, fake, text)
    assert reply.get("response_type") == "ephemeral"
    assert "No channel" in reply["text"] or "No user group" in reply["text"]
    assert Topics(runtime.engine).all("T111") == []
    assert Routes(runtime.engine).all("T111") == []
    assert Incidents(runtime.engine).get("T111", "storm") is None
    ws = Workspaces(runtime.engine).ensure("T111", now)
    assert (ws.alert_channel, ws.admin_group) == (None, None)


def test_a_missing_scope_is_explained(app: App, fake: AdminAwareFakeSlack) -> None:
    fake.missing_scopes.add("usergroups.list")
    reply = earshot(app, fake, "settings admin-group @comms-admins")
    assert "missing_scope" in reply["text"]
    assert "reinstall" in reply["text"]


# -- 4. long lists -----------------------------------------------------------------------


def test_topics_list_shows_every_topic_across_blocks_and_pages(
    app: App, fake: AdminAwareFakeSlack, runtime: Runtime, now: datetime
) -> None:
    topics = Topics(runtime.engine)
    names = [f"topic-{index:03d}" for index in range(300)]
    for name in names:
        query = " OR ".join(f"{name}-term{k}" for k in range(4))
        topics.add("T111", name, query, now=now)
    seen: list[str] = []
    page = 1
    while True:
        reply = earshot(app, fake, f"topics list {page}" if page > 1 else "topics list")
        text = shown(reply)
        seen += [name for name in names if f"*{name}*" in text and name not in seen]
        if "more: `/earshot topics list" not in text:
            break
        assert f"/earshot topics list {page + 1}" in text
        page += 1
    assert page > 1
    assert seen == names  # none dropped, in order, each once
    assert fake.violations == []


def test_sources_list_is_paged_too(
    app: App, fake: AdminAwareFakeSlack, runtime: Runtime, now: datetime
) -> None:
    for index in range(200):
        Sources(runtime.engine).ensure(
            "T111", f"a-rather-long-source-name-{index:03d}", "rss", now=now
        )
    first = shown(earshot(app, fake, "sources list"))
    assert "more: `/earshot sources list 2`" in first
    assert "a-rather-long-source-name-000" in first
    pages = [first]
    page = 2
    while "more: `/earshot sources list" in pages[-1]:
        pages.append(shown(earshot(app, fake, f"sources list {page}")))
        page += 1
    assert all(f"a-rather-long-source-name-{i:03d}" in "".join(pages) for i in range(200))
    refused = earshot(app, fake, f"sources list {page + 5}")
    assert "no page" in refused["text"]


def test_a_long_text_only_reply_is_shown_whole(
    app: App, fake: AdminAwareFakeSlack, runtime: Runtime, now: datetime
) -> None:
    """Replies built as text alone (digest show, incident status, alerts list) were cut at
    3,000 characters; past that they are now split across sections."""
    schedules = Schedules(runtime.engine)
    for index in range(80):
        schedules.upsert(
            "T111",
            f"CFILL{index:04d}",
            topics=[f"a-topic-with-a-long-name-{index}"],
            local_time="08:30",
            timezone="America/Edmonton",
            frequency="daily",
            weekday=0,
            created_by="U111",
            now=now,
        )
    reply = earshot(app, fake, "digest show")
    text = shown(reply)
    assert all(f"a-topic-with-a-long-name-{index}" in text for index in range(80))
    assert fake.violations == []


# -- 7. typographic quotes ---------------------------------------------------------------


def test_curly_quotes_make_a_phrase_in_topics_add(
    app: App, fake: AdminAwareFakeSlack, runtime: Runtime
) -> None:
    # The query is one argument (quoted as a whole); the phrase inside keeps its quotes.
    reply = earshot(app, fake, "topics add water ‘“boil water” OR #yycwater’")
    assert "Saved" in reply["text"], reply["text"]
    topic = Topics(runtime.engine).get("T111", "water")
    assert topic is not None
    query = parse(topic.query)
    assert query.matches(Document(text="Please boil water before drinking"))
    assert not query.matches(Document(text="the water is fine, no need to boil"))


def test_curly_single_quotes_and_apostrophes(
    app: App, fake: AdminAwareFakeSlack, runtime: Runtime
) -> None:
    earshot(app, fake, "topics add power “power OR outage” --channel #incidents")
    earshot(app, fake, "topics add dont “don’t drink”")
    topic = Topics(runtime.engine).get("T111", "power")
    assert topic is not None, fake.responses[-1]
    assert parse(topic.query).matches(Document(text="outage downtown"))
    assert topic.channel == "C0INCIDENTS"
    dont = Topics(runtime.engine).get("T111", "dont")
    assert dont is not None, fake.responses[-1]
    assert parse(dont.query).matches(Document(text="Don't drink the tap water"))
    reply = earshot(app, fake, "incident start storm “storm surge” #incidents")
    assert "storm" in reply["text"]
    incident = Incidents(runtime.engine).get("T111", "storm")
    assert incident is not None
    assert incident.channel == "C0INCIDENTS"


def test_curly_quotes_in_an_adhoc_query(app: App, fake: AdminAwareFakeSlack) -> None:
    body = command_body("/sentiment", "“boil water” 7d", response_url=fake.response_url())
    assert app.dispatch(bolt_request(body, FORM)).status == 200
    text = json.dumps(fake.messages[-1] if fake.messages else fake.responses[-1])
    assert "Unclosed" not in text
    assert "boil water" in text
