"""One odd post never blocks a source or an import: it is cleaned, cut, clamped or set aside."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlmodel import Session, select

from commands import sources as sources_command
from commands.context import Ctx
from jobs.import_file import import_file
from jobs.ingest import Ingestor
from jobs.scan import run_scan
from jobs.sentiment.scorer import Scorer
from storage import post_guard
from storage.ingest_store import PreparedPost, store_batch
from storage.models import Post
from storage.sources import Sources
from tests.fakes.sources import FakeServer, payload, serve_mastodon

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
ODD_AT = 7


def _statuses(count: int) -> list[dict[str, Any]]:
    template = payload("mastodon_tag_timeline.json")[0]
    out = []
    for i in range(count):
        status = json.loads(json.dumps(template))
        status["id"] = str(1000 + i)
        status["created_at"] = (NOW - timedelta(minutes=60 - i)).isoformat().replace("+00:00", "Z")
        status["content"] = f"<p>Flood update {i} from the county #flood</p>"
        out.append(status)
    return out


def _nul(s: dict[str, Any]) -> None:
    s["content"] = "<p>Flood\x00 update with a NUL</p>"


def _long_guid(s: dict[str, Any]) -> None:
    s["id"] = "9" * 300  # sorts newest: the cursor must get past it


def _long_author(s: dict[str, Any]) -> None:
    s["account"]["acct"] = "a" * 300


def _long_link(s: dict[str, Any]) -> None:
    s["url"] = "https://example.gov/" + "x" * 2100


def _many_likes(s: dict[str, Any]) -> None:
    s["favourites_count"] = 2**31


def _many_followers(s: dict[str, Any]) -> None:
    s["account"]["followers_count"] = 2**63


def _lone_surrogate(s: dict[str, Any]) -> None:
    s["content"] = "<p>Flood \ud83d update</p>"
    s["account"]["acct"] = "odd\udc00name"


ODDITIES: dict[str, Callable[[dict[str, Any]], None]] = {
    "nul": _nul,
    "guid-300": _long_guid,
    "author-300": _long_author,
    "link-2100": _long_link,
    "likes-2^31": _many_likes,
    "followers-2^63": _many_followers,
    "lone-surrogate": _lone_surrogate,
}


@pytest.fixture
def ingestor(engine: Engine) -> Ingestor:
    return Ingestor(engine, Scorer())


@pytest.fixture
def server() -> Iterator[FakeServer]:
    fake = FakeServer()
    with fake.running():
        yield fake


def _scan(ingestor: Ingestor, engine: Engine, server: FakeServer) -> tuple[int, str]:
    row = Sources(engine).get("T1", "county")
    if row is None:
        settings = {"instance": server.base_url, "hashtag": "flood"}
        row = Sources(engine).add("T1", "county", "mastodon", settings, now=NOW)
    with httpx.Client() as client:
        outcome = run_scan(ingestor, row, client, now=lambda: NOW, owner="w1")
    assert outcome.ok, outcome.error
    return outcome.new_posts, outcome.status


@pytest.mark.parametrize("oddity", list(ODDITIES))
def test_one_odd_post_is_cleaned_and_the_source_goes_on(
    engine: Engine, ingestor: Ingestor, server: FakeServer, oddity: str
) -> None:
    statuses = _statuses(20)
    ODDITIES[oddity](statuses[ODD_AT])
    serve_mastodon(server, statuses)
    assert _scan(ingestor, engine, server) == (20, "ok")
    assert _scan(ingestor, engine, server) == (0, "ok")  # the cursor got past it
    with Session(engine) as session:
        stored = list(session.exec(select(Post)))
    assert len(stored) == 20
    for post in stored:
        assert "\x00" not in post.text and len(post.external_id) <= 200
        assert post.author is None or (len(post.author) <= 200 and "\udc00" not in post.author)
        assert post.url is None or len(post.url) <= 2000
        assert post.likes < 2**31 and (post.author_followers or 0) < 2**31
        post.text.encode("utf-8")  # no lone surrogate survived
    plain = {str(1000 + i) for i in range(20)}
    odd = next(p for p in stored if p.external_id == "1007" or p.external_id not in plain)
    if oddity == "guid-300":
        assert odd.external_id.startswith("999") and "~" in odd.external_id
    if oddity in {"author-300", "link-2100"}:
        value = odd.author if oddity == "author-300" else odd.url
        assert value is not None and value.endswith(post_guard.MARKER)
    if oddity == "likes-2^31":
        assert odd.likes == 2**31 - 1


def test_a_post_that_cannot_be_cleaned_is_named_in_source_health(
    engine: Engine, ingestor: Ingestor, server: FakeServer
) -> None:
    statuses = _statuses(20)
    statuses[ODD_AT]["id"] = "\x00"  # an id that is nothing once cleaned
    serve_mastodon(server, statuses)
    assert _scan(ingestor, engine, server) == (19, "ok")
    row = Sources(engine).get("T1", "county")
    assert row is not None and row.health_note is not None
    assert "skipped 1 post" in row.health_note and "has no id" in row.health_note
    reply = sources_command.run("list", Ctx(engine=engine, team_id="T1", now=NOW))
    assert "skipped 1 post that could not be stored" in reply.text


def test_a_post_the_database_refuses_is_set_aside_and_the_batch_stored(
    engine: Engine,
) -> None:
    row = Sources(engine).add("T1", "feed", "rss", {"url": "http://127.0.0.1:9/"}, now=NOW)
    assert row.id is not None
    posts = [
        PreparedPost(external_id=str(i), text=f"post {i}", created_at=NOW, compound=0.1)
        for i in range(10)
    ]
    # A score no float column holds: cleaning cannot know, the database refuses it.
    posts[3] = PreparedPost(external_id="3", text="odd", created_at=NOW, neg=10**400)  # type: ignore[arg-type]
    batch = store_batch(engine, team_id="T1", source_id=row.id, posts=posts, now=NOW, cursor="c9")
    assert batch.new_posts == 9
    assert [r.external_id for r in batch.rejected] == ["3"]
    with Session(engine) as session:
        assert sorted(p.external_id for p in session.exec(select(Post))) == [
            "0",
            "1",
            "2",
            "4",
            "5",
            "6",
            "7",
            "8",
            "9",
        ]


def test_import_reports_odd_rows_by_line_and_imports_the_rest(
    engine: Engine, ingestor: Ingestor, tmp_path: Path
) -> None:
    rows = [
        {"id": str(i), "source": "f", "text": f"Flood {i}", "created_at": "2026-11-20T10:00:00Z"}
        for i in range(12)
    ]
    rows[2]["text"] = "Flood\x00 with NUL"
    rows[4]["author"] = "x" * 300
    rows[6]["likes"] = 2**40  # type: ignore[assignment]
    rows[8]["author_followers"] = 2**64  # type: ignore[assignment]
    rows[9]["text"] = "lone \ud800 surrogate"
    rows[10]["id"] = "\x00"
    path = tmp_path / "odd.jsonl"
    lines = [json.dumps(r) for r in rows]  # ASCII escapes keep the lone surrogate
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    summary = import_file(ingestor, "T1", path, now=NOW, scorer=Scorer())
    assert summary.new_posts == 11
    assert [(p.line, "has no id" in p.message) for p in summary.problems] == [(11, True)]
    with Session(engine) as session:
        texts = {p.external_id: p.text for p in session.exec(select(Post))}
    assert texts["2"] == "Flood with NUL" and texts["9"] == "lone  surrogate"


@given(st.text(max_size=300))
def test_clean_always_gives_encodable_text_without_nul(value: str) -> None:
    cleaned = post_guard.clean(value)
    assert "\x00" not in cleaned
    cleaned.encode("utf-8")
    assert cleaned == value.replace("\x00", "").encode("utf-8", "ignore").decode()
    assert len(post_guard.shorten(value, 50)) <= 50


def test_limits_agree_with_the_post_table() -> None:
    columns = Post.__table__.c  # type: ignore[attr-defined]
    for name, limit in post_guard.LIMITS.items():
        assert columns[name].type.length == limit
