"""Retention: raw posts older than a workspace's limit are purged; aggregates stay.

Rollups, digests, alerts, routed-post records and incident timelines do not reference
post rows, so they survive; topic matches of purged posts go with them (their counts
already live in the rollups). Personal data that outlives the posts goes too: the author
handles of those days (kept for reach) and the words routed-post reasons quote.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine

from storage.retention import purge_author_days_before, purge_posts_before
from storage.workspaces import Workspaces

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Purged:
    team_id: str
    posts: int
    before: datetime
    author_days: int = 0


def purge_old_posts(engine: Engine, *, now: datetime) -> list[Purged]:
    out = []
    for workspace in Workspaces(engine).all():
        if not workspace.retention_days:
            continue
        before = now - timedelta(days=workspace.retention_days)
        count = purge_posts_before(engine, workspace.team_id, before)
        # A day's row goes once the whole day is past the limit.
        days = purge_author_days_before(
            engine, workspace.team_id, before.replace(hour=0, minute=0, second=0, microsecond=0)
        )
        if count or days:
            log.info(
                "retention: purged %d posts and %d author-days of %s before %s",
                count,
                days,
                workspace.team_id,
                before,
            )
        out.append(Purged(workspace.team_id, count, before, days))
    return out
