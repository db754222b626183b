"""/earshot settings: the workspace's timezone, admins, alert routing, retention and privacy."""

from __future__ import annotations

import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from commands import mentions
from commands.context import Ctx, Reply, UsageError
from storage import audit
from storage.models import Workspace
from storage.workspaces import Workspaces

USAGE = (
    "Usage: `/earshot settings` to show them, or `/earshot settings timezone America/Edmonton`, "
    "`admin-group @comms-admins`, `alert-channel #incidents`, `escalation @on-call 30m`, "
    "`renotify 60m`, `retention 90d|off`, `pseudonymize on|off`."
)
_MINUTES = re.compile(r"^(\d{1,4})m$")
_DAYS = re.compile(r"^(\d{1,4})d$")


def show(ctx: Ctx) -> Reply:
    ws = Workspaces(ctx.engine).ensure(ctx.team_id, ctx.now)
    escalate_to = _group(ws.escalation_group) if ws.escalation_group else "@here"
    kept = f"{ws.retention_days} days" if ws.retention_days else "forever"
    lines = [
        f"• Timezone: {ws.timezone}",
        f"• Admin group: {_group(ws.admin_group)} (workspace admins always may configure)",
        f"• Alerts for topics without a channel go to: {_chan(ws.alert_channel)}",
        f"• Unacknowledged alerts escalate to {escalate_to} after {ws.escalate_after_minutes} min",
        f"• Unclaimed routed posts re-notified after {ws.renotify_after_minutes} min",
        f"• Raw posts kept: {kept} (rollups, digests, alerts and incident records are kept)",
        f"• Author handles pseudonymized at ingest: {'on' if ws.pseudonymize_authors else 'off'}",
    ]
    return Reply(text="Workspace settings:\n" + "\n".join(lines), ephemeral=True, data=_data(ws))


def change(ctx: Ctx, key: str, values: list[str]) -> Reply:
    ctx.require_admin("change workspace settings")
    changes = _parse(ctx, key.lower(), values)
    if changes.get("pseudonymize_authors") and not ctx.actions.pseudonym_key():
        raise UsageError(
            "Pseudonyms need a secret key, or anyone could recompute them from a list of "
            "handles: set EARSHOT_SECRET_KEY (keep it with your backups), restart Earshot, "
            "then turn pseudonymize on."
        )
    Workspaces(ctx.engine).update(ctx.team_id, ctx.now, **changes)
    audit.record(
        ctx.engine,
        ctx.team_id,
        actor=ctx.user_id,
        action="settings.change",
        target=key,
        now=ctx.now,
        **changes,
    )
    reply = show(ctx)
    reply.text = f"Updated {key}.\n{reply.text}"
    return reply


def run(args: str, ctx: Ctx) -> Reply:
    words = args.split()
    if not words:
        return show(ctx)
    return change(ctx, words[0], words[1:])


def _parse(ctx: Ctx, key: str, values: list[str]) -> dict[str, Any]:
    value = values[0] if values else ""
    if key == "timezone":
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise UsageError(
                f"Unknown timezone {value!r}: use an IANA name like America/Edmonton."
            ) from exc
        return {"timezone": value}
    if key == "admin-group":
        return {"admin_group": _group_id(ctx, value)}
    if key == "alert-channel":
        if not value:
            raise UsageError("Name the channel with #, e.g. `alert-channel #incidents`.")
        return {"alert_channel": mentions.resolve(ctx, value, "channel")}
    if key == "escalation":
        minutes = _MINUTES.match(values[1]) if len(values) > 1 else None
        if not minutes:
            raise UsageError("Give a user group and a wait, e.g. `escalation @on-call 30m`.")
        return {
            "escalation_group": _group_id(ctx, value),
            "escalate_after_minutes": int(minutes.group(1)),
        }
    if key == "renotify":
        minutes = _MINUTES.match(value)
        if not minutes or int(minutes.group(1)) < 5:
            raise UsageError("Give a wait of at least 5 minutes, e.g. `renotify 60m`.")
        return {"renotify_after_minutes": int(minutes.group(1))}
    if key == "retention":
        if value == "off":
            return {"retention_days": None}
        days = _DAYS.match(value)
        if not days or int(days.group(1)) < 1:
            raise UsageError("Give a number of days, e.g. `retention 90d`, or `retention off`.")
        return {"retention_days": int(days.group(1))}
    if key == "pseudonymize" and value in ("on", "off"):
        return {"pseudonymize_authors": value == "on"}
    raise UsageError(USAGE)


def _group_id(ctx: Ctx, value: str) -> str:
    if not value:
        raise UsageError("Name a user group by its handle, e.g. @comms-admins.")
    return mentions.resolve(ctx, value, "group")


def _group(group_id: str | None) -> str:
    return f"<!subteam^{group_id}>" if group_id else "none"


def _chan(channel: str | None) -> str:
    return f"<#{channel}>" if channel else "none (set one, or give each topic a channel)"


def _data(ws: Workspace) -> dict[str, Any]:
    return ws.model_dump(exclude={"created_at", "routed_through_post_id"})
