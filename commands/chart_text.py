"""Alt text for the charts: the numbers a screen reader user needs, in a sentence or three."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, tzinfo

ALT_TEXT_MAX = 1000  # files.getUploadURLExternal refuses a longer alt_txt
NO_POSTS = "No posts in this period"
TopicSeries = tuple[str, Sequence[datetime], Sequence[int]]


def as_utc(moment: datetime) -> datetime:
    """Naive datetimes are UTC by the project's convention."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def bucket_step(buckets: Sequence[datetime]) -> timedelta:
    """The bucket width, read from the smallest gap; one hour when there is a single bucket."""
    gaps = [later - earlier for earlier, later in itertools.pairwise(buckets) if later > earlier]
    return min(gaps) if gaps else timedelta(hours=1)


def unit_name(step: timedelta) -> str:
    if step == timedelta(hours=1):
        return "hour"
    if step == timedelta(days=1):
        return "day"
    if step % timedelta(days=1) == timedelta(0):
        return f"{step.days}-day period"
    if step % timedelta(hours=1) == timedelta(0):
        return f"{step // timedelta(hours=1)}-hour period"
    return f"{max(step // timedelta(minutes=1), 1)}-minute period"


def when(moment: datetime, step: timedelta, tz: tzinfo) -> str:
    local = as_utc(moment).astimezone(tz)
    if step >= timedelta(days=1):
        return f"{local.day} {local:%b %Y}"
    return f"{local.day} {local:%b %H:%M}"


def tz_name(tz: tzinfo) -> str:
    return str(getattr(tz, "key", None) or tz.tzname(None) or "UTC")


def compact(value: float) -> str:
    """1234567 -> "1.2M", for axis ticks and spoken summaries."""
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= size:
            return f"{value / size:.1f}".removesuffix(".0") + suffix
    return f"{value:.0f}"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def peak(buckets: Sequence[datetime], counts: Sequence[int]) -> tuple[datetime, int]:
    index = max(range(len(counts)), key=lambda i: counts[i])
    return buckets[index], counts[index]


def _span(buckets: Sequence[datetime], step: timedelta, tz: tzinfo) -> str:
    return f"from {when(buckets[0], step, tz)} to {when(buckets[-1], step, tz)} ({tz_name(tz)})"


def empty_alt_text(title: str) -> str:
    return fit(f"{title}: {NO_POSTS.lower()}.", ALT_TEXT_MAX)


def volume_alt_text(
    title: str,
    buckets: Sequence[datetime],
    counts: Sequence[int],
    mean_compound: Sequence[float | None],
    highlight: tuple[datetime, datetime] | None,
    tz: tzinfo,
    weights: Sequence[int] | None = None,
) -> str:
    step = bucket_step(buckets)
    unit = unit_name(step)
    peak_at, peak_count = peak(buckets, counts)
    parts = [
        f"{title}. Bar chart of posts per {unit} {_span(buckets, step, tz)}, with mean "
        "sentiment as a line on a scale from -1 (negative) to +1 (positive).",
        f"{plural(sum(counts), 'post')} in total; the busiest {unit} was "
        f"{when(peak_at, step, tz)} with {plural(peak_count, 'post')}.",
    ]
    weighting = counts if weights is None else weights
    scored = [(c, m) for c, m in zip(weighting, mean_compound, strict=True) if m is not None]
    if scored:
        overall = sum(c * m for c, m in scored) / max(sum(c for c, _ in scored), 1)
        low, high = min(m for _, m in scored), max(m for _, m in scored)
        parts.append(
            f"Mean sentiment ranged from {low:+.2f} to {high:+.2f}, {overall:+.2f} overall."
        )
    else:
        parts.append("No sentiment scores in this period.")
    if highlight is not None:
        start, end = (when(moment, timedelta(0), tz) for moment in highlight)
        parts.append(f"Highlighted alert window: {start} to {end}.")
    return fit(" ".join(parts), ALT_TEXT_MAX)


def reach_alt_text(
    title: str,
    buckets: Sequence[datetime],
    posts: Sequence[int],
    authors_total: int,
    audience_total: int,
    tz: tzinfo,
) -> str:
    step = bucket_step(buckets)
    unit = unit_name(step)
    peak_at, peak_count = peak(buckets, posts)
    return fit(
        f"{title}. Bar chart of posts per {unit} {_span(buckets, step, tz)}, with a line of "
        f"potential audience so far. {plural(sum(posts), 'post')} by "
        f"{plural(authors_total, 'unique author')}; the busiest {unit} was "
        f"{when(peak_at, step, tz)} with {plural(peak_count, 'post')}. "
        f"Potential audience: up to {compact(audience_total)} ({audience_total} followers of "
        "those authors, each author counted once; people following several authors count "
        "more than once, so this is an upper bound).",
        ALT_TEXT_MAX,
    )


def topics_alt_text(
    title: str, shown: Sequence[TopicSeries], hidden: Sequence[TopicSeries], tz: tzinfo
) -> str:
    every_bucket = sorted({b for _, buckets, _ in [*shown, *hidden] for b in buckets})
    step = bucket_step(every_bucket)
    summaries = []
    for name, buckets, counts in shown:
        peak_at, peak_count = peak(buckets, counts)
        summaries.append(
            f"{name}: {plural(sum(counts), 'post')}, peak {peak_count} at {when(peak_at, step, tz)}"
        )
    if hidden:
        quiet_posts = sum(sum(counts) for _, _, counts in hidden)
        summaries.append(f"{plural(len(hidden), 'quieter topic')} not drawn ({quiet_posts} posts)")
    topics = plural(len(shown) + len(hidden), "topic")
    return fit(
        f"{title}. Line chart of posts per {unit_name(step)} for {topics} "
        f"{_span(every_bucket, step, tz)}. " + "; ".join(summaries) + ".",
        ALT_TEXT_MAX,
    )
