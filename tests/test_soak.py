"""Soak: `earshot run --http` scanning several loopback sources every few seconds while a
stream of signed slash commands arrives, for minutes. Memory stays flat; nothing errors;
nothing is lost. EARSHOT_SOAK_SECONDS sets the length (default 150)."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, update
from sqlmodel import Session, select

from storage.engine import make_engine
from storage.migrations import upgrade
from storage.models import Post, SourceRow
from storage.sources import Sources
from storage.topics import Topics
from tests.fakes.sources import FakeServer, payload, serve_mastodon
from tests.slack_support import SECRET, AdminAwareFakeSlack, command_body, signed_headers
from tests.test_http_server import FORM, ROOT, free_port

SOAK_SECONDS = float(os.environ.get("EARSHOT_SOAK_SECONDS", "150"))
COMMANDS = [
    ("/sentiment", "flood 24h"),
    ("/earshot", "topics list"),
    ("/reach", "flood 7d"),
    ("/earshot", "sources list"),
    ("/earshot", "posts flood 24h"),
    ("/sentiment", '"water main" OR flood* 7d'),
]


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


@pytest.fixture
def sources() -> Iterator[list[tuple[FakeServer, list[dict[str, object]]]]]:
    """Three Mastodon instances whose hashtag timelines grow by a status per request."""
    template = payload("mastodon_tag_timeline.json")[0]
    out = []
    for n in range(3):
        statuses: list[dict[str, object]] = []
        server = FakeServer()
        serve_mastodon(server, statuses)

        def grow(statuses: list[dict[str, object]] = statuses, n: int = n) -> None:
            i = len(statuses)
            at = datetime.now(UTC) - timedelta(seconds=30)
            statuses.append(
                dict(
                    template,
                    id=str(10_000 + i),
                    content=f"<p>flood update {n}-{i}</p>",
                    created_at=at.isoformat().replace("+00:00", "Z"),
                )
            )

        route = server.routes[("GET", "/api/v1/timelines/tag/flood")]
        server.route(
            "GET",
            "/api/v1/timelines/tag/flood",
            lambda seen, route=route, grow=grow: (grow(), route(seen))[1],
        )
        out.append((server, statuses))
    with server_stack(out):
        yield out


class server_stack:  # noqa: N801 - a small context manager, used like a function
    def __init__(self, servers: list[tuple[FakeServer, list[dict[str, object]]]]) -> None:
        self.contexts = [s.running() for s, _ in servers]

    def __enter__(self) -> None:
        for context in self.contexts:
            context.__enter__()

    def __exit__(self, *exc: object) -> None:
        for context in self.contexts:
            context.__exit__(None, None, None)


def test_soak(sources: list[tuple[FakeServer, list[dict[str, object]]]], tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'soak.db'}"
    engine = make_engine(url)
    upgrade(engine)
    now = datetime.now(UTC)
    Topics(engine).add("T111", "flood", "flood*", now=now, kind="campaign")
    for i, (server, _) in enumerate(sources):
        Sources(engine).add(
            "T111",
            f"masto{i}",
            "mastodon",
            {"instance": server.base_url, "hashtag": "flood"},
            now=now,
        )
    with engine.begin() as conn:
        conn.execute(update(SourceRow).values(interval_seconds=3))  # every few seconds
    with AdminAwareFakeSlack() as slack:
        slack.add_team("T111")
        slack.add_channel("C111", "T111")
        slack.add_member("U111", "T111")
        port = free_port()
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": url,
            "SLACK_BOT_TOKEN": "xoxb-T111-fake",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": slack.base_url,
            "EARSHOT_SCAN_TICK_SECONDS": "2",
            "EARSHOT_ALLOW_PRIVATE_SOURCES": "127.0.0.1",  # the fake sources are on loopback
        }
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--http", "--port", str(port)],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        output: list[bytes] = []
        reader = threading.Thread(target=lambda: output.extend(process.stdout or []), daemon=True)
        reader.start()
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_healthy(base, process, output)
            statuses, memory = _drive(base, slack, process.pid)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
            reader.join(timeout=10)
            if process.stdout is not None:
                process.stdout.close()
        log = b"".join(output).decode(errors="replace")
        assert process.returncode == 0, log[-3000:]
        assert "Traceback" not in log and " ERROR " not in log, log[-3000:]
        assert slack.violations == []
    assert all(code == 200 for code in statuses), statuses
    assert len(statuses) >= SOAK_SECONDS  # about two commands a second
    # Memory: after warm-up (first 40%), the resident size stays flat.
    warm = memory[int(len(memory) * 0.4)]
    peak_late = max(memory[int(len(memory) * 0.7) :])
    assert peak_late - warm < 30_000 and peak_late < warm * 1.25, memory
    with Session(engine) as session:
        stored = session.exec(select(func.count()).select_from(Post)).one()
    served = sum(len(s) for _, s in sources)
    assert served - stored <= 3 * 2  # at most the statuses of scans still in flight at the end
    assert stored > 3 * SOAK_SECONDS / 6  # the scans kept going throughout
    engine.dispose()


def _wait_healthy(base: str, process: subprocess.Popen[bytes], output: list[bytes]) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{base}/healthz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        if process.poll() is not None:
            time.sleep(0.5)
            raise AssertionError(b"".join(output).decode(errors="replace")[-3000:])
        assert time.monotonic() < deadline, "earshot run --http did not come up"
        time.sleep(0.1)


def _drive(base: str, slack: AdminAwareFakeSlack, pid: int) -> tuple[list[int], list[int]]:
    statuses: list[int] = []
    memory: list[int] = []
    started = time.monotonic()
    next_sample = started
    with httpx.Client(timeout=10) as client:
        for command, text in itertools.cycle(COMMANDS):
            elapsed = time.monotonic() - started
            if elapsed > SOAK_SECONDS:
                return statuses, memory
            if time.monotonic() >= next_sample:
                memory.append(_rss_kb(pid))
                next_sample += 5
            body = command_body(command, text, response_url=slack.response_url())
            response = client.post(
                f"{base}/slack/events",
                content=body.encode(),
                headers={**FORM, **signed_headers(body)},
            )
            statuses.append(response.status_code)
            time.sleep(0.4)
    return statuses, memory
