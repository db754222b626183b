"""The digest: per topic volume, sentiment, top posts, emerging terms, reach and coverage."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from commands import blocks as bk
from commands import question_reports, routes, shares
from commands.charts import Chart, multi_topic_chart
from commands.context import Ctx, Reply, UsageError
from commands.coverage import coverage_line
from commands.dedupe import distinct_posts
from commands.fmt import signed
from commands.period import Period
from commands.query import parse
from commands.series import Figures, buckets, percent_change, total
from commands.target import language_line
from commands.terms import Term, TermCounts, count_terms, emerging_terms
from storage import reads, rollup_reads
from storage.models import Topic
from storage.reads import PostView
from storage.topics import Topics

BASELINE_PERIODS = 7  # emerging terms compare against the average of the 7 periods before
TOP_POSTS = 2


@dataclass(frozen=True, slots=True)
class TopicDigest:
    topic: Topic
    figures: Figures
    previous: Figures
    week_ago: Figures
    top: list[PostView]
    terms: list[Term]
    usual: str  # what the terms' rise is measured against ("a usual day"), for their evidence
    history: str  # the stretch that baseline covers ("the previous 7 days")
    audience: tuple[int, int] | None  # (unique authors, potential audience) for campaigns
    hourly: list[tuple[datetime, int]]
    languages: dict[str, int] = field(default_factory=dict)  # posts per language


@dataclass(frozen=True, slots=True)
class Digest:
    local_date: date
    timezone: str
    frequency: str
    period: Period
    topics: list[TopicDigest]
    coverage: str
    extra_lines: list[str] = field(default_factory=list)


def window(local_date: date, local_time: str, tz: str, frequency: str) -> Period:
    """The day (or week) ending at the digest's local time on `local_date`.

    Computed in the zone, so "9:00 local" stays 9:00 across daylight-saving changes.
    """
    hour, minute = (int(part) for part in local_time.split(":"))
    end_local = datetime.combine(local_date, time(hour, minute), ZoneInfo(tz))
    days = 7 if frequency == "weekly" else 1
    start_local = datetime.combine(
        local_date - timedelta(days=days), time(hour, minute), ZoneInfo(tz)
    )
    label = "past week" if days == 7 else "past 24 hours"
    return Period(
        start_local.astimezone(ZoneInfo("UTC")), end_local.astimezone(ZoneInfo("UTC")), label
    )


def build(
    ctx: Ctx,
    *,
    local_date: date,
    local_time: str = "09:00",
    tz: str = "UTC",
    frequency: str = "daily",
    topic_names: list[str] | None = None,
) -> Digest:
    period = window(local_date, local_time, tz, frequency)
    chosen = _topics(ctx, topic_names)
    # The workspace's posts over the same stretch as the topics' own baseline: a term
    # common everywhere is not emerging in one topic.
    base_start = period.start - period.length * BASELINE_PERIODS
    background = count_terms(reads.team_texts(ctx.engine, ctx.team_id, base_start, period.start))
    return Digest(
        local_date=local_date,
        timezone=tz,
        frequency=frequency,
        period=period,
        topics=[_topic_digest(ctx, topic, period, tz, background) for topic in chosen],
        coverage=coverage_line(ctx.engine, ctx.team_id, ctx.now),
        extra_lines=[
            *routes.routing_digest_lines(ctx, period),
            *question_reports.digest_lines(ctx, period),
            *shares.digest_share_lines(ctx, period),
        ],
    )


def _topics(ctx: Ctx, names: list[str] | None) -> list[Topic]:
    every = Topics(ctx.engine).all(ctx.team_id)
    if not names:
        return every
    by_name = {t.name.lower(): t for t in every}
    missing = [n for n in names if n.lower() not in by_name]
    if missing:
        raise UsageError(
            f"Unknown topic(s): {', '.join(missing)}. `/earshot topics list` shows them."
        )
    return [by_name[n.lower()] for n in names]


def _figures(ctx: Ctx, topic_id: int, period: Period) -> Figures:
    return total(rollup_reads.hourly(ctx.engine, ctx.team_id, topic_id, period.start, period.end))


def _topic_digest(
    ctx: Ctx, topic: Topic, period: Period, tz: str, background: TermCounts
) -> TopicDigest:
    assert topic.id is not None
    rows = rollup_reads.hourly(ctx.engine, ctx.team_id, topic.id, period.start, period.end)
    week = timedelta(days=7)
    week_ago = Period(period.start - week, period.end - week, "same day last week")
    current_texts = reads.topic_texts(ctx.engine, ctx.team_id, topic.id, period.start, period.end)
    base_start = period.start - period.length * BASELINE_PERIODS
    baseline_texts = reads.topic_texts(ctx.engine, ctx.team_id, topic.id, base_start, period.start)
    unit = "week" if period.length >= timedelta(days=7) else "day"
    audience = None
    if topic.kind == "campaign":
        audience = rollup_reads.audience(
            ctx.engine, ctx.team_id, topic.id, period.start, period.end
        )
    return TopicDigest(
        topic=topic,
        figures=total(rows),
        previous=_figures(ctx, topic.id, period.previous()),
        week_ago=_figures(ctx, topic.id, week_ago),
        top=distinct_posts(
            reads.topic_posts(
                ctx.engine, ctx.team_id, topic.id, period.start, period.end, limit=TOP_POSTS * 5
            ),
            TOP_POSTS,
        ),
        terms=emerging_terms(
            current_texts,
            baseline_texts,
            BASELINE_PERIODS,
            parse(topic.query),
            background=background,
        ),
        usual=f"a usual {unit}",
        history=f"the previous {BASELINE_PERIODS} {unit}s",
        audience=audience,
        # Bucketed in the digest's zone: the chart's days are the reader's days.
        hourly=[(b.start, b.posts) for b in buckets(rows, period, tz)],
        languages=reads.topic_languages(
            ctx.engine, ctx.team_id, topic.id, period.start, period.end
        ),
    )


def as_json(digest: Digest) -> dict[str, Any]:
    return {
        "date": digest.local_date.isoformat(),
        "timezone": digest.timezone,
        "frequency": digest.frequency,
        "start": digest.period.start.isoformat(),
        "end": digest.period.end.isoformat(),
        "topics": [
            {
                "topic": t.topic.name,
                "posts": t.figures.posts,
                "previous_posts": t.previous.posts,
                "same_weekday_posts": t.week_ago.posts,
                "mean_compound": None
                if t.figures.mean_compound is None
                else round(t.figures.mean_compound, 4),
                "scored": t.figures.scored,
                "negative": t.figures.negative,
                "emerging_terms": [
                    {
                        "term": term.term,
                        "authors": term.count,
                        "usual_authors": round(term.baseline, 2),
                        "evidence": term.evidence(t.usual, t.history),
                    }
                    for term in t.terms
                ],
                "unique_authors": t.audience[0] if t.audience else None,
                "potential_audience_upper_bound": t.audience[1] if t.audience else None,
                "languages": t.languages,
            }
            for t in digest.topics
        ],
        "coverage": digest.coverage,
        "extra": digest.extra_lines,
    }


def render(digest: Digest, *, late: bool = False) -> Reply:
    cadence = "Weekly" if digest.frequency == "weekly" else "Daily"
    title = f"{cadence} digest · {digest.local_date:%a %d %b %Y}"
    local_end = digest.period.end.astimezone(ZoneInfo(digest.timezone))
    lede = f"{digest.period.label.capitalize()} to {local_end:%H:%M} {digest.timezone}."
    if late:
        lede = ":hourglass: *Sent late* (Earshot was not running at the scheduled time). " + lede
    blocks: list[dict[str, Any]] = [bk.header(title), bk.section(lede)]
    lines = [title + (" (sent late)" if late else "")]
    if not digest.topics:
        blocks.append(bk.section("No topics yet: add one with `/earshot topics add`."))
    for t in digest.topics:
        blocks.extend(_topic_blocks(t))
        lines.append(_topic_line(t))
    for extra in digest.extra_lines:
        blocks.append(bk.section(extra))
        lines.append(extra)
    blocks.append(bk.context(digest.coverage))
    chart = _chart(title, digest)
    return Reply(
        text="\n".join(lines), blocks=bk.limit_blocks(blocks), chart=chart, data=as_json(digest)
    )


def _topic_line(t: TopicDigest) -> str:
    change = _change(t.figures.posts, t.previous.posts)
    return f"{t.topic.name}: {t.figures.posts} posts ({change}), sentiment {_mean(t.figures)}"


def _topic_blocks(t: TopicDigest) -> list[dict[str, Any]]:
    fig = t.figures
    name = bk.escape_mrkdwn(t.topic.name)
    fields = [
        f"*Posts*\n{fig.posts:,} ({_change(fig.posts, t.previous.posts)} vs previous, "
        f"{_change(fig.posts, t.week_ago.posts)} vs same day last week)",
        f"*Sentiment*\n{_mean(fig)} ({_mean_delta(fig, t.previous)}), "
        f"{fig.negative:,} negative of {fig.scored:,} scored"
        + (f"; posts by language: {language_line(t.languages)}" if t.languages else ""),
    ]
    if t.audience:
        fields.append(
            f"*Reach*\n{t.audience[0]:,} authors, audience up to {t.audience[1]:,} (upper bound)"
        )
    out = [bk.divider(), bk.section(f"*{name}* ({t.topic.kind})", fields=fields)]
    if t.top:
        quotes = "\n".join(
            f"• `{p.lang or 'und'}` {bk.quote_post(p.text, p.url, limit=200)}" for p in t.top
        )
        out.append(bk.section(f"*Top posts*\n{quotes}"))
    if t.terms:
        terms = "\n".join(
            f"• `{bk.escape_mrkdwn(term.term)}`: {term.evidence(t.usual, t.history)}"
            for term in t.terms
        )
        out.append(bk.section(f"*Emerging terms* not in the query\n{terms}"))
        out.append(
            bk.actions(
                *(
                    # Slack refuses a block whose action_ids repeat (invalid_blocks): number them.
                    bk.button(
                        f"Add {term.term}",
                        f"digest_add_term:{index}",
                        f"{t.topic.id}|{term.query}",
                    )
                    for index, term in enumerate(t.terms[:5])
                ),
                block_id=f"terms-{t.topic.id}",
            )
        )
    return out


def _chart(title: str, digest: Digest) -> Chart:
    series = {
        t.topic.name: ([b for b, _ in t.hourly], [n for _, n in t.hourly])
        for t in digest.topics[:8]
    }
    unit = "day" if digest.frequency == "weekly" else "hour"
    return multi_topic_chart(f"{title} · posts per {unit}", series, tz=ZoneInfo(digest.timezone))


def _change(current: int, previous: int) -> str:
    change = percent_change(current, previous)
    return (
        "new"
        if change is None and current
        else "no change"
        if change is None
        else f"{change:+.0f}%"
    )


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _mean(fig: Figures) -> str:
    return signed(fig.mean_compound)


def _mean_delta(fig: Figures, previous: Figures) -> str:
    if fig.mean_compound is None or previous.mean_compound is None:
        return "no previous figure"
    return f"{signed(fig.mean_compound - previous.mean_compound)} vs previous"
