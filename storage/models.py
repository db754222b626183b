"""Tables. Every table holding workspace data carries `team_id`; times are UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    Index,
    Integer,
    UniqueConstraint,
    false,
)
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, on SQLite (which drops the zone) as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column; pass an aware datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_column(*, nullable: bool = True, index: bool = False, primary_key: bool = False) -> Any:
    """A timestamp column that always holds aware UTC datetimes."""
    return Column(UTCDateTime(), nullable=nullable, index=index, primary_key=primary_key)


class Topic(SQLModel, table=True):
    """A saved query: a topic to follow or a campaign to measure."""

    __tablename__ = "topics"
    __table_args__ = (UniqueConstraint("team_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    name: str = Field(max_length=80)
    query: str = Field(max_length=2000)
    kind: str = Field(default="topic", max_length=16)  # topic | campaign
    channel: str | None = Field(default=None, max_length=32)
    sensitivity: str = Field(default="normal", max_length=8)  # low | normal | high
    muted_until: datetime | None = Field(default=None, sa_column=utc_column())
    created_by: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(sa_column=utc_column(nullable=False))


class SourceRow(SQLModel, table=True):
    """A configured connector with its cursor and health."""

    __tablename__ = "sources"
    __table_args__ = (UniqueConstraint("team_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(index=True, max_length=32)
    name: str = Field(max_length=80)
    kind: str = Field(max_length=16)
    settings: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    interval_seconds: int = 300
    enabled: bool = True
    cursor: str | None = None
    status: str = Field(default="new", max_length=16)
    last_success_at: datetime | None = Field(default=None, sa_column=utc_column())
    last_attempt_at: datetime | None = Field(default=None, sa_column=utc_column())
    last_error: str | None = Field(default=None, max_length=500)
    # What health should say although the last scan worked (dates guessed, feed moved).
    health_note: str | None = Field(default=None, max_length=500)
    failing_since: datetime | None = Field(default=None, sa_column=utc_column())
    consecutive_failures: int = 0
    next_run_at: datetime | None = Field(default=None, sa_column=utc_column(index=True))
    lease_owner: str | None = Field(default=None, max_length=64)
    lease_expires_at: datetime | None = Field(default=None, sa_column=utc_column())
    posts_total: int = 0
    created_at: datetime = Field(sa_column=utc_column(nullable=False))


class Post(SQLModel, table=True):
    """One stored public post, scored once at ingest."""

    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("source_id", "external_id"),
        Index("ix_posts_team_created", "team_id", "created_at"),
    )

    # BIGINT on PostgreSQL; SQLite only autoincrements a column declared INTEGER.
    id: int | None = Field(
        default=None,
        sa_column=Column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True),
    )
    team_id: str = Field(max_length=32)
    source_id: int = Field(foreign_key="sources.id", index=True)
    external_id: str = Field(max_length=200)
    author: str | None = Field(default=None, max_length=200)
    author_followers: int | None = None
    text: str
    lang: str | None = Field(default=None, max_length=16)
    url: str | None = Field(default=None, max_length=2000)
    # Links in the post (for the query language's `site:`), kept when topics are backfilled.
    links: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    ingested_at: datetime = Field(sa_column=utc_column(nullable=False))
    likes: int = 0
    reposts: int = 0
    replies: int = 0
    is_repost: bool = False
    compound: float | None = None
    pos: float | None = None
    neu: float | None = None
    neg: float | None = None
    # The source gave no readable time: `created_at` is when Earshot first saw the post.
    time_estimated: bool = Field(
        default=False, sa_column=Column(Boolean, nullable=False, server_default=false())
    )


class TopicMatch(SQLModel, table=True):
    """A post matched by a topic; `created_at` is copied so time-range reads need no join."""

    __tablename__ = "topic_matches"
    __table_args__ = (Index("ix_topic_matches_topic_created", "topic_id", "created_at"),)

    topic_id: int = Field(foreign_key="topics.id", primary_key=True)
    post_id: int = Field(
        sa_column=Column(
            BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, index=True
        )
    )
    team_id: str = Field(max_length=32)
    created_at: datetime = Field(sa_column=utc_column(nullable=False))


class TopicHour(SQLModel, table=True):
    """Hourly rollup per topic, maintained at ingest so reads never scan posts.

    Sentiment counts follow VADER's convention: compound >= 0.05 positive, <= -0.05
    negative, else neutral; `scored` counts the posts behind `compound_sum`.
    """

    __tablename__ = "topic_hours"

    topic_id: int = Field(foreign_key="topics.id", primary_key=True)
    hour: datetime = Field(sa_column=utc_column(nullable=False, primary_key=True))
    team_id: str = Field(max_length=32, index=True)
    posts: int = 0
    reposts: int = 0
    new_authors: int = 0  # authors not seen earlier that UTC day: hours add up to days
    scored: int = 0
    compound_sum: float = 0.0
    positive: int = 0
    neutral: int = 0
    negative: int = 0
    # Followers of those new authors (an upper bound on audience, counted once a day).
    follower_sum: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    engagement_sum: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))


class TopicAuthorDay(SQLModel, table=True):
    """Authors seen per topic per UTC day, so reach counts each author once per period."""

    __tablename__ = "topic_author_days"

    topic_id: int = Field(foreign_key="topics.id", primary_key=True)
    day: datetime = Field(sa_column=utc_column(nullable=False, primary_key=True))
    author: str = Field(primary_key=True, max_length=200)
    team_id: str = Field(max_length=32)
    followers: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    posts: int = 0


class Workspace(SQLModel, table=True):
    """Per-workspace settings (Slack has no workspace timezone, so we keep our own)."""

    __tablename__ = "workspaces"

    team_id: str = Field(primary_key=True, max_length=32)
    name: str | None = Field(default=None, max_length=200)
    timezone: str = Field(default="UTC", max_length=64)
    admin_group: str | None = Field(default=None, max_length=32)  # Slack user group id
    alert_channel: str | None = Field(default=None, max_length=32)  # for topics without one
    escalation_group: str | None = Field(default=None, max_length=32)
    escalate_after_minutes: int = 30
    retention_days: int | None = None
    renotify_after_minutes: int = 60  # routed posts nobody claimed are raised again
    routed_through_post_id: int = Field(  # help routing has looked at posts up to this id
        default=0, sa_column=Column(BigInteger, nullable=False, default=0)
    )
    pseudonymize_authors: bool = False
    created_at: datetime = Field(sa_column=utc_column(nullable=False))


class DetectorState(SQLModel, table=True):
    """The spike detector's serialized state per topic and metric, between runs."""

    __tablename__ = "detector_states"

    topic_id: int = Field(foreign_key="topics.id", primary_key=True)
    metric: str = Field(primary_key=True, max_length=16)  # volume | negative
    team_id: str = Field(max_length=32, index=True)
    last_bucket: datetime | None = Field(default=None, sa_column=utc_column())
    state: dict[str, object] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Alert(SQLModel, table=True):
    """A spike alert with its lifecycle and who acted on it."""

    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("team_id", "topic_id", "metric", "window_start"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32, index=True)
    # No foreign key: alerts are records and outlive a removed topic.
    topic_id: int = Field(index=True)
    topic_name: str = Field(max_length=80)
    metric: str = Field(max_length=16)
    severity: str = Field(max_length=16)
    status: str = Field(default="open", max_length=16)  # open | acknowledged | closed
    window_start: datetime = Field(sa_column=utc_column(nullable=False))
    last_bucket: datetime = Field(sa_column=utc_column(nullable=False))
    value: float = 0.0
    baseline: float = 0.0
    peak_value: float = 0.0
    reason: str = Field(default="", max_length=500)
    channel: str | None = Field(default=None, max_length=32)
    message_ts: str | None = Field(default=None, max_length=32)
    acked_by: str | None = Field(default=None, max_length=32)
    acked_at: datetime | None = Field(default=None, sa_column=utc_column())
    escalated_at: datetime | None = Field(default=None, sa_column=utc_column())
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    updated_at: datetime = Field(sa_column=utc_column(nullable=False))


