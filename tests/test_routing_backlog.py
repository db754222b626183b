"""Routing never floods a channel: a large backlog becomes one summary with a "Show them"
button, posts are paced per channel (the fake Slack refuses more than Slack's one message a
second per channel, with short bursts), and a 429's Retry-After is waited out."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from bot.runtime import Runtime
from bot.scheduler import Ticks
from bot.slack.app import build_app
from bot.slack.pacing import ChannelPacer
from bot.slack.poster import SlackPoster
from commands.routed_backlog import SHOW
from storage.routing import SUMMARIZED, RoutedPosts
from tests.delivery_helpers import Clock
from tests.routing_helpers import add_routes, channels, in_channel, ingest, minutes, post, wired_on
from tests.slack_support import AdminAwareFakeSlack, click, make_runtime

START = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
BACKLOG = 480


@pytest.fixture
def slack() -> Iterator[AdminAwareFakeSlack]:
    with AdminAwareFakeSlack() as fake:
        fake.add_team("T1")
        fake.add_member("U1", "T1")
        channels(fake, "T1")
        fake.enforce_channel_rate()
        yield fake


def _routing(engine: Engine, slack: AdminAwareFakeSlack) -> tuple[Clock, Ticks]:
    clock = Clock(START)
    ticks = wired_on(engine, slack, clock)
    add_routes(ticks.runtime, "T1", clock.now)
    return clock, ticks


def _requests(count: int, *, over: timedelta) -> list:  # type: ignore[type-arg]
    step = over / count
    return [
        post(
            f"r{index}",
            f"We have no power on Elm Street, house {index}, since last night. When will it "
            "be back?",
            START - over + step * index,
        )
        for index in range(count)
    ]


def test_a_48_hour_backlog_is_one_summary_and_the_newest_few(
    engine: Engine, slack: AdminAwareFakeSlack
) -> None:
    clock, ticks = _routing(engine, slack)
    ingest(ticks.runtime, "T1", _requests(BACKLOG, over=timedelta(hours=47)), clock.now)
    clock.now += minutes(2)
    ticks.routing()
    posted = in_channel(slack, "CPOWER")
    assert slack.rate_limited == []  # paced within Slack's per-channel limit
    assert len(posted) == 4, [m["text"][:60] for m in posted]
    summary = posted[0]
    assert f"{BACKLOG - 3} earlier help requests" in summary["text"]
    assert "the newest 3 follow" in summary["text"]
    assert all("Help request for City Power" in m["text"] for m in posted[1:])
    assert "house 479" in posted[-1]["text"]
    rows = [RoutedPosts(engine).get("T1", i) for i in range(1, BACKLOG + 1)]
    assert sum(r is not None and r.status == SUMMARIZED for r in rows) == BACKLOG - 3
    # Nothing is left to deliver, and no reminder threads under the summary later.
    clock.now += timedelta(hours=3)
    ticks.routing()
    assert len(in_channel(slack, "CPOWER")) == 4
    reminders = in_channel(slack, "CPOWER", threads=True)
    assert all(m["thread_ts"] != summary["ts"] for m in reminders)
    assert len(reminders) <= 3 * 3  # only the three posted one by one are reminded

    # "Show them": ten at a time, newest first, only to the person who asked.
    runtime: Runtime = make_runtime(
        engine, clock.now, slack_bot_token="xoxb-T1-fake", slack_api_url=slack.base_url
    )
    app = build_app(runtime, process_before_response=True)
    button = next(b for b in summary["blocks"] if b["type"] == "actions")["elements"][0]
    assert button["action_id"] == SHOW
    page = click(app, slack, SHOW, button["value"], team="T1", user="U1", channel="CPOWER")
    assert page["response_type"] == "ephemeral"
    assert "house 476" in page["text"] and "house 467" in page["text"]
    assert "house 466" not in page["text"]
    assert f"1–10 of {BACKLOG - 3}" in page["text"]
    following = next(b for b in page["blocks"] if b["type"] == "actions")["elements"][0]
    second = click(app, slack, SHOW, following["value"], team="T1", user="U1", channel="CPOWER")
    assert "house 466" in second["text"]
    # Another workspace cannot read this backlog with a copied button value.
    slack.add_team("T2")
    other = click(app, slack, SHOW, button["value"], team="T2", user="U2", channel="CPOWER")
    assert "house" not in other["text"]


def test_a_small_batch_is_posted_one_by_one_and_paced(
    engine: Engine, slack: AdminAwareFakeSlack
) -> None:
    clock, ticks = _routing(engine, slack)
    ingest(ticks.runtime, "T1", _requests(8, over=timedelta(hours=1)), clock.now)
    clock.now += minutes(2)
    ticks.routing()
    assert len(in_channel(slack, "CPOWER")) == 8
    assert slack.rate_limited == []
    assert isinstance(ticks.poster, SlackPoster)
    print(f"paced: waited {ticks.poster.pacer.waited:.1f} s in all for 8 posts to one channel")
    assert ticks.poster.pacer.waited > 0


def test_retry_after_is_waited_out_before_posting_again(
    engine: Engine, slack: AdminAwareFakeSlack
) -> None:
    clock, ticks = _routing(engine, slack)
    assert isinstance(ticks.poster, SlackPoster)

    def advance(seconds: float) -> None:
        clock.now += timedelta(seconds=seconds)

    # The pacer on the test's clock: a 30 s Retry-After need not take 30 real seconds.
    ticks.poster.pacer = ChannelPacer(clock=lambda: clock.now.timestamp(), sleep=advance)
    ingest(ticks.runtime, "T1", _requests(5, over=timedelta(hours=1)), clock.now)
    clock.now += minutes(2)
    slack.rate_limit("chat.postMessage", times=1, retry_after=30)
    ticks.routing()
    assert len(slack.calls_to("chat.postMessage")) == 1  # refused; the rest wait
    assert in_channel(slack, "CPOWER") == []
    clock.now += timedelta(seconds=10)
    ticks.routing()
    assert len(slack.calls_to("chat.postMessage")) == 1  # still inside Retry-After
    clock.now += timedelta(seconds=25)
    ticks.routing()
    ticks.routing()
    assert len(in_channel(slack, "CPOWER")) == 5
    assert len(slack.calls_to("chat.postMessage")) == 6
