"""Socket Mode end to end: the real Bolt app and slack_sdk's socket client against a loopback
WebSocket server speaking Slack's envelope protocol (tests/fakes/socket_mode.py)."""

from __future__ import annotations

import statistics
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_sdk import WebClient
from sqlalchemy import Engine

from bot.runtime import Runtime
from bot.slack.app import build_app
from bot.slack.socket_mode import socket_mode_handler
from storage.topics import Topics
from tests.fakes.socket_mode import FakeSocketMode
from tests.slack_support import AdminAwareFakeSlack, make_runtime

RECONNECT_BOUND = 10.0  # seconds: the requirement after an abrupt drop


@pytest.fixture
def fake() -> Iterator[AdminAwareFakeSlack]:
    with AdminAwareFakeSlack() as server:
        server.add_team("T111")
        server.add_member("U111", "T111", role="is_admin")
        server.add_channel("C111", "T111", name="comms")
        yield server


@pytest.fixture
def sockets(fake: AdminAwareFakeSlack) -> Iterator[FakeSocketMode]:
    with FakeSocketMode() as server:
        fake.socket_url = server.url
        yield server


@pytest.fixture
def runtime(engine: Engine, now: datetime, fake: AdminAwareFakeSlack) -> Runtime:
    return make_runtime(engine, now, slack_bot_token="xoxb-T111-fake", slack_api_url=fake.base_url)


@pytest.fixture
def handler(runtime: Runtime, fake: AdminAwareFakeSlack, sockets: FakeSocketMode) -> Iterator[Any]:
    """The production app (listeners answer after the ack) behind the production handler."""
    client = WebClient(token="xoxb-T111-fake", base_url=fake.base_url)
    served: SocketModeHandler = socket_mode_handler(build_app(runtime, client=client), "xapp-1")
    served.connect()  # type: ignore[no-untyped-call]
    sockets.wait_connections(1)
    try:
        yield served
    finally:
        served.close()  # type: ignore[no-untyped-call]


def slash(fake: AdminAwareFakeSlack, text: str, command: str = "/earshot") -> dict[str, Any]:
    return {
        "token": "legacy-unused",
        "team_id": "T111",
        "team_domain": "t111",
        "channel_id": "C111",
        "channel_name": "comms",
        "user_id": "U111",
        "user_name": "u111",
        "command": command,
        "text": text,
        "api_app_id": "AFAKEAPP",
        "response_url": fake.response_url(),
        "trigger_id": "1.2.3",
    }


def home_opened(event_id: str) -> dict[str, Any]:
    return {
        "token": "legacy-unused",
        "team_id": "T111",
        "api_app_id": "AFAKEAPP",
        "type": "event_callback",
        "event_id": event_id,
        "event_time": 1700000000,
        "event": {"type": "app_home_opened", "user": "U111", "channel": "D111", "tab": "home"},
        "authorizations": [{"team_id": "T111", "user_id": "UBT111", "is_bot": True}],
    }


def answered(fake: AdminAwareFakeSlack, count: int) -> list[dict[str, Any]]:
    return list(fake.wait_for(lambda: len(fake.responses) >= count and fake.responses))


def test_slash_command_is_acked_and_answered_over_the_socket(
    handler: Any, fake: AdminAwareFakeSlack, sockets: FakeSocketMode
) -> None:
    envelopes = [sockets.send("slash_commands", slash(fake, "help")) for _ in range(8)]
    acks = [sockets.wait_ack(envelope) for envelope in envelopes]
    answered(fake, 8)
    assert "Earshot" in fake.responses[0]["body"]["text"]
    figures = sorted(ack.seconds * 1000 for ack in acks)
    print(f"slash ack ms: median {statistics.median(figures):.1f}, max {figures[-1]:.1f}")


def test_app_home_publishes_on_a_first_delivery_and_a_retry_is_handled_once(
    handler: Any, fake: AdminAwareFakeSlack, sockets: FakeSocketMode
) -> None:
    """Slack marks a first delivery retry_attempt 0, which Bolt mirrors as
    x-slack-retry-num: 0; it must be handled. A retry of a handled event is not."""
    first = sockets.send("events_api", home_opened("Ev001"))
    sockets.wait_ack(first)
    fake.wait_for("views.publish", count=1)
    retry = sockets.send(
        "events_api", home_opened("Ev001"), retry_attempt=1, retry_reason="timeout"
    )
    sockets.wait_ack(retry)
    # A retry whose first delivery never reached us is the only copy: it is handled.
    lost = sockets.send("events_api", home_opened("Ev002"), retry_attempt=2, retry_reason="timeout")
    sockets.wait_ack(lost)
    fake.wait_for("views.publish", count=2)
    marker = sockets.send("slash_commands", slash(fake, "help"))
    sockets.wait_ack(marker)
    answered(fake, 1)
    assert len(fake.calls_to("views.publish")) == 2
    assert fake.views["U111"][-1]["type"] == "home"


def test_interactive_button_with_numbered_action_id(
    handler: Any,
    runtime: Runtime,
    fake: AdminAwareFakeSlack,
    sockets: FakeSocketMode,
    now: datetime,
) -> None:
    topic = Topics(runtime.engine).add("T111", "flood", "flood", now=now)
    payload = {
        "type": "block_actions",
        "team": {"id": "T111", "domain": "t111"},
        "user": {"id": "U111", "team_id": "T111"},
        "api_app_id": "AFAKEAPP",
        "token": "legacy-unused",
        "trigger_id": "1.2.3",
        "channel": {"id": "C111", "name": "comms"},
        "container": {"type": "message", "message_ts": "1700000001.000001", "channel_id": "C111"},
        "message": {"ts": "1700000001.000001", "text": "digest"},
        "response_url": fake.response_url(),
        "actions": [
            {
                "action_id": "digest_add_term:3",
                "block_id": f"terms-{topic.id}",
                "value": f"{topic.id}|basement",
                "type": "button",
                "action_ts": "1700000002.000002",
            }
        ],
    }
    sockets.wait_ack(sockets.send("interactive", payload))
    [response] = answered(fake, 1)
    assert "basement" in response["body"]["text"]
    assert "basement" in (Topics(runtime.engine).get("T111", "flood") or topic).query


def test_refresh_disconnect_moves_to_a_new_connection(
    handler: Any, fake: AdminAwareFakeSlack, sockets: FakeSocketMode
) -> None:
    sockets.refresh()
    sockets.wait_connections(2)
    envelope = sockets.send("slash_commands", slash(fake, "help"))
    assert sockets.wait_ack(envelope).connection == 2
    assert len(fake.calls_to("apps.connections.open")) == 2


def test_reconnects_within_ten_seconds_of_an_abrupt_drop(
    handler: Any, fake: AdminAwareFakeSlack, sockets: FakeSocketMode
) -> None:
    """The link goes silent (no close, no FIN, no pongs). The client must notice by itself
    and open a new connection in time; commands sent afterwards are acked on it."""
    dropped_at = sockets.drop()
    reopened_at = sockets.wait_connections(2, timeout=60)
    deaf = reopened_at - dropped_at
    print(f"reconnected {deaf:.2f} s after an abrupt drop (bound {RECONNECT_BOUND:.0f} s)")
    assert deaf < RECONNECT_BOUND
    envelope = sockets.send("slash_commands", slash(fake, "help"))
    assert sockets.wait_ack(envelope).connection == 2
    answered(fake, 1)