class DigestSchedule(SQLModel, table=True):
    """A channel's digest: which topics, at what local time, how often."""

    __tablename__ = "digest_schedules"
    __table_args__ = (UniqueConstraint("team_id", "channel"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32, index=True)
    channel: str = Field(max_length=32)
    topics: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    local_time: str = Field(default="09:00", max_length=5)
    timezone: str = Field(default="UTC", max_length=64)
    frequency: str = Field(default="daily", max_length=8)  # daily | weekly
    weekday: int = 0  # Monday = 0, used when weekly
    created_by: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(sa_column=utc_column(nullable=False))


class Delivery(SQLModel, table=True):
    """A claim on one message to send, so restarts and twin schedulers never send twice."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("team_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32)
    key: str = Field(max_length=200)  # e.g. digest:C123:2026-11-22
    kind: str = Field(max_length=16)
    channel: str | None = Field(default=None, max_length=32)
    status: str = Field(default="claimed", max_length=16)  # claimed | sent | failed
    attempts: int = 0
    late: bool = False
    message_ts: str | None = Field(default=None, max_length=32)
    last_error: str | None = Field(default=None, max_length=500)
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_until: datetime | None = Field(default=None, sa_column=utc_column())
    next_attempt_at: datetime | None = Field(default=None, sa_column=utc_column())
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    sent_at: datetime | None = Field(default=None, sa_column=utc_column())


class Lease(SQLModel, table=True):
    """A named lease with heartbeat: exactly one scheduler holds "scheduler" at a time."""

    __tablename__ = "leases"

    name: str = Field(primary_key=True, max_length=64)
    owner: str = Field(max_length=64)
    expires_at: datetime = Field(sa_column=utc_column(nullable=False))
    heartbeat_at: datetime = Field(sa_column=utc_column(nullable=False))


class AuditEntry(SQLModel, table=True):
    """Who changed configuration, exported data or acted on an alert, and when."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32, index=True)
    at: datetime = Field(sa_column=utc_column(nullable=False))
    actor: str = Field(max_length=64)
    action: str = Field(max_length=64)
    target: str = Field(default="", max_length=200)
    detail: dict[str, object] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Incident(SQLModel, table=True):
    """Incident mode: a named emergency with its own topic, faster scans and a live summary."""

    __tablename__ = "incidents"
    __table_args__ = (UniqueConstraint("team_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32, index=True)
    name: str = Field(max_length=80)
    query: str = Field(max_length=2000)
    channel: str | None = Field(default=None, max_length=32)
    topic_id: int | None = None  # the incident's own topic
    crisis_topic_id: int | None = None  # the related crisis-term pack
    status: str = Field(default="active", max_length=16)  # active | closed
    started_by: str | None = Field(default=None, max_length=32)
    started_at: datetime = Field(sa_column=utc_column(nullable=False))
    ended_at: datetime | None = Field(default=None, sa_column=utc_column())
    ended_reason: str | None = Field(default=None, max_length=200)
    peak_hourly: int = 0
    summary_ts: str | None = Field(default=None, max_length=32)
    summary_updated_at: datetime | None = Field(default=None, sa_column=utc_column())
    # What incident mode changed, to restore when it ends: {source_id: interval_seconds}.
    saved_intervals: dict[str, int] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )


class IncidentEvent(SQLModel, table=True):
    """The incident's timeline: alerts, acknowledgements, summaries, start and end."""

    __tablename__ = "incident_events"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32, index=True)
    incident_id: int = Field(foreign_key="incidents.id", index=True)
    at: datetime = Field(sa_column=utc_column(nullable=False))
    kind: str = Field(max_length=32)
    actor: str | None = Field(default=None, max_length=64)
    text: str = Field(default="", max_length=4000)


class Route(SQLModel, table=True):
    """Help routing: posts of a need category (or matching a query) go to an agency channel."""

    __tablename__ = "routes"
    __table_args__ = (UniqueConstraint("team_id", "agency", "channel", "match"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32, index=True)
    agency: str = Field(max_length=80)
    channel: str = Field(max_length=32)
    match: str = Field(max_length=2000)  # a need category name, or a query
    is_category: bool = True
    created_by: str | None = Field(default=None, max_length=32)
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
    # Removing a route stops routing but keeps it (and its routed posts) for the record.
    removed_at: datetime | None = Field(default=None, sa_column=utc_column())
    # Routed posts should be resolved within this; a reminder goes out before it lapses.
    sla_minutes: int = Field(
        default=180, sa_column=Column(Integer, nullable=False, server_default="180")
    )


class RoutedPost(SQLModel, table=True):
    """A post routed to an agency, with who claimed and resolved it and when."""

    __tablename__ = "routed_posts"
    __table_args__ = (UniqueConstraint("team_id", "post_id", "route_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32, index=True)
    post_id: int = Field(sa_column=Column(BigInteger().with_variant(Integer(), "sqlite")))
    route_id: int = Field(foreign_key="routes.id", index=True)
    channel: str = Field(max_length=32)
    categories: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    reason: str = Field(default="", max_length=1000)
    # new | claimed | resolved | not_actionable | summarized (shown in a backlog summary)
    status: str = Field(default="new", max_length=16)
    message_ts: str | None = Field(default=None, max_length=32)
    claimed_by: str | None = Field(default=None, max_length=32)
    claimed_at: datetime | None = Field(default=None, sa_column=utc_column())
    closed_by: str | None = Field(default=None, max_length=32)
    closed_at: datetime | None = Field(default=None, sa_column=utc_column())
    renotified_at: datetime | None = Field(default=None, sa_column=utc_column())
    created_at: datetime = Field(sa_column=utc_column(nullable=False))


class SeenRequest(SQLModel, table=True):
    """Signatures of Slack requests already handled, so a captured request cannot be
    replayed within Slack's five-minute timestamp window (shared by every replica)."""

    __tablename__ = "seen_requests"

    signature: str = Field(primary_key=True, max_length=80)
    seen_at: datetime = Field(sa_column=utc_column(nullable=False, index=True))


class TopicTopPost(SQLModel, table=True):
    """A few leading posts per topic, hour and kind (engagement, positive, negative), kept at
    ingest so "top posts" over 30 days reads a few hundred rows however many posts there are.

    Each stored batch adds at most TOP_PER_BATCH per key; the hourly job trims each key to
    its best TOP_KEEP.
    """

    __tablename__ = "topic_top_posts"

    topic_id: int = Field(foreign_key="topics.id", primary_key=True)
    hour: datetime = Field(sa_column=utc_column(nullable=False, primary_key=True))
    kind: str = Field(primary_key=True, max_length=12)  # engagement | positive | negative
    post_id: int = Field(
        sa_column=Column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    )
    team_id: str = Field(max_length=32)
    score: float


class QuestionCluster(SQLModel, table=True):
    """Posts asking the same thing (or voicing the same worry), grouped as they arrive.

    `centroid` sums the posts' hashed term vectors (feature index -> weight), so a new
    post is compared with the cluster without re-reading its posts. The agency's answer,
    once attached, is shown with the cluster and suggested on routed posts that ask it.
    """

    __tablename__ = "question_clusters"

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32, index=True)
    text: str = Field(max_length=300)  # the representative wording
    centroid: dict[str, float] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    size: int = 0
    first_seen: datetime = Field(sa_column=utc_column(nullable=False))
    last_seen: datetime = Field(sa_column=utc_column(nullable=False, index=True))
    answer_url: str | None = Field(default=None, max_length=2000)
    answer_summary: str | None = Field(default=None, max_length=300)
    answered_by: str | None = Field(default=None, max_length=64)
    answered_at: datetime | None = Field(default=None, sa_column=utc_column())
    alerted_at: datetime | None = Field(default=None, sa_column=utc_column())
    muted_until: datetime | None = Field(default=None, sa_column=utc_column())
    created_at: datetime = Field(sa_column=utc_column(nullable=False))


class QuestionPost(SQLModel, table=True):
    """A post that asks something, in its question cluster."""

    __tablename__ = "question_posts"
    __table_args__ = (
        Index("ix_question_posts_team_created", "team_id", "created_at"),
        Index("ix_question_posts_cluster_created", "cluster_id", "created_at"),
    )

    post_id: int = Field(
        sa_column=Column(BigInteger().with_variant(Integer(), "sqlite"), primary_key=True)
    )
    cluster_id: int = Field(foreign_key="question_clusters.id")
    team_id: str = Field(max_length=32)
    author: str | None = Field(default=None, max_length=200)
    is_repost: bool = False
    created_at: datetime = Field(sa_column=utc_column(nullable=False))


class QuestionCursor(SQLModel, table=True):
    """How far question clustering has read each workspace's posts (by post id)."""

    __tablename__ = "question_cursors"

    team_id: str = Field(primary_key=True, max_length=32)
    through_post_id: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))


class Place(SQLModel, table=True):
    """A place in the workspace's own gazetteer (neighbourhoods, streets, facilities).

    Each name and alias is one row (`key` is its folded form), all sharing the place's
    display `name` and coordinates.
    """

    __tablename__ = "places"
    __table_args__ = (UniqueConstraint("team_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: str = Field(max_length=32, index=True)
    key: str = Field(max_length=200)
    name: str = Field(max_length=200)
    lat: float
    lon: float
    kind: str | None = Field(default=None, max_length=40)
    created_at: datetime = Field(sa_column=utc_column(nullable=False))
