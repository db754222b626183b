"""Charts: real PNGs of the promised size, alt text carrying the numbers, safe across threads."""

from __future__ import annotations

import io
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

import numpy as np
import pytest
from matplotlib import image as mpimg

from commands import charts
from commands.charts import Chart

START = datetime(2026, 9, 9, 0, 0, tzinfo=UTC)
HOURS = [START + timedelta(hours=h) for h in range(24)]
COUNTS = [2] * 24
COUNTS[18] = 58
SENTIMENT: list[float | None] = [0.1] * 24
SENTIMENT[5], SENTIMENT[18], SENTIMENT[20] = None, -0.42, 0.35
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
# The alert window's yellow (#F0E442) at alpha 0.45 over the white axes background.
HIGHLIGHT_RGB = np.array([0.45 * c + 0.55 for c in (240 / 255, 228 / 255, 66 / 255)])


def pixels(chart: Chart) -> np.ndarray:
    assert chart.png.startswith(PNG_MAGIC)
    decoded: np.ndarray = mpimg.imread(io.BytesIO(chart.png), format="png")
    return decoded


def highlight_pixels(chart: Chart) -> int:
    rgb = pixels(chart)[:, :, :3]
    return int((np.abs(rgb - HIGHLIGHT_RGB).max(axis=2) < 0.02).sum())


def volume(*, highlight: tuple[datetime, datetime] | None = None, tz: tzinfo = UTC) -> Chart:
    title = "Mentions of acme recall"
    return charts.volume_sentiment_chart(
        title, HOURS, COUNTS, SENTIMENT, highlight=highlight, tz=tz
    )


def test_volume_chart_is_an_800_by_400_png() -> None:
    chart = volume()
    assert pixels(chart).shape == (400, 800, 4)
    assert chart.title == "Mentions of acme recall"


def test_volume_alt_text_gives_totals_peak_and_sentiment_range() -> None:
    alt = volume().alt_text
    assert alt.startswith("Mentions of acme recall. Bar chart of posts per hour")
    assert "from 9 Sep 00:00 to 9 Sep 23:00 (UTC)" in alt
    assert f"{sum(COUNTS)} posts in total" in alt
    assert "the busiest hour was 9 Sep 18:00 with 58 posts" in alt
    assert "ranged from -0.42 to +0.35" in alt
    overall = sum(c * m for c, m in zip(COUNTS, SENTIMENT, strict=True) if m is not None) / (
        sum(COUNTS) - COUNTS[5]
    )
    assert f"{overall:+.2f} overall" in alt


def test_alt_text_and_axis_follow_the_requested_time_zone() -> None:
    alt = volume(tz=ZoneInfo("America/New_York")).alt_text
    assert "from 8 Sep 20:00 to 9 Sep 19:00 (America/New_York)" in alt
    assert "the busiest hour was 9 Sep 14:00" in alt


def test_naive_datetimes_are_read_as_utc() -> None:
    naive = [moment.replace(tzinfo=None) for moment in HOURS]
    chart = charts.volume_sentiment_chart("Mentions of acme recall", naive, COUNTS, SENTIMENT)
    assert chart == volume()


def test_alert_window_is_highlighted_and_described() -> None:
    plain = volume()
    highlighted = volume(highlight=(HOURS[17], HOURS[20]))
    assert highlight_pixels(plain) == 0
    assert highlight_pixels(highlighted) > 2000
    assert "Highlighted alert window: 9 Sep 17:00 to 9 Sep 20:00." in highlighted.alt_text


def test_daily_buckets_are_described_as_days() -> None:
    days = [START + timedelta(days=d) for d in range(14)]
    chart = charts.volume_sentiment_chart("Two weeks", days, list(range(14)), [None] * 14)
    assert "posts per day from 9 Sep 2026 to 22 Sep 2026" in chart.alt_text
    assert "the busiest day was 22 Sep 2026 with 13 posts" in chart.alt_text
    assert "No sentiment scores in this period." in chart.alt_text


