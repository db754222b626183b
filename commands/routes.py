"""/earshot route [list|add AGENCY #channel CATEGORY-or-QUERY|remove ID]: help routing rules."""

from __future__ import annotations

import re
from datetime import timedelta

from commands import blocks as bk
from commands import mentions
from commands.context import Ctx, Reply, UsageError
from commands.paging import page_number, paged
from commands.period import Period
from commands.query import QueryError, parse
from commands.route_stats import DEFAULT_SLA_MINUTES, digest_lines, stats
from storage import audit
from storage.models import Route
from storage.routing import RoutedPosts, Routes

# The need categories of jobs.triage.need_terms.NEED_CATEGORIES (commands may not import
# jobs; tests/test_routing_commands.py keeps the two lists equal).
CATEGORIES: tuple[str, ...] = (
    "shelter",
    "power",
    "water",
    "medical",
    "evacuation",
    "road_transit",
    "vaccine_service",
    "agency_question",
)
USAGE = (
    "Usage: `/earshot route list`, `/earshot route add AGENCY #channel CATEGORY` "
    f"(categories: {', '.join(CATEGORIES)}) or `/earshot route add AGENCY #channel QUERY`, "
    "`/earshot route remove ID`, `/earshot route sla ID 3h` (time to resolve, default 3h), "
    '`/earshot route stats [7d]`. Quote an agency name with spaces: `"City Power"`.'
)
_SLA = re.compile(r"^#?(\d+)\s+(\d+)\s*(m|min|h)$", re.IGNORECASE)
WAITING_TOO_LONG = timedelta(hours=1)
_ADD = re.compile(r'^\s*(?:["“]([^"”]+)["”]|(\S+))\s+(\S+)\s+(.+?)\s*$', re.DOTALL)


def describe(route: Route) -> str:
    what = (
        f"_{route.match.replace('_', ' ')}_"
        if route.is_category
        else f"query `{bk.escape_mrkdwn(route.match)}`"
    )
    sla = route.sla_minutes
    shown = f"{sla // 60}h" if sla % 60 == 0 else f"{sla} min"
    return (
        f"#{route.id} *{bk.escape_mrkdwn(route.agency)}*: {what} → <#{route.channel}> (SLA {shown})"
    )


def channel_id(ctx: Ctx, text: str) -> str:
    """`#name`, `<#C123|name>` or `C123`, stored as the id, which survives renames."""
    return mentions.resolve(ctx, text, "channel")


def add(ctx: Ctx, args: str) -> Reply:
    ctx.require_admin("add help routes")
    parsed = _ADD.match(args)
    if parsed is None:
        raise UsageError(USAGE)
    agency = (parsed.group(1) or parsed.group(2)).strip()
    channel, match = channel_id(ctx, parsed.group(3)), parsed.group(4)
    if not agency or len(agency) > 80:
        raise UsageError("The agency name must be 1-80 characters.")
    category = match.lower().replace("-", "_").replace(" ", "_")
    is_category = category in CATEGORIES
    if not is_category:
        if len(match) > 2000:
            raise UsageError("A route's query must be at most 2,000 characters.")
        try:
            parse(match)
        except QueryError as exc:
            raise UsageError(
                f"{match!r} is not a need category ({', '.join(CATEGORIES)}), and as a query: "
                f"{exc.message}\n```{exc.pointer(match)}```"
            ) from exc
    route = Routes(ctx.engine).add(
        Route(
            team_id=ctx.team_id,
            agency=agency,
            channel=channel,
            match=category if is_category else match,
            is_category=is_category,
            created_by=ctx.user_id,
            created_at=ctx.now,
            sla_minutes=DEFAULT_SLA_MINUTES,
        )
    )
    if route is None:
        raise UsageError("That route already exists: `/earshot route list` shows the routes.")
    audit.record(
        ctx.engine,
        ctx.team_id,
        actor=ctx.user_id,
        action="route.add",
        target=f"route:{route.id}",
        now=ctx.now,
        agency=agency,
        channel=channel,
        match=route.match,
    )
    note = "" if is_category else f" (a query; the need categories are {', '.join(CATEGORIES)})"
    text = (
        f"Route added: {describe(route)}{note}. Residents' posts asking for help that match "
        "are sent there from now on, with Claim / Resolved / Not actionable buttons."
    )
    return Reply(text=text, data={"id": route.id, "is_category": is_category})


