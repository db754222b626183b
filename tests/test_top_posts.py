"""Top posts come from candidates kept at ingest: the same answer as sorting every post."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func
from sqlmodel import Session, select

from jobs.ingest import Ingestor, SourceRef
from jobs.sentiment.scorer import Scorer
from jobs.sources.base import RawPost
from storage import reads, top_posts
from storage.models import TopicTopPost
from storage.sources import Sources
from storage.topics import Topics

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
WORDS = ["great", "awful", "terrible", "lovely", "fine", "scary", "thanks", "angry", "ok", "wow"]


def test_top_posts_match_a_full_sort_before_and_after_trimming(engine: Engine) -> None:
    rng = random.Random(9)
    topic = Topics(engine).add("T1", "flood", "flood", now=NOW)
    row = Sources(engine).ensure("T1", "feed", "mastodon", now=NOW)
    assert topic.id and row.id
    posts = [
        RawPost(
            external_id=str(i),
            text=f"flood {rng.choice(WORDS)} {rng.choice(WORDS)} {i}",
            created_at=NOW - timedelta(minutes=rng.randint(0, 72 * 60)),
            lang="en",
            likes=rng.randint(0, 50),
            reposts=rng.randint(0, 5),
            is_repost=i % 9 == 0,
        )
        for i in range(600)
    ]
    ingestor = Ingestor(engine, Scorer())
    for start in range(0, len(posts), 50):  # many batches: many candidates per hour
        ingestor.ingest(
            "T1", SourceRef(row.id, "mastodon", "feed"), posts[start : start + 50], now=NOW
        )
    start, end = NOW - timedelta(hours=30, minutes=17), NOW - timedelta(hours=2)
    everything = [
        p
        for chunk in reads.iter_posts(engine, "T1")
        for p in chunk
        if start <= p.created_at < end and not p.is_repost
    ]

    def expected(order: str) -> list[int]:
        if order == "engagement":
            ranked = sorted(everything, key=lambda p: (-p.engagement, -p.id))
        elif order == "negative":
            ranked = sorted(
                (p for p in everything if (p.compound or 0) <= -0.05),
                key=lambda p: (p.compound or 0, -p.id),
            )
        else:
            ranked = sorted(
                (p for p in everything if (p.compound or 0) >= 0.05),
                key=lambda p: (-(p.compound or 0), -p.id),
            )
        return [p.id for p in ranked[:5]]

    for _ in range(2):
        for order in ("engagement", "negative", "positive"):
            got = reads.topic_posts(engine, "T1", topic.id, start, end, order=order, limit=5)
            want = expected(order)
            scores = {
                "engagement": lambda p: p.engagement,
                "negative": lambda p: -(p.compound or 0),
                "positive": lambda p: p.compound or 0,
            }[order]
            # Ties may order differently; the scores of the top five must agree.
            by_id = {p.id: p for p in everything}
            assert [scores(p) for p in got] == [scores(by_id[i]) for i in want]
        removed = top_posts.trim(engine)
        assert removed >= 0
    with Session(engine) as session:
        per_key = session.exec(
            select(func.count())
            .select_from(TopicTopPost)
            .group_by(TopicTopPost.topic_id, TopicTopPost.hour, TopicTopPost.kind)
        ).all()
    assert max(per_key) <= top_posts.TOP_KEEP
    assert Topics(engine).remove("T1", "flood")
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(TopicTopPost)).one() == 0
