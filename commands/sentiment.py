"""/sentiment <topic or query> [period]: volume and sentiment over time, with a chart."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from commands import blocks as bk
from commands.charts import volume_sentiment_chart
from commands.context import Ctx, Reply
from commands.fmt import signed
from commands.period import Period, parse_period
from commands.series import Bucket, Figures, buckets, percent_change, total
from commands.shares import as_json as shares_json
from commands.shares import share_line
from commands.target import (
    Target,
    hours,
    language_line,
    languages,
    resolve,
    split_period,
    top_posts,
)
from storage.reads import PostView
from storage.shares import source_shares

USAGE = "Usage: `/sentiment <topic or query> [24h|7d|30d|DATE]`, e.g. `/sentiment flood 7d`."


@dataclass(frozen=True, slots=True)
class SentimentReport:
    target: Target
    period: Period
    figures: Figures
    previous: Figures
    series: list[Bucket]
    most_positive: list[PostView]
    most_negative: list[PostView]
    languages: dict[str, int]
    sources: list[tuple[str, str, int]] = field(default_factory=list)
    timezone: str = "UTC"

    @property
    def span(self) -> str:
        return self.period.span(self.timezone)


def build(ctx: Ctx, target: Target, period: Period) -> SentimentReport:
    rows = hours(ctx, target, period)
    return SentimentReport(
        target=target,
        period=period,
        figures=total(rows),
        previous=total(hours(ctx, target, period.previous())),
        series=buckets(rows, period, ctx.timezone),
        most_positive=top_posts(ctx, target, period, "positive"),
        most_negative=top_posts(ctx, target, period, "negative"),
        timezone=ctx.timezone,
        languages=languages(ctx, target, period),
        sources=_sources(ctx, target, period),
    )


def _sources(ctx: Ctx, target: Target, period: Period) -> list[tuple[str, str, int]]:
    """Posts per source and platform of a saved topic (an ad-hoc query already scans posts
    once for its series; a second scan for this line would double its cost)."""
    if target.topic is not None and target.topic.id is not None:
        return source_shares(ctx.engine, ctx.team_id, period.start, period.end, target.topic.id)
    return []


def as_json(report: SentimentReport) -> dict[str, Any]:
    fig, prev = report.figures, report.previous
    return {
        "topic": report.target.name,
        "saved_topic": report.target.saved,
        "start": report.period.start.isoformat(),
        "end": report.period.end.isoformat(),
        "posts": fig.posts,
        "scored": fig.scored,
        "unscored": fig.unscored,
        "languages": report.languages,
        "mean_compound": _round(fig.mean_compound),
        "positive": fig.positive,
        "neutral": fig.neutral,
        "negative": fig.negative,
        "previous": {"posts": prev.posts, "mean_compound": _round(prev.mean_compound)},
        "series": [
            {
                "start": b.start.isoformat(),
                "posts": b.posts,
                "mean_compound": _round(b.mean_compound),
            }
            for b in report.series
        ],
        "sources": shares_json(report.sources),
    }


def render(report: SentimentReport) -> Reply:
    fig, prev = report.figures, report.previous
    name = report.target.name
    title = f"Sentiment · {name} · {report.period.label}"
    mean = signed(fig.mean_compound)
    change = _mean_change(fig, prev)
    volume = _volume_change(fig.posts, prev.posts)
    text = (
        f"{title} ({report.span}): {fig.posts} posts ({volume}), mean sentiment {mean} ({change}); "
        f"{fig.positive} positive, {fig.neutral} neutral, {fig.negative} negative, "
        f"based on {fig.scored} scored posts"
        + (f" (by language: {language_line(report.languages)})" if report.languages else "")
    )
    fields = [
        f"*Posts*\n{fig.posts:,} ({volume})",
        f"*Mean sentiment*\n{mean} ({change})",
        f"*Positive / neutral / negative*\n{fig.positive:,} / {fig.neutral:,} / {fig.negative:,}",
        f"*Based on*\n{fig.scored:,} scored posts"
        + (f", {fig.unscored:,} not scored (not English)" if fig.unscored else "")
        + (f"\nby language: {language_line(report.languages)}" if report.languages else ""),
    ]
    out: list[dict[str, Any]] = [bk.header(title), bk.section(_lede(report), fields=fields)]
    for label, posts in (
        ("Most negative", report.most_negative),
        ("Most positive", report.most_positive),
    ):
        if posts:
            lines = "\n".join(
                f"• {_score(p)} `{p.lang or 'und'}` {bk.quote_post(p.text, p.url)}" for p in posts
            )
            out.append(bk.section(f"*{label}*\n{lines}"))
    where = share_line(report.sources)
    if where:
        out.append(bk.section(where))
    out.append(bk.context(_footnote(report)))
    chart = volume_sentiment_chart(
        title,
        [b.start for b in report.series],
        [b.posts for b in report.series],
        [b.mean_compound for b in report.series],
        tz=ZoneInfo(report.timezone),
        scored=[b.scored for b in report.series],
    )
    return Reply(text=text, blocks=out, chart=chart, data=as_json(report))


def run(text: str, ctx: Ctx) -> Reply:
    target_text, period_text = split_period(text)
    if not target_text:
        return Reply.error(USAGE)
    target = resolve(ctx, target_text)
    period = parse_period(period_text, ctx.now, ctx.timezone)
    return render(build(ctx, target, period))


def _lede(report: SentimentReport) -> str:
    if report.figures.posts == 0:
        return (
            f"No posts matched *{bk.escape_mrkdwn(report.target.name)}* in the "
            f"{report.period.label} ({report.span}). Check the query with "
            "`/earshot topics preview`, and the coverage line below for sources that are failing."
        )
    kind = "saved topic" if report.target.saved else "unsaved query (computed from stored posts)"
    return (
        f"*{bk.escape_mrkdwn(report.target.name)}* ({kind}), {report.period.label}: {report.span}"
    )


def _footnote(report: SentimentReport) -> str:
    return (
        "VADER compound from -1 (negative) to +1 (positive); posts at ±0.05 or beyond count as "
        "positive/negative. Non-English posts are counted but not scored."
    )


def _score(post: PostView) -> str:
    return f"`{post.compound:+.2f}`" if post.compound is not None else "`n/a`"


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _mean_change(fig: Figures, prev: Figures) -> str:
    if fig.mean_compound is None or prev.mean_compound is None:
        return "no previous figure"
    return f"{signed(fig.mean_compound - prev.mean_compound)} vs previous period"


def _volume_change(posts: int, previous: int) -> str:
    change = percent_change(posts, previous)
    if change is None:
        return "none in previous period" if posts else "none in either period"
    return f"{change:+.0f}% vs previous period"
