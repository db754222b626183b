"""Retention: raw posts older than a workspace's limit are purged; aggregates stay.

Rollups, author-day counts, digests, alerts, routed-post records and incident timelines do
not reference post rows, so they survive; topic matches of purged posts go with them (their
counts already live in the rollups).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete
from sqlmodel import Session, col, select

from storage.models import Post, QuestionPost, TopicMatch, TopicTopPost
from storage.workspaces import Workspaces

log = logging.getLogger(__name__)
CHUNK = 5000  # short transactions: a purge must not block scans for long


@dataclass(frozen=True, slots=True)
class Purged:
    team_id: str
    posts: int
    before: datetime


def purge_old_posts(engine: Engine, *, now: datetime) -> list[Purged]:
    out = []
    for workspace in Workspaces(engine).all():
        if not workspace.retention_days:
            continue
        before = now - timedelta(days=workspace.retention_days)
        count = _purge_team(engine, workspace.team_id, before)
        if count:
            log.info("retention: purged %d posts of %s before %s", count, workspace.team_id, before)
        out.append(Purged(workspace.team_id, count, before))
    return out


def _purge_team(engine: Engine, team_id: str, before: datetime) -> int:
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
            session.execute(delete(Post).where(col(Post.id).in_(ids)))
            session.commit()
            total += len(ids)
