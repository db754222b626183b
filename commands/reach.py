"""/reach <campaign> [period]: posts, authors, potential audience (an upper bound), engagement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from commands import blocks as bk
from commands.charts import reach_chart
from commands.context import Ctx, Reply, UsageError
from commands.coverage import coverage_json, coverage_line
from commands.period import Period, parse_period
from commands.series import Figures, total
from commands.target import Target, hours, resolve, split_period
from storage import rollup_reads

USAGE = "Usage: `/reach <campaign> [7d|30d|DATE]`, e.g. `/reach #ReadyYYC 30d`."
DEFINITION = (
    "Potential audience = followers of each unique author, counted once per author over the "
    "period: an upper bound, not people reached (typically only 1-20% see a post). "
    "Reposts are counted apart from original posts."
)


@dataclass(frozen=True, slots=True)
class ReachReport:
    target: Target
    period: Period
    figures: Figures
    authors: int
    audience: int
    daily: list[tuple[datetime, int, int, int]]  # (day, posts, authors so far, audience so far)


def build(ctx: Ctx, target: Target, period: Period) -> ReachReport:
    if target.topic is None or target.topic.id is None:
        raise UsageError(
            f"{target.name!r} is not a saved campaign. Save it first with "
            "`/earshot topics add NAME QUERY --kind campaign`, then ask again."
        )
    rows = hours(ctx, target, period)
    # Authors are kept per UTC day, so reach covers the whole days the period touches.
    day_start = period.start.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    growth: dict[datetime, tuple[int, int]] = {}
    for first_day, new_authors, followers in rollup_reads.audience_growth(
        ctx.engine, ctx.team_id, target.topic.id, day_start, period.end
    ):
        key = first_day.replace(hour=0, minute=0, second=0, microsecond=0)
        before = growth.get(key, (0, 0))
        growth[key] = (before[0] + new_authors, before[1] + followers)
    # Running totals: an author counts once, on the first day they posted, so the chart's
    # line ends at exactly the unique authors and audience the text gives.
    daily: list[tuple[datetime, int, int, int]] = []
    authors = audience = 0
    day = day_start
    while day < period.end:
        new_authors, new_followers = growth.get(day, (0, 0))
        authors, audience = authors + new_authors, audience + new_followers
        posts = sum(r.posts for r in rows if day <= r.hour < day + timedelta(days=1))
        daily.append((day, posts, authors, audience))
        day += timedelta(days=1)
    return ReachReport(target, period, total(rows), authors, audience, daily)


def as_json(ctx: Ctx, report: ReachReport) -> dict[str, Any]:
    fig = report.figures
    return {
        "campaign": report.target.name,
        "start": report.period.start.isoformat(),
        "end": report.period.end.isoformat(),
        "posts": fig.posts - fig.reposts,
        "reposts": fig.reposts,
        "unique_authors": report.authors,
        "potential_audience_upper_bound": report.audience,
        "engagement": fig.engagement,
        "sources": coverage_json(ctx.engine, ctx.team_id),
        "definition": DEFINITION,
    }


def render(ctx: Ctx, report: ReachReport) -> Reply:
    fig = report.figures
    title = f"Reach · {report.target.name} · {report.period.label}"
    originals = fig.posts - fig.reposts
    span = report.period.span(ctx.timezone)
    text = (
        f"{title} ({span}): {originals:,} posts and {fig.reposts:,} reposts by "
        f"{report.authors:,} unique authors; potential audience up to {report.audience:,} "
        f"(upper bound); engagement {fig.engagement:,}"
    )
    fields = [
        f"*Posts*\n{originals:,} (+{fig.reposts:,} reposts)",
        f"*Unique authors*\n{report.authors:,}",
        f"*Potential audience*\nup to {report.audience:,} (upper bound)",
        f"*Engagement*\n{fig.engagement:,} likes, reposts and replies",
    ]
    chart = reach_chart(
        title,
        [d[0] for d in report.daily],
        [d[1] for d in report.daily],
        [d[2] for d in report.daily],
        [d[3] for d in report.daily],
    )
    out = [
        bk.header(title),
        bk.section(
            f"*{bk.escape_mrkdwn(report.target.name)}*, {report.period.label}: {span}",
            fields=fields,
        ),
        bk.context(DEFINITION),
        bk.context(coverage_line(ctx.engine, ctx.team_id, ctx.now)),
    ]
    return Reply(text=text, blocks=out, chart=chart, data=as_json(ctx, report))


def run(text: str, ctx: Ctx) -> Reply:
    target_text, period_text = split_period(text)
    if not target_text:
        return Reply.error(USAGE)
    target = resolve(ctx, target_text)
    return render(ctx, build(ctx, target, parse_period(period_text, ctx.now, ctx.timezone)))
