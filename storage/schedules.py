"""Digest schedules: one per channel, with its topics, local time, timezone and cadence."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from storage.models import DigestSchedule


class Schedules:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def upsert(
        self,
        team_id: str,
        channel: str,
        *,
        topics: list[str],
        local_time: str,
        timezone: str,
        frequency: str,
        weekday: int,
        created_by: str | None,
        now: datetime,
    ) -> DigestSchedule:
        with Session(self.engine, expire_on_commit=False) as session:
            row = session.exec(
                select(DigestSchedule).where(
                    DigestSchedule.team_id == team_id, DigestSchedule.channel == channel
                )
            ).first() or DigestSchedule(team_id=team_id, channel=channel, created_at=now)
            row.topics = topics
            row.local_time = local_time
            row.timezone = timezone
            row.frequency = frequency
            row.weekday = weekday
            row.created_by = created_by
            session.add(row)
            session.commit()
            return row

    def all(self, team_id: str | None = None) -> list[DigestSchedule]:
        """One team's schedules, or every team's (for the scheduler)."""
        with Session(self.engine) as session:
            stmt = select(DigestSchedule)
            if team_id is not None:
                stmt = stmt.where(DigestSchedule.team_id == team_id)
            return list(session.exec(stmt.order_by(col(DigestSchedule.channel))))

    def get(self, team_id: str, channel: str) -> DigestSchedule | None:
        with Session(self.engine) as session:
            stmt = select(DigestSchedule).where(
                DigestSchedule.team_id == team_id, DigestSchedule.channel == channel
            )
            return session.exec(stmt).first()

    def remove(self, team_id: str, channel: str) -> bool:
        with Session(self.engine) as session:
            row = session.exec(
                select(DigestSchedule).where(
                    DigestSchedule.team_id == team_id, DigestSchedule.channel == channel
                )
            ).first()
            if row is None:
                return False
            session.delete(row)
            session.commit()
            return True
