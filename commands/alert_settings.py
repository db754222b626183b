"""/earshot alerts list | mute | unmute | sensitivity: alert settings per topic."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from commands import blocks as bk
from commands.alerts import mute_topic, status_line
from commands.context import Ctx, Reply, UsageError
from storage import audit
from storage.alerts import Alerts
from storage.topics import Topics

USAGE = (
    "Usage: `/earshot alerts list`, `/earshot alerts mute TOPIC 1h|24h|3d`, "
    "`/earshot alerts unmute TOPIC`, `/earshot alerts sensitivity TOPIC low|normal|high`."
)


def run(args: str, ctx: Ctx) -> Reply:
    words = args.split()
    verb = words[0].lower() if words else "list"
    if verb == "list":
        return _listing(ctx)
    if verb == "mute" and len(words) == 3:
        return mute_topic(ctx, words[1], _span(words[2]))
    if verb == "unmute" and len(words) == 2:
        if Topics(ctx.engine).update(ctx.team_id, words[1], muted_until=None) is None:
            raise UsageError(f"No topic named {words[1]!r}.")
        audit.record(
            ctx.engine,
            ctx.team_id,
            actor=ctx.user_id,
            action="topic.unmute",
            target=words[1],
            now=ctx.now,
        )
        return Reply(
            text=f"Alerts for *{bk.escape_mrkdwn(words[1])}* are on again.", ephemeral=True
        )
    if verb == "sensitivity" and len(words) == 3:
        return _sensitivity(ctx, words[1], words[2].lower())
    raise UsageError(USAGE)


def _sensitivity(ctx: Ctx, name: str, level: str) -> Reply:
    ctx.require_admin("change alert sensitivity")
    if level not in ("low", "normal", "high"):
        raise UsageError("Sensitivity is low (fewer alerts), normal, or high (more alerts).")
    if Topics(ctx.engine).update(ctx.team_id, name, sensitivity=level) is None:
        raise UsageError(f"No topic named {name!r}.")
    audit.record(
        ctx.engine,
        ctx.team_id,
        actor=ctx.user_id,
        action="topic.sensitivity",
        target=name,
        now=ctx.now,
        level=level,
    )
    return Reply(text=f"Alert sensitivity for *{bk.escape_mrkdwn(name)}* is now {level}.")


def _listing(ctx: Ctx) -> Reply:
    alerts = Alerts(ctx.engine).recent(ctx.team_id, limit=10)
    zone = ZoneInfo(ctx.timezone)
    lines = [
        f"• {a.created_at.astimezone(zone):%d %b %H:%M} *{bk.escape_mrkdwn(a.topic_name)}* "
        f"{a.metric} ({a.severity}, {status_line(a, zone)}): {bk.escape_mrkdwn(a.reason)}"
        for a in alerts
    ]
    muted = [
        t for t in Topics(ctx.engine).all(ctx.team_id) if t.muted_until and t.muted_until > ctx.now
    ]
    lines += [
        f"• :mute: {bk.escape_mrkdwn(t.name)} muted until {t.muted_until:%d %b %H:%M} UTC"
        for t in muted
    ]
    return Reply(text="Recent alerts:\n" + ("\n".join(lines) or "none yet"), ephemeral=True)


def _span(text: str) -> timedelta:
    match = re.match(r"^(\d{1,3})([hd])$", text.lower())
    if not match:
        raise UsageError(f"Can't read {text!r}: mute for e.g. 1h, 24h or 3d.")
    amount = int(match.group(1))
    return timedelta(hours=amount) if match.group(2) == "h" else timedelta(days=amount)
