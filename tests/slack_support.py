"""Test helpers for the Slack adapter: a FakeSlack with admins, signed requests, and a
runtime with stored posts. (tests/fakes/slack.py lacks users.info admin flags and pins.add,
so this subclasses it rather than editing it.)"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import uvicorn
from slack_bolt import BoltRequest
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import Engine

from bot.runtime import Runtime
from bot.settings import Settings
from jobs.ingest import SourceRef
from jobs.sources.base import RawPost
from storage.sources import Sources
from storage.topics import Topics
from tests.fakes.slack import FakeSlack
from tests.fakes.slack_state import Params, SlackError

SECRET = "test-signing-secret"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
FLOOD_TEXTS = (
    "Great work by the flood crews tonight, thank you all",
    "The flood is terrible, our basement is ruined and nobody came",
    "Flood update: river levels steady at the bridge",
)


class AdminAwareFakeSlack(FakeSlack):
    """FakeSlack plus users.info admin flags and pins.add."""

    def __init__(self) -> None:
        super().__init__()
        self.pins: list[tuple[str, str, str]] = []  # (team, channel, ts)

    def add_member(self, user_id: str, team_id: str, *, role: str | None = None) -> None:
        """A user; `role` is "is_admin", "is_owner" or "is_primary_owner" when they have one."""
        self.add_user(user_id, team_id)
        with self._lock:
            for flag in ("is_admin", "is_owner", "is_primary_owner"):
                self._users[user_id][flag] = flag == role

    def dispatch(
        self, method: str, params: Params, token: str | None, authorization: str
    ) -> Params:
        if method != "pins.add":
            return super().dispatch(method, params, token, authorization)
        team_id = self._tokens.get(token or "")
        if team_id is None:
            raise SlackError("invalid_auth")
        return self._pin(team_id, params)

    def _pin(self, team_id: str, params: Params) -> Params:
        channel = self._channel(team_id, params.get("channel"))
        ts = params.get("timestamp")
        if not any(m["ts"] == ts and m["channel"] == channel.id for m in self._messages):
            raise SlackError("message_not_found")
        self.pins.append((team_id, channel.id, str(ts)))
        return {}


def signed_headers(
    body: str, *, secret: str = SECRET, age: float = 0.0, timestamp: int | None = None
) -> dict[str, str]:
    """Slack's headers for `body`, signed `age` seconds ago or at `timestamp`."""
    signed_at = str(int(time.time() - age) if timestamp is None else timestamp)
    signature = SignatureVerifier(secret).generate_signature(timestamp=signed_at, body=body)
    return {"x-slack-request-timestamp": signed_at, "x-slack-signature": signature}


def command_body(
    command: str,
    text: str,
    *,
    response_url: str,
    team_id: str = "T111",
    user_id: str = "U111",
    channel_id: str = "C111",
) -> str:
    return urlencode(
        {
            "token": "legacy-unused",
            "team_id": team_id,
            "team_domain": team_id.lower(),
            "channel_id": channel_id,
            "channel_name": "comms",
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": "AFAKEAPP",
            "response_url": response_url,
            "trigger_id": "13345224609.738474920.8088930838d88f008e0",
        }
    )


def event_body(event: dict[str, Any], *, team_id: str = "T111") -> str:
    return json.dumps(
        {
            "token": "legacy-unused",
            "team_id": team_id,
            "api_app_id": "AFAKEAPP",
            "type": "event_callback",
            "event_id": f"Ev{abs(hash(json.dumps(event))) % 10**8:08d}",
            "event_time": int(time.time()),
            "event": event,
            "authorizations": [{"team_id": team_id, "user_id": f"UB{team_id}", "is_bot": True}],
        }
    )


def bolt_request(body: str, content_type: str, **extra_headers: str) -> BoltRequest:
    headers = {"content-type": content_type, **signed_headers(body), **extra_headers}
    return BoltRequest(body=body, headers={k: [v] for k, v in headers.items()})


def make_runtime(engine: Engine, now: datetime, **settings: Any) -> Runtime:
    """A runtime on the test's database (the fixture's engine: on PostgreSQL its schema is
    set through connect_args, which a URL alone would lose) with a frozen clock."""
    values: dict[str, Any] = {
        "database_url": engine.url.render_as_string(hide_password=False),
        "slack_signing_secret": SECRET,
    }
    values.update(settings)
    runtime = Runtime(Settings(**values), clock=lambda: now)
    runtime.__dict__["engine"] = engine  # primes the cached_property
    return runtime


def seed_flood(
    runtime: Runtime, team_id: str, now: datetime, texts: Sequence[str] = FLOOD_TEXTS
) -> None:
    """A saved topic "flood" and a few matching posts in the last two days."""
    Topics(runtime.engine).add(team_id, "flood", "flood", now=now - timedelta(days=3))
    row = Sources(runtime.engine).ensure(team_id, "city-feed", "rss", now=now - timedelta(days=3))
    assert row.id is not None
    posts = [
        RawPost(
            external_id=f"{team_id}-{index}",
            text=text,
            created_at=now - timedelta(hours=5 * (index + 1)),
            author=f"resident{index}",
            author_followers=100 * (index + 1),
            url=f"https://news.example.org/{team_id}/{index}",
            lang="en",
        )
        for index, text in enumerate(texts)
    ]
    runtime.ingestor.ingest(team_id, SourceRef(row.id, row.kind, row.name), posts, now=now)


@contextmanager
def serving(asgi: Any) -> Iterator[str]:
    """Run `asgi` under a real uvicorn on 127.0.0.1:<free port>; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(asgi, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def click(
    app: Any,
    fake: FakeSlack,
    action_id: str,
    value: str,
    *,
    team: str = "T111",
    user: str | None = None,
    channel: str = "C111",
) -> dict[str, Any]:
    """A signed block_actions request for one button; returns what was sent to response_url."""
    payload = {
        "type": "block_actions",
        "team": {"id": team, "domain": team.lower()},
        "user": {"id": user or f"U{team[1:]}", "team_id": team},
        "api_app_id": "AFAKEAPP",
        "token": "legacy-unused",
        "trigger_id": "1.2.3",
        "channel": {"id": channel, "name": "comms"},
        "container": {"type": "message", "message_ts": "1700000001.000001", "channel_id": channel},
        "message": {"ts": "1700000001.000001", "text": "message"},
        "response_url": fake.response_url(),
        "actions": [
            {
                "action_id": action_id,
                "block_id": f"block-{value}"[:255],
                "value": value,
                "type": "button",
                "action_ts": "1700000002.000002",
            }
        ],
    }
    body = urlencode({"payload": json.dumps(payload)})
    assert app.dispatch(bolt_request(body, "application/x-www-form-urlencoded")).status == 200
    response: dict[str, Any] = fake.responses[-1]["body"]
    return response
