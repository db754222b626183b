"""Pruning slack_sdk's OAuth state table, which anyone can add to with GET /slack/install."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, Table, func, select


def prune_states(engine: Engine, states: Table, *, now: datetime, keep: int) -> int:
    """Delete expired states, then the oldest beyond `keep` live ones; returns rows deleted.

    `now` is naive UTC, as slack_sdk stores `expire_at`."""
    c = states.c
    with engine.begin() as conn:
        deleted = conn.execute(states.delete().where(c.expire_at <= now)).rowcount or 0
        live = conn.execute(select(func.count()).select_from(states)).scalar_one()
        if live >= keep:
            cutoff = select(c.id).order_by(c.id.desc()).limit(1).offset(keep - 1).scalar_subquery()
            deleted += conn.execute(states.delete().where(c.id <= cutoff)).rowcount or 0
    return int(deleted)
