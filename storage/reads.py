"""Read-side post queries: top posts, texts and counts of stored posts, always team-scoped.

Rollups (hourly totals, reach) are read in `storage.rollup_reads`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, distinct, func
from sqlmodel import Session, col, select

from storage.models import Post, SourceRow, TopicMatch, TopicTopPost


@dataclass(frozen=True, slots=True)
class PostView:
    id: int
    source: str
    source_kind: str
    author: str | None
    author_followers: int | None
    text: str
    url: str | None
    lang: str | None
    created_at: datetime
    likes: int
    reposts: int
    replies: int
    compound: float | None
    external_id: str = ""
    is_repost: bool = False
    links: tuple[str, ...] = ()

    @property
    def engagement(self) -> int:
        return self.likes + self.reposts + self.replies


def _matched_in(team_id: str, topic_id: int, start: datetime, end: datetime) -> tuple[Any, ...]:
    """The WHERE terms for "matched by this topic in [start, end)" (uses the
    (topic_id, created_at) index)."""
    return (
        TopicMatch.team_id == team_id,
        TopicMatch.topic_id == topic_id,
        col(TopicMatch.created_at) >= start,
        col(TopicMatch.created_at) < end,
    )


def post_view(post: Post, source: str, kind: str) -> PostView:
    """A stored post with its source's name and kind, as readers see it."""
    assert post.id is not None
    return PostView(
        id=post.id,
        source=source,
        source_kind=kind,
        author=post.author,
        author_followers=post.author_followers,
        text=post.text,
        url=post.url,
        lang=post.lang,
        created_at=post.created_at,
        likes=post.likes,
        reposts=post.reposts,
        replies=post.replies,
        compound=post.compound,
        external_id=post.external_id,
        is_repost=post.is_repost,
        links=tuple(post.links),
    )


def topic_posts(
    engine: Engine,
    team_id: str,
    topic_id: int,
    start: datetime,
    end: datetime,
    *,
    order: str = "engagement",
    limit: int = 5,
) -> list[PostView]:
    """A topic's original posts in range: most engaging, most negative, most positive
    (read from the top-post candidates kept at ingest, so the cost follows the hours in
    range, not the posts), or newest (an index walk that stops at `limit`)."""
    if order == "newest":
        stmt = (
            select(Post, SourceRow.name, SourceRow.kind)
            .join(TopicMatch, col(TopicMatch.post_id) == col(Post.id))
            .join(SourceRow, col(SourceRow.id) == col(Post.source_id))
            .where(*_matched_in(team_id, topic_id, start, end), col(Post.is_repost).is_(False))
            .order_by(col(TopicMatch.created_at).desc(), col(Post.id).desc())
            .limit(limit)
        )
    else:
        first_hour = start.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        stmt = (
            select(Post, SourceRow.name, SourceRow.kind)
            .join(TopicTopPost, col(TopicTopPost.post_id) == col(Post.id))
            .join(SourceRow, col(SourceRow.id) == col(Post.source_id))
            .where(
                TopicTopPost.team_id == team_id,
                TopicTopPost.topic_id == topic_id,
                TopicTopPost.kind == order,
                col(TopicTopPost.hour) >= first_hour,
                col(TopicTopPost.hour) < end,
                col(Post.created_at) >= start,  # the first and last hours may overhang
                col(Post.created_at) < end,
            )
            .order_by(col(TopicTopPost.score).desc(), col(Post.id).desc())
            .limit(limit)
        )
    with Session(engine) as session:
        return [post_view(post, name, kind) for post, name, kind in session.exec(stmt)]


def iter_posts(
    engine: Engine, team_id: str, *, start: datetime | None = None, chunk: int = 2000
) -> Iterator[list[PostView]]:
    """All of a team's posts in id order, a chunk at a time (keyset paging)."""
    last_id = 0
    while True:
        stmt = (
            select(Post, SourceRow.name, SourceRow.kind)
            .join(SourceRow, col(SourceRow.id) == col(Post.source_id))
            .where(Post.team_id == team_id, col(Post.id) > last_id)
        )
        if start is not None:
            stmt = stmt.where(col(Post.created_at) >= start)
        stmt = stmt.order_by(col(Post.id)).limit(chunk)
        with Session(engine) as session:
            batch = [post_view(post, name, kind) for post, name, kind in session.exec(stmt)]
        if not batch:
            return
        yield batch
        last_id = batch[-1].id


