"""/earshot digest [now|schedule|show|off]: a channel's digest and when it arrives."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from commands import digest
from commands.context import Ctx, Reply, UsageError
from storage import audit
from storage.models import DigestSchedule
from storage.schedules import Schedules
from storage.topics import Topics

USAGE = (
    "Usage: `/earshot digest now`, `/earshot digest show`, `/earshot digest off`, or "
    "`/earshot digest schedule 09:00 [America/Edmonton] [daily|weekly mon] [topics flood,water]` "
    "(in the channel that should receive it)."
)
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def describe(s: DigestSchedule) -> str:
    when = f"every {WEEKDAYS[s.weekday].capitalize()}" if s.frequency == "weekly" else "daily"
    topics = ", ".join(s.topics) if s.topics else "all topics"
    return f"<#{s.channel}>: {when} at {s.local_time} {s.timezone}, {topics}"


@dataclass
class ScheduleSpec:
    local_time: str
    timezone: str
    frequency: str = "daily"
    weekday: int = 0
    topics: list[str] = field(default_factory=list)


def parse_schedule(words: list[str], default_tz: str) -> ScheduleSpec:
    match = TIME.match(words[0]) if words else None
    if match is None:
        raise UsageError(f"Start with a local time like 09:00. {USAGE}")
    spec = ScheduleSpec(f"{int(match.group(1)):02d}:{match.group(2)}", default_tz)
    rest = iter(words[1:])
    for word in rest:
        lower = word.lower()
        if lower in ("daily", "weekly"):
            spec.frequency = lower
            if lower == "weekly":
                day = next(rest, "mon").lower()[:3]
                if day not in WEEKDAYS:
                    raise UsageError(f"Weekly needs a day like mon or fri, not {day!r}.")
                spec.weekday = WEEKDAYS.index(day)
        elif lower == "topics":
            spec.topics = [n.strip() for n in next(rest, "").split(",") if n.strip()]
        elif "/" in word or word.upper() == "UTC":
            try:
                ZoneInfo(word)
            except (ZoneInfoNotFoundError, ValueError) as exc:
                raise UsageError(
                    f"Unknown timezone {word!r}: use an IANA name like America/Edmonton."
                ) from exc
            spec.timezone = word
        else:
            raise UsageError(f"I don't understand {word!r}. {USAGE}")
    return spec


def schedule(ctx: Ctx, words: list[str]) -> Reply:
    ctx.require_admin("change digest schedules")
    if not ctx.channel_id:
        raise UsageError("Run this in the channel that should receive the digest.")
    spec = parse_schedule(words, ctx.timezone)
    known = {t.name.lower() for t in Topics(ctx.engine).all(ctx.team_id)}
    unknown = [n for n in spec.topics if n.lower() not in known]
    if unknown:
        raise UsageError(
            f"Unknown topic(s): {', '.join(unknown)}. `/earshot topics list` shows them."
        )
    row = Schedules(ctx.engine).upsert(
        ctx.team_id,
        ctx.channel_id,
        created_by=ctx.user_id,
        now=ctx.now,
        **dataclasses.asdict(spec),
    )
    audit.record(
        ctx.engine,
        ctx.team_id,
        actor=ctx.user_id,
        action="digest.schedule",
        target=ctx.channel_id,
        now=ctx.now,
        schedule=describe(row),
    )
    return Reply(text=f"Digest scheduled for {describe(row)}.", data={"schedule": describe(row)})


def show(ctx: Ctx) -> Reply:
    rows = Schedules(ctx.engine).all(ctx.team_id)
    if not rows:
        return Reply(text=f"No digests scheduled. {USAGE}", ephemeral=True)
    return Reply(text="Digests:\n" + "\n".join(f"• {describe(r)}" for r in rows), ephemeral=True)


def off(ctx: Ctx) -> Reply:
    ctx.require_admin("change digest schedules")
    if not ctx.channel_id or not Schedules(ctx.engine).remove(ctx.team_id, ctx.channel_id):
        raise UsageError("This channel has no digest scheduled.")
    audit.record(
        ctx.engine,
        ctx.team_id,
        actor=ctx.user_id,
        action="digest.off",
        target=ctx.channel_id,
        now=ctx.now,
    )
    return Reply(text="Digest for this channel turned off.")


def now(ctx: Ctx) -> Reply:
    """Today's digest for this channel, right away (its schedule's topics and time)."""
    row = Schedules(ctx.engine).get(ctx.team_id, ctx.channel_id) if ctx.channel_id else None
    tz = row.timezone if row else ctx.timezone
    local_time = ctx.now.astimezone(ZoneInfo(tz)).strftime("%H:%M")
    built = digest.build(
        ctx,
        local_date=ctx.now.astimezone(ZoneInfo(tz)).date(),
        local_time=local_time,
        tz=tz,
        frequency=row.frequency if row else "daily",
        topic_names=(row.topics or None) if row else None,
    )
    return digest.render(built)


def run(args: str, ctx: Ctx) -> Reply:
    words = args.split()
    verb = words[0].lower() if words else "show"
    if verb == "now":
        return now(ctx)
    if verb == "schedule":
        return schedule(ctx, words[1:])
    if verb == "show":
        return show(ctx)
    if verb == "off":
        return off(ctx)
    raise UsageError(USAGE)


def render_for_date(
    ctx: Ctx, channel: str | None, local_date: date | None, tz: str | None
) -> Reply:
    """`earshot digest`: the digest a channel gets (or would get) on a date."""
    row = Schedules(ctx.engine).get(ctx.team_id, channel) if channel else None
    zone = tz or (row.timezone if row else ctx.timezone)
    day = local_date or ctx.now.astimezone(ZoneInfo(zone)).date()
    built = digest.build(
        ctx,
        local_date=day,
        local_time=row.local_time if row else "09:00",
        tz=zone,
        frequency=row.frequency if row else "daily",
        topic_names=(row.topics or None) if row else None,
    )
    return digest.render(built)
