"""Volume, sentiment and reach charts as PNG bytes with alt text; the only matplotlib user."""

from __future__ import annotations

import io
import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from matplotlib import dates as mdates
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

WIDTH_IN, HEIGHT_IN, DPI = 8.0, 4.0, 100
ALT_TEXT_MAX = 1000  # files.getUploadURLExternal refuses longer alt_txt
MAX_TOPIC_LINES = 8
# Okabe-Ito: distinguishable with the common colour-vision deficiencies.
BLUE, ORANGE, YELLOW, GREY = "#0072B2", "#D55E00", "#F0E442", "#555555"
TOPIC_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
TOPIC_STYLES = ["-", "--", "-.", ":"]
NO_POSTS = "No posts in this period"


@dataclass(frozen=True)
class Chart:
    png: bytes
    alt_text: str
    title: str


def _utc(moment: datetime) -> datetime:
    # Naive datetimes are UTC by the project's convention.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _days(moment: datetime) -> float:
    """Matplotlib's date number; its stubs do not model datetime units, hence one ignore."""
    return float(mdates.date2num(_utc(moment)))  # type: ignore[no-untyped-call]


def _step(buckets: Sequence[datetime]) -> timedelta:
    gaps = [b - a for a, b in itertools.pairwise(buckets) if b > a]
    return min(gaps) if gaps else timedelta(hours=1)


def _unit(step: timedelta) -> str:
    if step == timedelta(hours=1):
        return "hour"
    if step == timedelta(days=1):
        return "day"
    if step % timedelta(days=1) == timedelta(0):
        return f"{step.days}-day period"
    if step % timedelta(hours=1) == timedelta(0):
        return f"{step // timedelta(hours=1)}-hour period"
    return f"{max(step // timedelta(minutes=1), 1)}-minute period"


def _when(moment: datetime, step: timedelta, tz: tzinfo) -> str:
    local = _utc(moment).astimezone(tz)
    if step >= timedelta(days=1):
        return f"{local.day} {local:%b %Y}"
    return f"{local.day} {local:%b %H:%M}"


def _tz_name(tz: tzinfo) -> str:
    return str(getattr(tz, "key", None) or tz.tzname(None) or "UTC")


def _compact(value: float) -> str:
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= size:
            return f"{value / size:.1f}".rstrip("0").rstrip(".") + suffix
    return f"{value:.0f}"


def _fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _check_lengths(buckets: Sequence[datetime], *columns: Sequence[object]) -> None:
    if any(len(column) != len(buckets) for column in columns):
        raise ValueError("every series must have one value per bucket")


def _figure(title: str) -> tuple[Figure, Axes]:
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.set_title(_fit(title, 90), fontsize=12, loc="left")
    return figure, axes


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _empty_chart(title: str) -> Chart:
    figure, axes = _figure(title)
    axes.set_axis_off()
    axes.text(0.5, 0.5, NO_POSTS, ha="center", va="center", fontsize=16, color=GREY)
    return Chart(_png(figure), f"{title}: {NO_POSTS.lower()}.", title)


def _time_axis(axes: Axes, tz: tzinfo) -> None:
    locator = mdates.AutoDateLocator(tz=tz, minticks=3, maxticks=8)  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_locator(locator)
    formatter = mdates.ConciseDateFormatter(locator, tz=tz)  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_formatter(formatter)
    axes.set_xlabel(f"Time ({_tz_name(tz)})")


def _bars(axes: Axes, buckets: Sequence[datetime], counts: Sequence[int], label: str) -> timedelta:
    """Draw count bars spanning each bucket; returns the bucket width."""
    step = _step(buckets)
    starts = [_days(b) for b in buckets]
    width = step / timedelta(days=1)
    axes.bar(starts, counts, width=width * 0.85, align="edge", color=BLUE, label=label, zorder=2)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(bottom=0)
    axes.set_xlim(min(starts), max(starts) + width)
    return step


def _centres(buckets: Sequence[datetime], step: timedelta) -> list[float]:
    return [_days(b + step / 2) for b in buckets]


