"""Feeds scanned into the database: nothing stored twice, and health says what was guessed."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session, select

from commands import sources as source_commands
from commands.context import Ctx
from jobs.ingest import Ingestor
from jobs.scan import scan_due
from jobs.sentiment.scorer import Scorer
from storage.models import Post
from storage.sources import Sources
from tests.fakes.sources import FakeServer, Reply

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
FEED = (
    b"\n"  # a blank line before the declaration, as TypePad sends it
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>County</title>'
    b"<item><title>Boil water notice lifted</title></item>"
    b"<item><title>Sandbags at the depot</title><guid>s1</guid>"
    b"<pubDate>sometime on Friday</pubDate></item>"
    b"<item><title>Levee patrols tonight</title><guid>570</guid>"
    b"<pubDate>Fri,20 Nov 2026 10:15:00 -0000</pubDate></item>"
    b"</channel></rss>\n<!-- ph=1 -->\n"
)


@pytest.fixture
def server() -> Iterator[FakeServer]:
    with FakeServer().running() as running:
        yield running


def _scan(engine: Engine, client: httpx.Client, at: datetime) -> int:
    Sources(engine).set_interval(Sources(engine).all("T1")[0].id or 0, 300, next_run_at=at)
    (outcome,) = scan_due(Ingestor(engine, Scorer()), client, now=lambda: at)
    assert outcome.ok, outcome.error
    return outcome.new_posts


def test_second_scans_store_nothing_and_health_says_dates_were_estimated(
    engine: Engine, server: FakeServer
) -> None:
    # No ETag or Last-Modified: the server sends the same bytes with 200 every time.
    server.route("GET", "/feed.xml", lambda r: Reply(200, FEED, {"Content-Type": "text/xml"}))
    Sources(engine).add("T1", "county", "rss", {"url": server.base_url + "/feed.xml"}, now=NOW)
    with httpx.Client(trust_env=False) as client:
        assert _scan(engine, client, NOW) == 3
        assert _scan(engine, client, NOW + timedelta(hours=1)) == 0
        assert _scan(engine, client, NOW + timedelta(days=1)) == 0
    with Session(engine) as session:
        posts = {post.text: post for post in session.exec(select(Post))}
    assert posts["Levee patrols tonight"].created_at == datetime(2026, 11, 20, 10, 15, tzinfo=UTC)
    assert not posts["Levee patrols tonight"].time_estimated
    assert posts["Sandbags at the depot"].time_estimated
    assert posts["Sandbags at the depot"].created_at == NOW
    assert posts["Boil water notice lifted"].time_estimated
    # A bare guid is an id, not a page: no made-up link to https://host/570.
    assert posts["Levee patrols tonight"].url is None
    assert posts["Levee patrols tonight"].links == []
    ctx = Ctx(engine=engine, team_id="T1", now=NOW + timedelta(days=1))
    listing = source_commands.listing(ctx)
    assert ":warning: 1 item(s) have a date Earshot cannot read" in listing.text
    assert "sometime on Friday" in listing.text
    assert listing.data["sources"][0]["status"] == "ok"


def test_a_transport_failure_names_the_source_and_logs_no_traceback(
    engine: Engine, server: FakeServer, caplog: pytest.LogCaptureFixture
) -> None:
    headers = {"Content-Type": "text/xml", "Content-Encoding": "gzip"}  # but not compressed
    server.route("GET", "/feed.xml", lambda r: Reply(200, FEED, headers))
    Sources(engine).add("T1", "county", "rss", {"url": server.base_url + "/feed.xml"}, now=NOW)
    caplog.set_level(logging.INFO)
    with httpx.Client(trust_env=False) as client:
        (outcome,) = scan_due(Ingestor(engine, Scorer()), client, now=lambda: NOW)
    row = Sources(engine).get("T1", "county")
    assert row is not None and row.status == "bad_payload"
    host = httpx.URL(server.base_url).host
    assert (row.last_error or "").startswith(f"rss {host}: the server sent a body")
    assert "tell the site's owner" in (row.last_error or "")
    assert not any(record.exc_info for record in caplog.records)
    assert "Traceback" not in caplog.text
    assert not outcome.ok
