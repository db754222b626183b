"""Volume, sentiment and reach charts as PNG bytes with alt text; the only matplotlib user."""

from __future__ import annotations

import functools
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from matplotlib import dates as mdates
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import findfont, get_font
from matplotlib.ticker import FuncFormatter, MaxNLocator

from commands import chart_text as text
from commands.chart_text import as_utc, bucket_step, fit

WIDTH_IN, HEIGHT_IN, DPI = 8.0, 4.0, 100
MAX_TOPIC_LINES = 8
DENSE_BUCKETS = 120
# Okabe-Ito colours stay distinguishable with the common colour-vision deficiencies.
BLUE, ORANGE, YELLOW, GREY = "#0072B2", "#D55E00", "#F0E442", "#555555"
TOPIC_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
TOPIC_STYLES = ["-", "--", "-.", ":"]


@dataclass(frozen=True)
class Chart:
    png: bytes
    alt_text: str
    title: str
    # What was drawn, read back from the artists: legend label -> one value per bucket
    # (bar heights, line points). Tests hold it against the figures in the reply's text.
    plotted: Mapping[str, tuple[float | None, ...]] = field(default_factory=dict)


def _days(moment: datetime) -> float:
    """Matplotlib's date number; its stubs do not model datetime units, hence one ignore."""
    return float(mdates.date2num(as_utc(moment)))  # type: ignore[no-untyped-call]


@functools.cache
def _has_glyph(char: str) -> bool:
    return bool(get_font(findfont("DejaVu Sans")).get_char_index(ord(char)))


def drawable(label: str) -> str:
    """User text made safe to draw: no control characters, no glyph the font lacks (emoji,
    CJK: shown as "?"), and `$` escaped so matplotlib does not read it as mathtext."""
    kept = (c if _has_glyph(c) else "?" for c in label if c.isprintable())
    return "".join(kept).replace("$", r"\$")


def _check_lengths(buckets: Sequence[datetime], *columns: Sequence[object]) -> None:
    if any(len(column) != len(buckets) for column in columns):
        raise ValueError("every series must have one value per bucket")


def _figure(title: str, *, twin_axis: bool = True) -> tuple[Figure, Axes]:
    # A Figure with its own Agg canvas shares no state with other threads (pyplot would).
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    FigureCanvasAgg(figure)
    # Fixed margins: a layout engine would draw every chart twice, doubling render time.
    figure.subplots_adjust(left=0.08, right=0.9 if twin_axis else 0.97, top=0.9, bottom=0.23)
    axes = figure.add_subplot()
    axes.set_title(drawable(fit(title, 90)), fontsize=12, loc="left")
    return figure, axes


def _plotted(*axes: Axes) -> dict[str, tuple[float | None, ...]]:
    """Each labelled artist's values as drawn: bar heights, stairs, line points (None for
    a gap in a line)."""
    drawn: dict[str, tuple[float | None, ...]] = {}
    for ax in axes:
        for container in ax.containers:
            label = str(container.get_label())
            if not label.startswith("_"):
                drawn[label] = tuple(float(bar.get_height()) for bar in container)
        for patch in ax.patches:
            stairs = getattr(patch, "get_data", None)  # a StepPatch; bars are in containers
            label = str(patch.get_label())
            if callable(stairs) and not label.startswith("_"):
                drawn[label] = tuple(float(v) for v in stairs().values)
        for line in ax.get_lines():
            label = str(line.get_label())
            if not label.startswith("_"):
                ys: Any = line.get_ydata()
                drawn[label] = tuple(None if math.isnan(y) else float(y) for y in ys)
    return drawn


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _empty_chart(title: str) -> Chart:
    figure, axes = _figure(title)
    axes.set_axis_off()
    axes.text(0.5, 0.5, text.NO_POSTS, ha="center", va="center", fontsize=16, color=GREY)
    return Chart(_png(figure), text.empty_alt_text(title), title)


def _time_axis(axes: Axes, tz: tzinfo) -> None:
    locator = mdates.AutoDateLocator(tz=tz, minticks=3, maxticks=8)  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_locator(locator)
    formatter = mdates.ConciseDateFormatter(locator, tz=tz)  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_formatter(formatter)
    axes.set_xlabel(f"Time ({text.tz_name(tz)})")


def _bars(axes: Axes, buckets: Sequence[datetime], counts: Sequence[int]) -> list[float]:
    """Posts as bars spanning each bucket; returns the bucket centres for lines drawn on top."""
    width = bucket_step(buckets) / timedelta(days=1)
    starts = [_days(b) for b in buckets]
    if len(starts) <= DENSE_BUCKETS:
        axes.bar(starts, counts, width=width * 0.85, align="edge", color=BLUE, label="Posts")
    else:
        # One stairs artist instead of hundreds of rectangles: same picture, far faster.
        edges, heights = [starts[0]], []
        for start, count in sorted(zip(starts, counts, strict=True)):
            if start > edges[-1]:
                edges.append(start)
                heights.append(0)
            edges.append(start + width)
            heights.append(count)
        axes.stairs(heights, edges, fill=True, color=BLUE, label="Posts")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(bottom=0)
    axes.set_xlim(min(starts), max(starts) + width)
    axes.set_ylabel("Posts")
    return [start + width / 2 for start in starts]


