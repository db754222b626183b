"""Slash commands through Bolt's dispatch, against the fake Slack: replies, charts, fallbacks."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from slack_bolt import App
from sqlalchemy import Engine

from bot.runtime import Runtime
from bot.slack.app import WORKING, build_app
from bot.slack.deliver import BUSY_NOTE, INVITE_NOTE
from commands.context import Ctx, Reply
from commands.registry import COMMANDS, dispatch
from tests.slack_support import (
    PNG_MAGIC,
    AdminAwareFakeSlack,
    bolt_request,
    command_body,
    make_runtime,
    seed_flood,
)

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def fake() -> Iterator[AdminAwareFakeSlack]:
    with AdminAwareFakeSlack() as server:
        server.add_team("T111")
        server.add_channel("C111", "T111", name="comms")
        server.add_channel("C111OUT", "T111", member=False)
        server.add_member("U111", "T111")
        yield server


@pytest.fixture
def runtime(engine: Engine, now: datetime, fake: AdminAwareFakeSlack) -> Runtime:
    rt = make_runtime(engine, now, slack_bot_token="xoxb-T111-fake", slack_api_url=fake.base_url)
    seed_flood(rt, "T111", now)
    return rt


@pytest.fixture
def app(runtime: Runtime) -> App:
    return build_app(runtime, process_before_response=True)


def run_command(
    app: App, fake: AdminAwareFakeSlack, command: str, text: str, **ids: str
) -> tuple[int, Any]:
    body = command_body(command, text, response_url=fake.response_url(), **ids)
    response = app.dispatch(bolt_request(body, FORM))
    ack = json.loads(response.body) if response.body else None
    return response.status, ack


def section_texts(blocks: list[dict[str, Any]]) -> str:
    parts = []
    for block in blocks:
        parts.append(block.get("text", {}).get("text", ""))
        parts += [field["text"] for field in block.get("fields", [])]
        parts += [element.get("text", "") for element in block.get("elements", [])]
    return "\n".join(parts)


def test_sentiment_posts_numbers_and_a_threaded_png(
    app: App, fake: AdminAwareFakeSlack, runtime: Runtime
) -> None:
    status, ack = run_command(app, fake, "/sentiment", "flood")

    assert status == 200
    assert ack == {"text": WORKING, "response_type": "ephemeral"}
    [message] = fake.messages
    assert message["channel"] == "C111"
    expected = dispatch("/sentiment", "flood", runtime.ctx("T111"))
    assert message["text"] == expected.text
    shown = section_texts(message["blocks"])
    assert "*Posts*\n3 " in shown
    assert expected.data["positive"] + expected.data["negative"] >= 2
    assert f"{expected.data['positive']:,} / {expected.data['neutral']:,} / " in shown
    [upload] = fake.uploads.values()
    assert upload["bytes"].startswith(PNG_MAGIC)
    assert upload["completed"] and upload["channel"] == "C111"
    assert upload["thread_ts"] == message["ts"]
    assert "flood" in upload["alt_txt"] and len(upload["alt_txt"]) <= 1000
    assert upload["title"].startswith("Sentiment · flood")
    assert fake.responses == []


def test_listener_keeps_working_after_the_ack(runtime: Runtime, fake: AdminAwareFakeSlack) -> None:
    app = build_app(runtime)  # the production setting: ack first, work in a thread
    status, ack = run_command(app, fake, "/reach", "flood 30d")
    assert status == 200 and ack["text"] == WORKING
    fake.wait_for("files.completeUploadExternal")
    [message] = fake.messages
    assert "flood" in message["text"]


@pytest.mark.parametrize(
    ("text", "explained"),
    [
        ("", "Usage: `/sentiment <topic or query>"),
        ("(flood", "is not a saved topic, and as a query"),
    ],
)
def test_usage_errors_answer_ephemerally(
    app: App, fake: AdminAwareFakeSlack, text: str, explained: str
) -> None:
    run_command(app, fake, "/sentiment", text)
    [response] = fake.responses
    assert response["body"]["response_type"] == "ephemeral"
    assert explained in response["body"]["text"]
    assert fake.calls_to("chat.postMessage") == []


def test_not_in_channel_falls_back_to_response_url(app: App, fake: AdminAwareFakeSlack) -> None:
    run_command(app, fake, "/sentiment", "flood", channel_id="C111OUT")
    assert fake.messages == [] and fake.uploads == {}
    [response] = fake.responses
    body = response["body"]
    assert body["response_type"] == "in_channel"
    assert "*Posts*\n3 " in section_texts(body["blocks"])
    assert INVITE_NOTE in section_texts(body["blocks"])


def test_short_rate_limit_is_waited_out(app: App, fake: AdminAwareFakeSlack) -> None:
    fake.rate_limit("chat.postMessage", times=1, retry_after=0)
    run_command(app, fake, "/sentiment", "flood")
    assert len(fake.calls_to("chat.postMessage")) == 2
    [message] = fake.messages
    assert "*Posts*\n3 " in section_texts(message["blocks"])
    assert fake.responses == []


def test_long_rate_limit_delivers_through_response_url(app: App, fake: AdminAwareFakeSlack) -> None:
    fake.rate_limit("chat.postMessage", times=1, retry_after=120)
    run_command(app, fake, "/sentiment", "flood")
    assert len(fake.calls_to("chat.postMessage")) == 1
    [response] = fake.responses
    assert "*Posts*\n3 " in section_texts(response["body"]["blocks"])
    assert BUSY_NOTE in section_texts(response["body"]["blocks"])


def test_failed_chart_upload_still_leaves_the_numbers(app: App, fake: AdminAwareFakeSlack) -> None:
    fake.fail("files.completeUploadExternal", error="not_in_channel")
    run_command(app, fake, "/sentiment", "flood")
    assert len(fake.messages) == 1
    [response] = fake.responses
    assert response["body"] == {"response_type": "ephemeral", "text": INVITE_NOTE}


def test_unexpected_error_shows_a_reference_not_a_traceback(
    app: App,
    fake: AdminAwareFakeSlack,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(text: str, ctx: Ctx) -> Reply:
        raise RuntimeError("database exploded: secret detail")

    monkeypatch.setitem(COMMANDS, "/sentiment", broken)
    with caplog.at_level(logging.ERROR, logger="bot.slack"):
        run_command(app, fake, "/sentiment", "flood")
    [response] = fake.responses
    text = response["body"]["text"]
    assert response["body"]["response_type"] == "ephemeral"
    assert "Something went wrong (reference " in text
    assert "secret detail" not in text and "Traceback" not in text
    reference = text.split("reference ")[1].split(")")[0]
    [record] = [r for r in caplog.records if reference in r.getMessage()]
    assert record.exc_info is not None


def test_earshot_help_is_ephemeral_and_acked_without_placeholder(
    app: App, fake: AdminAwareFakeSlack
) -> None:
    status, ack = run_command(app, fake, "/earshot", "help")
    assert status == 200 and ack is None
    [response] = fake.responses
    assert response["body"]["response_type"] == "ephemeral"
    assert "/sentiment <topic or query>" in response["body"]["text"]


@pytest.mark.parametrize("first_delivery", [{}, {"x-slack-retry-num": "0"}])
def test_a_retry_of_a_handled_event_is_dropped(
    app: App, fake: AdminAwareFakeSlack, first_delivery: dict[str, str]
) -> None:
    """A first delivery (no header in HTTP mode, `0` when mirrored from Socket Mode's
    retry_attempt) is handled; Slack's retry of that same event_id is not."""
    body = json.dumps(
        {
            "team_id": "T111",
            "api_app_id": "AFAKEAPP",
            "type": "event_callback",
            "event_id": "Ev1",
            "event_time": 1,
            "event": {"type": "app_home_opened", "user": "U111", "tab": "home"},
        }
    )
    assert app.dispatch(bolt_request(body, "application/json", **first_delivery)).status == 200
    assert len(fake.calls_to("views.publish")) == 1
    response = app.dispatch(bolt_request(body, "application/json", **{"x-slack-retry-num": "1"}))
    assert response.status == 200
    assert response.headers["x-slack-no-retry"] == ["1"]
    assert len(fake.calls_to("views.publish")) == 1
