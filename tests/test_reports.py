"""/sentiment, /reach and topic commands: the numbers a comms team reads must be right."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from commands import reach, sentiment, topics
from commands.context import Ctx, NotAllowedError, UsageError
from commands.period import parse_period, since_until
from commands.registry import dispatch
from jobs.ingest import Ingestor, SourceRef
from jobs.sentiment.scorer import Scorer
from jobs.sources.base import RawPost
from storage.sources import Sources

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def _ctx(engine: Engine, team: str = "T1", *, admin: bool = True) -> Ctx:
    return Ctx(engine=engine, team_id=team, now=NOW, user_id="U1", channel_id="C1", is_admin=admin)


def _store(
    engine: Engine, team: str, posts: list[tuple[str, str, timedelta, dict[str, object]]]
) -> None:
    row = Sources(engine).ensure(team, "feed", "mastodon", now=NOW)
    assert row.id
    raw = [
        RawPost(external_id=ext, text=text, created_at=NOW - ago, lang="en", **extra)  # type: ignore[arg-type]
        for ext, text, ago, extra in posts
    ]
    Ingestor(engine, Scorer()).ingest(team, SourceRef(row.id, "mastodon", "feed"), raw, now=NOW)


POSTS = [
    (
        "1",
        "The flood is terrible and scary",
        timedelta(hours=2),
        {"author": "ann", "author_followers": 100, "likes": 5},
    ),
    (
        "2",
        "Great work on flood cleanup, thank you!",
        timedelta(hours=3),
        {"author": "bob", "author_followers": 50},
    ),
    (
        "3",
        "flood barriers on Main St",
        timedelta(hours=30),
        {"author": "ann", "author_followers": 100},
    ),
    ("4", "Lovely sunny day", timedelta(hours=1), {"author": "cy"}),
    (
        "5",
        "RT @city: flood warning issued",
        timedelta(days=8),
        {"author": "dee", "is_repost": True},
    ),
]


def test_sentiment_counts_and_change(engine: Engine) -> None:
    ctx = _ctx(engine)
    topics.add(ctx, "flood", "flood")
    _store(engine, "T1", POSTS)
    reply = sentiment.run("flood 7d", ctx)
    data = reply.data
    assert (data["posts"], data["positive"], data["negative"], data["neutral"]) == (3, 1, 1, 1)
    assert data["scored"] == 3
    assert data["previous"]["posts"] == 1  # the repost eight days ago
    assert data["mean_compound"] == pytest.approx(sum(p for p in _compounds(engine)) / 3, abs=1e-3)
    # Daily buckets for the 8 calendar days the week touches (noon to noon), empty ones too.
    assert len(data["series"]) == 8
    fields = " ".join(f["text"] for f in reply.blocks[1]["fields"])
    assert "3 (+200% vs previous period)" in fields
    assert reply.chart is not None and reply.chart.png.startswith(b"\x89PNG")
    assert "Most negative" in str(reply.blocks) and "terrible" in str(reply.blocks)


def _compounds(engine: Engine) -> list[float]:
    from sqlmodel import Session, select

    from storage.models import Post

    with Session(engine) as session:
        rows = session.exec(select(Post.compound).where(Post.external_id.in_(["1", "2", "3"])))  # type: ignore[attr-defined]
        return [c for c in rows if c is not None]


def test_unsaved_query_reads_stored_posts(engine: Engine) -> None:
    _store(engine, "T1", POSTS)
    data = sentiment.run('"flood cleanup" OR barriers 7d', _ctx(engine)).data
    assert data["posts"] == 2
    assert data["saved_topic"] is False


def test_bad_query_is_explained_with_position(engine: Engine) -> None:
    reply = dispatch("/sentiment", "(flood OR", _ctx(engine))
    assert reply.ephemeral
    assert "position" in reply.text


def test_empty_command_gets_usage(engine: Engine) -> None:
    reply = dispatch("/sentiment", "", _ctx(engine))
    assert reply.ephemeral and "Usage" in reply.text


def test_reach_counts_each_author_once(engine: Engine) -> None:
    ctx = _ctx(engine)
    topics.add(ctx, "floodcamp", "flood", kind="campaign")
    _store(engine, "T1", POSTS)
    data = reach.run("floodcamp 7d", ctx).data
    assert data["posts"] == 3
    assert data["unique_authors"] == 2  # ann twice, bob once
    assert data["potential_audience_upper_bound"] == 150
    assert data["engagement"] == 5
    assert "upper bound" in data["definition"]


def test_reach_of_unsaved_query_asks_to_save_it(engine: Engine) -> None:
    with pytest.raises(UsageError, match="not a saved campaign"):
        reach.run("whatever 7d", _ctx(engine))


def test_topic_add_backfills_and_rejects_bad_queries(engine: Engine) -> None:
    _store(engine, "T1", POSTS)
    ctx = _ctx(engine)
    reply = topics.add(ctx, "flood", "flood")
    assert reply.data["backfilled"] == 4
    assert sentiment.run("flood 7d", ctx).data["posts"] == 3
    with pytest.raises(UsageError, match="position"):
        topics.add(ctx, "broken", "flood OR")
    assert [t["name"] for t in topics.listing(ctx).data["topics"]] == ["flood"]


def test_non_admins_cannot_change_topics(engine: Engine) -> None:
    with pytest.raises(NotAllowedError):
        topics.add(_ctx(engine, admin=False), "flood", "flood")
    assert topics.listing(_ctx(engine)).data["topics"] == []


def test_workspaces_do_not_see_each_other(engine: Engine) -> None:
    topics.add(_ctx(engine, "T1"), "flood", "flood")
    _store(engine, "T1", POSTS)
    other = _ctx(engine, "T2")
    assert topics.listing(other).data["topics"] == []
    assert sentiment.run("flood 7d", other).data["posts"] == 0  # unsaved query there: no posts


@pytest.mark.parametrize(("text", "hours"), [("24h", 24), ("7d", 168), ("2w", 336), (None, 168)])
def test_relative_periods(text: str | None, hours: int) -> None:
    period = parse_period(text, NOW)
    assert period.end == NOW
    assert period.length == timedelta(hours=hours)


def test_date_periods_are_whole_local_days() -> None:
    period = parse_period("2026-11-01..2026-11-02", NOW, "America/Edmonton")
    # 1 Nov 2026 is the day daylight saving ends in Edmonton: 25 + 24 hours.
    assert period.length == timedelta(hours=49)
    assert period.start == datetime(2026, 11, 1, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize("bad", ["0d", "yesterday", "2026-11-05..2026-11-01", "9999d"])
def test_bad_periods_are_explained(bad: str) -> None:
    with pytest.raises(UsageError):
        parse_period(bad, NOW)


def test_since_a_date_runs_to_now_and_until_ends_with_its_day() -> None:
    since = since_until("2026-06-01", None, NOW, "America/Edmonton")
    assert since.start == datetime(2026, 6, 1, 6, 0, tzinfo=UTC)
    assert since.end == NOW
    assert since.span("America/Edmonton") == (
        "2026-06-01 00:00 to 2026-11-20 05:00 America/Edmonton"
    )
    until = since_until("2026-06-01", "2026-06-03", NOW)
    assert (until.start, until.end) == (
        datetime(2026, 6, 1, tzinfo=UTC),
        datetime(2026, 6, 4, tzinfo=UTC),
    )
    assert since_until("7d", None, NOW).length == timedelta(days=7)
    assert since_until("2026-06-01..2026-06-02", None, NOW).length == timedelta(days=2)
    with pytest.raises(UsageError, match="future"):
        since_until("2027-01-01", None, NOW)


def test_a_bare_date_in_a_slash_command_is_one_day_and_the_reply_says_so(engine: Engine) -> None:
    ctx = _ctx(engine)
    topics.add(ctx, "flood", "flood")
    _store(engine, "T1", POSTS)
    day = (NOW - timedelta(hours=30)).date().isoformat()
    reply = sentiment.run(f"flood {day}", ctx)
    assert reply.data["posts"] == 1  # the post 30 hours ago, not the later ones
    covered = f"{day} 00:00 to {(NOW - timedelta(hours=6)).date().isoformat()} 00:00 UTC"
    assert covered in reply.text
    assert covered in reply.blocks[1]["text"]["text"]
    topics.add(ctx, "camp", "flood", kind="campaign")
    week = reach.run("camp 7d", ctx)
    span = f"{(NOW - timedelta(days=7)):%Y-%m-%d %H:%M} to {NOW:%Y-%m-%d %H:%M} UTC"
    assert span in week.text and span in week.blocks[1]["text"]["text"]
