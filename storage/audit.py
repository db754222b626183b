"""The audit log: who changed configuration, exported data or acted on an alert."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session, col, select

from storage.models import AuditEntry


def record(
    engine: Engine,
    team_id: str,
    *,
    actor: str | None,
    action: str,
    target: str = "",
    now: datetime,
    **detail: Any,
) -> None:
    with Session(engine) as session:
        session.add(
            AuditEntry(
                team_id=team_id,
                at=now,
                actor=actor or "unknown",
                action=action,
                target=target[:200],
                detail=detail,
            )
        )
        session.commit()


def entries(engine: Engine, team_id: str, limit: int = 100) -> list[AuditEntry]:
    with Session(engine) as session:
        stmt = (
            select(AuditEntry)
            .where(AuditEntry.team_id == team_id)
            .order_by(col(AuditEntry.at).desc(), col(AuditEntry.id).desc())
            .limit(limit)
        )
        return list(session.exec(stmt))
