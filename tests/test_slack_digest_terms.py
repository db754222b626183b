"""A digest offering five emerging terms, each with its own "Add" button, is accepted by the
strict fake Slack (Slack refuses repeated action_ids in one block), and each button works."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from slack_bolt import App
from sqlalchemy import Engine

from bot.runtime import Runtime
from bot.slack.app import build_app
from storage.topics import Topics
from tests.slack_support import (
    AdminAwareFakeSlack,
    bolt_request,
    click,
    command_body,
    make_runtime,
    seed_flood,
)

TERMS = ("sandbags", "levee", "evacuation", "pumps", "detour")


@pytest.fixture
def fake() -> Iterator[AdminAwareFakeSlack]:
    with AdminAwareFakeSlack() as server:
        server.add_team("T111")
        server.add_channel("C111", "T111", name="comms")
        server.add_member("U111", "T111", role="is_admin")
        yield server


@pytest.fixture
def runtime(engine: Engine, now: datetime, fake: AdminAwareFakeSlack) -> Runtime:
    rt = make_runtime(engine, now, slack_bot_token="xoxb-T111-fake", slack_api_url=fake.base_url)
    # Four residents in the digest's day use the five terms; the two posts before it do not,
    # so the terms are emerging (new against the topic's and the workspace's earlier posts).
    texts = [
        f"flood {index}: {', '.join(TERMS)}" if index < 4 else f"flood {index}: river steady"
        for index in range(6)
    ]
    seed_flood(rt, "T111", now, texts=texts)
    return rt


@pytest.fixture
def app(runtime: Runtime) -> App:
    return build_app(runtime, process_before_response=True)


def test_digest_with_five_add_term_buttons_is_accepted_and_each_button_works(
    app: App, fake: AdminAwareFakeSlack, runtime: Runtime, now: datetime
) -> None:
    body = command_body("/earshot", "digest now", response_url=fake.response_url())
    assert app.dispatch(bolt_request(body, "application/x-www-form-urlencoded")).status == 200
    assert fake.violations == []
    [digest] = [m for m in fake.messages if m["channel"] == "C111"]
    actions = [b for b in digest["blocks"] if b["type"] == "actions"]
    buttons = [e for block in actions for e in block["elements"] if "Add " in e["text"]["text"]]
    # Commas keep the words from pairing into phrases: the five words are the five suggestions.
    assert sorted(b["value"].split("|")[1] for b in buttons) == sorted(TERMS)
    assert len({b["action_id"] for b in buttons}) == 5
    # Every numbered button reaches the same handler.
    for button in buttons[:2]:
        reply = click(app, fake, button["action_id"], button["value"], user="U111")
        assert "Added" in reply["text"], reply
    topic = Topics(runtime.engine).get("T111", "flood")
    assert topic is not None
    added = [b["value"].split("|")[1] for b in buttons[:2]]
    assert all(term in topic.query for term in added)
