"""Privacy and records: retention keeps aggregates, pseudonyms, sealed secrets, audit log."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, select

from bot.runtime import Runtime
from bot.settings import Settings
from commands import sentiment, settings, sources, topics
from commands.context import NotAllowedError, UsageError
from jobs.import_file import import_file
from jobs.retention import purge_old_posts
from jobs.scan import scan_due
from jobs.sentiment.scorer import Scorer
from jobs.sources.base import RawPost
from storage import audit
from storage.models import Post, Route, RoutedPost, TopicAuthorDay
from storage.sources import Sources
from tests.delivery_helpers import runtime_for, store
from tests.fakes.sources import BlueskyState, FakeServer, payload, serve_bluesky
from tests.fakes.sources import Reply as SourceReply

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
PASSWORD = "abcd-efgh-ijkl-mnop"


def _runtime(db_url: str, key: str | None = None) -> Runtime:
    # The fake sources listen on loopback, which only an operator setting allows.
    settings = Settings(database_url=db_url, secret_key=key, allow_private_sources="127.0.0.1")
    return runtime_for(settings, lambda: NOW)


def test_retention_purges_posts_but_keeps_rollups(db_url: str) -> None:
    rt = _runtime(db_url)
    ctx = rt.ctx("T1", user_id="U1")
    topics.add(ctx, "flood", "flood")
    store(
        rt,
        "T1",
        [
            RawPost(
                external_id="old",
                text="flood long ago, awful",
                created_at=NOW - timedelta(days=100),
                lang="en",
            ),
            RawPost(
                external_id="new",
                text="flood today, great response",
                created_at=NOW - timedelta(days=1),
                lang="en",
            ),
        ],
        NOW,
    )
    settings.run("retention 30d", ctx)
    before = sentiment.run("flood 120d", ctx).data
    purged = purge_old_posts(rt.engine, now=NOW)
    assert [(p.team_id, p.posts) for p in purged] == [("T1", 1)]
    with Session(rt.engine) as session:
        assert list(session.exec(select(Post.external_id))) == ["new"]
    after = sentiment.run("flood 120d", ctx).data
    assert after["posts"] == before["posts"] == 2  # still counted, from the rollups
    assert after["mean_compound"] == before["mean_compound"]


def test_pseudonymized_scans_store_no_handles(db_url: str) -> None:
    rt = _runtime(db_url, key="k1")
    ctx = rt.ctx("T1", user_id="U1")
    settings.run("pseudonymize on", ctx)
    statuses = payload("mastodon_tag_timeline.json")
    server = FakeServer()
    server.route("GET", "/api/v1/timelines/tag/flood", lambda _: SourceReply(200, statuses))
    with server.running(), httpx.Client() as client:
        Sources(rt.engine).add(
            "T1", "masto", "mastodon", {"instance": server.base_url, "hashtag": "flood"}, now=NOW
        )
        scan_due(rt.ingestor, client, now=rt.clock)
    with Session(rt.engine) as session:
        authors = list(session.exec(select(Post.author)))
    assert authors and all(a and a.startswith("anon-") for a in authors)
    handles = {s["account"]["acct"] for s in statuses}
    assert not handles & set(authors)


@pytest.fixture
def bluesky() -> Iterator[FakeServer]:
    server = FakeServer()
    serve_bluesky(
        server, BlueskyState(password=PASSWORD, posts=payload("bluesky_search_posts.json")["posts"])
    )
    with server.running():
        yield server


def _raw_settings(engine: Engine) -> str:
    with engine.connect() as conn:
        return str(conn.execute(text("SELECT settings FROM sources")).scalar_one())


def test_source_secrets_sealed_at_rest_and_never_logged(
    db_url: str, bluesky: FakeServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    rt = _runtime(db_url, key="correct horse battery staple")
    ctx = rt.ctx("T1", user_id="U1")
    reply = sources.run(
        f"add bluesky bsky query=flood handle=me.bsky.social "
        f"app_password={PASSWORD} service={bluesky.base_url}",
        ctx,
    )
    assert PASSWORD not in reply.text and "•••" in reply.text
    assert PASSWORD not in _raw_settings(rt.engine)
    with httpx.Client() as client:
        outcomes = scan_due(
            rt.ingestor, client, now=rt.clock, open_settings=rt.sealer.open_settings
        )
    assert outcomes[0].ok and outcomes[0].new_posts > 0  # the sealed password still works
    wrong = _runtime(db_url, key="another key")
    Sources(wrong.engine).set_interval(
        Sources(wrong.engine).all("T1")[0].id or 0, 300, next_run_at=NOW
    )
    with httpx.Client() as client:
        failed = scan_due(
            wrong.ingestor, client, now=wrong.clock, open_settings=wrong.sealer.open_settings
        )
    assert not failed[0].ok and "EARSHOT_SECRET_KEY" in (failed[0].error or "")
    assert PASSWORD not in caplog.text
    assert PASSWORD not in repr(Settings(slack_bot_token=PASSWORD))


def test_audit_log_records_who_changed_what(db_url: str) -> None:
    rt = _runtime(db_url)
    admin = rt.ctx("T1", user_id="UADMIN")
    topics.add(admin, "flood", "flood")
    settings.run("timezone America/Edmonton", admin)
    topics.remove(admin, "flood")
    with pytest.raises(NotAllowedError):
        settings.run("retention 1d", rt.ctx("T1", user_id="UNOBODY", is_admin=False))
    entries = audit.entries(rt.engine, "T1")
    assert [(e.actor, e.action, e.target) for e in reversed(entries)] == [
        ("UADMIN", "topic.add", "flood"),
        ("UADMIN", "settings.change", "timezone"),
        ("UADMIN", "topic.remove", "flood"),
    ]
    assert audit.entries(rt.engine, "T2") == []


def test_retention_removes_author_handles_and_quoted_reasons(db_url: str) -> None:
    rt = _runtime(db_url)
    ctx = rt.ctx("T1", user_id="U1")
    topics.add(ctx, "flood", "flood")
    old = NOW - timedelta(days=100)
    posts = [
        RawPost("old", "flood here, we have no power", old, author="jane_doe", lang="en"),
        RawPost("new", "flood today", NOW - timedelta(days=1), author="sam", lang="en"),
    ]
    store(rt, "T1", posts, NOW)
    with Session(rt.engine) as session:
        ids = {p.external_id: p.id for p in session.exec(select(Post))}
        route = Route(team_id="T1", agency="power co", channel="C9", match="power", created_at=NOW)
        session.add(route)
        session.commit()
        assert route.id is not None
        for ext in ("old", "new"):
            session.add(
                RoutedPost(
                    team_id="T1",
                    post_id=ids[ext],
                    route_id=route.id,
                    channel="C9",
                    categories=["power"],
                    reason='power: "no power"',
                    created_at=NOW,
                )
            )
        session.commit()
    settings.run("retention 30d", ctx)
    purge_old_posts(rt.engine, now=NOW)
    with Session(rt.engine) as session:
        authors = set(session.exec(select(TopicAuthorDay.author)))
        reasons = {r.post_id: (r.reason, r.categories) for r in session.exec(select(RoutedPost))}
    assert authors == {"sam"}
    assert reasons[ids["old"]] == ("post removed by retention", ["power"])
    assert reasons[ids["new"]][0] == 'power: "no power"'


def test_pseudonymize_needs_the_secret_key(db_url: str) -> None:
    rt = _runtime(db_url)  # no EARSHOT_SECRET_KEY
    ctx = rt.ctx("T1", user_id="U1")
    with pytest.raises(UsageError, match="EARSHOT_SECRET_KEY"):
        settings.run("pseudonymize on", ctx)
    assert "pseudonymized at ingest: off" in settings.run("", ctx).text


def test_imports_are_pseudonymized_with_a_keyed_pseudonym(db_url: str, tmp_path: Path) -> None:
    rt = _runtime(db_url, key="k1")
    ctx = rt.ctx("T1", user_id="U1")
    settings.run("pseudonymize on", ctx)
    path = tmp_path / "posts.jsonl"
    row = {"id": "1", "source": "f", "text": "flood", "created_at": "2026-11-20T10:00:00Z"}
    path.write_text(json.dumps({**row, "author": "Jane_Doe"}) + "\n", encoding="utf-8")
    import_file(rt.ingestor, "T1", path, now=NOW, scorer=Scorer())
    with Session(rt.engine) as session:
        [author] = list(session.exec(select(Post.author)))
    unkeyed = "anon-" + hashlib.sha256(b":jane_doe").hexdigest()[:12]
    assert author and author.startswith("anon-") and author != unkeyed
    assert "jane" not in author.lower()
