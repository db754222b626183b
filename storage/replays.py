"""Replay protection: a signed Slack request is accepted once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, delete
from sqlmodel import col

from storage.dialect import insert_ignore, table
from storage.models import SeenRequest

KEEP = timedelta(minutes=10)  # twice Slack's timestamp tolerance


def first_time(engine: Engine, signature: str, now: datetime) -> bool:
    """Record `signature`; False when it was seen before (a replay)."""
    with engine.begin() as conn:
        row = {"signature": signature[:80], "seen_at": now}
        return bool(insert_ignore(conn, table(SeenRequest), [row], ("signature",), ("signature",)))


def forget_old(engine: Engine, now: datetime) -> None:
    with engine.begin() as conn:
        conn.execute(delete(SeenRequest).where(col(SeenRequest.seen_at) < now - KEEP))
