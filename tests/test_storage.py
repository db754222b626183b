"""Storage: batches store atomically, idempotently, and keep rollups exact."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, func
from sqlmodel import Session, select

from storage import reads, rollup_reads
from storage.ingest_store import PreparedPost, existing_external_ids, store_batch
from storage.models import Post, TopicHour
from storage.sources import Sources
from storage.topics import Topics


def _post(ext: str, at: datetime, **kw: object) -> PreparedPost:
    return PreparedPost(external_id=ext, text=f"post {ext}", created_at=at, **kw)  # type: ignore[arg-type]


def test_batch_is_idempotent_and_rolls_up(engine: Engine, now: datetime) -> None:
    topic = Topics(engine).add("T1", "flood", "flood", now=now)
    src = Sources(engine).add("T1", "rss", "rss", {"url": "http://x"}, now=now)
    assert topic.id and src.id
    posts = [
        _post(
            "a",
            now,
            author="ann",
            author_followers=100,
            compound=0.5,
            likes=3,
            topic_ids=[topic.id],
        ),
        _post(
            "b",
            now + timedelta(minutes=5),
            author="ann",
            author_followers=100,
            compound=-0.6,
            topic_ids=[topic.id],
        ),
        _post(
            "c",
            now + timedelta(hours=1),
            author="bob",
            author_followers=7,
            compound=0.0,
            topic_ids=[topic.id],
        ),
        _post("d", now, lang="de", topic_ids=[]),
    ]
    first = store_batch(
        engine,
        team_id="T1",
        source_id=src.id,
        posts=posts,
        now=now,
        cursor="c1",
        advance_cursor=True,
    )
    again = store_batch(engine, team_id="T1", source_id=src.id, posts=posts, now=now)
    assert (first.new_posts, first.matches) == (4, 3)
    assert (again.new_posts, again.duplicates, again.matches) == (0, 4, 0)
    assert existing_external_ids(engine, src.id, ["a", "z"]) == {"a"}

    rows = rollup_reads.hourly(
        engine, "T1", topic.id, now - timedelta(days=1), now + timedelta(days=1)
    )
    assert [(r.posts, r.scored, r.positive, r.neutral, r.negative) for r in rows] == [
        (2, 2, 1, 0, 1),
        (1, 1, 0, 1, 0),
    ]
    assert rows[0].compound_sum == -0.1 or abs(rows[0].compound_sum + 0.1) < 1e-9
    assert rows[0].engagement == 3
    assert rollup_reads.audience(
        engine, "T1", topic.id, now - timedelta(days=1), now + timedelta(days=1)
    ) == (2, 107)
    assert Sources(engine).get("T1", "rss").cursor == "c1"  # type: ignore[union-attr]
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Post)).one() == 4
        hours = session.exec(select(TopicHour)).all()
        assert sum(h.new_authors for h in hours) == 2


def test_other_team_sees_nothing(engine: Engine, now: datetime) -> None:
    topic = Topics(engine).add("T1", "flood", "flood", now=now)
    Topics(engine).add("T2", "flood", "flood", now=now)
    src = Sources(engine).add("T1", "rss", "rss", {}, now=now)
    assert topic.id and src.id
    store_batch(
        engine,
        team_id="T1",
        source_id=src.id,
        posts=[_post("a", now, topic_ids=[topic.id])],
        now=now,
    )
    span = (now - timedelta(days=1), now + timedelta(days=1))
    assert rollup_reads.hourly(engine, "T2", topic.id, *span) == []
    assert reads.topic_posts(engine, "T2", topic.id, *span) == []
    assert len(reads.topic_posts(engine, "T1", topic.id, *span)) == 1
    assert [t.name for t in Topics(engine).all("T2")] == ["flood"]
