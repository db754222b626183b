"""Topics repository: saved queries per workspace."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Engine, delete, insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.models import (
    DetectorState,
    Topic,
    TopicAuthorDay,
    TopicHour,
    TopicMatch,
    TopicTopPost,
)

TOPIC_KINDS = ("topic", "campaign")


class DuplicateNameError(ValueError):
    """A name already used in this workspace."""


class NewTopic(NamedTuple):
    """A topic to add in bulk (already checked by the caller)."""

    name: str
    query: str
    kind: str = "topic"
    channel: str | None = None


class Topics:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def add(
        self,
        team_id: str,
        name: str,
        query: str,
        *,
        now: datetime,
        kind: str = "topic",
        channel: str | None = None,
        created_by: str | None = None,
    ) -> Topic:
        if kind not in TOPIC_KINDS:
            raise ValueError(f"Unknown kind {kind!r}: use one of {', '.join(TOPIC_KINDS)}.")
        topic = Topic(
            team_id=team_id,
            name=name,
            query=query,
            kind=kind,
            channel=channel,
            created_by=created_by,
            created_at=now,
        )
        with Session(self.engine, expire_on_commit=False) as session:
            session.add(topic)
            try:
                session.commit()
            except IntegrityError as exc:
                raise DuplicateNameError(
                    f"A topic or campaign named {name!r} already exists; "
                    "remove it first or choose another name."
                ) from exc
        return topic

    def add_many(
        self,
        team_id: str,
        topics: list[NewTopic],
        *,
        now: datetime,
        created_by: str | None = None,
    ) -> list[tuple[int, str, str]]:
        """Add all the topics in one transaction, or none; returns (id, name, query) each."""
        for topic in topics:
            if topic.kind not in TOPIC_KINDS:
                raise ValueError(
                    f"Unknown kind {topic.kind!r}: use one of {', '.join(TOPIC_KINDS)}."
                )
        rows = [
            {
                "team_id": team_id,
                "name": topic.name,
                "query": topic.query,
                "kind": topic.kind,
                "channel": topic.channel,
                "created_by": created_by,
                "created_at": now,
            }
            for topic in topics
        ]
        try:
            with self.engine.begin() as conn:
                # One multi-row statement: 1,000 topics in one round trip, not 1,000.
                if rows:
                    conn.execute(insert(Topic), rows)
                # The team's topics, not an IN list of names: that would bind one value per
                # topic, past SQLite's limit for a large file.
                found = conn.execute(
                    select(Topic.id, Topic.name, Topic.query).where(Topic.team_id == team_id)
                )
                by_name = {name: (topic_id, name, query) for topic_id, name, query in found}
        except IntegrityError as exc:
            raise DuplicateNameError(
                "a topic name in the file is already used in this workspace"
            ) from exc
        return [by_name[topic.name] for topic in topics]

    def all(self, team_id: str, kind: str | None = None) -> list[Topic]:
        with Session(self.engine) as session:
            stmt = select(Topic).where(Topic.team_id == team_id)
            if kind:
                stmt = stmt.where(Topic.kind == kind)
            return list(session.exec(stmt.order_by(col(Topic.name))))

    def every_team(self) -> list[Topic]:
        """Topics of all workspaces, for scheduled jobs (which then act per team)."""
        with Session(self.engine) as session:
            return list(session.exec(select(Topic).order_by(col(Topic.team_id), col(Topic.id))))

    def get(self, team_id: str, name: str) -> Topic | None:
        with Session(self.engine) as session:
            stmt = select(Topic).where(Topic.team_id == team_id, Topic.name == name)
            return session.exec(stmt).first()

    def get_by_id(self, team_id: str, topic_id: int) -> Topic | None:
        with Session(self.engine) as session:
            stmt = select(Topic).where(Topic.team_id == team_id, Topic.id == topic_id)
            return session.exec(stmt).first()

    def update(self, team_id: str, name: str, **changes: object) -> Topic | None:
        with Session(self.engine, expire_on_commit=False) as session:
            stmt = select(Topic).where(Topic.team_id == team_id, Topic.name == name)
            topic = session.exec(stmt).first()
            if topic is None:
                return None
            for key, value in changes.items():
                setattr(topic, key, value)
            session.add(topic)
            session.commit()
            return topic

    def remove(self, team_id: str, name: str) -> bool:
        """Remove a topic with its matches and rollups; alerts stay as records."""
        with Session(self.engine) as session:
            topic = session.exec(
                select(Topic).where(Topic.team_id == team_id, Topic.name == name)
            ).first()
            if topic is None:
                return False
            for table in (TopicMatch, TopicHour, TopicAuthorDay, TopicTopPost, DetectorState):
                session.execute(delete(table).where(col(table.topic_id) == topic.id))
            session.delete(topic)
            session.commit()
        return True


__all__ = ["TOPIC_KINDS", "DuplicateNameError", "NewTopic", "Topics"]
