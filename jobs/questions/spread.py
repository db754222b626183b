"""Spreading questions: a cluster that grows fast is an alert of its own kind.

"Fast" is judged on posts, not on a model: at least SPREAD_MIN posts in the last half hour
and SPREAD_RATIO times the half hour before. A cluster alerts at most once per REALERT,
and not while muted; the alert goes to the workspace's alert channel.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import Engine

from commands.context import Ctx
from commands.question_reports import spreading_reply
from jobs.deliver import deliver_once
from jobs.poster import Poster
from storage.questions import Questions
from storage.workspaces import Workspaces

log = logging.getLogger(__name__)
WINDOW = timedelta(minutes=30)
SPREAD_MIN = 10
SPREAD_RATIO = 3.0
REALERT = timedelta(hours=6)

CtxFactory = Callable[[str, datetime], Ctx]


def check_spreading(
    engine: Engine, poster: Poster, make_ctx: CtxFactory, *, now: datetime, owner: str
) -> list[int]:
    """Alert on every fast-growing question cluster; returns the clusters alerted."""
    store = Questions(engine)
    alerted: list[int] = []
    for team_id in store.teams():
        workspace = Workspaces(engine).get(team_id)
        channel = workspace.alert_channel if workspace else None
        recent = store.figures(team_id, now - WINDOW, now, limit=20)
        for row in recent:
            cluster = row.cluster
            assert cluster.id is not None
            if row.posts < SPREAD_MIN or (cluster.muted_until and cluster.muted_until > now):
                continue
            if cluster.alerted_at is not None and now - cluster.alerted_at < REALERT:
                continue
            before = store.count_between(team_id, cluster.id, now - 2 * WINDOW, now - WINDOW)
            if row.posts < SPREAD_RATIO * max(before, 1):
                continue
            if channel is None:
                log.info(
                    "question %s spreading in %s, but no alert channel is set", cluster.id, team_id
                )
                continue
            minutes = int(WINDOW.total_seconds() // 60)
            build = partial(
                spreading_reply,
                make_ctx(team_id, now),
                cluster,
                row.posts,
                before,
                row.authors,
                minutes,
            )
            result = deliver_once(
                engine,
                poster,
                team_id=team_id,
                channel=channel,
                key=f"question-spread:{cluster.id}:{now:%Y%m%d%H%M}",
                kind="alert",
                build=build,
                now=now,
                owner=owner,
            )
            if result.ts is not None:
                store.update(team_id, cluster.id, alerted_at=now)
                alerted.append(cluster.id)
    return alerted
