"""Ingest and scans through real loopback sources: idempotent, isolated, health recorded."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import Engine, func
from sqlmodel import Session, select

from commands import digest
from commands.context import Ctx
from jobs.ingest import Ingestor, SourceRef, pseudonym
from jobs.scan import run_scan, scan_due
from jobs.sentiment.scorer import Scorer
from jobs.sources.base import RawPost
from storage import rollup_reads
from storage.models import Post
from storage.sources import Sources
from storage.topics import Topics
from tests.fakes.sources import FakeServer, Reply, payload, serve_mastodon

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def _raw(ext: str, text: str, lang: str | None = "en", **kw: object) -> RawPost:
    return RawPost(
        external_id=ext, text=text, created_at=NOW - timedelta(minutes=5), lang=lang, **kw
    )  # type: ignore[arg-type]


@pytest.fixture
def ingestor(engine: Engine) -> Ingestor:
    return Ingestor(engine, Scorer(), pseudonym_salt="pepper")


def test_ingest_scores_matches_and_skips_duplicates(engine: Engine, ingestor: Ingestor) -> None:
    flood = Topics(engine).add("T1", "flood", "flood OR #abflood", now=NOW)
    row = Sources(engine).add("T1", "masto", "mastodon", {"instance": "x", "hashtag": "f"}, now=NOW)
    assert row.id and flood.id
    ref = SourceRef(row.id, "mastodon", "masto")
    posts = [
        _raw("1", "Terrible flood on Main St, awful #abflood", author="ann", author_followers=10),
        _raw("2", "Hochwasser in der Stadt, schlimm", lang="de", author="bea"),
        _raw("3", "Lovely sunny day downtown", author="cy"),
        _raw("1", "Terrible flood on Main St, awful #abflood", author="ann"),  # same id twice
    ]
    first = ingestor.ingest("T1", ref, posts, now=NOW)
    second = ingestor.ingest("T1", ref, posts, now=NOW)
    assert (first.new_posts, first.matches) == (3, 1)
    assert (second.new_posts, second.duplicates, second.matches) == (0, 4, 0)
    with Session(engine) as session:
        stored = {p.external_id: p for p in session.exec(select(Post))}
    assert stored["1"].compound is not None and stored["1"].compound < -0.05
    assert stored["2"].compound is None  # not English: counted, never scored as neutral
    hours = rollup_reads.hourly(engine, "T1", flood.id, NOW - timedelta(days=1), NOW)
    assert [(h.posts, h.scored, h.negative) for h in hours] == [(1, 1, 1)]


def test_pseudonymized_authors_are_stable_and_hide_the_handle(
    engine: Engine, ingestor: Ingestor
) -> None:
    row = Sources(engine).add("T1", "masto", "mastodon", {}, now=NOW)
    assert row.id
    ref = SourceRef(row.id, "mastodon", "masto")
    ingestor.ingest(
        "T1", ref, [_raw("9", "hello", author="Alice@example.social")], now=NOW, pseudonymize=True
    )
    with Session(engine) as session:
        author = session.exec(select(Post.author)).one()
    assert author == pseudonym("alice@example.social", "pepper") != "Alice@example.social"


def _mastodon_statuses(count: int) -> list[dict[str, object]]:
    template = payload("mastodon_tag_timeline.json")[0]
    out = []
    for i in range(count):
        status = dict(template)
        status["id"] = str(1000 + i)
        status["created_at"] = (NOW - timedelta(minutes=60 - i)).isoformat().replace("+00:00", "Z")
        status["content"] = f"<p>Flood update {i} from the county #flood</p>"
        out.append(status)
    return out


@pytest.fixture
def servers() -> Iterator[tuple[FakeServer, FakeServer]]:
    good, bad = FakeServer(), FakeServer()
    serve_mastodon(good, _mastodon_statuses(5))
    bad.route("GET", "/api/v1/timelines/tag/flood", lambda _: Reply(500, {"error": "boom"}))
    with good.running(), bad.running():
        yield good, bad


def test_failing_source_never_stops_the_others(
    engine: Engine, ingestor: Ingestor, servers: tuple[FakeServer, FakeServer]
) -> None:
    good, bad = servers
    Topics(engine).add("T1", "flood", "flood", now=NOW)
    sources = Sources(engine)
    sources.add("T1", "broken", "mastodon", {"instance": bad.base_url, "hashtag": "flood"}, now=NOW)
    sources.add(
        "T1", "county", "mastodon", {"instance": good.base_url, "hashtag": "flood"}, now=NOW
    )
    waits: list[float] = []
    with httpx.Client() as client:
        outcomes = {
            o.source: o
            for o in scan_due(ingestor, client, now=lambda: NOW, owner="w1", sleep=waits.append)
        }
    assert outcomes["county"].ok and outcomes["county"].new_posts == 5
    assert not outcomes["broken"].ok and outcomes["broken"].status == "failing"
    broken = sources.get("T1", "broken")
    assert broken is not None and broken.consecutive_failures == 1
    assert broken.failing_since == NOW and broken.next_run_at is not None
    assert broken.next_run_at > NOW  # backs off instead of hammering
    county = sources.get("T1", "county")
    assert county is not None and county.status == "ok" and county.cursor
    assert len(waits) >= 2
    assert waits == sorted(waits)  # retried with growing backoff before giving up


def test_scan_again_adds_nothing_and_cursor_moves_with_batch(
    engine: Engine, ingestor: Ingestor, servers: tuple[FakeServer, FakeServer]
) -> None:
    good, _ = servers
    row = Sources(engine).add(
        "T1", "county", "mastodon", {"instance": good.base_url, "hashtag": "flood"}, now=NOW
    )
    with httpx.Client() as client:
        first = run_scan(ingestor, row, client, now=lambda: NOW, owner="w1")
        again_row = Sources(engine).get("T1", "county")
        assert again_row is not None
        second = run_scan(ingestor, again_row, client, now=lambda: NOW, owner="w1")
    assert (first.new_posts, second.new_posts) == (5, 0)
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Post)).one() == 5
    # The second request asked only for what came after the stored cursor.
    assert good.seen("/api/v1/timelines/tag/flood")[-1].param("min_id") == "1004"


def test_a_leased_source_is_not_scanned_twice(engine: Engine, ingestor: Ingestor) -> None:
    row = Sources(engine).add(
        "T1", "county", "mastodon", {"instance": "http://127.0.0.1:9"}, now=NOW
    )
    assert row.id
    taken = Sources(engine).claim_due("worker-a", NOW, timedelta(minutes=5))
    assert [r.name for r in taken] == ["county"]
    assert Sources(engine).claim_due("worker-b", NOW, timedelta(minutes=5)) == []
    with httpx.Client() as client:
        outcome = run_scan(ingestor, row, client, now=lambda: NOW, owner="worker-b")
    assert outcome.skipped
    # After the lease expires another worker may take it over.
    later = NOW + timedelta(minutes=6)
    assert [r.name for r in Sources(engine).claim_due("worker-b", later, timedelta(minutes=5))] == [
        "county"
    ]


def test_backoff_grows_then_recovers_and_the_digest_says_so(engine: Engine) -> None:

    sources = Sources(engine)
    row = sources.add(
        "T1", "county", "rss", {"url": "http://127.0.0.1:9/"}, now=NOW, interval_seconds=300
    )
    assert row.id
    waits = []
    for minutes in (0, 10, 30):
        at = NOW + timedelta(minutes=minutes)
        failed = sources.record_failure(row.id, at, status="failing", error="HTTP 500")
        assert failed.next_run_at is not None
        waits.append(failed.next_run_at - at)
    assert waits == sorted(waits) and waits[0] < waits[-1] <= timedelta(hours=1)
    ctx = Ctx(engine=engine, team_id="T1", now=NOW + timedelta(hours=2))
    text = str(digest.render(digest.build(ctx, local_date=ctx.now.date())).blocks)
    assert "Failing: county (failing for 2h)" in text  # silence is not mistaken for calm
    sources.record_success(row.id, NOW + timedelta(hours=2))
    healed = sources.get("T1", "county")
    assert healed is not None and healed.status == "ok" and healed.consecutive_failures == 0
    assert healed.next_run_at == NOW + timedelta(hours=2, minutes=5)


def test_the_scan_log_gives_the_per_post_cost_of_each_stage(
    engine: Engine,
    ingestor: Ingestor,
    servers: tuple[FakeServer, FakeServer],
    caplog: pytest.LogCaptureFixture,
) -> None:
    good, _ = servers
    Topics(engine).add("T1", "flood", "flood", now=NOW)
    row = Sources(engine).add(
        "T1", "county", "mastodon", {"instance": good.base_url, "hashtag": "flood"}, now=NOW
    )
    with caplog.at_level(logging.INFO, logger="jobs.scan"), httpx.Client() as client:
        run_scan(ingestor, row, client, now=lambda: NOW, owner="w1")
    (line,) = [r.getMessage() for r in caplog.records if r.getMessage().startswith("scanned")]
    found = re.search(
        r"5 fetched, 5 new, \d+ matches; fetch [\d.]+ s, ingest ([\d.]+) ms/post "
        r"\(score ([\d.]+), match ([\d.]+), store ([\d.]+)\)",
        line,
    )
    assert found, line
    total, *stages = (float(value) for value in found.groups())
    assert total > 0 and abs(total - sum(stages)) < 0.05
