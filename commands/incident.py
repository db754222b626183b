"""/earshot incident start|stop|status: incident mode, its live summary and its record."""

from __future__ import annotations

import csv
import io
import re
import shlex
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from commands import blocks as bk
from commands import topics as topic_cmd
from commands.context import Ctx, Reply, UsageError
from commands.coverage import coverage_line
from commands.crisis_terms import pack_query
from commands.fmt import signed
from commands.places import incident_map, places
from commands.query import parse
from commands.series import Figures, total
from commands.terms import emerging_terms
from storage import audit, reads
from storage.incidents import Incidents
from storage.models import Incident
from storage.sources import Sources
from storage.topics import Topics

FAST_SCAN_SECONDS = 60
USAGE = (
    'Usage: `/earshot incident start NAME "QUERY" [#channel]`, `/earshot incident stop NAME`, '
    "`/earshot incident status [NAME]`."
)


def start(ctx: Ctx, name: str, query: str, channel: str | None) -> Reply:
    ctx.require_admin("start incident mode")
    channel = _channel(channel) or ctx.channel_id
    if not channel:
        raise UsageError("Say which channel gets the live summary: add #channel at the end.")
    if any(i.name == name for i in Incidents(ctx.engine).of_team(ctx.team_id, active_only=True)):
        raise UsageError(f"Incident {name!r} is already active.")
    main = topic_cmd.add(ctx, name, query, channel=channel)
    Topics(ctx.engine).update(ctx.team_id, name, sensitivity="high")
    crisis_name = f"{name}-crisis"[:80]
    topic_cmd.add(ctx, crisis_name, pack_query(), channel=channel)
    topics = Topics(ctx.engine)
    incident = Incidents(ctx.engine).create(
        Incident(
            team_id=ctx.team_id,
            name=name,
            query=query,
            channel=channel,
            topic_id=_id(topics, ctx.team_id, name),
            crisis_topic_id=_id(topics, ctx.team_id, crisis_name),
            started_by=ctx.user_id,
            started_at=ctx.now,
            saved_intervals=_speed_up_scans(ctx),
        )
    )
    Incidents(ctx.engine).log(
        incident,
        "started",
        f"query {query}; matched {main.data['backfilled']} stored posts",
        at=ctx.now,
        actor=ctx.user_id,
    )
    audit.record(
        ctx.engine,
        ctx.team_id,
        actor=ctx.user_id,
        action="incident.start",
        target=name,
        now=ctx.now,
        query=query,
        channel=channel,
    )
    text = (
        f":rotating_light: Incident mode on for *{bk.escape_mrkdwn(name)}* "
        f"(`{bk.escape_mrkdwn(query)}`): sources scanned every minute, alerts more sensitive, "
        f"crisis terms followed as *{bk.escape_mrkdwn(crisis_name)}*. A live summary will be "
        f"kept pinned in <#{channel}>; incident mode ends by itself after two quiet hours."
    )
    return Reply(text=text, data={"incident": name, "channel": channel})


def stop(ctx: Ctx, name: str) -> Reply:
    ctx.require_admin("stop incident mode")
    incident = _active(ctx, name)
    assert incident.id is not None
    Incidents(ctx.engine).update(
        incident.id, status="closing", ended_reason=f"stopped by <@{ctx.user_id}>"
    )
    audit.record(
        ctx.engine, ctx.team_id, actor=ctx.user_id, action="incident.stop", target=name, now=ctx.now
    )
    return Reply(
        text=f"Incident *{bk.escape_mrkdwn(name)}* is ending: the final summary follows "
        f"in <#{incident.channel}>."
    )


def status(ctx: Ctx, name: str | None) -> Reply:
    incidents = Incidents(ctx.engine)
    if name:
        incident = incidents.get(ctx.team_id, name)
        if incident is None:
            raise UsageError(f"No incident named {name!r}.")
        reply = summary(ctx, incident)
        reply.ephemeral = True
        return reply
    active = incidents.of_team(ctx.team_id, active_only=True)
    if not active:
        return Reply(text="No active incident. " + USAGE, ephemeral=True)
    lines = [
        f"• *{bk.escape_mrkdwn(i.name)}* since {i.started_at:%d %b %H:%M} UTC in <#{i.channel}>"
        for i in active
    ]
    return Reply(text="Active incidents:\n" + "\n".join(lines), ephemeral=True)


def summary(ctx: Ctx, incident: Incident, *, final: bool = False) -> Reply:
    """The live (or final) summary: volume, sentiment, posts, terms, places, source health."""
    assert incident.topic_id is not None
    end = incident.ended_at if final and incident.ended_at else ctx.now
    title = f"{'Final summary' if final else 'Live summary'} · incident {incident.name}"
    texts = reads.topic_texts(
        ctx.engine, ctx.team_id, incident.topic_id, incident.started_at, end, limit=5000
    )
    fields = _volume_fields(ctx, incident, end, final) + _content_fields(ctx, incident, texts)
    query = f"Query `{bk.escape_mrkdwn(incident.query)}`"
    blocks: list[dict[str, Any]] = [bk.header(title), bk.section(query, fields=fields)]
    start = max(incident.started_at, end - timedelta(hours=2))
    recent = reads.topic_posts(ctx.engine, ctx.team_id, incident.topic_id, start, end, limit=3)
    if recent:
        quotes = "\n".join(
            f"• {bk.quote_post(p.text, p.url, limit=200)} _({p.engagement} interactions)_"
            for p in recent
        )
        blocks.append(bk.section(f"*Most engaging, last two hours*\n{quotes}"))
    blocks.append(bk.context(coverage_line(ctx.engine, ctx.team_id, ctx.now)))
    local = ctx.now.astimezone(ZoneInfo(ctx.timezone))
    blocks.append(bk.context(f"Updated {local:%H:%M} {ctx.timezone}"))
    since = _totals(ctx, incident, incident.started_at, end)
    text = f"{title}: {since.posts} posts since start, sentiment {signed(since.mean_compound)}"
    chart = incident_map(ctx, incident.name, (t for t, _ in texts))
    return Reply(text=text, blocks=blocks, chart=chart, data={"posts": since.posts})


