"""Posts per source and platform: where a workspace's community talks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, func
from sqlmodel import Session, col, select

from storage.models import Post, SourceRow, TopicMatch


def source_shares(
    engine: Engine, team_id: str, start: datetime, end: datetime, topic_id: int | None = None
) -> list[tuple[str, str, int]]:
    """(source name, source kind, posts) in [start, end), busiest first; a topic's posts
    only when `topic_id` is given."""
    count = func.count()
    stmt = (
        select(SourceRow.name, SourceRow.kind, count)
        .join(Post, col(Post.source_id) == col(SourceRow.id))
        .where(Post.team_id == team_id, SourceRow.team_id == team_id)
        .group_by(col(SourceRow.name), col(SourceRow.kind))
        .order_by(count.desc(), col(SourceRow.name))
    )
    if topic_id is None:
        stmt = stmt.where(col(Post.created_at) >= start, col(Post.created_at) < end)
    else:
        stmt = stmt.join(TopicMatch, col(TopicMatch.post_id) == col(Post.id)).where(
            TopicMatch.team_id == team_id,
            TopicMatch.topic_id == topic_id,
            col(TopicMatch.created_at) >= start,
            col(TopicMatch.created_at) < end,
        )
    with Session(engine) as session:
        return [(name, kind, int(n)) for name, kind, n in session.exec(stmt)]