def _legend(axes: Axes, *others: Axes) -> None:
    handles, labels = axes.get_legend_handles_labels()
    for other in others:
        more_handles, more_labels = other.get_legend_handles_labels()
        handles, labels = handles + more_handles, labels + more_labels
    axes.legend(handles, labels, loc="upper left", fontsize=8, framealpha=0.85)


def _peak(buckets: Sequence[datetime], counts: Sequence[int]) -> tuple[datetime, int]:
    index = max(range(len(counts)), key=lambda i: counts[i])
    return buckets[index], counts[index]


def volume_sentiment_chart(
    title: str,
    buckets: Sequence[datetime],
    counts: Sequence[int],
    mean_compound: Sequence[float | None],
    *,
    highlight: tuple[datetime, datetime] | None = None,
    tz: tzinfo = UTC,
) -> Chart:
    """Posts per bucket as bars, mean VADER compound as a line on a fixed -1..1 axis."""
    _check_lengths(buckets, counts, mean_compound)
    if not buckets or sum(counts) == 0:
        return _empty_chart(title)
    figure, axes = _figure(title)
    step = _bars(axes, buckets, counts, "Posts")
    axes.set_ylabel("Posts")
    if highlight is not None:
        axes.axvspan(
            _days(highlight[0]),
            _days(highlight[1]),
            color=YELLOW,
            alpha=0.45,
            label="Alert window",
            zorder=1,
        )
    sentiment = axes.twinx()
    values = [math.nan if value is None else value for value in mean_compound]
    sentiment.plot(
        _centres(buckets, step),
        values,
        color=ORANGE,
        marker="o",
        markersize=3,
        linewidth=1.8,
        label="Mean sentiment",
    )
    sentiment.axhline(0, color=GREY, linewidth=0.8, linestyle="--")
    sentiment.set_ylim(-1, 1)
    sentiment.set_ylabel("Mean sentiment (−1 negative, +1 positive)")
    _time_axis(axes, tz)
    _legend(axes, sentiment)
    return Chart(
        _png(figure), _volume_alt_text(title, buckets, counts, mean_compound, highlight, tz), title
    )


def _volume_alt_text(
    title: str,
    buckets: Sequence[datetime],
    counts: Sequence[int],
    mean_compound: Sequence[float | None],
    highlight: tuple[datetime, datetime] | None,
    tz: tzinfo,
) -> str:
    step = _step(buckets)
    unit = _unit(step)
    peak_at, peak = _peak(buckets, counts)
    parts = [
        f"{title}. Bar chart of posts per {unit} from {_when(buckets[0], step, tz)} to "
        f"{_when(buckets[-1], step, tz)} ({_tz_name(tz)}), with mean sentiment as a line "
        "on a scale from -1 (negative) to +1 (positive).",
        f"{sum(counts)} posts in total; the busiest {unit} was {_when(peak_at, step, tz)} "
        f"with {peak} posts.",
    ]
    scored = [(c, m) for c, m in zip(counts, mean_compound, strict=True) if m is not None]
    if scored:
        overall = sum(c * m for c, m in scored) / max(sum(c for c, _ in scored), 1)
        low, high = min(m for _, m in scored), max(m for _, m in scored)
        parts.append(
            f"Mean sentiment ranged from {low:+.2f} to {high:+.2f}, {overall:+.2f} overall."
        )
    else:
        parts.append("No sentiment scores in this period.")
    if highlight is not None:
        parts.append(
            f"Highlighted alert window: {_when(highlight[0], timedelta(0), tz)} to "
            f"{_when(highlight[1], timedelta(0), tz)}."
        )
    return _fit(" ".join(parts), ALT_TEXT_MAX)