def _totals(ctx: Ctx, incident: Incident, start: datetime, end: datetime) -> Figures:
    assert incident.topic_id is not None
    return total(reads.hourly(ctx.engine, ctx.team_id, incident.topic_id, start, end))


def _volume_fields(ctx: Ctx, incident: Incident, end: datetime, final: bool) -> list[str]:
    hour = timedelta(hours=1)
    since = _totals(ctx, incident, incident.started_at, end)
    last = _totals(ctx, incident, end - hour, end)
    before = _totals(ctx, incident, end - 2 * hour, end - hour)
    started = incident.started_at.astimezone(ZoneInfo(ctx.timezone))
    state = f"closed: {incident.ended_reason or ''}" if final else "active, scans every minute"
    return [
        f"*Since start* ({started:%d %b %H:%M})\n{since.posts:,} posts, "
        f"sentiment {signed(since.mean_compound)}, {since.negative:,} negative",
        f"*Last hour*\n{last.posts:,} posts (hour before: {before.posts:,})",
        f"*Peak hour*\n{incident.peak_hourly:,} posts",
        f"*Status*\n{state}",
    ]


def _content_fields(ctx: Ctx, incident: Incident, texts: list[tuple[str, str | None]]) -> list[str]:
    assert incident.topic_id is not None
    fields = []
    where = places(text for text, _ in texts)
    if where:
        named = ", ".join(f"{bk.escape_mrkdwn(p)} ({n})" for p, n in where)
        fields.append(f"*Places mentioned*\n{named}")
    week = timedelta(days=7)
    baseline = reads.topic_texts(
        ctx.engine,
        ctx.team_id,
        incident.topic_id,
        incident.started_at - week,
        incident.started_at,
        limit=5000,
    )
    terms = emerging_terms(texts, baseline, 7, parse(incident.query), limit=6)
    if terms:
        fields.append(
            "*Top new terms*\n" + ", ".join(f"`{bk.escape_mrkdwn(t.term)}`" for t in terms)
        )
    return fields


def export(ctx: Ctx, name: str, fmt: str = "md") -> str:
    """The incident's record: its timeline as CSV or Markdown."""
    incident = Incidents(ctx.engine).get(ctx.team_id, name)
    if incident is None:
        raise UsageError(f"No incident named {name!r}.")
    events = Incidents(ctx.engine).timeline(incident)
    audit.record(
        ctx.engine,
        ctx.team_id,
        actor=ctx.user_id,
        action="incident.export",
        target=name,
        now=ctx.now,
        format=fmt,
        events=len(events),
    )
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["at", "kind", "actor", "text"])
        for e in events:
            writer.writerow([e.at.isoformat(), e.kind, e.actor or "", e.text])
        return out.getvalue()
    lines = [
        f"# Incident {incident.name}",
        "",
        f"- Query: `{incident.query}`",
        f"- Started: {incident.started_at.isoformat()} by {incident.started_by or 'unknown'}",
        f"- Ended: {incident.ended_at.isoformat() if incident.ended_at else 'still active'}"
        + (f" ({incident.ended_reason})" if incident.ended_reason else ""),
        f"- Peak hour: {incident.peak_hourly} posts",
        "",
        "| time (UTC) | event | by | details |",
        "|---|---|---|---|",
    ]
    lines += [
        f"| {e.at:%Y-%m-%d %H:%M} | {e.kind} | {e.actor or ''} | {_cell(e.text)} |" for e in events
    ]
    return "\n".join(lines) + "\n"


def run(args: str, ctx: Ctx) -> Reply:
    try:
        words = shlex.split(args)
    except ValueError as exc:
        raise UsageError(f"Unbalanced quotes. {USAGE}") from exc
    verb = words[0].lower() if words else "status"
    if verb == "start" and len(words) in (3, 4):
        return start(ctx, words[1], words[2], words[3] if len(words) == 4 else None)
    if verb == "stop" and len(words) == 2:
        return stop(ctx, words[1])
    if verb == "status" and len(words) <= 2:
        return status(ctx, words[1] if len(words) == 2 else None)
    raise UsageError(USAGE)


def _active(ctx: Ctx, name: str) -> Incident:
    for incident in Incidents(ctx.engine).of_team(ctx.team_id, active_only=True):
        if incident.name == name:
            return incident
    raise UsageError(f"No active incident named {name!r}. `/earshot incident status` lists them.")


def _id(topics: Topics, team_id: str, name: str) -> int | None:
    topic = topics.get(team_id, name)
    return topic.id if topic else None


def _speed_up_scans(ctx: Ctx) -> dict[str, int]:
    """Scan every enabled source each minute; return the old intervals to restore later."""
    sources = Sources(ctx.engine)
    saved = {}
    for row in sources.all(ctx.team_id):
        if row.enabled and row.id is not None and row.interval_seconds > FAST_SCAN_SECONDS:
            saved[str(row.id)] = row.interval_seconds
            sources.set_interval(row.id, FAST_SCAN_SECONDS, next_run_at=ctx.now)
    return saved


def _channel(value: str | None) -> str | None:
    if value is None:
        return None
    match = re.match(r"^<#(\w+)(\|[^>]*)?>$", value)
    return match.group(1) if match else value.lstrip("#")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
