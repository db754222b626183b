"""Response times of routed posts: time to claim and to resolve per agency channel, and
how many were resolved within their route's SLA (`/earshot route stats [period]`, digest).

Times run from when the post was routed. A post still open past its SLA counts as a
breach already; one open but still within it is "open" and counts in neither column.
Routes removed since keep counting for the period they were in use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median
from typing import Any

from commands.context import Ctx, Reply
from commands.period import Period, parse_period
from storage.models import Route, RoutedPost
from storage.routing import RoutedPosts, Routes

DEFAULT_SLA_MINUTES = 180


@dataclass(frozen=True, slots=True)
class ChannelTimes:
    """One agency channel's routed posts in a period and how fast they were handled."""

    channel: str
    agencies: tuple[str, ...]
    routed: int
    claimed: int
    resolved: int
    median_claim: timedelta | None
    median_resolve: timedelta | None
    within_sla: int
    breached: int
    open_within_sla: int


def sla_of(route: Route | None) -> timedelta:
    minutes = route.sla_minutes if route is not None else DEFAULT_SLA_MINUTES
    return timedelta(minutes=minutes)


def channel_times(ctx: Ctx, period: Period) -> list[ChannelTimes]:
    """Per channel, busiest first; removed routes' posts included."""
    routes = {r.id: r for r in Routes(ctx.engine).all(ctx.team_id, include_removed=True)}
    by_channel: dict[str, list[RoutedPost]] = {}
    for routed in RoutedPosts(ctx.engine).in_period(ctx.team_id, period.start, period.end):
        by_channel.setdefault(routed.channel, []).append(routed)
    found = [_times(channel, rows, routes, ctx.now) for channel, rows in by_channel.items()]
    return sorted(found, key=lambda t: (-t.routed, t.channel))


def _times(
    channel: str, rows: list[RoutedPost], routes: dict[int | None, Route], now: datetime
) -> ChannelTimes:
    claims = [r.claimed_at - r.created_at for r in rows if r.claimed_at is not None]
    resolved = [r for r in rows if r.status == "resolved" and r.closed_at is not None]
    within = breached = still_open = 0
    for r in rows:
        deadline = r.created_at + sla_of(routes.get(r.route_id))
        if r.status in ("new", "claimed"):
            if now > deadline:
                breached += 1
            else:
                still_open += 1
        elif r.status == "resolved" and r.closed_at is not None:
            if r.closed_at <= deadline:
                within += 1
            else:
                breached += 1
    agencies = tuple(sorted({routes[r.route_id].agency for r in rows if r.route_id in routes}))
    return ChannelTimes(
        channel=channel,
        agencies=agencies,
        routed=len(rows),
        claimed=len(claims),
        resolved=len(resolved),
        median_claim=_median(claims),
        median_resolve=_median([r.closed_at - r.created_at for r in resolved if r.closed_at]),
        within_sla=within,
        breached=breached,
        open_within_sla=still_open,
    )


def _median(spans: list[timedelta]) -> timedelta | None:
    if not spans:
        return None
    return timedelta(seconds=median(span.total_seconds() for span in spans))


def duration(value: timedelta | None) -> str:
    """`42 min`, `3 h 05 min`, or `n/a`."""
    if value is None:
        return "n/a"
    minutes = round(value.total_seconds() / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def line(times: ChannelTimes) -> str:
    who = "/".join(times.agencies) or "removed route"
    decided = times.within_sla + times.breached
    share = f" ({100 * times.within_sla / decided:.0f} %)" if decided else ""
    return (
        f"<#{times.channel}> ({who}): {times.routed} routed, {times.claimed} claimed "
        f"(median {duration(times.median_claim)}), {times.resolved} resolved "
        f"(median {duration(times.median_resolve)}); within SLA {times.within_sla}{share}, "
        f"past SLA {times.breached}, open within SLA {times.open_within_sla}"
    )


def as_json(times: ChannelTimes) -> dict[str, Any]:
    def minutes(value: timedelta | None) -> float | None:
        return round(value.total_seconds() / 60, 1) if value is not None else None

    return {
        "channel": times.channel,
        "agencies": list(times.agencies),
        "routed": times.routed,
        "claimed": times.claimed,
        "resolved": times.resolved,
        "median_claim_minutes": minutes(times.median_claim),
        "median_resolve_minutes": minutes(times.median_resolve),
        "within_sla": times.within_sla,
        "past_sla": times.breached,
        "open_within_sla": times.open_within_sla,
    }


def stats(ctx: Ctx, text: str) -> Reply:
    period = parse_period(text.strip() or None, ctx.now, ctx.timezone)
    found = channel_times(ctx, period)
    if not found:
        return Reply(text=f"No posts were routed in the {period.label}.", ephemeral=True)
    lines = "\n".join(f"• {line(t)}" for t in found)
    return Reply(
        text=f"Help routing response times, {period.label} (from routing to claim/resolve):\n"
        f"{lines}",
        ephemeral=True,
        data={"period": period.label, "channels": [as_json(t) for t in found]},
    )


def digest_lines(ctx: Ctx, period: Period) -> list[str]:
    """The digest's response-time lines, one per channel that had routed posts."""
    return [f"*Response times* {line(t)}" for t in channel_times(ctx, period)]