def listing(ctx: Ctx, page: int | None = 1) -> Reply:
    routes = Routes(ctx.engine).all(ctx.team_id)
    if not routes:
        return Reply(text=f"No help routes yet. {USAGE}", ephemeral=True)
    lines = [f"• {describe(route)}" for route in routes]
    shown = paged("Help routes:", lines, page, noun="routes", command="/earshot route list")
    return Reply(
        text=shown.text,
        blocks=shown.blocks,
        ephemeral=True,
        data={"routes": [{"id": r.id, "agency": r.agency, "match": r.match} for r in routes]},
    )


def remove(ctx: Ctx, text: str) -> Reply:
    ctx.require_admin("remove help routes")
    if not text.lstrip("#").isdigit():
        raise UsageError(f"Give the route's number from `/earshot route list`. {USAGE}")
    route_id = int(text.lstrip("#"))
    if not Routes(ctx.engine).remove(ctx.team_id, route_id, ctx.now):
        raise UsageError(f"No route #{route_id} in use in this workspace.")
    audit.record(
        ctx.engine,
        ctx.team_id,
        actor=ctx.user_id,
        action="route.remove",
        target=f"route:{route_id}",
        now=ctx.now,
    )
    return Reply(
        text=f"Route #{route_id} removed: no new posts go there. The posts it routed are kept, "
        "and still count in `/earshot route stats`."
    )


def set_sla(ctx: Ctx, text: str) -> Reply:
    ctx.require_admin("change help-route SLAs")
    parsed = _SLA.match(text.strip())
    if parsed is None:
        raise UsageError(
            "Give the route's number and the time to resolve, e.g. `/earshot route sla 3 2h` "
            "or `/earshot route sla 3 90m`."
        )
    route_id, amount = int(parsed.group(1)), int(parsed.group(2))
    minutes = amount * 60 if parsed.group(3).lower() == "h" else amount
    if not 15 <= minutes <= 7 * 24 * 60:
        raise UsageError("An SLA must be between 15 minutes and 7 days.")
    if not Routes(ctx.engine).set_sla(ctx.team_id, route_id, minutes):
        raise UsageError(f"No route #{route_id} in use in this workspace.")
    audit.record(
        ctx.engine,
        ctx.team_id,
        actor=ctx.user_id,
        action="route.sla",
        target=f"route:{route_id}",
        now=ctx.now,
        minutes=minutes,
    )
    return Reply(
        text=f"Route #{route_id}: routed posts should be resolved within {minutes} minutes; "
        "a reminder goes to the channel before that lapses."
    )


def run(args: str, ctx: Ctx) -> Reply:
    verb, _, rest = args.strip().partition(" ")
    verb = verb.lower() or "list"
    if verb == "list":
        return listing(ctx, page_number(rest.strip() or None))
    if verb == "add":
        return add(ctx, rest)
    if verb == "remove":
        return remove(ctx, rest.strip())
    if verb == "sla":
        return set_sla(ctx, rest)
    if verb == "stats":
        return stats(ctx, rest)
    raise UsageError(USAGE)


def routing_digest_lines(ctx: Ctx, period: Period) -> list[str]:
    """The digest's help-routing line; none in a workspace without routes."""
    counts = RoutedPosts(ctx.engine).counts(
        ctx.team_id, period.start, period.end, waiting_before=ctx.now - WAITING_TOO_LONG
    )
    if counts.routed == 0 and not Routes(ctx.engine).all(ctx.team_id):
        return []
    return [
        f"*Help routing:* {counts.routed} routed, {counts.claimed} claimed, "
        f"{counts.resolved} resolved, {counts.not_actionable} not actionable, "
        f"{counts.waiting} waiting over an hour",
        *digest_lines(ctx, period),
    ]
