"""The App Home tab: topics and campaigns, source health, latest alerts, digest schedules."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from commands import blocks as bk
from commands.alerts import HEADLINES, SEVERITY_ICON
from commands.context import Ctx
from commands.digest_settings import describe
from commands.paging import sections
from commands.sources import STATUS_ICON
from storage.alerts import Alerts
from storage.schedules import Schedules
from storage.sources import Sources
from storage.topics import Topics

VIEW_BLOCKS_MAX = 100
RECENT_ALERTS = 5
INTRO = (
    "Earshot listens to public posts about your agency. Ask it anything with "
    "`/sentiment <topic>`, `/reach <campaign>`, or see everything with `/earshot help`."
)


def home_view(ctx: Ctx) -> dict[str, Any]:
    """A Home tab view (at most 100 blocks, each within Block Kit limits)."""
    blocks: list[bk.Block] = [bk.header("Earshot"), bk.section(INTRO)]
    for title, lines, empty in (
        ("Topics and campaigns", topic_lines(ctx), "No topics yet: `/earshot topics add`."),
        ("Sources", source_lines(ctx), "No sources yet: `/earshot sources add`."),
        ("Latest alerts", alert_lines(ctx), "No alerts so far."),
        ("Digests", digest_lines(ctx), "No digests scheduled."),
    ):
        blocks += [bk.divider(), bk.header(title), *sections(lines or [empty])]
    return {"type": "home", "blocks": bk.limit_blocks(blocks, VIEW_BLOCKS_MAX)}


def topic_lines(ctx: Ctx) -> list[str]:
    return [
        f"• *{bk.escape_mrkdwn(t.name)}* ({t.kind}"
        + (f", alerts to <#{t.channel}>" if t.channel else "")
        + f"): `{bk.escape_mrkdwn(bk.truncate(t.query, 200))}`"
        for t in Topics(ctx.engine).all(ctx.team_id)
    ]


def source_lines(ctx: Ctx) -> list[str]:
    lines = []
    for row in Sources(ctx.engine).all(ctx.team_id):
        icon = STATUS_ICON.get(row.status, ":red_circle:") if row.enabled else ":black_circle:"
        state = row.status.replace("_", " ") if row.enabled else "disabled"
        seen = _when(row.last_success_at, ctx) if row.last_success_at else "never"
        problem = f"; {bk.escape_mrkdwn(row.last_error)}" if row.last_error and row.enabled else ""
        lines.append(
            f"{icon} *{bk.escape_mrkdwn(row.name)}* ({row.kind}) {state}; "
            f"last success {seen}{bk.truncate(problem, 200)}"
        )
    return lines


def alert_lines(ctx: Ctx) -> list[str]:
    return [
        f"{SEVERITY_ICON.get(a.severity, ':warning:')} *{bk.escape_mrkdwn(a.topic_name)}* "
        f"{HEADLINES.get(a.metric, 'Volume spike').lower()} "
        f"({a.severity}), {a.status}, {_when(a.created_at, ctx)}"
        + (f", acknowledged by <@{a.acked_by}>" if a.acked_by else "")
        for a in Alerts(ctx.engine).recent(ctx.team_id, limit=RECENT_ALERTS)
    ]


def digest_lines(ctx: Ctx) -> list[str]:
    return [f"• {describe(s)}" for s in Schedules(ctx.engine).all(ctx.team_id)]


def _when(moment: datetime, ctx: Ctx) -> str:
    try:
        zone = ZoneInfo(ctx.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")
