"""Incident mode against the fake Slack: started, summary updated in place, wound down."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from bot.scheduler import Ticks
from commands import incident as incident_cmd
from commands.context import NotAllowedError
from jobs.sources.base import RawPost
from storage.incidents import Incidents
from storage.sources import Sources
from storage.topics import Topics
from tests.delivery_helpers import TOKEN, Clock, store, wired
from tests.fakes.slack import FakeSlack

START = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        fake.add_team("T1", TOKEN)
        fake.add_channel("C1", "T1")
        yield fake


def _surge(start: datetime) -> list[RawPost]:
    texts = [
        "Flood water over the road on Main St, evacuate now",
        "Evacuation order in Riverton, where is the shelter?",
        "Thank you crews for sandbagging near Bridge St #rivertonflood",
    ]
    return [
        RawPost(
            external_id=f"s{i}",
            text=f"{texts[i % 3]} ({i})",
            created_at=start + timedelta(seconds=20 * i),
            author=f"r{i % 40}",
            lang="en",
            likes=i % 7,
        )
        for i in range(150)
    ]


def _posted(slack: FakeSlack, title: str) -> list[dict[str, object]]:
    """Messages posted with this title (the live summary is later updated in place to the
    final one, so its stored text changes; posts are what counts)."""
    return [p for p in slack.calls_to("chat.postMessage") if title in str(p.get("text"))]


def _started(db_url: str, slack: FakeSlack) -> tuple[Clock, Ticks]:
    clock = Clock(START)
    ticks = wired(db_url, slack, clock)
    engine = ticks.runtime.engine
    Sources(engine).add(
        "T1", "county", "rss", {"url": "http://127.0.0.1:9/feed"}, now=START, interval_seconds=600
    )
    ctx = ticks.runtime.ctx("T1", user_id="U1", channel_id="C9", now=START)
    reply = incident_cmd.start(ctx, "riverflood", "flood* OR #rivertonflood", "<#C1|ops>")
    assert "Incident mode on" in reply.text
    store(ticks.runtime, "T1", _surge(START), START)
    return clock, ticks


def test_start_speeds_up_scans_and_raises_sensitivity(db_url: str, slack: FakeSlack) -> None:
    _, ticks = _started(db_url, slack)
    engine = ticks.runtime.engine
    source = Sources(engine).get("T1", "county")
    assert source is not None and source.interval_seconds == 60
    topic = Topics(engine).get("T1", "riverflood")
    crisis = Topics(engine).get("T1", "riverflood-crisis")
    assert topic is not None and topic.sensitivity == "high" and topic.channel == "C1"
    assert crisis is not None and "evacuat*" in crisis.query


def test_summary_pinned_updated_in_place_then_wound_down(db_url: str, slack: FakeSlack) -> None:
    clock, ticks = _started(db_url, slack)
    clock.now = START + timedelta(minutes=50)
    ticks.incidents()
    summaries = [m for m in slack.messages if "Live summary" in str(m["text"])]
    assert len(summaries) == 1 and summaries[0]["channel"] == "C1" and summaries[0].get("pinned")
    blocks = str(summaries[0]["blocks"])
    # Two posts in three match the query (the shelter question names no flood).
    assert "100 posts" in blocks and "Main St" in blocks and "Bridge St" in blocks
    ts = str(summaries[0]["ts"])
    clock.now += timedelta(minutes=2)
    ticks.incidents()
    assert slack.updates(ts) == []  # not more often than every five minutes
    clock.now += timedelta(minutes=4)
    ticks.incidents()
    assert len(slack.updates(ts)) == 1
    assert len([m for m in slack.messages if "Live summary" in str(m["text"])]) == 1

    clock.now = START + timedelta(hours=3, minutes=1)  # two quiet hours
    ticks.incidents()
    assert len(_posted(slack, "Final summary")) == 1
    finals = [m for m in slack.messages if "Final summary" in str(m["text"]) and m["ts"] != ts]
    assert len(finals) == 1 and finals[0].get("pinned")
    assert "quiet for two hours" in str(finals[0]["blocks"])
    assert "Final summary" in str(slack.updates(ts)[-1]["text"])  # the live one says so too
    engine = ticks.runtime.engine
    incident = Incidents(engine).get("T1", "riverflood")
    assert incident is not None and incident.status == "closed"
    assert incident.peak_hourly == 100
    source = Sources(engine).get("T1", "county")
    assert source is not None and source.interval_seconds == 600  # restored
    kinds = [e.kind for e in Incidents(engine).timeline(incident)]
    assert kinds[0] == "started" and kinds[-2:] == ["final summary", "closed"]
    assert "summary" in kinds
    ticks.incidents()  # closed incidents stay closed, nothing more is posted
    assert len(_posted(slack, "Final summary")) == 1


def test_stop_posts_the_final_summary_and_exports_the_record(db_url: str, slack: FakeSlack) -> None:
    clock, ticks = _started(db_url, slack)
    clock.now = START + timedelta(minutes=30)
    ticks.incidents()
    ctx = ticks.runtime.ctx("T1", user_id="U7", now=clock.now)
    assert "ending" in incident_cmd.stop(ctx, "riverflood").text
    ticks.incidents()
    finals = _posted(slack, "Final summary")
    assert len(finals) == 1 and "stopped by <@U7>" in str(finals[0]["blocks"])
    markdown = incident_cmd.export(ctx, "riverflood", "md")
    assert markdown.startswith("# Incident riverflood") and "| started |" in markdown
    assert "stopped by <@U7>" in markdown
    rows = list(csv.DictReader(io.StringIO(incident_cmd.export(ctx, "riverflood", "csv"))))
    assert rows[0]["kind"] == "started"
    assert rows[-1]["kind"] == "closed"


def test_only_admins_start_incidents(db_url: str, slack: FakeSlack) -> None:
    clock = Clock(START)
    ticks = wired(db_url, slack, clock)
    ctx = ticks.runtime.ctx("T1", user_id="U2", channel_id="C1", now=START, is_admin=False)
    with pytest.raises(NotAllowedError):
        incident_cmd.start(ctx, "x", "flood", None)
    assert Topics(ticks.runtime.engine).all("T1") == []
