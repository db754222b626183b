"""/earshot incident start|stop|status|export: incident mode and its record.

The live summary it keeps in the channel is `commands.incident_summary`."""

from __future__ import annotations

import io

from commands import blocks as bk
from commands import mentions
from commands import topics as topic_cmd
from commands.context import Ctx, Reply, UsageError
from commands.crisis_terms import pack_query
from commands.csv_safe import SafeWriter
from commands.incident_summary import summary
from commands.typed import split_words
from storage import audit
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
    channel = mentions.resolve(ctx, channel, "channel") if channel else ctx.channel_id
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
        writer = SafeWriter(out)
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
        words = split_words(args)
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


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
