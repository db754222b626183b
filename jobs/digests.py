"""Scheduled digests: find the ones due, claim each once, build, post, record."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from commands import digest as digest_cmd
from commands.context import Ctx, Reply
from jobs.deliver import deliver_once
from jobs.poster import Poster
from storage.models import DigestSchedule
from storage.schedules import Schedules

LATE_AFTER = timedelta(minutes=15)
# A missed digest is still worth sending until the next one is nearly due.
MAX_AGE = {"daily": timedelta(hours=20), "weekly": timedelta(days=6)}

CtxFactory = Callable[[str, datetime], Ctx]


@dataclass(frozen=True, slots=True)
class DueDigest:
    schedule: DigestSchedule
    local_date: date
    scheduled_at: datetime

    def key(self) -> str:
        return f"digest:{self.schedule.channel}:{self.local_date.isoformat()}"


@dataclass(frozen=True, slots=True)
class DigestOutcome:
    team_id: str
    channel: str
    local_date: date
    sent: bool
    late: bool
    error: str | None = None


def scheduled_at(schedule: DigestSchedule, local_date: date) -> datetime:
    hour, minute = (int(part) for part in schedule.local_time.split(":"))
    return datetime.combine(local_date, time(hour, minute), ZoneInfo(schedule.timezone))


def latest_occurrence(schedule: DigestSchedule, now: datetime) -> DueDigest | None:
    """The most recent scheduled time at or before `now`, if it is not too old to send."""
    today = now.astimezone(ZoneInfo(schedule.timezone)).date()
    for back in range(8):
        day = today - timedelta(days=back)
        if schedule.frequency == "weekly" and day.weekday() != schedule.weekday:
            continue
        at = scheduled_at(schedule, day)
        if at <= now:
            if now - at > MAX_AGE.get(schedule.frequency, MAX_AGE["daily"]):
                return None
            return DueDigest(schedule, day, at)
    return None


def due_digests(engine: Engine, now: datetime) -> list[DueDigest]:
    found = (latest_occurrence(s, now) for s in Schedules(engine).all())
    return [d for d in found if d is not None]


def send_due_digests(
    engine: Engine, poster: Poster, make_ctx: CtxFactory, *, now: datetime, owner: str
) -> list[DigestOutcome]:
    """Send every due digest that nobody has sent or is sending; safe to run anywhere, often."""
    outcomes = []
    for due in due_digests(engine, now):
        s = due.schedule
        late = now - due.scheduled_at > LATE_AFTER

        def build(due: DueDigest = due, late: bool = late) -> Reply:
            s = due.schedule
            digest = digest_cmd.build(
                make_ctx(s.team_id, now),
                local_date=due.local_date,
                local_time=s.local_time,
                tz=s.timezone,
                frequency=s.frequency,
                topic_names=s.topics or None,
            )
            return digest_cmd.render(digest, late=late)

        result = deliver_once(
            engine,
            poster,
            team_id=s.team_id,
            channel=s.channel,
            key=due.key(),
            kind="digest",
            build=build,
            now=now,
            owner=owner,
            late=late,
        )
        if result.attempted:
            outcomes.append(
                DigestOutcome(s.team_id, s.channel, due.local_date, result.sent, late, result.error)
            )
    return outcomes
