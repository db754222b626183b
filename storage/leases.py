"""Named leases with a heartbeat: exactly one process holds "scheduler" at a time.

A lease row (not a session-scoped advisory lock) survives connection poolers and
reconnects: the holder renews it on every tick, and if the holder dies its lease
simply expires and another process takes over.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, or_, update
from sqlmodel import col

from storage.dialect import insert_ignore, table
from storage.models import Lease


def acquire(engine: Engine, name: str, owner: str, *, now: datetime, ttl: timedelta) -> bool:
    """Take or renew the lease; True if `owner` holds it until now + ttl."""
    with engine.begin() as conn:
        row = {"name": name, "owner": owner, "expires_at": now + ttl, "heartbeat_at": now}
        if insert_ignore(conn, table(Lease), [row], ("name",), ("name",)):
            return True
        result = conn.execute(
            update(Lease)
            .where(
                col(Lease.name) == name,
                or_(col(Lease.owner) == owner, col(Lease.expires_at) < now),
            )
            .values(owner=owner, expires_at=now + ttl, heartbeat_at=now)
        )
        return result.rowcount == 1


def release(engine: Engine, name: str, owner: str) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(Lease)
            .where(col(Lease.name) == name, col(Lease.owner) == owner)
            .values(expires_at=datetime(1970, 1, 1, tzinfo=UTC))
        )
