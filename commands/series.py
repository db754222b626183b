"""Sentiment figures from hourly totals: what /sentiment, /reach and digests all report."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from commands.period import Period
from storage.reads import PostView
from storage.rollup_reads import HourTotals

NEUTRAL_BAND = 0.05  # VADER's convention


@dataclass(frozen=True, slots=True)
class Figures:
    posts: int
    reposts: int
    scored: int
    compound_sum: float
    positive: int
    neutral: int
    negative: int
    engagement: int

    @property
    def unscored(self) -> int:
        return self.posts - self.scored

    @property
    def mean_compound(self) -> float | None:
        return self.compound_sum / self.scored if self.scored else None

    @property
    def negative_share(self) -> float | None:
        return self.negative / self.scored if self.scored else None


@dataclass(frozen=True, slots=True)
class Bucket:
    start: datetime
    posts: int
    mean_compound: float | None
    scored: int = 0


def total(rows: Iterable[HourTotals]) -> Figures:
    rows = list(rows)
    return Figures(
        posts=sum(r.posts for r in rows),
        reposts=sum(r.reposts for r in rows),
        scored=sum(r.scored for r in rows),
        compound_sum=sum(r.compound_sum for r in rows),
        positive=sum(r.positive for r in rows),
        neutral=sum(r.neutral for r in rows),
        negative=sum(r.negative for r in rows),
        engagement=sum(r.engagement for r in rows),
    )


def buckets(rows: Sequence[HourTotals], period: Period, tz: str = "UTC") -> list[Bucket]:
    """Every bucket of the period (empty ones included, so gaps show as gaps)."""
    zone = ZoneInfo(tz)
    step = timedelta(hours=1) if period.hourly else timedelta(days=1)
    nudge = timedelta(0) if period.hourly else timedelta(hours=2)

    def key(moment: datetime) -> datetime:
        local = moment.astimezone(zone)
        if period.hourly:
            return local.replace(minute=0, second=0, microsecond=0)
        return local.replace(hour=0, minute=0, second=0, microsecond=0)

    sums: dict[datetime, list[float]] = {}
    for row in rows:
        acc = sums.setdefault(key(row.hour), [0, 0, 0.0])
        acc[0] += row.posts
        acc[1] += row.scored
        acc[2] += row.compound_sum
    out: list[Bucket] = []
    cursor = key(period.start)
    while cursor < period.end:
        posts, scored, compound = sums.get(cursor, [0, 0, 0.0])
        mean = compound / scored if scored else None
        out.append(Bucket(cursor, int(posts), mean, int(scored)))
        # A day is 23 or 25 hours across DST: overshoot, then floor to local midnight.
        cursor = key(cursor.astimezone(UTC) + step + nudge)
    return out


def hourly_from_posts(posts: Iterable[PostView]) -> list[HourTotals]:
    """The same totals computed from posts, for ad-hoc queries that have no rollups."""
    acc: dict[datetime, list[float]] = {}
    for post in posts:
        hour = post.created_at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
        row = acc.setdefault(hour, [0, 0, 0, 0.0, 0, 0, 0, 0])
        row[0] += 1
        row[1] += int(post.is_repost)
        row[7] += post.engagement
        if post.compound is not None:
            row[2] += 1
            row[3] += post.compound
            index = (
                4 if post.compound >= NEUTRAL_BAND else 6 if post.compound <= -NEUTRAL_BAND else 5
            )
            row[index] += 1
    return [
        HourTotals(
            hour, int(r[0]), int(r[1]), int(r[2]), r[3], int(r[4]), int(r[5]), int(r[6]), int(r[7])
        )
        for hour, r in sorted(acc.items())
    ]


def percent_change(current: float, previous: float) -> float | None:
    return None if previous == 0 else (current - previous) / previous * 100.0