def reach_chart(
    title: str,
    buckets: Sequence[datetime],
    posts: Sequence[int],
    authors: Sequence[int],
    potential_audience: Sequence[int],
    *,
    tz: tzinfo = UTC,
) -> Chart:
    """Posts per bucket as bars and the running total of potential audience as a line.

    `authors` and `potential_audience` are per-bucket rollups (unique authors, follower sum).
    Their totals count an author active in several buckets, and shared followers, more than
    once, so the chart and alt text present them as upper bounds.
    """
    _check_lengths(buckets, posts, authors, potential_audience)
    if not buckets or sum(posts) == 0:
        return _empty_chart(title)
    figure, axes = _figure(title)
    step = _bars(axes, buckets, posts, "Posts")
    axes.set_ylabel("Posts")
    running, cumulative = 0, []
    for audience in potential_audience:
        running += audience
        cumulative.append(running)
    reach = axes.twinx()
    reach.plot(
        _centres(buckets, step),
        cumulative,
        color=ORANGE,
        linewidth=2,
        label="Potential audience, cumulative (upper bound)",
    )
    reach.set_ylim(bottom=0)
    reach.yaxis.set_major_formatter(FuncFormatter(lambda value, _: _compact(value)))
    reach.set_ylabel("Potential audience (upper bound)")
    _time_axis(axes, tz)
    _legend(axes, reach)
    step = _step(buckets)
    unit = _unit(step)
    peak_at, peak = _peak(buckets, posts)
    alt_text = (
        f"{title}. Bar chart of posts per {unit} from {_when(buckets[0], step, tz)} to "
        f"{_when(buckets[-1], step, tz)} ({_tz_name(tz)}), with a line of cumulative potential "
        f"audience. {sum(posts)} posts by at most {sum(authors)} distinct authors; the busiest "
        f"{unit} was {_when(peak_at, step, tz)} with {peak} posts. Potential audience: up to "
        f"{_compact(running)} ({running} follower reaches; people following several authors "
        "count more than once, so this is an upper bound)."
    )
    return Chart(_png(figure), _fit(alt_text, ALT_TEXT_MAX), title)


def multi_topic_chart(
    title: str,
    series: Mapping[str, tuple[Sequence[datetime], Sequence[int]]],
    *,
    tz: tzinfo = UTC,
) -> Chart:
    """One line of posts per bucket for each topic, busiest topics first in the legend."""
    for buckets, counts in series.values():
        _check_lengths(buckets, counts)
    ranked = sorted(
        ((name, buckets, counts) for name, (buckets, counts) in series.items() if sum(counts)),
        key=lambda item: -sum(item[2]),
    )
    if not ranked:
        return _empty_chart(title)
    figure, axes = _figure(title)
    shown, hidden = ranked[:MAX_TOPIC_LINES], ranked[MAX_TOPIC_LINES:]
    for index, (name, buckets, counts) in enumerate(shown):
        axes.plot(
            [_days(b) for b in buckets],
            counts,
            color=TOPIC_COLOURS[index % len(TOPIC_COLOURS)],
            linestyle=TOPIC_STYLES[index // len(TOPIC_COLOURS) % len(TOPIC_STYLES)],
            linewidth=1.8,
            label=f"{_fit(name, 30)} ({sum(counts)})",
        )
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(bottom=0)
    axes.set_ylabel("Posts")
    _time_axis(axes, tz)
    axes.legend(loc="upper left", fontsize=8, framealpha=0.85)
    every_bucket = sorted({b for _, buckets, _ in ranked for b in buckets})
    step = _step(every_bucket)
    summaries = []
    for name, buckets, counts in shown:
        peak_at, peak = _peak(buckets, counts)
        summaries.append(f"{name}: {sum(counts)} posts, peak {peak} at {_when(peak_at, step, tz)}")
    if hidden:
        summaries.append(
            f"{len(hidden)} quieter topics not drawn "
            f"({sum(sum(counts) for _, _, counts in hidden)} posts)"
        )
    alt_text = (
        f"{title}. Line chart of posts per {_unit(step)} for {len(ranked)} topics from "
        f"{_when(every_bucket[0], step, tz)} to {_when(every_bucket[-1], step, tz)} "
        f"({_tz_name(tz)}). " + "; ".join(summaries) + "."
    )
    return Chart(_png(figure), _fit(alt_text, ALT_TEXT_MAX), title)


def warm_up() -> None:
    """Render one tiny chart so fonts and caches are loaded before the first real request."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    volume_sentiment_chart("warm-up", [start, start + timedelta(hours=1)], [1, 2], [0.5, None])
