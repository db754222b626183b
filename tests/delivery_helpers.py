"""A scheduler wired to the fake Slack server through the real WebClient, with a movable clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.runtime import Runtime
from bot.scheduler import Ticks
from bot.settings import Settings
from bot.slack.clients import web_client
from bot.slack.poster import SlackPoster
from jobs.ingest import SourceRef
from jobs.sources.base import RawPost
from storage.sources import Sources
from tests.fakes.slack import FakeSlack

TOKEN = "xoxb-T1-fake"


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


def wired(db_url: str, fake: FakeSlack | str, clock: Clock, owner: str = "worker-1") -> Ticks:
    api = fake if isinstance(fake, str) else fake.base_url
    settings = Settings(database_url=db_url, slack_bot_token=TOKEN, slack_api_url=api)
    runtime = Runtime(settings, clock=clock)
    client = web_client(settings, TOKEN, max_wait=0)
    return Ticks(runtime, SlackPoster(lambda _team: client), owner)


def store(runtime: Runtime, team: str, posts: list[RawPost], now: datetime) -> None:
    row = Sources(runtime.engine).ensure(team, "feed", "mastodon", now=now)
    assert row.id is not None
    runtime.ingestor.ingest(team, SourceRef(row.id, "mastodon", "feed"), posts, now=now)