def _legend(axes: Axes, *twins: Axes) -> None:
    """One legend under the plot, where it cannot hide any data."""
    handles, labels = axes.get_legend_handles_labels()
    for twin in twins:
        twin_handles, twin_labels = twin.get_legend_handles_labels()
        handles, labels = handles + twin_handles, labels + twin_labels
    axes.figure.legend(
        handles, labels, loc="lower center", ncols=min(len(labels), 4), fontsize=8, frameon=False
    )


def volume_sentiment_chart(
    title: str,
    buckets: Sequence[datetime],
    counts: Sequence[int],
    mean_compound: Sequence[float | None],
    *,
    highlight: tuple[datetime, datetime] | None = None,
    tz: tzinfo = UTC,
    scored: Sequence[int] | None = None,
) -> Chart:
    """Posts per bucket as bars, mean VADER compound as a line on a fixed -1..1 axis.

    `scored` (scored posts per bucket) weights the overall mean in the alt text, so it is
    the reply's mean even when some posts are not scored; without it, posts weight it."""
    _check_lengths(buckets, counts, mean_compound)
    if not buckets or sum(counts) == 0:
        return _empty_chart(title)
    figure, axes = _figure(title)
    centres = _bars(axes, buckets, counts)
    if highlight is not None:
        start, end = (_days(moment) for moment in highlight)
        axes.axvspan(start, end, color=YELLOW, alpha=0.45, label="Alert window", zorder=1)
    sentiment = axes.twinx()
    values = [math.nan if value is None else value for value in mean_compound]
    marker = "o" if len(centres) <= DENSE_BUCKETS else ""
    sentiment.plot(
        centres, values, color=ORANGE, marker=marker, markersize=3, label="Mean sentiment"
    )
    sentiment.axhline(0, color=GREY, linewidth=0.8, linestyle="--")
    sentiment.set_ylim(-1, 1)
    sentiment.set_ylabel("Mean sentiment (−1 to +1)")
    _time_axis(axes, tz)
    _legend(axes, sentiment)
    weights = counts if scored is None else scored
    alt_text = text.volume_alt_text(title, buckets, counts, mean_compound, highlight, tz, weights)
    return Chart(_png(figure), alt_text, title, _plotted(axes, sentiment))


def reach_chart(
    title: str,
    buckets: Sequence[datetime],
    posts: Sequence[int],
    authors_so_far: Sequence[int],
    audience_so_far: Sequence[int],
    *,
    tz: tzinfo = UTC,
) -> Chart:
    """Posts per bucket as bars and the potential audience so far as a line.

    `authors_so_far` and `audience_so_far` are running totals from the period's start, each
    author counted once (on their first bucket), so the line ends at the reply's figure.
    Shared followers still count once per author they follow: an upper bound.
    """
    _check_lengths(buckets, posts, authors_so_far, audience_so_far)
    if not buckets or sum(posts) == 0:
        return _empty_chart(title)
    figure, axes = _figure(title)
    centres = _bars(axes, buckets, posts)
    reach = axes.twinx()
    reach.plot(
        centres, list(audience_so_far), color=ORANGE, linewidth=2, label="Potential audience so far"
    )
    reach.set_ylim(bottom=0)
    reach.yaxis.set_major_formatter(FuncFormatter(lambda value, _: text.compact(value)))
    reach.set_ylabel("Potential audience (upper bound)")
    _time_axis(axes, tz)
    _legend(axes, reach)
    alt_text = text.reach_alt_text(
        title, buckets, posts, authors_so_far[-1], audience_so_far[-1], tz
    )
    return Chart(_png(figure), alt_text, title, _plotted(axes, reach))


def multi_topic_chart(
    title: str,
    series: Mapping[str, tuple[Sequence[datetime], Sequence[int]]],
    *,
    tz: tzinfo = UTC,
) -> Chart:
    """One line of posts per bucket for each topic; the eight busiest are drawn."""
    for buckets, counts in series.values():
        _check_lengths(buckets, counts)
    ranked = sorted(
        ((name, buckets, counts) for name, (buckets, counts) in series.items() if sum(counts)),
        key=lambda item: -sum(item[2]),
    )
    if not ranked:
        return _empty_chart(title)
    figure, axes = _figure(title, twin_axis=False)
    shown, hidden = ranked[:MAX_TOPIC_LINES], ranked[MAX_TOPIC_LINES:]
    for index, (name, buckets, counts) in enumerate(shown):
        axes.plot(
            [_days(b) for b in buckets],
            counts,
            color=TOPIC_COLOURS[index % len(TOPIC_COLOURS)],
            # Colour repeats after seven topics; the dash pattern keeps lines apart.
            linestyle=TOPIC_STYLES[index // len(TOPIC_COLOURS) % len(TOPIC_STYLES)],
            linewidth=1.8,
            label=drawable(f"{fit(name, 30)} ({sum(counts)})"),
        )
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_ylim(bottom=0)
    axes.set_ylabel("Posts")
    _time_axis(axes, tz)
    _legend(axes)
    alt_text = text.topics_alt_text(title, shown, hidden, tz)
    return Chart(_png(figure), alt_text, title, _plotted(axes))


def warm_up() -> None:
    """Render one small chart so fonts and caches are loaded before the first real request."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    volume_sentiment_chart("warm-up", [start, start + timedelta(hours=1)], [1, 2], [0.5, None])
