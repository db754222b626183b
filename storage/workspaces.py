"""Workspace settings: timezone, admin group, escalation, retention, pseudonymization."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from storage.models import Workspace


class Workspaces:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get(self, team_id: str) -> Workspace | None:
        with Session(self.engine) as session:
            return session.get(Workspace, team_id)

    def ensure(self, team_id: str, now: datetime) -> Workspace:
        found = self.get(team_id)
        if found is not None:
            return found
        with Session(self.engine, expire_on_commit=False) as session:
            row = Workspace(team_id=team_id, created_at=now)
            session.add(row)
            try:
                session.commit()
            except IntegrityError:  # created concurrently: read the winner's row
                session.rollback()
                existing = session.get(Workspace, team_id)
                assert existing is not None
                return existing
            return row

    def update(self, team_id: str, now: datetime, **changes: object) -> Workspace:
        self.ensure(team_id, now)
        with Session(self.engine, expire_on_commit=False) as session:
            row = session.get_one(Workspace, team_id)
            for key, value in changes.items():
                setattr(row, key, value)
            session.add(row)
            session.commit()
            return row

    def all(self) -> list[Workspace]:
        with Session(self.engine) as session:
            return list(session.exec(select(Workspace)))
