"""Store a prepared batch atomically: posts, matches, rollups and the source cursor.

Rows go to the database in a few multi-row statements per table, as plain SQL through
the driver with values converted by the columns' own SQLAlchemy types. Building a
statement per row through the ORM cost more than scoring the posts with VADER.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, select, update

from storage.dialect import insert_rows, table
from storage.models import (
    Post,
    SourceRow,
    Topic,
    TopicAuthorDay,
    TopicHour,
    TopicMatch,
    TopicTopPost,
)
from storage.post_guard import Rejected, find_unstorable, guard_posts, is_row_error

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
POST_COLUMNS = (
    "team_id",
    "source_id",
    "external_id",
    "author",
    "author_followers",
    "text",
    "lang",
    "url",
    "links",
    "created_at",
    "ingested_at",
    "likes",
    "reposts",
    "replies",
    "is_repost",
    "compound",
    "pos",
    "neu",
    "neg",
    "time_estimated",
)
MATCH_COLUMNS = ("topic_id", "post_id", "team_id", "created_at")
AUTHOR_COLUMNS = ("topic_id", "day", "author", "team_id", "followers", "posts")
TOP_COLUMNS = ("topic_id", "hour", "kind", "post_id", "team_id", "score")
TOP_PER_BATCH = 5  # candidates a batch adds per (topic, hour, kind); the hourly trim keeps 5
# SQLite binds at most 32,766 values per statement, PostgreSQL 65,535.
SQLITE_CACHE_KIB = 128 * 1024


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
    time_estimated: bool = False

    @property
    def engagement(self) -> int:
        return self.likes + self.reposts + self.replies


@dataclass(frozen=True, slots=True)
class StoredBatch:
    new_posts: int
    duplicates: int
    matches: int
    rejected: tuple[Rejected, ...] = ()  # posts set aside (see storage.post_guard)


def hour_of(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def day_of(moment: datetime) -> datetime:
    return hour_of(moment).replace(hour=0)


def existing_external_ids(engine: Engine, source_id: int, external_ids: Sequence[str]) -> set[str]:
    """Which of these ids this source already stored (so they are not scored again)."""
    found: set[str] = set()
    posts = table(Post)
    # One expanding parameter: SQLAlchemy binds the list without building a literal per id.
    stmt = select(posts.c.external_id).where(
        posts.c.source_id == source_id, posts.c.external_id.in_(bindparam("ids", expanding=True))
    )
    with engine.connect() as conn:
        for start in range(0, len(external_ids), 500):
            rows = conn.execute(stmt, {"ids": list(external_ids[start : start + 500])})
            found.update(row[0] for row in rows)
    return found


def topic_queries(engine: Engine, team_id: str) -> tuple[tuple[int, str], ...]:
    """(id, query) of a team's topics: cheap enough to check before every batch."""
    topics = table(Topic)
    stmt = select(topics.c.id, topics.c.query).where(topics.c.team_id == team_id)
    with engine.connect() as conn:
        return tuple((row[0], row[1]) for row in conn.execute(stmt.order_by(topics.c.id)))


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
    Each post is cleaned first (`storage.post_guard`); one the database still refuses is
    set aside and named in `rejected`, and the rest of the batch is stored.
    """
    guarded, rejected = guard_posts(posts)
    args = (engine, team_id, source_id, now, cursor, advance_cursor)
    try:
        stored = _store_batch(*args, guarded)
    except Exception as exc:
        if not is_row_error(exc):
            raise

        def insert_one(conn: Connection, post: PreparedPost) -> None:
            row = _post_row(team_id, source_id, post, now)
            insert_rows(conn, table(Post), POST_COLUMNS, [row], ("source_id", "external_id"))

        guarded, refused = find_unstorable(engine, guarded, insert_one)
        rejected += refused
        stored = _store_batch(*args, guarded)
    if not rejected:
        return stored
    return replace(stored, rejected=tuple(rejected))


def _store_batch(
    engine: Engine,
    team_id: str,
    source_id: int,
    now: datetime,
    cursor: str | None,
    advance_cursor: bool,
    posts: Sequence[PreparedPost],
) -> StoredBatch:
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            # Matches land all over the indexes; SQLite's default 2 MB page cache thrashes.
            conn.exec_driver_sql(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        rows = [_post_row(team_id, source_id, post, now) for post in posts]
        inserted = insert_rows(
            conn, table(Post), POST_COLUMNS, rows, ("source_id", "external_id"), returning="id"
        )
        new = [(post_id, posts[index]) for index, post_id in inserted]
        matches = _store_matches(conn, team_id, new, posts_are_new=True)
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
        return _store_matches(conn, team_id, list(matched), posts_are_new=False)


def _post_row(team_id: str, source_id: int, post: PreparedPost, now: datetime) -> tuple[Any, ...]:
    return (
        team_id,
        source_id,
        post.external_id,
        post.author,
        post.author_followers,
        post.text,
        post.lang,
        post.url,
        post.links[:20],  # a tuple: stored as a JSON list, converted once per value
        post.created_at,
        now,
        post.likes,
        post.reposts,
        post.replies,
        post.is_repost,
        post.compound,
        post.pos,
        post.neu,
        post.neg,
        post.time_estimated,
    )


def _store_matches(
    conn: Connection, team_id: str, new: Sequence[tuple[int, PreparedPost]], *, posts_are_new: bool
) -> int:
    rows = [
        (topic_id, post_id, team_id, post.created_at)
        for post_id, post in new
        for topic_id in post.topic_ids
    ]
    if posts_are_new:
        # Posts inserted by this transaction have no matches yet: nothing to skip.
        insert_rows(conn, table(TopicMatch), MATCH_COLUMNS, rows, ("topic_id", "post_id"))
        fresh = rows
    else:
        inserted = insert_rows(
            conn, table(TopicMatch), MATCH_COLUMNS, rows, ("topic_id", "post_id"), returning=""
        )
        fresh = [rows[index] for index, _ in inserted]
    posts = dict(new)
    matched = [(topic_id, post_id, posts[post_id]) for topic_id, post_id, _, _ in fresh]
    _add_rollups(conn, team_id, [(topic_id, post) for topic_id, _, post in matched])
    _add_top_posts(conn, team_id, matched)
    return len(matched)


def _add_top_posts(
    conn: Connection, team_id: str, matched: Sequence[tuple[int, int, PreparedPost]]
) -> None:
    """Keep this batch's leading posts per (topic, hour, kind) as top-post candidates."""
    best: dict[tuple[int, datetime, str], list[tuple[float, int]]] = defaultdict(list)
    hours: dict[int, datetime] = {}  # by post id: a post's hour is worked out once
    for topic_id, post_id, post in matched:
        if post.is_repost:
            continue  # the original is what a reader wants to see
        hour = hours.get(post_id)
        if hour is None:
            hour = hours[post_id] = hour_of(post.created_at)
        best[(topic_id, hour, "engagement")].append((float(post.engagement), post_id))
        if post.compound is not None and post.compound >= POSITIVE_AT:
            best[(topic_id, hour, "positive")].append((post.compound, post_id))
        if post.compound is not None and post.compound <= -POSITIVE_AT:
            best[(topic_id, hour, "negative")].append((-post.compound, post_id))
    rows = [
        (topic_id, hour, kind, post_id, team_id, score)
        for (topic_id, hour, kind), scored in best.items()
        for score, post_id in (
            scored if len(scored) <= TOP_PER_BATCH else heapq.nlargest(TOP_PER_BATCH, scored)
        )
    ]
    insert_rows(
        conn, table(TopicTopPost), TOP_COLUMNS, rows, ("topic_id", "hour", "kind", "post_id")
    )


