"""Alerts and detector state: what fired, its lifecycle, and what the detectors learned."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.models import Alert, DetectorState


class Alerts:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def open(self, alert: Alert) -> Alert | None:
        """Store a new alert; None if this (topic, metric, window) already has one."""
        with Session(self.engine, expire_on_commit=False) as session:
            session.add(alert)
            try:
                session.commit()
            except IntegrityError:
                return None
            return alert

    def get(self, team_id: str, alert_id: int) -> Alert | None:
        with Session(self.engine) as session:
            stmt = select(Alert).where(Alert.team_id == team_id, Alert.id == alert_id)
            return session.exec(stmt).first()

    def latest_open(self, team_id: str, topic_id: int, metric: str) -> Alert | None:
        with Session(self.engine) as session:
            stmt = (
                select(Alert)
                .where(
                    Alert.team_id == team_id,
                    Alert.topic_id == topic_id,
                    Alert.metric == metric,
                    col(Alert.status).in_(("open", "acknowledged")),
                )
                .order_by(col(Alert.window_start).desc())
            )
            return session.exec(stmt).first()

    def recent(self, team_id: str, limit: int = 5) -> list[Alert]:
        with Session(self.engine) as session:
            stmt = (
                select(Alert)
                .where(Alert.team_id == team_id)
                .order_by(col(Alert.created_at).desc())
                .limit(limit)
            )
            return list(session.exec(stmt))

    def needing_delivery(self) -> list[Alert]:
        """Open alerts never posted (Slack was down or refused): retried, never dropped."""
        with Session(self.engine) as session:
            stmt = select(Alert).where(
                col(Alert.status) == "open",
                col(Alert.message_ts).is_(None),
                col(Alert.channel).is_not(None),
            )
            return list(session.exec(stmt))

    def unacknowledged_since(self, before: datetime) -> list[Alert]:
        with Session(self.engine) as session:
            stmt = select(Alert).where(
                col(Alert.status) == "open",
                col(Alert.escalated_at).is_(None),
                col(Alert.message_ts).is_not(None),
                col(Alert.created_at) <= before,
            )
            return list(session.exec(stmt))

    def update(self, team_id: str, alert_id: int, **changes: Any) -> Alert | None:
        with Session(self.engine, expire_on_commit=False) as session:
            alert = session.exec(
                select(Alert).where(Alert.team_id == team_id, Alert.id == alert_id)
            ).first()
            if alert is None:
                return None
            for key, value in changes.items():
                setattr(alert, key, value)
            session.add(alert)
            session.commit()
            return alert


class DetectorStates:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get(self, topic_id: int, metric: str) -> DetectorState | None:
        with Session(self.engine) as session:
            return session.get(DetectorState, (topic_id, metric))

    def save(
        self, team_id: str, topic_id: int, metric: str, state: dict[str, Any], last_bucket: datetime
    ) -> None:
        with Session(self.engine) as session:
            row = session.get(DetectorState, (topic_id, metric)) or DetectorState(
                topic_id=topic_id, metric=metric, team_id=team_id
            )
            row.state = state
            row.last_bucket = last_bucket
            session.add(row)
            session.commit()
