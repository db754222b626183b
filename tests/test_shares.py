"""The share of posts per platform and source, in /sentiment (signed Slack request) and the
digest."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from slack_bolt import App
from sqlalchemy import Engine

from bot.runtime import Runtime
from bot.slack.app import build_app
from commands import digest
from jobs.ingest import SourceRef
from jobs.sources.base import RawPost
from storage.sources import Sources
from storage.topics import Topics
from tests.slack_support import AdminAwareFakeSlack, make_runtime
from tests.test_slack_commands import run_command, section_texts


def _seed(rt: Runtime, now: datetime) -> None:
    Topics(rt.engine).add("T111", "flood", "flood", now=now - timedelta(days=3))
    for name, kind, count in (("masto", "mastodon", 3), ("sky", "bluesky", 1)):
        row = Sources(rt.engine).ensure("T111", name, kind, now=now)
        assert row.id is not None
        posts = [
            RawPost(f"{name}{n}", "flood on Main St", now - timedelta(hours=n + 1), author="a")
            for n in range(count)
        ]
        rt.ingestor.ingest("T111", SourceRef(row.id, kind, name), posts, now=now)
    other = Sources(rt.engine).ensure("T111", "news", "rss", now=now)
    assert other.id is not None
    chatter = [RawPost("n1", "sunny day", now - timedelta(hours=2))]
    rt.ingestor.ingest("T111", SourceRef(other.id, "rss", "news"), chatter, now=now)


@pytest.fixture
def fake() -> Iterator[AdminAwareFakeSlack]:
    with AdminAwareFakeSlack() as server:
        server.add_team("T111")
        server.add_channel("C111", "T111", name="comms")
        server.add_member("U111", "T111")
        yield server


@pytest.fixture
def runtime(engine: Engine, now: datetime, fake: AdminAwareFakeSlack) -> Runtime:
    rt = make_runtime(engine, now, slack_bot_token="xoxb-T111-fake", slack_api_url=fake.base_url)
    _seed(rt, now)
    return rt


def test_sentiment_shows_where_the_topic_posts_came_from(
    runtime: Runtime, fake: AdminAwareFakeSlack
) -> None:
    app: App = build_app(runtime, process_before_response=True)
    run_command(app, fake, "/sentiment", "flood 24h")
    [message] = [m for m in fake.messages if m["channel"] == "C111"]
    text = section_texts(message["blocks"])
    assert "*Where posts came from* (4): mastodon 75% · bluesky 25%" in text
    assert "(sources: masto 75%, sky 25%)" in text


def test_digest_shows_every_post_by_platform(runtime: Runtime, now: datetime) -> None:
    ctx = runtime.ctx("T111", now=now)
    built = digest.build(ctx, local_date=now.date() + timedelta(days=1), local_time="00:00")
    reply = digest.render(built)
    assert "*Where posts came from* (5): mastodon 60% · bluesky 20% · rss 20%" in reply.text
    assert "Where posts came from" in json.dumps(reply.blocks)
