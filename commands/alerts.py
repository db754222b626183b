"""Spike alert messages, their buttons (acknowledge, mute, more posts) and /earshot alerts."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from commands import blocks as bk
from commands.charts import volume_sentiment_chart
from commands.context import Ctx, NotAllowedError, Reply, UsageError
from commands.paging import sections
from commands.query import parse
from commands.terms import emerging_terms
from storage import audit, reads
from storage.alerts import Alerts
from storage.models import Alert, Topic
from storage.topics import Topics

BUCKET = timedelta(minutes=5)
CHART_SPAN = timedelta(hours=6)
# A slow build is shown over days, by the hour: its story is the climb, not one bucket.
SLOW_CHART_SPAN, SLOW_CHART_BUCKET = timedelta(days=4), timedelta(hours=1)
HEADLINES = {
    "negative": "Negative sentiment surge",
    "slow_build": "Slow build",
    "volume": "Volume spike",
}
SEVERITY_ICON = {
    "critical": ":rotating_light:",
    "warning": ":warning:",
    "info": ":information_source:",
}


def window_end(alert: Alert) -> datetime:
    return alert.last_bucket + BUCKET


def alert_reply(ctx: Ctx, alert: Alert) -> Reply:
    """The alert as a message: what surged, against what, the posts and terms behind it."""
    topic = Topics(ctx.engine).get_by_id(ctx.team_id, alert.topic_id)
    zone = ZoneInfo(ctx.timezone)
    start, end = alert.window_start, window_end(alert)
    what = HEADLINES.get(alert.metric, "Volume spike")
    icon = SEVERITY_ICON.get(alert.severity, ":warning:")
    title = f"{what}: {alert.topic_name}"
    fields = [
        f"*Window*\n{start.astimezone(zone):%H:%M}–{end.astimezone(zone):%H:%M} {ctx.timezone}",
        f"*Severity*\n{alert.severity}",
        f"*Now vs baseline*\n{_value(alert)}",
        f"*Status*\n{status_line(alert, zone)}",
    ]
    sources = reads.source_counts(ctx.engine, ctx.team_id, alert.topic_id, start, end)
    if sources:
        fields.append(
            "*Top sources*\n" + ", ".join(f"{bk.escape_mrkdwn(n)} ({c})" for n, c in sources[:4])
        )
    terms = _terms(ctx, alert, topic)
    if terms:
        fields.append("*Top new terms*\n" + ", ".join(f"`{bk.escape_mrkdwn(t)}`" for t in terms))
    blocks: list[dict[str, Any]] = [
        bk.header(f"{title}"),
        bk.section(f"{icon} {bk.escape_mrkdwn(alert.reason)}", fields=fields),
    ]
    posts = reads.topic_posts(ctx.engine, ctx.team_id, alert.topic_id, start, end, limit=3)
    if posts:
        quotes = "\n".join(f"• {bk.quote_post(p.text, p.url, limit=200)}" for p in posts)
        blocks.append(bk.section(f"*Posts driving it*\n{quotes}"))
    blocks.append(_buttons(alert, zone))
    text = f"{icon} {title}: {alert.reason}"
    return Reply(text=text, blocks=blocks, chart=_chart(ctx, alert, title), data=_json(alert))


def _value(alert: Alert) -> str:
    if alert.metric == "negative":
        return f"{alert.value:.0%} negative vs ~{alert.baseline:.0%} usual"
    if alert.metric == "slow_build":
        return (
            f"{alert.value:g} posts in 6 h vs ~{alert.baseline:.0f} in the same hours of the"
            f" last 3 days (peak {alert.peak_value:g})"
        )
    expected = f"~{alert.baseline:.0f} expected"
    return f"{alert.value:g} posts / 5 min vs {expected} (peak {alert.peak_value:g})"


def status_line(alert: Alert, zone: ZoneInfo) -> str:
    if alert.status == "acknowledged" and alert.acked_at:
        return f"acknowledged by <@{alert.acked_by}> at {alert.acked_at.astimezone(zone):%H:%M}"
    return "escalated, not acknowledged" if alert.escalated_at else "open, not acknowledged"


def _buttons(alert: Alert, zone: ZoneInfo) -> dict[str, Any]:
    value = str(alert.id)
    elements = (
        []
        if alert.status == "acknowledged"
        else [bk.button("Acknowledge", "alert_ack", value, style="primary")]
    )
    elements += [
        bk.button("Mute 1h", "alert_mute_1h", value),
        bk.button(
            "Mute 24h",
            "alert_mute_24h",
            value,
            style="danger",
            confirm=bk.confirm_dialog(
                "Mute for 24 hours?",
                f"No alerts for {alert.topic_name} until tomorrow, even if it surges again.",
                "Mute",
            ),
        ),
        bk.button("Show more posts", "alert_more_posts", value),
    ]
    return bk.actions(*elements, block_id=f"alert-{alert.id}")


def _terms(ctx: Ctx, alert: Alert, topic: Topic | None) -> list[str]:
    if topic is None:
        return []
    start, end = alert.window_start, window_end(alert)
    current = reads.topic_texts(ctx.engine, ctx.team_id, alert.topic_id, start, end, limit=2000)
    base = reads.topic_texts(
        ctx.engine, ctx.team_id, alert.topic_id, start - timedelta(days=1), start, 5000
    )
    periods = max(1, int(timedelta(days=1) / max(end - start, BUCKET)))
    return [t.term for t in emerging_terms(current, base, periods, parse(topic.query), limit=5)]


def _chart(ctx: Ctx, alert: Alert, title: str) -> Any:
    slow = alert.metric == "slow_build"
    span, bucket = (SLOW_CHART_SPAN, SLOW_CHART_BUCKET) if slow else (CHART_SPAN, BUCKET)
    end = window_end(alert)
    start = end - span
    times = reads.match_times(ctx.engine, ctx.team_id, alert.topic_id, start, end)
    count = int(span / bucket)
    starts = [start + bucket * i for i in range(count)]
    volume = [0] * count
    sums = [0.0] * count
    scored = [0] * count
    for at, compound in times:
        index = min(int((at - start) / bucket), count - 1)
        volume[index] += 1
        if compound is not None:
            sums[index] += compound
            scored[index] += 1
    means = [s / n if n else None for s, n in zip(sums, scored, strict=True)]
    return volume_sentiment_chart(
        f"{title} · posts per {'hour' if slow else '5 min'}",
        starts,
        volume,
        means,
        highlight=(alert.window_start, end),
        tz=ZoneInfo(ctx.timezone),
    )


def _json(alert: Alert) -> dict[str, Any]:
    return {
        "id": alert.id,
        "topic": alert.topic_name,
        "metric": alert.metric,
        "severity": alert.severity,
        "status": alert.status,
        "window_start": alert.window_start.isoformat(),
        "value": alert.value,
        "baseline": alert.baseline,
        "reason": alert.reason,
    }


def _alert(ctx: Ctx, alert_id: int) -> Alert:
    alert = Alerts(ctx.engine).get(ctx.team_id, alert_id)  # team from the request, never the button
    if alert is None:
        raise UsageError("That alert no longer exists in this workspace.")
    return alert


def acknowledge(ctx: Ctx, alert_id: int) -> Reply:
    alert = _alert(ctx, alert_id)
    if alert.status != "acknowledged":
        alert = (
            Alerts(ctx.engine).update(
                ctx.team_id,
                alert_id,
                status="acknowledged",
                acked_by=ctx.user_id,
                acked_at=ctx.now,
                updated_at=ctx.now,
            )
            or alert
        )
        audit.record(
            ctx.engine,
            ctx.team_id,
            actor=ctx.user_id,
            action="alert.acknowledge",
            target=f"alert:{alert_id}",
            now=ctx.now,
            topic=alert.topic_name,
        )
    return alert_reply(ctx, alert)


def mute(ctx: Ctx, alert_id: int, hours: int) -> Reply:
    alert = _alert(ctx, alert_id)
    return mute_topic(ctx, alert.topic_name, timedelta(hours=hours))


# Anyone may silence a noisy topic for a day (the alert's own "Mute 24h" button); longer
# silences hide real surges from the whole team, so they are an admin's call, and even
# an admin's mute ends within a month rather than being forgotten for years.
MEMBER_MUTE_MAX = timedelta(hours=24)
ADMIN_MUTE_MAX = timedelta(days=30)


def mute_topic(ctx: Ctx, name: str, span: timedelta) -> Reply:
    if span <= timedelta(0):
        raise UsageError("Mute for a positive time, e.g. 1h, 24h or 3d.")
    if span > MEMBER_MUTE_MAX and not ctx.is_admin:
        raise NotAllowedError(
            "Members can mute a topic's alerts for up to 24h; longer needs a workspace admin "
            "or the Earshot admin group. Try `/earshot alerts mute "
            f"{name} 24h`."
        )
    if span > ADMIN_MUTE_MAX:
        raise UsageError("Alerts can be muted for at most 30d; unmute with `alerts unmute`.")
    until = ctx.now + span
    if Topics(ctx.engine).update(ctx.team_id, name, muted_until=until) is None:
        raise UsageError(f"No topic named {name!r}.")
    audit.record(
        ctx.engine,
        ctx.team_id,
        actor=ctx.user_id,
        action="topic.mute",
        target=name,
        now=ctx.now,
        until=until.isoformat(),
    )
    local = until.astimezone(ZoneInfo(ctx.timezone))
    return Reply(
        text=f"Alerts for *{bk.escape_mrkdwn(name)}* muted until {local:%a %d %b %Y %H:%M} "
        f"{ctx.timezone} by <@{ctx.user_id}>.",
        ephemeral=True,
    )


def more_posts(ctx: Ctx, alert_id: int) -> Reply:
    alert = _alert(ctx, alert_id)
    start, end = alert.window_start, window_end(alert)
    posts = reads.topic_posts(
        ctx.engine, ctx.team_id, alert.topic_id, start, end, order="newest", limit=10
    )
    lines = [
        f"• {bk.quote_post(p.text, p.url, limit=240)} _({bk.escape_mrkdwn(p.source)})_"
        for p in posts
    ]
    name = bk.escape_mrkdwn(alert.topic_name)
    title = f"*{name}*: newest posts in the alert window"
    text = "\n".join([title, *(lines or ["none"])])
    # Split across sections rather than cut at 3,000 characters: ten posts can exceed it.
    return Reply(text=text, blocks=sections([title, *(lines or ["none"])]), ephemeral=True)
