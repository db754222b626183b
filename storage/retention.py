"""Retention's deletes: a workspace's raw posts before a time, and the personal data
that points at them (author handles per day, quoted phrases in routed-post reasons)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, delete, update
from sqlmodel import Session, col, select

from storage.models import Post, QuestionPost, RoutedPost, TopicAuthorDay, TopicMatch, TopicTopPost

CHUNK = 5000  # short transactions: a purge must not block scans for long
PURGED_REASON = "post removed by retention"


def purge_posts_before(engine: Engine, team_id: str, before: datetime) -> int:
    """Delete the team's posts created before `before`, their matches and top-post entries,
    and the quoted phrases of routed posts that pointed at them; returns posts deleted.

    Routed-post records stay (who claimed what, when, which categories); only their
    reason, which quotes the post's words, is replaced."""
    total = 0
    while True:
        with Session(engine) as session:
            ids = list(
                session.exec(
                    select(Post.id)
                    .where(Post.team_id == team_id, col(Post.created_at) < before)
                    .limit(CHUNK)
                )
            )
            if not ids:
                return total
            session.execute(delete(TopicMatch).where(col(TopicMatch.post_id).in_(ids)))
            session.execute(delete(TopicTopPost).where(col(TopicTopPost.post_id).in_(ids)))
            # Question posts name their author: they go with the post.
            session.execute(delete(QuestionPost).where(col(QuestionPost.post_id).in_(ids)))
            session.execute(
                update(RoutedPost)
                .where(col(RoutedPost.team_id) == team_id, col(RoutedPost.post_id).in_(ids))
                .values(reason=PURGED_REASON)
            )
            session.execute(delete(Post).where(col(Post.id).in_(ids)))
            session.commit()
            total += len(ids)


def purge_author_days_before(engine: Engine, team_id: str, before: datetime) -> int:
    """Delete the per-day author handles (kept for reach) of days wholly before `before`.

    Hourly rollups keep their counts of new authors and followers; what goes is who."""
    with Session(engine) as session:
        result = session.execute(
            delete(TopicAuthorDay).where(
                col(TopicAuthorDay.team_id) == team_id, col(TopicAuthorDay.day) < before
            )
        )
        session.commit()
        return int(result.rowcount or 0)  # type: ignore[attr-defined]
