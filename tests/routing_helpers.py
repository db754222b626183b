"""Help-routing test set-up: residents' posts, news and chatter, routes added by command."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from bot.runtime import Runtime
from bot.scheduler import Ticks
from bot.settings import Settings
from bot.slack.clients import web_client
from bot.slack.poster import SlackPoster
from commands import routes
from jobs.sources.base import RawPost
from tests.delivery_helpers import Clock, store
from tests.fakes.slack import FakeSlack

RESIDENT_POWER = "We have no power on Elm Street since last night, when will it be back?"
RESIDENT_SHELTER = "Our basement flooded and we need a place to stay tonight, where can we go?"
NEWS_REPORT = "40,000 residents without power after the storm, officials say"
SYMPATHY = "Thoughts and prayers to everyone without power tonight"
REPOST = "RT @neighbour: we have no power on Elm Street, please help"
SNEAKY = "<!channel> we have no power at <https://evil.example|the clinic>, please help us"


def wired_on(
    engine: Engine, fake: FakeSlack, clock: Clock, *, teams: tuple[str, ...] = ("T1",)
) -> Ticks:
    """Ticks on the test's own engine (a URL alone would lose PostgreSQL's test schema),
    posting to the fake Slack with each team's own token, as after an OAuth install."""
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        slack_api_url=fake.base_url,
    )
    runtime = Runtime(settings, clock=clock)
    runtime.__dict__["engine"] = engine  # primes the cached_property
    clients = {team: web_client(settings, f"xoxb-{team}-fake", max_wait=0) for team in teams}
    return Ticks(runtime, SlackPoster(lambda team: clients[team]), "worker-1")


def post(external_id: str, text: str, at: datetime, **extra: Any) -> RawPost:
    return RawPost(
        external_id=external_id,
        text=text,
        created_at=at,
        author=extra.pop("author", f"resident_{external_id}"),
        url=extra.pop("url", f"https://social.example/@r/{external_id}"),
        lang="en",
        **extra,
    )


def add_routes(runtime: Runtime, team: str, now: datetime) -> None:
    """City Power gets power needs, Shelters gets shelter needs (as an admin would type them)."""
    ctx = runtime.ctx(team, user_id="UADMIN", now=now)
    routes.run('add "City Power" <#CPOWER|power-desk> power', ctx)
    routes.run("add Shelters <#CSHELTER|shelters> shelter", ctx)


def channels(fake: FakeSlack, team: str) -> None:
    for channel in ("CPOWER", "CSHELTER"):
        fake.add_channel(channel, team)


def ingest(runtime: Runtime, team: str, posts: list[RawPost], now: datetime) -> None:
    store(runtime, team, posts, now)


def in_channel(fake: FakeSlack, channel: str, *, threads: bool = False) -> list[dict[str, Any]]:
    """Top-level messages in a channel (or only thread replies, with threads=True)."""
    return [m for m in fake.messages if m["channel"] == channel and bool(m["thread_ts"]) is threads]


def routed_id(message: dict[str, Any]) -> int:
    """The routed post id a message's buttons carry."""
    actions = next(block for block in message["blocks"] if block["type"] == "actions")
    return int(actions["elements"][0]["value"])


def minutes(span: int) -> timedelta:
    return timedelta(minutes=span)
