"""HTTP mode under a real uvicorn: signed requests, verification, health, `earshot run --http`."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from bot.runtime import Runtime
from bot.settings import Settings
from bot.slack.app import WORKING, build_app
from bot.slack.http import create_asgi_app
from storage.engine import make_engine
from storage.migrations import upgrade
from tests.slack_support import (
    PNG_MAGIC,
    SECRET,
    AdminAwareFakeSlack,
    command_body,
    event_body,
    make_runtime,
    seed_flood,
    serving,
    signed_headers,
)

ROOT = Path(__file__).resolve().parents[1]
FORM = {"content-type": "application/x-www-form-urlencoded"}
JSON = {"content-type": "application/json"}


@pytest.fixture
def fake() -> Iterator[AdminAwareFakeSlack]:
    with AdminAwareFakeSlack() as server:
        server.add_team("T111")
        server.add_channel("C111", "T111")
        server.add_member("U111", "T111")
        yield server


@pytest.fixture
def runtime(engine: Engine, now: datetime, fake: AdminAwareFakeSlack) -> Runtime:
    rt = make_runtime(engine, now, slack_bot_token="xoxb-T111-fake", slack_api_url=fake.base_url)
    seed_flood(rt, "T111", now)
    return rt


@pytest.fixture
def base_url(runtime: Runtime) -> Iterator[str]:
    with serving(create_asgi_app(runtime, build_app(runtime))) as url:
        yield url


def post(base_url: str, body: str, headers: dict[str, str]) -> httpx.Response:
    return httpx.post(f"{base_url}/slack/events", content=body.encode(), headers=headers)


def test_sentiment_command_over_http(base_url: str, fake: AdminAwareFakeSlack) -> None:
    body = command_body("/sentiment", "flood", response_url=fake.response_url())
    response = post(base_url, body, {**FORM, **signed_headers(body)})
    assert response.status_code == 200
    assert response.json() == {"text": WORKING, "response_type": "ephemeral"}
    fake.wait_for("files.completeUploadExternal")
    [message] = fake.messages
    assert any("*Posts*\n3 " in f["text"] for b in message["blocks"] for f in b.get("fields", []))
    [upload] = fake.uploads.values()
    assert upload["bytes"].startswith(PNG_MAGIC) and "flood" in upload["alt_txt"]


def test_bad_signature_is_rejected(base_url: str, fake: AdminAwareFakeSlack) -> None:
    body = command_body("/sentiment", "flood", response_url=fake.response_url())
    forged = signed_headers(body, secret="not-the-secret")
    response = post(base_url, body, {**FORM, **forged})
    assert response.status_code == 401
    assert fake.calls_to("chat.postMessage") == [] and fake.responses == []


def test_stale_timestamp_is_rejected(base_url: str, fake: AdminAwareFakeSlack) -> None:
    body = command_body("/sentiment", "flood", response_url=fake.response_url())
    response = post(base_url, body, {**FORM, **signed_headers(body, age=6 * 60)})
    assert response.status_code == 401


def test_url_verification_echoes_the_challenge(base_url: str) -> None:
    body = json.dumps(
        {"token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9C", "type": "url_verification"}
    )
    response = post(base_url, body, {**JSON, **signed_headers(body)})
    assert response.status_code == 200
    assert response.json() == {"challenge": "3eZbrw1aBm2rZgRNFdxV2595E9C"}


def test_app_home_event_over_http(base_url: str, fake: AdminAwareFakeSlack) -> None:
    body = event_body({"type": "app_home_opened", "user": "U111", "tab": "home"})
    assert post(base_url, body, {**JSON, **signed_headers(body)}).status_code == 200
    fake.wait_for(lambda: fake.views.get("U111"))
    retried = post(base_url, body, {**JSON, **signed_headers(body), "x-slack-retry-num": "1"})
    assert retried.status_code == 200 and retried.headers["x-slack-no-retry"] == "1"
    assert len(fake.calls_to("views.publish")) == 1


def test_healthz_reports_the_database(
    base_url: str, fake: AdminAwareFakeSlack, tmp_path: Path
) -> None:
    assert httpx.get(f"{base_url}/healthz").json() == {"ok": True}
    broken = Runtime(
        Settings(
            database_url=f"sqlite:///{tmp_path / 'missing-dir' / 'x.db'}",
            slack_bot_token="xoxb-T111-fake",
            slack_signing_secret=SECRET,
            slack_api_url=fake.base_url,
        )
    )
    with serving(create_asgi_app(broken)) as url:
        response = httpx.get(f"{url}/healthz")
    assert response.status_code == 503 and response.json() == {"ok": False}


def test_http_mode_needs_the_signing_secret(runtime: Runtime, fake: AdminAwareFakeSlack) -> None:
    unsigned = Runtime(Settings(slack_bot_token="xoxb-T111-fake", slack_api_url=fake.base_url))
    with pytest.raises(ValueError, match="SLACK_SIGNING_SECRET"):
        create_asgi_app(unsigned)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def test_earshot_run_http_subprocess(
    fake: AdminAwareFakeSlack, tmp_path: Path, now: datetime
) -> None:
    url = f"sqlite:///{tmp_path / 'earshot.db'}"
    db = make_engine(url)
    upgrade(db)
    seed_flood(make_runtime(db, datetime.now(UTC)), "T111", datetime.now(UTC))
    db.dispose()
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": url,
        "SLACK_BOT_TOKEN": "xoxb-T111-fake",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.base_url,
    }
    command = [sys.executable, "-m", "bot", "run", "--http", "--port", str(port), "--no-scheduler"]
    process = subprocess.Popen(
        command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, process.stdout.read().decode() if process.stdout else ""
            assert time.monotonic() < deadline, "earshot run --http did not come up"
            time.sleep(0.1)
        body = command_body("/sentiment", "flood", response_url=fake.response_url())
        response = post(base, body, {**FORM, **signed_headers(body)})
        assert response.json()["text"] == WORKING
        fake.wait_for("files.completeUploadExternal", timeout=30)
        assert "flood" in fake.messages[0]["text"]
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=30)
    assert process.returncode == 0, output.decode()


def test_a_replayed_signed_request_is_refused(base_url: str, fake: AdminAwareFakeSlack) -> None:
    body = command_body("/earshot", "help", response_url=fake.response_url())
    headers = {**FORM, **signed_headers(body)}
    assert post(base_url, body, headers).status_code == 200
    replay = post(base_url, body, headers)  # captured and sent again, still within 5 minutes
    assert replay.status_code == 401
    # The same command, newly signed: a second before the first, so never the same second.
    signed_at = int(headers["x-slack-request-timestamp"])
    fresh = {**FORM, **signed_headers(body, timestamp=signed_at - 1)}
    assert post(base_url, body, fresh).status_code == 200
