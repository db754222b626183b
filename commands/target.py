"""What a report is about: a saved topic (read from rollups) or an ad-hoc query."""

from __future__ import annotations

from dataclasses import dataclass

from commands.context import Ctx, UsageError
from commands.dedupe import distinct_posts
from commands.period import Period, looks_like_period
from commands.query import Document, Query, QueryError, compile_matcher, parse
from commands.series import hourly_from_posts
from storage import reads, rollup_reads
from storage.models import Topic
from storage.reads import PostView
from storage.rollup_reads import HourTotals
from storage.topics import Topics

ADHOC_SCAN_LIMIT = 200_000  # an unsaved query scans stored posts; bound the cost


@dataclass(frozen=True, slots=True)
class Target:
    name: str
    query: Query
    topic: Topic | None

    @property
    def saved(self) -> bool:
        return self.topic is not None


def split_period(text: str) -> tuple[str, str | None]:
    """`flood 7d` -> ("flood", "7d"); the period is optional and comes last."""
    words = text.split()
    if len(words) > 1 and looks_like_period(words[-1]):
        return " ".join(words[:-1]), words[-1]
    return text.strip(), None


def resolve(ctx: Ctx, text: str, *, kind: str | None = None) -> Target:
    """A saved topic by name (case-insensitive), else the text parsed as a query."""
    text = text.strip()
    if not text:
        raise UsageError(
            'Name a topic or write a query, e.g. `flood` or `"boil water" OR #yycflood`.'
        )
    for topic in Topics(ctx.engine).all(ctx.team_id, kind):
        if topic.name.lower() == text.lower():
            return Target(topic.name, parse(topic.query), topic)
    try:
        return Target(text, parse(text), None)
    except QueryError as exc:
        pointer = exc.pointer(text)
        raise UsageError(
            f"{text!r} is not a saved topic, and as a query: {exc.message}\n```{pointer}```"
        ) from exc


def hours(ctx: Ctx, target: Target, period: Period) -> list[HourTotals]:
    if target.topic is not None and target.topic.id is not None:
        return rollup_reads.hourly(
            ctx.engine, ctx.team_id, target.topic.id, period.start, period.end
        )
    return hourly_from_posts(adhoc_posts(ctx, target, period))


def languages(ctx: Ctx, target: Target, period: Period) -> dict[str, int]:
    """How many of the target's posts in the period are in each language, most first."""
    if target.topic is not None and target.topic.id is not None:
        return reads.topic_languages(
            ctx.engine, ctx.team_id, target.topic.id, period.start, period.end
        )
    counts: dict[str, int] = {}
    for post in adhoc_posts(ctx, target, period):
        counts[post.lang or "und"] = counts.get(post.lang or "und", 0) + 1
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def language_line(counts: dict[str, int], limit: int = 6) -> str:
    """`en 812, es 40, tl 9, und 12`: the languages a figure rests on ("und": undetermined)."""
    shown = [f"{lang} {count:,}" for lang, count in list(counts.items())[:limit]]
    rest = sum(list(counts.values())[limit:])
    return ", ".join(shown + ([f"other {rest:,}"] if rest else []))


def adhoc_posts(ctx: Ctx, target: Target, period: Period) -> list[PostView]:
    """Stored posts in the period that match an unsaved query (bounded scan)."""
    matcher = compile_matcher([(0, target.query)])
    found: list[PostView] = []
    scanned = 0
    for chunk in reads.iter_posts(ctx.engine, ctx.team_id, start=period.start):
        for post in chunk:
            if post.created_at < period.end and matcher.match(document(post)):
                found.append(post)
        scanned += len(chunk)
        if scanned >= ADHOC_SCAN_LIMIT:
            break
    return found


def top_posts(
    ctx: Ctx, target: Target, period: Period, order: str, limit: int = 3
) -> list[PostView]:
    """The best posts in `order`, reposts and near-identical texts once (the first, best)."""
    if target.topic is not None and target.topic.id is not None:
        candidates = reads.topic_posts(
            ctx.engine,
            ctx.team_id,
            target.topic.id,
            period.start,
            period.end,
            order=order,
            limit=limit * 5,  # room for the copies that distinct_posts drops
        )
        return distinct_posts(candidates, limit)
    posts = [p for p in adhoc_posts(ctx, target, period) if not p.is_repost]
    if order == "negative":
        posts = sorted(
            (p for p in posts if p.compound is not None and p.compound <= -0.05),
            key=lambda p: p.compound or 0.0,
        )
    elif order == "positive":
        posts = sorted(
            (p for p in posts if p.compound is not None and p.compound >= 0.05),
            key=lambda p: -(p.compound or 0.0),
        )
    else:
        posts = sorted(posts, key=lambda p: -p.engagement)
    return distinct_posts(posts, limit)


def document(post: PostView) -> Document:
    """A stored post as the query language sees it."""
    return Document(
        text=post.text,
        lang=post.lang,
        source=post.source_kind,
        source_name=post.source,
        author=post.author,
        links=tuple(post.links),
    )