def _add_rollups(
    conn: Connection, team_id: str, matched: Sequence[tuple[int, PreparedPost]]
) -> None:
    hours: dict[tuple[int, datetime], list[Any]] = {}
    authors: dict[tuple[int, datetime, str], tuple[datetime, int]] = {}
    counter = {name: i for i, name in enumerate(ROLLUP_COUNTERS)}
    posts_at, reposts_at, scored_at = counter["posts"], counter["reposts"], counter["scored"]
    sum_at, engagement_at = counter["compound_sum"], counter["engagement_sum"]
    # Posts of a batch share a few hours: work out each post's hour and label once.
    per_post: dict[int, tuple[datetime, datetime, int | None]] = {}
    for topic_id, post in matched:
        known = per_post.get(id(post))
        if known is None:
            label = None if post.compound is None else counter[_label(post.compound)]
            hour = hour_of(post.created_at)
            known = per_post[id(post)] = (hour, hour.replace(hour=0), label)
        hour, day, label = known
        acc = hours.get((topic_id, hour))
        if acc is None:
            acc = hours[(topic_id, hour)] = [0] * len(ROLLUP_COUNTERS)
        acc[posts_at] += 1
        acc[reposts_at] += post.is_repost
        acc[engagement_at] += post.engagement
        if label is not None:
            acc[scored_at] += 1
            acc[sum_at] += post.compound
            acc[label] += 1
        if post.author:
            key = (topic_id, day, post.author)
            seen = authors.get(key)
            if seen is None or hour < seen[0]:
                authors[key] = (hour, post.author_followers or 0)
    _count_new_authors(conn, team_id, authors, hours, counter)
    rows = [(tid, hour, team_id, *acc) for (tid, hour), acc in hours.items()]
    columns = ("topic_id", "hour", "team_id", *ROLLUP_COUNTERS)
    insert_rows(conn, table(TopicHour), columns, rows, ("topic_id", "hour"), add=ROLLUP_COUNTERS)


def _count_new_authors(
    conn: Connection,
    team_id: str,
    authors: dict[tuple[int, datetime, str], tuple[datetime, int]],
    hours: dict[tuple[int, datetime], list[Any]],
    counter: dict[str, int],
) -> None:
    """An author counts as new in the hour of their first post that UTC day."""
    rows = [
        (tid, day, author, team_id, followers, 0)
        for (tid, day, author), (_, followers) in authors.items()
    ]
    inserted = insert_rows(
        conn,
        table(TopicAuthorDay),
        AUTHOR_COLUMNS,
        rows,
        ("topic_id", "day", "author"),
        returning="",
    )
    new_at, followers_at = counter["new_authors"], counter["follower_sum"]
    for index, _ in inserted:
        tid, day, author, _, followers, _ = rows[index]
        acc = hours[(tid, authors[(tid, day, author)][0])]
        acc[new_at] += 1
        acc[followers_at] += followers


def _label(compound: float) -> str:
    if compound >= POSITIVE_AT:
        return "positive"
    if compound <= -POSITIVE_AT:
        return "negative"
    return "neutral"
