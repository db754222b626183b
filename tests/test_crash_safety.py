"""SIGKILL in the middle of an import or a scan: on restart nothing is lost or duplicated."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, update
from sqlmodel import Session, col, select

from storage.models import Post, SourceRow, TopicHour, TopicMatch
from storage.sources import Sources
from storage.topics import Topics
from tests.cli_helpers import LOOPBACK_SOURCES, earshot, kill, spawn
from tests.fakes.sources import FakeServer, Reply, Seen, payload

ROWS = 30_000


def _count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def _rollup_total(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.coalesce(func.sum(TopicHour.posts), 0))).one())


def _wait_until(predicate: object, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


def test_import_killed_midway_then_rerun(engine: Engine, db_url: str, tmp_path: Path) -> None:
    start = datetime(2026, 11, 1, tzinfo=UTC)
    path = tmp_path / "big.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for i in range(ROWS):
            at = (start + timedelta(seconds=37 * i)).isoformat()
            word = "flood" if i % 3 == 0 else "weather"
            handle.write(
                json.dumps(
                    {
                        "id": f"p{i}",
                        "source": "archive",
                        "created_at": at,
                        "text": f"post {i} about the {word}",
                        "author": f"u{i % 97}",
                    }
                )
            )
            handle.write("\n")
    Topics(engine).add("local", "flood", "flood", now=start)
    proc = spawn(db_url, "import", str(path), "--quiet")
    try:
        _wait_until(lambda: _count(engine, Post) > 0)
    finally:
        kill(proc)
    partial = _count(engine, Post)
    assert 0 < partial < ROWS, "the kill should land mid-import"
    assert _rollup_total(engine) == _count(engine, TopicMatch)  # each batch all-or-nothing

    result = earshot(db_url, "import", str(path), "--quiet")
    assert f"{ROWS - partial:,} new posts" in result.stdout
    assert _count(engine, Post) == ROWS
    assert _count(engine, TopicMatch) == ROWS // 3
    assert _rollup_total(engine) == ROWS // 3


@pytest.fixture
def slow_mastodon() -> Iterator[tuple[FakeServer, threading.Event]]:
    """120 statuses; the second page hangs until released, so a scan can be killed there."""
    template = payload("mastodon_tag_timeline.json")[0]
    base = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    statuses = []
    for i in range(121):
        status = dict(template, id=str(5000 + i), content=f"<p>flood report {i}</p>")
        status["created_at"] = (base + timedelta(seconds=i)).isoformat().replace("+00:00", "Z")
        statuses.append(status)
    release = threading.Event()
    server = FakeServer()

    def timeline(request: Seen) -> Reply:
        min_id = request.param("min_id") or "0"
        newer = [s for s in statuses if int(s["id"]) > int(min_id)]
        if min_id != "5000":
            release.wait(timeout=60)  # page two: hold the scan here
        return Reply(200, list(reversed(newer[:40])))

    server.route("GET", "/api/v1/timelines/tag/flood", timeline)
    with server.running():
        yield server, release
        release.set()


def test_scan_killed_midway_then_rerun(
    engine: Engine, db_url: str, slow_mastodon: tuple[FakeServer, threading.Event]
) -> None:
    server, release = slow_mastodon
    now = datetime.now(UTC)
    Sources(engine).add(
        "local", "county", "mastodon", {"instance": server.base_url, "hashtag": "flood"}, now=now
    )
    with engine.begin() as conn:  # pretend status 5000 was stored by an earlier scan
        conn.execute(update(SourceRow).values(cursor='{"min_id": "5000"}'))
    proc = spawn(db_url, "scan", "--once", **LOOPBACK_SOURCES)
    try:
        _wait_until(lambda: len(server.seen("/api/v1/timelines/tag/flood")) >= 2)
    finally:
        kill(proc)
    assert _count(engine, Post) == 0
    row = Sources(engine).get("local", "county")
    assert row is not None and row.cursor == '{"min_id": "5000"}' and row.lease_owner
    release.set()
    result = earshot(
        db_url, "scan", "--once", env=LOOPBACK_SOURCES
    )  # the dead worker's lease is freed at once
    assert "county: 120 new posts" in result.stdout
    with Session(engine) as session:
        ids = list(session.exec(select(Post.external_id).order_by(col(Post.external_id))))
    assert len(ids) == len(set(ids)) == 120
