"""Sources repository: configured connectors, their cursors, health and scan leases."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.models import SourceRow
from storage.topics import DuplicateNameError

MAX_BACKOFF = timedelta(hours=1)


class Sources:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(
        self,
        team_id: str,
        name: str,
        kind: str,
        settings: dict[str, str],
        *,
        now: datetime,
        interval_seconds: int = 300,
    ) -> SourceRow:
        row = SourceRow(
            team_id=team_id,
            name=name,
            kind=kind,
            settings=settings,
            interval_seconds=interval_seconds,
            next_run_at=now,
            created_at=now,
        )
        with Session(self.engine, expire_on_commit=False) as session:
            session.add(row)
            try:
                session.commit()
            except IntegrityError as exc:
                raise DuplicateNameError(
                    f"A source named {name!r} already exists; remove it or choose another name."
                ) from exc
        return row

    def ensure(self, team_id: str, name: str, kind: str, *, now: datetime) -> SourceRow:
        """The source with this name, created (disabled for scanning) if missing: imports."""
        existing = self.get(team_id, name)
        if existing is not None:
            return existing
        try:
            row = self.add(team_id, name, kind, {}, now=now)
        except DuplicateNameError:
            found = self.get(team_id, name)
            assert found is not None
            return found
        self.set_enabled(team_id, name, enabled=False)
        row.enabled = False
        return row

    def all(self, team_id: str) -> list[SourceRow]:
        with Session(self.engine) as session:
            stmt = select(SourceRow).where(SourceRow.team_id == team_id)
            return list(session.exec(stmt.order_by(col(SourceRow.name))))

    def get(self, team_id: str, name: str) -> SourceRow | None:
        with Session(self.engine) as session:
            stmt = select(SourceRow).where(SourceRow.team_id == team_id, SourceRow.name == name)
            return session.exec(stmt).first()

    def set_enabled(self, team_id: str, name: str, *, enabled: bool) -> bool:
        with self.engine.begin() as conn:
            result = conn.execute(
                update(SourceRow)
                .where(col(SourceRow.team_id) == team_id, col(SourceRow.name) == name)
                .values(enabled=enabled)
            )
        return result.rowcount > 0

    def set_interval(
        self, source_id: int, seconds: int, *, next_run_at: datetime | None = None
    ) -> None:
        values: dict[str, object] = {"interval_seconds": seconds}
        if next_run_at is not None:
            values["next_run_at"] = next_run_at
        with self.engine.begin() as conn:
            conn.execute(update(SourceRow).where(col(SourceRow.id) == source_id).values(**values))

    def remove(self, team_id: str, name: str) -> bool:
        """Disable rather than delete: its posts stay, and the name stays reserved."""
        return self.set_enabled(team_id, name, enabled=False)

    def due(self, now: datetime) -> list[SourceRow]:
        """Enabled sources of every workspace whose next run has come (for the scheduler)."""
        with Session(self.engine) as session:
            stmt = select(SourceRow).where(
                col(SourceRow.enabled).is_(True),
                or_(col(SourceRow.next_run_at).is_(None), col(SourceRow.next_run_at) <= now),
            )
            return list(session.exec(stmt.order_by(col(SourceRow.next_run_at))))

    def claim(self, source_id: int, owner: str, now: datetime, ttl: timedelta) -> bool:
        """Take the scan lease on a source unless another worker holds a live one."""
        with self.engine.begin() as conn:
            result = conn.execute(
                update(SourceRow)
                .where(
                    col(SourceRow.id) == source_id,
                    or_(
                        col(SourceRow.lease_expires_at).is_(None),
                        col(SourceRow.lease_expires_at) < now,
                        col(SourceRow.lease_owner) == owner,
                    ),
                )
                .values(lease_owner=owner, lease_expires_at=now + ttl)
            )
        return result.rowcount == 1

    def claim_due(
        self,
        owner: str,
        now: datetime,
        ttl: timedelta,
        limit: int = 10,
        team_id: str | None = None,
    ) -> list[SourceRow]:
        """Lease up to `limit` due sources for this worker; other workers get other ones.

        On PostgreSQL, `FOR UPDATE SKIP LOCKED` lets concurrent workers pick disjoint
        rows without waiting on each other; SQLite has one writer, so a plain read in
        the write transaction is enough. The lease expires, so a dead worker's sources
        come back after `ttl`.
        """
        free = or_(
            col(SourceRow.lease_expires_at).is_(None),
            col(SourceRow.lease_expires_at) < now,
            col(SourceRow.lease_owner) == owner,  # our own lease, left by a failed round
        )
        due = or_(col(SourceRow.next_run_at).is_(None), col(SourceRow.next_run_at) <= now)
        stmt = (
            select(SourceRow.id)
            .where(col(SourceRow.enabled).is_(True), due, free)
            .order_by(col(SourceRow.next_run_at))
            .limit(limit)
        )
        if team_id is not None:
            stmt = stmt.where(col(SourceRow.team_id) == team_id)
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                stmt = stmt.with_for_update(skip_locked=True)
            ids = [row[0] for row in conn.execute(stmt)]
            if ids:
                conn.execute(
                    update(SourceRow)
                    .where(col(SourceRow.id).in_(ids))
                    .values(lease_owner=owner, lease_expires_at=now + ttl)
                )
        with Session(self.engine) as session:
            rows = session.exec(select(SourceRow).where(col(SourceRow.id).in_(ids)))
            return sorted(rows, key=lambda r: ids.index(r.id))

    def leased_by_host(self, host: str) -> list[SourceRow]:
        """Sources whose lease is held by a worker on `host` (owners are "host:pid")."""
        with Session(self.engine) as session:
            stmt = select(SourceRow).where(col(SourceRow.lease_owner).startswith(f"{host}:"))
            return list(session.exec(stmt))

    def release(self, source_id: int, owner: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(SourceRow)
                .where(col(SourceRow.id) == source_id, col(SourceRow.lease_owner) == owner)
                .values(lease_owner=None, lease_expires_at=None)
            )

    def record_success(self, source_id: int, now: datetime, *, note: str | None = None) -> None:
        """Mark a good scan; `note` (posts it had to skip) shows in the source's health."""
        with self.engine.begin() as conn:
            row = conn.execute(
                select(SourceRow.interval_seconds).where(SourceRow.id == source_id)
            ).one()
            conn.execute(
                update(SourceRow)
                .where(col(SourceRow.id) == source_id)
                .values(
                    status="ok",
                    last_success_at=now,
                    last_attempt_at=now,
                    consecutive_failures=0,
                    failing_since=None,
                    last_error=None if note is None else note[:500],
                    next_run_at=now + timedelta(seconds=row[0]),
                )
            )

    def record_failure(
        self,
        source_id: int,
        now: datetime,
        *,
        status: str,
        error: str,
        retry_after: float | None = None,
    ) -> SourceRow:
        """Mark a failed scan; the next try backs off exponentially, capped at an hour."""
        with Session(self.engine, expire_on_commit=False) as session:
            row = session.get_one(SourceRow, source_id)
            row.consecutive_failures += 1
            row.status = status
            row.last_error = error[:500]
            row.last_attempt_at = now
            row.failing_since = row.failing_since or now
            backoff = timedelta(
                seconds=row.interval_seconds * 2 ** min(row.consecutive_failures, 8)
            )
            wait = min(backoff, MAX_BACKOFF)
            if retry_after is not None:
                wait = max(wait, timedelta(seconds=retry_after))
            row.next_run_at = now + wait
            session.add(row)
            session.commit()
            return row