def test_long_series_render_as_one_stairs_artist_with_gaps_kept() -> None:
    hours = [START + timedelta(hours=h) for h in range(24 * 30) if h != 100]
    counts = [h % 13 for h in range(len(hours))]
    chart = charts.volume_sentiment_chart("Thirty days", hours, counts, [0.2] * len(hours))
    assert pixels(chart).shape == (400, 800, 4)
    assert f"{sum(counts)} posts in total" in chart.alt_text
    assert "posts per hour from 9 Sep 00:00 to 8 Oct 23:00" in chart.alt_text


@pytest.mark.parametrize(
    ("buckets", "counts"), [([], []), (HOURS[:3], [0, 0, 0])], ids=["no buckets", "all zero"]
)
def test_empty_data_renders_a_clear_image(buckets: list[datetime], counts: list[int]) -> None:
    chart = charts.volume_sentiment_chart("Quiet topic", buckets, counts, [None] * len(counts))
    assert pixels(chart).shape == (400, 800, 4)
    assert chart.alt_text == "Quiet topic: no posts in this period."
    reach = charts.reach_chart("Quiet", buckets, counts, counts, counts)
    assert reach.alt_text == "Quiet: no posts in this period."
    assert charts.multi_topic_chart("Digest", {}).alt_text == "Digest: no posts in this period."


def test_mismatched_series_are_refused() -> None:
    with pytest.raises(ValueError, match="one value per bucket"):
        charts.volume_sentiment_chart("x", HOURS, COUNTS[:-1], SENTIMENT)


def test_reach_chart_labels_audience_as_an_upper_bound() -> None:
    days = [START + timedelta(days=d) for d in range(7)]
    posts, authors = [3, 5, 0, 9, 4, 2, 1], [2, 5, 5, 9, 11, 12, 12]
    audience = [1200, 41_200, 41_200, 291_200, 300_200, 300_500, 300_500]
    chart = charts.reach_chart("Reach: water campaign", days, posts, authors, audience)
    assert pixels(chart).shape == (400, 800, 4)
    assert "24 posts by 12 unique authors" in chart.alt_text
    assert "the busiest day was 12 Sep 2026 with 9 posts" in chart.alt_text
    assert "up to 300.5K (300500 followers of those authors" in chart.alt_text
    assert "upper bound" in chart.alt_text
    # The line is the running total as given, not summed again.
    assert chart.plotted["Potential audience so far"] == tuple(audience)
    assert chart.plotted["Posts"] == tuple(posts)


def test_multi_topic_chart_ranks_topics_and_notes_those_not_drawn() -> None:
    days = [START + timedelta(days=d) for d in range(5)]
    series = {f"topic {n}": (days, [n, 0, n * 2, 0, 1]) for n in range(1, 11)}
    series["silent"] = (days, [0] * 5)
    chart = charts.multi_topic_chart("Weekly digest", series)
    assert pixels(chart).shape == (400, 800, 4)
    alt = chart.alt_text
    assert "Line chart of posts per day for 10 topics" in alt
    assert alt.index("topic 10: 31 posts, peak 20 at 11 Sep 2026") < alt.index("topic 9: 28")
    assert "2 quieter topics not drawn (11 posts)" in alt
    assert "silent" not in alt


def test_alt_text_stays_within_slacks_limit() -> None:
    days = [START + timedelta(days=d) for d in range(3)]
    series = {f"a rather long topic name number {n}": (days, [n, 1, 2]) for n in range(1, 9)}
    chart = charts.multi_topic_chart("Digest " + "x" * 500, series)
    assert len(chart.alt_text) <= 1000
    assert chart.alt_text.endswith("…")


def test_rendering_from_four_threads_matches_serial_rendering() -> None:
    days = [START + timedelta(days=d) for d in range(10)]
    jobs: list[Callable[[], Chart]] = [
        lambda: volume(highlight=(HOURS[2], HOURS[4])),
        lambda: charts.reach_chart("Reach", days, [1] * 10, [1] * 10, list(range(10))),
        lambda: charts.multi_topic_chart("Digest", {"a": (days, list(range(10)))}),
        lambda: volume(tz=ZoneInfo("Europe/London")),
    ] * 2
    serial = [job() for job in jobs]
    with ThreadPoolExecutor(max_workers=4) as pool:
        concurrent = list(pool.map(lambda job: job(), jobs))
    assert concurrent == serial


def test_warm_up_renders_without_error() -> None:
    charts.warm_up()
