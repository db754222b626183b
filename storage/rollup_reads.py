"""Read-side rollups: a topic's hourly totals and its authors' reach, never posts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, Engine, func
from sqlmodel import Session, col, select

from storage.models import TopicAuthorDay, TopicHour


@dataclass(frozen=True, slots=True)
class HourTotals:
    hour: datetime
    posts: int
    reposts: int
    scored: int
    compound_sum: float
    positive: int
    neutral: int
    negative: int
    engagement: int


def hourly(
    engine: Engine, team_id: str, topic_id: int, start: datetime, end: datetime
) -> list[HourTotals]:
    """One row per hour with posts in [start, end): reads rollups, never posts."""
    stmt = (
        select(TopicHour)
        .where(
            TopicHour.team_id == team_id,
            TopicHour.topic_id == topic_id,
            col(TopicHour.hour) >= start,
            col(TopicHour.hour) < end,
        )
        .order_by(col(TopicHour.hour))
    )
    with Session(engine) as session:
        return [
            HourTotals(
                hour=row.hour,
                posts=row.posts,
                reposts=row.reposts,
                scored=row.scored,
                compound_sum=row.compound_sum,
                positive=row.positive,
                neutral=row.neutral,
                negative=row.negative,
                engagement=row.engagement_sum,
            )
            for row in session.exec(stmt)
        ]


def _author_days(
    team_id: str, topic_id: int, start: datetime, end: datetime
) -> tuple[ColumnElement[bool], ...]:
    """The filter of one topic's author-day rows over whole UTC days in range."""
    return (
        col(TopicAuthorDay.team_id) == team_id,
        col(TopicAuthorDay.topic_id) == topic_id,
        col(TopicAuthorDay.day) >= start,
        col(TopicAuthorDay.day) < end,
    )


def audience(
    engine: Engine, team_id: str, topic_id: int, start: datetime, end: datetime
) -> tuple[int, int]:
    """(unique authors, sum of their largest follower count) over whole UTC days in range."""
    per_author = (
        select(TopicAuthorDay.author, func.max(TopicAuthorDay.followers).label("followers"))
        .where(*_author_days(team_id, topic_id, start, end))
        .group_by(col(TopicAuthorDay.author))
        .subquery()
    )
    stmt = select(func.count(), func.coalesce(func.sum(per_author.c.followers), 0))
    with Session(engine) as session:
        authors, followers = session.exec(stmt).one()
    return int(authors), int(followers)


def audience_growth(
    engine: Engine, team_id: str, topic_id: int, start: datetime, end: datetime
) -> list[tuple[datetime, int, int]]:
    """(UTC day, authors first seen that day, their followers) over whole UTC days in range,
    each author counted once, on the first day they posted, with their largest follower
    count in range: the running sums end at exactly what `audience` returns."""
    per_author = (
        select(
            func.min(TopicAuthorDay.day).label("first_day"),
            func.max(TopicAuthorDay.followers).label("followers"),
        )
        .where(*_author_days(team_id, topic_id, start, end))
        .group_by(col(TopicAuthorDay.author))
        .subquery()
    )
    stmt = (
        select(per_author.c.first_day, func.count(), func.sum(per_author.c.followers))
        .group_by(per_author.c.first_day)
        .order_by(per_author.c.first_day)
    )
    with Session(engine) as session:
        rows = session.exec(stmt).all()
    return [(_utc(day), int(authors), int(followers or 0)) for day, authors, followers in rows]


def _utc(moment: datetime | str) -> datetime:
    """SQLite hands an aggregate over a datetime column back as text."""
    parsed = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
