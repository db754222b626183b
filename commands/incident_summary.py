"""An incident's live (and final) summary: volume, sentiment, posts, terms, places, sources."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from commands import blocks as bk
from commands.context import Ctx, Reply
from commands.coverage import coverage_line
from commands.fmt import signed
from commands.places import incident_map, places
from commands.query import parse
from commands.series import Figures, total
from commands.terms import emerging_terms
from storage import reads, rollup_reads
from storage.models import Incident


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
    return total(rollup_reads.hourly(ctx.engine, ctx.team_id, incident.topic_id, start, end))


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
