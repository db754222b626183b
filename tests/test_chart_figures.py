"""Every figure a chart shows equals the figure in the reply beside it, for each chart kind."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from commands import digest, topics
from commands.context import Ctx
from commands.registry import dispatch
from jobs.ingest import Ingestor, SourceRef
from jobs.sentiment.scorer import Scorer
from jobs.sources.base import RawPost
from storage.sources import Sources

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
TEXTS = [
    "Flood water is rising, this is terrible",
    "Thank you crews, great flood response",
    "flood barriers going up on Main St",
    "Scary flood night, stay safe everyone",
]


def _ctx(engine: Engine) -> Ctx:
    return Ctx(engine=engine, team_id="T1", now=NOW, user_id="U1", channel_id="C1")


def _posts() -> list[RawPost]:
    """Two weeks in which the same authors post day after day (the case a per-day sum of
    followers overcounts), some posts in French (counted, not scored), and reposts."""
    posts = []
    for day in range(14):
        for n, author in enumerate(("ann", "bob", "cy")[: 1 + day % 3]):
            at = NOW - timedelta(days=day, hours=2 + n)
            posts.append(
                RawPost(
                    external_id=f"{day}-{author}",
                    text=f"{TEXTS[(day + n) % 4]} ({day})",
                    created_at=at,
                    author=author,
                    author_followers={"ann": 10_000, "bob": 2_500, "cy": 40}[author],
                    lang="fr" if (day + n) % 5 == 0 else "en",
                    is_repost=n == 2,
                    likes=n,
                )
            )
    return posts


@pytest.fixture
def ctx(engine: Engine) -> Ctx:
    context = _ctx(engine)
    topics.add(context, "flood", "flood", kind="campaign")
    row = Sources(engine).ensure("T1", "feed", "mastodon", now=NOW)
    assert row.id
    ref = SourceRef(row.id, "mastodon", "feed")
    Ingestor(engine, Scorer()).ingest("T1", ref, _posts(), now=NOW)
    return context


def _number(pattern: str, text: str) -> float:
    found = re.search(pattern, text)
    assert found, f"{pattern!r} not in {text!r}"
    return float(found.group(1).replace(",", ""))


def test_sentiment_chart_shows_the_replys_posts_and_mean(ctx: Ctx) -> None:
    reply = dispatch("/sentiment", "flood 14d", ctx)
    assert reply.chart is not None
    drawn, data = reply.chart.plotted, reply.data
    assert data["unscored"] > 0  # the case where a mean weighted by posts would differ
    assert sum(v or 0 for v in drawn["Posts"]) == data["posts"]
    assert _number(r": (\d+) posts", reply.text) == data["posts"]
    alt = reply.chart.alt_text
    assert _number(r"(\d+) posts in total", alt) == data["posts"]
    overall = _number(r"([+-]\d\.\d\d) overall", alt)
    assert overall == pytest.approx(data["mean_compound"], abs=5e-3)
    assert f"mean sentiment {overall:+.2f}" in reply.text
    line = [v for v in drawn["Mean sentiment"] if v is not None]
    series = [b["mean_compound"] for b in data["series"] if b["mean_compound"] is not None]
    assert line == pytest.approx(series, abs=1e-4)


def test_reach_chart_line_ends_at_the_replys_audience(ctx: Ctx) -> None:
    reply = dispatch("/reach", "flood 14d", ctx)
    assert reply.chart is not None
    drawn, data = reply.chart.plotted, reply.data
    # ann posted on all 14 days: counted once, not 14 times.
    assert data["unique_authors"] == 3
    assert data["potential_audience_upper_bound"] == 10_000 + 2_500 + 40
    audience = drawn["Potential audience so far"]
    assert audience[-1] == data["potential_audience_upper_bound"]
    assert list(audience) == sorted(v or 0 for v in audience)  # a running total never falls
    assert f"up to {data['potential_audience_upper_bound']:,}" in reply.text
    assert sum(v or 0 for v in drawn["Posts"]) == data["posts"] + data["reposts"]
    alt = reply.chart.alt_text
    assert _number(r"by (\d+) unique authors", alt) == data["unique_authors"]
    assert _number(r"\((\d+) followers", alt) == data["potential_audience_upper_bound"]


@pytest.mark.parametrize("frequency", ["daily", "weekly"])
def test_digest_chart_lines_add_up_to_each_topics_posts(ctx: Ctx, frequency: str) -> None:
    topics.add(ctx, "thanks", "thank OR great")
    built = digest.build(
        ctx,
        local_date=date(2026, 11, 20),
        local_time="09:00",
        tz="America/Edmonton",
        frequency=frequency,
    )
    reply = digest.render(built)
    assert reply.chart is not None
    per_topic = {t["topic"]: t["posts"] for t in reply.data["topics"]}
    assert per_topic["flood"] > 0
    for label, values in reply.chart.plotted.items():
        name, shown = re.fullmatch(r"(.+) \((\d+)\)", label).groups()  # type: ignore[union-attr]
        assert sum(v or 0 for v in values) == int(shown) == per_topic[name]
        assert f"{name}: {per_topic[name]} posts" in reply.text
    assert {n for n, posts in per_topic.items() if posts} == {
        re.sub(r" \(\d+\)$", "", label) for label in reply.chart.plotted
    }
