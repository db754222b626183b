"""The HTTP server refuses hostile requests cheaply: size, slowness, crowds, bad headers, logs."""

from __future__ import annotations

import hashlib
import hmac
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

from bot.logsafe import redact
from bot.runtime import Runtime
from bot.slack.app import WORKING, build_app
from bot.slack.http import create_asgi_app
from bot.slack.http_guard import MAX_BODY_BYTES
from storage.engine import make_engine
from storage.migrations import upgrade
from tests.slack_support import (
    SECRET,
    AdminAwareFakeSlack,
    command_body,
    make_runtime,
    seed_flood,
    serving,
    signed_headers,
)
from tests.test_http_server import FORM, free_port

ROOT = Path(__file__).resolve().parents[1]


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
    app = create_asgi_app(runtime, build_app(runtime), body_timeout=1.0, max_concurrent=8)
    with serving(app) as url:
        yield url


def _raw(base_url: str, head: str, body: bytes = b"") -> socket.socket:
    host, port = base_url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=30)
    sock.sendall(head.encode("latin-1") + b"\r\n" + body)
    return sock


def _status(sock: socket.socket) -> int:
    data = b""
    while b"\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    sock.close()
    return int(data.split(b" ", 2)[1]) if data else 0


def _head(length: int, extra: str = "") -> str:
    return (
        "POST /slack/events HTTP/1.1\r\nHost: x\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {length}\r\n{extra}"
    )


def test_a_declared_huge_body_is_refused_before_it_is_sent(base_url: str) -> None:
    sock = _raw(base_url, _head(50 * 1024 * 1024))  # headers only: the body never comes
    assert _status(sock) == 413


def test_a_streamed_body_over_the_limit_is_refused(base_url: str) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(MAX_BODY_BYTES // 65536 + 4):
            yield b"a" * 65536

    response = httpx.post(f"{base_url}/slack/events", content=chunks(), headers=FORM)
    assert response.status_code == 413


def test_slow_bodies_time_out_and_a_crowd_of_them_blocks_nothing(
    base_url: str, fake: AdminAwareFakeSlack
) -> None:
    # 200 clients each send half a body and stall: each slot is freed after the timeout;
    # those beyond the concurrency cap are turned away at once.
    slow = [_raw(base_url, _head(100), b"a" * 50) for _ in range(200)]
    statuses = [_status(sock) for sock in slow]
    assert set(statuses) <= {408, 503} and statuses.count(408) >= 1
    body = command_body("/sentiment", "flood", response_url=fake.response_url())
    after = httpx.post(
        f"{base_url}/slack/events", content=body, headers={**FORM, **signed_headers(body)}
    )
    assert after.status_code == 200 and after.json()["text"] == WORKING


def test_beyond_the_concurrency_cap_requests_get_503(base_url: str) -> None:
    stalled = [_raw(base_url, _head(100), b"a") for _ in range(8)]
    time.sleep(0.3)  # let the server take them in (not a timing assertion)
    busy = httpx.get(f"{base_url}/healthz")
    assert busy.status_code == 503 and busy.headers["retry-after"] == "1"
    for sock in stalled:
        assert _status(sock) == 408


@pytest.mark.parametrize("stamp", ["yesterday", "", "12.5", "-1", "99999999999999999999999"])
def test_a_malformed_timestamp_is_401_not_500(base_url: str, stamp: str) -> None:
    body = command_body("/earshot", "help", response_url="http://127.0.0.1:9/r")
    headers = {**FORM, "x-slack-request-timestamp": stamp, "x-slack-signature": "v0=00"}
    response = httpx.post(f"{base_url}/slack/events", content=body, headers=headers)
    assert response.status_code == 401


def test_a_signed_body_that_is_not_utf8_is_400_not_500(base_url: str) -> None:
    body = b"command=/earshot&text=\xff\xfe&team_id=T111"
    stamp = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256)
    headers = {
        **FORM,
        "x-slack-request-timestamp": stamp,
        "x-slack-signature": "v0=" + digest.hexdigest(),
    }
    response = httpx.post(f"{base_url}/slack/events", content=body, headers=headers)
    assert response.status_code == 400


def test_a_non_numeric_content_length_is_400(base_url: str) -> None:
    sock = _raw(base_url, _head(0).replace("Content-Length: 0", "Content-Length: lots"))
    assert _status(sock) in {400}


def test_redact_masks_tokens_and_secrets_and_keeps_one_line() -> None:
    line = redact('got {"access_token": "xoxb-1-2-abc", "ok": true}\nERROR forged client_secret=s3')
    assert "xoxb-1-2-abc" not in line and "s3" not in line and "\n" not in line
    assert redact("x" * 10_000).endswith("more characters)")


def test_unverified_bodies_never_reach_the_log_even_verbose(
    fake: AdminAwareFakeSlack, tmp_path: Path
) -> None:
    """`earshot -v run --http`: unsigned and forged requests leave no body in the log."""
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
    command = [sys.executable, "-m", "bot", "-v", "run", "--http", "--port", str(port)]
    command.append("--no-scheduler")
    process = subprocess.Popen(
        command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    marker = "SECRETBODYMARKER"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None
            assert time.monotonic() < deadline, "earshot run --http did not come up"
            time.sleep(0.1)
        forged = f"text={marker}\n2026-01-01 ERROR forged: admin logged in&token=xoxb-9-9-leak"
        forged += "x" * 100_000
        unsigned = httpx.post(f"{base}/slack/events", content=forged, headers=FORM)
        badly_signed = httpx.post(
            f"{base}/slack/events",
            content=forged,
            headers={**FORM, **signed_headers(forged, secret="wrong")},
        )
        huge = httpx.post(f"{base}/slack/events", content="a" * (2 * MAX_BODY_BYTES), headers=FORM)
        assert (unsigned.status_code, badly_signed.status_code, huge.status_code) == (401, 401, 413)
        body = command_body("/sentiment", "flood", response_url=fake.response_url())
        ok = httpx.post(
            f"{base}/slack/events", content=body, headers={**FORM, **signed_headers(body)}
        )
        assert ok.status_code == 200
        fake.wait_for("files.completeUploadExternal", timeout=30)
    finally:
        process.send_signal(signal.SIGINT)
        output, _ = process.communicate(timeout=30)
    log = output.decode("utf-8", "replace")
    assert marker not in log and "xoxb-9-9-leak" not in log and "xoxb-T111-fake" not in log
    assert not any(line.startswith("2026-01-01 ERROR forged") for line in log.splitlines())
    assert max(len(line) for line in log.splitlines()) < 20_000
