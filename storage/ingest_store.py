"""Store a prepared batch atomically: posts, matches, rollups and the source cursor."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select, update

from storage.dialect import insert_ignore, insert_or_add, table
from storage.models import Post, SourceRow, TopicAuthorDay, TopicHour, TopicMatch

POSITIVE_AT = 0.05  # VADER's convention: compound >= 0.05 positive, <= -0.05 negative
ROLLUP_COUNTERS = (
    "posts",
    "reposts",
    "new_authors",
    "scored",
    "compound_sum",
    "positive",
    "neutral",
    "negative",
    "follower_sum",
    "engagement_sum",
)


@dataclass(slots=True)
class PreparedPost:
    """A post ready to store: scored, and matched against the team's topics."""

    external_id: str
    text: str
    created_at: datetime
    author: str | None = None
    author_followers: int | None = None
    url: str | None = None
    lang: str | None = None
    likes: int = 0
    reposts: int = 0
    replies: int = 0
    is_repost: bool = False
    links: tuple[str, ...] = ()
    compound: float | None = None
    pos: float | None = None
    neu: float | None = None
    neg: float | None = None
    topic_ids: list[int] = field(default_factory=list)

    @property
    def engagement(self) -> int:
        return self.likes + self.reposts + self.replies


@dataclass(frozen=True, slots=True)
class StoredBatch:
    new_posts: int
    duplicates: int
    matches: int


def hour_of(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def day_of(moment: datetime) -> datetime:
    return hour_of(moment).replace(hour=0)


def existing_external_ids(engine: Engine, source_id: int, external_ids: Sequence[str]) -> set[str]:
    """Which of these ids this source already stored (so they are not scored again)."""
    found: set[str] = set()
    with engine.connect() as conn:
        for start in range(0, len(external_ids), 500):
            chunk = list(external_ids[start : start + 500])
            rows = conn.execute(
                select(Post.external_id).where(  # type: ignore[call-overload]
                    Post.source_id == source_id,
                    Post.external_id.in_(chunk),  # type: ignore[attr-defined]
                )
            )
            found.update(row[0] for row in rows)
    return found


def store_batch(
    engine: Engine,
    *,
    team_id: str,
    source_id: int,
    posts: Sequence[PreparedPost],
    now: datetime,
    cursor: str | None = None,
    advance_cursor: bool = False,
) -> StoredBatch:
    """One transaction: a crash before commit leaves nothing, after it leaves everything.

    Posts already stored (same source and external id) are skipped, so a batch can be
    stored twice without double counting; the cursor moves in the same transaction.
    """
    with engine.begin() as conn:
        rows = [_post_row(team_id, source_id, post, now) for post in posts]
        inserted = insert_ignore(
            conn, table(Post), rows, ("source_id", "external_id"), ("id", "external_id")
        )
        by_external = {post.external_id: post for post in posts}
        new = [(row_id, by_external[ext]) for row_id, ext in inserted]
        matches = _store_matches(conn, team_id, new)
        if advance_cursor or new:
            values: dict[str, Any] = {"posts_total": SourceRow.posts_total + len(new)}
            if advance_cursor:
                values["cursor"] = cursor
            conn.execute(
                update(SourceRow).where(SourceRow.id == source_id).values(**values)  # type: ignore[arg-type]
            )
    return StoredBatch(new_posts=len(new), duplicates=len(posts) - len(new), matches=matches)


def store_matches(engine: Engine, team_id: str, matched: Iterable[tuple[int, PreparedPost]]) -> int:
    """Add topic matches (and their rollups) for posts already stored: topic backfill."""
    with engine.begin() as conn:
        return _store_matches(conn, team_id, list(matched))


def _post_row(team_id: str, source_id: int, post: PreparedPost, now: datetime) -> dict[str, Any]:
    return {
        "team_id": team_id,
        "source_id": source_id,
        "external_id": post.external_id,
        "author": post.author,
        "author_followers": post.author_followers,
        "text": post.text,
        "lang": post.lang,
        "url": post.url,
        "links": list(post.links[:20]),
        "created_at": post.created_at,
        "ingested_at": now,
        "likes": post.likes,
        "reposts": post.reposts,
        "replies": post.replies,
        "is_repost": post.is_repost,
        "compound": post.compound,
        "pos": post.pos,
        "neu": post.neu,
        "neg": post.neg,
    }


def _store_matches(conn: Any, team_id: str, new: Sequence[tuple[int, PreparedPost]]) -> int:
    match_rows = [
        {"topic_id": tid, "post_id": pid, "team_id": team_id, "created_at": post.created_at}
        for pid, post in new
        for tid in post.topic_ids
    ]
    inserted = insert_ignore(
        conn, table(TopicMatch), match_rows, ("topic_id", "post_id"), ("topic_id", "post_id")
    )
    fresh = {(tid, pid) for tid, pid in inserted}
    posts = dict(new)
    matched = [(tid, posts[pid]) for tid, pid in sorted(fresh)]
    _add_rollups(conn, team_id, matched)
    return len(matched)


def _add_rollups(conn: Any, team_id: str, matched: Sequence[tuple[int, PreparedPost]]) -> None:
    hours: dict[tuple[int, datetime], dict[str, Any]] = defaultdict(
        lambda: dict.fromkeys(ROLLUP_COUNTERS, 0)
    )
    authors: dict[tuple[int, datetime, str], dict[str, Any]] = {}
    for topic_id, post in matched:
        hour = hour_of(post.created_at)
        acc = hours[(topic_id, hour)]
        acc["posts"] += 1
        acc["reposts"] += int(post.is_repost)
        acc["engagement_sum"] += post.engagement
        if post.compound is not None:
            acc["scored"] += 1
            acc["compound_sum"] += post.compound
            acc[_label(post.compound)] += 1
        if post.author:
            key = (topic_id, day_of(post.created_at), post.author)
            seen = authors.get(key)
            if seen is None or hour < seen["first_hour"]:
                authors[key] = {"first_hour": hour, "followers": post.author_followers or 0}
    _count_new_authors(conn, team_id, authors, hours)
    rows = [
        {"topic_id": tid, "hour": hour, "team_id": team_id, **acc}
        for (tid, hour), acc in hours.items()
    ]
    insert_or_add(conn, table(TopicHour), rows, ("topic_id", "hour"), ROLLUP_COUNTERS)


def _count_new_authors(
    conn: Any,
    team_id: str,
    authors: dict[tuple[int, datetime, str], dict[str, Any]],
    hours: dict[tuple[int, datetime], dict[str, Any]],
) -> None:
    rows = [
        {
            "topic_id": tid,
            "day": day,
            "author": author,
            "team_id": team_id,
            "followers": info["followers"],
            "posts": 0,
        }
        for (tid, day, author), info in authors.items()
    ]
    inserted = insert_ignore(
        conn,
        table(TopicAuthorDay),
        rows,
        ("topic_id", "day", "author"),
        ("topic_id", "day", "author"),
    )
    for tid, day, author in inserted:
        info = authors[(tid, _aware(day), author)]
        acc = hours[(tid, info["first_hour"])]
        acc["new_authors"] += 1
        acc["follower_sum"] += info["followers"]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _label(compound: float) -> str:
    if compound >= POSITIVE_AT:
        return "positive"
    if compound <= -POSITIVE_AT:
        return "negative"
    return "neutral"