def source_kinds_with_posts(
    engine: Engine, team_id: str, topic_ids: Sequence[int], start: datetime, end: datetime
) -> list[str]:
    stmt: Any = (
        select(distinct(col(SourceRow.name)))
        .join(Post, col(Post.source_id) == col(SourceRow.id))
        .join(TopicMatch, col(TopicMatch.post_id) == col(Post.id))
        .where(
            TopicMatch.team_id == team_id,
            col(TopicMatch.topic_id).in_(topic_ids),
            col(TopicMatch.created_at) >= start,
            col(TopicMatch.created_at) < end,
        )
    )
    with Session(engine) as session:
        return sorted(session.exec(stmt))


def topic_texts(
    engine: Engine, team_id: str, topic_id: int, start: datetime, end: datetime, limit: int = 20_000
) -> list[tuple[str, str | None]]:
    """(text, author) of a topic's posts in range, newest first, for term statistics."""
    stmt = (
        select(Post.text, Post.author)
        .join(TopicMatch, col(TopicMatch.post_id) == col(Post.id))
        .where(*_matched_in(team_id, topic_id, start, end))
        .order_by(col(TopicMatch.created_at).desc())
        .limit(limit)
    )
    with Session(engine) as session:
        return [(text, author) for text, author in session.exec(stmt)]


def team_texts(
    engine: Engine, team_id: str, start: datetime, end: datetime, limit: int = 20_000
) -> list[tuple[str, str | None]]:
    """(text, author) of a workspace's posts in range, newest first: the background that
    emerging terms are compared with."""
    stmt = (
        select(Post.text, Post.author)
        .where(Post.team_id == team_id, col(Post.created_at) >= start, col(Post.created_at) < end)
        .order_by(col(Post.created_at).desc())
        .limit(limit)
    )
    with Session(engine) as session:
        return [(text, author) for text, author in session.exec(stmt)]


def match_times(
    engine: Engine, team_id: str, topic_id: int, start: datetime, end: datetime
) -> list[tuple[datetime, float | None]]:
    """(created_at, compound) of a topic's matched posts in range, for fine-grained series."""
    stmt = (
        select(TopicMatch.created_at, Post.compound)
        .join(Post, col(Post.id) == col(TopicMatch.post_id))
        .where(*_matched_in(team_id, topic_id, start, end))
    )
    with Session(engine) as session:
        return [(at, compound) for at, compound in session.exec(stmt)]


def source_counts(
    engine: Engine, team_id: str, topic_id: int, start: datetime, end: datetime
) -> list[tuple[str, int]]:
    """Posts per source for a topic in range, busiest first."""
    stmt = (
        select(SourceRow.name, func.count())
        .join(Post, col(Post.source_id) == col(SourceRow.id))
        .join(TopicMatch, col(TopicMatch.post_id) == col(Post.id))
        .where(*_matched_in(team_id, topic_id, start, end))
        .group_by(col(SourceRow.name))
        .order_by(func.count().desc())
    )
    with Session(engine) as session:
        return [(name, int(count)) for name, count in session.exec(stmt)]


def first_post_time(engine: Engine, team_id: str, *, since: datetime) -> datetime | None:
    """The earliest post time of a team at or after `since` (None without posts)."""
    stmt = select(func.min(Post.created_at)).where(
        Post.team_id == team_id, col(Post.created_at) >= since
    )
    with Session(engine) as session:
        found = session.exec(stmt).one()
    if found is None:
        return None
    return found if found.tzinfo else found.replace(tzinfo=UTC)


def topic_languages(
    engine: Engine, team_id: str, topic_id: int, start: datetime, end: datetime
) -> dict[str, int]:
    """Posts matched by the topic in [start, end) per language ("und" when unknown)."""
    stmt = (
        select(Post.lang, func.count())
        .join(TopicMatch, col(TopicMatch.post_id) == col(Post.id))
        .where(*_matched_in(team_id, topic_id, start, end), Post.team_id == team_id)
        .group_by(col(Post.lang))
    )
    with Session(engine) as session:
        rows = session.exec(stmt).all()
    counts: dict[str, int] = {}
    for lang, count in rows:
        key = lang or "und"
        counts[key] = counts.get(key, 0) + int(count)
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))
