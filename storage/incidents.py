"""Incidents and their timelines, team-scoped."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.models import Incident, IncidentEvent
from storage.topics import DuplicateNameError


class Incidents:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(self, incident: Incident) -> Incident:
        with Session(self.engine, expire_on_commit=False) as session:
            session.add(incident)
            try:
                session.commit()
            except IntegrityError as exc:
                raise DuplicateNameError(
                    f"An incident named {incident.name!r} already exists; choose another name."
                ) from exc
            return incident

    def get(self, team_id: str, name: str) -> Incident | None:
        with Session(self.engine) as session:
            stmt = select(Incident).where(Incident.team_id == team_id, Incident.name == name)
            return session.exec(stmt).first()

    def of_team(self, team_id: str, *, active_only: bool = False) -> list[Incident]:
        with Session(self.engine) as session:
            stmt = select(Incident).where(Incident.team_id == team_id)
            if active_only:
                stmt = stmt.where(Incident.status == "active")
            return list(session.exec(stmt.order_by(col(Incident.started_at).desc())))

    def with_status(self, *statuses: str) -> list[Incident]:
        """Incidents of every workspace in these states, for the scheduler."""
        with Session(self.engine) as session:
            stmt = select(Incident).where(col(Incident.status).in_(statuses))
            return list(session.exec(stmt.order_by(col(Incident.id))))

    def update(self, incident_id: int, **changes: Any) -> Incident:
        with Session(self.engine, expire_on_commit=False) as session:
            row = session.get_one(Incident, incident_id)
            for key, value in changes.items():
                setattr(row, key, value)
            session.add(row)
            session.commit()
            return row

    def log(
        self, incident: Incident, kind: str, text: str, *, at: datetime, actor: str | None = None
    ) -> None:
        assert incident.id is not None
        with Session(self.engine) as session:
            session.add(
                IncidentEvent(
                    team_id=incident.team_id,
                    incident_id=incident.id,
                    at=at,
                    kind=kind,
                    actor=actor,
                    text=text[:4000],
                )
            )
            session.commit()

    def timeline(self, incident: Incident) -> list[IncidentEvent]:
        with Session(self.engine) as session:
            stmt = (
                select(IncidentEvent)
                .where(
                    IncidentEvent.team_id == incident.team_id,
                    IncidentEvent.incident_id == incident.id,
                )
                .order_by(col(IncidentEvent.at), col(IncidentEvent.id))
            )
            return list(session.exec(stmt))

    def has_event(self, incident: Incident, kind: str, text_prefix: str) -> bool:
        with Session(self.engine) as session:
            stmt = select(IncidentEvent.id).where(
                IncidentEvent.incident_id == incident.id,
                IncidentEvent.kind == kind,
                col(IncidentEvent.text).startswith(text_prefix),
            )
            return session.exec(stmt).first() is not None
