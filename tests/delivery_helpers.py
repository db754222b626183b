"""A scheduler wired to the fake Slack server through the real WebClient, with a movable clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine

from bot.runtime import Runtime
from bot.scheduler import Ticks
from bot.settings import Settings
from bot.slack.clients import web_client
from bot.slack.pacing import ChannelPacer
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


_ENGINES: dict[str, Engine] = {}


def runtime_for(settings: Settings, clock: Callable[[], datetime]) -> Runtime:
    """A Runtime whose engine is shared per URL within a test and disposed after it
    (`dispose_engines`), so no pool is left for the garbage collector to close."""
    runtime = Runtime(settings, clock=clock)
    engine = _ENGINES.get(settings.database_url)
    if engine is None:
        engine = _ENGINES[settings.database_url] = runtime.engine
    runtime.__dict__["engine"] = engine  # primes the cached_property
    return runtime


def dispose_engines() -> None:
    while _ENGINES:
        _ENGINES.popitem()[1].dispose()


def wired(db_url: str, fake: FakeSlack | str, clock: Clock, owner: str = "worker-1") -> Ticks:
    api = fake if isinstance(fake, str) else fake.base_url
    settings = Settings(database_url=db_url, slack_bot_token=TOKEN, slack_api_url=api)
    runtime = runtime_for(settings, clock)
    client = web_client(settings, TOKEN, max_wait=0)
    return Ticks(runtime, SlackPoster(lambda _team: client, pacer_on(clock)), owner)


def pacer_on(clock: Clock) -> ChannelPacer:
    """Per-channel pacing on the test's clock: a Retry-After hold ends when the test moves
    the clock past it, and pacing waits move the clock rather than take real time."""

    def advance(seconds: float) -> None:
        clock.now += timedelta(seconds=seconds)

    return ChannelPacer(clock=lambda: clock.now.timestamp(), sleep=advance)


def store(runtime: Runtime, team: str, posts: list[RawPost], now: datetime) -> None:
    row = Sources(runtime.engine).ensure(team, "feed", "mastodon", now=now)
    assert row.id is not None
    runtime.ingestor.ingest(team, SourceRef(row.id, "mastodon", "feed"), posts, now=now)
